package tdsynnexfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

type served struct {
	t    *testing.T
	url  string
	hc   *http.Client
	ion  *tdsynnexfake.Server
	mu   sync.Mutex
	rota []string
}

func serve(t *testing.T, o tdsynnexfake.Options) *served {
	t.Helper()
	s := &served{t: t}
	o.RefreshTokenRotated = func(tok string) {
		s.mu.Lock()
		s.rota = append(s.rota, tok)
		s.mu.Unlock()
	}
	srv, ion := tdsynnexfake.NewTLSServer(tdsynnexfake.SmallWorldAt(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)), o)
	t.Cleanup(srv.Close)
	s.url, s.hc, s.ion = srv.URL, srv.Client(), ion
	return s
}

// exchange posts a refresh token and returns the status and decoded body.
func (s *served) exchange(refresh, contentType string) (int, map[string]any) {
	s.t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	req, _ := http.NewRequest(http.MethodPost, tdsynnexfake.EndpointsFor(s.url).TokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", contentType)
	return s.do(req)
}

func (s *served) get(path, token string) (int, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.do(req)
}

func (s *served) do(req *http.Request) (int, map[string]any) {
	s.t.Helper()
	resp, err := s.hc.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		s.t.Fatalf("answer %s is not a JSON object: %v", raw, err)
	}
	return resp.StatusCode, body
}

const form = "application/x-www-form-urlencoded"

// TestRefreshTokenRotates: each refresh token works once; the answer's
// new one is the world's, and the used one is refused with invalid_grant.
func TestRefreshTokenRotates(t *testing.T) {
	t.Parallel()
	s := serve(t, tdsynnexfake.Options{})
	status, body := s.exchange(tdsynnexfake.SmallRefreshToken, form)
	next, _ := body["refresh_token"].(string)
	if status != http.StatusOK || body["access_token"] == "" || next == "" || next == tdsynnexfake.SmallRefreshToken || body["token_type"] != "Bearer" {
		t.Fatalf("first exchange: %d %v", status, body)
	}
	if s.ion.World().RefreshToken != next || len(s.rota) != 1 || s.rota[0] != next {
		t.Fatalf("the world or the rotation hook does not hold the new token")
	}
	if status, body := s.exchange(tdsynnexfake.SmallRefreshToken, form); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("the used token: %d %v, want 400 invalid_grant", status, body)
	}
	if status, _ := s.exchange(next, form); status != http.StatusOK {
		t.Fatalf("the new token: %d", status)
	}
	if status, body := s.exchange(s.ion.World().RefreshToken, "application/json"); status != http.StatusBadRequest || body["error"] != "invalid_request" {
		t.Fatalf("a JSON exchange: %d %v, want 400 invalid_request", status, body)
	}
	s.ion.RevokeSecret()
	if status, _ := s.exchange(next, form); status != http.StatusBadRequest {
		t.Fatalf("a revoked token: %d, want 400", status)
	}
	if n := s.ion.TokenCalls(); n != 5 {
		t.Errorf("TokenCalls = %d, want 5", n)
	}
}

// TestAPIAsIonAnswers: the id only in "name", token paging to a page
// without nextPageToken, offset paging to {}, 401 without or with an
// ended token, 403 for another account.
func TestAPIAsIonAnswers(t *testing.T) {
	t.Parallel()
	s := serve(t, tdsynnexfake.Options{PageSize: 2})
	_, tok := s.exchange(tdsynnexfake.SmallRefreshToken, form)
	access := tok["access_token"].(string)
	base := "/api/v3/accounts/" + tdsynnexfake.SmallAccountID

	status, page := s.get(base+"/customers?pageSize=100", access)
	rows, _ := page["customers"].([]any)
	if status != http.StatusOK || len(rows) != 2 || page["nextPageToken"] == nil {
		t.Fatalf("first customer page: %d %v", status, page)
	}
	first := rows[0].(map[string]any)
	if first["name"] != "accounts/"+tdsynnexfake.SmallAccountID+"/customers/"+tdsynnexfake.SmallCustomerFabrikam || first["id"] != nil {
		t.Errorf("customer row %v: the id must be only in name", first)
	}
	pages := 1
	for next, _ := page["nextPageToken"].(string); next != ""; next, _ = page["nextPageToken"].(string) {
		_, page = s.get(base+"/customers?pageSize=2&pageToken="+url.QueryEscape(next), access)
		pages++
	}
	if pages != 3 {
		t.Errorf("%d customer pages, want 3", pages)
	}

	_, subs := s.get(base+"/subscriptions?pagination.limit=100&pagination.offset=10", access)
	if items, _ := subs["items"].([]any); len(items) != 2 {
		t.Errorf("subscriptions from offset 10: %v, want the last 2", subs)
	}
	if _, past := s.get(base+"/subscriptions?pagination.offset=12", access); len(past) != 0 {
		t.Errorf("a page past the end: %v, want {}", past)
	}
	if _, profiles := s.get(base+"/customers/"+tdsynnexfake.SmallCustomerTailspin+"/cloudProfiles", access); len(profiles) != 0 {
		t.Errorf("profiles of a customer without any: %v, want {}", profiles)
	}

	if status, body := s.get(base+"/customers", ""); status != http.StatusUnauthorized || body["code"] == nil {
		t.Errorf("no token: %d %v", status, body)
	}
	if status, _ := s.get("/api/v3/accounts/999/customers", access); status != http.StatusForbidden {
		t.Errorf("another account: %d, want 403", status)
	}
	s.ion.ExpireTokens()
	if status, _ := s.get(base+"/customers", access); status != http.StatusUnauthorized {
		t.Errorf("an ended token: %d, want 401", status)
	}
}
