package licences

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// largeReport is a portfolio of n customers of three SKUs each, every
// third with an under-billing finding and every fifth stale, built by hand
// as plain data.
func largeReport(n int) reconcile.Report {
	rep := reconcile.Report{Customers: make([]reconcile.CustomerLicences, n)}
	var found int64
	for i := range n {
		tenant := fmt.Sprintf("%08d-0000-4000-8000-000000000000", i)
		cl := reconcile.CustomerLicences{TenantID: tenant, Name: fmt.Sprintf("Customer %05d Holdings", i),
			DistributorAccountID: fmt.Sprint("d", i), PSAAccountID: fmt.Sprint("c", i),
			SyncedAt: msTaken, Stale: i%5 == 0}
		for _, sku := range []string{skuSPB, skuE3, skuEX1} {
			cl.Skus = append(cl.Skus, reconcile.SkuRow{SkuID: sku, Name: "SKU " + sku[:8], Enabled: 10 + i%7, Assigned: 8, Unused: 2 + i%7})
		}
		if i%3 == 0 {
			money := usd(int64(100 * (i%50 + 1)))
			rep.Findings = append(rep.Findings, reconcile.Finding{Kind: reconcile.FindingUnderBilled, TenantID: tenant,
				Customer: cl.Name, SkuID: skuSPB, Product: "Microsoft 365 Business Premium", Term: "annual",
				Quantity: i%50 + 1, MonthlyAmount: money, Detail: "billed fewer than purchased"})
			cl.Findings, cl.MoneyAtStake = 1, []connectors.Money{money}
			found += money.Minor
		}
		rep.Customers[i] = cl
	}
	rep.Totals = []reconcile.CurrencyTotals{{Currency: "USD", MoneyFound: usd(found), UnderBilled: usd(found)}}
	return rep
}

func largeModel(tb testing.TB, n, width, height int) *Model {
	tb.Helper()
	c, _ := tuitest.NewCommon(tb, common.Deps{})
	m := New(c, Deps{Reports: &fakeReports{}})
	m.SetSize(width, height)
	m.setReport(largeReport(n), true, true)
	return m
}

// TestLargePortfolio: with thousands of customers the view is exactly as
// tall as the screen, and moving shows the right rows.
func TestLargePortfolio(t *testing.T) {
	t.Parallel()
	m := largeModel(t, 5000, 120, 40)
	if got := strings.Count(m.View(), "\n") + 1; got != 40 {
		t.Errorf("the view is %d lines, want 40", got)
	}
	first, _ := m.portfolio.selected()
	if first.stake != 5000 { // 50 × 1.00: the largest finding
		t.Errorf("the first customer has %d at stake", first.stake)
	}
	m.Update(tuitest.Key("end"))
	last, _ := m.portfolio.selected()
	if !strings.Contains(m.View(), last.cl.Name) {
		t.Errorf("the last customer %s is not shown after end", last.cl.Name)
	}
	if got := strings.Count(m.View(), "\n") + 1; got != 40 {
		t.Errorf("the view is %d lines after end, want 40", got)
	}
	m.Update(tuitest.Key("f"))
	m.Update(tuitest.Key("f"))
	if n := len(m.portfolio.visible); n != 1000 {
		t.Errorf("%d stale customers shown, want 1000", n)
	}
}

// BenchmarkPortfolioView draws the portfolio of 5,000 customers, the work
// of every frame (goal: under 5 ms).
func BenchmarkPortfolioView(b *testing.B) {
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("5000_customers_%dx%d", size.w, size.h), func(b *testing.B) {
			m := largeModel(b, 5000, size.w, size.h)
			m.Update(tuitest.Key("down"))
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkPortfolioFilter is a search keystroke over 5,000 customers:
// filter, sort and keep the cursor.
func BenchmarkPortfolioFilter(b *testing.B) {
	m := largeModel(b, 5000, 120, 40)
	m.portfolio.query = "holdings"
	b.ReportAllocs()
	for b.Loop() {
		m.rebuildPortfolio()
	}
}
