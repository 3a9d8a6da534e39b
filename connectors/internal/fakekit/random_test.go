package fakekit

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func decisions(f RandomFaults, n int) []FaultKind {
	var r Random
	r.Set(f)
	out := make([]FaultKind, n)
	for i := range out {
		out[i] = r.Decide(nil).Kind
	}
	return out
}

// TestRandomIsRepeatableAndKeepsItsRate: the same seed gives the same
// faults; the rate is roughly kept; only the kinds asked for come out.
func TestRandomIsRepeatableAndKeepsItsRate(t *testing.T) {
	t.Parallel()
	f := RandomFaults{Rate: 0.25, Kinds: []FaultKind{FaultThrottle, FaultCut}, Seed: 7}
	a, b := decisions(f, 2000), decisions(f, 2000)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave other faults")
	}
	f.Seed = 8
	if slices.Equal(a, decisions(f, 2000)) {
		t.Error("another seed gave the same faults")
	}
	faulted := 0
	for _, k := range a {
		switch k {
		case "":
		case FaultThrottle, FaultCut:
			faulted++
		default:
			t.Fatalf("fault %q was not asked for", k)
		}
	}
	if faulted < 400 || faulted > 600 {
		t.Errorf("%d of 2000 faulted at rate 0.25", faulted)
	}
	if got := decisions(RandomFaults{}, 100); slices.ContainsFunc(got, func(k FaultKind) bool { return k != "" }) {
		t.Error("the zero RandomFaults injected a fault")
	}
	if got := decisions(RandomFaults{Rate: 1}, 300); slices.Contains(got, "") || !slices.Contains(got, FaultSlow) {
		t.Error("rate 1 with no kinds named must fault every request, with every kind")
	}
}

// TestRandomFilterAndConcurrency: a filter keeps out the kinds it refuses
// (none left: no fault), and Decide is safe from many goroutines (-race).
func TestRandomFilterAndConcurrency(t *testing.T) {
	t.Parallel()
	var r Random
	r.Set(RandomFaults{Rate: 1, Seed: 3})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if d := r.Decide(FaultKind.RefusesBeforeServing); !d.Kind.RefusesBeforeServing() {
					t.Errorf("filtered decision %q", d.Kind)
					return
				}
			}
		}()
	}
	wg.Wait()
	if d := r.Decide(func(FaultKind) bool { return false }); d.Kind != "" {
		t.Errorf("nothing allowed, got %q", d.Kind)
	}
	r.Set(RandomFaults{})
	if d := r.Decide(nil); d.Kind != "" {
		t.Errorf("stopped faults still give %q", d.Kind)
	}
}

// TestDecisionsSpoilAnswers plays each kind through a real server: what the
// client sees, and whether the handler served the request.
func TestDecisionsSpoilAnswers(t *testing.T) {
	t.Parallel()
	body := []byte(`{"items":[1,2,3,4,5,6,7,8]}`)
	tests := []struct {
		kind   FaultKind
		served bool
		check  func(resp *http.Response, got []byte, err error) bool
	}{
		{FaultThrottle, false, func(resp *http.Response, _ []byte, err error) bool { return err == nil && resp.StatusCode == 429 }},
		{FaultServer, false, func(resp *http.Response, _ []byte, err error) bool { return err == nil && resp.StatusCode >= 500 }},
		{FaultDrop, false, func(_ *http.Response, _ []byte, err error) bool { return err != nil }},
		{FaultCut, true, func(resp *http.Response, _ []byte, err error) bool {
			return err != nil && resp != nil && resp.StatusCode == 200
		}},
		{FaultTruncated, true, func(resp *http.Response, got []byte, err error) bool {
			return err == nil && resp.StatusCode == 200 && len(got) > 0 && !json.Valid(got)
		}},
		{FaultSlow, true, func(resp *http.Response, got []byte, err error) bool { return err == nil && json.Valid(got) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			var r Random
			r.Set(RandomFaults{Rate: 1, Kinds: []FaultKind{tt.kind}, Slow: time.Millisecond})
			var served atomic.Bool
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				d := r.Decide(nil)
				if !d.Before(req) {
					return
				}
				if st := d.Refusal(); st != 0 {
					w.WriteHeader(st)
					return
				}
				served.Store(true)
				if d.Spoil(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, body) {
					return
				}
				_, _ = w.Write(body)
			}))
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.Start()
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL)
			var got []byte
			if err == nil {
				got, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if !tt.check(resp, got, err) {
				t.Errorf("client saw %v, %q, %v", resp, got, err)
			}
			if served.Load() != tt.served {
				t.Errorf("served = %v, want %v", served.Load(), tt.served)
			}
		})
	}
}
