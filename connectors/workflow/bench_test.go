package workflow_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/sandbox"
)

// BenchmarkSync1000Tenants reads the licences of 1,000 sandbox tenants with
// 50 ms added to every Graph and Partner Center call, 8 calls in flight, and
// reports the wall time against the ideal: calls × latency ÷ concurrency.
// The goal is within 1.3× of the ideal.
func BenchmarkSync1000Tenants(b *testing.B) {
	const (
		tenants     = 1000
		latency     = 50 * time.Millisecond
		concurrency = 8
	)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := sandbox.Generate(sandbox.GenerateOptions{Seed: 7, Customers: tenants, Now: time.Now()})
		readyWorld(w, time.Now())
		h := newHarness(b, w, msfake.Options{Latency: latency})
		ctx := context.Background()
		if _, err := h.customers.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		// Record every tenant as Ready (the world is consented: Partner Center answers 409 and Verify passes).
		if _, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, concurrency, nil, nil); err != nil {
			b.Fatal(err)
		}
		before := h.fake.Calls()
		b.StartTimer()

		start := time.Now()
		rep, err := h.customers.Sync(ctx, concurrency, nil)
		wall := time.Since(start)

		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Tenants != tenants || rep.Failed != 0 {
			b.Fatalf("synced %d tenants, %d failed; want %d, 0", rep.Tenants, rep.Failed, tenants)
		}
		calls := h.fake.Calls() - before
		ideal := time.Duration(calls) * latency / concurrency
		ratio := float64(wall) / float64(ideal)
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(ideal.Seconds(), "ideal-s")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(ratio, "x-ideal")
		fmt.Printf("sync of %d tenants: %d calls, wall %s, ideal %s (calls × %s ÷ %d), %.2f× the ideal (goal ≤ 1.30×)\n",
			tenants, calls, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), latency, concurrency, ratio)
	}
}

// readyWorld gives every customer an active GDAP relationship with a read
// role and a consent, so that every tenant is Ready for the benchmark.
func readyWorld(w *msfake.World, now time.Time) {
	for i := range w.Customers {
		c := &w.Customers[i]
		c.GDAP = []msfake.Relationship{{
			ID: fmt.Sprintf("rel-%d", i), DisplayName: "bench", Status: connectors.RelActive,
			Roles:    []string{connectors.RoleGlobalReader, connectors.RolePrivilegedRoleAdministrator, connectors.RoleApplicationAdministrator},
			Duration: "P730D", CreatedAt: now.AddDate(0, -1, 0), ActivatedAt: now.AddDate(0, -1, 0), EndAt: now.AddDate(1, 0, 0),
		}}
		c.Consent = &msfake.Consent{Method: "partner", Scopes: []string{"Organization.Read.All", "User.Read.All"}, GrantedAt: now}
	}
}
