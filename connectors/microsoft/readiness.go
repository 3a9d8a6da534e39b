package microsoft

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// ErrOpaqueToken is returned by ConsentedScopes when the access token does
// not show its scopes (Microsoft may make tokens opaque); the readiness
// check then says it cannot tell instead of guessing.
var ErrOpaqueToken = errors.New("the access token does not show its scopes")

// ConsentedScopes are the delegated permissions consented for seats'
// application in the partner tenant on one API ("graph" or "partner
// center"), as the access token for it carries them (its scp claim). A
// token for ".default" holds every consented permission, so no directory
// permission is needed to find out. The token is read, never verified:
// it only answers "what did Microsoft grant", not "who is this".
func (c *Client) ConsentedScopes(ctx context.Context, api string) ([]string, error) {
	root := c.graphURL
	if api == "partner center" {
		root = c.pcURL
	}
	acct, err := c.firstAccount(ctx)
	if err != nil {
		return nil, err
	}
	res, err := c.pca.AcquireTokenSilent(ctx, []string{root + "/.default"}, public.WithSilentAccount(acct))
	if err != nil {
		return nil, classifyAuth(ctx, "token for "+api, flowSilent, err)
	}
	return scopesOf(res.AccessToken)
}

// scopesOf reads the scp claim of a JWT access token without verifying it.
func scopesOf(token string) ([]string, error) {
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return nil, ErrOpaqueToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, ErrOpaqueToken
	}
	var claims struct {
		Scp string `json:"scp"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		return nil, ErrOpaqueToken
	}
	return strings.Fields(claims.Scp), nil
}

// PartnerGroups are the signed-in user's groups in the partner tenant by
// name, among them Partner Center's role groups ("AdminAgents",
// "SalesAgents", "HelpdeskAgents").
func (c *Client) PartnerGroups(ctx context.Context) ([]string, error) {
	tok, err := c.token(ctx, "token for Graph", []string{c.graphURL + "/.default"}, "")
	if err != nil {
		return nil, err
	}
	var names []string
	err = httpx.ODataEach(ctx, c.graph, c.graphURL+"/v1.0/me/memberOf?$select=displayName", bearer(tok), "list the account's groups",
		func(g struct {
			DisplayName string `json:"displayName"`
		}) error {
			if g.DisplayName != "" {
				names = append(names, g.DisplayName)
			}
			return nil
		})
	return names, err
}

// EndpointProbe is what one HTTPS call to a Microsoft host showed: whether
// TLS worked, and the server's clock.
type EndpointProbe struct {
	Name  string // "sign-in", "Graph", "Partner Center"
	URL   string
	Err   error         // nil when an answer came over TLS (any status)
	Skew  time.Duration // server's Date minus now; valid when HasDate
	TLS   bool          // the failure was the certificate (a proxy that inspects TLS)
	HasDT bool          // the answer had a Date header
}

// Probe calls each host of cfg once, without a token (any answer, a 401
// too, proves the TLS connection), and compares each server's Date header
// with now. It needs no client id.
func Probe(ctx context.Context, cfg Config, now func() time.Time) []EndpointProbe {
	hc := httpx.DefaultHTTPClient()
	if cfg.HTTPClient != nil {
		hc = cfg.HTTPClient
	}
	authority, _ := httpx.SettingURL("microsoft.authority_host", cfg.AuthorityHost, DefaultAuthorityHost)
	graph, _ := httpx.SettingURL("microsoft.graph_url", cfg.GraphURL, DefaultGraphURL)
	pc, _ := httpx.SettingURL("microsoft.partner_center_url", cfg.PartnerCenterURL, DefaultPartnerCenterURL)
	targets := []EndpointProbe{
		{Name: "sign-in", URL: authority + "/organizations/v2.0/.well-known/openid-configuration"},
		{Name: "Graph", URL: graph + "/v1.0/organization"},
		{Name: "Partner Center", URL: pc + "/v1/customers?size=1"},
	}
	for i := range targets {
		p := &targets[i]
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
		if err != nil {
			p.Err = err
			continue
		}
		resp, err := hc.Do(req)
		if err != nil {
			p.Err = redacted{err}
			p.TLS = isCertErr(err)
			continue
		}
		_ = resp.Body.Close()
		if at, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			p.Skew, p.HasDT = at.Sub(now()).Round(time.Second), true
		}
	}
	return targets
}

// isCertErr reports whether err is a failure to trust the server's
// certificate.
func isCertErr(err error) bool {
	s := err.Error()
	return strings.Contains(s, "x509:") || strings.Contains(s, "certificate")
}

// KindOfAppError tells why seats' own application cannot get a token:
// ErrNotFound when Microsoft does not know the application (AADSTS700016),
// ErrConsentRequired when it lacks consent.
func KindOfAppError(err error) connectors.Kind {
	var ce *connectors.Error
	if errors.As(err, &ce) && (ce.Code == "invalid_client" || strings.Contains(ce.Message, "AADSTS700016")) {
		return connectors.ErrNotFound
	}
	return connectors.KindOf(err)
}
