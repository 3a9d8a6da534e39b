package autotask_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
)

func TestRegistered(t *testing.T) {
	t.Parallel()
	info, ok := connectors.Default.Lookup("autotask")
	if !ok || info.DisplayName != "Autotask" || info.Kind != connectors.KindPSA || info.Description == "" {
		t.Errorf("registry entry %+v (found %v)", info, ok)
	}
}

func TestNewNamesTheMissingSetting(t *testing.T) {
	t.Parallel()
	base := autotask.Config{UserName: "api@example.com", Secret: "very-secret-value", IntegrationCode: "CODE"}
	cases := []struct {
		name string
		mod  func(*autotask.Config)
		want string
	}{
		{"no user", func(c *autotask.Config) { c.UserName = " " }, "psa.autotask.username"},
		{"no secret", func(c *autotask.Config) { c.Secret = "" }, "SEATS_PSA_AUTOTASK_SECRET"},
		{"no code", func(c *autotask.Config) { c.IntegrationCode = "" }, "psa.autotask.integration_code"},
		{"http url", func(c *autotask.Config) { c.URL = "http://webservices15.autotask.net/ATServicesRest/" }, "psa.autotask.url"},
		{"url without path", func(c *autotask.Config) { c.URL = "https://webservices15.autotask.net/" }, "/ATServicesRest/"},
		{"bad lookup", func(c *autotask.Config) { c.ZoneLookupURL = "ftp://x" }, "psa.autotask.zone_lookup_url"},
		{"bad currency", func(c *autotask.Config) { c.Currency = "XYZW" }, "ISO 4217"},
	}
	for _, tc := range cases {
		cfg := base
		tc.mod(&cfg)
		_, err := autotask.New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), base.Secret) {
			t.Errorf("%s: the error repeats the secret", tc.name)
		}
	}
	for _, u := range []string{"https://webservices15.autotask.net/ATServicesRest/", "https://webservices15.autotask.net/atservicesrest/v1.0/"} {
		cfg := base
		cfg.URL = u
		if _, err := autotask.New(cfg); err != nil {
			t.Errorf("URL %q: %v", u, err)
		}
	}
}

// recorder keeps the headers of every request a fake received.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.reqs = append(r.reqs, req.Clone(req.Context()))
		r.mu.Unlock()
		h.ServeHTTP(w, req)
	})
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

func TestZoneLookedUpOnceWithoutCredentials(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	f := newWrappedFake(t, atfake.SmallWorldAt(testNow), atfake.Options{}, rec.wrap)
	c := f.client(t)
	ctx := testCtx(t)
	if _, err := c.Companies(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Catalog(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.at.Served(atfake.CallZone); n != 1 {
		t.Errorf("zone looked up %d times, want once", n)
	}
	for _, r := range rec.all() {
		zone := strings.Contains(strings.ToLower(r.URL.Path), "zoneinformation")
		for _, h := range []string{"UserName", "Secret", "ApiIntegrationCode"} {
			if zone && r.Header.Get(h) != "" {
				t.Errorf("the zone lookup carried %s", h)
			}
			if !zone && r.Header.Get(h) == "" {
				t.Errorf("%s %s lacks %s", r.Method, r.URL.Path, h)
			}
		}
	}
	if got := c.Calls(); got != int(f.at.Calls()) {
		t.Errorf("Calls() = %d, the fake served %d", got, f.at.Calls())
	}
}

func TestUnknownUserSaysWhatToFix(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t, func(cfg *autotask.Config) { cfg.UserName = "nobody@seatsdemo.example" })
	_, err := c.Companies(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrUnauthorized || !strings.Contains(err.Error(), "psa.autotask.username") {
		t.Errorf("unknown API user: %v", err)
	}
}

// TestNextPageOnAnotherHostRefused: a nextPageUrl naming another host is
// not followed, so the credentials never reach it.
func TestNextPageOnAnotherHostRefused(t *testing.T) {
	t.Parallel()
	var stolen sync.Map
	thief := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Store("secret", r.Header.Get("Secret"))
		w.Write([]byte(`{"items":[],"pageDetails":{"nextPageUrl":null}}`))
	}))
	t.Cleanup(thief.Close)
	f := newWrappedFake(t, atfake.SmallWorldAt(testNow), atfake.Options{PageSize: 3}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/Companies/query") {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"items":[{"id":1,"companyName":"A","companyType":1,"isActive":true}],"pageDetails":{"count":1,"requestCount":1,"nextPageUrl":"` + thief.URL + `/ATServicesRest/v1.0/Companies/query/next?paging=x"}}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	_, err := f.client(t).Companies(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrBadResponse || !strings.Contains(err.Error(), "another host") {
		t.Errorf("nextPageUrl to another host: %v", err)
	}
	if _, ok := stolen.Load("secret"); ok {
		t.Error("the credentials were sent to the other host")
	}
}

// bigWorld is n companies each on one monthly contract with per services.
func bigWorld(n, per int) *atfake.World {
	w := atfake.SmallWorldAt(testNow)
	w.Companies, w.Contracts, w.ContractServices, w.Units = nil, nil, nil, nil
	month := time.Date(testNow.Year(), testNow.Month(), 1, 0, 0, 0, 0, time.UTC)
	uid := 1_000_000
	for i := range n {
		w.Companies = append(w.Companies, atfake.Company{ID: 10000 + i, Name: "Company", Type: 1, Active: true})
		k := atfake.Contract{ID: 20000 + i, CompanyID: 10000 + i, Name: "MSA", Type: atfake.ContractTypeRecurring, Status: 1,
			StartDate: month, EndDate: month.AddDate(1, 0, -1), PeriodType: atfake.PeriodMonthly}
		w.Contracts = append(w.Contracts, k)
		for j := range per {
			cs := atfake.ContractService{ID: 100000 + i*per + j, ContractID: k.ID, ServiceID: 301 + j%3, UnitPrice: "26.40", UnitCost: "22"}
			w.ContractServices = append(w.ContractServices, cs)
			w.Units = append(w.Units, atfake.ServiceUnits{ID: uid, ContractID: k.ID, ContractServiceID: cs.ID, ServiceID: cs.ServiceID,
				StartDate: k.StartDate, EndDate: k.EndDate, Units: "10"})
			uid++
		}
	}
	return w
}

// TestLinesAskInBatches: the budget is shared, so lines are read with
// "in" filters of up to 500 ids, never a call per contract or row.
func TestLinesAskInBatches(t *testing.T) {
	t.Parallel()
	f := newFake(t, bigWorld(1100, 1), atfake.Options{})
	c := f.client(t)
	lines, err := c.Lines(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1100 {
		t.Fatalf("%d lines, want 1100", len(lines))
	}
	// 3 pages of contracts; 3 batches of 500 contract ids; 3 of service ids.
	for call, want := range map[atfake.Call]int64{atfake.CallContracts: 3, atfake.CallContractServices: 3, atfake.CallUnits: 3,
		atfake.CallContract: 0, atfake.CallContractService: 0, atfake.CallZone: 1, atfake.CallContractFields: 1} {
		if got := f.at.Served(call); got != want {
			t.Errorf("%s: %d calls, want %d", call, got, want)
		}
	}
	if c.Calls() != 11 {
		t.Errorf("Calls() = %d for 1100 lines, want 11", c.Calls())
	}
	// The picklist is read once per Client.
	if _, err := c.Lines(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := f.at.Served(atfake.CallContractFields); got != 1 {
		t.Errorf("picklist read %d times, want once", got)
	}
}

func TestCheckSummary(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{PageSize: 2})
	res, err := f.client(t).Check(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "Autotask: 8 companies, 5 contracts, 11 contract services"; got != want {
		t.Errorf("Check: %q, want %q", got, want)
	}
	f.at.RevokeSecret()
	_, err = f.client(t).Check(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrUnauthorized || !strings.Contains(err.Error(), "API user") || strings.Contains(err.Error(), f.world.Secret) {
		t.Errorf("Check with a revoked secret: %v", err)
	}
}

func TestBudgetSpentSaysSo(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{Threshold: 1})
	_, err := f.client(t).Catalog(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrRateLimited || !strings.Contains(err.Error(), "10,000 requests an hour") {
		t.Errorf("over the budget: %v", err)
	}
}

func TestOKWithErrorsIsAnError(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	f.at.FailNext(atfake.CallServices, 200, `{"items":[],"pageDetails":null,"errors":["Unable to find periodType"]}`, 1)
	_, err := f.client(t).Catalog(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrBadRequest || !strings.Contains(err.Error(), "Unable to find periodType") {
		t.Errorf("a 200 carrying errors: %v", err)
	}
}

// listed returns the line of contract service id as listed.
func listed(t *testing.T, c *autotask.Client, id string) connectors.BillingLine {
	t.Helper()
	lines, err := c.Lines(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.LineID == id {
			return l
		}
	}
	t.Fatalf("line %s not listed", id)
	return connectors.BillingLine{}
}

func TestWriteFromADateLater(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t)
	ln := listed(t, c, "702")
	eff := time.Date(2026, 4, 1, 15, 0, 0, 0, time.UTC)
	res, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 2, EffectiveDate: eff})
	if err != nil {
		t.Fatal(err)
	}
	if res.Timing != connectors.ApplyFromDate || res.Undoable || !res.EffectiveDate.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("result timing %q undoable %v effective %v", res.Timing, res.Undoable, res.EffectiveDate)
	}
	w := f.at.World()
	if now, _ := atfake.UnitsAt(w, 702, testNow); now != 5 || res.Line.Quantity != 5 {
		t.Errorf("units today %d (result %d), want 5 until April", now, res.Line.Quantity)
	}
	if april, _ := atfake.UnitsAt(w, 702, eff); april != 2 {
		t.Errorf("units from April %d, want 2", april)
	}
	last := w.Adjustments[len(w.Adjustments)-1]
	if last.UnitChange != -3 || last.ContractServiceID != 702 {
		t.Errorf("posted %+v, want a change of -3 on 702", last)
	}
}

func TestWriteOutsideTheContractBelongsOnTheRenewal(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t)
	ln := listed(t, c, "702")
	// The last day of the contract still has units rows; a day later Autotask refuses.
	var end time.Time
	for _, k := range f.world.Contracts {
		if k.ID == atfake.SmallContractContoso {
			end = k.EndDate
		}
	}
	f.at.Mutate(func(w *atfake.World) { // a units row past the end, as a renewal leaves behind
		w.Units = append(w.Units, atfake.ServiceUnits{ID: 99999, ContractID: 501, ContractServiceID: 702, ServiceID: 303,
			StartDate: end.AddDate(0, 0, 1), EndDate: end.AddDate(0, 1, 0), Units: "5"})
	})
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9, EffectiveDate: end.AddDate(0, 0, 2)})
	if connectors.KindOf(err) != connectors.ErrBadRequest || !strings.Contains(err.Error(), "renew") || !strings.Contains(err.Error(), "must be between") {
		t.Errorf("a date after the contract: %v", err)
	}
	if f.at.Writes() != 1 || f.at.Applied() != 0 {
		t.Errorf("writes %d applied %d, want the one refused post", f.at.Writes(), f.at.Applied())
	}
}

func TestWriteOfFractionalUnitsRefused(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t)
	ln := listed(t, c, "707")
	if len(ln.Warnings) == 0 || ln.Quantity != 2 {
		t.Errorf("fractional line: quantity %d warnings %q", ln.Quantity, ln.Warnings)
	}
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 4})
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrBadRequest || f.at.Writes() != 0 {
		t.Errorf("write on 2.5 units: %v, %d writes", err, f.at.Writes())
	}
}

func TestGeneratedWorldReads(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	w := atfake.Generate(in, 3, testNow)
	f := newFake(t, &w, atfake.Options{})
	c := f.client(t)
	lines, err := c.Lines(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var notBilled, cancelled, onCancelled, yearly int
	for _, l := range lines {
		switch {
		case !l.Billed:
			notBilled++
		case !l.CancelledOn.IsZero():
			cancelled++
		case l.AgreementState == connectors.AgreementCancelled:
			onCancelled++
		}
		if l.BillingFrequency == connectors.BillAnnual {
			yearly++
		}
	}
	if notBilled == 0 || cancelled == 0 || onCancelled == 0 || yearly == 0 {
		t.Errorf("generated lines: %d not billed, %d cut to 0, %d on inactive contracts, %d yearly: want some of each", notBilled, cancelled, onCancelled, yearly)
	}
	if companies, err := c.Companies(testCtx(t)); err != nil || len(companies) != len(w.Companies) {
		t.Errorf("companies %d, %v", len(companies), err)
	}
}

func TestWriteWithoutUnitsRowForTheDateRefused(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t)
	ln := listed(t, c, "702")
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9, EffectiveDate: testNow.AddDate(3, 0, 0)})
	if connectors.KindOf(err) != connectors.ErrBadRequest || !strings.Contains(err.Error(), "no units row") || f.at.Writes() != 0 {
		t.Errorf("a date without units: %v, %d writes", err, f.at.Writes())
	}
}
