package microsoft

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
	hc := &http.Client{Transport: newLimitTransport(srv.Client().Transport, limit)}
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
	lt := newLimitTransport(http.DefaultTransport, 1)
	lt.sem <- struct{}{} // the only slot is taken
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://127.0.0.1:1/", nil)
	if _, err := lt.RoundTrip(req); err != context.DeadlineExceeded {
		t.Fatalf("RoundTrip with no free slot = %v, want the context's error", err)
	}
}

func TestInstanceDiscoveryOnlyOffMicrosoftHosts(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"https://login.microsoftonline.com":        true,
		"https://LOGIN.microsoftonline.us":         true,
		"https://login.partner.microsoftonline.cn": true,
		"https://127.0.0.1:8443":                   false,
		"https://login.example.com":                false,
	}
	for host, want := range tests {
		if got := isMicrosoftLoginHost(host); got != want {
			t.Errorf("isMicrosoftLoginHost(%s) = %t, want %t", host, got, want)
		}
	}
}
