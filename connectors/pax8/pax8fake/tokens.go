package pax8fake

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// tokenClaims is what an access token carries, signed with the world's key.
type tokenClaims struct {
	ClientID   string `json:"cid"`
	Generation int64  `json:"gen"`
	Expires    int64  `json:"exp"` // unix seconds
}

// serveToken is POST /v1/token: the client-credentials grant with a JSON
// body, answered as Pax8 answers it. A wrong client id or secret (or a
// revoked secret) is 401 {"error":"access_denied","error_description":
// "Unauthorized"}; another audience is 403. Call with the lock held.
func (s *Server) serveToken(r *http.Request, body []byte) answer {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return tokenError(http.StatusBadRequest, "invalid_request", "Content-Type must be application/json")
	}
	var req struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Audience     string `json:"audience"`
		GrantType    string `json:"grant_type"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return tokenError(http.StatusBadRequest, "invalid_request", "The request body is not valid JSON")
	}
	if req.GrantType != "client_credentials" {
		return tokenError(http.StatusForbidden, "unsupported_grant_type", "Grant type '"+req.GrantType+"' not allowed for the client.")
	}
	idOK := subtle.ConstantTimeCompare([]byte(req.ClientID), []byte(s.w.ClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(s.w.ClientSecret)) == 1
	if !idOK || !secretOK || s.secretRevoked || s.w.ClientSecret == "" {
		return tokenError(http.StatusUnauthorized, "access_denied", "Unauthorized")
	}
	if req.Audience != Audience {
		return tokenError(http.StatusForbidden, "access_denied", "Service not enabled within domain: "+req.Audience)
	}
	lifetime := s.opts.TokenLifetime
	tok := s.sign(tokenClaims{ClientID: s.w.ClientID, Generation: s.tokenGen, Expires: s.opts.Now().Add(lifetime).Unix()})
	return ok(map[string]any{
		"access_token": tok,
		"expires_in":   int64(lifetime / time.Second),
		"token_type":   "Bearer",
	})
}

// tokenError is the token endpoint's error body.
func tokenError(status int, code, desc string) answer {
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(map[string]string{"error": code, "error_description": desc})}
}

// authorize checks the bearer token of an API call: signed with the world's
// key, for the world's client, not expired by the server's clock, and not
// ended by ExpireTokens. Call with the lock held.
func (s *Server) authorize(r *http.Request) (string, bool) {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || tok == "" {
		return "Full authentication is required to access this resource", false
	}
	c, valid := s.verify(tok)
	switch {
	case !valid || c.ClientID != s.w.ClientID:
		return "Invalid access token", false
	case c.Generation < s.tokenGen || s.opts.Now().Unix() >= c.Expires:
		return "The access token has expired", false
	}
	return "", true
}

func (s *Server) sign(c tokenClaims) string {
	payload := base64.RawURLEncoding.EncodeToString(fakekit.MustJSON(c))
	return "p8." + payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Server) verify(tok string) (tokenClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != "p8" {
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
	m.Write([]byte("pax8 token:" + payload))
	return m.Sum(nil)
}
