package pax8

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

	token bearer.Token
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
	c.token = bearer.Token{Service: service, Now: c.now, Request: c.requestToken}
	return c, nil
}

// Calls is the number of HTTP requests sent so far, retries and token
// requests included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// Tokens.

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
	return out.AccessToken, bearer.Lifetime(out.ExpiresIn), nil
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
		tok, err := c.token.Get(ctx)
		if err != nil {
			return err
		}
		h := http.Header{}
		h.Set("Authorization", "Bearer "+tok)
		_, err = c.http.Do(ctx, httpx.Request{URL: u, Header: h, Op: op}, out)
		if err != nil && !renewed && connectors.KindOf(err) == connectors.ErrUnauthorized {
			renewed = true
			c.token.Invalidate(tok)
			continue
		}
		return err
	}
}
