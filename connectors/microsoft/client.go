package microsoft

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/google/uuid"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// The global cloud's hosts, used when Config leaves one empty.
const (
	DefaultAuthorityHost    = "https://login.microsoftonline.com"
	DefaultGraphURL         = "https://graph.microsoft.com"
	DefaultPartnerCenterURL = "https://api.partnercenter.microsoft.com"
)

// The calls one Client keeps in flight to each service, chosen from what
// each service documents about its limits; Config.Concurrency (the user's
// sync.concurrency) is a ceiling over all three.
const (
	// GraphConcurrency: Graph throttles per application per tenant
	// (thousands of requests per 10 s each) and allows 130,000 requests per
	// 10 s per application across tenants, so calls to different tenants
	// can run wide; seats works on one tenant with one call at a time.
	GraphConcurrency = 32
	// PartnerCenterConcurrency: Partner Center throttles per partner (and
	// applicationconsents at 50 requests a second per application), so it
	// gets fewer.
	PartnerCenterConcurrency = 8
	// TokenConcurrency: the token endpoint issues one token per customer
	// tenant; Entra throttles token requests per application and tenant,
	// and each costs it a signature, so a middle number.
	TokenConcurrency = 16
)

// DefaultConcurrency is the ceiling when Config.Concurrency is 0: the
// widest of the service defaults.
const DefaultConcurrency = GraphConcurrency

// tokenAttempts is how many times a token request that failed on the way
// (5xx, a dropped connection, a timeout, an answer cut short) is made in
// all. A refusal (invalid_grant, consent_required) is never repeated.
const tokenAttempts = 4

// tokenBackoff is the first wait before a token request is made again;
// each further wait doubles it.
const tokenBackoff = 500 * time.Millisecond

// RedirectURI is the public-client redirect URI seats uses for the browser
// sign-in (MSAL listens on http://localhost:<free port>, which Entra accepts
// for a registered http://localhost) and for the admin consent link. The app
// registration must list it.
const RedirectURI = "http://localhost"

// graphAppID is Microsoft Graph's application id, the resource Partner
// Center's applicationconsents grants scopes on.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// CustomerGraphScopes are the Graph permissions seats asks for in customer
// tenants, and no more (least privilege): subscribed SKUs and directory
// subscriptions need Organization.Read.All, users with their licences need
// User.Read.All. The README lists them for the app registration.
var CustomerGraphScopes = []string{"Organization.Read.All", "User.Read.All"}

// Config configures a Client. Only ClientID is required.
type Config struct {
	// ClientID is the application (client) id of seats' app registration.
	ClientID string
	// TenantID is the sign-in authority's tenant; "" means "organizations"
	// (work accounts of any tenant).
	TenantID string
	// AuthorityHost is the login host, e.g. https://login.microsoftonline.com.
	AuthorityHost string
	// GraphURL is the Graph root without version, e.g. https://graph.microsoft.com.
	GraphURL string
	// PartnerCenterURL is the Partner Center API root, e.g.
	// https://api.partnercenter.microsoft.com.
	PartnerCenterURL string
	// GDAP is false in the sovereign clouds, which have no GDAP API:
	// GDAPRelationships then answers available=false without a call.
	GDAP bool
	// HTTPClient carries TLS roots (tls.ca_file) and proxy settings; MSAL and
	// every Graph and Partner Center call use it. nil = defaults.
	HTTPClient *http.Client
	// Cache persists MSAL's token cache (see TokenCache); nil keeps tokens in
	// memory only, for this process.
	Cache cache.ExportReplace
	// Logger receives httpx's redacted debug log; nil = none.
	Logger *slog.Logger
	// Concurrency is the ceiling on calls in flight to any one service
	// (Graph, Partner Center, the token endpoint), whatever the caller
	// does; each service gets the smaller of it and its own default
	// (GraphConcurrency, PartnerCenterConcurrency, TokenConcurrency).
	// 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock (licence snapshots are stamped with it); nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the real Microsoft connector: one MSAL public client for the
// partner user's sign-in and every token derived from it, and one httpx
// client per service. It is safe for concurrent use.
type Client struct {
	cfg           Config
	calls         *atomic.Int64 // every HTTP call made, for Calls
	authorityHost string
	graphURL      string
	pcURL         string
	now           func() time.Time

	pca   public.Client
	graph *httpx.Client
	pc    *httpx.Client
	sleep func(ctx context.Context, d time.Duration) error
	// flushMu serialises the flushes after sign-in and sign-out.
	flushMu sync.Mutex

	// memoMu guards acct and tokens: the signed-in account and the access
	// tokens already issued in this process, by tenant and scopes. MSAL
	// finds both by scanning its whole cache, which holds an account, an
	// ID token and an access token per customer tenant: asked once per
	// call, that cost grew with the square of the tenants.
	memoMu sync.Mutex
	acct   *public.Account
	tokens map[string]memoToken

	// The customer tenants' MSAL clients (tenantclients.go): made from
	// pcaOpts and the refresh token capture saw, on first use.
	pcaOpts    []public.Option
	capture    *capturingCache
	tenantMu   sync.Mutex
	tenantPCAs []public.Client
}

// The Client is a connectors.Microsoft.
var _ connectors.Microsoft = (*Client)(nil)

// New builds a Client from cfg. It fails when ClientID is empty (the error
// names the setting microsoft.client_id) or a host is not an https URL. It
// makes no network call.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("microsoft.client_id is not set: seats needs the application (client) id of its app registration")
	}
	authorityHost, err := httpx.SettingURL("microsoft.authority_host", cfg.AuthorityHost, DefaultAuthorityHost)
	if err != nil {
		return nil, err
	}
	graphURL, err := httpx.SettingURL("microsoft.graph_url", cfg.GraphURL, DefaultGraphURL)
	if err != nil {
		return nil, err
	}
	pcURL, err := httpx.SettingURL("microsoft.partner_center_url", cfg.PartnerCenterURL, DefaultPartnerCenterURL)
	if err != nil {
		return nil, err
	}
	tenant := strings.TrimSpace(cfg.TenantID)
	if tenant == "" {
		tenant = "organizations"
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}

	opts := []public.Option{public.WithAuthority(authorityHost + "/" + url.PathEscape(tenant))}
	if !isMicrosoftLoginHost(authorityHost) {
		// MSAL validates the authority against Microsoft's instance
		// discovery, which a sandbox or test host is not part of. Real
		// Microsoft hosts keep the validation.
		opts = append(opts, public.WithInstanceDiscovery(false))
	}
	// MSAL's own traffic (sign-in, token refresh) goes into the same
	// redacted debug log as the API calls, and at most TokenConcurrency
	// requests at a time.
	msal := *httpx.DefaultHTTPClient()
	if cfg.HTTPClient != nil {
		msal = *cfg.HTTPClient
	}
	msalBase := httpx.PooledTransport(msal.Transport, cfg.Concurrency)
	tokens := httpx.NewLimitTransport(msalBase, min(TokenConcurrency, cfg.Concurrency))
	// Only the token requests count against the bound: the OpenID
	// configuration MSAL reads once per tenant is a static document.
	tokens.Only = func(r *http.Request) bool { return r.Method == http.MethodPost }
	var calls atomic.Int64
	tokens.Calls = &calls
	msal.Transport = httpx.LogTransport(tokens, cfg.Logger, serviceSignIn)
	opts = append(opts, public.WithHTTPClient(&msal))
	capture := &capturingCache{next: cfg.Cache}
	pca, err := public.New(cfg.ClientID, append(opts[:len(opts):len(opts)], public.WithCache(capture))...)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.ErrBadRequest, Service: serviceSignIn, Op: "configure sign-in", Message: "the Microsoft sign-in authority is not valid: check microsoft.authority_host and microsoft.tenant_id", Err: err}
	}

	c := &Client{
		cfg:           cfg,
		authorityHost: authorityHost,
		graphURL:      graphURL,
		pcURL:         pcURL,
		now:           now,
		pca:           pca,
		pcaOpts:       opts,
		capture:       capture,
		calls:         &calls,
	}
	c.sleep = cfg.Sleep
	if c.sleep == nil {
		c.sleep = httpx.Sleep
	}
	c.graph = c.newHTTP("graph", min(GraphConcurrency, cfg.Concurrency))
	c.pc = c.newHTTP("partner center", min(PartnerCenterConcurrency, cfg.Concurrency))
	return c, nil
}

var _ connectors.CallCounter = (*Client)(nil)

// Calls counts the HTTP calls the client made: Graph (a JSON batch is one),
// Partner Center and token requests (connectors.CallCounter).
func (c *Client) Calls() int { return int(c.calls.Load()) }

// newHTTP builds the httpx client of one service over a copy of the
// configured *http.Client whose transport admits at most limit requests at
// a time. Bounding at the transport bounds every call,
// including each page of a listing, without holding a slot while httpx
// waits to retry.
func (c *Client) newHTTP(service string, limit int) *httpx.Client {
	return httpx.New(httpx.Options{
		Service:    service,
		HTTPClient: httpx.LimitedClient(c.cfg.HTTPClient, limit, c.calls),
		Logger:     c.cfg.Logger,
		Sleep:      c.cfg.Sleep,
		UserAgent:  "seats",
	})
}

// microsoftLoginHosts are the login hosts MSAL knows (its instance
// discovery trusts them without a network call).
var microsoftLoginHosts = map[string]bool{
	"login.microsoftonline.com":        true,
	"login.microsoft.com":              true,
	"login.windows.net":                true,
	"sts.windows.net":                  true,
	"login.microsoftonline.us":         true,
	"login-us.microsoftonline.com":     true,
	"login.chinacloudapi.cn":           true,
	"login.partner.microsoftonline.cn": true,
	"login.microsoftonline.de":         true,
}

func isMicrosoftLoginHost(root string) bool {
	u, err := url.Parse(root)
	return err == nil && microsoftLoginHosts[strings.ToLower(u.Hostname())]
}

// Scopes.

// signInScopes are asked for at sign-in: the GDAP read scope, so that the
// first token is useful at once; MSAL adds openid, profile and
// offline_access, whose refresh token then serves every other resource and
// tenant. Clouds without the GDAP API (Config.GDAP false) may not know that
// permission, and asking for an unknown scope fails the sign-in, so there
// seats asks for User.Read, which every cloud has.
func (c *Client) signInScopes() []string {
	if !c.cfg.GDAP {
		return []string{c.graphURL + "/User.Read"}
	}
	return []string{c.graphURL + "/DelegatedAdminRelationship.Read.All"}
}

func (c *Client) partnerCenterScopes() []string {
	return []string{c.pcURL + "/user_impersonation"}
}

func (c *Client) customerScopes() []string {
	return []string{c.graphURL + "/.default"}
}

// Tokens.

// token returns an access token for scopes, silently, for the first cached
// account; tenantID "" means the sign-in authority's tenant.
func (c *Client) token(ctx context.Context, op string, scopes []string, tenantID string) (string, error) {
	return c.tokenFor(ctx, op, scopes, tenantID, false)
}

// renewed is token past every cache: the service refused the token seats
// holds as good (revoked early, or the clocks disagree), so MSAL redeems
// the refresh token for a new one. MSAL bypasses its cached access token
// when claims are asked for; the claims asked for (a token issued from
// now on) are what any fresh token has.
func (c *Client) renewed(ctx context.Context, op string, scopes []string, tenantID string) (string, error) {
	return c.tokenFor(ctx, op, scopes, tenantID, true)
}

// withToken runs call with a token for scopes; when the service refuses
// that token (ErrUnauthorized), it runs call once more with a renewed one,
// so that a token ended before its time costs one round trip, not every
// sync until seats' own clock says it expired.
func withToken[T any](ctx context.Context, c *Client, op string, scopes []string, tenantID string, call func(tok string) (T, error)) (T, error) {
	tok, err := c.token(ctx, op, scopes, tenantID)
	if err != nil {
		var zero T
		return zero, err
	}
	out, err := call(tok)
	if connectors.KindOf(err) != connectors.ErrUnauthorized || ctx.Err() != nil {
		return out, err
	}
	if tok, err = c.renewed(ctx, op, scopes, tenantID); err != nil {
		var zero T
		return zero, err
	}
	return call(tok)
}

func (c *Client) tokenFor(ctx context.Context, op string, scopes []string, tenantID string, renew bool) (string, error) {
	key := tenantID + "\x00" + strings.Join(scopes, " ")
	if tok, ok := c.memoized(key); ok && !renew {
		return tok, nil
	}
	acct, err := c.firstAccount(ctx)
	if err != nil {
		return "", err
	}
	pca := c.pca
	opts := []public.AcquireSilentOption{public.WithSilentAccount(acct)}
	if tenantID != "" {
		opts = append(opts, public.WithTenantID(tenantID))
		if pca, err = c.tenantClient(tenantID); err != nil {
			return "", err
		}
	}
	if renew {
		opts = append(opts, public.WithClaims(fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, c.now().Unix())))
	}
	for attempt := 1; ; attempt++ {
		res, err := pca.AcquireTokenSilent(ctx, scopes, opts...)
		if err == nil {
			c.memoize(key, res.AccessToken, res.ExpiresOn)
			return res.AccessToken, nil
		}
		cerr := classifyAuth(ctx, op, flowSilent, err)
		if attempt >= tokenAttempts || !transientAuth(cerr) || ctx.Err() != nil {
			return "", cerr
		}
		// Neither MSAL nor Entra repeats a token request that failed on
		// the way; one such failure would cost a tenant (or, for the
		// partner's own token, the whole sync).
		if serr := c.sleep(ctx, tokenBackoff<<(attempt-1)); serr != nil {
			return "", classifyAuth(ctx, op, flowSilent, ctx.Err())
		}
	}
}

// transientAuth reports whether a failed token request may succeed when
// made again: the service failed or throttled, or its answer did not
// arrive whole. Refusals (consent, sign-in, access) are final.
func transientAuth(err error) bool {
	switch connectors.KindOf(err) {
	case connectors.ErrUnavailable, connectors.ErrRateLimited, connectors.ErrBadResponse:
		return true
	}
	return false
}

// firstAccount is the signed-in partner user: the first cached account,
// looked up once per process (or sign-in).
func (c *Client) firstAccount(ctx context.Context) (public.Account, error) {
	c.memoMu.Lock()
	if c.acct != nil {
		a := *c.acct
		c.memoMu.Unlock()
		return a, nil
	}
	c.memoMu.Unlock()
	accts, err := c.pca.Accounts(ctx)
	if err != nil {
		return public.Account{}, classifyCacheErr(ctx, err)
	}
	if len(accts) == 0 {
		return public.Account{}, errNotSignedIn()
	}
	c.memoMu.Lock()
	c.acct = &accts[0]
	c.memoMu.Unlock()
	return accts[0], nil
}

// memoToken is an access token issued in this process.
type memoToken struct {
	token     string
	expiresOn time.Time
}

// memoSlack is how long before its expiry a memoised token is no longer
// used (MSAL refreshes five minutes early too).
const memoSlack = 5 * time.Minute

func (c *Client) memoized(key string) (string, bool) {
	c.memoMu.Lock()
	defer c.memoMu.Unlock()
	m, ok := c.tokens[key]
	if !ok || !time.Now().Add(memoSlack).Before(m.expiresOn) {
		return "", false
	}
	return m.token, true
}

func (c *Client) memoize(key, token string, expiresOn time.Time) {
	c.memoMu.Lock()
	defer c.memoMu.Unlock()
	if c.tokens == nil {
		c.tokens = map[string]memoToken{}
	}
	c.tokens[key] = memoToken{token: token, expiresOn: expiresOn}
}

// forget drops the memoised account and tokens (sign-in, sign-out).
func (c *Client) forget() {
	c.memoMu.Lock()
	c.acct, c.tokens = nil, nil
	c.memoMu.Unlock()
	c.forgetTenantClients()
}

func errNotSignedIn() error {
	return &connectors.Error{Kind: connectors.ErrSignInRequired, Service: serviceSignIn, Op: "use the cached sign-in", Message: "not signed in: run `seats login`"}
}

// bearer is the Authorization header for a token, plus Accept JSON.
func bearer(token string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Accept", "application/json")
	return h
}

// partnerCenterHeader adds the headers Partner Center expects: fresh
// request and correlation ids. Reusing the same header across retries keeps
// MS-RequestId fixed, which is what makes a retried POST idempotent there.
func partnerCenterHeader(token string) http.Header {
	h := bearer(token)
	h.Set("MS-RequestId", uuid.NewString())
	h.Set("MS-CorrelationId", uuid.NewString())
	return h
}
