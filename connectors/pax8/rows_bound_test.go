package pax8_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

// TestSubscriptionRowsWaitTheirTurn: while 1,200 subscriptions each need
// their detail call, the rows waiting for one do not each hold a goroutine
// (and a prepared request) of their own: the goroutines in the process
// stay within a few times the calls in flight.
func TestSubscriptionRowsWaitTheirTurn(t *testing.T) {
	w := benchWorld(300, 4)
	for i := range w.Subscriptions {
		w.Subscriptions[i].VendorSubscriptionID = "" // only the detail has it
	}
	f := newFake(t, w, pax8fake.Options{Latency: 2 * time.Millisecond})
	c := f.client(t, func(cfg *pax8.Config) {
		cfg.Concurrency = 4
		cfg.Now, cfg.Sleep = nil, nil
	})
	before := runtime.NumGoroutine()
	var most atomic.Int64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			most.Store(max(most.Load(), int64(runtime.NumGoroutine()-before)))
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	subs, err := c.Subscriptions(testCtx(t))
	close(done)
	<-sampled
	if err != nil || len(subs) != 1200 {
		t.Fatalf("Subscriptions = %d rows, %v", len(subs), err)
	}
	// 8 rows at a time, the pages, the fake's handlers and the
	// connections' goroutines: well under 100; one per row was 1,200.
	if n := most.Load(); n > 100 {
		t.Errorf("%d goroutines at most while reading 1,200 subscriptions, 4 calls in flight: rows do not wait their turn", n)
	}
}
