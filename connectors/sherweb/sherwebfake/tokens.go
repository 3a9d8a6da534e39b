package sherwebfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

type tokenClaims struct {
	ClientID   string   `json:"cid"`
	Scopes     []string `json:"scp"`
	Generation int64    `json:"gen"`
	Expires    int64    `json:"exp"`
}

// serveToken is the client-credentials grant of Sherweb's OpenID Connect
// server: a FORM body (client_id, client_secret, scope, grant_type). A
// wrong client id or secret, or a revoked secret, is 400 invalid_client; a
// scope other than service-provider and distributor (or two at once under
// SingleScopeTokens) is 400 invalid_scope. Call with the lock held.
func (s *Server) serveToken(r *http.Request, body []byte) answer {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return tokenError(http.StatusBadRequest, "invalid_request")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return tokenError(http.StatusBadRequest, "invalid_request")
	}
	if form.Get("grant_type") != "client_credentials" {
		return tokenError(http.StatusBadRequest, "unsupported_grant_type")
	}
	idOK := equal(form.Get("client_id"), s.w.ClientID)
	secretOK := equal(form.Get("client_secret"), s.w.ClientSecret)
	if !idOK || !secretOK || s.secretRevoked || s.w.ClientSecret == "" {
		return tokenError(http.StatusBadRequest, "invalid_client")
	}
	scopes := strings.Fields(form.Get("scope"))
	if len(scopes) == 0 || len(scopes) > 1 && s.opts.SingleScopeTokens {
		return tokenError(http.StatusBadRequest, "invalid_scope")
	}
	for _, sc := range scopes {
		if sc != ScopeServiceProvider && sc != ScopeDistributor {
			return tokenError(http.StatusBadRequest, "invalid_scope")
		}
	}
	lifetime := s.opts.TokenLifetime
	tok := s.sign(tokenClaims{ClientID: s.w.ClientID, Scopes: scopes, Generation: s.tokenGen, Expires: s.opts.Now().Add(lifetime).Unix()})
	return ok(map[string]any{
		"access_token": tok,
		"expires_in":   int64(lifetime / time.Second),
		"token_type":   "Bearer",
		"scope":        strings.Join(scopes, " "),
	})
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// tokenError is the OpenID Connect server's error body.
func tokenError(status int, code string) answer {
	return answer{status: status, header: jsonHeader("application/json"), body: fakekit.MustJSON(map[string]string{"error": code})}
}

// authorize checks the bearer token of an API call: signed with the
// world's key, for the world's client, not expired or ended, and of the
// API's scope (403 otherwise). Call with the lock held.
func (s *Server) authorize(r *http.Request, call Call) (answer, bool) {
	unauthorized := func(desc string) (answer, bool) {
		a := problem(r, http.StatusUnauthorized, "Unauthorized", desc)
		a.header.Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
		return a, false
	}
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || tok == "" {
		return unauthorized("No bearer token was sent")
	}
	c, valid := s.verify(tok)
	switch {
	case !valid || c.ClientID != s.w.ClientID:
		return unauthorized("The token is not valid")
	case c.Generation < s.tokenGen || s.opts.Now().Unix() >= c.Expires:
		return unauthorized("The token expired")
	}
	need := ScopeServiceProvider
	if call == CallPayableCharges {
		need = ScopeDistributor
	}
	if !slices.Contains(c.Scopes, need) {
		return problem(r, http.StatusForbidden, "Forbidden", "The token has no "+need+" scope"), false
	}
	return answer{}, true
}

func (s *Server) sign(c tokenClaims) string {
	payload := base64.RawURLEncoding.EncodeToString(fakekit.MustJSON(c))
	return "sw." + payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Server) verify(tok string) (tokenClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != "sw" {
		return tokenClaims{}, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac(parts[1])) {
		return tokenClaims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return tokenClaims{}, false
	}
	var c tokenClaims
	if json.Unmarshal(raw, &c) != nil {
		return tokenClaims{}, false
	}
	return c, true
}

func (s *Server) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.w.SigningKey)
	m.Write([]byte("sherweb token:" + payload))
	return m.Sum(nil)
}
