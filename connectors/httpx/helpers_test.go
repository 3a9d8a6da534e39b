package httpx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// reply is one scripted answer of a test server.
type reply struct {
	status int
	header map[string]string
	body   string
	drop   bool // close the connection without answering: a transport error
}

// seenRequest is what a test server received.
type seenRequest struct {
	method   string
	path     string
	rawQuery string
	header   http.Header
	body     string
}

// script is a test server's state: the answers it gives in order (the last
// one repeats) and the requests it saw.
type script struct {
	mu      sync.Mutex
	replies []reply
	reqs    []seenRequest
}

// newScript starts a loopback server answering with replies in order.
func newScript(t *testing.T, replies ...reply) (*httptest.Server, *script) {
	t.Helper()
	s := &script{replies: replies}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	return srv, s
}

func (s *script) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, seenRequest{
		method: r.Method, path: r.URL.Path, rawQuery: r.URL.RawQuery,
		header: r.Header.Clone(), body: string(body),
	})
	rep := s.replies[min(len(s.reqs), len(s.replies))-1]
	s.mu.Unlock()

	if rep.drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (s *script) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.reqs...)
}

func (s *script) hits() int { return len(s.requests()) }

// sleepRecorder is an Options.Sleep that records the waits asked for and
// returns at once, so retry tests never wait for real.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *sleepRecorder) Waits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// fixedNow is the clock of tests that turn HTTP dates into waits; whole
// seconds, as HTTP dates are.
var fixedNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// testClient returns a client for srv whose waits are recorded, not slept.
func testClient(srv *httptest.Server, o Options) (*Client, *sleepRecorder) {
	rec := &sleepRecorder{}
	if o.Service == "" {
		o.Service = "test service"
	}
	if o.HTTPClient == nil && srv != nil {
		o.HTTPClient = srv.Client()
	}
	if o.Sleep == nil {
		o.Sleep = rec.Sleep
	}
	if o.Now == nil {
		o.Now = func() time.Time { return fixedNow }
	}
	return New(o), rec
}
