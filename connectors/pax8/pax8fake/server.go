package pax8fake

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Pax8's paging limits: size defaults to 10 and may be 1 to 200.
const (
	defaultSize = 10
	maxSize     = 200
)

// DefaultTokenLifetime is expires_in of Pax8's tokens: 24 hours.
const DefaultTokenLifetime = 24 * time.Hour

// Options tune a Server for a test, a benchmark or the sandbox. The zero
// value is a fast, well-behaved Pax8.
type Options struct {
	// Latency is added to every call, the token's too, for benchmarks and
	// cancellation tests. The wait ends early when the client gives up.
	Latency time.Duration
	// PageSize, if > 0, caps the page size whatever the client asks for
	// (and replaces the default of 10), so that tests page through tiny
	// worlds. Pax8's own cap of 200 always applies.
	PageSize int
	// TokenLifetime is the expires_in of issued tokens; default 24 hours.
	TokenLifetime time.Duration
	// Now is the clock tokens expire by; default time.Now.
	Now func() time.Time
	// Faults make a share of the answers go wrong at random, as a
	// fault-injecting proxy in front of the service would (see
	// fakekit.RandomFaults); the zero value injects none.
	Faults fakekit.RandomFaults
}

// Call names one kind of request, for the fault levers.
type Call string

// The kinds of request the fake serves.
const (
	CallToken         Call = "token"         // POST /v1/token
	CallCompanies     Call = "companies"     // GET /v1/companies
	CallCompany       Call = "company"       // GET /v1/companies/{id}
	CallSubscriptions Call = "subscriptions" // GET /v1/subscriptions
	CallSubscription  Call = "subscription"  // GET /v1/subscriptions/{id}
	CallProducts      Call = "products"      // GET /v1/products
	CallProduct       Call = "product"       // GET /v1/products/{id}
)

// Server is the fake Pax8 partner API over a World. It implements
// http.Handler and is safe for concurrent use; the caller must not touch
// the World passed to New afterwards except through Mutate.
type Server struct {
	opts Options
	fakekit.Levers[Call]
	tokenCalls atomic.Int64

	mu            sync.Mutex // guards everything below, including *w
	w             *World
	tokenGen      int64 // tokens issued under an older generation are refused
	secretRevoked bool
}

// New returns a Server over w. It panics on a nil world, a programming error.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("pax8fake: New with a nil World")
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
	BaseURL  string // replaces https://api.pax8.com/v1
	TokenURL string // replaces https://api.pax8.com/v1/token
}

// EndpointsFor returns the endpoints of a fake served at baseURL, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func EndpointsFor(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{BaseURL: base + "/v1", TokenURL: base + "/v1/token"}
}

// World returns a deep copy of the server's world.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.clone()
}

// Mutate changes the world under the server's lock, as Pax8's data changes
// between two syncs.
func (s *Server) Mutate(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.w)
}

// TokenCalls is the number of token requests served so far.
func (s *Server) TokenCalls() int64 { return s.tokenCalls.Load() }

// ExpireTokens ends every access token issued so far, as if they had
// expired early: API calls with them answer 401 until the client asks for
// a new one.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenGen++
}

// RevokeSecret makes the token endpoint refuse the world's client secret
// from now on (401 access_denied), as after the secret was deleted in Pax8.
// Tokens already issued keep working until they expire.
func (s *Server) RevokeSecret() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secretRevoked = true
}

// answer is a response computed under the lock and written after it.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// ServeHTTP serves the token endpoint and the partner API under /v1.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call, id, ok := route(r.URL.Path)
	s.Counts.Add(call, ok)
	if call == CallToken {
		s.tokenCalls.Add(1)
	}
	if !s.Latency.Wait(r) {
		return // the client is gone; nobody reads an answer
	}
	fault := s.Random.Decide(nil)
	if !fault.Before(r) {
		return // the client gave up waiting
	}
	var a answer
	switch {
	case !ok:
		a = pax8Error(r, http.StatusNotFound, "NOT_FOUND", "No endpoint "+r.URL.Path)
	case call == CallToken && r.Method != http.MethodPost,
		call != CallToken && r.Method != http.MethodGet && r.Method != http.MethodHead:
		a = pax8Error(r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Request method '"+r.Method+"' is not supported")
	default:
		// The body is read before the lock is taken: a slow client must not
		// hold up every other request.
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			return
		}
		if st := fault.Refusal(); st != 0 {
			a = s.injected(r, call, fakekit.Fault[Call]{Status: st}) // refused before serving: nothing is applied
		} else {
			a = s.serve(r, call, id, body)
		}
	}
	fault.Write(w, r, a.status, a.header, a.body)
}

// serve answers one routed request, applying injected faults first.
func (s *Server) serve(r *http.Request, call Call, id string, body []byte) answer {
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
	} else if msg, ok := s.authorize(r); !ok {
		a = pax8Error(r, http.StatusUnauthorized, "UNAUTHORIZED", msg)
	} else {
		a = s.serveAPI(r, call, id)
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
		a = answer{status: f.Status, header: jsonHeader(), body: []byte(f.Body)}
	case call == CallToken:
		a = tokenError(f.Status, "server_error", http.StatusText(f.Status)+" (injected by the test)")
	default:
		a = pax8Error(r, f.Status, errorType(f.Status), http.StatusText(f.Status)+" (injected by the test)")
	}
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		a.header.Set("Retry-After", "1")
	}
	return a
}

// route maps a path to its kind of call and the id in it.
func route(path string) (call Call, id string, ok bool) {
	rest, found := strings.CutPrefix(path, "/v1/")
	if !found {
		return "", "", false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "token":
		return CallToken, "", true
	case len(parts) == 1 && parts[0] == "companies":
		return CallCompanies, "", true
	case len(parts) == 2 && parts[0] == "companies" && parts[1] != "":
		return CallCompany, parts[1], true
	case len(parts) == 1 && parts[0] == "subscriptions":
		return CallSubscriptions, "", true
	case len(parts) == 2 && parts[0] == "subscriptions" && parts[1] != "":
		return CallSubscription, parts[1], true
	case len(parts) == 1 && parts[0] == "products":
		return CallProducts, "", true
	case len(parts) == 2 && parts[0] == "products" && parts[1] != "":
		return CallProduct, parts[1], true
	}
	return "", "", false
}

// serveAPI answers an authorised API request. Call with the lock held.
func (s *Server) serveAPI(r *http.Request, call Call, id string) answer {
	q := r.URL.Query()
	switch call {
	case CallCompanies:
		var rows []any
		for _, c := range s.w.Companies {
			if v := q.Get("status"); v != "" && !strings.EqualFold(v, c.Status) {
				continue
			}
			rows = append(rows, renderCompany(c))
		}
		return s.page(r, rows)
	case CallCompany:
		for _, c := range s.w.Companies {
			if c.ID == id {
				return ok(renderCompany(c))
			}
		}
		return pax8Error(r, http.StatusNotFound, "NOT_FOUND", "Company Not Found: "+id)
	case CallSubscriptions:
		var rows []any
		for _, sub := range s.w.Subscriptions {
			if !matches(q, "companyId", sub.CompanyID) || !matches(q, "status", sub.Status) ||
				!matches(q, "productId", sub.ProductID) || !matches(q, "billingTerm", sub.BillingTerm) {
				continue
			}
			rows = append(rows, renderSubscription(sub, s.product(sub.ProductID), false))
		}
		return s.page(r, rows)
	case CallSubscription:
		for _, sub := range s.w.Subscriptions {
			if sub.ID == id {
				return ok(renderSubscription(sub, s.product(sub.ProductID), true))
			}
		}
		return pax8Error(r, http.StatusNotFound, "NOT_FOUND", "Subscription Not Found: "+id)
	case CallProducts:
		var rows []any
		for _, p := range s.w.Products {
			if v := q.Get("vendorName"); v != "" && !strings.EqualFold(v, p.VendorName) {
				continue
			}
			rows = append(rows, renderProduct(p))
		}
		return s.page(r, rows)
	case CallProduct:
		if p, found := s.productByID(id); found {
			return ok(renderProduct(p))
		}
		return pax8Error(r, http.StatusNotFound, "NOT_FOUND", "Product Not Found: "+id)
	}
	return pax8Error(r, http.StatusNotFound, "NOT_FOUND", "No endpoint "+r.URL.Path)
}

func matches(q url.Values, name, value string) bool {
	v := q.Get(name)
	return v == "" || strings.EqualFold(v, value)
}

func (s *Server) product(id string) Product {
	p, _ := s.productByID(id)
	return p
}

func (s *Server) productByID(id string) (Product, bool) {
	for _, p := range s.w.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// page answers one page of rows: page is 0-based, size 1..200 (default
// 10), Options.PageSize caps it; a page past the end is empty. The
// envelope is Pax8's {"content":[...],"page":{size,totalElements,totalPages,number}}.
func (s *Server) page(r *http.Request, rows []any) answer {
	q := r.URL.Query()
	size := defaultSize
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSize {
			return pax8Error(r, http.StatusBadRequest, "BAD_REQUEST", fmt.Sprintf("size must be between 1 and %d", maxSize))
		}
		size = n
	}
	if ps := s.opts.PageSize; ps > 0 && size > ps {
		size = ps
	}
	number := 0
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return pax8Error(r, http.StatusBadRequest, "BAD_REQUEST", "page must be a number from 0")
		}
		number = n
	}
	total := len(rows)
	pages := int(math.Ceil(float64(total) / float64(size)))
	start := total
	if number <= total { // else number*size could overflow
		start = min(number*size, total)
	}
	end := min(start+size, total)
	content := rows[start:end]
	if content == nil {
		content = []any{}
	}
	return ok(map[string]any{
		"content": content,
		"page":    map[string]int{"size": size, "totalElements": total, "totalPages": pages, "number": number},
	})
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

// pax8Error is Pax8's error body: {"type":"NOT_FOUND","message":"Company
// Not Found: …","instance":"/public/v1/companies/…","status":404,"details":[]}.
func pax8Error(r *http.Request, status int, typ, message string) answer {
	a := answer{status: status, header: jsonHeader()}
	a.body = fakekit.MustJSON(map[string]any{
		"type":     typ,
		"message":  message,
		"instance": "/public" + r.URL.Path,
		"status":   status,
		"details":  []any{},
	})
	return a
}

// errorType is the "type" Pax8 writes for a status.
func errorType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BAD_REQUEST"
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusUnprocessableEntity:
		return "UNPROCESSABLE_ENTITY"
	case http.StatusTooManyRequests:
		return "TOO_MANY_REQUESTS"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	}
	return "INTERNAL_SERVER_ERROR"
}
