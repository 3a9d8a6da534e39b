package msfake

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Options tune a Server for a test, a benchmark or the sandbox. The zero
// value is a fast, well-behaved Microsoft.
type Options struct {
	// ApproveAfter is how long after issue a device code is approved (0 =
	// at the first poll). It travels inside the device code, so another
	// process serving the same world honours it too.
	ApproveAfter time.Duration
	// DeviceCodeTTL is the expires_in of device codes; default 15 minutes,
	// as Entra.
	DeviceCodeTTL time.Duration
	// Latency is added to every Graph and Partner Center call and to every
	// call of the token endpoint and the OpenID configuration (what MSAL
	// calls for each customer tenant), for benchmarks: a latency-true
	// imitation of the services. Pages people look at are spared. The wait
	// ends early when the client gives up.
	Latency time.Duration
	// Faults make a share of answers go wrong (see Faults); the zero value
	// injects none.
	Faults Faults
	// PageSize, if > 0, overrides the default page sizes everywhere and caps
	// the page size a client asks for ($top, size), the way a service may
	// return shorter pages than asked, so that tests exercise paging.
	PageSize int
	// ThrottleOnce makes the first GET .../users of the server's life answer
	// 429 with Retry-After: 1.
	ThrottleOnce bool
	// AdminConsentAutoAccept, if > 0, makes the admin consent page accept by
	// itself after this delay (a meta refresh to the page with accept=1).
	AdminConsentAutoAccept time.Duration
	// Now is the clock every decision by date uses; default time.Now.
	Now func() time.Time
	// OpaqueAccessTokens makes the access tokens issued opaque blobs, not
	// JWTs, as Microsoft may make them (clients must not read them); the
	// fake's APIs accept them as they accept its JWTs.
	OpaqueAccessTokens bool
	// OnChange is called after every mutation of the world (a consent
	// granted), with the server's lock held, so that the sandbox can persist
	// the world. It must not call back into the Server.
	OnChange func(w *World)
}

// DeviceCodeOutcome is what happens when a device code's approval time
// comes; a test lever for the sign-in error paths.
type DeviceCodeOutcome int

// The device code outcomes.
const (
	// Approve signs the user in (the default).
	Approve DeviceCodeOutcome = iota
	// Decline answers authorization_declined, as when the user says no.
	Decline
	// Expire answers expired_token at once, as when the code has run out.
	Expire
	// BlockConditionalAccess answers invalid_grant AADSTS53003, as when a
	// Conditional Access policy blocks the sign-in.
	BlockConditionalAccess
)

// Server is the fake Microsoft: the Entra authority, Microsoft Graph and
// Partner Center on one host, told apart by path (see the package doc). It
// implements http.Handler. All access to the World is under one mutex, so a
// Server is safe for concurrent use; the caller must not touch the World
// passed to New afterwards except through OnChange.
type Server struct {
	opts  Options
	calls atomic.Int64

	mu sync.Mutex // guards everything below, including *world
	w  *World
	// outcome is the device-code lever.
	outcome DeviceCodeOutcome
	// rtGeneration rises with every RevokeRefreshTokens; refresh tokens of an
	// older generation are refused.
	rtGeneration int64
	failures     []*failRule
	throttled    bool // ThrottleOnce has fired
	// faults picks the random faults; faultMu guards it, apart from mu so
	// that no fault decision waits for the world.
	faultMu sync.Mutex
	faults  *faultPicker
	// byTenant finds a customer by lower-cased tenant id or domain, and
	// relIndex a GDAP relationship by id; both are rebuilt after Mutate.
	// A world of 10,000 customers must not be scanned on every request.
	byTenant map[string]int
	relIndex map[string]relRef
	redeemed map[string]time.Time // authorization codes already used, until they expire
}

type failRule struct {
	method string
	prefix string
	status int
	body   string
	fault  Fault // set by FailNextFault; then status and body are unused
	left   int
}

// New returns a Server over w. It panics on a nil world, a programming error.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("msfake: New with a nil World")
	}
	if o.DeviceCodeTTL <= 0 {
		o.DeviceCodeTTL = 15 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{opts: o, w: w, redeemed: map[string]time.Time{}, faults: newFaultPicker(o.Faults)}
	s.reindex()
	return s
}

// NewTLSServer starts an httptest TLS server with a new Server over w, for
// tests. Use the returned httptest.Server's Client() so that its certificate
// is trusted, and Close it when done.
func NewTLSServer(w *World, o Options) (*httptest.Server, *Server) {
	s := New(w, o)
	srv := fakekit.StartTLS(s)
	return srv, s
}

// Endpoints are the three base URLs a client needs to talk to a fake served
// at one address.
type Endpoints struct {
	// AuthorityHost is scheme and host of the authority, e.g.
	// https://127.0.0.1:4321; the client appends /organizations or a tenant.
	AuthorityHost string
	// GraphURL replaces https://graph.microsoft.com: the client calls
	// GraphURL + "/v1.0/..." and asks for scopes GraphURL + "/.default".
	GraphURL string
	// PartnerCenterURL replaces https://api.partnercenter.microsoft.com: the
	// client calls PartnerCenterURL + "/v1/customers".
	PartnerCenterURL string
}

// EndpointsFor returns the endpoints of a fake served at baseURL, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func EndpointsFor(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{
		AuthorityHost:    base,
		GraphURL:         base + graphPrefix,
		PartnerCenterURL: base + pcPrefix,
	}
}

// World returns a deep copy of the server's world, for tests to inspect.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneWorld(s.w)
}

// Calls is the number of Graph and Partner Center requests served so far,
// failed ones included, so benchmarks can compare it with the ideal count.
func (s *Server) Calls() int64 { return s.calls.Load() }

// SetDeviceCodeOutcome decides what device-code polls answer once a code is
// due for approval, from now on.
func (s *Server) SetDeviceCodeOutcome(o DeviceCodeOutcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcome = o
}

// RevokeRefreshTokens makes every refresh token issued so far answer
// invalid_grant AADSTS700082, as when they have expired or been revoked.
// Tokens from a new sign-in work again.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rtGeneration++
}

// FailNext makes the next n requests whose method matches (case-insensitive;
// "" matches any) and whose path starts with pathPrefix (e.g.
// "/graph/v1.0/users") answer status with body. An empty body becomes an
// error in the shape of the service the path belongs to (Graph, Partner
// Center or the authority); "{not json" tests malformed JSON. 429 and 503
// answers carry Retry-After: 1. Rules are matched in the order they were
// added.
func (s *Server) FailNext(method, pathPrefix string, status int, body string, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failRule{
		method: strings.ToUpper(method), prefix: pathPrefix, status: status, body: body, left: n,
	})
}

const (
	graphPrefix = "/graph"
	pcPrefix    = "/partnercenter"
)

// ServeHTTP dispatches to the authority, Graph or Partner Center by path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	isGraph := p == graphPrefix || strings.HasPrefix(p, graphPrefix+"/")
	isPC := p == pcPrefix || strings.HasPrefix(p, pcPrefix+"/")
	if isGraph || isPC {
		s.calls.Add(1)
	}
	if isGraph || isPC || isMachineAuthorityCall(p) {
		if !s.wait(r, s.opts.Latency) {
			return // the client is gone; nobody reads an answer
		}
	}
	fault, status := s.pickFault(r, isGraph, isPC)
	switch fault {
	case FaultDrop:
		panic(http.ErrAbortHandler) // net/http closes the connection unanswered
	case FaultSlow:
		if !s.wait(r, s.slowFor()) {
			return
		}
	}
	// Handlers answer into a buffer and the answer goes out after they
	// return, so that no write to a slow client ever happens under the lock.
	dw := &deferredWriter{ResponseWriter: w}
	defer func() {
		if fault == FaultTruncated || fault == FaultCut {
			if spoil(w, dw, fault) {
				return
			}
		}
		dw.flush()
	}()
	if fault == FaultThrottle || fault == FaultServer {
		s.writeFaultStatus(dw, r, fault, status, isGraph, isPC)
		return
	}
	if rule, ok := s.takeFailure(r); ok {
		s.writeInjected(dw, r, rule, isGraph, isPC)
		return
	}
	switch {
	case isGraph && strings.EqualFold(strings.TrimPrefix(p, graphPrefix), "/v1.0/$batch"):
		s.serveGraphBatch(dw, r)
	case isGraph:
		s.serveGraph(dw, r, strings.TrimPrefix(p, graphPrefix))
	case isPC:
		s.servePartnerCenter(dw, r, strings.TrimPrefix(p, pcPrefix))
	case p == "/devicelogin":
		s.serveDeviceLogin(dw, r)
	default:
		s.serveAuthority(dw, r)
	}
}

// isMachineAuthorityCall reports whether path is an authority endpoint MSAL
// calls without a person: the token endpoint and the OpenID configuration.
func isMachineAuthorityCall(path string) bool {
	return strings.HasSuffix(path, "/oauth2/v2.0/token") || strings.HasSuffix(path, "/v2.0/.well-known/openid-configuration")
}

// deferredWriter holds an answer until flush.
type deferredWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (d *deferredWriter) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *deferredWriter) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return d.body.Write(p)
}

func (d *deferredWriter) flush() {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	d.ResponseWriter.WriteHeader(d.status)
	_, _ = d.ResponseWriter.Write(d.body.Bytes())
}

// wait sleeps d unless the request is cancelled first; it reports whether
// to go on.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
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

func (s *Server) takeFailure(r *http.Request) (failRule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if f.fault != "" || f.method != "" && f.method != r.Method {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, f.prefix) {
			continue
		}
		f.left--
		rule := *f
		if f.left <= 0 {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
		}
		return rule, true
	}
	return failRule{}, false
}

func (s *Server) writeInjected(w http.ResponseWriter, r *http.Request, f failRule, isGraph, isPC bool) {
	if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if f.body != "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte(f.body))
		return
	}
	text := http.StatusText(f.status)
	switch {
	case isGraph:
		writeGraphError(w, r, f.status, graphCodeFor(f.status), text+" (injected by the test).")
	case isPC:
		writePCError(w, r, f.status, strings.ReplaceAll(text, " ", ""), text+" (injected by the test).")
	default:
		code := "server_error"
		if f.status == http.StatusServiceUnavailable {
			code = "temporarily_unavailable"
		}
		s.writeAADError(w, r, aadErr{status: f.status, code: code, aadsts: 90033,
			desc: "A transient error has occurred. Please try again."})
	}
}

// graphCodeFor is the Graph error code Graph uses for a status.
func graphCodeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BadRequest"
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken"
	case http.StatusForbidden:
		return "Authorization_RequestDenied"
	case http.StatusNotFound:
		return "Request_ResourceNotFound"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceNotAvailable"
	case http.StatusGatewayTimeout:
		return "GatewayTimeout"
	default:
		return "generalException"
	}
}

// now is the server's clock.
func (s *Server) now() time.Time { return s.opts.Now() }

// baseURL is the scheme and host the client used, for absolute links.
func baseURL(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

// Mutate changes the world as time and people would between two runs of
// seats: a relationship expires, a customer's admin revokes consent, a role
// is removed. fn runs under the server's lock; OnChange is called after it.
func (s *Server) Mutate(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.w)
	s.reindex()
	if s.opts.OnChange != nil {
		s.opts.OnChange(s.w)
	}
}
