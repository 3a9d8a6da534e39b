package msfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is one fake Microsoft on loopback TLS with helpers to talk to it.
// Failure messages never print a token: only status codes and error fields.
type fake struct {
	t   *testing.T
	ts  *httptest.Server
	srv *Server
	hc  *http.Client // trusts the server's certificate, does not follow redirects
	ep  Endpoints
	w   World // the world as it was at start
}

func newFake(t *testing.T, o Options) *fake {
	t.Helper()
	return newFakeWorld(t, SmallWorld(), o)
}

func newFakeWorld(t *testing.T, w *World, o Options) *fake {
	t.Helper()
	ts, srv := NewTLSServer(w, o)
	t.Cleanup(ts.Close)
	hc := *ts.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Timeout = 10 * time.Second
	return &fake{t: t, ts: ts, srv: srv, hc: &hc, ep: EndpointsFor(ts.URL), w: srv.World()}
}

func (f *fake) customer(name string) Customer {
	f.t.Helper()
	for _, c := range f.w.Customers {
		if c.Name == name {
			return c
		}
	}
	f.t.Fatalf("no customer %q in the world", name)
	return Customer{}
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

// describe says what came back without any token in it.
func (r reply) describe() string {
	var parts []string
	for _, k := range []string{"error", "error_description", "code", "description"} {
		if v, ok := r.json[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	if e, ok := r.json["error"].(map[string]any); ok {
		parts = append(parts, fmt.Sprintf("graph error %v: %v", e["code"], e["message"]))
	}
	return fmt.Sprintf("HTTP %d %s", r.status, strings.Join(parts, "; "))
}

func (f *fake) url(path string) string {
	if strings.HasPrefix(path, "https://") {
		return path
	}
	return f.ts.URL + path
}

// do sends a request; token "" sends no Authorization header.
func (f *fake) do(method, path, token string, body []byte, hdr map[string]string) reply {
	f.t.Helper()
	req, err := http.NewRequest(method, f.url(path), bytes.NewReader(body))
	if err != nil {
		f.t.Fatalf("building %s %s: %v", method, path, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return f.send(req)
}

func (f *fake) send(req *http.Request) reply {
	f.t.Helper()
	resp, err := f.hc.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("reading %s: %v", req.URL.Path, err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.json) // not every answer is JSON; r.json stays nil then
	return r
}

func (f *fake) get(path, token string) reply { return f.do(http.MethodGet, path, token, nil, nil) }

func (f *fake) form(path string, v url.Values) reply {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url(path), strings.NewReader(v.Encode()))
	if err != nil {
		f.t.Fatalf("building POST %s: %v", path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.send(req)
}

func (f *fake) want(r reply, status int, what string) {
	f.t.Helper()
	if r.status != status {
		f.t.Fatalf("%s: got %s, want HTTP %d", what, r.describe(), status)
	}
}

// aadCode is the first AADSTS number of an Entra error answer.
func aadCode(r reply) int {
	codes, _ := r.json["error_codes"].([]any)
	if len(codes) == 0 {
		return 0
	}
	n, _ := codes[0].(float64)
	return int(n)
}

func graphCode(r reply) string {
	e, _ := r.json["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

const oidc = " openid offline_access profile"

// deviceCode starts a device-code sign-in at the tenant.
func (f *fake) deviceCode(tenant, scope string) reply {
	f.t.Helper()
	return f.form("/"+tenant+"/oauth2/v2.0/devicecode", url.Values{
		"client_id": {f.w.ClientID}, "scope": {scope + oidc},
	})
}

// poll polls the token endpoint once for a device code.
func (f *fake) poll(tenant, deviceCode, scope string) reply {
	f.t.Helper()
	return f.form("/"+tenant+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"device_code"}, "client_id": {f.w.ClientID}, "device_code": {deviceCode},
		"scope": {scope + oidc}, "client_info": {"1"},
	})
}

// signIn signs the partner user in by device code (approved at the first
// poll) and returns the token response.
func (f *fake) signIn(scope string) tokenResponse {
	f.t.Helper()
	dc := f.deviceCode("organizations", scope)
	f.want(dc, http.StatusOK, "device code")
	r := f.poll("organizations", dc.json["device_code"].(string), scope)
	f.want(r, http.StatusOK, "device code poll")
	return decodeTokens(f.t, r)
}

func decodeTokens(t *testing.T, r reply) tokenResponse {
	t.Helper()
	var tr tokenResponse
	if err := json.Unmarshal(r.raw, &tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("token response not readable (err %v)", err)
	}
	return tr
}

// refresh redeems a refresh token at the tenant for scope.
func (f *fake) refresh(tenant, scope, rt string) reply {
	f.t.Helper()
	return f.form("/"+tenant+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"refresh_token"}, "client_id": {f.w.ClientID}, "refresh_token": {rt},
		"scope": {scope + oidc}, "client_info": {"1"},
	})
}

// graphToken is a partner-tenant Graph access token.
func (f *fake) graphToken() string {
	f.t.Helper()
	return f.signIn(f.ep.GraphURL + "/.default").AccessToken
}

// pcToken is a partner-tenant Partner Center access token.
func (f *fake) pcToken() string {
	f.t.Helper()
	return f.signIn(f.ep.PartnerCenterURL + "/user_impersonation").AccessToken
}

// customerToken is a Graph access token in a customer tenant, obtained the
// way MSAL does it: a refresh grant at the customer's authority.
func (f *fake) customerToken(name string) string {
	f.t.Helper()
	rt := f.signIn(f.ep.GraphURL + "/.default").RefreshToken
	r := f.refresh(f.customer(name).TenantID, f.ep.GraphURL+"/.default", rt)
	f.want(r, http.StatusOK, "customer token for "+name)
	return decodeTokens(f.t, r).AccessToken
}

// claimsOf decodes an access token's claims with the world's key.
func (f *fake) claimsOf(token string) accessClaims {
	f.t.Helper()
	var c accessClaims
	if err := parseJWT(f.w.SigningKey, token, &c); err != nil {
		f.t.Fatalf("access token does not verify: %v", err)
	}
	return c
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
