package sherweb

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/bearer"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Defaults for the zero values of Config.
const (
	// DefaultBaseURL is the gateway both APIs live under: the Service
	// Provider API at /service-provider/v1, the Distributor API at
	// /distributor/v1.
	DefaultBaseURL  = "https://api.sherweb.com"
	DefaultTokenURL = "https://api.sherweb.com/auth/oidc/connect/token"
	// DefaultConcurrency is how many calls one Client keeps in flight: the
	// subscriptions are read two calls per customer.
	DefaultConcurrency = 8
)

// The API roots under the base URL, and the token scopes of each API.
const (
	serviceProviderPath  = "/service-provider/v1"
	distributorPath      = "/distributor/v1"
	scopeServiceProvider = "service-provider"
	scopeDistributor     = "distributor"
)

// service names Sherweb in errors and the log.
const service = "sherweb"

// The settings and environment variables, named in errors.
const (
	settingURL         = "distributor.sherweb.url"
	settingTokenURL    = "distributor.sherweb.token_url"
	settingClientID    = "distributor.sherweb.client_id"
	envClientSecret    = "SEATS_DISTRIBUTOR_SHERWEB_CLIENT_SECRET"
	envSubscriptionKey = "SEATS_DISTRIBUTOR_SHERWEB_SUBSCRIPTION_KEY"
)

// Config configures a Client. ClientID, ClientSecret and SubscriptionKey
// are required.
type Config struct {
	// BaseURL is the gateway root both APIs live under; "" means
	// DefaultBaseURL (distributor.sherweb.url).
	BaseURL string
	// TokenURL is the client-credentials endpoint; "" means
	// DefaultTokenURL (distributor.sherweb.token_url).
	TokenURL string
	// ClientID and ClientSecret are the API client's credentials from
	// Sherweb's partner portal (Security > APIs). The secret goes into the
	// token request body and nowhere else.
	ClientID     string
	ClientSecret string
	// SubscriptionKey is the gateway key from the same page, sent as the
	// Ocp-Apim-Subscription-Key header and nowhere else.
	SubscriptionKey string
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives httpx's redacted debug log; nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight at once; 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock deciding when the token needs renewing and which
	// billing period's payable charges to read; nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the Sherweb connector. It is safe for concurrent use and
// read-only.
type Client struct {
	cfg             Config
	spURL, distURL  string // the two API roots
	tokenURL        string
	now             func() time.Time
	http            *httpx.Client
	calls           atomic.Int64
	legacyEndpoints atomic.Bool // the split subscription endpoints answered 404

	// Tokens: one for both scopes while the token endpoint grants both at
	// once; one per scope after it refused that (split).
	split atomic.Bool
	both  *scopeToken
	sp    *scopeToken
	dist  *scopeToken
}

// The Client is a connectors.Distributor that counts its calls and can test
// its connection.
var (
	_ connectors.Distributor        = (*Client)(nil)
	_ connectors.CallCounter        = (*Client)(nil)
	_ connectors.DistributorChecker = (*Client)(nil)
)

func init() {
	connectors.Default.Register(connectors.Info{
		Name:        "sherweb",
		DisplayName: "Sherweb",
		Kind:        connectors.KindDistributor,
		Description: "Sherweb partner APIs: a client id, client secret and subscription key from Cumulus, Security > APIs",
	})
}

// New builds a Client from cfg. It makes no network call. It fails when a
// credential is missing or a URL is not https, with an error that names the
// setting or environment variable (never the secret).
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New(settingClientID + " is not set: seats needs the client id of a Sherweb API client (Cumulus, Security > APIs)")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("the Sherweb client secret is missing: set " + envClientSecret + " or run `seats connect distributor`")
	}
	if strings.TrimSpace(cfg.SubscriptionKey) == "" {
		return nil, errors.New("the Sherweb subscription key is missing: set " + envSubscriptionKey + " or run `seats connect distributor`")
	}
	baseURL, err := httpx.SettingURL(settingURL, cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	tokenURL, err := httpx.SettingURL(settingTokenURL, cfg.TokenURL, DefaultTokenURL)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	c := &Client{
		cfg:      cfg,
		spURL:    baseURL + serviceProviderPath,
		distURL:  baseURL + distributorPath,
		tokenURL: tokenURL,
		now:      cfg.Now,
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.both = c.newScopeToken(scopeServiceProvider + " " + scopeDistributor)
	c.sp, c.dist = c.newScopeToken(scopeServiceProvider), c.newScopeToken(scopeDistributor)
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = httpx.Sleep
	}
	hc := httpx.LimitedClient(cfg.HTTPClient, cfg.Concurrency, &c.calls)
	c.http = httpx.New(httpx.Options{
		Service:    service,
		HTTPClient: hc,
		Logger:     cfg.Logger,
		Sleep:      sleep,
		UserAgent:  "seats",
	})
	return c, nil
}

// Calls is the number of HTTP requests sent so far, retries and token
// requests included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// Tokens.

// scopeToken is the cached token of one scope (or of both at once).
type scopeToken struct {
	scope string
	bearer.Token
}

// newScopeToken is the token of scope, asked for by c.
func (c *Client) newScopeToken(scope string) *scopeToken {
	st := &scopeToken{scope: scope}
	st.Token = bearer.Token{Service: service, Now: c.now,
		Request: func(ctx context.Context) (string, time.Duration, error) { return c.requestToken(ctx, scope) }}
	return st
}

// api says which of Sherweb's two APIs a call goes to.
type api int

const (
	serviceProviderAPI api = iota
	distributorAPI
)

// tokenFor returns a token good for the API, and the cache it came from.
//
// Sherweb's examples ask for one token per scope; one public client asks
// for "distributor service-provider" in one request. Which the token
// endpoint grants is not confirmed, so seats asks for both scopes at once
// (one token request per hour instead of two) and, if the endpoint refuses
// that with invalid_scope, asks for each scope alone from then on.
func (c *Client) tokenFor(ctx context.Context, a api) (string, *scopeToken, error) {
	if !c.split.Load() {
		tok, err := c.both.Get(ctx)
		if err == nil || !isTokenCode(err, "invalid_scope") {
			return tok, c.both, err
		}
		c.split.Store(true)
	}
	st := c.sp
	if a == distributorAPI {
		st = c.dist
	}
	tok, err := st.Get(ctx)
	return tok, st, err
}

// requestToken runs the client-credentials grant with a form body. The
// subscription key goes along too: whether the token endpoint sits behind
// the same gateway is not documented, and a server that does not need the
// header ignores it. The request is safe to repeat, so httpx retries it on
// 429 and 5xx.
func (c *Client) requestToken(ctx context.Context, scope string) (string, time.Duration, error) {
	// An OpenID Connect token endpoint takes only a form, as OAuth 2.0
	// prescribes.
	form := url.Values{
		"client_id":     {strings.TrimSpace(c.cfg.ClientID)},
		"client_secret": {c.cfg.ClientSecret},
		"scope":         {scope},
		"grant_type":    {"client_credentials"},
	}
	h := http.Header{}
	h.Set("Ocp-Apim-Subscription-Key", strings.TrimSpace(c.cfg.SubscriptionKey))
	var out tokenResponse
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, URL: c.tokenURL, Header: h, Form: form, Idempotent: true, Op: "sign in"}, &out)
	if err != nil {
		return "", 0, c.explainTokenError(err, scope)
	}
	if strings.TrimSpace(out.AccessToken) == "" {
		return "", 0, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: "sign in",
			Message: "the token endpoint answered without an access_token: check " + settingTokenURL}
	}
	return out.AccessToken, bearer.Lifetime(out.ExpiresIn), nil
}

// isTokenCode reports whether err is the token endpoint's OAuth error code.
func isTokenCode(err error, code string) bool {
	var ce *connectors.Error
	return errors.As(err, &ce) && ce.Op == "sign in" && strings.EqualFold(ce.Code, code)
}

// explainTokenError turns a failed token request into what to fix.
// Sherweb's token endpoint is an OpenID Connect server: a wrong client id
// or secret is 400 {"error":"invalid_client"} there (some servers say 401),
// a scope the client may not have 400 {"error":"invalid_scope"}.
func (c *Client) explainTokenError(err error, scope string) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	said := ""
	if ce.Message != "" {
		said = " (Sherweb said: " + ce.Message + ")"
	}
	switch {
	case ce.Status == http.StatusUnauthorized && mentionsSubscriptionKey(ce.Message):
		out.Kind = connectors.ErrUnauthorized
		out.Message = subscriptionKeyRefused
	case ce.Status == http.StatusUnauthorized || strings.EqualFold(ce.Code, "invalid_client") || strings.EqualFold(ce.Code, "unauthorized_client"):
		out.Kind = connectors.ErrUnauthorized
		out.Message = "the client secret was refused" + said + ": check the client id and " + envClientSecret + ", or make a new secret in Cumulus under Security > APIs"
	case strings.EqualFold(ce.Code, "invalid_scope"):
		out.Kind = connectors.ErrForbidden
		out.Message = "Sherweb would not give this API client a token for " + scope + said + ": check its access in Cumulus under Security > APIs"
	case ce.Status == http.StatusNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Sherweb token endpoint at " + httpx.Redact(c.tokenURL) + ": check " + settingTokenURL + " (default " + DefaultTokenURL + ")"
	case ce.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + httpx.Redact(c.tokenURL) + " is not a Sherweb token: check " + settingTokenURL + " (default " + DefaultTokenURL + ")"
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check " + settingTokenURL + " and the network"
		}
	}
	return &out
}

// subscriptionKeyRefused is what seats says when the gateway refuses the
// subscription key.
const subscriptionKeyRefused = "the subscription key was refused: check " + envSubscriptionKey +
	" against the key in Cumulus under Security > APIs (it must be active and cover this API)"

// mentionsSubscriptionKey recognises the gateway's own 401s ("Access denied
// due to invalid subscription key. Make sure to provide a valid key for an
// active subscription."; "... missing subscription key ..."), which a new
// token cannot cure.
func mentionsSubscriptionKey(message string) bool {
	return strings.Contains(strings.ToLower(message), "subscription key")
}

// unreachableHost returns the host name of a DNS failure in err's chain, or "".
func unreachableHost(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.Name
	}
	return ""
}

// API calls.

// get GETs path (relative to the API's root, with query) into out with a
// bearer token and the subscription key. A 401 renews the token once and
// tries again, since a token may end before its expires_in says; a 401 from
// the gateway about the subscription key is reported at once (a new token
// will not help). A 200 whose body does not parse is retried by httpx.
func (c *Client) get(ctx context.Context, a api, path string, query url.Values, op string, out any) error {
	u := c.spURL + path
	if a == distributorAPI {
		u = c.distURL + path
	}
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	renewed := false
	for {
		tok, st, err := c.tokenFor(ctx, a)
		if err != nil {
			return err
		}
		h := http.Header{}
		h.Set("Authorization", "Bearer "+tok)
		h.Set("Ocp-Apim-Subscription-Key", strings.TrimSpace(c.cfg.SubscriptionKey))
		_, err = c.http.Do(ctx, httpx.Request{URL: u, Header: h, Op: op}, out)
		var ce *connectors.Error
		if errors.As(err, &ce) && ce.Status == http.StatusUnauthorized && mentionsSubscriptionKey(ce.Message) {
			e := *ce
			e.Message = subscriptionKeyRefused
			return &e
		}
		if err != nil && !renewed && connectors.KindOf(err) == connectors.ErrUnauthorized {
			renewed = true
			st.Invalidate(tok)
			continue
		}
		return err
	}
}
