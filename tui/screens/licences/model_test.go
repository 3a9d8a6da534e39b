package licences

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func (f *fixture) visibleNames() []string {
	var out []string
	for _, i := range f.model.portfolio.visible {
		out = append(out, f.model.portfolio.rows[i].cl.Name)
	}
	return out
}

func TestPortfolioOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	// Money at stake in the main currency (USD) first: Contoso 90 unused +
	// 110 under-billed + 50 owed back; Tailspin 22; Fabrikam 5. Wingtip's
	// money is in EUR only, and Northwind has none.
	want := []string{"Contoso Ltd", "Tailspin Toys", "Fabrikam Inc", "Wingtip Toys", "Northwind Traders"}
	if got := f.visibleNames(); !slices.Equal(got, want) {
		t.Errorf("by money: %v, want %v", got, want)
	}
	f.press("o")
	want = []string{"Contoso Ltd", "Fabrikam Inc", "Northwind Traders", "Tailspin Toys", "Wingtip Toys"}
	if got := f.visibleNames(); !slices.Equal(got, want) {
		t.Errorf("by name: %v, want %v", got, want)
	}
	if !strings.Contains(f.view(), "Order name") {
		t.Errorf("the order is not named:\n%s", f.view())
	}
}

func TestPortfolioFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		presses int
		label   string
		want    []string
	}{
		{1, "With findings", []string{"Contoso Ltd", "Tailspin Toys", "Fabrikam Inc", "Wingtip Toys"}},
		{2, "Stale", []string{"Tailspin Toys"}},
		{3, "Not matched", []string{"Northwind Traders"}},
		{4, "All", []string{"Contoso Ltd", "Tailspin Toys", "Fabrikam Inc", "Wingtip Toys", "Northwind Traders"}},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 120, 40)
			for range tt.presses {
				f.press("f")
			}
			if got := f.visibleNames(); !slices.Equal(got, tt.want) {
				t.Errorf("%v, want %v", got, tt.want)
			}
			if !strings.Contains(f.view(), "Filter "+tt.label) {
				t.Errorf("the filter is not named %q:\n%s", tt.label, f.view())
			}
		})
	}
}

// TestStaleAfter: data older than sync.stale_after is stale too, not only
// data whose last read failed.
func TestStaleAfter(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.model.deps.StaleAfter = 2 * time.Hour // the data is 3h old
	f.model.rebuildPortfolio()
	if f.model.portfolio.stale != 5 {
		t.Errorf("%d stale, want every customer", f.model.portfolio.stale)
	}
	if !strings.Contains(f.view(), "! 5 stale") {
		t.Errorf("the count of stale customers is not shown:\n%s", f.view())
	}
	f.press("f", "f")
	if len(f.model.portfolio.visible) != 5 {
		t.Errorf("the Stale filter shows %v", f.visibleNames())
	}
}

// TestStaleMarkerWithoutColour: a stale customer is told apart by a
// character, not only by colour (the goldens are drawn without colour).
func TestStaleMarkerWithoutColour(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	for _, line := range strings.Split(f.view(), "\n") {
		switch {
		case strings.Contains(line, "Tailspin Toys") && !strings.HasSuffix(line, "! 3h ago"):
			t.Errorf("stale line without its marker: %q", line)
		case strings.Contains(line, "Fabrikam Inc") && strings.Contains(line, "! 3h"):
			t.Errorf("fresh line marked stale: %q", line)
		}
	}
}

func TestPortfolioSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.press("/")
	if !f.model.Typing() {
		t.Fatal("/ did not focus the search")
	}
	f.driver.Type("TOYS")
	if got := f.visibleNames(); !slices.Equal(got, []string{"Tailspin Toys", "Wingtip Toys"}) {
		t.Errorf("search toys: %v", got)
	}
	f.press("enter")
	if f.model.Typing() || !strings.Contains(f.view(), `Search "TOYS"`) {
		t.Errorf("enter did not keep the search:\n%s", f.view())
	}
	// The tenant id is searched too.
	f.press("/", "backspace", "backspace", "backspace", "backspace")
	f.driver.Type("00000003")
	if got := f.visibleNames(); !slices.Equal(got, []string{"Northwind Traders"}) {
		t.Errorf("search by tenant: %v", got)
	}
	f.press("esc")
	if len(f.model.portfolio.visible) != 5 || f.model.portfolio.query != "" {
		t.Errorf("esc did not clear the search: %v", f.visibleNames())
	}
}

func TestPortfolioHeader(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	v := f.view()
	for _, want := range []string{
		"5 customers · 6 findings · money found 84.00 EUR, 227.00 USD a month · owed back 50.00 USD a month",
		"! 1 customer not matched: see Accounts · 1 product not matched: see Products",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the header lacks %q:\n%s", want, v)
		}
	}
}

// TestMicrosoftOnly: before a distributor or PSA is read, the tables work
// with what Microsoft says, and say what is missing.
func TestMicrosoftOnly(t *testing.T) {
	t.Parallel()
	in := sampleWorld(false)
	in.Distributor, in.PSA = nil, nil
	f := newFixture(t, 120, 40, func(f *fixture) { f.reports.set(in) })
	if !strings.Contains(f.view(), "Microsoft data only: connect a distributor and a PSA") {
		t.Errorf("the portfolio does not say the data is Microsoft's only:\n%s", f.view())
	}
	f.openCustomer("Contoso Ltd")
	v := f.view()
	for _, want := range []string{"no distributor connected", "no PSA connected", "Microsoft 365 Business Premium"} {
		if !strings.Contains(v, want) {
			t.Errorf("the customer view lacks %q:\n%s", want, v)
		}
	}
	for _, r := range f.model.customer.rows {
		if r.kind == rowTerm || r.kind == rowFinding {
			t.Errorf("a %v row without distributor or PSA data", r.kind)
		}
	}
}

func TestEmptyPortfolio(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 80, 24, func(f *fixture) {
		in := sampleWorld(false)
		in.Customers, in.Accounts = nil, nil
		f.reports.set(in)
	}, withSync(gatedSync(nil, new(atomic.Int32))))
	if !strings.Contains(f.view(), "No Ready customer has licence data yet: press s to sync") {
		t.Errorf("the empty portfolio does not say what to do:\n%s", f.view())
	}
	f.press("enter", "down", "end")
	if f.model.view != viewPortfolio {
		t.Error("enter opened a customer that does not exist")
	}
}

func TestCustomerRows(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.openCustomer("Contoso Ltd")
	type line struct {
		kind    rowKind
		finding reconcile.FindingKind
	}
	var got []line
	for _, r := range f.model.customer.rows {
		l := line{kind: r.kind}
		if r.kind == rowFinding {
			l.finding = f.model.report.Findings[r.finding].Kind
		}
		got = append(got, l)
	}
	// Each finding sits below the row it concerns: unused seats below the
	// SKU, billing below the term billed as the PSA item.
	want := []line{
		{rowSku, ""}, {rowFinding, reconcile.FindingUnusedLicenses}, {rowTerm, ""}, {rowFinding, reconcile.FindingUnderBilled},
		{rowSku, ""}, {rowTerm, ""}, {rowFinding, reconcile.FindingOverBilled},
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	f.press("esc")
	if f.model.view != viewPortfolio {
		t.Error("esc did not go back to the portfolio")
	}
}

// TestWhereFrom: the pane says where each number of the selected row came
// from.
func TestWhereFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		downs int
		want  []string
	}{
		{"sku", 0, []string{"Enabled 25, assigned 20 ← microsoft subscribedSkus " + skuSPB + " (read 2026-03-02 06:00 UTC)"}},
		{"unused finding", 1, []string{"! Unused seats: 25 enabled, 20 assigned", "← microsoft subscribedSkus", "← pax8 subscription"}},
		{"term", 2, []string{
			"Purchased 25 ← pax8 subscriptions s-100 (read 2026-03-02 06:10 UTC; active and pending cancellation)",
			"Billed 20 ← connectwise billing lines L-1 (read 2026-03-02 06:20 UTC)",
			"To bill 25 ← settings billing.basis distributor (to bill = purchased)",
			"Unit cost 18.00 USD a month ← pax8 subscription s-100",
			"Unit price 22.00 USD a month ← connectwise billing line L-1",
			"Money 440.00 USD a month = billed 20 × unit price",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 160, 50)
			f.openCustomer("Contoso Ltd")
			for range tt.downs {
				f.press("down")
			}
			f.press("enter") // the whole pane
			v := f.view()
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("the pane lacks %q:\n%s", w, v)
				}
			}
		})
	}
}

func TestCustomerGoneAfterReload(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.openCustomer("Northwind Traders")
	in := sampleWorld(false)
	in.Customers = slices.DeleteFunc(in.Customers, func(c reconcile.TenantLicences) bool { return c.Customer.Name == "Northwind Traders" })
	f.reports.set(in)
	f.driver.Send(tea.FocusMsg{})
	f.driver.Until("the view goes back to the portfolio", func() bool { return f.model.view == viewPortfolio })
	if len(f.model.portfolio.rows) != 4 {
		t.Errorf("%d customers after the reload", len(f.model.portfolio.rows))
	}
}

func TestReportError(t *testing.T) {
	t.Parallel()
	f := &fakeReports{err: errors.New("the store is locked by another seats")}
	c, _ := tuitest.NewCommon(t, common.Deps{})
	m := New(c, Deps{Reports: f, Sync: func(context.Context, func(SyncStep)) error { return nil }})
	m.SetSize(80, 24)
	h := tuitest.NewHarness(m)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("the error is reported", func() bool { return len(h.Errs) > 0 })
	if h.Errs[0].Op != "Compute the licence tables" {
		t.Errorf("op %q", h.Errs[0].Op)
	}
	if v := m.View(); !strings.Contains(v, "could not be computed") || !strings.Contains(v, "s syncs") {
		t.Errorf("the view does not say so:\n%s", v)
	}
}

// --- changes ----------------------------------------------------------------------

func mixedOutcomes() []workflow.ApplyResult {
	return []workflow.ApplyResult{
		{Outcome: connectors.WriteApplied},
		{Outcome: connectors.WriteSkipped, Reason: "the line holds 11 now, not 12 as planned: someone changed it; make a new plan"},
		{Outcome: connectors.WriteFailed, Reason: "ConnectWise answered 500 Internal Server Error"},
		{Outcome: connectors.WriteUnconfirmed, Reason: "the PSA timed out; whether it took the change is not known"},
	}
}

func TestApplyMixedOutcomes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 160, 50)
	f.applier.outcomes = mixedOutcomes()
	f.applier.settled = []connectors.PSAWrite{{Customer: "Fabrikam Inc", Product: "Exchange Online (Plan 1)",
		Outcome: connectors.WriteApplied, Reason: "applied; confirmed by re-reading the line after an interrupted run"}}
	f.openChanges()
	if n := len(f.model.changes.plan.Changes); n != 4 {
		t.Fatalf("%d changes planned, want 4", n)
	}
	f.press("a", "enter")
	if f.model.changes.step != stepConfirm {
		t.Fatalf("enter did not ask first:\n%s", f.view())
	}
	if !strings.Contains(f.view(), "Apply 4 of the 4 changes to ConnectWise?") ||
		!strings.Contains(f.view(), "They change the monthly bill by +87.00 USD a month.") {
		t.Errorf("the question does not name the count and the money:\n%s", f.view())
	}
	f.press("y")
	f.driver.Until("the results are shown", func() bool { return f.model.changes.step == stepResults })
	v := f.view()
	for _, want := range []string{
		"1 applied · 1 skipped · 1 failed · 1 unconfirmed",
		"Settled first, from an interrupted run: Fabrikam Inc",
		"✓ applied Contoso Ltd · Microsoft 365 Business Premium (annual) · line L-1: 20 → 25",
		"– skipped Contoso Ltd · Office 365 E3 (monthly) · line L-2: 12 → 10: the line holds 11 now",
		"✗ failed Fabrikam Inc · Exchange Online (Plan 1) (monthly) · line L-4: 1 → 2: ConnectWise answered 500",
		"? unconfirmed Tailspin Toys",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the results lack %q:\n%s", want, v)
		}
	}
	if got, want := f.applier.log(), []string{"resolve", "apply [0 1 2 3]"}; !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v: interrupted writes are settled before anything is written", got, want)
	}
	if !slices.Equal(f.plans.checked, []string{homeID}) {
		t.Errorf("the plan was checked for %v, want the home %s", f.plans.checked, homeID)
	}
	f.driver.Until("the apply's task ends, with a step per change", func() bool {
		return slices.ContainsFunc(f.harness.Ended, func(e common.TaskDoneMsg) bool { return e.ID == taskApply }) &&
			len(f.harness.Progress) >= 4
	})
	var started, ended bool
	for _, s := range f.harness.Started {
		started = started || s.ID == taskApply && s.Total == 4
	}
	for _, e := range f.harness.Ended {
		if e.ID == taskApply {
			ended = true
			if e.Level != common.LevelWarning || e.Result != "Applied 1 of 4 changes to ConnectWise" {
				t.Errorf("the task ends with %v %q", e.Level, e.Result)
			}
		}
	}
	if !started || !ended {
		t.Errorf("the apply was not shown as a counted task: %v %v", f.harness.Started, f.harness.Ended)
	}
	if n := len(f.harness.Progress); n != 4 {
		t.Errorf("%d progress steps, want one per change", n)
	}
	f.press("enter")
	if f.model.changes.step != stepList {
		t.Error("enter did not close the results")
	}
}

func TestApplyOnlySelected(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.openChanges()
	f.press("down", " ") // the second change; space moves on
	if got := f.model.changes.chosen(); !slices.Equal(got, []int{1}) {
		t.Fatalf("chosen %v", got)
	}
	if !strings.Contains(f.view(), "1 selected, -50.00 USD/mo") {
		t.Errorf("the selection and its money are not shown:\n%s", f.view())
	}
	f.press("enter", "y")
	f.driver.Until("the results are shown", func() bool { return f.model.changes.step == stepResults })
	if got := f.applier.log(); !slices.Equal(got, []string{"resolve", "apply [1]"}) {
		t.Errorf("calls %v", got)
	}
}

func TestApplyNeedsASelection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.openChanges()
	f.press("enter")
	if f.model.changes.step != stepList {
		t.Error("enter asked to apply nothing")
	}
	f.press("a", "a", "enter")
	if f.model.changes.step != stepList {
		t.Error("a twice should select none")
	}
	f.press("a", "enter", "n")
	if f.model.changes.step != stepList || len(f.applier.log()) != 0 {
		t.Errorf("n did not go back without writing: step %v, calls %v", f.model.changes.step, f.applier.log())
	}
}

// TestReadOnly: with psa.write_enabled off, the plan is shown and nothing
// can be applied.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  option
		want string
	}{
		{"writes off", readOnly(), "! Read-only: psa.write_enabled is off"},
		{"no writer", func(f *fixture) { f.deps.Writer = nil }, "! Read-only: seats cannot write to ConnectWise"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 120, 40, tt.opt)
			f.openChanges()
			f.press(" ", "a", "enter", "y")
			v := f.view()
			if !strings.Contains(v, tt.want) {
				t.Errorf("the view lacks %q:\n%s", tt.want, v)
			}
			if strings.Contains(v, "[ ]") || strings.Contains(v, "[x]") || strings.Contains(v, "selected") {
				t.Errorf("a read-only plan offers a selection:\n%s", v)
			}
			if f.model.changes.step != stepList || len(f.applier.log()) != 0 {
				t.Errorf("read-only applied: step %v, calls %v", f.model.changes.step, f.applier.log())
			}
			for _, b := range f.model.ShortHelp() {
				if b.Enabled() && (b.Help().Desc == "review & apply" || b.Help().Desc == "select") {
					t.Errorf("the footer offers %q", b.Help().Desc)
				}
			}
			if !strings.Contains(v, "Contoso Ltd") || !strings.Contains(v, "20 → 25") {
				t.Errorf("the plan is not shown:\n%s", v)
			}
		})
	}
}

// TestRefreshAfterApply: once the changes are written the PSA is read
// again, the tables are computed again and the plan is made again.
func TestRefreshAfterApply(t *testing.T) {
	t.Parallel()
	var reread atomic.Int32
	f := newFixture(t, 120, 40, func(f *fixture) {
		f.deps.AfterApply = func(context.Context) error { reread.Add(1); return nil }
	})
	before := f.reports.count()
	f.openChanges()
	plans := f.plans.planCount()
	f.press("a", "enter", "y")
	f.driver.Until("the plan is made again from the new numbers", func() bool {
		return f.plans.planCount() > plans && !f.model.changes.loading && f.model.changes.plan != nil &&
			len(f.model.changes.plan.Changes) == 0
	})
	if reread.Load() != 1 {
		t.Errorf("the PSA was read again %d times, want once", reread.Load())
	}
	if f.reports.count() <= before+1 { // the plan's own report, then the tables'
		t.Errorf("the tables were not computed again (%d reports)", f.reports.count())
	}
	f.press("enter") // close the results
	if !strings.Contains(f.view(), "✓ No quantity to change") || !strings.Contains(f.view(), "+ Wingtip Toys") {
		t.Errorf("the new plan is not shown:\n%s", f.view())
	}
	f.press("esc")
	if !strings.Contains(f.view(), "5 customers · 2 findings") {
		t.Errorf("the portfolio still shows the old findings:\n%s", f.view())
	}
}

// TestPlanFollowsTheStore: a plan made before the store changed is not the
// one shown afterwards.
func TestPlanFollowsTheStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.openChanges()
	f.press("a", "esc")
	f.reports.set(sampleWorld(true)) // another seats applied and synced
	f.driver.Send(tea.FocusMsg{})
	f.driver.Until("the tables are read again", func() bool { return !f.model.loading && f.model.changes.plan == nil })
	f.openChanges()
	if n := len(f.model.changes.plan.Changes); n != 0 {
		t.Errorf("%d changes shown from the old numbers", n)
	}
	if len(f.model.changes.chosen()) != 0 {
		t.Error("a selection survived into a new plan")
	}
}

func TestApplyRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.plans.checkErr = errRefused
	f.openChanges()
	f.press("a", "enter", "y")
	f.driver.Until("the results are shown", func() bool { return f.model.changes.step == stepResults })
	if got := f.applier.log(); !slices.Equal(got, []string{"resolve"}) {
		t.Errorf("calls %v: a refused plan writes nothing", got)
	}
	f.driver.Until("the error is reported", func() bool { return len(f.harness.Errs) > 0 })
	if !errors.Is(f.harness.Errs[0], workflow.ErrPlanRefused) {
		t.Errorf("error %v", f.harness.Errs[0])
	}
	if v := f.view(); !strings.Contains(v, "✗ The apply stopped: plan refused: a newer sync changed the numbers") {
		t.Errorf("the refusal is not shown:\n%s", v)
	}
}

func TestQuitWarningWhileApplying(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	hold := make(chan struct{})
	f.applier.hold = hold
	f.openChanges()
	f.press("a", "enter", "y")
	if w := f.model.QuitWarning(); !strings.Contains(w, "Applying changes to ConnectWise (0 of 4 done)") {
		t.Errorf("quit warning %q", w)
	}
	if strings.Contains(f.view(), "[x]") || !strings.Contains(f.view(), "Applying 4 changes to ConnectWise") {
		t.Errorf("the view does not show the apply:\n%s", f.view())
	}
	f.press("s", "c", "esc")
	if f.model.view != viewChanges || f.model.sync != nil {
		t.Error("keys acted while applying")
	}
	hold <- struct{}{}
	f.driver.Until("one result", func() bool { return f.model.changes.apply != nil && len(f.model.changes.apply.results) == 1 })
	if !strings.Contains(f.view(), "✓ applied Contoso Ltd") {
		t.Errorf("the first result is not shown while the rest run:\n%s", f.view())
	}
	close(hold)
	f.driver.Until("the results are shown", func() bool { return f.model.changes.step == stepResults })
	if w := f.model.QuitWarning(); w != "" {
		t.Errorf("quit warning %q after the apply", w)
	}
}

func TestChangesPlanError(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.model.deps.Plans = planErr{errors.New("no PSA has been read yet: connect one and sync first")}
	f.press("c")
	f.until("! No plan: no PSA has been read yet: connect one and sync first")
}

type planErr struct{ err error }

func (p planErr) Plan(workflow.PlanOptions) (reconcile.Plan, error)            { return reconcile.Plan{}, p.err }
func (p planErr) CheckPlan(reconcile.Plan, string, workflow.WriteKeeper) error { return p.err }

// --- sync ----------------------------------------------------------------------

// gatedSync reports steps, waiting at gate before the last ones.
func gatedSync(gate chan struct{}, calls *atomic.Int32) SyncFunc {
	return func(ctx context.Context, progress func(SyncStep)) error {
		calls.Add(1)
		var wg sync.WaitGroup
		wg.Go(func() {
			progress(SyncStep{Source: SyncDistributor, Label: "Pax8", Total: 1})
			progress(SyncStep{Source: SyncDistributor, Label: "Pax8", Done: 1, Total: 1, Finished: true})
		})
		wg.Go(func() {
			progress(SyncStep{Source: SyncPSA, Label: "ConnectWise", Total: 1})
		})
		for i := range 3 {
			progress(SyncStep{Source: SyncMicrosoft, Done: i, Total: 3})
		}
		wg.Wait()
		if gate != nil {
			select {
			case <-gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		progress(SyncStep{Source: SyncMicrosoft, Done: 3, Total: 3, Finished: true, Failed: 1})
		progress(SyncStep{Source: SyncPSA, Label: "ConnectWise", Done: 1, Total: 1, Finished: true,
			Err: errors.New("ConnectWise answered 401: check the API member's keys")})
		return nil
	}
}

func TestSyncProgress(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	var calls atomic.Int32
	f := newFixture(t, 120, 40, withSync(gatedSync(gate, &calls)))
	loads := f.reports.count()
	f.press("s")
	for _, want := range []string{"Syncing", "Microsoft tenants 2/3 ██████░░░░", "Pax8 ✓", "ConnectWise …"} {
		f.until(want)
	}
	if w := f.model.QuitWarning(); w == "" {
		t.Error("no quit warning while syncing")
	}
	f.press("s")
	if calls.Load() != 1 {
		t.Error("s started a second sync while one ran")
	}
	close(gate)
	f.driver.Until("the sync ends and the tables are read again", func() bool {
		return f.model.sync == nil && !f.model.loading && f.reports.count() > loads &&
			slices.ContainsFunc(f.harness.Ended, func(e common.TaskDoneMsg) bool { return e.ID == taskSync }) &&
			len(f.harness.Started) >= 6 // the load, the sync, three sources, the reload
	})
	ids := map[string]bool{}
	for _, s := range f.harness.Started {
		ids[s.ID] = true
	}
	for _, id := range []string{taskSync, taskSync + "/microsoft", taskSync + "/distributor", taskSync + "/psa"} {
		if !ids[id] {
			t.Errorf("no task %s in %v", id, f.harness.Started)
		}
	}
	var tenants int
	for _, p := range f.harness.Progress {
		if p.ID == taskSync+"/microsoft" {
			tenants = max(tenants, p.Done)
		}
	}
	if tenants != 3 {
		t.Errorf("Microsoft progress reached %d of 3", tenants)
	}
	var summary common.TaskDoneMsg
	for _, e := range f.harness.Ended {
		if e.ID == taskSync {
			summary = e
		}
	}
	if summary.Level != common.LevelWarning || !strings.Contains(summary.Result, "Microsoft tenants: 2 of 3 read, 1 failed") ||
		!strings.Contains(summary.Result, "ConnectWise: ConnectWise answered 401") || !strings.Contains(summary.Result, "Pax8 read") {
		t.Errorf("the sync ends with %v %q", summary.Level, summary.Result)
	}
	if strings.Contains(f.view(), "Syncing") {
		t.Errorf("the sync line stays after the sync:\n%s", f.view())
	}
}

func TestSyncOnStart(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	f := newFixture(t, 120, 40, withSync(gatedSync(nil, &calls)), func(f *fixture) { f.deps.SyncOnStart = true })
	f.driver.Until("the first sync ran", func() bool { return calls.Load() == 1 && f.model.sync == nil })
	f.driver.Send(tea.FocusMsg{})
	f.driver.Drain(50 * time.Millisecond)
	if calls.Load() != 1 {
		t.Errorf("%d syncs: only the first load starts one", calls.Load())
	}
}

func TestSyncFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40, withSync(func(context.Context, func(SyncStep)) error {
		return &connectors.Error{Kind: connectors.ErrUnauthorized, Service: "microsoft", Err: errors.New("the sign-in expired")}
	}))
	f.press("s")
	f.driver.Until("the error is reported", func() bool { return len(f.harness.Errs) > 0 })
	if f.harness.Errs[0].Op != "Sync every source" || connectors.KindOf(f.harness.Errs[0]) != connectors.ErrUnauthorized {
		t.Errorf("error %+v", f.harness.Errs[0])
	}
	f.driver.Until("the sync is over", func() bool { return f.model.sync == nil })
}

// --- audit ---------------------------------------------------------------------

func TestAudit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40)
	f.press("A")
	f.until("PSA write log · 3 entries, newest first")
	v := f.view()
	i3, i2, i1 := strings.Index(v, "12 → 10"), strings.Index(v, "20 → 25"), strings.Index(v, "1 → 2")
	if i3 < 0 || i2 < i3 || i1 < i2 {
		t.Errorf("not newest first:\n%s", v)
	}
	for _, want := range []string{"By alex (alex@msp.example) · connectwise line L-2 on agreement ag1, company c1",
		"– skipped: the line holds 11 now, not 12 as planned"} {
		if !strings.Contains(v, want) {
			t.Errorf("the view lacks %q:\n%s", want, v)
		}
	}
	f.press("down", "down")
	if !strings.Contains(f.view(), "✗ failed: ConnectWise answered 500") {
		t.Errorf("the detail does not follow the cursor:\n%s", f.view())
	}
	f.press("esc")
	if f.model.view != viewPortfolio {
		t.Error("esc did not go back")
	}
}

// --- keys ------------------------------------------------------------------------

// TestKeysOfEachView: the footer offers only the keys that work.
func TestKeysOfEachView(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 120, 40, withSync(gatedSync(nil, new(atomic.Int32))))
	enabled := func() []string {
		var out []string
		for _, b := range f.model.ShortHelp() {
			if b.Enabled() {
				out = append(out, b.Help().Key)
			}
		}
		return out
	}
	check := func(view string, want ...string) {
		t.Helper()
		if got := enabled(); !slices.Equal(got, want) {
			t.Errorf("%s: keys %v, want %v", view, got, want)
		}
	}
	check("portfolio", "enter", "c", "A", "s", "/", "f", "o")
	f.press("enter")
	check("customer", "enter", "esc", "c", "A", "s")
	f.press("esc")
	f.openChanges()
	check("changes", "enter", "space", "a", "esc", "A", "s")
	f.press("a", "enter")
	check("confirm", "y", "n")
	f.press("esc")
	f.press("A")
	check("audit", "esc", "c", "s", "r")
	for _, group := range f.model.FullHelp() {
		for _, b := range group {
			if b.Help().Key == "" {
				t.Errorf("a key without help: %v", b.Keys())
			}
		}
	}

}

func TestAgo(t *testing.T) {
	t.Parallel()
	now := tuitest.Epoch
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-10 * time.Second), "just now"},
		{now.Add(-59 * time.Minute), "59m ago"},
		{now.Add(-47 * time.Hour), "47h ago"},
		{now.Add(-72 * time.Hour), "3d ago"},
	}
	for _, tt := range tests {
		if got := ago(now, tt.t); got != tt.want {
			t.Errorf("ago(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestSeatBar(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 80, 24)
	tests := []struct {
		enabled, assigned int
		want              string
	}{
		{10, 10, "██████████"},
		{10, 0, "░░░░░░░░░░"},
		{100, 99, "█████████░"}, // one idle seat still shows
		{100, 1, "█░░░░░░░░░"},  // one seat used still shows
		{4, 2, "█████░░░░░"},
		{0, 0, "—         "},
		{2, 3, "██████████"}, // more assigned than enabled
	}
	for _, tt := range tests {
		sku := reconcile.SkuRow{Enabled: tt.enabled, Assigned: tt.assigned, Unused: max(0, tt.enabled-tt.assigned),
			OverAssigned: tt.assigned > tt.enabled}
		if got := f.model.seatBar(&sku, 10); got != tt.want {
			t.Errorf("bar(%d of %d) = %q, want %q", tt.assigned, tt.enabled, got, tt.want)
		}
	}
}
