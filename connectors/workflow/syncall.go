package workflow

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Everything syncs every connected source at once: Microsoft (the licences
// of every Ready customer), the distributor and the PSA, then runs the
// automatic matching pass over what was read, so that new customers and new
// products arrive matched where the evidence allows. The wizard's sync key
// and `seats sync` share it. A source that is not connected is nil and
// skipped.
type Everything struct {
	Customers       *Customers
	Distributor     connectors.Distributor
	DistributorKind string
	PSA             connectors.PSA
	PSAKind         string
	Sources         SourceKeeper
	Matching        *Matching // nil: no matching pass
	Now             func() time.Time
	// ReadRecently, when set, says when a side's snapshot of that kind was
	// read, if recently enough to be kept as it is (not stale); the side
	// is then not read again. The wizard's first full sync sets it: the
	// matching steps read both sources minutes before, and Autotask's
	// request budget is shared with every other integration of the MSP.
	// Nil reads every source.
	ReadRecently func(side connectors.ConnectorKind, kind string) (readAt time.Time, ok bool)
}

// SyncAllReport is what one sync of every source did. The Microsoft part
// keeps the shape `seats sync --json` always had, at the top level.
type SyncAllReport struct {
	SyncReport
	Sources []SourceResult `json:"sources"`
	// MicrosoftCalls are the HTTP calls this sync made to Microsoft
	// (Partner Center, Graph, tokens), where the client counts them.
	MicrosoftCalls int `json:"microsoft_calls"`
	// DurationMS is the whole sync's wall time.
	DurationMS int64 `json:"duration_ms"`
	// MatchError says why the matching pass after the sync failed, if it
	// did; the data read is kept all the same.
	MatchError string `json:"match_error,omitempty"`
}

// SourceFailed reports whether the distributor or the PSA could not be read.
func (r SyncAllReport) SourceFailed() bool {
	for _, s := range r.Sources {
		if !s.OK && !s.Interrupted {
			return true
		}
	}
	return false
}

// SyncAllProgress receives progress from every source; it is called from
// several goroutines, one call at a time.
type SyncAllProgress struct {
	Tenant func(done, total int, r SyncResult)
	Source func(r SourceResult) // once per source, when it ends
}

// Sync reads every source concurrently, each within its own service's
// limits. Microsoft's errors end the report as they always did; the
// distributor's and the PSA's are reported per source (their previous
// snapshot kept, marked stale), so one source failing never costs the
// others.
func (e *Everything) Sync(ctx context.Context, progress SyncAllProgress) (SyncAllReport, error) {
	start := time.Now()
	now := e.Now
	if now == nil {
		now = time.Now
	}
	var (
		rep  SyncAllReport
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	serial := func(fn func()) {
		mu.Lock()
		defer mu.Unlock()
		fn()
	}
	sourceDone := func(r SourceResult, err error) {
		serial(func() {
			rep.Sources = append(rep.Sources, r)
			if err != nil {
				errs = append(errs, err)
			}
			if progress.Source != nil {
				progress.Source(r)
			}
		})
	}
	recent := func(side connectors.ConnectorKind, kind string) bool {
		if e.ReadRecently == nil {
			return false
		}
		at, ok := e.ReadRecently(side, kind)
		if ok {
			sourceDone(SourceResult{Source: side, Kind: kind, OK: true, Unchanged: true, Recent: true, ReadAt: at, Counts: map[string]int{}}, nil)
		}
		return ok
	}
	if e.Distributor != nil && !recent(connectors.KindDistributor, e.DistributorKind) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sourceDone(SyncDistributor(ctx, e.DistributorKind, e.Distributor, e.Sources, now))
		}()
	}
	if e.PSA != nil && !recent(connectors.KindPSA, e.PSAKind) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sourceDone(SyncPSA(ctx, e.PSAKind, e.PSA, e.Sources, now))
		}()
	}
	var tenant SyncProgress
	if progress.Tenant != nil {
		tenant = func(done, total int, r SyncResult) { serial(func() { progress.Tenant(done, total, r) }) }
	}
	callsBefore := callsOf(e.Customers.MS)
	msRep, msErr := e.Customers.Sync(ctx, 0, tenant)
	rep.MicrosoftCalls = callsOf(e.Customers.MS) - callsBefore
	wg.Wait()
	rep.SyncReport = msRep
	if rep.Sources == nil {
		rep.Sources = []SourceResult{}
	}
	if msErr != nil {
		errs = append([]error{msErr}, errs...)
	}
	if e.Matching != nil && ctx.Err() == nil {
		if _, err := e.Matching.Refresh(); err != nil {
			rep.MatchError = err.Error()
		}
	}
	rep.DurationMS = time.Since(start).Milliseconds()
	return rep, errors.Join(errs...)
}
