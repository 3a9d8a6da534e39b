package fakekit

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FaultKind is one way an answer can go wrong on its way to the client, as
// a fault-injecting proxy in front of a service would make it. The names
// are msfake's (`seats sandbox serve --faults`), so that one setting speaks
// to every fake.
type FaultKind string

// The kinds of random fault, with what each does to a request.
const (
	// FaultThrottle refuses the request, before serving it, with 429 and
	// the fake's Retry-After.
	FaultThrottle FaultKind = "429"
	// FaultServer refuses the request, before serving it, with a 500, 502,
	// 503 or 504 in the fake's error shape.
	FaultServer FaultKind = "5xx"
	// FaultDrop closes the connection before the request is served.
	FaultDrop FaultKind = "drop"
	// FaultCut serves the request (a write is applied), then stops the
	// body mid-stream: Content-Length promised more.
	FaultCut FaultKind = "cut"
	// FaultTruncated serves the request (a write is applied), then answers
	// a 200 whose JSON is cut short, complete as HTTP.
	FaultTruncated FaultKind = "truncated"
	// FaultSlow serves the request RandomFaults.Slow late, then whole.
	FaultSlow FaultKind = "slow"
)

// AllFaultKinds lists every kind, in the order people read them.
func AllFaultKinds() []FaultKind {
	return []FaultKind{FaultThrottle, FaultServer, FaultDrop, FaultCut, FaultTruncated, FaultSlow}
}

// RefusesBeforeServing reports whether a fault of kind k leaves the request
// unserved: nothing the request asks for happens. The others serve it and
// spoil (or delay) the answer; on a write, that is the write applied and
// its answer lost.
func (k FaultKind) RefusesBeforeServing() bool {
	return k == FaultThrottle || k == FaultServer || k == FaultDrop
}

// RandomFaults make a share of a fake's answers go wrong at random. The
// zero value injects none.
type RandomFaults struct {
	// Rate is the share of requests that get a fault, 0 to 1.
	Rate float64
	// Kinds are the faults to choose from, at random; none means all.
	Kinds []FaultKind
	// Seed makes the choices repeatable for the same order of requests;
	// 0 picks a seed from the clock.
	Seed uint64
	// Slow is how late a FaultSlow answer comes; 0 means 2 s.
	Slow time.Duration
}

// Random decides, request by request, whether and how an answer goes
// wrong. The zero value injects none; it is safe for concurrent use.
type Random struct {
	mu  sync.Mutex
	f   RandomFaults
	rng *rand.Rand // nil: no faults
}

// Set replaces the faults from now on (the zero value stops them), so a
// test can read a clean world first and a faulty one after.
func (r *Random) Set(f RandomFaults) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f.Rate <= 0 {
		r.f, r.rng = RandomFaults{}, nil
		return
	}
	if len(f.Kinds) == 0 {
		f.Kinds = AllFaultKinds()
	}
	if f.Slow <= 0 {
		f.Slow = 2 * time.Second
	}
	seed := f.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	r.f, r.rng = f, rand.New(rand.NewPCG(seed, seed^0x5ea75))
}

// Decide picks the fault of one request, or none; only kinds allowed
// accepts are chosen (nil accepts any). A fake passes a filter where a
// kind would do harm no proxy could: where serving a request changes
// something the client can only learn from the answer.
func (r *Random) Decide(allowed func(FaultKind) bool) Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rng == nil || r.rng.Float64() >= r.f.Rate {
		return Decision{}
	}
	var kinds []FaultKind
	for _, k := range r.f.Kinds {
		if allowed == nil || allowed(k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return Decision{}
	}
	d := Decision{Kind: kinds[r.rng.IntN(len(kinds))]}
	switch d.Kind {
	case FaultThrottle:
		d.status = http.StatusTooManyRequests
	case FaultServer:
		d.status = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}[r.rng.IntN(4)]
	case FaultSlow:
		d.slow = r.f.Slow
	}
	return d
}

// Decision is the fault of one request; the zero value is none. A fake
// plays it in three places: Before serving, Refusal instead of serving, and
// Write (which spoils it, see Spoil) when writing the answer.
type Decision struct {
	Kind   FaultKind // "" for none
	status int
	slow   time.Duration
}

// Before plays the part of the fault that comes before the request is
// served: a dropped connection (it panics with http.ErrAbortHandler, which
// net/http answers by closing the connection), a slow answer's wait. It
// reports whether to go on: false when the client gave up while waiting.
func (d Decision) Before(r *http.Request) bool {
	switch d.Kind {
	case FaultDrop:
		panic(http.ErrAbortHandler)
	case FaultSlow:
		t := time.NewTimer(d.slow)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	return true
}

// Refusal is the status to answer instead of serving the request (429 or
// a 5xx, in the fake's own error shape), or 0 to serve it.
func (d Decision) Refusal() int { return d.status }

// Spoil writes a served answer the way a cut or truncated fault spoils it
// and reports whether it did. Only 2xx answers with a body of two bytes or
// more are spoiled; others are left for the fake to write whole. A cut
// answer ends with a panic(http.ErrAbortHandler) once half the body is out.
func (d Decision) Spoil(w http.ResponseWriter, status int, header http.Header, body []byte) bool {
	if d.Kind != FaultCut && d.Kind != FaultTruncated || status < 200 || status > 299 || len(body) < 2 {
		return false
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	half := body[:len(body)/2]
	if d.Kind == FaultTruncated {
		w.Header().Set("Content-Length", strconv.Itoa(len(half)))
		w.WriteHeader(status)
		_, _ = w.Write(half)
		return true
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(half)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	panic(http.ErrAbortHandler) // net/http closes the connection mid-body
}

// Write writes a served answer: spoiled as the fault says (see Spoil), or
// whole. A HEAD answer has no body to spoil or write, only its status and
// headers.
func (d Decision) Write(w http.ResponseWriter, r *http.Request, status int, header http.Header, body []byte) {
	head := r.Method == http.MethodHead
	if !head && d.Spoil(w, status, header, body) {
		return // served, and its answer spoiled on the way
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	if !head {
		_, _ = w.Write(body)
	}
}
