package halopsa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/bearer"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Defaults for the zero values of Config.
const (
	// DefaultConcurrency is how many calls one Client keeps in flight. Halo
	// publishes no limit but answers 429 under load; public clients back off
	// and keep to a few calls at once.
	DefaultConcurrency = 4
	// DefaultCurrency is the currency of amounts: Halo's items and lines
	// carry none of their own.
	DefaultCurrency = "USD"
	// PageSize is what seats asks for per page. A server that serves fewer
	// is followed by the rows it actually served.
	PageSize = 100
	// Scope is the scope asked for: Halo's API applications grant "all".
	Scope = "all"
)

const service = "halopsa"

// maxPages bounds one listing; more is a server fault, not data.
const maxPages = 10000

// Config configures a Client. URL, ClientID and ClientSecret are required.
type Config struct {
	// URL is the Halo instance (psa.halopsa.url), e.g. https://yourco.halopsa.com.
	URL string
	// Tenant is a hosted instance's tenant (psa.halopsa.tenant), sent as
	// ?tenant= to the token endpoint; "" for self-hosted instances.
	Tenant string
	// ClientID (psa.halopsa.client_id) and ClientSecret (env
	// SEATS_PSA_HALOPSA_CLIENT_SECRET) are the API application's, made in
	// Configuration > Integrations > Halo API with Client Credentials.
	ClientID     string
	ClientSecret string
	// WriteEnabled (psa.write_enabled) gates every write.
	WriteEnabled bool
	// Currency is the ISO 4217 code of Halo's amounts; "" = DefaultCurrency.
	Currency string
	// HTTPClient carries TLS roots and proxy settings; nil = httpx defaults.
	HTTPClient *http.Client
	// Logger receives httpx's redacted debug log; nil = none.
	Logger *slog.Logger
	// Concurrency bounds the calls in flight; 0 = DefaultConcurrency.
	Concurrency int
	// Now is the clock for dates and token expiry; nil = time.Now.
	Now func() time.Time
	// Sleep waits between retries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is the HaloPSA connector. It is safe for concurrent use.
type Client struct {
	cfg      Config
	base     string // the instance, no trailing slash
	currency string
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	http     *httpx.Client
	calls    atomic.Int64

	urlMu    sync.Mutex
	tokenURL string // "" until found through /api/authinfo
	token    bearer.Token
}

// The Client reads and writes Halo, counts its calls and can test its connection.
var (
	_ connectors.PSA            = (*Client)(nil)
	_ connectors.QuantityWriter = (*Client)(nil)
	_ connectors.CallCounter    = (*Client)(nil)
	_ connectors.PSAChecker     = (*Client)(nil)
)

func init() {
	connectors.Default.Register(connectors.Info{
		Name:        "halopsa",
		DisplayName: "HaloPSA",
		Kind:        connectors.KindPSA,
		Description: "a Halo API application's client id and secret (Client Credentials, permission all) and your Halo URL",
	})
}

// New builds a Client from cfg. It makes no network call; its errors name
// the setting, never the secret.
func New(cfg Config) (*Client, error) {
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	cfg.Tenant = strings.TrimSpace(cfg.Tenant)
	switch {
	case strings.TrimSpace(cfg.URL) == "":
		return nil, errors.New("psa.halopsa.url is not set: give the address of your Halo instance, e.g. https://yourco.halopsa.com")
	case cfg.ClientID == "":
		return nil, errors.New("psa.halopsa.client_id is not set: make an API application in Halo (Configuration > Integrations > Halo API, Client Credentials) and give its client id")
	case cfg.ClientSecret == "":
		return nil, errors.New("the HaloPSA client secret is missing: set SEATS_PSA_HALOPSA_CLIENT_SECRET or run `seats connect psa`")
	}
	base, err := instanceURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, base: base, currency: strings.ToUpper(strings.TrimSpace(cfg.Currency)), now: cfg.Now, sleep: cfg.Sleep}
	if c.currency == "" {
		c.currency = DefaultCurrency
	}
	if _, err := connectors.MinorDigits(c.currency); err != nil {
		return nil, fmt.Errorf("psa.halopsa.currency %q is not an ISO 4217 code such as USD", c.currency)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = httpx.Sleep
	}
	if c.cfg.Concurrency <= 0 {
		c.cfg.Concurrency = DefaultConcurrency
	}
	hc := httpx.LimitedClient(c.cfg.HTTPClient, c.cfg.Concurrency, &c.calls)
	c.http = httpx.New(httpx.Options{Service: service, HTTPClient: hc, Logger: cfg.Logger, Sleep: c.sleep, UserAgent: "seats", Now: c.now})
	c.token = bearer.Token{Service: service, Now: c.now, Request: c.requestToken}
	return c, nil
}

// Calls is the number of HTTP requests sent so far, retries, the authinfo
// lookup and token requests included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// instanceURL validates psa.halopsa.url: https, a host, no query. A path of
// "/api" or "/auth" (copied from Halo's API settings page) is forgiven.
func instanceURL(raw string) (string, error) {
	v := strings.TrimRight(strings.TrimSpace(raw), "/")
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("psa.halopsa.url must be the https address of your Halo instance, such as https://yourco.halopsa.com, not %q", httpx.Redact(raw))
	}
	p := strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{"/api", "/auth"} {
		if strings.HasSuffix(strings.ToLower(p), suffix) {
			p = p[:len(p)-len(suffix)]
		}
	}
	return u.Scheme + "://" + u.Host + p, nil
}

// Tokens.

// authInfo is /api/authinfo's answer. Only auth_url is relied on.
type authInfo struct {
	AuthURL string `json:"auth_url"`
}

// findTokenURL asks /api/authinfo where the authorisation server is; an
// instance without that endpoint (404) gets Halo's default, {instance}/auth.
// Only an https auth_url is followed: the secret goes there.
func (c *Client) findTokenURL(ctx context.Context) (string, error) {
	c.urlMu.Lock()
	known := c.tokenURL
	c.urlMu.Unlock()
	if known != "" {
		return known, nil
	}
	const op = "find the sign-in address"
	u := c.base + "/api/authinfo"
	if c.cfg.Tenant != "" {
		u += "?" + url.Values{"tenant": {c.cfg.Tenant}}.Encode()
	}
	var info authInfo
	_, err := c.http.Do(ctx, httpx.Request{URL: u, Op: op}, &info)
	auth := strings.TrimRight(strings.TrimSpace(info.AuthURL), "/")
	switch {
	case connectors.KindOf(err) == connectors.ErrNotFound:
		auth = c.base + "/auth"
	case err != nil:
		return "", c.explain(err)
	case auth == "":
		auth = c.base + "/auth"
	}
	au, perr := url.Parse(auth)
	if perr != nil || au.Scheme != "https" || au.Host == "" || au.User != nil {
		return "", &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: "Halo named a sign-in address that is not https (" + httpx.Redact(auth) + "): check psa.halopsa.url"}
	}
	tokenURL := auth + "/token"
	if c.cfg.Tenant != "" {
		tokenURL += "?" + url.Values{"tenant": {c.cfg.Tenant}}.Encode()
	}
	c.urlMu.Lock()
	c.tokenURL = tokenURL
	c.urlMu.Unlock()
	return tokenURL, nil
}

type tokenResponse struct {
	AccessToken string      `json:"access_token"`
	ExpiresIn   json.Number `json:"expires_in"`
}

// requestToken runs the client-credentials grant (safe to repeat, so
// httpx retries it on 429 and 5xx).
func (c *Client) requestToken(ctx context.Context) (string, time.Duration, error) {
	tokenURL, err := c.findTokenURL(ctx)
	if err != nil {
		return "", 0, err
	}
	// Halo's token endpoint takes only a form.
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.ClientID}, "client_secret": {c.cfg.ClientSecret}, "scope": {Scope}}
	var out tokenResponse
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPost, URL: tokenURL, Form: form, Idempotent: true, Op: "sign in"}, &out)
	if err != nil {
		return "", 0, c.explainTokenError(err, tokenURL)
	}
	if strings.TrimSpace(out.AccessToken) == "" {
		return "", 0, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: "sign in",
			Message: "Halo's token endpoint answered without an access_token: check psa.halopsa.url"}
	}
	return out.AccessToken, bearer.Lifetime(out.ExpiresIn), nil
}

// credentialWords is what an error about refused credentials says.
const credentialWords = "client id and secret"

// explainTokenError turns a failed token request into what to fix. Halo's
// authorisation server (IdentityServer) answers a wrong client id or secret
// with 400 invalid_client; a hosted instance without its tenant answers 400
// too.
func (c *Client) explainTokenError(err error, tokenURL string) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	said := ""
	if w := firstNonEmpty(ce.Message, ce.Code); w != "" {
		said = " (Halo said: " + w + ")"
	}
	code := strings.ToLower(ce.Code)
	switch {
	case ce.Status == http.StatusUnauthorized || code == "invalid_client" || code == "unauthorized_client":
		out.Kind = connectors.ErrUnauthorized
		out.Message = "Halo refused the " + credentialWords + said + ": check psa.halopsa.client_id and the secret of the API application (Configuration > Integrations > Halo API), or make a new secret"
	case code == "invalid_scope":
		out.Kind = connectors.ErrForbidden
		out.Message = "Halo would not grant the scope \"all\"" + said + ": give the API application the permission all"
	case ce.Status == http.StatusBadRequest && c.cfg.Tenant == "":
		out.Kind = connectors.ErrUnauthorized
		out.Message = "Halo refused the sign-in" + said + ": a hosted instance needs psa.halopsa.tenant (your tenant name); also check the " + credentialWords
	case ce.Status == http.StatusBadRequest:
		out.Kind = connectors.ErrUnauthorized
		out.Message = "Halo refused the sign-in" + said + ": check psa.halopsa.tenant (\"" + c.cfg.Tenant + "\") and the " + credentialWords
	case ce.Status == http.StatusNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Halo token endpoint at " + httpx.Redact(tokenURL) + ": check psa.halopsa.url"
	default:
		return c.explain(err)
	}
	return &out
}

// explain rewrites an API error into what to fix, keeping its kind and
// status. Halo's error bodies are often a JSON string ("\"Invalid …\""),
// whose quotes are dropped here.
func (c *Client) explain(err error) error {
	var ce *connectors.Error
	if err == nil || !errors.As(err, &ce) || ce.Service != service {
		return err
	}
	out := *ce
	out.Message = unquote(ce.Message)
	said := ""
	if w := firstNonEmpty(out.Message, ce.Code); w != "" {
		said = " (Halo said: " + w + ")"
	}
	switch {
	case ce.Status == http.StatusUnauthorized:
		out.Kind = connectors.ErrUnauthorized
		out.Message = "Halo refused the access token given for the " + credentialWords + said + ": check psa.halopsa.client_id and its secret, and that the API application is active"
	case ce.Status == http.StatusForbidden:
		out.Message = "the API application may not do this" + said + ": give it the permission all, and its agent the rights to clients, items and recurring invoices"
	case ce.Kind == connectors.ErrBadResponse && ce.Status >= 200 && ce.Status <= 299 && ce.Message == "":
		out.Message = "the answer from " + httpx.Redact(c.base) + " is not Halo's: check psa.halopsa.url"
	case ce.Status == 0 && unreachableHost(err) != "":
		out.Message = "cannot find the host " + unreachableHost(err) + ": check psa.halopsa.url and the network"
	}
	return &out
}

// unquote drops the quotes of a JSON string body.
func unquote(s string) string {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		if u, err := strconv.Unquote(t); err == nil {
			return strings.TrimSpace(u)
		}
		return strings.TrimSpace(t[1 : len(t)-1])
	}
	return s
}

func unreachableHost(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.Name
	}
	return ""
}

// do sends one API request with a bearer token. A 401 renews the token
// once and sends again: Halo ends tokens early (a rotated secret) and a
// refused token means the request was not looked at, so sending it again
// cannot do the work twice.
func (c *Client) do(ctx context.Context, r httpx.Request, out any) error {
	renewed := false
	for {
		tok, err := c.token.Get(ctx)
		if err != nil {
			return err
		}
		r.Header = http.Header{}
		r.Header.Set("Authorization", "Bearer "+tok)
		_, err = c.http.Do(ctx, r, out)
		if err != nil && !renewed && connectors.KindOf(err) == connectors.ErrUnauthorized {
			renewed = true
			c.token.Invalidate(tok)
			continue
		}
		return c.explain(err)
	}
}

// get GETs path (under /api, with query) into out.
func (c *Client) get(ctx context.Context, path string, query url.Values, op string, out any) error {
	u := c.base + "/api" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return c.do(ctx, httpx.Request{URL: u, Op: op}, out)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
