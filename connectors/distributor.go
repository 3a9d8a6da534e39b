package connectors

import (
	"context"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Term is the commitment of a subscription: how long the MSP is bound to its
// quantity. It is not how often it is invoiced (see BillingFrequency): an
// annual commitment may be billed monthly.
type Term string

// The terms seats knows. TermUnknown keeps a subscription whose term an API
// spelled in a way seats does not know; it is flagged, never dropped.
const (
	TermMonthly   Term = "monthly"
	TermAnnual    Term = "annual"
	TermTriennial Term = "triennial"
	TermUnknown   Term = "unknown"
)

// Terms lists the known terms in the order tables show them.
func Terms() []Term { return []Term{TermMonthly, TermAnnual, TermTriennial} }

// ParseTerm reads a term as seats writes it (config, CSV, JSON).
func ParseTerm(s string) (Term, bool) {
	for _, t := range Terms() {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// Months is the length of the commitment in months (0 when unknown).
func (t Term) Months() int {
	switch t {
	case TermMonthly:
		return 1
	case TermAnnual:
		return 12
	case TermTriennial:
		return 36
	}
	return 0
}

// BillingFrequency is how often the distributor invoices a subscription.
type BillingFrequency string

// The billing frequencies seats knows.
const (
	BillMonthly BillingFrequency = "monthly"
	BillAnnual  BillingFrequency = "annual"
	BillOnce    BillingFrequency = "once"
	BillUnknown BillingFrequency = "unknown"
)

// SubscriptionStatus is a distributor subscription's state, normalised over
// every distributor. StatusUnknown keeps a state an API spelled in a way
// seats does not know: the subscription is kept and flagged (its raw value
// in RawStatus), never dropped.
type SubscriptionStatus string

// The subscription statuses.
const (
	StatusActive        SubscriptionStatus = "active"
	StatusPendingCancel SubscriptionStatus = "pending_cancel"
	StatusSuspended     SubscriptionStatus = "suspended"
	StatusCancelled     SubscriptionStatus = "cancelled"
	StatusTrial         SubscriptionStatus = "trial"
	StatusPending       SubscriptionStatus = "pending"
	StatusUnknown       SubscriptionStatus = "unknown"
)

// DistributorAccount is one customer account of the MSP at its distributor
// (a Pax8 company, a Sherweb customer...).
type DistributorAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// TenantID is the Microsoft tenant id where the distributor has one (a
	// Pax8 externalId that is a GUID, a TD SYNNEX cloud profile, Partner
	// Center's customer id); "" when not known. TenantIDSource says which
	// field it came from, for the matching screen's "why".
	TenantID       string `json:"tenant_id,omitempty"`
	TenantIDSource string `json:"tenant_id_source,omitempty"`
	// Domain is a domain or website the distributor keeps for the account,
	// bare (no scheme, no path, lower case); "" when none.
	Domain string `json:"domain,omitempty"`
	// Active is false for accounts the distributor marks inactive or
	// deleted; they are kept so that history still resolves.
	Active bool `json:"active"`
}

// DistributorProduct is what the distributor sells, as it names it.
type DistributorProduct struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	VendorSKU string `json:"vendor_sku,omitempty"` // the vendor's part number, as the distributor gives it
	Vendor    string `json:"vendor,omitempty"`     // "Microsoft", "Acronis"...
}

// DistributorSubscription is one subscription the MSP is billed for.
type DistributorSubscription struct {
	ID        string             `json:"id"`
	AccountID string             `json:"account_id"`
	Product   DistributorProduct `json:"product"`
	// MicrosoftSubscriptionID is Graph's commerceSubscriptionId of the same
	// subscription, where the distributor gives it (Pax8's
	// vendorSubscriptionId); the strongest evidence for matching.
	MicrosoftSubscriptionID string `json:"microsoft_subscription_id,omitempty"`
	// SkuID is the Microsoft SKU id (Graph skuId), where the distributor
	// gives one; "" otherwise (matching ties the product by name).
	SkuID    string `json:"sku_id,omitempty"`
	Quantity int    `json:"quantity"`
	// QuantityDoubtful marks a quantity that was not a plain whole number
	// of seats as read (negative, fractional, implausible, unreadable): it
	// is kept as near as an int allows, flagged in Warnings, and no money
	// is worked out from it.
	QuantityDoubtful bool `json:"quantity_doubtful,omitempty"`
	// UnitCost is what the MSP pays per seat per billing period, UnitPrice
	// the distributor's suggested price to the customer. Either is the zero
	// Money (unknown) where the API gives none: never invented.
	UnitCost         Money              `json:"unit_cost"`
	UnitPrice        Money              `json:"unit_price"`
	Term             Term               `json:"term"`
	BillingFrequency BillingFrequency   `json:"billing_frequency"`
	CommitmentEnd    time.Time          `json:"commitment_end,omitzero"` // the renewal date
	Status           SubscriptionStatus `json:"status"`
	RawStatus        string             `json:"raw_status,omitempty"` // as the API spelled it
	StartDate        time.Time          `json:"start_date,omitzero"`
	// EndDate is when the subscription ends or ended (a cancellation, a
	// pending cancellation: billed until then); zero when open-ended.
	EndDate time.Time `json:"end_date,omitzero"`
	// Microsoft is false for products of other vendors; they are kept so
	// the tables can show or hide them.
	Microsoft bool `json:"microsoft"`
	// Warnings say what was odd about this subscription as read (an unknown
	// status kept, a fractional quantity, an unknown currency): it is kept,
	// and these are shown beside it instead of silently trusted.
	Warnings []string `json:"warnings,omitempty"`
}

// Counted reports whether the subscription's seats are paid for now:
// active or pending cancellation (trials only when includeTrials).
func (s DistributorSubscription) Counted(includeTrials bool) bool {
	switch s.Status {
	case StatusActive, StatusPendingCancel:
		return true
	case StatusTrial:
		return includeTrials
	}
	return false
}

// DistributorSnapshot is everything read from the distributor in one sync.
type DistributorSnapshot struct {
	Kind          string                    `json:"kind"` // registry name: "pax8"...
	TakenAt       time.Time                 `json:"taken_at"`
	Accounts      []DistributorAccount      `json:"accounts"`
	Subscriptions []DistributorSubscription `json:"subscriptions"`
	// Stale is set when the last sync of the distributor failed; the data
	// is the previous successful read and StaleReason says why.
	Stale       bool      `json:"stale,omitempty"`
	StaleReason string    `json:"stale_reason,omitempty"`
	StaleSince  time.Time `json:"stale_since,omitzero"`
}

// Distributor is what seats needs from a distributor: the MSP's customer
// accounts and the subscriptions it is billed for. Implementations are
// read-only, page to the end, and classify failures into the error kinds
// (a refused client secret is ErrUnauthorized).
type Distributor interface {
	// Accounts lists every customer account, all pages.
	Accounts(ctx context.Context) ([]DistributorAccount, error)
	// Subscriptions lists every subscription of every account, all pages,
	// including cancelled, suspended and non-Microsoft ones (marked).
	Subscriptions(ctx context.Context) ([]DistributorSubscription, error)
}

// CallCounter is an optional ability: a connector that counts the HTTP calls
// it made, so that a sync can say how many it used (Autotask's budget is
// shared with every other integration of the MSP).
type CallCounter interface {
	Calls() int
}

// DistributorCheck is the answer of a connection test: how many accounts
// and subscriptions the distributor reports, so the engineer sees at once
// that the credential reaches the right data.
type DistributorCheck struct {
	DisplayName   string // "Pax8"
	AccountsNoun  string // what the distributor calls accounts: "companies", "customers"
	Accounts      int
	Subscriptions int
}

// String is the line the connect screen shows, e.g.
// "Pax8: 142 companies, 1,310 subscriptions".
func (c DistributorCheck) String() string {
	noun := c.AccountsNoun
	if noun == "" {
		noun = "accounts"
	}
	p := message.NewPrinter(language.English)
	return p.Sprintf("%s: %d %s, %d subscriptions", c.DisplayName, c.Accounts, noun, c.Subscriptions)
}

// DistributorChecker is an optional ability: a cheap test call that proves
// the settings and credential work, with errors that say what to fix (the
// secret, the credential's access, the URL).
type DistributorChecker interface {
	Check(ctx context.Context) (DistributorCheck, error)
}
