package msfake

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fault is one way an answer can go wrong on its way to the client, as a
// fault-injecting proxy in front of Microsoft would make it.
type Fault string

// The faults the fake can inject.
const (
	FaultThrottle  Fault = "429"       // 429 with Retry-After: 1
	FaultServer    Fault = "5xx"       // 500, 502, 503 or 504, without Retry-After
	FaultDrop      Fault = "drop"      // the connection closes before any answer
	FaultCut       Fault = "cut"       // the body stops mid-stream (Content-Length promised more)
	FaultTruncated Fault = "truncated" // a 200 whose JSON is cut short, complete as HTTP
	FaultSlow      Fault = "slow"      // the answer comes Faults.Slow late, then whole
)

// AllFaults lists every fault, in the order people read them.
func AllFaults() []Fault {
	return []Fault{FaultThrottle, FaultServer, FaultDrop, FaultCut, FaultTruncated, FaultSlow}
}

// ParseFaults reads a comma-separated list of faults ("429,5xx,drop"), or
// "all"; names are not case-sensitive. The error names the unknown one and
// the known ones.
func ParseFaults(s string) ([]Fault, error) {
	var out []Fault
	seen := map[Fault]bool{}
	for _, part := range strings.Split(s, ",") {
		name := Fault(strings.ToLower(strings.TrimSpace(part)))
		switch {
		case name == "":
			continue
		case name == "all":
			return AllFaults(), nil
		case !isFault(name):
			names := make([]string, 0, len(AllFaults()))
			for _, f := range AllFaults() {
				names = append(names, string(f))
			}
			return nil, fmt.Errorf("unknown fault %q (known: %s, or all)", part, strings.Join(names, ", "))
		case !seen[name]:
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return faultOrder(out[i]) < faultOrder(out[j]) })
	return out, nil
}

func isFault(f Fault) bool { return faultOrder(f) >= 0 }

func faultOrder(f Fault) int {
	for i, k := range AllFaults() {
		if k == f {
			return i
		}
	}
	return -1
}

// Faults make a share of the fake's answers go wrong, for every service the
// client calls without a person in the loop: Graph (and each request inside
// a JSON batch, which can only be throttled or fail alone), Partner Center,
// and the token endpoint's silent (refresh-token) grant. Pages people look
// at (device login, admin consent) and the device-code sign-in itself are
// spared, so that a sandbox under faults can still be signed in to.
type Faults struct {
	// Rate is the share of eligible requests that get a fault, 0 to 1.
	Rate float64
	// Kinds are the faults to choose from, at random; none means all.
	Kinds []Fault
	// Seed makes the choice repeatable; 0 picks a seed from the clock.
	Seed uint64
	// Slow is how late a FaultSlow answer comes; 0 means 2 s.
	Slow time.Duration
}

// SetFaults replaces the faults from now on (the zero value stops them), so
// a test can read a clean world first and a faulty one after.
func (s *Server) SetFaults(f Faults) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = newFaultPicker(f)
}

// faultPicker decides, request by request, whether and how an answer goes
// wrong. It has its own lock: it is consulted before the world's.
type faultPicker struct {
	f   Faults
	rng *rand.Rand
}

func newFaultPicker(f Faults) *faultPicker {
	if f.Rate <= 0 {
		return nil
	}
	if len(f.Kinds) == 0 {
		f.Kinds = AllFaults()
	}
	if f.Slow <= 0 {
		f.Slow = 2 * time.Second
	}
	seed := f.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return &faultPicker{f: f, rng: rand.New(rand.NewPCG(seed, seed^0x5ea75))}
}

// pick returns the fault for one request, or "" for none; only kinds in
// allowed (nil = any) are chosen. Call with Server.faultMu held.
func (p *faultPicker) pick(allowed func(Fault) bool) Fault {
	if p == nil || p.rng.Float64() >= p.f.Rate {
		return ""
	}
	var kinds []Fault
	for _, k := range p.f.Kinds {
		if allowed == nil || allowed(k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	return kinds[p.rng.IntN(len(kinds))]
}

// slowFor is how late a FaultSlow answer comes.
func (s *Server) slowFor() time.Duration {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.faults == nil {
		return 0
	}
	return s.faults.f.Slow
}

// serverStatus is the 5xx a FaultServer answers with.
func (p *faultPicker) serverStatus() int {
	return []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}[p.rng.IntN(4)]
}

// pickFault decides the fault of one request: a FailNextFault rule first,
// then the random Faults. Token requests other than the silent grant are
// spared (see Faults).
func (s *Server) pickFault(r *http.Request, isGraph, isPC bool) (Fault, int) {
	if !isGraph && !isPC && !isSilentTokenRequest(r) {
		return "", 0
	}
	if rule, ok := s.takeFaultRule(r, nil); ok {
		return rule, http.StatusServiceUnavailable
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults.pick(nil)
	if f == FaultServer {
		return f, s.faults.serverStatus()
	}
	return f, 0
}

// pickItemFault is the fault of one request inside a JSON batch: only
// throttling and server errors happen to a single item.
func (s *Server) pickItemFault() (Fault, int) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults.pick(func(k Fault) bool { return k == FaultThrottle || k == FaultServer })
	if f == FaultServer {
		return f, s.faults.serverStatus()
	}
	return f, 0
}

// isSilentTokenRequest reports whether r asks the token endpoint for a
// refresh-token grant: the silent path every customer tenant's token takes.
func isSilentTokenRequest(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
		return false
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return false
	}
	return r.PostForm.Get("grant_type") == "refresh_token"
}

// FailNextFault makes the next n requests whose method matches ("" = any)
// and whose path starts with pathPrefix go wrong with fault f, whatever
// Options.Faults say. A FaultServer answers 503 without Retry-After.
func (s *Server) FailNextFault(method, pathPrefix string, f Fault, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failRule{
		method: strings.ToUpper(method), prefix: pathPrefix, fault: f, left: n,
	})
}

// takeFaultRule takes the first FailNextFault rule matching r whose fault
// is allowed (nil = any).
func (s *Server) takeFaultRule(r *http.Request, allowed func(Fault) bool) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if f.fault == "" || f.method != "" && f.method != r.Method || !strings.HasPrefix(r.URL.Path, f.prefix) {
			continue
		}
		if allowed != nil && !allowed(f.fault) {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
		}
		return f.fault, true
	}
	return "", false
}

// writeFaultStatus answers a FaultThrottle or FaultServer in the shape of
// the service the request was for.
func (s *Server) writeFaultStatus(w http.ResponseWriter, r *http.Request, f Fault, status int, isGraph, isPC bool) {
	if f == FaultThrottle {
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", "1")
	}
	text := http.StatusText(status)
	switch {
	case isGraph:
		writeGraphError(w, r, status, graphCodeFor(status), text+" (a fault the sandbox injected).")
	case isPC:
		writePCError(w, r, status, strings.ReplaceAll(text, " ", ""), text+" (a fault the sandbox injected).")
	default:
		code := "server_error"
		if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
			code = "temporarily_unavailable"
		}
		s.writeAADError(w, r, aadErr{status: status, code: code, aadsts: 90033,
			desc: "A transient error has occurred. Please try again."})
	}
}

// spoil sends a finished answer the way fault f spoils it: cut short as
// JSON (truncated) or as HTTP (cut). Only 2xx answers with a body are
// spoiled; others go out whole.
func spoil(w http.ResponseWriter, d *deferredWriter, f Fault) bool {
	body := d.body.Bytes()
	if d.status < 200 || d.status > 299 || len(body) < 2 {
		return false
	}
	half := body[:len(body)/2]
	switch f {
	case FaultTruncated:
		w.Header().Set("Content-Length", strconv.Itoa(len(half)))
		w.WriteHeader(d.status)
		_, _ = w.Write(half)
		return true
	case FaultCut:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(d.status)
		_, _ = w.Write(half)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		// net/http closes the connection without finishing the body.
		panic(http.ErrAbortHandler)
	}
	return false
}
