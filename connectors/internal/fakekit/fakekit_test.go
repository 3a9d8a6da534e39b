package fakekit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestFaultsInOrderAndUsedUp(t *testing.T) {
	t.Parallel()
	var q Faults[string]
	q.Add(Fault[string]{Kind: 1, Call: "list", Status: 503, Left: 2})
	q.Add(Fault[string]{Kind: 2, Call: "list", Left: 1})
	q.Add(Fault[string]{Kind: 3, Call: "other", Left: 0}) // for no request: ignored
	var kinds []int
	for range 4 {
		if f, ok := q.Take("list"); ok {
			kinds = append(kinds, f.Kind)
		}
	}
	if len(kinds) != 3 || kinds[0] != 1 || kinds[1] != 1 || kinds[2] != 2 {
		t.Errorf("taken kinds %v, want [1 1 2]", kinds)
	}
	if _, ok := q.Take("other"); ok {
		t.Error("a fault for no request was queued")
	}
}

func TestCountsAndLatency(t *testing.T) {
	t.Parallel()
	var c Counts[string]
	c.Add("list", true)
	c.Add("list", true)
	c.Add("nowhere", false)
	if c.All() != 3 || c.Served("list") != 2 || c.Served("nowhere") != 0 {
		t.Errorf("all %d, list %d, nowhere %d", c.All(), c.Served("list"), c.Served("nowhere"))
	}
	var l Latency
	l.Set(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://fake.example/", nil)
	if l.Wait(r) {
		t.Error("Wait went on for a client that gave up")
	}
}

// The levers every fake embeds: a queued failure is taken once per
// request of its call, throttling says its wait, and counts add up.
func TestLevers(t *testing.T) {
	t.Parallel()
	l := Levers[string]{RetryAfter: 3 * time.Second}
	l.FailNext("list", 503, "", 2)
	if got := l.ThrottleNext("token", 1); got != 3*time.Second {
		t.Errorf("ThrottleNext = %s, want the fake's RetryAfter", got)
	}
	l.TruncateNext("list", 1)
	for i, want := range []int{FaultStatus, FaultStatus, FaultTruncate} {
		f, ok := l.Faults.Take("list")
		if !ok || f.Kind != want {
			t.Fatalf("take %d: %+v %v, want kind %d", i, f, ok, want)
		}
	}
	if f, ok := l.Faults.Take("token"); !ok || f.Status != 429 {
		t.Errorf("the throttle: %+v %v", f, ok)
	}
	if _, ok := l.Faults.Take("list"); ok {
		t.Error("a fault outlived its count")
	}
	l.Counts.Add("list", true)
	l.Counts.Add("nowhere", false)
	if l.Calls() != 2 || l.Served("list") != 1 {
		t.Errorf("calls %d, served list %d; want 2 and 1", l.Calls(), l.Served("list"))
	}
}

// Origin keeps the prefix a fake is mounted under.
func TestOrigin(t *testing.T) {
	t.Parallel()
	var got string
	h := http.StripPrefix("/halopsa", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = Origin(r) }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "http://fake.example/halopsa/api/authinfo?x=1", nil))
	if got != "http://fake.example/halopsa" {
		t.Errorf("Origin = %q, want http://fake.example/halopsa", got)
	}
}
