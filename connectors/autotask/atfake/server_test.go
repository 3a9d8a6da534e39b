package atfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// call sends one request to s and decodes the JSON answer.
func call(t *testing.T, s *Server, method, target string, body any, auth bool) (int, http.Header, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, target, r)
	if auth {
		w := s.World()
		req.Header.Set("UserName", strings.ToUpper(w.UserName)) // user names are not case sensitive
		req.Header.Set("Secret", w.Secret)
		req.Header.Set("ApiIntegrationCode", w.IntegrationCode)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, rec.Header(), out
}

func newSmall(o Options) *Server {
	if o.Now == nil {
		o.Now = func() time.Time { return testNow }
	}
	return New(SmallWorldAt(testNow), o)
}

func errorsOf(t *testing.T, out map[string]any) string {
	t.Helper()
	list, ok := out["errors"].([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("answer %v has no errors list", out)
	}
	return list[0].(string)
}

func TestZoneLookupNeedsNoCredentials(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	status, _, out := call(t, s, "GET", "https://zone.example/atservicesrest/v1.0/zoneInformation?user="+strings.ToUpper(s.World().UserName), nil, false)
	if status != 200 || out["url"] != "https://zone.example/ATServicesRest/" {
		t.Fatalf("zoneInformation: %d %v", status, out)
	}
	status, _, out = call(t, s, "GET", "https://zone.example/atservicesrest/v1.0/zoneInformation?user=nobody@example.com", nil, false)
	if status != 500 || !strings.Contains(errorsOf(t, out), "Zone information") {
		t.Errorf("unknown user: %d %v, want 500 with Autotask's words", status, out)
	}
	status, _, out = call(t, s, "GET", "https://zone.example/atservicesrest/versioninformation", nil, false)
	if status != 200 || out["apiVersions"] == nil {
		t.Errorf("versioninformation: %d %v", status, out)
	}
}

func TestEveryHeaderRequired(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	w := s.World()
	for _, drop := range []string{"UserName", "Secret", "ApiIntegrationCode"} {
		req := httptest.NewRequest("GET", "/ATServicesRest/v1.0/Companies/101", nil)
		for k, v := range map[string]string{"UserName": w.UserName, "Secret": w.Secret, "ApiIntegrationCode": w.IntegrationCode} {
			if k != drop {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"errors"`) {
			t.Errorf("without %s: %d %s, want 401 with an errors body", drop, rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), w.Secret) {
			t.Errorf("the answer repeats the secret")
		}
	}
	s.RevokeSecret()
	if status, _, _ := call(t, s, "GET", "/ATServicesRest/v1.0/Companies/101", nil, true); status != 401 {
		t.Errorf("after RevokeSecret: %d, want 401", status)
	}
}

func TestQueryPagingAndLimits(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{PageSize: 3})
	all := []any{map[string]any{"op": "gte", "field": "ID", "value": 0}} // field names are not case sensitive
	var ids []float64
	target := "https://h.example/ATServicesRest/v1.0/Companies/query"
	status, _, out := call(t, s, "POST", target, map[string]any{"filter": all, "MaxRecords": 500}, true)
	for page := 0; ; page++ {
		if status != 200 {
			t.Fatalf("page %d: %d %v", page, status, out)
		}
		for _, it := range out["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(float64))
		}
		next, _ := out["pageDetails"].(map[string]any)["nextPageUrl"].(string)
		if next == "" {
			break
		}
		if !strings.HasPrefix(next, "https://h.example/") {
			t.Fatalf("nextPageUrl %q is not absolute on the zone's host", next)
		}
		status, _, out = call(t, s, "GET", next, nil, true)
	}
	if len(ids) != len(s.World().Companies) {
		t.Errorf("paged through %d companies, want %d", len(ids), len(s.World().Companies))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Errorf("ids out of order: %v", ids)
		}
	}
	// The GET form takes the same query in search=.
	search, _ := json.Marshal(map[string]any{"filter": []any{map[string]any{"op": "eq", "field": "companyType", "value": 7}}})
	status, _, out = call(t, s, "GET", "/ATServicesRest/v1.0/Companies/query?search="+string(search), nil, true)
	if status != 200 || len(out["items"].([]any)) != 1 {
		t.Errorf("GET query for vendors: %d %v", status, out)
	}
	refusals := map[string]any{
		"no filter":      map[string]any{"filter": []any{}},
		"MaxRecords 501": map[string]any{"filter": all, "MaxRecords": 501},
		"unknown field":  map[string]any{"filter": []any{map[string]any{"op": "eq", "field": "colour", "value": 1}}},
		"in of 501":      map[string]any{"filter": []any{map[string]any{"op": "in", "field": "id", "value": make([]int, 501)}}},
	}
	for name, body := range refusals {
		if status, _, out := call(t, s, "POST", "/ATServicesRest/v1.0/Companies/query", body, true); status != 500 || errorsOf(t, out) == "" {
			t.Errorf("%s: %d %v, want 500 with errors", name, status, out)
		}
	}
	status, _, out = call(t, s, "POST", "/ATServicesRest/v1.0/Companies/query/count", map[string]any{"filter": all}, true)
	if status != 200 || out["queryCount"].(float64) != float64(len(s.World().Companies)) {
		t.Errorf("count: %d %v", status, out)
	}
}

func TestGetMissingIsNullItem(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	status, _, out := call(t, s, "GET", "/ATServicesRest/v1.0/ContractServices/999999", nil, true)
	if v, has := out["item"]; status != 200 || !has || v != nil {
		t.Errorf("missing record: %d %v, want 200 {\"item\":null}", status, out)
	}
	status, _, out = call(t, s, "GET", "/atservicesrest/V1.0/contractservices/702", nil, true)
	if status != 200 || out["item"].(map[string]any)["contractID"].(float64) != SmallContractContoso {
		t.Errorf("contract service 702: %d %v", status, out)
	}
}

func TestAdjustmentSplitsTheUnits(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	today := day(testNow)
	before, _ := UnitsAt(s.World(), SmallLineWritable, today)
	post := func(eff time.Time, change int) (int, map[string]any) {
		status, _, out := call(t, s, "POST", "/ATServicesRest/v1.0/ContractServiceAdjustments", map[string]any{
			"contractID": SmallContractContoso, "contractServiceID": SmallLineWritable, "effectiveDate": FormatTime(eff), "unitChange": change}, true)
		return status, out
	}
	if status, out := post(today, 3); status != 200 || out["itemId"] == nil {
		t.Fatalf("adjustment: %d %v", status, out)
	}
	w := s.World()
	if got, _ := UnitsAt(w, SmallLineWritable, today); got != before+3 {
		t.Errorf("units today %d, want %d", got, before+3)
	}
	if got, _ := UnitsAt(w, SmallLineWritable, today.AddDate(0, 0, -1)); got != before {
		t.Errorf("units yesterday %d, want %d: the row was not split at the effective date", got, before)
	}
	if got, _ := UnitsAt(w, SmallLineWritable, today.AddDate(0, 3, 0)); got != before+3 {
		t.Errorf("units in three months %d, want %d: later rows must gain the change", got, before+3)
	}
	if s.Applied() != 1 || s.Writes() != 1 || len(w.Adjustments) != 2 { // SmallWorldAt posted one itself
		t.Errorf("applied %d writes %d adjustments %d", s.Applied(), s.Writes(), len(w.Adjustments))
	}
	status, out := post(today.AddDate(2, 0, 0), 1)
	if msg := errorsOf(t, out); status != 500 || !strings.Contains(msg, "effectiveDate must be between") {
		t.Errorf("outside the contract: %d %q", status, msg)
	}
	if status, out := post(today, -100); status != 500 || !strings.Contains(errorsOf(t, out), "fewer than 0") {
		t.Errorf("below zero: %d %v", status, out)
	}
	if got, _ := UnitsAt(s.World(), SmallLineWritable, today); got != before+3 || s.Applied() != 1 {
		t.Errorf("a refused adjustment changed the units: %d", got)
	}
}

func TestChangeBehindYourBackMovesTheRow(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	id := func() int {
		for _, u := range s.World().Units {
			if u.ContractServiceID == SmallLineWritable && !u.StartDate.After(testNow) && !u.EndDate.Before(day(testNow)) {
				return u.ID
			}
		}
		return 0
	}
	first := id()
	if !s.ChangeUnitsBehindYourBack(SmallLineWritable, 5) {
		t.Fatal("ChangeUnitsBehindYourBack failed")
	}
	if second := id(); second == first || second == 0 {
		t.Errorf("the units row holding today is still %d after another person's edit", second)
	}
	if got, _ := UnitsAt(s.World(), SmallLineWritable, testNow); got != 5 {
		t.Errorf("units %d after an edit that kept them, want 5", got)
	}
}

func TestThresholdRefusesWith429(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{Threshold: 2})
	for i := range 2 {
		if status, _, _ := call(t, s, "GET", "/ATServicesRest/v1.0/ThresholdInformation", nil, true); status != 200 {
			t.Fatalf("call %d: %d", i+1, status)
		}
	}
	status, h, out := call(t, s, "GET", "/ATServicesRest/v1.0/Companies/101", nil, true)
	if status != 429 || h.Get("Retry-After") == "" || !strings.Contains(errorsOf(t, out), "threshold") {
		t.Errorf("over the budget: %d Retry-After %q %v", status, h.Get("Retry-After"), out)
	}
	// The zone lookup does not count against the budget.
	if status, _, _ := call(t, s, "GET", "/atservicesrest/v1.0/zoneInformation?user="+s.World().UserName, nil, false); status != 200 {
		t.Errorf("zone lookup over the budget: %d", status)
	}
}

func TestFaultLevers(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	s.FailNext(CallContract, 503, "", 1)
	status, h, out := call(t, s, "GET", "/ATServicesRest/v1.0/Contracts/501", nil, true)
	if status != 503 || h.Get("Retry-After") == "" || errorsOf(t, out) == "" {
		t.Errorf("FailNext: %d %v", status, out)
	}
	if wait := s.ThrottleNext(CallContract, 1); wait != DefaultRetryAfter*time.Second {
		t.Errorf("ThrottleNext wait %v", wait)
	}
	if status, _, _ := call(t, s, "GET", "/ATServicesRest/v1.0/Contracts/501", nil, true); status != 429 {
		t.Errorf("ThrottleNext: %d", status)
	}
	s.TruncateNext(CallContract, 1)
	req := httptest.NewRequest("GET", "/ATServicesRest/v1.0/Contracts/501", nil)
	w := s.World()
	req.Header.Set("UserName", w.UserName)
	req.Header.Set("Secret", w.Secret)
	req.Header.Set("ApiIntegrationCode", w.IntegrationCode)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 || json.Valid(rec.Body.Bytes()) {
		t.Errorf("TruncateNext: %d %s", rec.Code, rec.Body)
	}
	if s.Served(CallContract) != 3 {
		t.Errorf("served %d contract reads, want 3", s.Served(CallContract))
	}
}

func sampleInput(n int) fakekit.PSAInput {
	var in fakekit.PSAInput
	names := []string{"Contoso Ltd", "Fabrikam Inc.", "Northwind & Sons", "Adatum LLC", "Woodgrove Bank", "Proseware", "Litware Labs", "Trey Research", "Wingtip Toys", "Alpine Ski House"}
	for i := range n {
		c := fakekit.PSACustomer{TenantID: "00000000-0000-4000-8000-00000000000" + string(rune('0'+i)), Name: names[i%len(names)], Domain: "c" + string(rune('a'+i)) + ".example"}
		c.Products = []fakekit.PSAProduct{
			{SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermMonthly, Quantity: 5 + i, UnitPrice: connectors.Money{Minor: 2640, Currency: "USD"}},
			{SkuPartNumber: "EXCHANGESTANDARD", Name: "Exchange Online (Plan 1)", Term: connectors.TermAnnual, Quantity: 3 + i, UnitPrice: connectors.Money{Minor: 4800, Currency: "USD"}},
		}
		in.Customers = append(in.Customers, c)
	}
	return in
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, _ := json.Marshal(Generate(sampleInput(10), 7, testNow))
	b, _ := json.Marshal(Generate(sampleInput(10), 7, testNow))
	if !bytes.Equal(a, b) {
		t.Error("two worlds of one seed differ")
	}
	c := Generate(sampleInput(10), 8, testNow)
	if w := Generate(sampleInput(10), 7, testNow); c.Secret == w.Secret || c.UserName == w.UserName {
		t.Error("two seeds gave the same credentials")
	}
}

func TestGeneratePlacesEverySituation(t *testing.T) {
	t.Parallel()
	w := Generate(sampleInput(10), 42, testNow)
	today := day(testNow)
	contracts := map[int]Contract{}
	for _, k := range w.Contracts {
		contracts[k.ID] = k
		if k.Type != ContractTypeRecurring || k.EndDate.Before(k.StartDate) {
			t.Errorf("contract %d: type %d, %v to %v", k.ID, k.Type, k.StartDate, k.EndDate)
		}
	}
	var zeroPrice, cutToZero, onInactive, yearlyContract, renewed, repeat bool
	seen := map[[2]int]bool{}
	for _, cs := range w.ContractServices {
		k := contracts[cs.ContractID]
		zeroPrice = zeroPrice || cs.AdjustedPrice == "0"
		units, held := UnitsAt(w, cs.ID, today)
		cutToZero = cutToZero || held && units == 0
		onInactive = onInactive || k.Status == ContractStatusInactive && held && units > 0
		yearlyContract = yearlyContract || k.PeriodType == PeriodYearly
		key := [2]int{cs.ContractID, cs.ServiceID}
		repeat = repeat || seen[key]
		seen[key] = true
	}
	for _, k := range w.Contracts {
		renewed = renewed || k.RenewedContractID != 0 && contracts[k.RenewedContractID].StartDate.Equal(k.EndDate.AddDate(0, 0, 1))
	}
	for name, ok := range map[string]bool{"priced at 0": zeroPrice, "cut to 0 units": cutToZero, "units on an inactive contract": onInactive,
		"a yearly contract": yearlyContract, "a renewed contract": renewed, "a repeat service": repeat} {
		if !ok {
			t.Errorf("Generate placed no contract service %s", name)
		}
	}
	types := map[int]bool{}
	for _, c := range w.Companies {
		types[c.Type] = true
	}
	for _, ty := range []int{1, 2, 3, 4, 7} {
		if !types[ty] {
			t.Errorf("no company of type %d", ty)
		}
	}
	if len(w.Companies) != 10-1+5 {
		t.Errorf("%d companies, want 9 customers (one missing) and 5 others", len(w.Companies))
	}
	// Under- and over-billed: some units differ from the distributor's seats.
	s := New(&w, Options{Now: func() time.Time { return testNow }})
	if status, _, out := call(t, s, "POST", "/ATServicesRest/v1.0/ContractServiceUnits/query/count",
		map[string]any{"filter": []any{map[string]any{"op": "exist", "field": "units"}}}, true); status != 200 || out["queryCount"].(float64) < 50 {
		t.Errorf("units rows: %d %v", status, out)
	}
}

// Mounted under a prefix, as the sandbox mounts every fake on one address,
// the zone's URL (and so every nextPageUrl) keeps the prefix.
func TestZoneURLUnderAPrefix(t *testing.T) {
	t.Parallel()
	s := newSmall(Options{})
	req := httptest.NewRequest("GET", "https://zone.example/autotask/atservicesrest/v1.0/zoneInformation?user="+s.World().UserName, nil)
	rec := httptest.NewRecorder()
	http.StripPrefix("/autotask", s).ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	if rec.Code != 200 || out["url"] != "https://zone.example/autotask/ATServicesRest/" {
		t.Fatalf("zoneInformation under /autotask: %d %v", rec.Code, out)
	}
}
