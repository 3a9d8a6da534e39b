package reconcile

import (
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// A quantity read as not a whole number of seats (negative, fractional,
// implausible) is never turned into money: the findings it feeds are
// shown, marked doubtful, with their money blank and a detail that says
// why; a plan leaves them to a person; the table's billed amount is blank.
func TestDoubtfulQuantitiesMakeNoMoney(t *testing.T) {
	t.Parallel()
	doubtfulSub := func(s *connectors.DistributorSubscription) { s.QuantityDoubtful = true }
	doubtfulLine := func(l *connectors.BillingLine) { l.QuantityDoubtful = true }
	w := newWorld()
	w.customer(1, "Contoso", true, true).
		tenantSku(skuSPB, "SPB", 10, 10).
		sub("s1", skuSPB, connectors.TermMonthly, connectors.BillMonthly, 14, usd(2200), renewSoon, doubtfulSub).
		item("i1", "BP monthly", usd(2640)).mapProduct(skuSPB, connectors.TermMonthly, "i1").
		line("l1", "i1", 10, usd(2640))
	w.customer(2, "Fabrikam", true, true).
		tenantSku(skuSPB, "SPB", 10, 10).
		sub("s2", skuSPB, connectors.TermMonthly, connectors.BillMonthly, 10, usd(2200), renewSoon).
		line("l2", "i1", -3, usd(2640), doubtfulLine)
	w.in.Now = now
	rep := Reconcile(w.in)

	byCustomerKind := map[string]Finding{}
	for _, f := range rep.Findings {
		byCustomerKind[f.Customer+"/"+string(f.Kind)] = f
	}
	for _, key := range []string{"Contoso/" + string(FindingMicrosoftDistributorMismatch), "Contoso/" + string(FindingUnderBilled), "Fabrikam/" + string(FindingUnderBilled)} {
		f, ok := byCustomerKind[key]
		if !ok {
			t.Errorf("no %s finding; findings: %+v", key, rep.Findings)
			continue
		}
		if !f.Doubtful || f.MonthlyAmount.Known() || !strings.Contains(f.Detail, "not a whole number of seats") {
			t.Errorf("%s: doubtful %v, money %v, detail %q; want doubtful, blank money and why", key, f.Doubtful, f.MonthlyAmount, f.Detail)
		}
	}
	for _, c := range rep.Customers {
		if c.Name != "Fabrikam" {
			continue
		}
		for _, s := range c.Skus {
			for _, tr := range s.Terms {
				if tr.Billed != nil && tr.MonthlyAmount.Known() {
					t.Errorf("Fabrikam's billed amount %v is worked out from a doubtful line", tr.MonthlyAmount)
				}
			}
		}
	}
	p := BuildPlan(PlanInput{Report: rep, Now: now, PSAKind: "connectwise", Timing: connectors.ApplyAtOnce})
	if len(p.Changes) != 0 || len(p.Skipped) != 2 {
		t.Fatalf("plan: %d changes, %d skipped; want none changed and both left to a person", len(p.Changes), len(p.Skipped))
	}
	for _, s := range p.Skipped {
		if !strings.Contains(s.Reason, "by hand") {
			t.Errorf("skipped %s: %q", s.Customer, s.Reason)
		}
	}
	for _, tot := range rep.Totals {
		if tot.MoneyFound.Known() && tot.MoneyFound.Minor != 0 {
			t.Errorf("money found %v from doubtful quantities only", tot.MoneyFound)
		}
	}
}
