package msfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestFaults: with every request faulted, each kind spoils a Graph read the
// way it says; the sign-in pages are spared.
func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault Fault
		check func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration)
	}{
		{FaultThrottle, func(t *testing.T, resp *http.Response, _ []byte, err error, _ time.Duration) {
			if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("got %v %v, want 429 with Retry-After", resp, err)
			}
		}},
		{FaultServer, func(t *testing.T, resp *http.Response, _ []byte, err error, _ time.Duration) {
			if err != nil || resp.StatusCode < 500 {
				t.Fatalf("got %v %v, want a 5xx", resp, err)
			}
		}},
		{FaultDrop, func(t *testing.T, resp *http.Response, _ []byte, err error, _ time.Duration) {
			if err == nil {
				t.Fatalf("got HTTP %d, want the connection dropped", resp.StatusCode)
			}
		}},
		{FaultCut, func(t *testing.T, resp *http.Response, _ []byte, err error, _ time.Duration) {
			if err == nil || resp == nil || resp.StatusCode != 200 {
				t.Fatalf("got %v %v, want a 200 whose body breaks off", resp, err)
			}
		}},
		{FaultTruncated, func(t *testing.T, resp *http.Response, body []byte, err error, _ time.Duration) {
			if err != nil || resp.StatusCode != 200 || json.Valid(body) {
				t.Fatalf("got %v %v valid=%v, want a 200 with cut JSON", resp, err, json.Valid(body))
			}
		}},
		{FaultSlow, func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
			if err != nil || resp.StatusCode != 200 || !json.Valid(body) || took < 50*time.Millisecond {
				t.Fatalf("got %v %v in %v, want a whole 200 after 50ms", resp, err, took)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			clean := newFake(t, Options{})
			tok := clean.graphToken()
			// Same world (same key), so the clean fake's token is good here.
			w := SmallWorld()
			f := newFakeWorld(t, w, Options{Faults: Faults{Rate: 1, Kinds: []Fault{tt.fault}, Slow: 50 * time.Millisecond}})
			req, _ := http.NewRequest(http.MethodGet, f.url("/graph/v1.0/tenantRelationships/delegatedAdminRelationships"), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			start := time.Now()
			resp, err := f.hc.Do(req)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			tt.check(t, resp, body, err, time.Since(start))
			// People's pages are never spoiled.
			page := f.get("/devicelogin", "")
			if page.status != http.StatusOK {
				t.Fatalf("device login page: HTTP %d under faults", page.status)
			}
		})
	}
}

func TestParseFaults(t *testing.T) {
	t.Parallel()
	got, err := ParseFaults(" drop, 429 ,drop")
	if err != nil || len(got) != 2 || got[0] != FaultThrottle || got[1] != FaultDrop {
		t.Fatalf("ParseFaults: %v, %v", got, err)
	}
	if all, err := ParseFaults("all"); err != nil || len(all) != len(AllFaults()) {
		t.Fatalf("all: %v, %v", all, err)
	}
	if _, err := ParseFaults("429,flood"); err == nil || !strings.Contains(err.Error(), `"flood"`) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("unknown fault: %v", err)
	}
}
