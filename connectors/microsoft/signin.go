package microsoft

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/pkg/browser"

	"github.com/seats-msp/seats/connectors"
)

// MsgNoBrowser says that the browser sign-in could not open a browser, and
// what to do instead.
const MsgNoBrowser = "no browser could be opened on this machine; sign in with a device code instead (it works from any device): `seats login` without --browser, or n in the wizard"

// DeviceCode is a started device-code sign-in: what to show the user, and
// the handle WaitDeviceCode needs. Show Message verbatim (Microsoft
// localises it); UserCode and VerificationURL are there to render and copy
// separately; ExpiresOn is when the code stops working (count down to it).
type DeviceCode struct {
	UserCode        string
	VerificationURL string
	Message         string
	ExpiresOn       time.Time

	msal public.DeviceCode
}

// StartDeviceCode asks Microsoft for a device code for the partner user's
// sign-in. It returns quickly; WaitDeviceCode then waits for the user.
func (c *Client) StartDeviceCode(ctx context.Context) (*DeviceCode, error) {
	dc, err := c.pca.AcquireTokenByDeviceCode(ctx, c.signInScopes())
	if err != nil {
		return nil, classifyAuth(ctx, "start device-code sign-in", flowDeviceCode, err)
	}
	return &DeviceCode{
		UserCode:        dc.Result.UserCode,
		VerificationURL: dc.Result.VerificationURL,
		Message:         dc.Result.Message,
		ExpiresOn:       dc.Result.ExpiresOn,
		msal:            dc,
	}, nil
}

// WaitDeviceCode blocks until the user has entered dc's code and signed in,
// then returns the account (the sign-in is saved in the token cache, and
// flushed at once when Config.Cache is a TokenCache). It fails with kind
// ErrCanceled when ctx is cancelled, when the user declines, or when the
// code expires (that error wraps ErrDeviceCodeExpired); with
// ErrConditionalAccess when a Conditional Access policy forbids device-code
// sign-in (the message says to use the browser instead).
func (c *Client) WaitDeviceCode(ctx context.Context, dc *DeviceCode) (connectors.Account, error) {
	if dc == nil {
		return connectors.Account{}, errors.New("microsoft: WaitDeviceCode needs the *DeviceCode that StartDeviceCode returned")
	}
	res, err := dc.msal.AuthenticationResult(ctx)
	if err != nil {
		return connectors.Account{}, classifyAuth(ctx, "device-code sign-in", flowDeviceCode, err)
	}
	if err := c.keepOnly(ctx, res.Account.HomeAccountID); err != nil {
		return connectors.Account{}, err
	}
	c.forget()
	if err := c.flush(); err != nil {
		return connectors.Account{}, err
	}
	return accountFromResult(res), nil
}

// SignInBrowser signs the partner user in with the system browser (MSAL's
// interactive flow with PKCE; MSAL listens on http://localhost:<free port>
// for the answer). openURL opens the sign-in page; nil means the system's
// default browser. Use it where Conditional Access blocks device code.
func (c *Client) SignInBrowser(ctx context.Context, openURL func(url string) error) (connectors.Account, error) {
	if openURL == nil {
		openURL = browser.OpenURL
	}
	// A browser that cannot be opened (a server, an SSH session) is not an
	// answer from Microsoft: say that, and what works instead.
	var openErr error
	open := func(u string) error {
		openErr = openURL(u)
		return openErr
	}
	res, err := c.pca.AcquireTokenInteractive(ctx, c.signInScopes(), public.WithOpenURL(open))
	if err != nil && openErr != nil && ctx.Err() == nil {
		return connectors.Account{}, &connectors.Error{Kind: connectors.ErrUnavailable, Service: serviceSignIn, Op: "browser sign-in",
			Message: MsgNoBrowser, Err: redacted{openErr}}
	}
	if err != nil {
		return connectors.Account{}, classifyAuth(ctx, "browser sign-in", flowBrowser, err)
	}
	if err := c.keepOnly(ctx, res.Account.HomeAccountID); err != nil {
		return connectors.Account{}, err
	}
	c.forget()
	if err := c.flush(); err != nil {
		return connectors.Account{}, err
	}
	return accountFromResult(res), nil
}

// Account returns the cached sign-in (the first cached account), if any,
// without asking the user anything. ok is false when nobody is signed in,
// and also, with an ErrSignInRequired error, when the sign-in has expired or
// been revoked. The name and tenant come from the cached ID token; reading
// them may refresh the sign-in's token, and any other failure to do so is not
// an error here (later calls report it).
func (c *Client) Account(ctx context.Context) (connectors.Account, bool, error) {
	accts, err := c.pca.Accounts(ctx)
	if err != nil {
		return connectors.Account{}, false, classifyCacheErr(ctx, err)
	}
	if len(accts) == 0 {
		return connectors.Account{}, false, nil
	}
	a := accts[0]
	acct := connectors.Account{
		Username:        a.PreferredUsername,
		HomeAccountID:   a.HomeAccountID,
		PartnerTenantID: homeTenant(a.HomeAccountID),
	}
	res, err := c.pca.AcquireTokenSilent(ctx, c.signInScopes(), public.WithSilentAccount(a))
	if err != nil {
		if ctx.Err() != nil {
			return connectors.Account{}, false, classifyAuth(ctx, "use the cached sign-in", flowSilent, ctx.Err())
		}
		// An expired or revoked sign-in is no sign-in: say so. Any other
		// failure (the network, an outage) leaves the cached account
		// standing; the next call reports it.
		if cerr := classifyAuth(ctx, "use the cached sign-in", flowSilent, err); errors.Is(cerr, connectors.ErrSignInRequired) {
			return acct, false, cerr
		}
		return acct, true, nil
	}
	full := accountFromResult(res)
	if full.Username == "" {
		full.Username = acct.Username
	}
	if full.PartnerTenantID == "" {
		full.PartnerTenantID = acct.PartnerTenantID
	}
	return full, true, nil
}

// keepOnly removes every cached account but homeAccountID. A sign-in with
// another account replaces the old one only once it has succeeded: until
// then the old account stays cached and in use (a cancelled switch keeps
// it), and afterwards the client never has two accounts to choose from.
func (c *Client) keepOnly(ctx context.Context, homeAccountID string) error {
	accts, err := c.pca.Accounts(ctx)
	if err != nil {
		return classifyCacheErr(ctx, err)
	}
	for _, a := range accts {
		if a.HomeAccountID == homeAccountID {
			continue
		}
		if err := c.pca.RemoveAccount(ctx, a); err != nil {
			return classifyCacheErr(ctx, err)
		}
	}
	return nil
}

// SignOut forgets every cached account and its tokens (and flushes the
// token cache when Config.Cache is a TokenCache).
func (c *Client) SignOut(ctx context.Context) error {
	accts, err := c.pca.Accounts(ctx)
	if err != nil {
		return classifyCacheErr(ctx, err)
	}
	c.forget()
	for _, a := range accts {
		if err := c.pca.RemoveAccount(ctx, a); err != nil {
			return classifyCacheErr(ctx, err)
		}
	}
	return c.flush()
}

// flush writes the token cache now when it can: a sign-in or sign-out is
// worth one write so that a crash afterwards does not lose it.
func (c *Client) flush() error {
	f, ok := c.cfg.Cache.(interface{ Flush() error })
	if !ok {
		return nil
	}
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	return f.Flush()
}

// accountFromResult maps MSAL's result. The partner tenant is the ID
// token's tid: MSAL's Account.Realm is the authority's tenant
// ("organizations"), not the user's.
func accountFromResult(res public.AuthResult) connectors.Account {
	username := res.Account.PreferredUsername
	if username == "" {
		username = res.IDToken.PreferredUsername
	}
	if username == "" {
		username = res.IDToken.UPN
	}
	tenant := res.IDToken.TenantID
	if tenant == "" {
		tenant = homeTenant(res.Account.HomeAccountID)
	}
	return connectors.Account{
		Username:        username,
		Name:            res.IDToken.Name,
		HomeAccountID:   res.Account.HomeAccountID,
		PartnerTenantID: tenant,
	}
}

// homeTenant is the <utid> of MSAL's "<uid>.<utid>" home account id.
func homeTenant(homeAccountID string) string {
	if i := strings.LastIndexByte(homeAccountID, '.'); i >= 0 {
		return homeAccountID[i+1:]
	}
	return ""
}
