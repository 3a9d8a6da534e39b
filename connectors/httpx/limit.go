package httpx

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// LimitTransport admits at most n requests in flight and counts them; a
// slot is held from sending a request until its response body is closed.
// Bounding the transport bounds every call of a client (pages, details,
// tokens, writes) without holding a slot while the client waits to retry.
type LimitTransport struct {
	base http.RoundTripper
	sem  chan struct{}
	// Only, if set, picks the requests that count against the limit;
	// the others pass freely.
	Only func(*http.Request) bool
	// Calls, if set, counts the requests sent through the limit.
	Calls *atomic.Int64
}

// NewLimitTransport bounds base (http.DefaultTransport when nil) to n
// requests in flight.
func NewLimitTransport(base http.RoundTripper, n int) *LimitTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &LimitTransport{base: base, sem: make(chan struct{}, max(1, n))}
}

// RoundTrip waits for a slot (or the request's context) and sends req.
func (t *LimitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Only != nil && !t.Only(req) {
		return t.base.RoundTrip(req)
	}
	select {
	case t.sem <- struct{}{}:
	case <-req.Context().Done():
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, req.Context().Err()
	}
	if t.Calls != nil {
		t.Calls.Add(1)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		<-t.sem
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: func() { <-t.sem }}
	return resp, nil
}

// CloseIdleConnections passes through, so http.Client.CloseIdleConnections
// still reaches the real transport.
func (t *LimitTransport) CloseIdleConnections() {
	if ci, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// releaseBody frees its slot once, on the first Close.
type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// LimitedClient returns a copy of hc (DefaultHTTPClient when nil) whose
// transport admits at most n requests in flight, counting them in calls
// when not nil, over PooledTransport. The caller's client is left as it
// was.
func LimitedClient(hc *http.Client, n int, calls *atomic.Int64) *http.Client {
	out := *DefaultHTTPClient()
	if hc != nil {
		out = *hc
	}
	limited := NewLimitTransport(PooledTransport(out.Transport, n), n)
	limited.Calls = calls
	out.Transport = limited
	return &out
}

// PooledTransport returns rt (http.DefaultTransport when nil) keeping up to
// n idle connections per host: net/http keeps 2 by default, so with more
// calls in flight every burst would open (and TLS-handshake) new ones. An
// *http.Transport is cloned, so the caller's TLS and proxy settings stay;
// any other RoundTripper is returned as it is.
func PooledTransport(rt http.RoundTripper, n int) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok || t.MaxIdleConnsPerHost >= n && (t.MaxIdleConns == 0 || t.MaxIdleConns >= n) {
		return rt
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, n)
	if t.MaxIdleConns != 0 { // 0 is no limit
		t.MaxIdleConns = max(t.MaxIdleConns, n)
	}
	return t
}
