package licences

import (
	"context"
	"errors"
	"sync"

	"github.com/seats-msp/seats/connectors/workflow"
)

// Sources are the syncs behind the sync key, one per source, each the
// workflow's own function bound by the caller to its connector and the
// store; a nil one is not connected and is left out:
//
//	sync := licences.Sources{
//		Microsoft: func(ctx context.Context, p workflow.SyncProgress) (workflow.SyncReport, error) {
//			return customers.Sync(ctx, cfg.Sync.Concurrency, p)
//		},
//		DistributorLabel: "Pax8",
//		Distributor: func(ctx context.Context) (workflow.SourceResult, error) {
//			return workflow.SyncDistributor(ctx, "pax8", pax8, st, time.Now)
//		},
//		PSALabel: "ConnectWise",
//		PSA: func(ctx context.Context) (workflow.SourceResult, error) {
//			return workflow.SyncPSA(ctx, "connectwise", cw, st, time.Now)
//		},
//	}.Func()
type Sources struct {
	Microsoft        func(ctx context.Context, progress workflow.SyncProgress) (workflow.SyncReport, error)
	DistributorLabel string // "Pax8"; "" says "Distributor"
	Distributor      func(ctx context.Context) (workflow.SourceResult, error)
	PSALabel         string // "ConnectWise"; "" says "PSA"
	PSA              func(ctx context.Context) (workflow.SourceResult, error)
}

// Func returns a SyncFunc that reads every source at once (each bounds its
// own concurrency) and reports their steps. A source whose data could not
// be read says so in its last step; the error returned joins what went
// wrong beyond one source's data: the sign-in is gone, Partner Center is
// down, the store could not be written.
func (s Sources) Func() SyncFunc {
	return func(ctx context.Context, progress func(SyncStep)) error {
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []error
		)
		fail := func(err error) {
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}
		if s.Microsoft != nil {
			wg.Go(func() {
				progress(SyncStep{Source: SyncMicrosoft})
				rep, err := s.Microsoft(ctx, func(done, total int, _ workflow.SyncResult) {
					progress(SyncStep{Source: SyncMicrosoft, Done: done, Total: total})
				})
				fail(err)
				progress(SyncStep{Source: SyncMicrosoft, Done: rep.Succeeded + rep.Failed, Total: rep.Tenants,
					Finished: true, Failed: rep.Failed, Err: err})
			})
		}
		source := func(src SyncSource, label string, read func(context.Context) (workflow.SourceResult, error)) {
			if read == nil {
				return
			}
			wg.Go(func() {
				progress(SyncStep{Source: src, Label: label, Total: 1})
				res, err := read(ctx)
				fail(err)
				last := SyncStep{Source: src, Label: label, Total: 1, Finished: true}
				switch {
				case res.OK:
					last.Done = 1
				case err != nil:
					last.Err = err
				case res.Interrupted:
					last.Err = errors.New("stopped before it finished")
				case res.Error != "":
					last.Err = errors.New(res.Error)
				}
				progress(last)
			})
		}
		source(SyncDistributor, s.DistributorLabel, s.Distributor)
		source(SyncPSA, s.PSALabel, s.PSA)
		wg.Wait()
		return errors.Join(errs...)
	}
}
