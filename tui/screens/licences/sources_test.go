package licences

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
)

// The workflow's sync of every source fits SyncAll as it is.
var _ AllSyncer = (*workflow.Everything)(nil)

// stubAll is a sync of every source that reports what it is told.
type stubAll struct {
	tenants []workflow.SyncResult
	sources []workflow.SourceResult
	rep     workflow.SyncAllReport
	err     error
}

func (s stubAll) Sync(_ context.Context, p workflow.SyncAllProgress) (workflow.SyncAllReport, error) {
	for i, r := range s.tenants {
		p.Tenant(i+1, len(s.tenants), r)
	}
	for _, r := range s.sources {
		p.Source(r)
	}
	return s.rep, s.err
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

func TestSyncAll(t *testing.T) {
	t.Parallel()
	signInGone := errors.New("the sign-in expired: sign in again")
	storeFull := errors.New("write the store: no space left on device")
	tests := []struct {
		name      string
		all       stubAll
		dist, psa string
		wantErr   []error
		wantSteps map[SyncSource]SyncStep // the last step of each source, Err compared by text
		absent    []SyncSource
	}{
		{
			name: "every source",
			all: stubAll{
				tenants: []workflow.SyncResult{{OK: true}, {}},
				sources: []workflow.SourceResult{
					{Source: connectors.KindDistributor, OK: true},
					{Source: connectors.KindPSA, Error: "ConnectWise answered 401: check the keys"},
				},
				rep: workflow.SyncAllReport{SyncReport: workflow.SyncReport{Tenants: 2, Succeeded: 1, Failed: 1}},
			},
			dist: "Pax8", psa: "ConnectWise",
			wantSteps: map[SyncSource]SyncStep{
				SyncMicrosoft:   {Source: SyncMicrosoft, Done: 2, Total: 2, Finished: true, Failed: 1},
				SyncDistributor: {Source: SyncDistributor, Label: "Pax8", Done: 1, Total: 1, Finished: true},
				SyncPSA:         {Source: SyncPSA, Label: "ConnectWise", Total: 1, Finished: true, Err: errors.New("ConnectWise answered 401: check the keys")},
			},
		},
		{
			name: "failures beyond one source's data",
			all: stubAll{
				sources: []workflow.SourceResult{{Source: connectors.KindPSA, Error: storeFull.Error()}},
				err:     errors.Join(signInGone, storeFull),
			},
			psa:     "ConnectWise",
			wantErr: []error{signInGone, storeFull},
			wantSteps: map[SyncSource]SyncStep{
				SyncMicrosoft: {Source: SyncMicrosoft, Finished: true, Err: errors.Join(signInGone, storeFull)},
				SyncPSA:       {Source: SyncPSA, Label: "ConnectWise", Total: 1, Finished: true, Err: storeFull},
			},
			absent: []SyncSource{SyncDistributor},
		},
		{
			name: "interrupted",
			all:  stubAll{sources: []workflow.SourceResult{{Source: connectors.KindDistributor, Interrupted: true}}},
			dist: "Pax8",
			wantSteps: map[SyncSource]SyncStep{
				SyncDistributor: {Source: SyncDistributor, Label: "Pax8", Total: 1, Finished: true, Err: errors.New("stopped before it finished")},
			},
			absent: []SyncSource{SyncPSA},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log stepLog
			sync := SyncAll(func(context.Context) (AllSyncer, string, string, error) { return tt.all, tt.dist, tt.psa, nil })
			err := sync(context.Background(), log.add)
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
