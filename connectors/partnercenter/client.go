package partnercenter

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// Defaults for the zero values of Config.
const (
	// DefaultBaseURL is Partner Center's API root in the global cloud (and
	// for US Government); the same as microsoft.DefaultPartnerCenterURL.
	DefaultBaseURL = "https://api.partnercenter.microsoft.com"
	// DefaultConcurrency is how many calls one Client keeps in flight: the
	// same as microsoft.PartnerCenterConcurrency, for the same reason.
	// Partner Center throttles per partner (and the Subscription resource
	// at 500 requests a minute per tenant), so a sync reads a few
	// customers at a time and lets the 429s it still meets wait out their
	// Retry-After (httpx) rather than read every customer at once.
	DefaultConcurrency = 8
	// CustomersPageSize is the page size asked for the customer list; as
	// the Microsoft connector, seats asks for 500 and takes what comes
	// (Partner Center's maximum is not documented).
	CustomersPageSize = 500
	// TenantIDSource is what accounts give as the origin of their tenant
	// id: Partner Center's customer id is the tenant id.
	TenantIDSource = "Partner Center customer id"
)

// service names Partner Center in errors and the log, as the Microsoft
// connector does.
const service = "partner center"

// settingURL is the configuration key of the Partner Center root, shared
// with the Microsoft connector (one sign-in, one cloud).
const settingURL = "microsoft.partner_center_url"

// signInAgain is the advice for a sign-in Partner Center refuses.
const signInAgain = "sign in to Microsoft again with `seats login` (or the wizard's sign-in step)"

// TokenSource gives access tokens for Partner Center. *microsoft.Client is
// one: it signs the partner user in once (device code or browser) and
// derives every token from that sign-in, so this connector needs no secret
// of its own. PartnerCenterToken is asked before every call and must be
// cheap when it has a token (cached until shortly before it expires); its
// errors are returned as they come (*connectors.Error of kind
// ErrSignInRequired when nobody is signed in).
type TokenSource interface {
	PartnerCenterToken(ctx context.Context) (string, error)
}

// Config configures a Client. Tokens is required.
type Config struct {
	// BaseURL is the Partner Center root without /v1 (microsoft.Config's
	// PartnerCenterURL, setting microsoft.partner_center_url); "" means
	// DefaultBaseURL.
	BaseURL string
	// Tokens signs the calls in; *microsoft.Client is the usual one.
	Tokens TokenSource
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives httpx's redacted debug log, and a note for each
	// customer skipped because Partner Center has nothing it bills for it;
	// nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight at once (the per-customer
	// subscription reads above all); 0 = DefaultConcurrency.
	Concurrency int
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the direct-bill distributor connector: the MSP's Microsoft
// sign-in and one httpx client whose transport admits at most Concurrency
// calls at a time. It is safe for concurrent use and read-only.
type Client struct {
	cfg     Config
	baseURL string
	tokens  TokenSource
	log     *slog.Logger
	http    *httpx.Client
	calls   atomic.Int64
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
		Name:        "partnercenter",
		DisplayName: "Microsoft (direct bill)",
		Kind:        connectors.KindDistributor,
		Description: "Partner Center, for MSPs Microsoft bills directly: uses the Microsoft sign-in, no secret of its own",
	})
}

// New builds a Client from cfg. It makes no network call. It fails when
// Tokens is missing or the URL is not https, with an error that names the
// setting.
func New(cfg Config) (*Client, error) {
	if cfg.Tokens == nil {
		return nil, errors.New("the Microsoft (direct bill) distributor needs the Microsoft sign-in: set microsoft.client_id and run `seats login`")
	}
	baseURL, err := httpx.SettingURL(settingURL, cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = httpx.Sleep
	}
	c := &Client{cfg: cfg, baseURL: baseURL, tokens: cfg.Tokens, log: cfg.Logger}
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

// Calls is the number of HTTP requests sent to Partner Center so far,
// retries included (token requests are the Microsoft connector's).
func (c *Client) Calls() int { return int(c.calls.Load()) }

// token asks the TokenSource for a Partner Center token. Errors that are
// already a *connectors.Error (the Microsoft connector's: sign-in required,
// consent, conditional access...) pass as they are; any other becomes a
// sign-in error that says what to do.
func (c *Client) token(ctx context.Context) (string, error) {
	tok, err := c.tokens.PartnerCenterToken(ctx)
	if err == nil && strings.TrimSpace(tok) == "" {
		err = errors.New("the Microsoft sign-in gave an empty token")
	}
	if err == nil {
		return tok, nil
	}
	var ce *connectors.Error
	if errors.As(err, &ce) {
		return "", err
	}
	if ctx.Err() != nil {
		return "", &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: "sign in", Err: ctx.Err()}
	}
	return "", &connectors.Error{Kind: connectors.ErrSignInRequired, Service: service, Op: "sign in",
		Message: "no Partner Center token from the Microsoft sign-in: " + signInAgain, Err: err}
}

// header is what Partner Center expects on every call: the bearer token,
// JSON, and fresh request and correlation ids (kept across the retries of
// one call, as Partner Center wants).
func header(token string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Accept", "application/json")
	h.Set("MS-RequestId", uuid.NewString())
	h.Set("MS-CorrelationId", uuid.NewString())
	return h
}

// walk reads every item of the Partner Center collection at path (relative
// to BaseURL, with its query), following links.next. A refused token (401)
// is asked for again once: when the sign-in hands out another token (it
// renewed one that had ended early) the walk starts over with it; when it
// hands out the same one, Partner Center's refusal is reported as
// ErrUnauthorized saying to sign in again.
func walk[T any](ctx context.Context, c *Client, path, op string) ([]T, error) {
	first := c.baseURL + path
	var refusedTok string
	var refused error
	for {
		tok, err := c.token(ctx)
		if err != nil {
			return nil, err
		}
		if refused != nil && tok == refusedTok {
			return nil, explainUnauthorized(refused)
		}
		var out []T
		err = httpx.PartnerCenterEach(ctx, c.http, c.baseURL, first, header(tok), op, func(v T) error {
			out = append(out, v)
			return nil
		})
		if connectors.KindOf(err) == connectors.ErrUnauthorized {
			if refused == nil {
				refusedTok, refused = tok, err
				continue
			}
			return nil, explainUnauthorized(err)
		}
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// explainUnauthorized says what to do about a token Partner Center
// refused: it expired or was revoked, and only a new sign-in helps.
func explainUnauthorized(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	out.Kind = connectors.ErrUnauthorized
	said := ""
	if m := strings.TrimSpace(ce.Message); m != "" {
		said = " (Partner Center said: " + field.Clip(m) + ")"
	}
	out.Message = "Partner Center refused the Microsoft sign-in's token" + said + ": " + signInAgain
	return &out
}

// explainForbidden says what to do about a refusal of the signed-in user.
func explainForbidden(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrForbidden {
		return err
	}
	out := *ce
	said := ""
	if m := strings.TrimSpace(ce.Message); m != "" {
		said = " (Partner Center said: " + field.Clip(m) + ")"
	}
	out.Message = "the signed-in user may not read this in Partner Center" + said +
		": in Partner Center, give the user the Admin agent or Sales agent role, or sign in as one who has it"
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
