package sherwebfake

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// DefaultTokenLifetime is expires_in of Sherweb's tokens: an hour.
const DefaultTokenLifetime = time.Hour

// The scopes the token endpoint grants.
const (
	ScopeServiceProvider = "service-provider"
	ScopeDistributor     = "distributor"
)

// Options tune a Server for a test, a benchmark or the sandbox. The zero
// value is a fast, well-behaved Sherweb.
type Options struct {
	// Latency is added to every call, the token's too. The wait ends early
	// when the client gives up.
	Latency time.Duration
	// TokenLifetime is the expires_in of issued tokens; default an hour.
	TokenLifetime time.Duration
	// Now is the clock tokens expire by and the default billing date;
	// default time.Now.
	Now func() time.Time
	// SingleScopeTokens makes the token endpoint refuse a request for more
	// than one scope (invalid_scope), as the one-token-per-scope reading of
	// Sherweb's examples has it.
	SingleScopeTokens bool
	// LegacyEndpoints makes the split /billing/subscriptions/details and
	// /pricing-information answer 404, as an older API version would; the
	// combined /billing/subscriptions still answers.
	LegacyEndpoints bool
	// Faults make a share of the answers go wrong at random, as a
	// fault-injecting proxy in front of the service would (see
	// fakekit.RandomFaults); the zero value injects none.
	Faults fakekit.RandomFaults
}

// Call names one kind of request, for the fault levers.
type Call string

// The kinds of request the fake serves.
const (
	CallToken          Call = "token"                // POST /auth/oidc/connect/token
	CallCustomers      Call = "customers"            // GET .../customers
	CallDetails        Call = "subscription details" // GET .../billing/subscriptions/details
	CallPricing        Call = "pricing information"  // GET .../billing/subscriptions/pricing-information
	CallSubscriptions  Call = "subscriptions"        // GET .../billing/subscriptions (older, combined)
	CallPayableCharges Call = "payable charges"      // GET /distributor/v1/billing/payable-charges
)

// Server is the fake Sherweb over a World. It implements http.Handler and
// is safe for concurrent use; the caller must not touch the World passed to
// New afterwards except through Mutate.
type Server struct {
	opts Options
	fakekit.Levers[Call]
	tokenCalls atomic.Int64

	mu            sync.Mutex // guards everything below, including *w
	w             *World
	tokenGen      int64
	secretRevoked bool
}

// New returns a Server over w. It panics on a nil world, a programming error.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("sherwebfake: New with a nil World")
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = DefaultTokenLifetime
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{Levers: fakekit.Levers[Call]{RetryAfter: time.Second}, opts: o, w: w}
	s.Latency.Set(o.Latency)
	s.Random.Set(o.Faults)
	return s
}

// NewTLSServer starts an httptest TLS server with a new Server over w, for
// tests. Use the returned httptest.Server's Client() so that its
// certificate is trusted, and Close it when done.
func NewTLSServer(w *World, o Options) (*httptest.Server, *Server) {
	s := New(w, o)
	srv := fakekit.StartTLS(s)
	return srv, s
}

// Endpoints are the URLs a client needs for a fake served at one address.
type Endpoints struct {
	BaseURL  string // replaces https://api.sherweb.com (both APIs live under it)
	TokenURL string // replaces https://api.sherweb.com/auth/oidc/connect/token
}

// EndpointsFor returns the endpoints of a fake served at baseURL, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func EndpointsFor(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{BaseURL: base, TokenURL: base + "/auth/oidc/connect/token"}
}

// World returns a deep copy of the server's world.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.clone()
}

// Mutate changes the world under the server's lock.
func (s *Server) Mutate(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.w)
}

// TokenCalls is the number of token requests served so far.
func (s *Server) TokenCalls() int64 { return s.tokenCalls.Load() }

// ExpireTokens ends every access token issued so far: API calls with them
// answer 401 until the client asks for a new one.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenGen++
}

// RevokeSecret makes the token endpoint refuse the world's client secret
// from now on (400 invalid_client). Tokens already issued keep working
// until they expire.
func (s *Server) RevokeSecret() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secretRevoked = true
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// ServeHTTP serves the token endpoint and both APIs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call, ok := route(r.URL.Path)
	s.Counts.Add(call, ok)
	if call == CallToken {
		s.tokenCalls.Add(1)
	}
	if !s.Latency.Wait(r) {
		return
	}
	fault := s.Random.Decide(nil)
	if !fault.Before(r) {
		return // the client gave up waiting
	}
	var a answer
	switch {
	case !ok:
		a = problem(r, http.StatusNotFound, "Not Found", "No resource matches "+r.URL.Path)
	case call == CallToken && r.Method != http.MethodPost,
		call != CallToken && r.Method != http.MethodGet && r.Method != http.MethodHead:
		a = problem(r, http.StatusMethodNotAllowed, "Method Not Allowed", "The method "+r.Method+" is not allowed here")
	default:
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			return
		}
		if st := fault.Refusal(); st != 0 {
			a = s.injected(r, call, fakekit.Fault[Call]{Status: st}) // refused before serving: nothing is applied
		} else {
			a = s.serve(r, call, body)
		}
	}
	fault.Write(w, r, a.status, a.header, a.body)
}

func (s *Server) serve(r *http.Request, call Call, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	truncate := false
	if f, ok := s.Faults.Take(call); ok {
		if f.Kind == fakekit.FaultTruncate {
			truncate = true
		} else {
			return s.injected(r, call, f)
		}
	}
	var a answer
	if call == CallToken {
		a = s.serveToken(r, body)
	} else if denied, ok := s.gateway(r); !ok {
		a = denied
	} else if denied, ok := s.authorize(r, call); !ok {
		a = denied
	} else {
		a = s.serveAPI(r, call)
	}
	if truncate && a.status == http.StatusOK {
		a.body = a.body[:len(a.body)/2]
	}
	return a
}

func (s *Server) injected(r *http.Request, call Call, f fakekit.Fault[Call]) answer {
	var a answer
	switch {
	case f.Body != "":
		a = answer{status: f.Status, header: jsonHeader("application/json"), body: []byte(f.Body)}
	case call == CallToken:
		a = tokenError(f.Status, "server_error")
	case f.Status == http.StatusTooManyRequests:
		a = gatewayError(f.Status, "Rate limit is exceeded. Try again in 1 seconds.")
	default:
		a = problem(r, f.Status, http.StatusText(f.Status), http.StatusText(f.Status)+" (injected by the test)")
	}
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		a.header.Set("Retry-After", "1")
	}
	return a
}

// route maps a path to its kind of call.
func route(path string) (Call, bool) {
	switch strings.TrimSuffix(path, "/") {
	case "/auth/oidc/connect/token":
		return CallToken, true
	case "/service-provider/v1/customers":
		return CallCustomers, true
	case "/service-provider/v1/billing/subscriptions/details":
		return CallDetails, true
	case "/service-provider/v1/billing/subscriptions/pricing-information":
		return CallPricing, true
	case "/service-provider/v1/billing/subscriptions":
		return CallSubscriptions, true
	case "/distributor/v1/billing/payable-charges":
		return CallPayableCharges, true
	}
	return "", false
}

// gateway checks the subscription key as Azure API Management does,
// before anything else. Call with the lock held.
func (s *Server) gateway(r *http.Request) (answer, bool) {
	key := r.Header.Get("Ocp-Apim-Subscription-Key")
	if key == "" {
		key = r.URL.Query().Get("subscription-key")
	}
	switch {
	case key == "":
		return gatewayError(http.StatusUnauthorized, "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."), false
	case s.w.SubscriptionKey == "" || !equal(key, s.w.SubscriptionKey):
		return gatewayError(http.StatusUnauthorized, "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."), false
	}
	return answer{}, true
}

// serveAPI answers an authorised API request. Call with the lock held.
func (s *Server) serveAPI(r *http.Request, call Call) answer {
	q := r.URL.Query()
	switch call {
	case CallCustomers:
		rows := make([]any, 0, len(s.w.Customers))
		for _, c := range s.w.Customers {
			rows = append(rows, renderCustomer(c))
		}
		return ok(map[string]any{"items": rows})
	case CallDetails, CallPricing, CallSubscriptions:
		if s.opts.LegacyEndpoints && call != CallSubscriptions {
			return problem(r, http.StatusNotFound, "Not Found", "No resource matches "+r.URL.Path)
		}
		id := q.Get("customerId")
		if id == "" {
			return problem(r, http.StatusBadRequest, "One or more validation errors occurred.", "The customerId field is required.")
		}
		if !s.hasCustomer(id) {
			a := problem(r, http.StatusNotFound, "Customer not found", fmt.Sprintf("Customer '%s' was not found.", id))
			a.body = fakekit.MustJSON(map[string]any{"type": "https://api.sherweb.com/problems/customer-not-found", "title": "Customer not found",
				"status": http.StatusNotFound, "detail": fmt.Sprintf("Customer '%s' was not found.", id), "instance": r.URL.Path})
			return a
		}
		rows := []any{}
		for _, sub := range s.w.Subscriptions {
			if strings.EqualFold(sub.CustomerID, id) {
				rows = append(rows, renderSubscription(sub, call))
			}
		}
		return ok(map[string]any{"items": rows})
	case CallPayableCharges:
		if s.w.DistributorDenied {
			return problem(r, http.StatusForbidden, "Forbidden", "The client is not allowed to access the distributor API.")
		}
		day := s.opts.Now().UTC()
		if v := q.Get("date"); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return problem(r, http.StatusBadRequest, "One or more validation errors occurred.", "The value '"+v+"' is not valid for date.")
			}
			day = t
		}
		return ok(s.payableCharges(day))
	}
	return problem(r, http.StatusNotFound, "Not Found", "No resource matches "+r.URL.Path)
}

func (s *Server) hasCustomer(id string) bool {
	for _, c := range s.w.Customers {
		if strings.EqualFold(c.ID, id) {
			return true
		}
	}
	return false
}

// Answers.

func jsonHeader(ct string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", ct)
	return h
}

func ok(v any) answer {
	return answer{status: http.StatusOK, header: jsonHeader("application/json; charset=utf-8"), body: fakekit.MustJSON(v)}
}

// problem is an RFC 7807 problem details body, as Sherweb's APIs answer
// errors.
func problem(r *http.Request, status int, title, detail string) answer {
	a := answer{status: status, header: jsonHeader("application/problem+json; charset=utf-8")}
	a.body = fakekit.MustJSON(map[string]any{
		"type":     fmt.Sprintf("https://httpstatuses.io/%d", status),
		"title":    title,
		"status":   status,
		"detail":   detail,
		"instance": r.URL.Path,
	})
	return a
}

// gatewayError is Azure API Management's own error body.
func gatewayError(status int, message string) answer {
	return answer{status: status, header: jsonHeader("application/json"), body: fakekit.MustJSON(map[string]any{"statusCode": status, "message": message})}
}
