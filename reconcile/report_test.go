package reconcile

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	now        = time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)
	msTaken    = time.Date(2025, 3, 15, 6, 0, 0, 0, time.UTC)
	distTaken  = time.Date(2025, 3, 15, 6, 5, 0, 0, time.UTC)
	psaTaken   = time.Date(2025, 3, 15, 6, 10, 0, 0, time.UTC)
	renewSoon  = time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC)
	renewLater = time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC)
)

func usd(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "USD"} }
func eur(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "EUR"} }

// world builds a reconcile input one fact at a time: customers matched to a
// Pax8 account and a ConnectWise company of the same number.
type world struct {
	in ReconcileInput
}

func newWorld() *world {
	return &world{in: ReconcileInput{
		Now:         now,
		Distributor: &connectors.DistributorSnapshot{Kind: "pax8", TakenAt: distTaken},
		PSA:         &connectors.PSASnapshot{Kind: "connectwise", TakenAt: psaTaken},
	}}
}

// customer adds a Ready customer n, matched on both sides unless told not.
func (w *world) customer(n int, name string, matchDist, matchPSA bool) *world {
	tenant := fmt.Sprintf("%08d-0000-0000-0000-000000000000", n)
	w.in.Customers = append(w.in.Customers, TenantLicences{
		Customer: connectors.CustomerStatus{Customer: connectors.Customer{TenantID: tenant, Name: name},
			GDAP: connectors.GDAPSummary{Status: connectors.GDAPActive}, Consent: connectors.ConsentRecord{State: connectors.ConsentReady}},
		Licences: &connectors.LicenceSnapshot{TenantID: tenant, TakenAt: msTaken},
	})
	m := AccountMapping{TenantID: tenant, Customer: name, Distributor: AccountMatch{State: StateUnmapped}, PSA: AccountMatch{State: StateUnmapped}}
	if matchDist {
		m.Distributor = HandMatch(fmt.Sprint("d", n), name)
	}
	if matchPSA {
		m.PSA = HandMatch(fmt.Sprint("c", n), name)
	}
	w.in.Accounts = append(w.in.Accounts, m)
	return w
}

func (w *world) last() *TenantLicences { return &w.in.Customers[len(w.in.Customers)-1] }

func (w *world) tenantSku(sku, part string, enabled, assigned int) *world {
	l := w.last().Licences
	l.Skus = append(l.Skus, connectors.SubscribedSku{SkuID: sku, SkuPartNumber: part, ConsumedUnits: assigned,
		PrepaidUnits: connectors.PrepaidUnits{Enabled: enabled}})
	return w
}

type subOpt func(*connectors.DistributorSubscription)

func status(s connectors.SubscriptionStatus) subOpt {
	return func(d *connectors.DistributorSubscription) { d.Status = s }
}

// sub adds a distributor subscription of the last customer; its product is
// "<sku>-<term>" tied to the SKU.
func (w *world) sub(id, sku string, term connectors.Term, freq connectors.BillingFrequency, qty int, cost connectors.Money, end time.Time, opts ...subOpt) *world {
	n := len(w.in.Customers)
	pid := sku[:8] + "-" + string(term)
	s := connectors.DistributorSubscription{ID: id, AccountID: fmt.Sprint("d", n), Microsoft: true, Term: term, BillingFrequency: freq,
		Quantity: qty, UnitCost: cost, CommitmentEnd: end, Status: connectors.StatusActive,
		Product: connectors.DistributorProduct{ID: pid, Name: pid}}
	for _, o := range opts {
		o(&s)
	}
	w.in.Distributor.Subscriptions = append(w.in.Distributor.Subscriptions, s)
	for _, t := range w.in.Ties {
		if t.ProductID == pid {
			return w
		}
	}
	w.in.Ties = append(w.in.Ties, HandTie(pid, pid, sku))
	return w
}

func (w *world) item(id, name string, price connectors.Money) *world {
	w.in.PSA.Catalog = append(w.in.PSA.Catalog, connectors.CatalogItem{ID: id, Description: name, Price: price, Active: true, Recurring: true})
	return w
}

func (w *world) mapProduct(sku string, term connectors.Term, item string) *world {
	name := item
	for _, it := range w.in.PSA.Catalog {
		if it.ID == item {
			name = it.Description
		}
	}
	w.in.Products = append(w.in.Products, HandProductMatch(ProductKey{sku, term}, item, name))
	return w
}

type lineOpt func(*connectors.BillingLine)

// line adds a billing line of the last customer's company.
func (w *world) line(id, item string, qty int, price connectors.Money, opts ...lineOpt) *world {
	n := len(w.in.Customers)
	l := connectors.BillingLine{LineRef: connectors.LineRef{CompanyID: fmt.Sprint("c", n), AgreementID: fmt.Sprint("ag", n), LineID: id},
		AgreementState: connectors.AgreementActive, ItemID: item, Quantity: qty, UnitPrice: price, Billed: true,
		EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Version: "v-" + id}
	for _, o := range opts {
		o(&l)
	}
	w.in.PSA.Lines = append(w.in.PSA.Lines, l)
	return w
}

// goldenDoc is what a golden file holds: both JSON documents, the totals,
// the unmapped counts, and every "where from" line of the tables.
type goldenDoc struct {
	Licences LicencesJSON     `json:"licences"`
	Findings FindingsJSON     `json:"findings"`
	Totals   []CurrencyTotals `json:"totals"`
	Unmapped UnmappedCounts   `json:"unmapped"`
	Missing  []string         `json:"missing"`
	Where    []string         `json:"where"`
}

func documentOf(rep Report) goldenDoc {
	doc := goldenDoc{Licences: rep.LicencesDocument(), Findings: rep.FindingsDocument(), Totals: rep.Totals, Unmapped: rep.Unmapped,
		Missing: []string{}, Where: []string{}}
	for _, c := range rep.Customers {
		for _, m := range c.Missing {
			doc.Missing = append(doc.Missing, c.Name+": "+m)
		}
		for _, s := range c.Skus {
			if s.Source.Known() {
				doc.Where = append(doc.Where, fmt.Sprintf("%s / %s: enabled, assigned <- %s", c.Name, s.Name, s.Source))
			}
			for _, t := range s.Terms {
				where := t.Where()
				for _, f := range []struct {
					what string
					src  Source
				}{{"purchased", where.Purchased}, {"billed", where.Billed}, {"to bill", where.ToBill},
					{"unit cost", where.UnitCost}, {"unit price", where.UnitPrice}} {
					if f.src.Known() {
						doc.Where = append(doc.Where, fmt.Sprintf("%s / %s / %s: %s <- %s", c.Name, s.Name, t.Term, f.what, f.src))
					}
				}
			}
		}
	}
	return doc
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reconcile -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./reconcile -run %s -update, then review the diff):\n%s", path, t.Name(), got)
	}
}

func TestReconcileGolden(t *testing.T) {
	t.Parallel()
	const (
		spb = skuSPB
		e3  = skuE3
		ex1 = skuExchange1
	)
	monthly, annual := connectors.TermMonthly, connectors.TermAnnual
	billM, billA := connectors.BillMonthly, connectors.BillAnnual
	tests := []struct {
		name  string
		world func() *world
		set   Settings
	}{
		{"monthly_and_annual", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 15, 12).
				sub("s-m", spb, monthly, billM, 5, usd(2640), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)).
				sub("s-a", spb, annual, billA, 10, usd(26400), renewSoon).
				item("i-m", "M365 BP (Monthly)", usd(2900)).item("i-a", "M365 BP (Annual)", usd(2600)).
				mapProduct(spb, monthly, "i-m").mapProduct(spb, annual, "i-a").
				line("100", "i-m", 4, usd(2900)).line("101", "i-a", 10, usd(2600))
		}, Settings{}},
		{"two_terms_one_item", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 15, 15).
				sub("s-m", spb, monthly, billM, 5, usd(2640), renewSoon).
				sub("s-a", spb, annual, billA, 10, usd(26400), renewLater).
				item("i-bp", "M365 Business Premium", usd(2900)).
				mapProduct(spb, monthly, "i-bp").mapProduct(spb, annual, "i-bp").
				line("100", "i-bp", 12, usd(2900)).line("101", "i-bp", 4, usd(2900), func(l *connectors.BillingLine) {
				l.EffectiveFrom = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
			})
		}, Settings{}},
		{"trials_and_free", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 25, 20).tenantSku(skuFlowFree, "FLOW_FREE", 10000, 3).
				sub("s-trial", spb, monthly, billM, 25, usd(0), renewSoon, status(connectors.StatusTrial)).
				item("i-m", "M365 BP", usd(2900)).mapProduct(spb, monthly, "i-m")
		}, Settings{}},
		{"trials_and_free_included", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 25, 20).tenantSku(skuFlowFree, "FLOW_FREE", 10000, 3).
				sub("s-trial", spb, monthly, billM, 25, usd(0), renewSoon, status(connectors.StatusTrial)).
				item("i-m", "M365 BP", usd(2900)).mapProduct(spb, monthly, "i-m")
		}, Settings{IncludeTrials: true, IncludeFree: true}},
		{"subscription_statuses", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(e3, "ENTERPRISEPACK", 8, 8).
				sub("s-active", e3, annual, billA, 5, usd(27600), renewLater).
				sub("s-pending", e3, annual, billA, 3, usd(27600), renewSoon, status(connectors.StatusPendingCancel)).
				sub("s-susp", e3, annual, billA, 4, usd(27600), renewSoon, status(connectors.StatusSuspended)).
				sub("s-canc", e3, annual, billA, 2, usd(27600), renewSoon, status(connectors.StatusCancelled)).
				item("i-e3", "O365 E3 annual", usd(2500)).mapProduct(e3, annual, "i-e3").
				line("200", "i-e3", 8, usd(2500))
		}, Settings{}},
		{"lines_not_in_effect", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(e3, "ENTERPRISEPACK", 6, 6).
				sub("s-1", e3, monthly, billM, 6, usd(2300), renewSoon).
				item("i-e3", "O365 E3", usd(2500)).mapProduct(e3, monthly, "i-e3").
				line("300", "i-e3", 6, usd(2500), func(l *connectors.BillingLine) { l.CancelledOn = now.AddDate(0, -1, 0) }).
				line("301", "i-e3", 6, usd(2500), func(l *connectors.BillingLine) { l.Billed = false }).
				line("302", "i-e3", 6, usd(2500), func(l *connectors.BillingLine) { l.EffectiveFrom = now.AddDate(0, 1, 0) }).
				line("303", "i-e3", 6, usd(2500), func(l *connectors.BillingLine) { l.AgreementState = connectors.AgreementCancelled })
		}, Settings{}},
		{"tolerance", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 10, 9).tenantSku(e3, "ENTERPRISEPACK", 10, 10).
				sub("s-bp", spb, monthly, billM, 10, usd(2200), renewSoon).
				sub("s-e3", e3, monthly, billM, 10, usd(2300), renewSoon).
				item("i-bp", "BP", usd(2900)).item("i-e3", "E3", usd(2500)).
				mapProduct(spb, monthly, "i-bp").mapProduct(e3, monthly, "i-e3").
				line("1", "i-bp", 11, usd(2900)).line("2", "i-e3", 8, usd(2500))
		}, Settings{Tolerance: 1}},
		{"ignored_products", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 10, 5).tenantSku(ex1, "EXCHANGESTANDARD", 4, 1).
				sub("s-bp", spb, monthly, billM, 10, usd(2200), renewSoon).
				item("i-bp", "BP", usd(2900)).mapProduct(spb, monthly, "i-bp").line("1", "i-bp", 3, usd(2900))
		}, Settings{IgnoreProducts: []string{strings.ToUpper(spb), ex1}}},
		{"basis_assigned", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(spb, "SPB", 15, 18).tenantSku(ex1, "EXCHANGESTANDARD", 5, 3).
				sub("s-m", spb, monthly, billM, 5, usd(2640), renewSoon).
				sub("s-a", spb, annual, billA, 10, usd(26400), renewLater).
				item("i-m", "BP monthly", usd(2900)).item("i-a", "BP annual", usd(2600)).item("i-ex", "Exchange P1", usd(500)).
				mapProduct(spb, monthly, "i-m").mapProduct(spb, annual, "i-a").mapProduct(ex1, monthly, "i-ex").
				line("1", "i-m", 5, usd(2900)).line("2", "i-a", 10, usd(2600))
		}, Settings{BillingBasis: BasisAssigned}},
		{"bought_elsewhere_and_mismatch", func() *world {
			return newWorld().customer(1, "Contoso", true, true).
				tenantSku(ex1, "EXCHANGESTANDARD", 5, 5).tenantSku(e3, "ENTERPRISEPACK", 8, 8).tenantSku(spb, "SPB", 12, 12).
				sub("s-e3", e3, monthly, billM, 10, usd(2300), renewSoon).
				sub("s-bp", spb, monthly, billM, 10, usd(2200), renewSoon)
		}, Settings{}},
		{"two_currencies", func() *world {
			w := newWorld().customer(1, "Contoso US", true, true).
				tenantSku(spb, "SPB", 10, 8).
				sub("s-us", spb, monthly, billM, 10, usd(2200), renewSoon).
				item("i-us", "BP", usd(2900)).mapProduct(spb, monthly, "i-us").line("1", "i-us", 9, usd(2900))
			w.customer(2, "Fabrikam DE", true, true).
				tenantSku(spb, "SPB", 10, 10).
				sub("s-de", spb, monthly, billM, 10, eur(2050), renewSoon).
				line("2", "i-us", 12, eur(2700))
			return w
		}, Settings{}},
		{"microsoft_only", func() *world {
			w := newWorld().customer(1, "Contoso", false, false).tenantSku(spb, "SPB", 10, 12)
			w.in.Distributor, w.in.PSA = nil, nil
			w.customer(2, "Not read yet", false, false)
			w.in.Customers[1].Licences = nil
			return w
		}, Settings{}},
		{"unmatched_accounts", func() *world {
			w := newWorld().customer(1, "Contoso", false, true).tenantSku(spb, "SPB", 10, 10).
				item("i-bp", "BP", usd(2900)).mapProduct(spb, monthly, "i-bp").line("1", "i-bp", 10, usd(2900))
			w.in.Accounts[0].Distributor = AccountMatch{AccountID: "d1", State: StateSuggested, Evidence: EvidenceSimilarName, Score: 70}
			w.customer(2, "Fabrikam", true, false).tenantSku(e3, "ENTERPRISEPACK", 3, 1).
				sub("s-e3", e3, monthly, billM, 3, usd(2300), renewSoon)
			w.in.Distributor.Subscriptions = append(w.in.Distributor.Subscriptions, connectors.DistributorSubscription{
				ID: "s-x", AccountID: "d2", Microsoft: true, Status: connectors.StatusActive, Quantity: 2,
				Product: connectors.DistributorProduct{ID: "mystery", Name: "Mystery bundle"}})
			w.in.Ties = append(w.in.Ties, SkuTie{ProductID: "mystery", ProductName: "Mystery bundle", State: StateUnmapped})
			return w
		}, Settings{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := tt.world()
			w.in.Settings = tt.set
			rep := Reconcile(w.in)
			var got bytes.Buffer
			if err := writeJSON(&got, documentOf(rep)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, got.Bytes())
			checkInvariants(t, rep)
			checkKeepable(t, w.in)
		})
	}
}

// checkInvariants are the rules every report keeps, whatever the data.
func checkInvariants(t *testing.T, rep Report) {
	t.Helper()
	perSku := map[string]map[FindingKind]bool{}
	for _, f := range rep.Findings {
		if f.Quantity <= 0 || f.MonthlyAmount.Minor < 0 {
			t.Errorf("finding with a quantity or money not positive: %+v", f)
		}
		if f.Kind.PerSku() != (f.Term == "") {
			t.Errorf("%s finding with term %q", f.Kind, f.Term)
		}
		k := f.TenantID + f.SkuID
		if perSku[k] == nil {
			perSku[k] = map[FindingKind]bool{}
		}
		perSku[k][f.Kind] = true
	}
	for k, kinds := range perSku {
		if kinds[FindingNotFromDistributor] && kinds[FindingMicrosoftDistributorMismatch] {
			t.Errorf("%s: not_from_distributor and microsoft_distributor_mismatch together", k)
		}
	}
	for _, c := range rep.Customers {
		for _, s := range c.Skus {
			if s.Unused < 0 || s.Unused != max(0, s.Enabled-s.Assigned) || s.OverAssigned != (s.Assigned > s.Enabled) {
				t.Errorf("%s %s: enabled %d assigned %d unused %d over %v", c.Name, s.Name, s.Enabled, s.Assigned, s.Unused, s.OverAssigned)
			}
		}
	}
}

func TestReconcileSkipsNotReadyAndExcluded(t *testing.T) {
	t.Parallel()
	w := newWorld().customer(1, "Ready", true, true).tenantSku(skuSPB, "SPB", 1, 1).
		customer(2, "Not ready", true, true).tenantSku(skuSPB, "SPB", 1, 1).
		customer(3, "Excluded", true, true).tenantSku(skuSPB, "SPB", 1, 1)
	w.in.Customers[1].Customer.Consent.State = connectors.ConsentLost
	w.in.Accounts[2].Excluded = true
	rep := Reconcile(w.in)
	if len(rep.Customers) != 1 || rep.Customers[0].Name != "Ready" {
		t.Errorf("customers = %+v", rep.Customers)
	}
}

func TestMonthlyEquivalent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    connectors.Money
		freq connectors.BillingFrequency
		term connectors.Term
		want connectors.Money
	}{
		{usd(2200), connectors.BillMonthly, connectors.TermAnnual, usd(2200)},
		{usd(26400), connectors.BillAnnual, connectors.TermAnnual, usd(2200)},
		{usd(1001), connectors.BillAnnual, connectors.TermAnnual, usd(83)}, // 83.41 -> 83
		{usd(1002), connectors.BillAnnual, connectors.TermAnnual, usd(84)}, // 83.5 -> 84 (even)
		{usd(1014), connectors.BillAnnual, connectors.TermAnnual, usd(84)}, // 84.5 -> 84 (even)
		{usd(36000), connectors.BillOnce, connectors.TermTriennial, usd(1000)},
		{usd(2200), connectors.BillUnknown, connectors.TermMonthly, connectors.Money{}},
		{connectors.Money{}, connectors.BillAnnual, connectors.TermAnnual, connectors.Money{}},
	}
	for _, tt := range tests {
		if got, _ := monthlyEquivalent(tt.m, tt.freq, tt.term); got != tt.want {
			t.Errorf("monthlyEquivalent(%v, %s, %s) = %v, want %v", tt.m, tt.freq, tt.term, got, tt.want)
		}
	}
}

func TestReportCSV(t *testing.T) {
	t.Parallel()
	w := newWorld().customer(1, "=Contoso", true, true).
		tenantSku(skuSPB, "SPB", 15, 12).tenantSku(skuExchange1, "EXCHANGESTANDARD", 2, 2).
		sub("s-a", skuSPB, connectors.TermAnnual, connectors.BillAnnual, 10, usd(26400), renewSoon).
		item("i-a", "BP", usd(2600)).mapProduct(skuSPB, connectors.TermAnnual, "i-a").line("1", "i-a", 9, usd(2600))
	w.in.Now = now
	rep := Reconcile(w.in)
	var lic, fnd bytes.Buffer
	if err := rep.WriteLicencesCSV(&lic); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteFindingsCSV(&fnd); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "licences_csv", lic.Bytes())
	checkGolden(t, "findings_csv", fnd.Bytes())
}

// bigWorld is n customers with 20 SKUs each. Every SKU has a monthly
// subscription and a billed line; one in `annualEvery` also has an annual
// subscription and its own line. One SKU in `offEvery` is off (unused
// seats, a line billing one too many, the tenant above the distributor);
// the rest reconcile cleanly.
func bigWorld(n, annualEvery, offEvery int) ReconcileInput {
	all := skusForBench(20)
	w := newWorld()
	for _, s := range all {
		w.item("m-"+s, "monthly "+s, usd(2000)).item("a-"+s, "annual "+s, usd(1800)).
			mapProduct(s, connectors.TermMonthly, "m-"+s).mapProduct(s, connectors.TermAnnual, "a-"+s)
	}
	pair := 0
	for c := 1; c <= n; c++ {
		w.customer(c, fmt.Sprintf("Customer %05d", c), true, true)
		for i, s := range all {
			annual := pair%annualEvery == 0
			monthly := 10
			if annual {
				monthly = 4
			}
			enabled, assigned, monthlyBilled := 10, 10, monthly
			if pair%offEvery == 0 {
				enabled, assigned, monthlyBilled = 12, 8, monthly+1
			}
			pair++
			w.tenantSku(s, "", enabled, assigned).
				sub(fmt.Sprintf("m-%d-%d", c, i), s, connectors.TermMonthly, connectors.BillMonthly, monthly, usd(1900), renewSoon).
				line(fmt.Sprintf("lm-%d-%d", c, i), "m-"+s, monthlyBilled, usd(2000))
			if annual {
				w.sub(fmt.Sprintf("a-%d-%d", c, i), s, connectors.TermAnnual, connectors.BillAnnual, 6, usd(20000), renewLater).
					line(fmt.Sprintf("la-%d-%d", c, i), "a-"+s, 6, usd(1800))
			}
		}
	}
	return w.in
}

func skusForBench(n int) []string {
	var out []string
	for _, s := range []string{skuSPB, skuE3, skuExchange1, skuBasic, skuBasicOld} {
		out = append(out, s)
	}
	for i := len(out); i < n; i++ {
		out = append(out, fmt.Sprintf("%08x-0000-4000-8000-000000000000", i))
	}
	return out[:n]
}

// BenchmarkReconcile5000x20 is a large portfolio: 5,000 customers with 20
// SKUs each (100,000 SKU rows, 125,000 subscriptions and billed lines: one
// SKU in four is bought on both terms), one SKU in ten off.
func BenchmarkReconcile5000x20(b *testing.B) {
	in := bigWorld(5000, 4, 10)
	b.ReportAllocs()
	for b.Loop() {
		Reconcile(in)
	}
}

// BenchmarkReconcile5000x20BothTerms has every SKU on both terms (200,000
// subscriptions and lines).
func BenchmarkReconcile5000x20BothTerms(b *testing.B) {
	in := bigWorld(5000, 1, 10)
	b.ReportAllocs()
	for b.Loop() {
		Reconcile(in)
	}
}

// BenchmarkReconcile5000x20AllOff is the worst case: every SKU on both
// terms and every one off, three findings each (300,000 in all).
func BenchmarkReconcile5000x20AllOff(b *testing.B) {
	in := bigWorld(5000, 1, 1)
	b.ReportAllocs()
	for b.Loop() {
		Reconcile(in)
	}
}

func TestBigWorldFindings(t *testing.T) {
	t.Parallel()
	rep := Reconcile(bigWorld(10, 1, 10))
	kinds := map[FindingKind]int{}
	for _, f := range rep.Findings {
		kinds[f.Kind]++
	}
	// 200 SKU rows, 20 of them off: each has 2 unused, 1 over-billed on
	// its monthly item, and 2 more enabled than the distributor sells.
	want := map[FindingKind]int{FindingUnusedLicenses: 20, FindingOverBilled: 20, FindingMicrosoftDistributorMismatch: 20}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("findings = %v, want %v", kinds, want)
	}
	checkInvariants(t, rep)
}

// TestAnnualPSAPricesCountPerMonth: a line on an annually billed agreement,
// and an item priced per year, are money per year; findings are per month.
func TestAnnualPSAPricesCountPerMonth(t *testing.T) {
	t.Parallel()
	annualCycle := func(l *connectors.BillingLine) { l.BillingFrequency = connectors.BillAnnual }
	w := newWorld().customer(1, "Contoso", true, true).
		tenantSku(skuSPB, "SPB", 12, 12).
		sub("s-a", skuSPB, connectors.TermAnnual, connectors.BillAnnual, 12, usd(26400), renewLater).
		item("i-a", "M365 BP (Annual)", usd(31680)).
		mapProduct(skuSPB, connectors.TermAnnual, "i-a").
		line("101", "i-a", 10, usd(31680), annualCycle)
	w.in.PSA.Catalog[0].BillingFrequency = connectors.BillAnnual
	rep := Reconcile(w.in)
	var found bool
	for _, f := range rep.Findings {
		if f.Kind != FindingUnderBilled {
			continue
		}
		found = true
		if f.Quantity != 2 || f.MonthlyAmount != usd(5280) {
			t.Errorf("under-billed %d for %v; want 2 for 52.80 USD a month (316.80 a year / 12 x 2)", f.Quantity, f.MonthlyAmount)
		}
	}
	if !found {
		t.Fatalf("no under_billed finding: %+v", rep.Findings)
	}
	row := rep.Customers[0].Skus[0].Terms[0]
	if row.UnitPrice != usd(2640) {
		t.Errorf("unit price %v, want 26.40 USD a month", row.UnitPrice)
	}
	p := BuildPlan(PlanInput{HomeID: "h", Now: now, Report: rep, PSAKind: "connectwise", Timing: connectors.ApplyAtOnce})
	if len(p.Changes) != 1 || p.Changes[0].MonthlyAmount != usd(5280) {
		t.Errorf("plan = %+v; want one change worth 52.80 USD a month", p.Changes)
	}
}
