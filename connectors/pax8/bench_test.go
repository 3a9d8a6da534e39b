package pax8_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

// benchWorld is companies × perCompany subscriptions over five Microsoft
// products, none listed with its vendor ids (as Pax8 documents the list),
// so every subscription costs a detail call: the worst case.
func benchWorld(companies, perCompany int) *pax8fake.World {
	w := &pax8fake.World{ClientID: "bench", ClientSecret: "bench-secret", SigningKey: []byte("bench key")}
	skus := []string{msfake.SkuBusinessPremium, msfake.SkuBusinessStandard, msfake.SkuExchangePlan1,
		"c42b9cae-ea4f-4ab7-9717-81576235ccac", "05e9a617-0261-4cee-bb44-138d3ef5d965"}
	for i := range skus {
		w.Products = append(w.Products, pax8fake.Product{ID: fmt.Sprintf("prod-%d", i), Name: fmt.Sprintf("Microsoft product %d", i), VendorName: "Microsoft"})
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for c := range companies {
		cid := fmt.Sprintf("company-%04d", c)
		w.Companies = append(w.Companies, pax8fake.Company{ID: cid, Name: fmt.Sprintf("Company %d", c), Status: "Active"})
		for s := range perCompany {
			w.Subscriptions = append(w.Subscriptions, pax8fake.Subscription{
				ID: fmt.Sprintf("sub-%04d-%d", c, s), CompanyID: cid, ProductID: w.Products[s%len(skus)].ID,
				VendorSubscriptionID: fmt.Sprintf("00000000-0000-4000-8000-%06d%06d", c, s), VendorSkuID: skus[s%len(skus)],
				Quantity: "10", Status: "Active", BillingTerm: "Monthly", Price: "26.40", PartnerCost: "22.00", CurrencyCode: "USD",
				StartDate: start,
			})
		}
	}
	return w
}

// BenchmarkRead1000Companies reads 1,000 companies × 5 subscriptions
// through the fake at 50 ms per call, 8 calls in flight, and reports the
// wall time against the ideal. The ideal is the critical path at that
// latency given the concurrency: the token call alone, then the first page
// of each list (nothing else is known before them), then every other call
// packed 8 at a time: latency × (2 + ⌈(calls − 3) ÷ 8⌉). Goal ≤ 1.3×.
func BenchmarkRead1000Companies(b *testing.B) {
	const (
		companies   = 1000
		perCompany  = 5
		latency     = 50 * time.Millisecond
		concurrency = 8
	)
	for range b.N {
		b.StopTimer()
		f := newFake(b, benchWorld(companies, perCompany), pax8fake.Options{Latency: latency})
		c := f.client(b, func(cfg *pax8.Config) {
			cfg.Concurrency = concurrency
			cfg.Now, cfg.Sleep = nil, nil // the real clock and real waits
		})
		b.StartTimer()

		start := time.Now()
		var g errgroup.Group
		var nAccounts, nSubs int
		g.Go(func() error {
			a, err := c.Accounts(context.Background())
			nAccounts = len(a)
			return err
		})
		g.Go(func() error {
			s, err := c.Subscriptions(context.Background())
			nSubs = len(s)
			return err
		})
		err := g.Wait()
		wall := time.Since(start)

		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if nAccounts != companies || nSubs != companies*perCompany {
			b.Fatalf("read %d companies and %d subscriptions, want %d and %d", nAccounts, nSubs, companies, companies*perCompany)
		}
		calls := f.pax8.Calls()
		steps := 2 + (calls-3+concurrency-1)/concurrency
		ideal := time.Duration(steps) * latency
		ratio := float64(wall) / float64(ideal)
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(ideal.Seconds(), "ideal-s")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(ratio, "x-ideal")
		fmt.Printf("pax8 read of %d companies × %d subscriptions: %d calls, wall %s, ideal %s (%s × (2 + ⌈(calls − 3) ÷ %d⌉)), %.2f× the ideal (goal ≤ 1.30×)\n",
			companies, perCompany, calls, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), latency, concurrency, ratio)
	}
}
