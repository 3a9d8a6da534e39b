package pax8fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// harness is a fake over SmallWorld at a settable time.
type harness struct {
	srv *httptest.Server
	p   *pax8fake.Server
	now time.Time
}

func newHarness(t *testing.T, o pax8fake.Options) *harness {
	t.Helper()
	h := &harness{now: testNow}
	if o.Now == nil {
		o.Now = func() time.Time { return h.now }
	}
	h.srv, h.p = pax8fake.NewTLSServer(pax8fake.SmallWorldAt(testNow), o)
	t.Cleanup(h.srv.Close)
	return h
}

// do sends a request and returns status, headers and body.
func (h *harness) do(t *testing.T, method, path, token string, body any) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, out
}

func (h *harness) token(t *testing.T) string {
	t.Helper()
	status, _, body := h.do(t, http.MethodPost, "/v1/token", "", map[string]string{
		"client_id": pax8fake.SmallClientID, "client_secret": pax8fake.SmallClientSecret,
		"audience": pax8fake.Audience, "grant_type": "client_credentials",
	})
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &out) != nil || out.AccessToken == "" || out.ExpiresIn <= 0 || out.TokenType != "Bearer" {
		t.Fatalf("token: %d %s", status, body)
	}
	return out.AccessToken
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	good := func() map[string]string {
		return map[string]string{"client_id": pax8fake.SmallClientID, "client_secret": pax8fake.SmallClientSecret,
			"audience": pax8fake.Audience, "grant_type": "client_credentials"}
	}
	tests := []struct {
		name   string
		mod    func(map[string]string)
		status int
		code   string
	}{
		{"wrong secret", func(b map[string]string) { b["client_secret"] = "nope" }, 401, "access_denied"},
		{"wrong client", func(b map[string]string) { b["client_id"] = "other" }, 401, "access_denied"},
		{"legacy audience", func(b map[string]string) { b["audience"] = "api://p8p.client" }, 403, "access_denied"},
		{"other grant", func(b map[string]string) { b["grant_type"] = "password" }, 403, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, pax8fake.Options{})
			b := good()
			tt.mod(b)
			status, _, body := h.do(t, http.MethodPost, "/v1/token", "", b)
			var e struct{ Error, ErrorDescription string }
			_ = json.Unmarshal(body, &e)
			if status != tt.status || !strings.Contains(string(body), `"error":"`+tt.code+`"`) {
				t.Errorf("%d %s, want %d %s", status, body, tt.status, tt.code)
			}
			if strings.Contains(string(body), pax8fake.SmallClientSecret) {
				t.Errorf("the answer repeats the secret")
			}
		})
	}
	t.Run("form body refused", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, pax8fake.Options{})
		resp, err := h.srv.Client().Post(h.srv.URL+"/v1/token", "application/x-www-form-urlencoded",
			strings.NewReader("client_id="+pax8fake.SmallClientID+"&client_secret="+pax8fake.SmallClientSecret))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("form body: %d, want 400", resp.StatusCode)
		}
	})
}

func TestTokensExpireAndEnd(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pax8fake.Options{TokenLifetime: time.Hour})
	tok := h.token(t)
	if status, _, body := h.do(t, http.MethodGet, "/v1/companies", tok, nil); status != 200 {
		t.Fatalf("fresh token: %d %s", status, body)
	}
	h.now = h.now.Add(time.Hour)
	status, _, body := h.do(t, http.MethodGet, "/v1/companies", tok, nil)
	if status != 401 || !strings.Contains(string(body), `"type":"UNAUTHORIZED"`) {
		t.Fatalf("expired token: %d %s", status, body)
	}
	tok = h.token(t)
	h.p.ExpireTokens()
	if status, _, _ := h.do(t, http.MethodGet, "/v1/companies", tok, nil); status != 401 {
		t.Fatalf("ended token: %d", status)
	}
	if status, _, _ := h.do(t, http.MethodGet, "/v1/companies", h.token(t), nil); status != 200 {
		t.Fatalf("a token issued after ExpireTokens: %d", status)
	}
	for _, bad := range []string{"", "p8.e30.AAAA", "garbage"} {
		if status, _, _ := h.do(t, http.MethodGet, "/v1/companies", bad, nil); status != 401 {
			t.Errorf("token %q: %d, want 401", bad, status)
		}
	}
	h.p.RevokeSecret()
	if status, _, _ := h.do(t, http.MethodPost, "/v1/token", "", map[string]string{
		"client_id": pax8fake.SmallClientID, "client_secret": pax8fake.SmallClientSecret, "audience": pax8fake.Audience, "grant_type": "client_credentials",
	}); status != 401 {
		t.Errorf("revoked secret: %d, want 401", status)
	}
}

// TestTokensShareAcrossServers: two servers over the same world accept
// each other's tokens, as two sandbox processes must.
func TestTokensShareAcrossServers(t *testing.T) {
	t.Parallel()
	a := newHarness(t, pax8fake.Options{})
	b := newHarness(t, pax8fake.Options{})
	if status, _, _ := b.do(t, http.MethodGet, "/v1/companies", a.token(t), nil); status != 200 {
		t.Fatalf("a token from another server over the same world: %d", status)
	}
}

type page struct {
	Content []json.RawMessage `json:"content"`
	Page    struct {
		Size, TotalElements, TotalPages, Number int
	} `json:"page"`
}

func TestPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pax8fake.Options{})
	tok := h.token(t)
	world := h.p.World()
	tests := []struct {
		query                 string
		status, rows, size    int
		totalPages, totalElts int
	}{
		{"", 200, 10, 10, 2, len(world.Subscriptions)}, // default size 10
		{"?size=4&page=2", 200, 3, 4, 3, len(world.Subscriptions)},
		{"?size=200", 200, len(world.Subscriptions), 200, 1, len(world.Subscriptions)},
		{"?size=4&page=9", 200, 0, 4, 3, len(world.Subscriptions)},
		{"?size=201", 400, 0, 0, 0, 0},
		{"?size=0", 400, 0, 0, 0, 0},
		{"?page=-1", 400, 0, 0, 0, 0},
		{"?page=9223372036854775807&size=200", 200, 0, 200, 1, len(world.Subscriptions)},
		{"?status=Active&size=200", 200, 5, 200, 1, 5},
		{"?companyId=" + world.Companies[0].ID + "&size=200", 200, 4, 200, 1, 4},
	}
	for _, tt := range tests {
		status, _, body := h.do(t, http.MethodGet, "/v1/subscriptions"+tt.query, tok, nil)
		if status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.query, status, body, tt.status)
			continue
		}
		if status != 200 {
			if !strings.Contains(string(body), `"type":"BAD_REQUEST"`) {
				t.Errorf("%s: error body %s is not Pax8's shape", tt.query, body)
			}
			continue
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Content) != tt.rows || p.Page.Size != tt.size || p.Page.TotalPages != tt.totalPages || p.Page.TotalElements != tt.totalElts {
			t.Errorf("%s: %d rows, page %+v; want %d rows, size %d, %d pages, %d elements",
				tt.query, len(p.Content), p.Page, tt.rows, tt.size, tt.totalPages, tt.totalElts)
		}
	}
	// An empty list has no pages at all.
	h.p.Mutate(func(w *pax8fake.World) { w.Subscriptions = nil })
	_, _, body := h.do(t, http.MethodGet, "/v1/subscriptions", tok, nil)
	if !strings.Contains(string(body), `"content":[]`) || !strings.Contains(string(body), `"totalPages":0`) {
		t.Errorf("empty list: %s", body)
	}
}

func TestPageSizeOption(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pax8fake.Options{PageSize: 2})
	_, _, body := h.do(t, http.MethodGet, "/v1/companies?size=200", h.token(t), nil)
	var p page
	if err := json.Unmarshal(body, &p); err != nil || len(p.Content) != 2 || p.Page.Size != 2 || p.Page.TotalPages != 3 {
		t.Fatalf("PageSize 2 over 5 companies: %s", body)
	}
}

// TestListAndDetail: the list leaves the vendor ids out (unless the world
// says otherwise), the detail has them; monthly subscriptions carry
// commitmentTerm null; dates are written in the row's style.
func TestListAndDetail(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pax8fake.Options{})
	tok := h.token(t)
	_, _, body := h.do(t, http.MethodGet, "/v1/subscriptions?size=200", tok, nil)
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]any{}
	for _, raw := range p.Content {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		rows[m["id"].(string)] = m
	}
	annual, monthly := rows[pax8fake.SmallSubAnnual], rows[pax8fake.SmallSubMonthly]
	if _, has := annual["vendorSubscriptionId"]; has {
		t.Errorf("the list shows vendorSubscriptionId of a row listed without it: %v", annual)
	}
	if monthly["vendorSkuId"] == nil || monthly["commitmentTerm"] != nil {
		t.Errorf("monthly row listed with its ids: %v", monthly)
	}
	if ct, has := monthly["commitmentTerm"]; !has || ct != nil {
		t.Errorf("monthly row must carry commitmentTerm: null, has %v %v", has, ct)
	}
	if got := monthly["startDate"].(string); !strings.HasSuffix(got, "-0600") || !strings.Contains(got, ".") {
		t.Errorf("offset-style start date %q", got)
	}
	if got := rows[pax8fake.SmallSubNonMicrosoft]["startDate"].(string); len(got) != len("2006-01-02") {
		t.Errorf("date-only start date %q", got)
	}
	if got := annual["startDate"].(string); !strings.HasSuffix(got, "Z") {
		t.Errorf("UTC start date %q", got)
	}
	if q := rows[pax8fake.SmallSubFractional]["quantity"]; q != 2.5 {
		t.Errorf("fractional quantity served as %v", q)
	}
	if _, has := rows[pax8fake.SmallSubTrial]["price"]; has {
		t.Errorf("a subscription without a price is served with one")
	}

	_, _, body = h.do(t, http.MethodGet, "/v1/subscriptions/"+pax8fake.SmallSubAnnual, tok, nil)
	var detail map[string]any
	_ = json.Unmarshal(body, &detail)
	if detail["vendorSubscriptionId"] == nil || detail["vendorSkuId"] == nil {
		t.Errorf("detail without vendor ids: %s", body)
	}
	status, _, body := h.do(t, http.MethodGet, "/v1/subscriptions/nope", tok, nil)
	if status != 404 || !strings.Contains(string(body), `"instance":"/public/v1/subscriptions/nope"`) {
		t.Errorf("unknown subscription: %d %s", status, body)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pax8fake.Options{})
	tok := h.token(t)
	if d := h.p.ThrottleNext(pax8fake.CallCompanies, 1); d != time.Second {
		t.Errorf("ThrottleNext wait %v", d)
	}
	status, hdr, _ := h.do(t, http.MethodGet, "/v1/companies", tok, nil)
	if status != 429 || hdr.Get("Retry-After") != "1" {
		t.Errorf("throttled: %d Retry-After %q", status, hdr.Get("Retry-After"))
	}
	h.p.TruncateNext(pax8fake.CallCompanies, 1)
	status, _, body := h.do(t, http.MethodGet, "/v1/companies", tok, nil)
	if status != 200 || json.Valid(body) || len(body) == 0 {
		t.Errorf("truncated: %d valid=%v", status, json.Valid(body))
	}
	h.p.FailNext(pax8fake.CallToken, 503, "", 1)
	if status, hdr, _ := h.do(t, http.MethodPost, "/v1/token", "", map[string]string{}); status != 503 || hdr.Get("Retry-After") != "1" {
		t.Errorf("token 503: %d", status)
	}
	if status, _, _ := h.do(t, http.MethodGet, "/v1/companies", tok, nil); status != 200 {
		t.Errorf("after the faults: %d", status)
	}
	if status, _, _ := h.do(t, http.MethodDelete, "/v1/subscriptions/"+pax8fake.SmallSubAnnual, tok, nil); status != 405 {
		t.Errorf("DELETE: %d, want 405 (the fake is read-only)", status)
	}
	if h.p.Served(pax8fake.CallCompanies) != 3 || h.p.TokenCalls() != 2 {
		t.Errorf("served %d company calls, %d token calls", h.p.Served(pax8fake.CallCompanies), h.p.TokenCalls())
	}
}

// TestLatencyEndsOnCancel: a slow fake lets a cancelled client go at once.
func TestLatencyEndsOnCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pax8fake.Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.srv.URL+"/v1/companies", nil)
	errs := make(chan error, 1)
	go func() {
		resp, err := h.srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errs <- err
	}()
	cancel()
	select {
	case err := <-errs:
		if err == nil {
			t.Fatal("a cancelled request got an answer")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fake held a cancelled request")
	}
}

func TestDateStyles(t *testing.T) {
	t.Parallel()
	at := time.Date(2023, 8, 11, 17, 33, 12, 314159265, time.UTC)
	tests := []struct {
		style pax8fake.DateStyle
		text  string
		read  time.Time
	}{
		{pax8fake.DateUTC, "2023-08-11T17:33:12Z", time.Date(2023, 8, 11, 17, 33, 12, 0, time.UTC)},
		{pax8fake.DateOffset, "2023-08-11T11:33:12.314-0600", time.Date(2023, 8, 11, 17, 33, 12, 314e6, time.UTC)},
		{pax8fake.DateOnly, "2023-08-11", time.Date(2023, 8, 11, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := tt.style.Format(at); got != tt.text {
			t.Errorf("%q.Format = %q, want %q", tt.style, got, tt.text)
		}
		if got := tt.style.Read(at); !got.Equal(tt.read) {
			t.Errorf("%q.Read = %v, want %v", tt.style, got, tt.read)
		}
	}
}
