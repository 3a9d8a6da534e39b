package pax8

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Defaults for the zero values of Config.
const (
	DefaultBaseURL  = "https://api.pax8.com/v1"
	DefaultTokenURL = "https://api.pax8.com/v1/token"
	DefaultAudience = "https://api.pax8.com"
	// DefaultConcurrency is how many calls one Client keeps in flight.
	DefaultConcurrency = 8
	// PageSize is what seats asks for per page: Pax8's documented maximum.
	PageSize = 200
)

// service names Pax8 in errors and the log.
const service = "pax8"

// maxPages bounds one listing: 10,000 pages of 200 is two million rows,
// far beyond any MSP; more is a server fault, not data.
const maxPages = 10000

// Config configures a Client. ClientID and ClientSecret are required.
type Config struct {
	// BaseURL is the API root; "" means DefaultBaseURL.
	BaseURL string
	// TokenURL is the client-credentials endpoint; "" means DefaultTokenURL.
	// Pax8 has moved it before, hence a setting.
	TokenURL string
	// Audience is sent with the token request; "" means DefaultAudience
	// (the partner API; api://p8p.client is the legacy one).
	Audience string
	// ClientID and ClientSecret are the Pax8 developer app's credentials.
	// The secret goes into the token request body and nowhere else.
	ClientID     string
	ClientSecret string
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives httpx's redacted debug log; nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight at once (the per-subscription
	// detail calls above all); 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock deciding when the token needs renewing; nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the Pax8 connector: a client-credentials token reused until it
// nearly expires, and one httpx client whose transport admits at most
// Concurrency calls at a time. It is safe for concurrent use and read-only.
type Client struct {
	cfg      Config
	baseURL  string
	tokenURL string
	audience string
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	http     *httpx.Client
	calls    atomic.Int64

	tokMu   sync.Mutex
	tok     string
	renewAt time.Time // when the token is to be renewed: a little before it expires
	renewal *tokenRenewal
}

// tokenRenewal is one token request in flight; callers that need a token
// meanwhile wait for it instead of asking again.
type tokenRenewal struct {
	done chan struct{}
	tok  string
	err  error
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
		Name:        "pax8",
		DisplayName: "Pax8",
		Kind:        connectors.KindDistributor,
		Description: "Pax8 partner API: a client id and secret from a Pax8 developer app made by a Partner Admin",
	})
}

// New builds a Client from cfg. It makes no network call. It fails when the
// client id or secret is missing or a URL is not https, with an error that
// names the setting (never the secret).
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("distributor.pax8.client_id is not set: seats needs the client id of a Pax8 developer app")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("the Pax8 client secret is missing: set SEATS_DISTRIBUTOR_PAX8_CLIENT_SECRET or run `seats connect distributor`")
	}
	baseURL, err := httpx.SettingURL("distributor.pax8.url", cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	tokenURL, err := httpx.SettingURL("distributor.pax8.token_url", cfg.TokenURL, DefaultTokenURL)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	c := &Client{
		cfg:      cfg,
		baseURL:  baseURL,
		tokenURL: tokenURL,
		audience: strings.TrimSpace(cfg.Audience),
		now:      cfg.Now,
		sleep:    cfg.Sleep,
	}
	if c.audience == "" {
		c.audience = DefaultAudience
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = httpx.Sleep
	}
	hc := httpx.LimitedClient(cfg.HTTPClient, cfg.Concurrency, &c.calls)
	c.http = httpx.New(httpx.Options{
		Service:    service,
		HTTPClient: hc,
		Logger:     cfg.Logger,
		Sleep:      c.sleep,
		UserAgent:  "seats",
	})
	return c, nil
}

// Calls is the number of HTTP requests sent so far, retries and token
// requests included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// Tokens.

// tokenMargin is how long before expiry a token is renewed, so that a call
// never leaves with a token that dies on the way: a tenth of its lifetime,
// at most five minutes (Pax8's 24-hour tokens are renewed at 23h55m).
func tokenMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/10, 5*time.Minute)
}

// defaultLifetime is assumed when the token answer has no usable
// expires_in: short, so a wrong guess costs one extra token call, not a
// failed sync.
const defaultLifetime = 5 * time.Minute

// accessToken returns the cached token while it is fresh, and otherwise
// renews it: one token request at a time, whose result every concurrent
// caller shares. A renewal runs under the context of the caller that
// started it; if that caller gives up, the others start another rather
// than inherit its cancellation.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	for {
		c.tokMu.Lock()
		if c.tok != "" && c.now().Before(c.renewAt) {
			tok := c.tok
			c.tokMu.Unlock()
			return tok, nil
		}
		r := c.renewal
		if r == nil {
			r = &tokenRenewal{done: make(chan struct{})}
			c.renewal = r
			c.tokMu.Unlock()
			c.renew(ctx, r)
		} else {
			c.tokMu.Unlock()
		}
		select {
		case <-r.done:
		case <-ctx.Done():
			return "", &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: "sign in", Err: ctx.Err()}
		}
		if r.err != nil && connectors.KindOf(r.err) == connectors.ErrCanceled && ctx.Err() == nil {
			continue // the caller who asked gave up; this one has not
		}
		return r.tok, r.err
	}
}

// renew asks for a token and publishes the result to r's waiters.
func (c *Client) renew(ctx context.Context, r *tokenRenewal) {
	tok, lifetime, err := c.requestToken(ctx)
	c.tokMu.Lock()
	if err == nil {
		c.tok = tok
		c.renewAt = c.now().Add(lifetime - tokenMargin(lifetime))
	}
	c.renewal = nil
	c.tokMu.Unlock()
	r.tok, r.err = tok, err
	close(r.done)
}

// invalidate forgets tok if it is still the cached token, so that the next
// accessToken renews it; a token someone else renewed meanwhile is kept.
func (c *Client) invalidate(tok string) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tok == tok {
		c.tok = ""
	}
}

// requestToken runs the client-credentials grant with a JSON body. The
// request is safe to repeat, so httpx retries it on 429 and 5xx.
func (c *Client) requestToken(ctx context.Context) (string, time.Duration, error) {
	body := tokenRequest{
		ClientID:     strings.TrimSpace(c.cfg.ClientID),
		ClientSecret: c.cfg.ClientSecret,
		Audience:     c.audience,
		GrantType:    "client_credentials",
	}
	var out tokenResponse
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, URL: c.tokenURL, Body: body, Idempotent: true, Op: "sign in"}, &out)
	if err != nil {
		return "", 0, c.explainTokenError(err)
	}
	if strings.TrimSpace(out.AccessToken) == "" {
		return "", 0, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: "sign in",
			Message: "the token endpoint answered without an access_token: check distributor.pax8.token_url"}
	}
	return out.AccessToken, tokenLifetime(out.ExpiresIn), nil
}

// tokenLifetime reads expires_in (seconds; "86400" or 86400.0 alike). A
// missing or unreadable value, one under a second or over a year, gives
// defaultLifetime.
func tokenLifetime(expiresIn json.Number) time.Duration {
	d, err := decimal.NewFromString(strings.TrimSpace(string(expiresIn)))
	if err != nil || d.LessThan(decimal.NewFromInt(1)) || d.GreaterThan(decimal.NewFromInt(366*24*3600)) {
		return defaultLifetime
	}
	return time.Duration(d.IntPart()) * time.Second
}

// explainTokenError turns a failed token request into what to fix. Pax8's
// token endpoint answers a wrong client id or secret with 401
// {"error":"access_denied","error_description":"Unauthorized"}; some
// OAuth servers say 400 invalid_client instead, which means the same.
func (c *Client) explainTokenError(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	said := ""
	if ce.Message != "" {
		said = " (Pax8 said: " + ce.Message + ")"
	}
	switch {
	case ce.Status == http.StatusUnauthorized || strings.EqualFold(ce.Code, "invalid_client") || strings.EqualFold(ce.Code, "unauthorized_client"):
		out.Kind = connectors.ErrUnauthorized
		out.Message = "the client secret was refused" + said + ": check the client id and secret of the Pax8 developer app, or make a new secret in Pax8 under Integrations"
	case ce.Status == http.StatusForbidden:
		out.Message = "Pax8 would not give this app a token for " + c.audience + said + ": the app must be a partner API app made by a Partner Admin"
	case ce.Status == http.StatusNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Pax8 token endpoint at " + httpx.Redact(c.tokenURL) + ": check distributor.pax8.token_url (default " + DefaultTokenURL + ")"
	case ce.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + httpx.Redact(c.tokenURL) + " is not a Pax8 token: check distributor.pax8.token_url (default " + DefaultTokenURL + ")"
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check distributor.pax8.token_url and the network"
		}
	}
	return &out
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

// get GETs path (relative to BaseURL, with query) into out with a bearer
// token. A 401 renews the token once and tries again, since Pax8 may end a
// token before its expires_in says (a rotated secret, a revoked app). A 200
// whose body does not parse is retried like a 5xx, by httpx.
func (c *Client) get(ctx context.Context, path string, query url.Values, op string, out any) error {
	u := c.baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	renewed := false
	for {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		h := http.Header{}
		h.Set("Authorization", "Bearer "+tok)
		_, err = c.http.Do(ctx, httpx.Request{URL: u, Header: h, Op: op}, out)
		if err != nil && !renewed && connectors.KindOf(err) == connectors.ErrUnauthorized {
			renewed = true
			c.invalidate(tok)
			continue
		}
		return err
	}
}
