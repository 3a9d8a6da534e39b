package autotask

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

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Defaults for the zero values of Config.
const (
	// DefaultZoneLookupURL is where the zone of an API user is looked up
	// (no credentials needed): Autotask's documented entry point.
	DefaultZoneLookupURL = "https://webservices2.autotask.net/atservicesrest/v1.0/zoneInformation"
	// DefaultConcurrency is how many calls one Client keeps in flight:
	// Autotask allows integrations 3 concurrent threads per endpoint.
	DefaultConcurrency = 3
	// DefaultKeepEndedFor is how long after they end contracts and units
	// rows are still read (and kept, marked).
	DefaultKeepEndedFor = 365 * 24 * time.Hour
	// DefaultCurrency is the currency of amounts when none is configured:
	// Autotask keeps amounts in the database's internal currency and names
	// it on no record.
	DefaultCurrency = "USD"
	// PageSize is what seats asks for per page: Autotask's maximum.
	PageSize = 500
	// InBatch is the most ids one "in" condition carries: Autotask takes
	// at most 500 OR conditions per call.
	InBatch = 500
	// RequestBudget is Autotask's requests per hour per database, shared
	// by every integration of the MSP.
	RequestBudget = 10000
)

// service names Autotask in errors and the log.
const service = "autotask"

// maxPages bounds one listing: 10,000 pages of 500 is five million records.
const maxPages = 10000

// recurringContract is contractType 7, Recurring Service: the only
// contracts that carry contract services.
const recurringContract = 7

// Config configures a Client. UserName, Secret and IntegrationCode are
// required.
type Config struct {
	// UserName is the API user's user name (psa.autotask.username), an
	// e-mail-like key; the zone is looked up from it.
	UserName string
	// Secret is the API user's secret (secret psa.autotask.secret, env
	// SEATS_PSA_AUTOTASK_SECRET). It goes into the Secret header and
	// nowhere else.
	Secret string
	// IntegrationCode is the API tracking identifier
	// (psa.autotask.integration_code), sent on every call.
	IntegrationCode string
	// URL is the zone's API base (psa.autotask.url), e.g.
	// https://webservices15.autotask.net/ATServicesRest/ (with or without
	// v1.0); blank means look it up at ZoneLookupURL.
	URL string
	// ZoneLookupURL is the zoneInformation endpoint
	// (psa.autotask.zone_lookup_url); blank means DefaultZoneLookupURL.
	ZoneLookupURL string
	// WriteEnabled (psa.write_enabled) gates every write: while it is false
	// SetQuantity refuses without sending anything.
	WriteEnabled bool
	// Currency is the ISO 4217 code of the database's internal currency;
	// "" means DefaultCurrency.
	Currency string
	// KeepEndedFor is how long after they end contracts and units rows are
	// still read; 0 means DefaultKeepEndedFor.
	KeepEndedFor time.Duration
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives httpx's redacted debug log; nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight at once; 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock deciding which units row holds today and which
	// contracts have ended; nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the Autotask connector. It is safe for concurrent use.
type Client struct {
	cfg      Config
	currency string
	keepFor  time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	http     *httpx.Client
	calls    atomic.Int64
	header   http.Header // UserName, Secret, ApiIntegrationCode: never logged unredacted

	baseMu sync.Mutex
	base   *url.URL // the zone's API base ending in /v1.0; nil until known

	pickMu    sync.Mutex
	picklists map[string]map[string]string // "Entity.field" -> value -> label
}

// The Client reads and writes Autotask, counts its calls and can test its
// connection.
var (
	_ connectors.PSA            = (*Client)(nil)
	_ connectors.QuantityWriter = (*Client)(nil)
	_ connectors.CallCounter    = (*Client)(nil)
	_ connectors.PSAChecker     = (*Client)(nil)
)

func init() {
	connectors.Default.Register(connectors.Info{
		Name:        "autotask",
		DisplayName: "Autotask",
		Kind:        connectors.KindPSA,
		Description: "an API user's user name and secret, and your API integration code",
	})
}

// New builds a Client from cfg. It makes no network call. It fails when a
// required setting is missing or a URL is not https, with an error that
// names the setting (never the secret).
func New(cfg Config) (*Client, error) {
	cfg.UserName = strings.TrimSpace(cfg.UserName)
	cfg.IntegrationCode = strings.TrimSpace(cfg.IntegrationCode)
	switch {
	case cfg.UserName == "":
		return nil, errors.New("psa.autotask.username is not set: it is the user name of an API user (Admin > Resources > API User, security level API User (system))")
	case cfg.Secret == "":
		return nil, errors.New("the Autotask API user's secret is missing: set SEATS_PSA_AUTOTASK_SECRET or run `seats connect psa`")
	case cfg.IntegrationCode == "":
		return nil, errors.New("psa.autotask.integration_code is not set: it is the API tracking identifier chosen on the API user (Admin > Resources > API User > API Tracking Identifier)")
	}
	if strings.ContainsAny(cfg.UserName+cfg.IntegrationCode, "\r\n") || strings.ContainsAny(cfg.Secret, "\r\n") {
		return nil, errors.New("psa.autotask.username, psa.autotask.integration_code and the secret cannot hold line breaks: check that they were pasted whole")
	}
	c := &Client{cfg: cfg, currency: strings.ToUpper(strings.TrimSpace(cfg.Currency)), keepFor: cfg.KeepEndedFor, now: cfg.Now, sleep: cfg.Sleep,
		picklists: map[string]map[string]string{}}
	if c.currency == "" {
		c.currency = DefaultCurrency
	}
	if _, err := connectors.MinorDigits(c.currency); err != nil {
		return nil, fmt.Errorf("the Autotask currency %q is not an ISO 4217 code such as USD", c.currency)
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
	if strings.TrimSpace(cfg.URL) != "" {
		base, err := apiBase(cfg.URL, "psa.autotask.url")
		if err != nil {
			return nil, err
		}
		c.base = base
	}
	if strings.TrimSpace(cfg.ZoneLookupURL) == "" {
		c.cfg.ZoneLookupURL = DefaultZoneLookupURL
	} else if u, err := url.Parse(strings.TrimSpace(cfg.ZoneLookupURL)); err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("psa.autotask.zone_lookup_url must be an https URL such as %s", DefaultZoneLookupURL)
	}
	if cfg.Concurrency <= 0 {
		c.cfg.Concurrency = DefaultConcurrency
	}

	c.header = http.Header{}
	c.header.Set("UserName", cfg.UserName)
	c.header.Set("Secret", cfg.Secret)
	c.header.Set("ApiIntegrationCode", cfg.IntegrationCode)

	hc := httpx.LimitedClient(c.cfg.HTTPClient, c.cfg.Concurrency, &c.calls)
	// Redirects would carry the credential headers to wherever they lead.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = httpx.New(httpx.Options{Service: service, HTTPClient: hc, Logger: cfg.Logger, Sleep: c.sleep, UserAgent: "seats"})
	return c, nil
}

// Calls is the number of HTTP requests sent so far, retries and the zone
// lookup included: what the sync cost of the MSP's hourly budget.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// apiBase reads a zone URL (configured, or reported by zoneInformation):
// https, with or without the trailing v1.0. The base returned ends in /v1.0.
func apiBase(raw, key string) (*url.URL, error) {
	const example = "https://webservices15.autotask.net/ATServicesRest/"
	v := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s must be an https URL such as %s", key, example)
	}
	if strings.HasSuffix(strings.ToLower(u.Path), "/v1.0") {
		u.Path = u.Path[:len(u.Path)-len("/v1.0")]
	}
	if !strings.HasSuffix(strings.ToLower(u.Path), "/atservicesrest") {
		return nil, fmt.Errorf("%s %q lacks /ATServicesRest/: it looks like %s (or leave it blank and seats looks the zone up)", key, httpx.Redact(v), example)
	}
	u.Path += "/v1.0"
	u.RawPath = ""
	return u, nil
}

// apiURL returns the API base, looking the zone up on first use when no
// URL is configured. A failed lookup is not remembered.
func (c *Client) apiURL(ctx context.Context) (*url.URL, error) {
	c.baseMu.Lock()
	defer c.baseMu.Unlock()
	if c.base != nil {
		return c.base, nil
	}
	base, err := c.lookupZone(ctx)
	if err != nil {
		return nil, err
	}
	c.base = base
	return base, nil
}

// zoneInfo is the answer of zoneInformation.
type zoneInfo struct {
	ZoneName string `json:"zoneName"`
	URL      string `json:"url"`
}

// lookupZone asks zoneInformation for the API user's zone. The endpoint
// needs no credentials, so none are sent.
func (c *Client) lookupZone(ctx context.Context) (*url.URL, error) {
	const op = "look up the zone"
	u, _ := url.Parse(strings.TrimSpace(c.cfg.ZoneLookupURL)) // validated by New
	q := u.Query()
	q.Set("user", c.cfg.UserName)
	u.RawQuery = q.Encode()
	var info zoneInfo
	_, err := c.http.Do(ctx, httpx.Request{URL: u.String(), Op: op}, &info)
	if err != nil {
		var ce *connectors.Error
		if errors.As(err, &ce) {
			out := *ce
			switch {
			case ce.Kind == connectors.ErrCanceled:
				return nil, err
			case unreachableHost(err) != "":
				out.Message = "cannot find the host " + unreachableHost(err) + ": check psa.autotask.zone_lookup_url and the network"
			case ce.Status == http.StatusNotFound && ce.Code == "":
				out.Message = "there is no zoneInformation at " + httpx.Redact(c.cfg.ZoneLookupURL) + ": check psa.autotask.zone_lookup_url, or set psa.autotask.url"
			case ce.Status >= 400:
				out.Kind = connectors.ErrUnauthorized
				out.Message = fmt.Sprintf("Autotask does not know the API user %q (it said: %s): check psa.autotask.username, the API user's user name", c.cfg.UserName, firstNonEmpty(ce.Message, ce.Code, http.StatusText(ce.Status)))
			}
			return nil, &out
		}
		return nil, err
	}
	base, berr := apiBase(info.URL, "the zone URL")
	if berr != nil {
		return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("zoneInformation gave no usable zone URL for %q: set psa.autotask.url to the zone's API URL", c.cfg.UserName)}
	}
	return base, nil
}

// sameHost reports whether u may receive the credentials: the zone's own
// scheme and host.
func sameHost(base, u *url.URL) bool {
	return u.Scheme == base.Scheme && strings.EqualFold(u.Host, base.Host) && u.User == nil
}
