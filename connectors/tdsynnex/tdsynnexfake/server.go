package tdsynnexfake

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Ion's paging defaults, as its SDK uses them: 10 rows a page.
const (
	defaultSize = 10
	maxSize     = 1000
)

// DefaultTokenLifetime is expires_in of the fake's access tokens: two
// hours, as reported (not confirmed) for Ion.
const DefaultTokenLifetime = 2 * time.Hour

// Options tune a Server for a test, a benchmark or the sandbox. The zero
// value is a fast, well-behaved Ion.
type Options struct {
	// Latency is added to every call, the token's too. The wait ends early
	// when the client gives up.
	Latency time.Duration
	// PageSize, if > 0, caps the page size of both lists whatever the
	// client asks for (and replaces the default of 10), so that tests page
	// through tiny worlds.
	PageSize int
	// TokenLifetime is the expires_in of issued access tokens; default two hours.
	TokenLifetime time.Duration
	// Now is the clock access tokens expire by; default time.Now.
	Now func() time.Time
	// RefreshTokenRotated, if set, is called (outside the server's lock)
	// with the world's new refresh token after every exchange and
	// RevokeSecret, so that the sandbox can keep its world file current.
	RefreshTokenRotated func(token string)
	// Faults make a share of the answers go wrong at random, as a
	// fault-injecting proxy in front of the service would (see
	// fakekit.RandomFaults); the zero value injects none.
	Faults fakekit.RandomFaults
}

// Call names one kind of request, for the fault levers.
type Call string

// The kinds of request the fake serves.
const (
	CallToken         Call = "token"          // POST /oauth/token
	CallCustomers     Call = "customers"      // GET .../customers
	CallCustomer      Call = "customer"       // GET .../customers/{id}
	CallCloudProfiles Call = "cloud profiles" // GET .../customers/{id}/cloudProfiles
	CallSubscriptions Call = "subscriptions"  // GET .../subscriptions
)

// Server is the fake Ion API over a World. It implements http.Handler and
// is safe for concurrent use; the caller must not touch the World passed
// to New afterwards except through Mutate.
type Server struct {
	opts Options
	fakekit.Levers[Call]
	tokenCalls atomic.Int64

	mu       sync.Mutex // guards everything below, including *w
	w        *World
	tokenGen int64 // access tokens issued under an older generation are refused
	minted   int64 // refresh tokens issued, to make each one unique
}

// New returns a Server over w. It panics on a nil world, a programming error.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("tdsynnexfake: New with a nil World")
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
	BaseURL  string // replaces https://ion.tdsynnex.com
	TokenURL string // replaces https://ion.tdsynnex.com/oauth/token
}

// EndpointsFor returns the endpoints of a fake served at baseURL, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func EndpointsFor(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{BaseURL: base, TokenURL: base + "/oauth/token"}
}

// World returns a deep copy of the server's world, its current refresh
// token included.
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

// TokenCalls is the number of token requests (exchanges) served so far.
func (s *Server) TokenCalls() int64 { return s.tokenCalls.Load() }

// ExpireTokens ends every access token issued so far: API calls with them
// answer 401 until the client exchanges its refresh token again.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenGen++
}

// RevokeSecret makes the token endpoint refuse the current refresh token,
// as when new OAuth credentials are requested in Ion: the world's
// RefreshToken becomes a new one that no client holds (a test reconnects
// with World().RefreshToken). Access tokens already issued keep working
// until they expire.
func (s *Server) RevokeSecret() {
	s.mu.Lock()
	tok := s.mint()
	s.mu.Unlock()
	if s.opts.RefreshTokenRotated != nil {
		s.opts.RefreshTokenRotated(tok)
	}
}

// answer is a response computed under the lock and written after it.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	rotated string // a new refresh token to report after the lock
}

// ServeHTTP serves the token endpoint and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call, account, id, ok := route(r.URL.Path)
	s.Counts.Add(call, ok)
	if call == CallToken {
		s.tokenCalls.Add(1)
	}
	if !s.Latency.Wait(r) {
		return // the client is gone; nobody reads an answer
	}
	fault := s.Random.Decide(func(k fakekit.FaultKind) bool {
		// A token served rotates the refresh token: its answer is never
		// spoiled, or the client would hold a dead one for good.
		return call != CallToken || k.RefusesBeforeServing() || k == fakekit.FaultSlow
	})
	if !fault.Before(r) {
		return // the client gave up waiting
	}
	var a answer
	switch {
	case !ok:
		a = apiError(http.StatusNotFound, "Not Found")
	case call == CallToken && r.Method != http.MethodPost,
		call != CallToken && r.Method != http.MethodGet && r.Method != http.MethodHead:
		a = apiError(http.StatusMethodNotAllowed, "Method Not Allowed")
	default:
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			return
		}
		if st := fault.Refusal(); st != 0 {
			a = injected(call, fakekit.Fault[Call]{Status: st}) // refused before serving: nothing is applied
		} else {
			a = s.serve(r, call, account, id, body)
		}
	}
	if a.rotated != "" && s.opts.RefreshTokenRotated != nil {
		s.opts.RefreshTokenRotated(a.rotated)
	}
	fault.Write(w, r, a.status, a.header, a.body)
}

// serve answers one routed request, applying injected faults first.
func (s *Server) serve(r *http.Request, call Call, account, id string, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	truncate := false
	if f, ok := s.Faults.Take(call); ok {
		if f.Kind == fakekit.FaultTruncate {
			truncate = true
		} else {
			return injected(call, f)
		}
	}
	var a answer
	switch {
	case call == CallToken:
		a = s.serveToken(r, body)
	default:
		if msg, ok := s.authorize(r); !ok {
			a = apiError(http.StatusUnauthorized, msg)
		} else if account != s.w.AccountID {
			a = apiError(http.StatusForbidden, "The caller does not have access to account "+account)
		} else {
			a = s.serveAPI(r, call, id)
		}
	}
	if truncate && a.status == http.StatusOK {
		a.body = a.body[:len(a.body)/2]
	}
	return a
}

func injected(call Call, f fakekit.Fault[Call]) answer {
	var a answer
	switch {
	case f.Body != "":
		a = answer{status: f.Status, header: jsonHeader(), body: []byte(f.Body)}
	case call == CallToken:
		a = tokenError(f.Status, "server_error", http.StatusText(f.Status)+" (injected by the test)")
	default:
		a = apiError(f.Status, http.StatusText(f.Status)+" (injected by the test)")
	}
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		a.header.Set("Retry-After", "1")
	}
	return a
}

// route maps a path to its kind of call, the account and the customer id in it.
func route(path string) (call Call, account, id string, ok bool) {
	if path == "/oauth/token" {
		return CallToken, "", "", true
	}
	rest, found := strings.CutPrefix(path, "/api/v3/accounts/")
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(parts) < 2 || parts[0] == "" {
		return "", "", "", false
	}
	account = parts[0]
	switch {
	case len(parts) == 2 && parts[1] == "customers":
		return CallCustomers, account, "", true
	case len(parts) == 3 && parts[1] == "customers" && parts[2] != "":
		return CallCustomer, account, parts[2], true
	case len(parts) == 4 && parts[1] == "customers" && parts[2] != "" && parts[3] == "cloudProfiles":
		return CallCloudProfiles, account, parts[2], true
	case len(parts) == 2 && parts[1] == "subscriptions":
		return CallSubscriptions, account, "", true
	}
	return "", "", "", false
}

// serveAPI answers an authorised API request. Call with the lock held.
func (s *Server) serveAPI(r *http.Request, call Call, id string) answer {
	q := r.URL.Query()
	switch call {
	case CallCustomers:
		var rows []any
		for _, c := range s.w.Customers {
			if v := q.Get("filter.customerStatus"); v != "" && !strings.EqualFold(v, c.Status) {
				continue
			}
			rows = append(rows, renderCustomer(s.w.AccountID, c))
		}
		return s.tokenPage(q.Get("pageSize"), q.Get("pageToken"), rows)
	case CallCustomer, CallCloudProfiles:
		for _, c := range s.w.Customers {
			if c.ID != id {
				continue
			}
			if call == CallCustomer {
				return ok(renderCustomer(s.w.AccountID, c))
			}
			return ok(renderProfiles(c))
		}
		return apiError(http.StatusNotFound, "customer "+id+" not found")
	case CallSubscriptions:
		var rows []any
		for _, sub := range s.w.Subscriptions {
			if v := q.Get("customerId"); v != "" && v != sub.CustomerID {
				continue
			}
			if v := q.Get("subscriptionStatus"); v != "" && !strings.EqualFold(v, sub.Status) {
				continue
			}
			rows = append(rows, renderSubscription(s.w, sub))
		}
		return s.offsetPage(q.Get("pagination.limit"), q.Get("pagination.offset"), rows)
	}
	return apiError(http.StatusNotFound, "Not Found")
}

// size reads a page size: default 10, 1..1000, capped by Options.PageSize.
func (s *Server) size(v string) (int, bool) {
	size := defaultSize
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSize {
			return 0, false
		}
		size = n
	}
	if ps := s.opts.PageSize; ps > 0 && size > ps {
		size = ps
	}
	return size, true
}

// tokenPage answers one page of customers: {"customers":[...],
// "nextPageToken":"..."}, both left out when empty, as Ion (protobuf JSON)
// writes them. The page token is opaque to clients.
func (s *Server) tokenPage(sizeParam, token string, rows []any) answer {
	size, good := s.size(sizeParam)
	if !good {
		return apiError(http.StatusBadRequest, fmt.Sprintf("pageSize must be between 1 and %d", maxSize))
	}
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || perr != nil || !strings.HasPrefix(string(raw), "offset:") || n < 0 {
			return apiError(http.StatusBadRequest, "invalid pageToken")
		}
		start = min(n, len(rows))
	}
	end := min(start+size, len(rows))
	out := map[string]any{}
	if end > start {
		out["customers"] = rows[start:end]
	}
	if end < len(rows) {
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return ok(out)
}

// offsetPage answers one page of subscriptions: {"items":[...]}, or {}
// past the end. The offset counts items.
func (s *Server) offsetPage(limitParam, offsetParam string, rows []any) answer {
	size, good := s.size(limitParam)
	if !good {
		return apiError(http.StatusBadRequest, fmt.Sprintf("pagination.limit must be between 1 and %d", maxSize))
	}
	offset := 0
	if offsetParam != "" {
		n, err := strconv.Atoi(offsetParam)
		if err != nil || n < 0 {
			return apiError(http.StatusBadRequest, "pagination.offset must be a number from 0")
		}
		offset = n
	}
	start := min(offset, len(rows))
	end := min(start+size, len(rows))
	out := map[string]any{}
	if end > start {
		out["items"] = rows[start:end]
	}
	return ok(out)
}

// Answers.

func jsonHeader() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return h
}

func ok(v any) answer {
	return answer{status: http.StatusOK, header: jsonHeader(), body: fakekit.MustJSON(v)}
}

// apiError is a gRPC-gateway error body, {"code":5,"message":"...",
// "details":[]}, with the gRPC code of the status. Ion does not publish its
// error body; this is the shape its v3 API's gateway style implies.
func apiError(status int, message string) answer {
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(map[string]any{
		"code": grpcCode(status), "message": message, "details": []any{},
	})}
}

func grpcCode(status int) int {
	switch status {
	case http.StatusBadRequest:
		return 3
	case http.StatusUnauthorized:
		return 16
	case http.StatusForbidden:
		return 7
	case http.StatusNotFound:
		return 5
	case http.StatusTooManyRequests:
		return 8
	case http.StatusServiceUnavailable:
		return 14
	}
	return 13
}
