package httpx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimitTransportBoundsCallsInFlight(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()

	const limit = 3
	hc := &http.Client{Transport: NewLimitTransport(srv.Client().Transport, limit)}
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Errorf("GET: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}()
	}
	wg.Wait()
	if got := peak.Load(); got > limit || got < 2 {
		t.Fatalf("peak calls in flight = %d, want 2..%d", got, limit)
	}
}

func TestLimitTransportHonoursContext(t *testing.T) {
	t.Parallel()
	lt := NewLimitTransport(http.DefaultTransport, 1)
	lt.sem <- struct{}{} // the only slot is taken
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://127.0.0.1:1/", nil)
	if _, err := lt.RoundTrip(req); err != context.DeadlineExceeded {
		t.Fatalf("RoundTrip with no free slot = %v, want the context's error", err)
	}
}

func TestLimitTransportCountsOnlyWhatItLimits(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var calls atomic.Int64
	lt := NewLimitTransport(srv.Client().Transport, 1)
	lt.Calls = &calls
	lt.Only = func(r *http.Request) bool { return r.Method == http.MethodPost }
	hc := &http.Client{Transport: lt}
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPost} {
		req, _ := http.NewRequest(method, srv.URL, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if calls.Load() != 2 {
		t.Errorf("counted %d calls, want the 2 POSTs", calls.Load())
	}
}

// LimitedClient keeps the caller's client as it was, pools as many idle
// connections per host as calls may be in flight, and counts the calls.
func TestLimitedClient(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	base := &http.Transport{MaxIdleConnsPerHost: 2, MaxIdleConns: 0}
	caller := &http.Client{Transport: base, Timeout: 7 * time.Second}
	var calls atomic.Int64
	hc := LimitedClient(caller, 16, &calls)
	if caller.Transport != base || base.MaxIdleConnsPerHost != 2 {
		t.Fatal("the caller's client or transport was changed")
	}
	if hc.Timeout != 7*time.Second {
		t.Errorf("timeout %s, want the caller's", hc.Timeout)
	}
	lt, ok := hc.Transport.(*LimitTransport)
	if !ok {
		t.Fatalf("transport %T, want a LimitTransport", hc.Transport)
	}
	pooled, ok := lt.base.(*http.Transport)
	if !ok || pooled.MaxIdleConnsPerHost != 16 || pooled.MaxIdleConns != 0 {
		t.Errorf("pooled transport %+v: want 16 idle per host and still no overall limit", lt.base)
	}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.Load())
	}
}
