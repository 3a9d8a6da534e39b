package licences

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// The screen's interfaces are those of the real implementations.
var (
	_ Reporter             = (*workflow.Reporting)(nil)
	_ Planner              = (*workflow.Reporting)(nil)
	_ Applier              = (*workflow.Applier)(nil)
	_ AuditLog             = (*store.Store)(nil)
	_ workflow.WriteKeeper = (*store.Store)(nil) // so that CheckPlan sees what a plan already changed
)

const (
	skuSPB = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" // Microsoft 365 Business Premium
	skuE3  = "6fd2c87f-b296-42f0-b197-1e91e994b900" // Office 365 E3
	skuEX1 = "4b9405b0-7788-4568-add1-99614e613b69" // Exchange Online (Plan 1)
	homeID = "home-1"
)

var (
	msTaken   = tuitest.Epoch.Add(-3 * time.Hour)
	distTaken = tuitest.Epoch.Add(-170 * time.Minute)
	psaTaken  = tuitest.Epoch.Add(-160 * time.Minute)
	renewal   = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	lineStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

func usd(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "USD"} }
func eur(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "EUR"} }

// world builds a reconcile input one fact at a time, like a small MSP:
// customers matched to a Pax8 account and a ConnectWise company of the same
// number unless told otherwise.
type world struct {
	in reconcile.ReconcileInput
	n  int
}

func newWorld() *world {
	return &world{in: reconcile.ReconcileInput{
		Now:         tuitest.Epoch,
		Distributor: &connectors.DistributorSnapshot{Kind: "pax8", TakenAt: distTaken},
		PSA:         &connectors.PSASnapshot{Kind: "connectwise", TakenAt: psaTaken},
	}}
}

func (w *world) customer(name string, matched bool) *world {
	w.n++
	tenant := fmt.Sprintf("%08d-0000-4000-8000-000000000000", w.n)
	w.in.Customers = append(w.in.Customers, reconcile.TenantLicences{
		Customer: connectors.CustomerStatus{Customer: connectors.Customer{TenantID: tenant, Name: name},
			GDAP: connectors.GDAPSummary{Status: connectors.GDAPActive}, Consent: connectors.ConsentRecord{State: connectors.ConsentReady}},
		Licences: &connectors.LicenceSnapshot{TenantID: tenant, TakenAt: msTaken},
	})
	m := reconcile.AccountMapping{TenantID: tenant, Customer: name,
		Distributor: reconcile.AccountMatch{State: reconcile.StateUnmapped}, PSA: reconcile.AccountMatch{State: reconcile.StateUnmapped}}
	if matched {
		m.Distributor = reconcile.HandMatch(fmt.Sprint("d", w.n), name)
		m.PSA = reconcile.HandMatch(fmt.Sprint("c", w.n), name)
	}
	w.in.Accounts = append(w.in.Accounts, m)
	return w
}

func (w *world) last() *reconcile.TenantLicences { return &w.in.Customers[len(w.in.Customers)-1] }

func (w *world) stale(reason string) *world {
	l := w.last().Licences
	l.Stale, l.StaleReason, l.StaleSince = true, reason, msTaken
	return w
}

func (w *world) tenantSku(sku string, enabled, assigned int) *world {
	l := w.last().Licences
	l.Skus = append(l.Skus, connectors.SubscribedSku{SkuID: sku, ConsumedUnits: assigned,
		PrepaidUnits: connectors.PrepaidUnits{Enabled: enabled}})
	return w
}

// sub adds a Pax8 subscription of the last customer, its product tied to sku.
func (w *world) sub(id, sku string, term connectors.Term, qty int, cost connectors.Money) *world {
	pid := sku[:8] + "-" + string(term)
	s := connectors.DistributorSubscription{ID: id, AccountID: fmt.Sprint("d", w.n), Microsoft: true, Term: term,
		BillingFrequency: connectors.BillMonthly, Quantity: qty, UnitCost: cost, CommitmentEnd: renewal,
		Status: connectors.StatusActive, Product: connectors.DistributorProduct{ID: pid, Name: pid}}
	if term == connectors.TermMonthly {
		s.CommitmentEnd = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	}
	w.in.Distributor.Subscriptions = append(w.in.Distributor.Subscriptions, s)
	if !slices.ContainsFunc(w.in.Ties, func(t reconcile.SkuTie) bool { return t.ProductID == pid }) {
		w.in.Ties = append(w.in.Ties, reconcile.HandTie(pid, pid, sku))
	}
	return w
}

func (w *world) item(id, name string, price connectors.Money, sku string, term connectors.Term) *world {
	w.in.PSA.Catalog = append(w.in.PSA.Catalog, connectors.CatalogItem{ID: id, Description: name, Price: price, Active: true, Recurring: true})
	w.in.Products = append(w.in.Products, reconcile.HandProductMatch(reconcile.ProductKey{SkuID: sku, Term: term}, id, name))
	return w
}

// line adds a ConnectWise agreement addition of the last customer.
func (w *world) line(id, item string, qty int, price connectors.Money) *world {
	w.in.PSA.Lines = append(w.in.PSA.Lines, connectors.BillingLine{
		LineRef:       connectors.LineRef{CompanyID: fmt.Sprint("c", w.n), AgreementID: fmt.Sprint("ag", w.n), LineID: id},
		AgreementName: "Microsoft 365", AgreementState: connectors.AgreementActive, ItemID: item,
		Quantity: qty, UnitPrice: price, Billed: true, EffectiveFrom: lineStart, Version: "v-" + id})
	return w
}

// sampleWorld is the portfolio of the tests. before says whether the PSA
// still bills what it billed before the plan was applied; after applying,
// the lines hold the planned quantities.
func sampleWorld(applied bool) reconcile.ReconcileInput {
	monthly, annual := connectors.TermMonthly, connectors.TermAnnual
	billed := func(before, after int) int {
		if applied {
			return after
		}
		return before
	}
	w := newWorld().
		customer("Contoso Ltd", true).
		tenantSku(skuSPB, 25, 20).tenantSku(skuE3, 10, 10).
		sub("s-100", skuSPB, annual, 25, usd(1800)).
		sub("s-101", skuE3, monthly, 10, usd(2000)).
		item("i-spb", "M365 Business Premium (annual)", usd(2200), skuSPB, annual).
		item("i-e3", "Office 365 E3", usd(2500), skuE3, monthly).
		line("L-1", "i-spb", billed(20, 25), usd(2200)).
		line("L-2", "i-e3", billed(12, 10), usd(2500)).
		customer("Fabrikam Inc", true).
		tenantSku(skuSPB, 5, 5).tenantSku(skuEX1, 2, 2).
		sub("s-200", skuSPB, annual, 5, usd(1800)).
		sub("s-201", skuEX1, monthly, 2, usd(400)).
		item("i-ex1", "Exchange Online Plan 1", usd(500), skuEX1, monthly).
		line("L-3", "i-spb", 5, usd(2200)).
		line("L-4", "i-ex1", billed(1, 2), usd(500)).
		customer("Northwind Traders", false).
		tenantSku(skuSPB, 8, 3).tenantSku(skuEX1, 4, 4).
		customer("Tailspin Toys", true).stale("Microsoft Graph answered 403 Forbidden: the consent was removed").
		tenantSku(skuSPB, 3, 3).
		sub("s-400", skuSPB, annual, 3, usd(1800)).
		line("L-5", "i-spb", billed(2, 3), usd(2200)).
		customer("Wingtip Toys", true).
		tenantSku(skuSPB, 4, 4).
		sub("s-500", skuSPB, monthly, 4, eur(1700)).
		item("i-spb-m", "M365 Business Premium (monthly)", eur(2100), skuSPB, monthly)
	// One (SKU, term) still waits for a PSA item.
	w.in.Products = append(w.in.Products, reconcile.ProductMatch{ProductKey: reconcile.ProductKey{SkuID: skuE3, Term: annual},
		State: reconcile.StateUnmapped})
	return w.in
}

// fakeReports is a Reporter over an input the test can swap, as a sync or
// an apply would change the store.
type fakeReports struct {
	mu    sync.Mutex
	in    reconcile.ReconcileInput
	err   error
	calls int
}

func (f *fakeReports) Tables() (reconcile.Tables, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return reconcile.Tables{}, f.err
	}
	return reconcile.TablesOf(f.in), nil
}

func (f *fakeReports) set(in reconcile.ReconcileInput) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.in = in
}

func (f *fakeReports) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// fakePlans makes plans from fakeReports' report, as workflow.Reporting
// does from the store, and refuses with checkErr.
type fakePlans struct {
	reports  *fakeReports
	mu       sync.Mutex
	checkErr error
	checked  []string // home ids CheckPlan was asked about
	keep     []bool   // whether CheckPlan got a WriteKeeper
	plans    int
}

func (f *fakePlans) Plan(o workflow.PlanOptions) (reconcile.Plan, error) {
	t, err := f.reports.Tables()
	if err != nil {
		return reconcile.Plan{}, err
	}
	rep := t.Report
	f.reports.mu.Lock()
	in := f.reports.in
	f.reports.mu.Unlock()
	f.mu.Lock()
	f.plans++
	f.mu.Unlock()
	return reconcile.BuildPlan(reconcile.PlanInput{HomeID: o.HomeID, Now: tuitest.Epoch, Report: rep, PSAKind: o.PSAKind,
		Timing: o.Timing, EffectiveDate: o.EffectiveDate, Snapshots: reconcile.SnapshotsOf(in)}), nil
}

func (f *fakePlans) CheckPlan(p reconcile.Plan, home string, keep workflow.WriteKeeper) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checked = append(f.checked, home)
	f.keep = append(f.keep, keep != nil)
	return f.checkErr
}

func (f *fakePlans) planCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.plans
}

// fakeApplier answers each change with the next of outcomes, in turn, and
// then makes the reports show the applied world, as a PSA re-read would.
type fakeApplier struct {
	mu       sync.Mutex
	outcomes []workflow.ApplyResult // Outcome and Reason used, in turn
	settled  []connectors.PSAWrite
	hold     chan struct{} // when set, each change waits for it
	events   []string      // "resolve", "apply [0 1]"
	onApply  func()
}

func (f *fakeApplier) Resolve(context.Context) ([]connectors.PSAWrite, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, "resolve")
	return f.settled, nil
}

func (f *fakeApplier) Apply(ctx context.Context, p reconcile.Plan, only []int, progress workflow.ApplyProgress) ([]workflow.ApplyResult, error) {
	f.mu.Lock()
	f.events = append(f.events, fmt.Sprint("apply ", only))
	outcomes, hold := f.outcomes, f.hold
	f.mu.Unlock()
	var out []workflow.ApplyResult
	for n, i := range only {
		if hold != nil {
			select {
			case <-hold:
			case <-ctx.Done():
				return out, ctx.Err()
			}
		}
		r := workflow.ApplyResult{Change: p.Changes[i], Outcome: connectors.WriteApplied}
		if len(outcomes) > 0 {
			r.Outcome, r.Reason = outcomes[n%len(outcomes)].Outcome, outcomes[n%len(outcomes)].Reason
		}
		out = append(out, r)
		progress(n+1, len(only), r)
	}
	if f.onApply != nil {
		f.onApply()
	}
	return out, nil
}

func (f *fakeApplier) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.events)
}

// fakeAudit is a write log.
type fakeAudit struct{ writes []connectors.PSAWrite }

func (f fakeAudit) PSAWrites(bool) ([]connectors.PSAWrite, error) { return f.writes, nil }

func sampleWrites() []connectors.PSAWrite {
	at := func(min int) time.Time { return tuitest.Epoch.Add(-time.Duration(min) * time.Minute) }
	ref := func(id string) connectors.LineRef {
		return connectors.LineRef{CompanyID: "c1", AgreementID: "ag1", LineID: id}
	}
	// Newest first, as the store gives them.
	return []connectors.PSAWrite{
		{ID: 3, PSA: "connectwise", OSUser: "alex", MicrosoftAccount: "alex@msp.example", Customer: "Contoso Ltd",
			Product: "Office 365 E3", Line: ref("L-2"), Before: 12, After: 10, Outcome: connectors.WriteSkipped,
			Reason: "the line holds 11 now, not 12 as planned: someone changed it; make a new plan", StartedAt: at(5)},
		{ID: 2, PSA: "connectwise", OSUser: "alex", MicrosoftAccount: "alex@msp.example", Customer: "Contoso Ltd",
			Product: "Microsoft 365 Business Premium", Line: ref("L-1"), Before: 20, After: 25, Outcome: connectors.WriteApplied,
			StartedAt: at(6)},
		{ID: 1, PSA: "connectwise", OSUser: "sam", Customer: "Fabrikam Inc", Product: "Exchange Online (Plan 1)",
			Line: connectors.LineRef{CompanyID: "c2", AgreementID: "ag2", LineID: "L-4"}, Before: 1, After: 2,
			Outcome: connectors.WriteFailed, Reason: "ConnectWise answered 500 Internal Server Error", StartedAt: at(60 * 26)},
	}
}

// fixture is one screen with fakes behind it, driven like a program.
type fixture struct {
	t       *testing.T
	model   *Model
	driver  *tuitest.Driver
	harness *tuitest.Harness
	reports *fakeReports
	plans   *fakePlans
	applier *fakeApplier
	deps    Deps
}

type option func(*fixture)

func readOnly() option { return func(f *fixture) { f.deps.WriteEnabled = false } }

func withSync(fn SyncFunc) option { return func(f *fixture) { f.deps.Sync = fn } }

func newFixture(t *testing.T, width, height int, opts ...option) *fixture {
	t.Helper()
	reports := &fakeReports{in: sampleWorld(false)}
	f := &fixture{t: t, reports: reports, plans: &fakePlans{reports: reports}, applier: &fakeApplier{}}
	f.applier.onApply = func() { reports.set(sampleWorld(true)) }
	f.deps = Deps{
		Reports: reports, Plans: f.plans, Writer: f.applier, WriteEnabled: true, PSAName: "ConnectWise",
		PlanOptions: workflow.PlanOptions{HomeID: homeID, PSAKind: "connectwise", Timing: connectors.ApplyAtOnce},
		Audit:       fakeAudit{writes: sampleWrites()},
		StaleAfter:  24 * time.Hour,
	}
	for _, o := range opts {
		o(f)
	}
	c, _ := tuitest.NewCommon(t, common.Deps{})
	f.model = New(c, f.deps)
	f.model.SetSize(width, height)
	f.harness = tuitest.NewHarness(f.model)
	f.driver = tuitest.NewDriver(t, f.harness)
	f.driver.Init()
	f.driver.Until("the tables are loaded", func() bool { return f.model.loaded && !f.model.loading })
	return f
}

func (f *fixture) view() string { return ansi.Strip(f.model.View()) }

func (f *fixture) press(keys ...string) { f.driver.Press(keys...) }

// until waits for text in the view.
func (f *fixture) until(text string) {
	f.t.Helper()
	f.driver.Until(fmt.Sprintf("the view shows %q", text), func() bool { return strings.Contains(f.view(), text) })
}

// openCustomer moves the portfolio cursor to name and opens it.
func (f *fixture) openCustomer(name string) {
	f.t.Helper()
	f.press("home")
	for i := 0; ; i++ {
		s, ok := f.model.portfolio.selected()
		if ok && s.cl.Name == name {
			break
		}
		if i > len(f.model.portfolio.visible) {
			f.t.Fatalf("no customer %q in the portfolio", name)
		}
		f.press("down")
	}
	f.press("enter")
	if f.model.view != viewCustomer {
		f.t.Fatalf("enter did not open %s", name)
	}
}

// openChanges opens the Changes view and waits for the plan.
func (f *fixture) openChanges() {
	f.t.Helper()
	f.press("c")
	f.driver.Until("the plan is made", func() bool { return f.model.changes.plan != nil && !f.model.changes.loading })
}

var errRefused = fmt.Errorf("%w: a newer sync changed the numbers it was computed from (Contoso Ltd, Office 365 E3); make a new plan with `seats reconcile plan`",
	workflow.ErrPlanRefused)
