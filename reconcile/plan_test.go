package reconcile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// planWorld has one customer with four findings for the plan: an item
// under-billed across two lines, one over-billed by more than its newest
// line holds, one whose only line is read-only, and one not billed.
func planWorld() *world {
	monthly := connectors.TermMonthly
	return newWorld().customer(1, "Contoso", true, true).
		tenantSku(skuSPB, "SPB", 12, 12).tenantSku(skuE3, "ENTERPRISEPACK", 2, 2).
		tenantSku(skuExchange1, "EXCHANGESTANDARD", 5, 5).tenantSku(skuBasic, "O365_BUSINESS_ESSENTIALS", 3, 3).
		sub("s-bp", skuSPB, monthly, connectors.BillMonthly, 12, usd(2200), renewSoon).
		sub("s-e3", skuE3, monthly, connectors.BillMonthly, 2, usd(2300), renewSoon).
		sub("s-ex", skuExchange1, monthly, connectors.BillMonthly, 5, usd(400), renewSoon).
		sub("s-bb", skuBasic, monthly, connectors.BillMonthly, 3, usd(600), renewSoon).
		item("i-bp", "M365 BP", usd(2900)).item("i-e3", "O365 E3", usd(2500)).item("i-ex", "Exchange P1", usd(500)).item("i-bb", "M365 Basic", usd(700)).
		mapProduct(skuSPB, monthly, "i-bp").mapProduct(skuE3, monthly, "i-e3").mapProduct(skuExchange1, monthly, "i-ex").mapProduct(skuBasic, monthly, "i-bb").
		line("10", "i-bp", 6, usd(2900)).
		line("11", "i-bp", 4, usd(2900), func(l *connectors.BillingLine) { l.EffectiveFrom = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC) }).
		line("20", "i-e3", 6, usd(2500)).
		line("21", "i-e3", 1, usd(2500), func(l *connectors.BillingLine) {
			l.EffectiveFrom = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
			l.AgreementName = "M365 monthly"
		}).
		line("30", "i-ex", 3, usd(500), func(l *connectors.BillingLine) {
			l.ReadOnly, l.ReadOnlyReason = true, "HaloPSA computes this quantity itself"
		})
}

func TestBuildPlan(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		timing connectors.ApplyTiming
		kind   string
	}{
		{"plan_at_once", connectors.ApplyAtOnce, "connectwise"},
		{"plan_from_date", connectors.ApplyFromDate, "autotask"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := planWorld()
			w.in.PSA.Kind = tt.kind
			rep := Reconcile(w.in)
			p := BuildPlan(PlanInput{HomeID: "home-1", Now: now, Report: rep, PSAKind: tt.kind, Timing: tt.timing,
				Snapshots: SnapshotsOf(w.in)})
			var js bytes.Buffer
			if err := p.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name+"_json", js.Bytes())
			checkGolden(t, tt.name+"_text", []byte(p.Text()))

			back, err := ParsePlan(js.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := back.WriteJSON(&again); err != nil || again.String() != js.String() {
				t.Errorf("plan does not survive JSON: %v", err)
			}
			for _, c := range p.Changes {
				if c.NewQuantity < 0 {
					t.Errorf("line %s set below 0", c.Line.LineID)
				}
				if c.Undoable == (tt.timing == connectors.ApplyFromDate) {
					t.Errorf("line %s: undoable %v with timing %s", c.Line.LineID, c.Undoable, tt.timing)
				}
			}
		})
	}
}

func TestBuildPlanPicksTheLatestLine(t *testing.T) {
	t.Parallel()
	p := BuildPlan(PlanInput{HomeID: "h", Now: now, Report: Reconcile(planWorld().in), Timing: connectors.ApplyAtOnce})
	got := map[string][2]int{}
	for _, c := range p.Changes {
		got[c.Line.LineID] = [2]int{c.OldQuantity, c.NewQuantity}
	}
	// BP: billed 10 on lines 10 (6) and 11 (4, newer); to bill 12: line 11
	// goes 4 -> 6. E3: billed 7 on 20 (6) and 21 (1, newer); to bill 2:
	// line 21 goes to 0, not -4, and the rest is noted.
	want := map[string][2]int{"11": {4, 6}, "21": {1, 0}}
	if len(got) != len(want) || got["11"] != want["11"] || got["21"] != want["21"] {
		t.Errorf("changes = %v, want %v", got, want)
	}
	if len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0].Reason, "HaloPSA computes") {
		t.Errorf("skipped = %+v", p.Skipped)
	}
	if len(p.NewLines) != 1 || p.NewLines[0].PSAItemID != "i-bb" || p.NewLines[0].Quantity != 3 {
		t.Errorf("new lines = %+v", p.NewLines)
	}
}

func TestParsePlanRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		schema     bool
		says       string // what the person reads
	}{
		{"not JSON", "plan", false,
			"not a plan file (`seats reconcile plan -o FILE` writes one): invalid character"},
		{"findings CSV", "kind,tenantId,customer\n", false,
			"not a plan file (`seats reconcile plan -o FILE` writes one): invalid character 'k'"},
		{"no version", `{"homeId":"h"}`, false,
			"not a plan file (`seats reconcile plan -o FILE` writes one): it has no schemaVersion"},
		{"future version", `{"schemaVersion":2,"homeId":"h"}`, true,
			"unknown plan schema version 2 (this seats reads 1): make a new plan"},
		{"unknown field", `{"schemaVersion":1,"homeId":"h","surprise":true}`, false,
			"not a valid plan file: json: unknown field \"surprise\"; make a new plan with `seats reconcile plan -o FILE`"},
		{"quantity in words", `{"schemaVersion":1,"homeId":"h","changes":[{"newQuantity":"twelve"}]}`, false,
			"not a valid plan file: json: cannot unmarshal string"},
	}
	for _, tt := range tests {
		_, err := ParsePlan([]byte(tt.file))
		if err == nil || errors.Is(err, ErrPlanSchema) != tt.schema {
			t.Errorf("%s: err = %v (schema error expected: %v)", tt.name, err, tt.schema)
			continue
		}
		if !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: err = %v\nwant it to say %q", tt.name, err, tt.says)
		}
	}
}
