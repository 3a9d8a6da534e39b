package licences

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/workflow"
)

// The workflow's syncs fit Sources as they are.
var _ = Sources{
	Microsoft: func(ctx context.Context, p workflow.SyncProgress) (workflow.SyncReport, error) {
		return (&workflow.Customers{}).Sync(ctx, 8, p)
	},
	Distributor: func(ctx context.Context) (workflow.SourceResult, error) {
		return workflow.SyncDistributor(ctx, "pax8", nil, nil, time.Now)
	},
	PSA: func(ctx context.Context) (workflow.SourceResult, error) {
		return workflow.SyncPSA(ctx, "connectwise", nil, nil, time.Now)
	},
}

// stepLog keeps the steps a sync reports, from any goroutine.
type stepLog struct {
	mu    sync.Mutex
	steps []SyncStep
}

func (l *stepLog) add(s SyncStep) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.steps = append(l.steps, s)
}

// last is the last step of src.
func (l *stepLog) last(src SyncSource) (SyncStep, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.steps) - 1; i >= 0; i-- {
		if l.steps[i].Source == src {
			return l.steps[i], true
		}
	}
	return SyncStep{}, false
}

func TestSourcesFunc(t *testing.T) {
	t.Parallel()
	signInGone := errors.New("the sign-in expired: sign in again")
	storeFull := errors.New("write the store: no space left on device")
	tests := []struct {
		name      string
		sources   Sources
		wantErr   []error
		wantSteps map[SyncSource]SyncStep // the last step of each source, Err compared by text
		absent    []SyncSource
	}{
		{
			name: "every source",
			sources: Sources{
				Microsoft: func(_ context.Context, p workflow.SyncProgress) (workflow.SyncReport, error) {
					p(1, 2, workflow.SyncResult{OK: true})
					p(2, 2, workflow.SyncResult{})
					return workflow.SyncReport{Tenants: 2, Succeeded: 1, Failed: 1}, nil
				},
				DistributorLabel: "Pax8",
				Distributor: func(context.Context) (workflow.SourceResult, error) {
					return workflow.SourceResult{OK: true}, nil
				},
				PSALabel: "ConnectWise",
				PSA: func(context.Context) (workflow.SourceResult, error) {
					return workflow.SourceResult{Error: "ConnectWise answered 401: check the keys"}, nil
				},
			},
			wantSteps: map[SyncSource]SyncStep{
				SyncMicrosoft:   {Source: SyncMicrosoft, Done: 2, Total: 2, Finished: true, Failed: 1},
				SyncDistributor: {Source: SyncDistributor, Label: "Pax8", Done: 1, Total: 1, Finished: true},
				SyncPSA:         {Source: SyncPSA, Label: "ConnectWise", Total: 1, Finished: true, Err: errors.New("ConnectWise answered 401: check the keys")},
			},
		},
		{
			name: "failures beyond one source's data",
			sources: Sources{
				Microsoft: func(context.Context, workflow.SyncProgress) (workflow.SyncReport, error) {
					return workflow.SyncReport{}, signInGone
				},
				PSA: func(context.Context) (workflow.SourceResult, error) {
					return workflow.SourceResult{Error: "read but not saved"}, storeFull
				},
			},
			wantErr: []error{signInGone, storeFull},
			wantSteps: map[SyncSource]SyncStep{
				SyncMicrosoft: {Source: SyncMicrosoft, Finished: true, Err: signInGone},
				SyncPSA:       {Source: SyncPSA, Total: 1, Finished: true, Err: storeFull},
			},
			absent: []SyncSource{SyncDistributor},
		},
		{
			name: "interrupted",
			sources: Sources{
				Distributor: func(context.Context) (workflow.SourceResult, error) {
					return workflow.SourceResult{Interrupted: true}, nil
				},
			},
			wantSteps: map[SyncSource]SyncStep{
				SyncDistributor: {Source: SyncDistributor, Total: 1, Finished: true, Err: errors.New("stopped before it finished")},
			},
			absent: []SyncSource{SyncMicrosoft, SyncPSA},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log stepLog
			err := tt.sources.Func()(context.Background(), log.add)
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("error %v lacks %v", err, want)
				}
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Errorf("error %v", err)
			}
			for src, want := range tt.wantSteps {
				got, ok := log.last(src)
				if !ok {
					t.Errorf("no step of %s", src)
					continue
				}
				errText := func(e error) string {
					if e == nil {
						return ""
					}
					return e.Error()
				}
				if errText(got.Err) != errText(want.Err) {
					t.Errorf("%s: error %v, want %v", src, got.Err, want.Err)
				}
				got.Err, want.Err = nil, nil
				if got != want {
					t.Errorf("%s: last step %+v, want %+v", src, got, want)
				}
			}
			for _, src := range tt.absent {
				if _, ok := log.last(src); ok {
					t.Errorf("a step of %s, which is not connected", src)
				}
			}
			if tt.name == "every source" {
				var tenants []int
				for _, s := range log.steps {
					if s.Source == SyncMicrosoft && !s.Finished {
						tenants = append(tenants, s.Done)
					}
				}
				if !slices.Equal(tenants, []int{0, 1, 2}) {
					t.Errorf("Microsoft steps %v, want the start then each tenant", tenants)
				}
			}
		})
	}
}
