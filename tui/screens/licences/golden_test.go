package licences

import (
	"fmt"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"

	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins each view's look at 80x24 and 120x40 with the ASCII
// profile. Run `go test ./tui/screens/licences -update` after an intended
// change, and read the diff.
func TestGolden(t *testing.T) {
	t.Parallel()
	sizes := []struct{ w, h int }{{tuitest.SmallWidth, tuitest.SmallHeight}, {120, 40}}
	tests := []struct {
		name  string
		opts  []option
		setup func(f *fixture)
	}{
		{"portfolio", nil, func(*fixture) {}},
		{"customer_with_findings", nil, func(f *fixture) { f.openCustomer("Contoso Ltd") }},
		{"customer_microsoft_only", nil, func(f *fixture) { f.openCustomer("Northwind Traders") }},
		{"customer_where_from", nil, func(f *fixture) {
			f.openCustomer("Contoso Ltd")
			f.press("down", "down", "down", "enter")
		}},
		{"changes", nil, func(f *fixture) {
			f.openChanges()
			f.press(" ")
		}},
		{"changes_read_only", []option{readOnly()}, func(f *fixture) { f.openChanges() }},
		{"changes_from_date", []option{autotask()}, func(f *fixture) {
			f.openChanges()
			f.press("a", "enter")
		}},
		{"changes_confirm", nil, func(f *fixture) {
			f.openChanges()
			f.press("a", "enter")
		}},
		{"changes_results", nil, func(f *fixture) {
			f.applier.outcomes = mixedOutcomes()
			f.openChanges()
			f.press("a", "enter", "y")
			f.driver.Until("the results and the new plan", func() bool {
				return f.model.changes.step == stepResults && f.plans.planCount() >= 2 && !f.model.changes.loading
			})
		}},
		{"audit", nil, func(f *fixture) {
			f.press("A")
			f.driver.Until("the log is read", func() bool { return f.model.audit.loaded })
		}},
	}
	for _, tt := range tests {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", tt.name, sz.w, sz.h), func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, sz.w, sz.h, tt.opts...)
				tt.setup(f)
				tuitest.RequireGolden(t, f.model.View())
			})
		}
	}
}

// autotask makes the PSA one that applies changes from a date, for good.
func autotask() option {
	return func(f *fixture) {
		f.deps.PSAName = "Autotask"
		f.deps.PlanOptions.PSAKind = "autotask"
		f.deps.PlanOptions.Timing = connectors.ApplyFromDate
		f.deps.PlanOptions.EffectiveDate = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	}
}
