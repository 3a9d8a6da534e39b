package msfake

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxFormBytes bounds what the authority reads from a form post.
const maxFormBytes = 64 << 10

// serveAuthority serves the Entra endpoints MSAL uses, all under a tenant
// segment: /{tenant}/v2.0/.well-known/openid-configuration,
// /{tenant}/oauth2/v2.0/{devicecode,token,authorize}, /{tenant}/v2.0/adminconsent
// and /common/discovery/instance.
func (s *Server) serveAuthority(w http.ResponseWriter, r *http.Request) {
	tenant, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch rest {
	case "v2.0/.well-known/openid-configuration":
		s.serveOpenIDConfiguration(w, r, tenant)
	case "oauth2/v2.0/devicecode":
		s.serveDeviceCode(w, r, tenant)
	case "oauth2/v2.0/token":
		s.serveToken(w, r, tenant)
	case "oauth2/v2.0/authorize":
		s.serveAuthorize(w, r, tenant)
	case "v2.0/adminconsent":
		s.serveAdminConsent(w, r, tenant)
	case "discovery/instance":
		if strings.EqualFold(tenant, "common") {
			s.serveInstanceDiscovery(w, r)
			return
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// isAlias reports whether a tenant segment is one of the multi-tenant
// aliases, which Entra keeps in its endpoint URLs instead of a tenant id.
func isAlias(seg string) bool {
	return strings.EqualFold(seg, "organizations") || strings.EqualFold(seg, "common")
}

func (s *Server) unknownTenant(seg string) *aadErr {
	return &aadErr{status: http.StatusBadRequest, code: "invalid_request", aadsts: 90002,
		desc: fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", seg)}
}

func (s *Server) unknownClient(clientID, tenantName string) *aadErr {
	return &aadErr{status: http.StatusBadRequest, code: "invalid_client", aadsts: 700016,
		desc: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, tenantName)}
}

func (s *Server) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request, seg string) {
	s.mu.Lock()
	t, ok := s.resolveTenant(seg)
	s.mu.Unlock()
	if !ok {
		e := s.unknownTenant(seg)
		e.code = "invalid_tenant"
		s.writeAADError(w, r, *e)
		return
	}
	base := baseURL(r)
	// Entra keeps the alias in the endpoints and a {tenantid} template in the
	// issuer of the multi-tenant documents; MSAL checks only the issuer's host.
	pathTenant, issuer := t.id, issuerOf(base, t.id)
	if isAlias(seg) {
		pathTenant, issuer = strings.ToLower(seg), issuerOf(base, "{tenantid}")
	}
	prefix := base + "/" + pathTenant
	writeJSON(w, http.StatusOK, jsonType, map[string]any{
		"token_endpoint":                        prefix + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"authorization_endpoint":                prefix + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         prefix + "/oauth2/v2.0/devicecode",
		"issuer":                                issuer,
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"HS256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"claims_supported": []string{"sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid",
			"preferred_username", "tid", "ver"},
		"request_uri_parameter_supported": false,
		"tenant_region_scope":             "EU",
		"cloud_instance_name":             "microsoftonline.com",
		"msgraph_host":                    r.Host + graphPrefix,
	})
}

// serveInstanceDiscovery answers MSAL's instance discovery the way Entra
// does for its own hosts, naming this host as its only alias.
func (s *Server) serveInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	tenant := "common"
	if ae := r.URL.Query().Get("authorization_endpoint"); ae != "" {
		u, err := url.Parse(ae)
		if err != nil || u.Host == "" {
			s.writeAADError(w, r, aadErr{status: http.StatusBadRequest, code: "invalid_instance", aadsts: 50049,
				desc: "Unknown or invalid instance."})
			return
		}
		if seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/"); seg != "" {
			tenant = seg
		}
	}
	writeJSON(w, http.StatusOK, jsonType, map[string]any{
		"tenant_discovery_endpoint": baseURL(r) + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": r.Host,
			"preferred_cache":   r.Host,
			"aliases":           []string{r.Host},
		}},
	})
}

// deviceGrant is the content of a device code. It carries its own approval
// time so that any process serving the world can answer its polls.
type deviceGrant struct {
	OID   string `json:"oid"`
	CID   string `json:"cid"`
	Scope string `json:"scp"`
	Iat   int64  `json:"iat"` // unix milliseconds
	Apr   int64  `json:"apr"` // approved from, unix milliseconds
	Exp   int64  `json:"exp"` // unix milliseconds
	Nonce string `json:"n"`   // two codes issued in the same millisecond still differ
}

// readForm parses a POSTed form, answering Entra's errors for anything else.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		s.writeAADError(w, r, aadErr{status: http.StatusBadRequest, code: "invalid_request", aadsts: 900561,
			desc: "The endpoint only accepts POST requests. Received a " + r.Method + " request."})
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.writeAADError(w, r, aadErr{status: http.StatusBadRequest, code: "invalid_request", aadsts: 900144,
			desc: "The request body must be a form."})
		return false
	}
	return true
}

func missingParam(name string) aadErr {
	return aadErr{status: http.StatusBadRequest, code: "invalid_request", aadsts: 900144,
		desc: fmt.Sprintf("The request body must contain the following parameter: '%s'.", name)}
}

func (s *Server) serveDeviceCode(w http.ResponseWriter, r *http.Request, seg string) {
	if !s.readForm(w, r) {
		return
	}
	clientID := r.PostForm.Get("client_id")
	if clientID == "" {
		s.writeAADError(w, r, missingParam("client_id"))
		return
	}
	base := baseURL(r)
	s.mu.Lock()
	t, ok := s.resolveTenant(seg)
	var e *aadErr
	switch {
	case !ok:
		e = s.unknownTenant(seg)
	case !s.knownClient(clientID):
		e = s.unknownClient(clientID, t.name)
	case len(s.w.Partner.Users) == 0:
		e = &aadErr{status: http.StatusBadRequest, code: "invalid_request", aadsts: 50034,
			desc: "The user account does not exist in the directory (the sandbox world has no partner user)."}
	}
	if e == nil {
		_, e = parseScopes(base, r.PostForm.Get("scope"))
	}
	if e != nil {
		s.mu.Unlock()
		s.writeAADError(w, r, *e)
		return
	}
	now := s.now()
	g := deviceGrant{
		OID:   s.w.Partner.Users[0].ObjectID,
		CID:   clientID,
		Scope: r.PostForm.Get("scope"),
		Iat:   now.UnixMilli(),
		Apr:   now.Add(s.opts.ApproveAfter).UnixMilli(),
		Exp:   now.Add(s.opts.DeviceCodeTTL).UnixMilli(),
		Nonce: newGUID(),
	}
	code := seal(s.w.SigningKey, "dc", g)
	userCode := userCodeFor(s.w.SigningKey, code)
	s.mu.Unlock()

	verify := base + "/devicelogin"
	secs := secondsOf(s.opts.ApproveAfter)
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	writeJSON(w, http.StatusOK, jsonType, map[string]any{
		"user_code":        userCode,
		"device_code":      code,
		"verification_uri": verify,
		"expires_in":       int(s.opts.DeviceCodeTTL / time.Second),
		"interval":         5,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate."+
			" (seats sandbox: this code is approved automatically in %d %s.)", verify, userCode, secs, unit),
	})
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, seg string) {
	if !s.readForm(w, r) {
		return
	}
	f := r.PostForm
	grantType := f.Get("grant_type")
	clientID := f.Get("client_id")
	switch {
	case grantType == "":
		s.writeAADError(w, r, missingParam("grant_type"))
		return
	case clientID == "":
		s.writeAADError(w, r, missingParam("client_id"))
		return
	}
	base := baseURL(r)
	s.mu.Lock()
	resp, e := s.grant(base, seg, grantType, f)
	s.mu.Unlock()
	if e != nil {
		s.writeAADError(w, r, *e)
		return
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, http.StatusOK, jsonType, resp)
}

// grant runs one token request. Call with the lock held.
func (s *Server) grant(base, seg, grantType string, f url.Values) (tokenResponse, *aadErr) {
	t, ok := s.resolveTenant(seg)
	if !ok {
		return tokenResponse{}, s.unknownTenant(seg)
	}
	clientID := f.Get("client_id")
	if !s.knownClient(clientID) {
		return tokenResponse{}, s.unknownClient(clientID, t.name)
	}
	var oid string
	var e *aadErr
	switch grantType {
	case "device_code", "urn:ietf:params:oauth:grant-type:device_code":
		oid, e = s.redeemDeviceCode(f.Get("device_code"), clientID)
	case "refresh_token":
		oid, e = s.redeemRefreshToken(f.Get("refresh_token"), clientID)
	case "authorization_code":
		oid, e = s.redeemAuthCode(f, clientID)
	default:
		e = &aadErr{status: http.StatusBadRequest, code: "unsupported_grant_type", aadsts: 70003,
			desc: fmt.Sprintf("The app requested an unsupported grant type '%s'.", grantType)}
	}
	if e != nil {
		return tokenResponse{}, e
	}
	user, ok := s.partnerUser(oid)
	if !ok {
		return tokenResponse{}, &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 50034,
			desc: fmt.Sprintf("The user account {EUII Hidden} does not exist in the %s directory. To sign into this application, the account must be added to the directory.", s.w.Partner.Name)}
	}
	scopes, e := parseScopes(base, f.Get("scope"))
	if e != nil {
		return tokenResponse{}, e
	}
	return s.issue(base, clientID, user, t, scopes)
}

// redeemDeviceCode answers a device-code poll: pending until the code's
// approval time, then the outcome lever decides. Call with the lock held.
func (s *Server) redeemDeviceCode(code, clientID string) (string, *aadErr) {
	if code == "" {
		e := missingParam("device_code")
		return "", &e
	}
	var g deviceGrant
	if err := unseal(s.w.SigningKey, "dc", code, &g); err != nil || g.CID != clientID {
		return "", &aadErr{status: http.StatusBadRequest, code: "bad_verification_code", aadsts: 70000,
			desc: "The provided value for the input parameter 'device_code' is not valid."}
	}
	now := s.now().UnixMilli()
	if now >= g.Exp || s.outcome == Expire {
		return "", &aadErr{status: http.StatusBadRequest, code: "expired_token", aadsts: 70020,
			desc: "The provided value for the input parameter 'device_code' is not valid. This device code has expired."}
	}
	if now < g.Apr {
		// MSAL polls fast and ignores the interval, so never answer slow_down.
		return "", &aadErr{status: http.StatusBadRequest, code: "authorization_pending", aadsts: 70016,
			desc: "OAuth 2.0 device flow error. Authorization is pending. Continue polling."}
	}
	switch s.outcome {
	case Decline:
		return "", &aadErr{status: http.StatusBadRequest, code: "authorization_declined", aadsts: 70000,
			desc: "The user declined the authorization request."}
	case BlockConditionalAccess:
		return "", &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 53003,
			desc: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."}
	}
	return g.OID, nil
}

// redeemRefreshToken checks a refresh token. Call with the lock held.
func (s *Server) redeemRefreshToken(token, clientID string) (string, *aadErr) {
	if token == "" {
		e := missingParam("refresh_token")
		return "", &e
	}
	var g refreshGrant
	if err := unseal(s.w.SigningKey, "rt", token, &g); err != nil || g.CID != clientID {
		return "", &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 9002313,
			desc: "Invalid request. Request is malformed or invalid."}
	}
	issued := time.UnixMilli(g.Iat).UTC()
	if g.Gen < s.rtGeneration || !s.now().Before(issued.Add(refreshTokenLife)) {
		return "", &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 700082,
			desc: fmt.Sprintf("The refresh token has expired due to inactivity. The token was issued on %s and was inactive for 90.00:00:00.",
				issued.Format("2006-01-02T15:04:05.0000000Z"))}
	}
	return g.OID, nil
}

// codeGrant is the content of an authorization code.
type codeGrant struct {
	OID       string `json:"oid"`
	CID       string `json:"cid"`
	Redirect  string `json:"ru"`
	Challenge string `json:"cc,omitempty"`
	Method    string `json:"ccm,omitempty"`
	Exp       int64  `json:"exp"` // unix milliseconds
	Nonce     string `json:"n"`
}

// redeemAuthCode checks an authorization code, its redirect URI and its PKCE
// verifier; a code works once per process, as Entra's work once. Call with
// the lock held.
func (s *Server) redeemAuthCode(f url.Values, clientID string) (string, *aadErr) {
	code := f.Get("code")
	if code == "" {
		e := missingParam("code")
		return "", &e
	}
	invalid := func(aadsts int, desc string) (string, *aadErr) {
		return "", &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: aadsts, desc: desc}
	}
	var g codeGrant
	if err := unseal(s.w.SigningKey, "ac", code, &g); err != nil || g.CID != clientID {
		return invalid(9002313, "Invalid request. Request is malformed or invalid.")
	}
	now := s.now()
	if now.UnixMilli() >= g.Exp {
		return invalid(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	}
	if f.Get("redirect_uri") != g.Redirect {
		return invalid(50148, "The redirect_uri specified in the token request does not match the redirect_uri used in the authorization request.")
	}
	if g.Challenge != "" {
		verifier := f.Get("code_verifier")
		want := verifier
		if strings.EqualFold(g.Method, "S256") {
			sum := sha256.Sum256([]byte(verifier))
			want = b64.EncodeToString(sum[:])
		}
		if verifier == "" || subtle.ConstantTimeCompare([]byte(want), []byte(g.Challenge)) != 1 {
			return invalid(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		}
	}
	for c, exp := range s.redeemed {
		if now.After(exp) {
			delete(s.redeemed, c)
		}
	}
	if _, used := s.redeemed[code]; used {
		return invalid(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	}
	s.redeemed[code] = time.UnixMilli(g.Exp)
	return g.OID, nil
}

// serveAuthorize is the interactive sign-in: the sandbox approves at once as
// the first partner user and returns a code to the redirect URI, by a 302
// or, for response_mode=form_post (what MSAL Go asks for), by a page that
// posts the code the way Entra's does.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request, seg string) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err == nil {
			q = r.Form
		}
	}
	clientID := q.Get("client_id")
	redirect := q.Get("redirect_uri")
	s.mu.Lock()
	t, ok := s.resolveTenant(seg)
	var e *aadErr
	switch {
	case !ok:
		e = s.unknownTenant(seg)
	case !s.knownClient(clientID):
		e = s.unknownClient(clientID, t.name)
	case !validRedirect(redirect):
		e = &aadErr{code: "invalid_request", aadsts: 50011,
			desc: fmt.Sprintf("The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'.", redirect, clientID)}
	case len(s.w.Partner.Users) == 0:
		e = &aadErr{code: "invalid_request", aadsts: 50034, desc: "The sandbox world has no partner user to sign in."}
	}
	if e != nil {
		s.mu.Unlock()
		writeHTMLError(w, http.StatusBadRequest, "Sign in", fmt.Sprintf("AADSTS%d: %s", e.aadsts, e.desc))
		return
	}
	params := url.Values{}
	if st := q.Get("state"); st != "" {
		params.Set("state", st)
	}
	var pe *aadErr
	if q.Get("response_type") != "code" {
		pe = &aadErr{code: "unsupported_response_type", aadsts: 70005,
			desc: "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'."}
	} else if _, pe = parseScopes(baseURL(r), q.Get("scope")); pe == nil {
		method := q.Get("code_challenge_method")
		if q.Get("code_challenge") != "" && method == "" {
			method = "plain"
		}
		g := codeGrant{
			OID: s.w.Partner.Users[0].ObjectID, CID: clientID, Redirect: redirect,
			Challenge: q.Get("code_challenge"), Method: method,
			Exp: s.now().Add(authCodeLife).UnixMilli(), Nonce: newGUID(),
		}
		params.Set("code", seal(s.w.SigningKey, "ac", g))
	}
	s.mu.Unlock()
	if pe != nil {
		params.Set("error", pe.code)
		params.Set("error_description", fmt.Sprintf("AADSTS%d: %s", pe.aadsts, pe.desc))
	}
	if q.Get("response_mode") == "form_post" {
		writeFormPost(w, redirect, params)
		return
	}
	http.Redirect(w, r, withQuery(redirect, params), http.StatusFound)
}

// validRedirect accepts absolute http and https URLs, the ones a public
// client registers (http only for loopback in real Entra, but the sandbox is
// all loopback).
func validRedirect(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Fragment == ""
}

// withQuery adds params to a URL that may already have a query.
func withQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
