package common

import (
	"context"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
)

// Session signs the partner in to Microsoft.
type Session interface {
	// Account returns the cached sign-in, if any. ok is false when nobody is
	// signed in; that is not an error.
	Account(ctx context.Context) (connectors.Account, bool, error)
	// StartDeviceCode asks Microsoft for a device code. The returned code
	// carries UserCode, VerificationURL, Message and ExpiresOn.
	StartDeviceCode(ctx context.Context) (*microsoft.DeviceCode, error)
	// WaitDeviceCode blocks until the user signed in, declined, the code
	// expired or ctx was cancelled (then the error is of kind
	// connectors.ErrCanceled). On success the account is saved.
	WaitDeviceCode(ctx context.Context, dc *microsoft.DeviceCode) (connectors.Account, error)
	// SignInBrowser runs the interactive browser flow, for tenants whose
	// Conditional Access blocks device code.
	SignInBrowser(ctx context.Context) (connectors.Account, error)
	// SignOut forgets the sign-in, so that another account can sign in.
	SignOut(ctx context.Context) error
}

// Customers lists customers and consents seats into them.
type Customers interface {
	// Statuses returns what the store knows: fast, no network.
	Statuses() ([]connectors.CustomerStatus, error)
	// Refresh reads Partner Center and GDAP into the store, then returns
	// Statuses.
	Refresh(ctx context.Context) ([]connectors.CustomerStatus, error)
	// ConsentPartner consents seats into the customer with the partner
	// account (Option B), verifies it (retrying while it propagates) and
	// records the result. The error says why in one sentence.
	ConsentPartner(ctx context.Context, tenantID string) (connectors.CustomerStatus, error)
	// AdminConsentURL is the link the customer's own admin opens (Option A).
	AdminConsentURL(tenantID string) string
	// WaitAdminConsent polls until the consent shows (Ready) or ctx ends.
	WaitAdminConsent(ctx context.Context, tenantID string) (connectors.CustomerStatus, error)
}

// FreshCustomers is what a Customers may also tell: whether the customer
// list in the store was read from Partner Center recently enough
// (sync.customers_fresh_for) that opening the screen need not read it
// again; r always does. A Customers without it is read on every start.
type FreshCustomers interface {
	Fresh() (bool, error)
}

// AppSetup registers seats' application when no client id is set yet, from
// the Connect step.
type AppSetup interface {
	// StartCreate asks for a device code for the setup sign-in (Microsoft
	// Graph Command Line Tools, an administrator of the partner tenant).
	StartCreate(ctx context.Context) (*microsoft.DeviceCode, error)
	// FinishCreate waits for that sign-in, creates or completes the
	// application, saves its id to config.yaml and reports what it did.
	// From then on Session and Customers use the new application.
	FinishCreate(ctx context.Context, dc *microsoft.DeviceCode) (microsoft.AppReport, error)
	// UseClientID checks an application id the user already has and saves
	// it; the error says what is wrong with it.
	UseClientID(id string) error
}

// Progress keeps the wizard's position; *store.Store satisfies it.
type Progress interface {
	// WizardProgress returns the saved position; a zero value when nothing
	// was saved yet.
	WizardProgress() (store.WizardProgress, error)
	// SaveWizardProgress replaces the saved position.
	SaveWizardProgress(p store.WizardProgress) error
}

// Deps are the outside abilities the wizard needs. cmd/seats builds them
// from the real connectors and the store; tests pass fakes.
type Deps struct {
	Session   Session
	Customers Customers
	Progress  Progress
	// OpenURL opens a link in the user's browser. It is nil when no browser
	// can be opened (headless, SSH): then the screens say "open this link on
	// any device" and hide the open key.
	OpenURL func(url string) error
	// Now is the clock; screens that count down or date things use it so
	// that tests are deterministic.
	Now func() time.Time
	// Sandbox shows a SANDBOX badge in the header.
	Sandbox bool
	// Debug shows the whole chain of an error in the error box; without it
	// the box says what happened and what to do, in a sentence each.
	Debug bool
	// Command is how the user runs seats ("seats --sandbox"): hints name
	// commands that way, so that copying one works. Empty means "seats".
	Command string
	// AppSetup is set when no application id is configured: the Connect
	// step then offers to create the application or enter its id first.
	AppSetup AppSetup
	// Readiness runs the readiness check (seats doctor) for the Connect
	// step to show once someone is signed in; nil shows none.
	Readiness func(ctx context.Context) []workflow.Check
	// Notices are lines seats printed before the wizard took the screen
	// (warnings about the keyring, the sandbox's world); the wizard shows
	// them until a key is pressed, so they are not lost behind it.
	Notices []string
}
