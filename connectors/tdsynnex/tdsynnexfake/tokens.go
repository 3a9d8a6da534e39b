package tdsynnexfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// tokenClaims is what an access token carries, signed with the world's key.
type tokenClaims struct {
	Account    string `json:"acc"`
	Generation int64  `json:"gen"`
	Expires    int64  `json:"exp"` // unix seconds
}

// serveToken is POST /oauth/token: the refresh-token grant with a form
// body. The world's current refresh token is accepted once: the answer
// carries a new one, which becomes the world's, and the one sent is
// refused from then on (400 invalid_grant), as a used, revoked or unknown
// token is. Call with the lock held.
func (s *Server) serveToken(r *http.Request, body []byte) answer {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return tokenError(http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return tokenError(http.StatusBadRequest, "invalid_request", "The request body is not a form")
	}
	if gt := form.Get("grant_type"); gt != "refresh_token" {
		return tokenError(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+gt)
	}
	sent := form.Get("refresh_token")
	if sent == "" {
		return tokenError(http.StatusBadRequest, "invalid_request", "Missing refresh_token")
	}
	if s.w.RefreshToken == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(s.w.RefreshToken)) != 1 {
		return tokenError(http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
	}
	next := s.mint()
	lifetime := s.opts.TokenLifetime
	tok := s.sign(tokenClaims{Account: s.w.AccountID, Generation: s.tokenGen, Expires: s.opts.Now().Add(lifetime).Unix()})
	a := ok(map[string]any{
		"access_token":  tok,
		"token_type":    "Bearer",
		"refresh_token": next,
		"expires_in":    int64(lifetime / time.Second),
	})
	a.rotated = next
	return a
}

// mint makes a new refresh token the world's, retiring the current one.
// Tokens derive from the signing key, the old token and a counter, so they
// are unguessable without the world and never repeat. Call with the lock held.
func (s *Server) mint() string {
	s.minted++
	m := hmac.New(sha256.New, s.w.SigningKey)
	m.Write([]byte("ion refresh token:" + s.w.RefreshToken + ":" + strconv.FormatInt(s.minted, 10) + ":" + strconv.FormatInt(s.opts.Now().UnixNano(), 10)))
	s.w.RefreshToken = "ion-rt-" + hex.EncodeToString(m.Sum(nil))
	return s.w.RefreshToken
}

// tokenError is the token endpoint's OAuth error body.
func tokenError(status int, code, desc string) answer {
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(map[string]string{"error": code, "error_description": desc})}
}

// authorize checks the bearer token of an API call: signed with the world's
// key, for the world's account, not expired by the server's clock, and not
// ended by ExpireTokens. Call with the lock held.
func (s *Server) authorize(r *http.Request) (string, bool) {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || tok == "" {
		return "Request is missing required authentication credential", false
	}
	c, valid := s.verify(tok)
	switch {
	case !valid || c.Account != s.w.AccountID:
		return "Request had invalid authentication credentials", false
	case c.Generation < s.tokenGen || s.opts.Now().Unix() >= c.Expires:
		return "The access token has expired", false
	}
	return "", true
}

func (s *Server) sign(c tokenClaims) string {
	payload := base64.RawURLEncoding.EncodeToString(fakekit.MustJSON(c))
	return "ion." + payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Server) verify(tok string) (tokenClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != "ion" {
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
	m.Write([]byte("ion access token:" + payload))
	return m.Sum(nil)
}
