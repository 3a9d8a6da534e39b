// Package fakekit is what the fakes of outside services share: the queue of
// faults a test injects ("the next 3 subscription listings answer 503"),
// the latency added to every answer, and the counts of requests served.
// Each fake keeps its own routes, error shapes and fault kinds; this is only
// the bookkeeping, so that every fake behaves alike under the same levers.
package fakekit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is one injected fault: the next Left requests of kind Call are
// answered as Kind says (each fake numbers its own kinds), with Status and
// Body where the kind answers something.
type Fault[C comparable] struct {
	Kind   int
	Call   C
	Status int
	Body   string
	Left   int
}

// Faults is a queue of faults, matched in the order they were added. It is
// safe for concurrent use.
type Faults[C comparable] struct {
	mu     sync.Mutex
	faults []*Fault[C]
}

// Add queues f; a fault for no request (Left ≤ 0) is ignored.
func (q *Faults[C]) Add(f Fault[C]) {
	if f.Left <= 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.faults = append(q.faults, &f)
}

// Take consumes one use of the first fault queued for call.
func (q *Faults[C]) Take(call C) (Fault[C], bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.faults {
		if f.Call != call {
			continue
		}
		f.Left--
		taken := *f
		if f.Left <= 0 {
			q.faults = append(q.faults[:i], q.faults[i+1:]...)
		}
		return taken, true
	}
	return Fault[C]{}, false
}

// Latency is the time added to every answer, changeable while serving.
type Latency struct{ d atomic.Int64 }

// Set changes the latency from now on.
func (l *Latency) Set(d time.Duration) { l.d.Store(int64(d)) }

// Wait sleeps the latency unless the client gives up first; it reports
// whether to go on answering.
func (l *Latency) Wait(r *http.Request) bool {
	d := time.Duration(l.d.Load())
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Counts counts the requests served, in all and per kind of call.
type Counts[C comparable] struct {
	all    atomic.Int64
	served sync.Map // C -> *atomic.Int64
}

// Add counts one request; routed is false for a request that matched no
// route (it counts in all only).
func (c *Counts[C]) Add(call C, routed bool) {
	c.all.Add(1)
	if routed {
		n, _ := c.served.LoadOrStore(call, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
}

// All is the number of requests served so far, failed ones included.
func (c *Counts[C]) All() int64 { return c.all.Load() }

// Served is the number of requests of kind call served so far.
func (c *Counts[C]) Served(call C) int64 {
	if n, ok := c.served.Load(call); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// MustJSON encodes an answer's body as the services write it (no HTML
// escaping, no trailing newline). Every answer is built from a fake's own
// plain values, so a failure is a bug in the fake, and panics.
func MustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("fakekit: encoding an answer: %v", err))
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// StartTLS serves h on a new httptest TLS server, for tests: use its
// Client() so that its certificate is trusted, and Close it when done.
// Clients that hang up as a test ends make a server log handshake errors,
// which say nothing about the code under test: they are dropped.
func StartTLS(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	return srv
}
