package licences

import (
	"context"
	"errors"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
)

// AllSyncer syncs every source at once: *workflow.Everything.
type AllSyncer interface {
	Sync(ctx context.Context, progress workflow.SyncAllProgress) (workflow.SyncAllReport, error)
}

// SyncAll is the sync key over a sync of every source. build is called at
// each press, so the sync reads the sources connected by then; it returns
// the syncer and how people name the distributor and the PSA ("" when that
// source is not connected):
//
//	sync := licences.SyncAll(func(ctx context.Context) (licences.AllSyncer, string, string, error) {
//		return &workflow.Everything{...}, "Pax8", "ConnectWise", nil
//	})
//
// A source whose data could not be read says so in its last step; the
// error is what went wrong beyond one source's data (the sign-in is gone,
// the store could not be written).
func SyncAll(build func(ctx context.Context) (s AllSyncer, distributor, psa string, err error)) SyncFunc {
	return func(ctx context.Context, progress func(SyncStep)) error {
		s, dist, psa, err := build(ctx)
		if err != nil {
			return err
		}
		progress(SyncStep{Source: SyncMicrosoft})
		if dist != "" {
			progress(SyncStep{Source: SyncDistributor, Label: dist, Total: 1})
		}
		if psa != "" {
			progress(SyncStep{Source: SyncPSA, Label: psa, Total: 1})
		}
		rep, err := s.Sync(ctx, workflow.SyncAllProgress{
			Tenant: func(done, total int, _ workflow.SyncResult) {
				progress(SyncStep{Source: SyncMicrosoft, Done: done, Total: total})
			},
			Source: func(r workflow.SourceResult) { progress(sourceStep(r, dist, psa)) },
		})
		progress(SyncStep{Source: SyncMicrosoft, Done: rep.Succeeded + rep.Failed, Total: rep.Tenants,
			Finished: true, Failed: rep.Failed, Err: err})
		return err
	}
}

// sourceStep is the last step of the distributor or the PSA.
func sourceStep(r workflow.SourceResult, dist, psa string) SyncStep {
	step := SyncStep{Source: SyncDistributor, Label: dist, Total: 1, Finished: true}
	if r.Source == connectors.KindPSA {
		step.Source, step.Label = SyncPSA, psa
	}
	switch {
	case r.OK:
		step.Done = 1
	case r.Interrupted:
		step.Err = errors.New("stopped before it finished")
	case r.Error != "":
		step.Err = errors.New(r.Error)
	}
	return step
}
