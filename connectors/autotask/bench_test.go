package autotask_test

import (
	"testing"

	"github.com/seats-msp/seats/connectors/autotask/atfake"
)

// BenchmarkLines reads 600 contracts of 4 services each (2,400 lines),
// reporting the calls a sync costs of the MSP's shared hourly budget.
func BenchmarkLines(b *testing.B) {
	f := newFake(b, bigWorld(600, 4), atfake.Options{})
	c := f.client(b)
	ctx := testCtx(b)
	before := c.Calls()
	for b.Loop() {
		if _, err := c.Lines(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Calls()-before)/float64(b.N), "calls/op")
}
