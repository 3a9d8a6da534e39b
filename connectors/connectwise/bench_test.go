package connectwise_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
)

// benchWorld is companies companies, the first agreements of them with one
// live agreement each, perAgreement additions on each, over a catalogue of
// ten items: the size of a large MSP.
func benchWorld(companies, agreements, perAgreement int) *cwfake.World {
	w := cwfake.SmallWorld(testNow)
	w.Companies, w.Agreements, w.Additions = nil, nil, nil
	w.Catalog = w.Catalog[:0]
	for i := range 10 {
		w.Catalog = append(w.Catalog, cwfake.CatalogItem{ID: 900 + i, Identifier: "ITEM-" + strconv.Itoa(i), Description: "Item " + strconv.Itoa(i),
			Price: "26.40", Cost: "22.00", RecurringFlag: true, BillCycle: "Monthly"})
	}
	start := testNow.AddDate(-1, 0, 0)
	for c := range companies {
		w.Companies = append(w.Companies, cwfake.Company{ID: 10000 + c, Identifier: "C" + strconv.Itoa(c), Name: "Company " + strconv.Itoa(c),
			StatusID: 1, TypeIDs: []int{1}, Website: "company" + strconv.Itoa(c) + ".example"})
	}
	for a := range agreements {
		w.Agreements = append(w.Agreements, cwfake.Agreement{ID: 50000 + a, Name: "Managed Services", CompanyID: 10000 + a, Status: "Active",
			StartDate: start, NoEndingDateFlag: true, BillingCycle: "Monthly"})
		for i := range perAgreement {
			w.Additions = append(w.Additions, cwfake.Addition{ID: 100000 + a*perAgreement + i, AgreementID: 50000 + a, ProductID: 900 + i%10,
				Quantity: "10", UnitPrice: "26.40", UnitCost: "22.00", BillCustomer: "Billable", EffectiveDate: start, LastUpdated: start})
		}
	}
	return w
}

// BenchmarkRead5000Companies20000Additions reads 5,000 companies and
// 20,000 additions (1,000 agreements of 20) through the fake at 50 ms per
// call, DefaultConcurrency calls in flight, as a sync does (companies,
// catalogue and lines at once), and reports the wall time against the
// ideal. The ideal is the critical path at that latency and concurrency:
// every call packed Concurrency at a time, latency × ⌈calls ÷ concurrency⌉
// (the first round holds the first page of agreements, on which the
// additions wait, beside the other lists' first pages). Goal ≤ 1.3×.
func BenchmarkRead5000Companies20000Additions(b *testing.B) {
	const (
		companies    = 5000
		agreements   = 1000
		perAgreement = 20
		latency      = 50 * time.Millisecond
		concurrency  = connectwise.DefaultConcurrency
	)
	world := benchWorld(companies, agreements, perAgreement)
	for range b.N {
		b.StopTimer()
		w := world.Clone()
		f := newFake(b, &w, cwfake.Options{Latency: latency})
		c := f.client(b, func(cfg *connectwise.Config) {
			cfg.Concurrency = concurrency
			cfg.Sleep = nil // real waits
		})
		b.StartTimer()

		start := time.Now()
		var g errgroup.Group
		var nCompanies, nItems, nLines int
		g.Go(func() error {
			cs, err := c.Companies(context.Background())
			nCompanies = len(cs)
			return err
		})
		g.Go(func() error {
			is, err := c.Catalog(context.Background())
			nItems = len(is)
			return err
		})
		g.Go(func() error {
			ls, err := c.Lines(context.Background())
			nLines = len(ls)
			return err
		})
		err := g.Wait()
		wall := time.Since(start)

		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if nCompanies != companies || nLines != agreements*perAgreement || nItems != 10 {
			b.Fatalf("read %d companies, %d items and %d lines; want %d, 10 and %d", nCompanies, nItems, nLines, companies, agreements*perAgreement)
		}
		calls := int(f.cw.Calls())
		rounds := max(2, (calls+concurrency-1)/concurrency)
		ideal := time.Duration(rounds) * latency
		ratio := float64(wall) / float64(ideal)
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(ideal.Seconds(), "ideal-s")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(ratio, "x-ideal")
		fmt.Printf("connectwise read of %d companies and %d additions (%d agreements): %d calls, wall %s, ideal %s (%s × ⌈calls ÷ %d⌉), %.2f× the ideal (goal ≤ 1.30×)\n",
			companies, agreements*perAgreement, agreements, calls, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), latency, concurrency, ratio)
	}
}
