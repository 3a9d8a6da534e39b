package connectwise

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
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
	// DefaultConcurrency is how many calls one Client keeps in flight.
	// ConnectWise publishes no limit; public clients and integrators keep
	// to four or fewer, and honour 429 Retry-After beyond that.
	DefaultConcurrency = 4
	// DefaultKeepEndedFor is how long after they end agreements and
	// additions are still read (and kept, marked): long enough to explain
	// this year's invoices, short enough not to read every agreement the
	// MSP ever had.
	DefaultKeepEndedFor = 365 * 24 * time.Hour
	// DefaultCurrency is the currency of amounts on agreements that name
	// none: ConnectWise keeps one currency per instance unless
	// multi-currency is on, and cloud instances are mostly in US dollars.
	DefaultCurrency = "USD"
	// PageSize is what seats asks for per page: ConnectWise's maximum.
	PageSize = 1000
	// SchemaVersion is the API schema version seats asks for in the Accept
	// header, so that fields do not move under it when ConnectWise
	// releases; the shapes read here (and served by cwfake) are this
	// version's.
	SchemaVersion = "2022.1"
)

// service names ConnectWise in errors and the log.
const service = "connectwise"

// maxPages bounds one listing: 10,000 pages of 1,000 rows is ten million,
// far beyond any MSP; more is a server fault, not data.
const maxPages = 10000

// Config configures a Client. CompanyID, PublicKey, PrivateKey and
// ClientID are required, and one of URL or Site.
type Config struct {
	// URL is the API base with its codebase (psa.connectwise.url), e.g.
	// https://api-na.myconnectwise.net/v4_6_release/apis/3.0. It wins
	// over Site.
	URL string
	// Site is the ConnectWise host people sign in at (psa.connectwise.site),
	// e.g. na.myconnectwise.net; the codebase is then looked up once at
	// https://{Site}/login/companyinfo/{CompanyID}.
	Site string
	// CompanyID is the company id typed at the ConnectWise login
	// (psa.connectwise.company_id).
	CompanyID string
	// PublicKey and PrivateKey are an API member's key pair. The private
	// key goes into the Authorization header and nowhere else.
	PublicKey  string
	PrivateKey string
	// ClientID is the integration's clientId from developer.connectwise.com,
	// sent on every call.
	ClientID string
	// WriteEnabled (psa.write_enabled) gates every write: while it is
	// false SetQuantity refuses without sending anything.
	WriteEnabled bool
	// Currency is the ISO 4217 code of amounts on agreements that name no
	// currency; "" means DefaultCurrency.
	Currency string
	// KeepEndedFor is how long after they end (cancelled, expired)
	// agreements and additions are still read; 0 means DefaultKeepEndedFor.
	KeepEndedFor time.Duration
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives httpx's redacted debug log; nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight at once; 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock deciding which agreements have ended; nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the ConnectWise PSA connector: one httpx client whose
// transport admits at most Concurrency calls at a time, the API base
// (looked up once from the site when not configured), and the headers
// every call carries. It is safe for concurrent use.
type Client struct {
	cfg      Config
	currency string
	keepFor  time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	http     *httpx.Client
	calls    atomic.Int64
	header   http.Header // Authorization, clientId, Accept: never logged unredacted

	baseMu sync.Mutex
	base   string // API base without a trailing slash; "" until known
}

// The Client reads and writes ConnectWise, counts its calls and can test
// its connection.
var (
	_ connectors.PSA            = (*Client)(nil)
	_ connectors.QuantityWriter = (*Client)(nil)
	_ connectors.CallCounter    = (*Client)(nil)
	_ connectors.PSAChecker     = (*Client)(nil)
)

func init() {
	connectors.Default.Register(connectors.Info{
		Name:        "connectwise",
		DisplayName: "ConnectWise PSA",
		Kind:        connectors.KindPSA,
		Description: "an API member's public and private key, your company id and a clientId",
	})
}

// New builds a Client from cfg. It makes no network call. It fails when a
// required setting is missing or a URL is not https, with an error that
// names the setting (never the private key).
func New(cfg Config) (*Client, error) {
	cfg.CompanyID = strings.TrimSpace(cfg.CompanyID)
	cfg.PublicKey = strings.TrimSpace(cfg.PublicKey)
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	switch {
	case cfg.CompanyID == "":
		return nil, errors.New("psa.connectwise.company_id is not set: it is the company id you type at the ConnectWise login")
	case cfg.PublicKey == "":
		return nil, errors.New("psa.connectwise.public_key is not set: make an API member's key pair in ConnectWise (System > Members > API Members > API Keys)")
	case cfg.PrivateKey == "":
		return nil, errors.New("the ConnectWise private key is missing: set SEATS_PSA_CONNECTWISE_PRIVATE_KEY or run `seats connect psa`")
	case cfg.ClientID == "":
		return nil, errors.New("psa.connectwise.client_id is not set: ConnectWise refuses calls without a clientId; register one at https://developer.connectwise.com (My Clients)")
	}
	if strings.ContainsAny(cfg.CompanyID+cfg.PublicKey, "+:") {
		return nil, errors.New("psa.connectwise.company_id and public_key cannot hold \"+\" or \":\": check that they are not swapped with other settings")
	}
	c := &Client{cfg: cfg, currency: strings.ToUpper(strings.TrimSpace(cfg.Currency)), keepFor: cfg.KeepEndedFor, now: cfg.Now, sleep: cfg.Sleep}
	if c.currency == "" {
		c.currency = DefaultCurrency
	}
	if _, err := connectors.MinorDigits(c.currency); err != nil {
		return nil, fmt.Errorf("the ConnectWise currency %q is not an ISO 4217 code such as USD", c.currency)
	}
	if c.keepFor <= 0 {
		c.keepFor = DefaultKeepEndedFor
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = httpx.Sleep
	}
	switch {
	case strings.TrimSpace(cfg.URL) != "":
		base, err := apiBase(cfg.URL)
		if err != nil {
			return nil, err
		}
		c.base = base
	case strings.TrimSpace(cfg.Site) != "":
		if _, err := siteHost(cfg.Site); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("neither psa.connectwise.url nor psa.connectwise.site is set: give the site you sign in at (e.g. na.myconnectwise.net)")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
		c.cfg.Concurrency = DefaultConcurrency
	}

	c.header = http.Header{}
	c.header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cfg.CompanyID+"+"+cfg.PublicKey+":"+cfg.PrivateKey)))
	c.header.Set("clientId", cfg.ClientID)
	c.header.Set("Accept", "application/vnd.connectwise.com+json; version="+SchemaVersion)

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

// Calls is the number of HTTP requests sent so far, retries and the
// codebase lookup included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// apiBase validates psa.connectwise.url: https, with the codebase and
// /apis/3.0 (which people leave off when they copy the site).
func apiBase(raw string) (string, error) {
	const example = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"
	v := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("psa.connectwise.url must be an https URL such as %s", example)
	}
	if !strings.HasSuffix(strings.ToLower(u.Path), "/apis/3.0") || strings.Count(strings.Trim(u.Path, "/"), "/") < 2 {
		return "", fmt.Errorf("psa.connectwise.url %q lacks the codebase and /apis/3.0: it looks like %s (or set psa.connectwise.site instead and seats looks the codebase up)", httpx.Redact(v), example)
	}
	return v, nil
}

// siteHost reads psa.connectwise.site: a host such as na.myconnectwise.net
// (a scheme or a trailing slash is forgiven).
func siteHost(raw string) (string, error) {
	v := strings.TrimSpace(raw)
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		return "", fmt.Errorf("psa.connectwise.site must be the host you sign in at, such as na.myconnectwise.net, not %q", httpx.Redact(raw))
	}
	return strings.ToLower(u.Host), nil
}

// apiHostFor is the host the API answers at for a site: ConnectWise cloud
// serves the API on the "api-" twin of the sign-in host (calls to
// na.myconnectwise.net itself answer "SSL is required"); on-premises and
// other hosts serve both from one name.
func apiHostFor(site string) string {
	host := strings.ToLower(site)
	if strings.HasSuffix(hostOnly(host), ".myconnectwise.net") && !strings.HasPrefix(host, "api-") {
		return "api-" + host
	}
	return host
}

// loginHostFor is where /login/companyinfo answers: the sign-in host,
// without the "api-" some people type.
func loginHostFor(site string) string {
	host := strings.ToLower(site)
	if strings.HasSuffix(hostOnly(host), ".myconnectwise.net") {
		return strings.TrimPrefix(host, "api-")
	}
	return host
}

func hostOnly(hostport string) string {
	if h, _, found := strings.Cut(hostport, ":"); found {
		return h
	}
	return hostport
}

// apiURL returns the API base, looking the codebase up on first use when
// only the site is configured. A failed lookup is not remembered, so the
// next call tries again.
func (c *Client) apiURL(ctx context.Context) (string, error) {
	c.baseMu.Lock()
	defer c.baseMu.Unlock()
	if c.base != "" {
		return c.base, nil
	}
	site, _ := siteHost(c.cfg.Site) // validated by New
	codebase, err := c.lookupCodebase(ctx, site)
	if err != nil {
		return "", err
	}
	c.base = "https://" + apiHostFor(site) + "/" + codebase + "apis/3.0"
	return c.base, nil
}

// companyInfo is the answer of /login/companyinfo/{company}. Only Codebase
// is relied on; the other fields are reported by public clients but not
// confirmed, so they are not read.
type companyInfo struct {
	Codebase string `json:"Codebase"`
}

// lookupCodebase asks the site for the company's codebase ("v2025_1/").
// The endpoint needs no credentials, so none are sent.
func (c *Client) lookupCodebase(ctx context.Context, site string) (string, error) {
	const op = "look up the codebase"
	u := "https://" + loginHostFor(site) + "/login/companyinfo/" + url.PathEscape(c.cfg.CompanyID)
	var info companyInfo
	_, err := c.http.Do(ctx, httpx.Request{URL: u, Header: http.Header{"Accept": {"application/json"}}, Op: op}, &info)
	where := fmt.Sprintf("company %q at %s", c.cfg.CompanyID, loginHostFor(site))
	if err != nil {
		var ce *connectors.Error
		if errors.As(err, &ce) {
			out := *ce
			switch {
			case ce.Kind == connectors.ErrNotFound || ce.Kind == connectors.ErrBadResponse || ce.Kind == connectors.ErrBadRequest:
				out.Message = "ConnectWise does not know " + where + ": check psa.connectwise.site (the host you sign in at, e.g. na.myconnectwise.net) and psa.connectwise.company_id"
			case unreachableHost(err) != "":
				out.Message = "cannot find the host " + unreachableHost(err) + ": check psa.connectwise.site and the network"
			}
			return "", &out
		}
		return "", err
	}
	cb := strings.Trim(strings.TrimSpace(info.Codebase), "/")
	if cb == "" || strings.ContainsAny(cb, "/?#% ") {
		return "", &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: "ConnectWise gave no codebase for " + where + ": check psa.connectwise.company_id, or set psa.connectwise.url instead"}
	}
	return cb + "/", nil
}

// get GETs path (relative to the API base, with query) into out. A 200
// whose body does not parse is retried like a 5xx, by httpx.
// The response is returned for its headers (Link).
func (c *Client) get(ctx context.Context, path string, query url.Values, op string, out any) (*http.Response, error) {
	base, err := c.apiURL(ctx)
	if err != nil {
		return nil, err
	}
	u := base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return c.getURL(ctx, u, op, out)
}

// getURL GETs an absolute URL under the API base.
func (c *Client) getURL(ctx context.Context, u, op string, out any) (*http.Response, error) {
	resp, err := c.http.Do(ctx, httpx.Request{URL: u, Header: c.header, Op: op}, out)
	return resp, c.explain(err)
}
