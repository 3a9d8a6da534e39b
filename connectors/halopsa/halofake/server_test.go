package halofake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

var now = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func serve(t *testing.T, w *World, o Options) (*Server, *http.Client, string) {
	t.Helper()
	o.Now = func() time.Time { return now }
	srv, s := NewTLSServer(w, o)
	t.Cleanup(srv.Close)
	return s, srv.Client(), srv.URL
}

func token(t *testing.T, hc *http.Client, base string, w *World, tenant string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {w.ClientID}, "client_secret": {w.ClientSecret}, "scope": {"all"}}
	resp, err := hc.Post(base+"/auth/token?tenant="+tenant, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.AccessToken
}

func call(t *testing.T, hc *http.Client, method, u, tok, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestTokenNeedsTenantAndSecret(t *testing.T) {
	t.Parallel()
	w := SmallWorldAt(now)
	s, hc, base := serve(t, w, Options{})
	if st, _ := token(t, hc, base, w, ""); st != http.StatusBadRequest {
		t.Errorf("token without the tenant: %d, want 400", st)
	}
	st, tok := token(t, hc, base, w, w.Tenant)
	if st != http.StatusOK || tok == "" {
		t.Fatalf("token: %d %q", st, tok)
	}
	if st, _ := call(t, hc, "GET", base+"/api/Client", tok, ""); st != http.StatusOK {
		t.Errorf("with the token: %d", st)
	}
	s.RevokeSecret()
	if st, _ := call(t, hc, "GET", base+"/api/Client", tok, ""); st != http.StatusUnauthorized {
		t.Errorf("after RevokeSecret: %d, want 401", st)
	}
	if st, _ := token(t, hc, base, w, w.Tenant); st != http.StatusBadRequest {
		t.Errorf("token after RevokeSecret: %d, want 400", st)
	}
}

// Without pageinate a list is cut short; with it, record_count tells all.
func TestListsPageHalosWay(t *testing.T) {
	t.Parallel()
	w := &World{ClientID: "id", ClientSecret: "secret"}
	for i := range 120 {
		w.Clients = append(w.Clients, Client{ID: i + 1, Name: "Client"})
	}
	_, hc, base := serve(t, w, Options{PageSize: 30})
	_, tok := token(t, hc, base, w, "")
	var page struct {
		RecordCount int               `json:"record_count"`
		Clients     []json.RawMessage `json:"clients"`
	}
	_, body := call(t, hc, "GET", base+"/api/Client", tok, "")
	_ = json.Unmarshal(body, &page)
	if page.RecordCount != 120 || len(page.Clients) != unpagedCount {
		t.Errorf("unpaged: record_count %d rows %d, want 120 and %d", page.RecordCount, len(page.Clients), unpagedCount)
	}
	_, body = call(t, hc, "GET", base+"/api/Client?pageinate=true&page_size=100&page_no=4", tok, "")
	_ = json.Unmarshal(body, &page)
	if len(page.Clients) != 30 {
		t.Errorf("page 4 of 30 (capped): %d rows", len(page.Clients))
	}
}

// Halo replaces an invoice's lines with those posted: one line sent, the
// others are gone.
func TestPostReplacesLines(t *testing.T) {
	t.Parallel()
	w := SmallWorldAt(now)
	s, hc, base := serve(t, w, Options{})
	_, tok := token(t, hc, base, w, w.Tenant)
	st, body := call(t, hc, "POST", base+"/api/RecurringInvoice", tok, `[{"id":-94,"lines":[{"id":7002,"qty_order":6}]}]`)
	if st != http.StatusOK {
		t.Fatalf("POST: %d %s", st, body)
	}
	for _, inv := range s.World().Invoices {
		if inv.ID == SmallInvoiceContoso && (len(inv.Lines) != 1 || inv.Lines[0].Quantity != "6") {
			t.Errorf("after posting one line: %+v", inv.Lines)
		}
	}
	if s.Applied() != 1 {
		t.Errorf("applied %d", s.Applied())
	}
	// The same lines again change nothing.
	call(t, hc, "POST", base+"/api/RecurringInvoice", tok, `[{"id":-94,"lines":[{"id":7002,"qty_order":6}]}]`)
	if s.Applied() != 1 {
		t.Errorf("posting the same lines again counted as a change")
	}
	st, _ = call(t, hc, "POST", base+"/api/RecurringInvoice", tok, `[{"id":-94,"lines":[{"id":7002,"qty_order":-1}]}]`)
	if st != http.StatusBadRequest {
		t.Errorf("a negative quantity: %d, want 400", st)
	}
}

func TestGenerateDeterministicWithEveryCase(t *testing.T) {
	t.Parallel()
	in := fakekit.PSAInput{}
	for i := range 12 {
		c := fakekit.PSACustomer{TenantID: "00000000-0000-4000-8000-00000000000" + string(rune('a'+i%6)), Name: "Customer " + string(rune('A'+i)), Domain: "c" + string(rune('a'+i)) + ".example"}
		c.Products = []fakekit.PSAProduct{
			{SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermMonthly, Quantity: 5 + i, UnitPrice: connectors.Money{Minor: 2640, Currency: "USD"}},
			{SkuPartNumber: "EXCHANGESTANDARD", Name: "Exchange Online (Plan 1)", Term: connectors.TermAnnual, Quantity: 3, UnitPrice: connectors.Money{Minor: 400, Currency: "USD"}},
		}
		in.Customers = append(in.Customers, c)
	}
	a, b := Generate(in, 7, now), Generate(in, 7, now)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("Generate is not deterministic for a seed")
	}
	if c, _ := json.Marshal(Generate(in, 8, now)); string(c) == string(ja) {
		t.Error("two seeds gave the same world")
	}
	linked, disabledOpen, inactive, ended, counted, negative := 0, false, false, false, false, false
	for _, c := range a.Clients {
		if len(c.AzureTenants) > 0 {
			linked++
		}
	}
	for _, inv := range a.Invoices {
		negative = negative || inv.ID < 0
		for _, l := range inv.Lines {
			disabledOpen = disabledOpen || inv.Disabled && l.EndDate.IsZero()
			inactive = inactive || l.Inactive
			ended = ended || !inv.Disabled && !l.EndDate.IsZero() && l.EndDate.Before(now)
			counted = counted || l.QuantityType != 0
		}
	}
	customers := len(a.Clients) - 2 // Blue Yonder, Tailspin
	if customers != len(in.Customers)-1 {
		t.Errorf("%d customer clients, want all but one of %d", customers, len(in.Customers))
	}
	if linked == 0 || linked >= customers {
		t.Errorf("%d of %d clients linked to a tenant: want most, not all", linked, customers)
	}
	if !disabledOpen || !inactive || !ended || !counted || !negative {
		t.Errorf("cases: open on disabled %v, inactive %v, ended %v, counted %v, negative id %v", disabledOpen, inactive, ended, counted, negative)
	}
}

// Mounted under a prefix, as the sandbox mounts every fake on one address,
// authinfo names the token endpoint under the same prefix.
func TestAuthInfoUnderAPrefix(t *testing.T) {
	t.Parallel()
	s := New(SmallWorldAt(now), Options{Now: func() time.Time { return now }})
	mux := http.NewServeMux()
	mux.Handle("/halopsa/", http.StripPrefix("/halopsa", s))
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	st, body := call(t, srv.Client(), http.MethodGet, srv.URL+"/halopsa/api/authinfo", "", "")
	var info struct {
		AuthURL string `json:"auth_url"`
	}
	if err := json.Unmarshal(body, &info); err != nil || st != http.StatusOK {
		t.Fatalf("authinfo: %d %s (%v)", st, body, err)
	}
	if want := srv.URL + "/halopsa/auth"; info.AuthURL != want {
		t.Errorf("auth_url %q, want %q", info.AuthURL, want)
	}
}

// An annual product's price comes per year (fakekit.PSAProduct): its
// yearly item keeps it, and the monthly item is a twelfth of it with the
// premium monthly commitments cost, never the yearly price as a month's.
func TestGeneratePricesAnAnnualProductPerYear(t *testing.T) {
	t.Parallel()
	in := fakekit.PSAInput{Customers: []fakekit.PSACustomer{{TenantID: "t1", Name: "Contoso", Domain: "contoso.com",
		Products: []fakekit.PSAProduct{{SkuID: "53818b1b-4a27-454b-8896-0dba576410e6", SkuPartNumber: "PROJECTPROFESSIONAL",
			Name: "Planner and Project Plan 3", Term: connectors.TermAnnual, Quantity: 4,
			UnitPrice: connectors.Money{Minor: 43200, Currency: "USD"}}}}}}
	w := Generate(in, 1, now)
	prices := map[string]string{}
	for _, it := range w.Items {
		prices[it.Name] = string(it.RecurringPrice)
	}
	if got := prices["Planner and Project Plan 3 (Annual)"]; got != "432.00" {
		t.Errorf("annual item priced %q, want 432.00 (a year)", got)
	}
	if got := prices["Planner and Project Plan 3 (Monthly)"]; got != "43.20" {
		t.Errorf("monthly item priced %q, want 43.20 (a twelfth, 20%% more)", got)
	}
}
