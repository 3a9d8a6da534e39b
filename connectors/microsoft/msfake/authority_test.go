package msfake

import (
	"crypto/sha256"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestOpenIDConfiguration(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	fabrikam := f.customer(SmallFabrikam)
	tests := []struct {
		tenant     string
		status     int
		wantIssuer string
		wantPath   string // the tenant segment of the endpoints
	}{
		{"organizations", http.StatusOK, f.ts.URL + "/{tenantid}/v2.0", "organizations"},
		{"common", http.StatusOK, f.ts.URL + "/{tenantid}/v2.0", "common"},
		{f.w.Partner.TenantID, http.StatusOK, f.ts.URL + "/" + f.w.Partner.TenantID + "/v2.0", f.w.Partner.TenantID},
		{fabrikam.TenantID, http.StatusOK, f.ts.URL + "/" + fabrikam.TenantID + "/v2.0", fabrikam.TenantID},
		{fabrikam.Domain, http.StatusOK, f.ts.URL + "/" + fabrikam.TenantID + "/v2.0", fabrikam.TenantID},
		{"11111111-2222-3333-4444-555555555555", http.StatusBadRequest, "", ""},
	}
	for _, tt := range tests {
		r := f.get("/"+tt.tenant+"/v2.0/.well-known/openid-configuration", "")
		if r.status != tt.status {
			t.Errorf("%s: %s, want %d", tt.tenant, r.describe(), tt.status)
			continue
		}
		if tt.status != http.StatusOK {
			if r.json["error"] != "invalid_tenant" || aadCode(r) != 90002 {
				t.Errorf("%s: %s, want invalid_tenant AADSTS90002", tt.tenant, r.describe())
			}
			continue
		}
		if r.json["issuer"] != tt.wantIssuer {
			t.Errorf("%s: issuer %v, want %s", tt.tenant, r.json["issuer"], tt.wantIssuer)
		}
		tokenURL, _ := r.json["token_endpoint"].(string)
		if want := f.ts.URL + "/" + tt.wantPath + "/oauth2/v2.0/token"; tokenURL != want {
			t.Errorf("%s: token endpoint %s, want %s", tt.tenant, tokenURL, want)
		}
		// MSAL finds the devicecode endpoint by replacing every "token".
		dc := strings.ReplaceAll(tokenURL, "token", "devicecode")
		if dc != r.json["device_authorization_endpoint"] {
			t.Errorf("%s: devicecode derived as %s, served at %v", tt.tenant, dc, r.json["device_authorization_endpoint"])
		}
	}
}

func TestInstanceDiscovery(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	q := url.Values{"api-version": {"1.1"}, "authorization_endpoint": {f.ts.URL + "/organizations/oauth2/v2.0/authorize"}}
	r := f.get("/common/discovery/instance?"+q.Encode(), "")
	f.want(r, http.StatusOK, "instance discovery")
	if want := f.ts.URL + "/organizations/v2.0/.well-known/openid-configuration"; r.json["tenant_discovery_endpoint"] != want {
		t.Errorf("tenant_discovery_endpoint %v, want %s", r.json["tenant_discovery_endpoint"], want)
	}
	meta, _ := r.json["metadata"].([]any)
	if len(meta) != 1 {
		t.Fatalf("metadata: %v", r.json["metadata"])
	}
	host := strings.TrimPrefix(f.ts.URL, "https://")
	if m := meta[0].(map[string]any); m["preferred_network"] != host {
		t.Errorf("preferred_network %v, want %s", m["preferred_network"], host)
	}
}

func TestDeviceCodeEndpoint(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{ApproveAfter: 2500 * time.Millisecond, DeviceCodeTTL: 5 * time.Minute})
	r := f.deviceCode("organizations", f.ep.GraphURL+"/.default")
	f.want(r, http.StatusOK, "device code")
	if r.json["expires_in"] != float64(300) || r.json["interval"] != float64(5) {
		t.Errorf("expires_in %v interval %v, want 300 and 5", r.json["expires_in"], r.json["interval"])
	}
	msg, _ := r.json["message"].(string)
	if !strings.HasSuffix(msg, "(seats sandbox: this code is approved automatically in 3 seconds.)") {
		t.Errorf("message %q does not announce the approval in 3 seconds", msg)
	}
	code, _ := r.json["device_code"].(string)
	if uc := r.json["user_code"]; uc != userCodeFor(f.w.SigningKey, code) {
		t.Errorf("user code %v is not derived from the device code", uc)
	}

	errs := []struct {
		name   string
		form   url.Values
		tenant string
		code   string
		aadsts int
	}{
		{"unknown client", url.Values{"client_id": {"ffffffff-0000-0000-0000-000000000000"}, "scope": {"User.Read"}},
			"organizations", "invalid_client", 700016},
		{"no client", url.Values{"scope": {"User.Read"}}, "organizations", "invalid_request", 900144},
		{"unknown tenant", url.Values{"client_id": {f.w.ClientID}, "scope": {"User.Read"}},
			"contoso.example", "invalid_request", 90002},
		{"foreign resource", url.Values{"client_id": {f.w.ClientID}, "scope": {"https://graph.microsoft.com/.default"}},
			"organizations", "invalid_resource", 500011},
		{"two resources", url.Values{"client_id": {f.w.ClientID}, "scope": {f.ep.GraphURL + "/.default " + f.ep.PartnerCenterURL + "/.default"}},
			"organizations", "invalid_request", 28000},
	}
	for _, tt := range errs {
		r := f.form("/"+tt.tenant+"/oauth2/v2.0/devicecode", tt.form)
		if r.status != http.StatusBadRequest || r.json["error"] != tt.code || aadCode(r) != tt.aadsts {
			t.Errorf("%s: %s, want 400 %s AADSTS%d", tt.name, r.describe(), tt.code, tt.aadsts)
		}
		desc, _ := r.json["error_description"].(string)
		if !strings.HasPrefix(desc, "AADSTS") || r.json["trace_id"] == nil || r.json["correlation_id"] == nil || r.json["timestamp"] == nil {
			t.Errorf("%s: error body lacks Entra's fields: %s", tt.name, r.raw)
		}
	}
}

func TestDeviceCodePolling(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clk := newClock(start)
	f := newFakeWorld(t, SmallWorldAt(start), Options{ApproveAfter: time.Minute, DeviceCodeTTL: 10 * time.Minute, Now: clk.Now})
	scope := f.ep.GraphURL + "/.default"
	dc := f.deviceCode("organizations", scope)
	f.want(dc, http.StatusOK, "device code")
	code := dc.json["device_code"].(string)

	steps := []struct {
		advance time.Duration
		status  int
		err     string
	}{
		{0, http.StatusBadRequest, "authorization_pending"},
		{30 * time.Second, http.StatusBadRequest, "authorization_pending"},
		{30 * time.Second, http.StatusOK, ""},
		{10 * time.Minute, http.StatusBadRequest, "expired_token"},
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		r := f.poll("organizations", code, scope)
		if r.status != st.status || (st.err != "" && r.json["error"] != st.err) {
			t.Fatalf("poll %d: %s, want %d %s", i, r.describe(), st.status, st.err)
		}
	}
	if r := f.poll("organizations", code[:len(code)-2]+"xx", scope); r.json["error"] != "bad_verification_code" {
		t.Errorf("tampered device code: %s, want bad_verification_code", r.describe())
	}
}

func TestTokenResponseShape(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	scope := f.ep.GraphURL + "/User.Read " + f.ep.GraphURL + "/Directory.Read.All"
	dc := f.deviceCode("organizations", scope)
	r := f.poll("organizations", dc.json["device_code"].(string), scope)
	f.want(r, http.StatusOK, "poll")
	tr := decodeTokens(t, r)
	if tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 || tr.ExtExpiresIn != 3600 {
		t.Errorf("token_type %q expires_in %d ext %d", tr.TokenType, tr.ExpiresIn, tr.ExtExpiresIn)
	}
	if tr.Scope != scope {
		t.Errorf("scope %q, want the request's scopes echoed: %q", tr.Scope, scope)
	}
	at := f.claimsOf(tr.AccessToken)
	user := f.w.Partner.Users[0]
	if at.Aud != f.ep.GraphURL || at.TID != f.w.Partner.TenantID || at.OID != user.ObjectID || at.UPN != user.UPN ||
		at.AppID != f.w.ClientID || at.Scp != "User.Read Directory.Read.All" || at.Exp-at.Iat != 3600 {
		t.Errorf("access token claims %+v", at)
	}
	var id idClaims
	if err := parseJWT(f.w.SigningKey, tr.IDToken, &id); err != nil {
		t.Fatalf("id token: %v", err)
	}
	if id.Aud != f.w.ClientID || id.TID != f.w.Partner.TenantID || id.PreferredUsername != user.UPN ||
		id.Iss != f.ts.URL+"/"+f.w.Partner.TenantID+"/v2.0" {
		t.Errorf("id token claims %+v", id)
	}
	info, err := b64.DecodeString(tr.ClientInfo)
	if want := `{"uid":"` + user.ObjectID + `","utid":"` + f.w.Partner.TenantID + `"}`; err != nil || string(info) != want {
		t.Errorf("client_info %s (err %v), want %s", info, err, want)
	}
}

func TestScopeAudiences(t *testing.T) {
	t.Parallel()
	const base = "https://127.0.0.1:4321"
	tests := []struct {
		scope  string
		aud    string
		aadsts int
	}{
		{base + "/graph/.default", base + "/graph", 0},
		{base + "/graph/User.Read openid profile offline_access", base + "/graph", 0},
		{"User.Read", base + "/graph", 0},
		{"openid profile", base + "/graph", 0},
		{graphAppID + "/.default", base + "/graph", 0},
		{base + "/partnercenter/user_impersonation", base + "/partnercenter", 0},
		{partnerCenterAppID + "/.default", base + "/partnercenter", 0},
		{"https://sandbox.example:9999/graph/.default", "https://sandbox.example:9999/graph", 0},
		{"https://graph.microsoft.com/.default", "", 500011},
		{"https://api.partnercenter.microsoft.com/user_impersonation", "", 500011},
		{"11111111-2222-3333-4444-555555555555/.default", "", 500011},
		{base + "/graph/User.Read " + base + "/partnercenter/user_impersonation", "", 28000},
	}
	for _, tt := range tests {
		got, err := parseScopes(base, tt.scope)
		switch {
		case tt.aadsts != 0 && (err == nil || err.aadsts != tt.aadsts):
			t.Errorf("%q: err %+v, want AADSTS%d", tt.scope, err, tt.aadsts)
		case tt.aadsts == 0 && err != nil:
			t.Errorf("%q: unexpected AADSTS%d", tt.scope, err.aadsts)
		case tt.aadsts == 0 && got.aud != tt.aud:
			t.Errorf("%q: aud %q, want %q", tt.scope, got.aud, tt.aud)
		}
	}
}

func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	graph := f.ep.GraphURL + "/.default"
	rt := f.signIn(graph).RefreshToken
	tenantOf := func(name string) string { return f.customer(name).TenantID }
	tests := []struct {
		name     string
		tenant   string
		rt       string
		clientID string
		code     string // "" = success
		aadsts   int
		suberror string
		descHas  string
	}{
		{name: "partner by alias", tenant: "organizations", rt: rt},
		{name: "partner by id", tenant: f.w.Partner.TenantID, rt: rt},
		{name: "consented customer", tenant: tenantOf(SmallFabrikam), rt: rt},
		{name: "customer by domain", tenant: f.customer(SmallFabrikam).Domain, rt: rt},
		{name: "not consented", tenant: tenantOf(SmallTailspin), rt: rt, code: "invalid_grant", aadsts: 65001,
			suberror: "consent_required", descHas: "AADSTS65001: The user or administrator has not consented to use the application with ID '" + f.w.ClientID + "' named 'seats'. Send an interactive authorization request for this user and resource."},
		{name: "pending GDAP", tenant: tenantOf(SmallWoodgrove), rt: rt, code: "invalid_grant", aadsts: 50020},
		{name: "expired GDAP", tenant: tenantOf(SmallLitware), rt: rt, code: "invalid_grant", aadsts: 50020},
		{name: "no GDAP", tenant: tenantOf(SmallProseware), rt: rt, code: "invalid_grant", aadsts: 50020},
		{name: "unknown tenant", tenant: "99999999-8888-7777-6666-555555555555", rt: rt, code: "invalid_request", aadsts: 90002},
		{name: "other client", tenant: "organizations", rt: rt, clientID: "ffffffff-0000-0000-0000-000000000000",
			code: "invalid_client", aadsts: 700016, descHas: "Application with identifier 'ffffffff-0000-0000-0000-000000000000' was not found in the directory"},
		{name: "tampered", tenant: "organizations", rt: rt[:len(rt)-3] + "abc", code: "invalid_grant", aadsts: 9002313},
		{name: "garbage", tenant: "organizations", rt: "not-a-refresh-grant", code: "invalid_grant", aadsts: 9002313},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			form := url.Values{"grant_type": {"refresh_token"}, "client_id": {f.w.ClientID}, "refresh_token": {tt.rt}, "scope": {graph + oidc}}
			if tt.clientID != "" {
				form.Set("client_id", tt.clientID)
			}
			r := f.form("/"+tt.tenant+"/oauth2/v2.0/token", form)
			if tt.code == "" {
				f.want(r, http.StatusOK, tt.name)
				tr := decodeTokens(t, r)
				want := f.w.Partner.TenantID
				if tt.tenant != "organizations" && tt.tenant != f.w.Partner.TenantID {
					want = tenantOf(SmallFabrikam)
				}
				if got := f.claimsOf(tr.AccessToken).TID; got != want {
					t.Errorf("tid %s, want %s", got, want)
				}
				return
			}
			if r.status != http.StatusBadRequest || r.json["error"] != tt.code || aadCode(r) != tt.aadsts {
				t.Fatalf("%s, want 400 %s AADSTS%d", r.describe(), tt.code, tt.aadsts)
			}
			if tt.suberror != "" && r.json["suberror"] != tt.suberror {
				t.Errorf("suberror %v, want %s", r.json["suberror"], tt.suberror)
			}
			if desc, _ := r.json["error_description"].(string); !strings.Contains(desc, tt.descHas) {
				t.Errorf("description %q lacks %q", desc, tt.descHas)
			}
		})
	}
}

func TestRevokeRefreshTokens(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	graph := f.ep.GraphURL + "/.default"
	old := f.signIn(graph)
	f.want(f.refresh("organizations", graph, old.RefreshToken), http.StatusOK, "refresh before revocation")
	f.srv.RevokeRefreshTokens()
	r := f.refresh("organizations", graph, old.RefreshToken)
	if r.json["error"] != "invalid_grant" || aadCode(r) != 700082 {
		t.Fatalf("refresh after revocation: %s, want invalid_grant AADSTS700082", r.describe())
	}
	// Access tokens live on, as Entra's do, and a new sign-in works again.
	f.want(f.get("/graph/v1.0/me", old.AccessToken), http.StatusOK, "access token after revocation")
	fresh := f.signIn(graph)
	f.want(f.refresh("organizations", graph, fresh.RefreshToken), http.StatusOK, "refresh after a new sign-in")
}

func TestRefreshTokenExpiresAfter90Days(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := newClock(start)
	f := newFakeWorld(t, SmallWorldAt(start), Options{Now: clk.Now})
	graph := f.ep.GraphURL + "/.default"
	rt := f.signIn(graph).RefreshToken
	clk.Advance(89 * 24 * time.Hour)
	r := f.refresh("organizations", graph, rt)
	f.want(r, http.StatusOK, "refresh on day 89")
	rolled := decodeTokens(t, r).RefreshToken
	clk.Advance(2 * 24 * time.Hour)
	if r := f.refresh("organizations", graph, rt); aadCode(r) != 700082 {
		t.Errorf("the day-0 token on day 91: %s, want AADSTS700082", r.describe())
	}
	f.want(f.refresh("organizations", graph, rolled), http.StatusOK, "the rolled token on day 91")
}

func TestAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	const redirect = "http://localhost:8400/callback"
	verifier := "a-code-verifier-that-is-long-enough-for-pkce-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	authorize := func(extra url.Values) reply {
		q := url.Values{
			"client_id": {f.w.ClientID}, "response_type": {"code"}, "redirect_uri": {redirect},
			"scope": {f.ep.GraphURL + "/.default" + oidc}, "state": {"s-123"},
			"code_challenge": {b64.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		}
		for k, v := range extra {
			q[k] = v
		}
		return f.get("/organizations/oauth2/v2.0/authorize?"+q.Encode(), "")
	}
	r := authorize(nil)
	f.want(r, http.StatusFound, "authorize")
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirect+"?") || loc.Query().Get("state") != "s-123" {
		t.Fatalf("redirected to an unexpected place (err %v)", err)
	}
	code := loc.Query().Get("code")
	redeem := func(verifier, redirectURI string) reply {
		return f.form("/organizations/oauth2/v2.0/token", url.Values{
			"grant_type": {"authorization_code"}, "client_id": {f.w.ClientID}, "code": {code},
			"code_verifier": {verifier}, "redirect_uri": {redirectURI}, "scope": {f.ep.GraphURL + "/.default" + oidc},
		})
	}
	if r := redeem("the-wrong-verifier", redirect); aadCode(r) != 501481 {
		t.Errorf("wrong verifier: %s, want AADSTS501481", r.describe())
	}
	if r := redeem(verifier, "http://localhost:9999/other"); aadCode(r) != 50148 {
		t.Errorf("other redirect URI: %s, want AADSTS50148", r.describe())
	}
	f.want(redeem(verifier, redirect), http.StatusOK, "redeem")
	if r := redeem(verifier, redirect); aadCode(r) != 54005 {
		t.Errorf("second redemption: %s, want AADSTS54005", r.describe())
	}

	if r := authorize(url.Values{"client_id": {"ffffffff-0000-0000-0000-000000000000"}}); r.status != http.StatusBadRequest ||
		!strings.Contains(string(r.raw), "AADSTS700016") {
		t.Errorf("unknown client: HTTP %d, want a 400 page naming AADSTS700016", r.status)
	}
	r = authorize(url.Values{"scope": {"https://graph.microsoft.com/.default"}})
	f.want(r, http.StatusFound, "authorize with a foreign resource")
	if loc, _ := url.Parse(r.header.Get("Location")); loc.Query().Get("error") != "invalid_resource" || loc.Query().Get("code") != "" {
		t.Errorf("foreign resource: redirect carries error %q and a code: %v", loc.Query().Get("error"), loc.Query().Get("code") != "")
	}
	r = authorize(url.Values{"response_mode": {"form_post"}})
	f.want(r, http.StatusOK, "authorize with form_post")
	if !strings.Contains(string(r.raw), `action="`+redirect+`"`) || !strings.Contains(string(r.raw), `name="code"`) {
		t.Errorf("form_post page does not post a code to the redirect URI")
	}
}

func TestTokenEndpointRequests(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	if r := f.get("/organizations/oauth2/v2.0/token", ""); r.status != http.StatusBadRequest || aadCode(r) != 900561 {
		t.Errorf("GET token endpoint: %s, want 400 AADSTS900561", r.describe())
	}
	r := f.form("/organizations/oauth2/v2.0/token", url.Values{"client_id": {f.w.ClientID}})
	if aadCode(r) != 900144 {
		t.Errorf("no grant_type: %s, want AADSTS900144", r.describe())
	}
	r = f.form("/organizations/oauth2/v2.0/token", url.Values{"client_id": {f.w.ClientID}, "grant_type": {"password"}})
	if r.json["error"] != "unsupported_grant_type" {
		t.Errorf("password grant: %s, want unsupported_grant_type", r.describe())
	}
	req, _ := http.NewRequest(http.MethodPost, f.url("/organizations/oauth2/v2.0/token"), strings.NewReader("client_id=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("client-request-id", "c0ffee00-0000-4000-8000-000000000000")
	if r := f.send(req); r.json["correlation_id"] != "c0ffee00-0000-4000-8000-000000000000" {
		t.Errorf("correlation_id %v, want the client-request-id echoed", r.json["correlation_id"])
	}
}

// TestCrossProcess proves the property the sandbox relies on: two servers
// over the same world (two seats commands in a row) accept each other's
// device codes, refresh tokens, access tokens and paging links.
func TestCrossProcess(t *testing.T) {
	t.Parallel()
	a := newFake(t, Options{PageSize: 2})
	b := newFake(t, Options{PageSize: 2})
	graph := a.ep.GraphURL + "/.default"

	dc := a.deviceCode("organizations", graph)
	r := b.poll("organizations", dc.json["device_code"].(string), graph)
	b.want(r, http.StatusOK, "device code from A polled at B")
	tr := decodeTokens(t, r)

	b.want(b.get("/graph/v1.0/me", a.graphToken()), http.StatusOK, "A's access token at B")
	b.want(b.refresh(b.customer(SmallFabrikam).TenantID, b.ep.GraphURL+"/.default", tr.RefreshToken), http.StatusOK, "B's refresh token at B")
	a.want(a.refresh("organizations", graph, tr.RefreshToken), http.StatusOK, "B's refresh token at A")

	page := a.get("/graph/v1.0/tenantRelationships/delegatedAdminRelationships", a.graphToken())
	next, _ := page.json["@odata.nextLink"].(string)
	if next == "" {
		t.Fatal("no nextLink on the first page")
	}
	u, _ := url.Parse(next)
	b.want(b.get(u.RequestURI(), b.graphToken()), http.StatusOK, "A's nextLink at B")
}
