package fakekit

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"time"
)

// The fault kinds every fake queues; a fake numbers kinds of its own from
// FaultOwn on.
const (
	FaultStatus   = iota // answer Status with Body (empty: the fake's own error shape), doing nothing
	FaultTruncate        // answer the real 200 with its JSON body cut short
	FaultOwn             // the first of a fake's own kinds
)

// Levers are what a fake's tests pull and what its handler consults: the
// queued faults, the random faults, the latency and the counts of requests
// served. A fake embeds them, so that every fake answers the same levers
// the same way.
type Levers[C comparable] struct {
	Faults  Faults[C]
	Random  Random // the random faults (Options.Faults, SetFaults)
	Latency Latency
	Counts  Counts[C]
	// RetryAfter is the wait the fake's throttled answers ask for.
	RetryAfter time.Duration
}

// Calls is the number of requests served so far, token requests and
// failed ones included.
func (l *Levers[C]) Calls() int64 { return l.Counts.All() }

// Served is the number of requests of kind call served so far.
func (l *Levers[C]) Served(call C) int64 { return l.Counts.Served(call) }

// SetLatency changes the latency added to every call from now on.
func (l *Levers[C]) SetLatency(d time.Duration) { l.Latency.Set(d) }

// SetFaults replaces the random faults from now on (the zero value stops
// them), so that a test can read a clean world first and a faulty one
// after.
func (l *Levers[C]) SetFaults(f RandomFaults) { l.Random.Set(f) }

// FailNext makes the next n requests of kind call answer status with body;
// an empty body becomes the service's own error shape for the status.
// Faults are matched in the order they were added.
func (l *Levers[C]) FailNext(call C, status int, body string, n int) {
	l.Faults.Add(Fault[C]{Kind: FaultStatus, Call: call, Status: status, Body: body, Left: n})
}

// ThrottleNext makes the next n requests of kind call answer 429 Too Many
// Requests with Retry-After, and returns the wait it asks for.
func (l *Levers[C]) ThrottleNext(call C, n int) time.Duration {
	l.FailNext(call, http.StatusTooManyRequests, "", n)
	return l.RetryAfter
}

// TruncateNext makes the next n requests of kind call answer their real
// 200 with the JSON body cut short, as a dropped connection or a broken
// proxy would.
func (l *Levers[C]) TruncateNext(call C, n int) {
	l.Faults.Add(Fault[C]{Kind: FaultTruncate, Call: call, Left: n})
}

// AfterAnswer wraps a fake's handler: for each request match picks, the
// fake answers in full, then happens runs, and only then is the answer
// sent, as when a PSA changes a line between taking a write and seats'
// reading it again. Other requests pass untouched.
func AfterAnswer(match func(*http.Request) bool, happens func()) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			happens()
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}
