package workflow

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
)

// SourceKeeper records what the distributor and the PSA syncs read. The
// store satisfies it.
type SourceKeeper interface {
	// SaveDistributorSnapshot replaces the distributor snapshot in one
	// write; unchanged reports that the content equalled the stored one.
	SaveDistributorSnapshot(snap connectors.DistributorSnapshot) (unchanged bool, err error)
	SavePSASnapshot(snap connectors.PSASnapshot) (unchanged bool, err error)
	// MarkSourceStale keeps a side's previous snapshot, marked with why it
	// could not be refreshed.
	MarkSourceStale(side connectors.ConnectorKind, reason string, at time.Time) error
}

// SourceResult is what one sync of the distributor or the PSA did: the
// line `seats sync` prints and reports in JSON.
type SourceResult struct {
	Source connectors.ConnectorKind `json:"source"` // distributor or psa
	Kind   string                   `json:"kind"`   // pax8, connectwise...
	OK     bool                     `json:"ok"`
	// Unchanged: the data read equalled the stored snapshot, which was
	// not rewritten (only its time moved).
	Unchanged bool `json:"unchanged"`
	// Counts of what was read, by name: accounts and subscriptions for a
	// distributor; companies, items and lines for a PSA.
	Counts      map[string]int `json:"counts"`
	Calls       int            `json:"calls"` // HTTP calls made, where the connector counts them
	Duration    time.Duration  `json:"duration_ns"`
	Interrupted bool           `json:"interrupted,omitempty"`
	Error       string         `json:"error,omitempty"`
	// Recent: the source was read moments before (ReadAt) and was not
	// read again (see Everything.ReadRecently); its snapshot stands.
	Recent bool      `json:"recent,omitempty"`
	ReadAt time.Time `json:"read_at,omitzero"`
}

// SyncDistributor reads every account and subscription of the distributor
// (the two listings at once) and saves them as one snapshot. A failed read
// keeps the previous snapshot, marked stale with the reason, and is reported
// in the result, not as an error: the rest of a sync goes on. An
// interrupted read (ctx cancelled) marks nothing. The error is only for
// failing to record the outcome.
func SyncDistributor(ctx context.Context, kind string, d connectors.Distributor, keep SourceKeeper, now func() time.Time) (SourceResult, error) {
	res := SourceResult{Source: connectors.KindDistributor, Kind: kind, Counts: map[string]int{}}
	start := time.Now()
	snap := connectors.DistributorSnapshot{Kind: kind}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		snap.Accounts, err = d.Accounts(gctx)
		return err
	})
	g.Go(func() (err error) {
		snap.Subscriptions, err = d.Subscriptions(gctx)
		return err
	})
	readErr := g.Wait()
	res.Duration = time.Since(start)
	res.Calls = callsOf(d)
	if readErr != nil {
		return res, recordSourceFailure(ctx, &res, readErr, keep, now)
	}
	snap.TakenAt = now()
	res.Counts["accounts"] = len(snap.Accounts)
	res.Counts["subscriptions"] = len(snap.Subscriptions)
	unchanged, err := keep.SaveDistributorSnapshot(snap)
	if err != nil {
		res.Error = "the distributor's data was read but could not be saved: " + err.Error()
		return res, err
	}
	res.OK, res.Unchanged = true, unchanged
	return res, nil
}

// SyncPSA reads the PSA's companies, catalogue and recurring lines (all at
// once) and saves them as one snapshot, like SyncDistributor.
func SyncPSA(ctx context.Context, kind string, p connectors.PSA, keep SourceKeeper, now func() time.Time) (SourceResult, error) {
	res := SourceResult{Source: connectors.KindPSA, Kind: kind, Counts: map[string]int{}}
	start := time.Now()
	snap := connectors.PSASnapshot{Kind: kind}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		snap.Companies, err = p.Companies(gctx)
		return err
	})
	g.Go(func() (err error) {
		snap.Catalog, err = p.Catalog(gctx)
		return err
	})
	g.Go(func() (err error) {
		snap.Lines, err = p.Lines(gctx)
		return err
	})
	readErr := g.Wait()
	res.Duration = time.Since(start)
	res.Calls = callsOf(p)
	if readErr != nil {
		return res, recordSourceFailure(ctx, &res, readErr, keep, now)
	}
	snap.TakenAt = now()
	res.Counts["companies"] = len(snap.Companies)
	res.Counts["items"] = len(snap.Catalog)
	res.Counts["lines"] = len(snap.Lines)
	unchanged, err := keep.SavePSASnapshot(snap)
	if err != nil {
		res.Error = "the PSA's data was read but could not be saved: " + err.Error()
		return res, err
	}
	res.OK, res.Unchanged = true, unchanged
	return res, nil
}

// recordSourceFailure fills in why a read failed and marks the side's
// snapshot stale, unless the user interrupted it: an interruption is not a
// fault of the source, and the previous snapshot stays as it was.
func recordSourceFailure(ctx context.Context, res *SourceResult, readErr error, keep SourceKeeper, now func() time.Time) error {
	if ctx.Err() != nil || errors.Is(readErr, context.Canceled) {
		res.Interrupted = true
		res.Error = "interrupted"
		return nil
	}
	res.Error = readErr.Error()
	return keep.MarkSourceStale(res.Source, res.Error, now())
}

func callsOf(v any) int {
	if c, ok := v.(connectors.CallCounter); ok {
		return c.Calls()
	}
	return 0
}
