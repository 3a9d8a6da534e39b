package reconcile

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/seats-msp/seats/connectors"
)

// TestValidUntilIsTheNextLineChange: the first start or end of a line after
// now; none (zero) when no line changes after it.
func TestValidUntilIsTheNextLineChange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	in := ReconcileInput{Now: now}
	if got := ValidUntil(in); !got.IsZero() {
		t.Errorf("no PSA: ValidUntil = %v, want never", got)
	}
	in.PSA = &connectors.PSASnapshot{Lines: []connectors.BillingLine{
		{EffectiveFrom: at(-48), CancelledOn: at(30)},
		{EffectiveFrom: at(5)},
		{CancelledOn: at(-1)},
		{EffectiveFrom: now}, // in effect from now on: no change after now
	}}
	if got := ValidUntil(in); !got.Equal(at(5)) {
		t.Errorf("ValidUntil = %v, want %v (the line starting then)", got, at(5))
	}
	in.PSA.Lines = in.PSA.Lines[:1]
	if got := ValidUntil(in); !got.Equal(at(30)) {
		t.Errorf("ValidUntil = %v, want %v (the cancellation)", got, at(30))
	}
}

// TestTablesCurrentWhileTheReportCannotChange: kept tables are current from
// their computation until ValidUntil, and the report is indeed the same at
// any time in between and different at ValidUntil.
func TestTablesCurrentWhileTheReportCannotChange(t *testing.T) {
	t.Parallel()
	in := tablesInput()
	tb := TablesOf(in)
	if !tb.HaveDistributor || !tb.HavePSA || !tb.ComputedAt.Equal(in.Now) {
		t.Fatalf("TablesOf = %+v", tb)
	}
	start := in.Now.AddDate(0, 0, 3)
	if !tb.ValidUntil.Equal(start) {
		t.Fatalf("ValidUntil = %v, want the line's start %v", tb.ValidUntil, start)
	}
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{in.Now, true}, {start.Add(-time.Second), true}, {start, false}, {in.Now.Add(-time.Second), false},
	} {
		if got := tb.Current(c.now); got != c.want {
			t.Errorf("Current(%v) = %v, want %v", c.now, got, c.want)
		}
		later := in
		later.Now = c.now
		same := cmp.Equal(TablesOf(later).Report, tb.Report, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(TermRow{}))
		if c.want && !same {
			t.Errorf("at %v the report differs from the kept one, which says it is current", c.now)
		}
		if c.now.Equal(start) && same {
			t.Errorf("at %v the line starts, yet the report is unchanged: the test shows nothing", c.now)
		}
	}
}

// tablesInput is one customer with 10 seats of a SKU, whose PSA line for
// it starts in three days: before then the seats are not billed.
func tablesInput() ReconcileInput {
	sku := "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	w := newWorld().customer(1, "Contoso", true, true).tenantSku(sku, "SPB", 10, 10).
		sub("s1", sku, connectors.TermMonthly, connectors.BillMonthly, 10, usd(2200), now.AddDate(1, 0, 0)).
		item("i1", "Microsoft 365 Business Premium", usd(2500)).mapProduct(sku, connectors.TermMonthly, "i1").
		line("l1", "i1", 10, usd(2500), func(l *connectors.BillingLine) { l.EffectiveFrom = now.AddDate(0, 0, 3) })
	return w.in
}

// checkKeepable: the tables of in come back whole from JSON, as the store
// keeps them: no field is lost on the way (an unexported one, an
// interface), so kept tables show what computed ones would.
func checkKeepable(t *testing.T, in ReconcileInput) {
	t.Helper()
	want := TablesOf(in)
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got Tables
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	// What a row says of its sources is the same; the references it was
	// computed from (origin) stay behind. Any other unexported field makes
	// cmp panic: a new one must be thought about here.
	for i, c := range want.Report.Customers {
		for j, r := range c.Skus {
			for k, tr := range r.Terms {
				if diff := cmp.Diff(tr.Where(), got.Report.Customers[i].Skus[j].Terms[k].Where(), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s %s %s: Where() after JSON (-computed +kept):\n%s", c.Name, r.Name, tr.Term, diff)
				}
			}
		}
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(TermRow{})); diff != "" {
		t.Errorf("tables changed on their way through JSON (-computed +kept):\n%s", diff)
	}
}

func TestBigWorldTablesAreKeepable(t *testing.T) {
	t.Parallel()
	checkKeepable(t, bigWorld(60, 3, 7))
}
