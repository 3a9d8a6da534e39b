package cwfake_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
)

var now = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// harness is a fake served over TLS with a client that knows the world's
// credentials.
type harness struct {
	t     *testing.T
	srv   *httptest.Server
	cw    *cwfake.Server
	world cwfake.World
	ep    cwfake.Endpoints
}

func newHarness(t *testing.T, o cwfake.Options) *harness {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return now }
	}
	srv, s := cwfake.NewTLSServer(cwfake.SmallWorld(now), o)
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, cw: s, world: s.World(), ep: s.Endpoints(srv.URL)}
}

func (h *harness) auth() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(h.world.CompanyID+"+"+h.world.PublicKey+":"+h.world.PrivateKey))
}

// do sends method to path (under the API base unless it starts with
// "https://" or "/login") with the world's credentials unless header
// overrides them.
func (h *harness) do(method, path string, body string, header http.Header) (*http.Response, []byte) {
	h.t.Helper()
	u := h.ep.URL + path
	switch {
	case strings.HasPrefix(path, "https://"):
		u = path
	case strings.HasPrefix(path, "/login"):
		u = h.srv.URL + path
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", h.auth())
	req.Header.Set("clientId", "3c7a2f9e-5b1d-4e8a-9f60-1d2c3b4a5e6f")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		if len(vs) == 1 && vs[0] == "" {
			req.Header.Del(k)
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, data
}

type cwErr struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Errors  []json.RawMessage `json:"errors"`
}

func decodeErr(t *testing.T, body []byte) cwErr {
	t.Helper()
	var e cwErr
	if err := json.Unmarshal(body, &e); err != nil || e.Code == "" || e.Message == "" {
		t.Fatalf("error body %s is not ConnectWise's {code, message, errors}: %v", body, err)
	}
	return e
}

func TestAuth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name   string
		header http.Header
		status int
		words  string
	}{
		{"valid", nil, 200, ""},
		{"company id in another case", http.Header{"Authorization": {basic(strings.ToUpper(h.world.CompanyID)+"+"+h.world.PublicKey, h.world.PrivateKey)}}, 200, ""},
		{"no clientId", http.Header{"clientId": {""}}, 400, "clientId"},
		{"no authorization", http.Header{"Authorization": {""}}, 401, "key"},
		{"wrong private key", http.Header{"Authorization": {basic(h.world.CompanyID+"+"+h.world.PublicKey, "wrong")}}, 401, "key"},
		{"wrong public key", http.Header{"Authorization": {basic(h.world.CompanyID+"+nope", h.world.PrivateKey)}}, 401, "key"},
		{"wrong company", http.Header{"Authorization": {basic("other+"+h.world.PublicKey, h.world.PrivateKey)}}, 401, "key"},
		{"no plus", http.Header{"Authorization": {basic(h.world.PublicKey, h.world.PrivateKey)}}, 401, "key"},
		{"bearer", http.Header{"Authorization": {"Bearer abc"}}, 401, "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := h.do("GET", "/system/info", "", tt.header)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.status, body)
			}
			if strings.Contains(string(body), h.world.PrivateKey) {
				t.Errorf("the answer repeats the private key: %s", body)
			}
			if tt.status != 200 {
				if e := decodeErr(t, body); !strings.Contains(e.Message, tt.words) {
					t.Errorf("message %q does not mention %q", e.Message, tt.words)
				}
			}
		})
	}
}

func TestRevokeKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	h.cw.RevokeKeys()
	if resp, _ := h.do("GET", "/system/info", "", nil); resp.StatusCode != 401 {
		t.Errorf("after RevokeKeys: status %d, want 401", resp.StatusCode)
	}
}

func TestCompanyInfoAndCodebase(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	resp, body := h.do("GET", "/login/companyinfo/SEATSDEMO", "", http.Header{"Authorization": {""}, "clientId": {""}})
	if resp.StatusCode != 200 {
		t.Fatalf("companyinfo: %d %s", resp.StatusCode, body)
	}
	var info struct{ Codebase, CompanyID string }
	if err := json.Unmarshal(body, &info); err != nil || info.Codebase != "v2025_1/" {
		t.Fatalf("companyinfo answered %s (%v), want Codebase v2025_1/", body, err)
	}
	if resp, _ := h.do("GET", "/login/companyinfo/nobody", "", nil); resp.StatusCode != 404 {
		t.Errorf("companyinfo of an unknown company: %d, want 404", resp.StatusCode)
	}
	if !strings.HasSuffix(h.ep.URL, "/v2025_1/apis/3.0") || h.ep.Site == "" || strings.Contains(h.ep.Site, "/") {
		t.Errorf("endpoints %+v", h.ep)
	}
	router := strings.Replace(h.ep.URL, "v2025_1", "v4_6_release", 1)
	if resp, body := h.do("GET", router+"/system/info", "", nil); resp.StatusCode != 200 {
		t.Errorf("the v4_6_release router: %d %s", resp.StatusCode, body)
	}
	wrong := strings.Replace(h.ep.URL, "v2025_1", "v2019_3", 1)
	resp, body = h.do("GET", wrong+"/system/info", "", nil)
	if resp.StatusCode != 404 || !strings.Contains(resp.Header.Get("Content-Type"), "html") {
		t.Errorf("a wrong codebase: %d %s %q, want IIS's HTML 404", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// links reads a Link header into rel -> page number.
func links(t *testing.T, resp *http.Response) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, part := range strings.Split(resp.Header.Get("Link"), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, rel, ok := strings.Cut(part, ">; rel=")
		if !ok || !strings.HasPrefix(u, "<") {
			t.Fatalf("Link part %q is not <url>; rel=\"x\"", part)
		}
		parsed, err := url.Parse(strings.TrimPrefix(u, "<"))
		if err != nil || parsed.Scheme != "https" {
			t.Fatalf("Link URL %q: %v", u, err)
		}
		n, _ := strconv.Atoi(parsed.Query().Get("page"))
		out[strings.Trim(rel, `"`)] = n
	}
	return out
}

func TestPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	var ids []int
	page, pages := 1, 0
	for page != 0 {
		resp, body := h.do("GET", "/company/companies?conditions="+url.QueryEscape("deletedFlag=false")+"&pageSize=2&page="+strconv.Itoa(page), "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("page %d: %d %s", page, resp.StatusCode, body)
		}
		var rows []struct{ ID int }
		if err := json.Unmarshal(body, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		l := links(t, resp)
		if l["last"] != 0 && l["last"] != 3 {
			t.Errorf("page %d: last %d, want 3", page, l["last"])
		}
		if page > 1 && (l["first"] != 1 || l["prev"] != page-1) {
			t.Errorf("page %d: first %d prev %d", page, l["first"], l["prev"])
		}
		page = l["next"]
		pages++
	}
	if pages != 3 || len(ids) != 6 {
		t.Fatalf("%d pages, %d companies (%v); want 3 pages of the 6 not deleted", pages, len(ids), ids)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Errorf("ids %v are not in id order", ids)
		}
	}
	resp, body := h.do("GET", "/company/companies?orderBy="+url.QueryEscape("name desc")+"&pageSize=1000", "", nil)
	var rows []struct{ Name string }
	if err := json.Unmarshal(body, &rows); err != nil || resp.Header.Get("Link") != "" || len(rows) != 7 || rows[0].Name != "Northwind Traders" {
		t.Errorf("one page by name desc: %d rows, Link %q, first %v (%v)", len(rows), resp.Header.Get("Link"), rows, err)
	}
	for _, bad := range []string{"pageSize=0", "pageSize=x", "page=0", "page=-1", "orderBy=nosuch+asc", "orderBy=id+sideways",
		"conditions=nosuch%3D1", "conditions=id%3D", "childConditions=types%2Fname%3D%22Client%22"} {
		if resp, body := h.do("GET", "/company/companies?"+bad, "", nil); resp.StatusCode != 400 {
			t.Errorf("?%s: %d, want 400", bad, resp.StatusCode)
		} else {
			decodeErr(t, body)
		}
	}
	if resp, body := h.do("GET", "/company/companies/count?conditions="+url.QueryEscape("deletedFlag=false"), "", nil); resp.StatusCode != 200 || string(body) != `{"count":6}` {
		t.Errorf("count: %d %s", resp.StatusCode, body)
	}
}

func TestPageSizeCaps(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{PageSize: 3})
	resp, body := h.do("GET", "/procurement/catalog?pageSize=1000", "", nil)
	var rows []json.RawMessage
	_ = json.Unmarshal(body, &rows)
	if len(rows) != 3 || links(t, resp)["next"] != 2 {
		t.Errorf("Options.PageSize 3: %d rows, links %v", len(rows), links(t, resp))
	}
	resp, body = h.do("GET", "/procurement/catalog", "", nil)
	_ = json.Unmarshal(body, &rows)
	if len(rows) != 3 {
		t.Errorf("default page size under a cap of 3: %d rows (%d)", len(rows), resp.StatusCode)
	}
}

func TestAdditionsShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	resp, body := h.do("GET", "/finance/agreements/3003/additions", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var rows []map[string]any
	if err := json.Unmarshal(body, &rows); err != nil || len(rows) != 3 {
		t.Fatalf("additions of 3003: %s (%v)", body, err)
	}
	frac := rows[0]
	if frac["quantity"] != 2.5 || frac["billCustomer"] != "Billable" || frac["effectiveDate"] == nil {
		t.Errorf("fractional addition rendered %v", frac)
	}
	if _, present := frac["cancelledDate"]; present {
		t.Errorf("a null cancelledDate is served: %v", frac["cancelledDate"])
	}
	info, _ := frac["_info"].(map[string]any)
	if s, _ := info["lastUpdated"].(string); !strings.HasSuffix(s, "Z") || len(s) != len("2024-01-01T00:00:00Z") {
		t.Errorf("lastUpdated %q is not written as 2024-01-01T00:00:00Z", s)
	}
	if _, present := rows[2]["unitPrice"]; present {
		t.Errorf("an addition without a price has unitPrice %v", rows[2]["unitPrice"])
	}
	if resp, _ := h.do("GET", "/finance/agreements/999/additions", "", nil); resp.StatusCode != 404 {
		t.Errorf("additions of an unknown agreement: %d, want 404", resp.StatusCode)
	}
	if resp, _ := h.do("GET", "/finance/agreements/3001/additions/7008", "", nil); resp.StatusCode != 404 {
		t.Errorf("an addition read under the wrong agreement: %d, want 404", resp.StatusCode)
	}
}

func quantityOf(t *testing.T, s *cwfake.Server, id int) string {
	t.Helper()
	for _, ad := range s.World().Additions {
		if ad.ID == id {
			return ad.Quantity.String()
		}
	}
	t.Fatalf("no addition %d", id)
	return ""
}

func TestPatch(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		changes []cwfake.World
	)
	h := newHarness(t, cwfake.Options{OnChange: func(w cwfake.World) {
		mu.Lock()
		defer mu.Unlock()
		changes = append(changes, w)
	}})
	path := "/finance/agreements/3001/additions/7002"
	before := h.world.Additions[1].LastUpdated

	resp, body := h.do("PATCH", path, `[{"op":"replace","path":"/quantity","value":9}]`, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, body)
	}
	var got map[string]any
	_ = json.Unmarshal(body, &got)
	if got["quantity"] != 9.0 || quantityOf(t, h.cw, 7002) != "9" {
		t.Errorf("after the PATCH: answer %v, world %s", got["quantity"], quantityOf(t, h.cw, 7002))
	}
	resp, body = h.do("PATCH", path, `[{"op":"replace","path":"quantity","value":11}]`, nil)
	if resp.StatusCode != 200 || quantityOf(t, h.cw, 7002) != "11" {
		t.Errorf("PATCH with a bare path: %d %s", resp.StatusCode, body)
	}
	var after time.Time
	for _, ad := range h.cw.World().Additions {
		if ad.ID == 7002 {
			after = ad.LastUpdated
		}
	}
	if !after.After(before) {
		t.Errorf("lastUpdated %v did not move from %v", after, before)
	}
	mu.Lock()
	if len(changes) != 2 || quantityOf(t, cwfake.New(&changes[1], cwfake.Options{}), 7002) != "11" {
		t.Errorf("OnChange saw %d changes", len(changes))
	}
	mu.Unlock()

	refusals := []struct {
		name, body, ctype string
		status            int
	}{
		{"not a list", `{"op":"replace","path":"quantity","value":1}`, "application/json", 400},
		{"empty list", `[]`, "application/json", 400},
		{"another op", `[{"op":"remove","path":"quantity"}]`, "application/json", 400},
		{"another field", `[{"op":"replace","path":"unitPrice","value":1}]`, "application/json", 400},
		{"a sub-path", `[{"op":"replace","path":"/product/id","value":1}]`, "application/json", 400},
		{"path in another case", `[{"op":"replace","path":"Quantity","value":1}]`, "application/json", 400},
		{"text value", `[{"op":"replace","path":"quantity","value":"seven"}]`, "application/json", 400},
		{"negative", `[{"op":"replace","path":"quantity","value":-1}]`, "application/json", 400},
		{"not JSON", `quantity=3`, "application/x-www-form-urlencoded", 415},
	}
	for _, r := range refusals {
		resp, body := h.do("PATCH", path, r.body, http.Header{"Content-Type": {r.ctype}})
		if resp.StatusCode != r.status {
			t.Errorf("%s: %d, want %d (%s)", r.name, resp.StatusCode, r.status, body)
			continue
		}
		if e := decodeErr(t, body); r.status == 400 && (e.Code != "InvalidObject" || len(e.Errors) == 0) {
			t.Errorf("%s: body %s, want InvalidObject with errors", r.name, body)
		}
	}
	if q := quantityOf(t, h.cw, 7002); q != "11" {
		t.Errorf("refused patches changed the quantity to %s", q)
	}
	if resp, _ := h.do("PATCH", "/finance/agreements/3001/additions/424242", `[{"op":"replace","path":"quantity","value":1}]`, nil); resp.StatusCode != 404 {
		t.Errorf("PATCH of an unknown addition: %d", resp.StatusCode)
	}
	if resp, _ := h.do("PATCH", "/finance/agreements/3001", `[{"op":"replace","path":"name","value":"x"}]`, nil); resp.StatusCode != 405 {
		t.Errorf("PATCH of an agreement: %d, want 405", resp.StatusCode)
	}
	if n, a := h.cw.Writes(), h.cw.Applied(); n != int64(2+len(refusals)+1) || a != 2 {
		t.Errorf("Writes %d Applied %d; want %d and 2", n, a, 2+len(refusals)+1)
	}
}

func TestWriteLevers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	path := "/finance/agreements/3001/additions/7002"
	patch := `[{"op":"replace","path":"/quantity","value":8}]`

	h.cw.RefuseWrite(1, "the billing period is closed")
	resp, body := h.do("PATCH", path, patch, nil)
	if e := decodeErr(t, body); resp.StatusCode != 400 || !strings.Contains(string(body), "the billing period is closed") || e.Code != "InvalidObject" {
		t.Errorf("RefuseWrite: %d %s", resp.StatusCode, body)
	}
	if q := quantityOf(t, h.cw, 7002); q != "5" {
		t.Errorf("a refused write changed the quantity to %s", q)
	}

	h.cw.DropAnswerAfterWrite(1)
	req, _ := http.NewRequest("PATCH", h.ep.URL+path, strings.NewReader(patch))
	req.Header.Set("Authorization", h.auth())
	req.Header.Set("clientId", "x")
	req.Header.Set("Content-Type", "application/json")
	if resp, err := h.srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("DropAnswerAfterWrite: an answer came back (%d)", resp.StatusCode)
	}
	if q := quantityOf(t, h.cw, 7002); q != "8" {
		t.Errorf("the dropped write did not happen: quantity %s", q)
	}

	if !h.cw.ChangeLineBehindYourBack(7002, "6") || quantityOf(t, h.cw, 7002) != "6" {
		t.Errorf("ChangeLineBehindYourBack did not change the line")
	}
	if h.cw.ChangeLineBehindYourBack(1, "6") {
		t.Errorf("ChangeLineBehindYourBack reported an unknown addition as changed")
	}
	if h.cw.Writes() != 2 || h.cw.Applied() != 1 {
		t.Errorf("Writes %d Applied %d, want 2 and 1", h.cw.Writes(), h.cw.Applied())
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	if d := h.cw.ThrottleNext(cwfake.CallCatalog, 1); d != 2*time.Second {
		t.Errorf("ThrottleNext says %v", d)
	}
	resp, body := h.do("GET", "/procurement/catalog", "", nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("throttled: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	decodeErr(t, body)
	if resp, _ := h.do("GET", "/procurement/catalog", "", nil); resp.StatusCode != 200 {
		t.Errorf("after the one throttle: %d", resp.StatusCode)
	}
	h.cw.TruncateNext(cwfake.CallCatalog, 1)
	_, body = h.do("GET", "/procurement/catalog", "", nil)
	if json.Valid(body) {
		t.Errorf("TruncateNext answered valid JSON")
	}
	h.cw.FailNext(cwfake.CallAdditions, 403, "", 1)
	resp, body = h.do("GET", "/finance/agreements/3001/additions", "", nil)
	if e := decodeErr(t, body); resp.StatusCode != 403 || e.Code != "Security" {
		t.Errorf("FailNext 403: %d %s", resp.StatusCode, body)
	}
	if h.cw.Served(cwfake.CallAdditions) != 1 || h.cw.Served(cwfake.CallCatalog) != 3 || h.cw.Calls() != 4 {
		t.Errorf("Served additions %d catalog %d, Calls %d", h.cw.Served(cwfake.CallAdditions), h.cw.Served(cwfake.CallCatalog), h.cw.Calls())
	}
}

func TestLatencyEndsWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	h.cw.SetLatency(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.ep.URL+"/system/info", nil)
	start := time.Now()
	_, err := h.srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Errorf("a slow call ended with %v after %v", err, time.Since(start))
	}
}

func TestWorldIsACopyAndRoundTrips(t *testing.T) {
	t.Parallel()
	h := newHarness(t, cwfake.Options{})
	w := h.cw.World()
	w.Companies[0].TypeIDs[0] = 99
	w.Additions[0].Quantity = "999"
	if again := h.cw.World(); again.Companies[0].TypeIDs[0] == 99 || again.Additions[0].Quantity == "999" {
		t.Errorf("World() shares memory with the server's world")
	}
	data, err := json.Marshal(h.world)
	if err != nil {
		t.Fatal(err)
	}
	var back cwfake.World
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Errorf("the world does not survive JSON")
	}
	h.cw.Mutate(func(w *cwfake.World) { w.Additions[0].Quantity = "3" })
	if q := quantityOf(t, h.cw, w.Additions[0].ID); q != "3" {
		t.Errorf("Mutate did not change the world: %s", q)
	}
}
