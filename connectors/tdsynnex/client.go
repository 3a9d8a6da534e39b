package tdsynnex

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Defaults for the zero values of Config.
const (
	// DefaultBaseURL is StreamOne Ion's host; the API is under
	// /api/v3/accounts/{accountId} and the token endpoint at /oauth/token.
	DefaultBaseURL = "https://ion.tdsynnex.com"
	// TokenPath is where the token endpoint is, under the base URL.
	TokenPath = "/oauth/token"
	// DefaultConcurrency is how many calls one Client keeps in flight (the
	// per-customer cloud profile calls above all).
	DefaultConcurrency = 8
	// PageSize is what seats asks for per page of customers and of
	// subscriptions. Ion publishes no maximum; a server that answers fewer
	// rows is still read to the end (customers follow nextPageToken,
	// subscriptions stop at an empty page).
	PageSize = 100
)

// The settings and the secret, as the user meets them.
const (
	SettingURL          = "distributor.tdsynnex.url"
	SettingTokenURL     = "distributor.tdsynnex.token_url"
	SettingAccountID    = "distributor.tdsynnex.account_id"
	SecretRefreshToken  = "distributor.tdsynnex.refresh_token"
	EnvRefreshToken     = "SEATS_DISTRIBUTOR_TDSYNNEX_REFRESH_TOKEN"
	reconnectCommand    = "`seats connect distributor --kind tdsynnex`"
	displayName         = "TD SYNNEX StreamOne Ion"
	accountsNoun        = "customers"
	tenantIDSourceField = "tdsynnex cloudProfiles.tenantId"
)

// service names TD SYNNEX in errors and the log.
const service = "tdsynnex"

// maxPages bounds one listing: far beyond any MSP; more is a server fault.
const maxPages = 10000

// Config configures a Client. AccountID, RefreshToken and SaveRefreshToken
// are required.
type Config struct {
	// BaseURL is Ion's host; "" means DefaultBaseURL.
	BaseURL string
	// TokenURL is the refresh-token endpoint; "" means BaseURL + TokenPath.
	TokenURL string
	// AccountID is the reseller's Ion account id (Account Information in
	// the Ion portal); it is part of every API path.
	AccountID string
	// RefreshToken is the current refresh token. It works once: the first
	// exchange ends it and yields the next, which SaveRefreshToken gets.
	RefreshToken string
	// SaveRefreshToken stores a new refresh token where the next run will
	// find it (the secret store). It is called after every exchange, before
	// the new access token is used, with a context that the caller's
	// cancellation does not end (a token that was not saved strands the
	// connection). Its error stops the call. Required.
	SaveRefreshToken func(ctx context.Context, token string) error
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives the redacted debug log of every call; nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight at once; 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock deciding when the access token needs renewing;
	// nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the TD SYNNEX StreamOne Ion connector. It is safe for
// concurrent use and read-only.
type Client struct {
	cfg      Config
	baseURL  string
	tokenURL string
	apiURL   string // baseURL/api/v3/accounts/{accountId}
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	hc       *http.Client // the limited, counted client; the token exchange uses it directly
	http     *httpx.Client
	log      *slog.Logger
	calls    atomic.Int64

	tokMu sync.Mutex
	// refresh is the refresh token TD SYNNEX accepts next, as far as the
	// client knows; unsaved is set while it has not reached
	// SaveRefreshToken (a save failed), and then no access token is used.
	refresh string
	unsaved bool
	tok     string    // the access token, "" when none
	renewAt time.Time // when tok is to be renewed: a little before it expires
	renewal *tokenRenewal
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
		Name:        "tdsynnex",
		DisplayName: displayName,
		Kind:        connectors.KindDistributor,
		Description: "TD SYNNEX StreamOne Ion API v3: the account id and a refresh token from Ion's OAuth credentials (it rotates at every use)",
	})
}

// New builds a Client from cfg. It makes no network call. It fails when the
// account id, the refresh token or SaveRefreshToken is missing or a URL is
// not https, with an error that names the setting (never the token).
func New(cfg Config) (*Client, error) {
	cfg.AccountID = strings.TrimSpace(cfg.AccountID)
	if cfg.AccountID == "" {
		return nil, errors.New(SettingAccountID + " is not set: seats needs the Ion account id (Account Information in the StreamOne Ion portal)")
	}
	if strings.ContainsAny(cfg.AccountID, "/?#") {
		return nil, errors.New(SettingAccountID + " must be the account id alone (as on Ion's Account Information page), not a URL or path")
	}
	if strings.TrimSpace(cfg.RefreshToken) == "" {
		return nil, errors.New("the TD SYNNEX refresh token is missing: set " + EnvRefreshToken + " or run " + reconnectCommand)
	}
	if cfg.SaveRefreshToken == nil {
		// A programming error, not the user's: without a place to keep the
		// rotated token the first exchange would strand the connection.
		return nil, errors.New("tdsynnex: Config.SaveRefreshToken is required, since TD SYNNEX refresh tokens work once and each new one must be saved")
	}
	baseURL, err := httpx.SettingURL(SettingURL, cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	tokenURL, err := httpx.SettingURL(SettingTokenURL, cfg.TokenURL, baseURL+TokenPath)
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
		apiURL:   baseURL + "/api/v3/accounts/" + url.PathEscape(cfg.AccountID),
		now:      cfg.Now,
		sleep:    cfg.Sleep,
		log:      cfg.Logger,
		refresh:  strings.TrimSpace(cfg.RefreshToken),
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = httpx.Sleep
	}
	hc := httpx.LimitedClient(cfg.HTTPClient, cfg.Concurrency, &c.calls)
	c.hc = hc
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
// exchanges included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// get GETs path (relative to the account's API root, with query) into out
// with a bearer token. A 401 renews the token once and tries again, since
// Ion may end an access token before its expires_in says. A 200 whose body
// does not decode is retried like a 5xx, by httpx.
func (c *Client) get(ctx context.Context, path string, query url.Values, op string, out any) error {
	u := c.apiURL + path
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

// unreachableHost returns the host name of a DNS failure in err's chain, or "".
func unreachableHost(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.Name
	}
	return ""
}
