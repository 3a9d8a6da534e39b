package halofake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
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

// Options tune a Server. The zero value is a fast, well-behaved Halo.
type Options struct {
	// Latency is added to every call; the wait ends when the client gives up.
	Latency time.Duration
	// PageSize, if > 0, caps the page size whatever the client asks for, so
	// that tests page through tiny worlds.
	PageSize int
	// Now is the clock that expires tokens; default time.Now.
	Now func() time.Time
	// TokenLifetime is how long an access token lives; 0 = DefaultTokenLifetime.
	TokenLifetime time.Duration
	// OnChange, when set, is called with a copy of the world after every
	// write that changed it (outside the lock, one call at a time).
	OnChange func(World)
	// Faults make a share of the answers go wrong at random, as a
	// fault-injecting proxy in front of the service would (see
	// fakekit.RandomFaults); the zero value injects none.
	Faults fakekit.RandomFaults
}

// DefaultTokenLifetime is Halo's expires_in: an hour.
const DefaultTokenLifetime = time.Hour

// DefaultRetryAfter is the Retry-After of the fake's 429 and 503, in seconds.
const DefaultRetryAfter = 5

// unpagedCount is how many rows a list answers without pageinate=true and
// without count: a client that forgets to page gets a short list.
const unpagedCount = 50

// Call names one kind of request, for the fault levers and counters.
type Call string

// The kinds of request the fake serves.
const (
	CallAuthInfo Call = "authinfo" // GET /api/authinfo
	CallToken    Call = "token"    // POST /auth/token
	CallClients  Call = "clients"  // GET /api/Client
	CallItems    Call = "items"    // GET /api/Item
	CallInvoices Call = "invoices" // GET /api/RecurringInvoice
	CallInvoice  Call = "invoice"  // GET /api/RecurringInvoice/{id}
	CallWrite    Call = "write"    // POST /api/RecurringInvoice
)

// Server is the fake HaloPSA over a World. It implements http.Handler and
// is safe for concurrent use.
type Server struct {
	opts Options
	fakekit.Levers[Call]
	writes  atomic.Int64
	applied atomic.Int64

	changeMu sync.Mutex

	mu            sync.Mutex // guards everything below, including *w
	w             *World
	tokens        map[string]time.Time // access token -> expiry
	tokenSeq      int
	secretRevoked bool
	lastWrite     []byte // the body of the last POST, for tests
}

const (
	faultDropAnswer = fakekit.FaultOwn // do the work (a write), then drop the connection
)

// New returns a Server over w; it panics on a nil world.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("halofake: New with a nil World")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = DefaultTokenLifetime
	}
	s := &Server{Levers: fakekit.Levers[Call]{RetryAfter: DefaultRetryAfter * time.Second}, opts: o, w: w, tokens: map[string]time.Time{}}
	s.Latency.Set(o.Latency)
	s.Random.Set(o.Faults)
	return s
}

// NewTLSServer starts an httptest TLS server with a new Server over w. Use
// the httptest.Server's Client() and Close it when done.
func NewTLSServer(w *World, o Options) (*httptest.Server, *Server) {
	s := New(w, o)
	srv := fakekit.StartTLS(s)
	return srv, s
}

// Endpoints are what a client needs for a fake served at one address.
type Endpoints struct {
	// URL is the instance, as psa.halopsa.url takes it.
	URL string
	// AuthURL is what /api/authinfo names; the token endpoint is AuthURL/token.
	AuthURL string
}

// EndpointsFor returns the endpoints of a fake served at baseURL, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func EndpointsFor(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{URL: base, AuthURL: base + "/auth"}
}

// World returns a deep copy of the server's world.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Clone()
}

// Mutate changes the world under the server's lock. OnChange is not called.
func (s *Server) Mutate(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.w)
}

// Writes is the number of POSTs of a recurring invoice received, whatever
// became of them.
func (s *Server) Writes() int64 { return s.writes.Load() }

// Applied is the number of writes that changed the world.
func (s *Server) Applied() int64 { return s.applied.Load() }

// LastWrite is the body of the last POST received (nil before any).
func (s *Server) LastWrite() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.lastWrite...)
}

// RefuseWrite makes the next n writes answer 400 with Halo's JSON string
// body saying reason; nothing changes.
func (s *Server) RefuseWrite(n int, reason string) {
	s.FailNext(CallWrite, http.StatusBadRequest, string(fakekit.MustJSON(reason)), n)
}

// DropAnswerAfterWrite makes the next n writes happen and then drops the
// connection without an answer.
func (s *Server) DropAnswerAfterWrite(n int) {
	s.Faults.Add(fakekit.Fault[Call]{Kind: faultDropAnswer, Call: CallWrite, Left: n})
}

// ChangeLineBehindYourBack sets the quantity of line id as an agent
// editing it in Halo would, and edits its long description, so that the
// line changes even when the quantity is the same. It reports whether the
// line exists.
func (s *Server) ChangeLineBehindYourBack(id int, quantity json.Number) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.w.Invoices {
		for j := range s.w.Invoices[i].Lines {
			if l := &s.w.Invoices[i].Lines[j]; l.ID == id {
				l.Quantity = quantity
				l.Long = strings.TrimSpace(l.Long + " (edited)")
				return true
			}
		}
	}
	return false
}

// ExpireTokens ends every access token issued so far.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// RevokeSecret makes the token endpoint refuse the world's secret from now
// on, and ends the tokens issued, as deleting the API application does.
func (s *Server) RevokeSecret() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secretRevoked = true
	s.tokens = map[string]time.Time{}
}

type answer struct {
	status  int
	header  http.Header
	body    []byte
	changed bool
	drop    bool
}

// route maps a request to its call; id is the invoice id of CallInvoice.
func route(r *http.Request) (call Call, id int, ok bool) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.EqualFold(p, "/api/authinfo") && r.Method == http.MethodGet:
		return CallAuthInfo, 0, true
	case strings.EqualFold(p, "/auth/token") && r.Method == http.MethodPost:
		return CallToken, 0, true
	case strings.EqualFold(p, "/api/Client") && r.Method == http.MethodGet:
		return CallClients, 0, true
	case strings.EqualFold(p, "/api/Item") && r.Method == http.MethodGet:
		return CallItems, 0, true
	case strings.EqualFold(p, "/api/RecurringInvoice") && r.Method == http.MethodGet:
		return CallInvoices, 0, true
	case strings.EqualFold(p, "/api/RecurringInvoice") && r.Method == http.MethodPost:
		return CallWrite, 0, true
	}
	const prefix = "/api/recurringinvoice/"
	if len(p) > len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) && r.Method == http.MethodGet {
		n, err := strconv.Atoi(p[len(prefix):])
		if err == nil {
			return CallInvoice, n, true
		}
	}
	return "", 0, false
}

// ServeHTTP serves the routes in the package doc.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call, id, found := route(r)
	if found && call == CallWrite {
		s.writes.Add(1)
	}
	s.Counts.Add(call, found)
	if !s.Latency.Wait(r) {
		return
	}
	fault := s.Random.Decide(nil)
	if !fault.Before(r) {
		return // the client gave up waiting
	}
	var a answer
	if !found {
		a = haloError(http.StatusNotFound, "The requested resource was not found")
	} else {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return
		}
		if st := fault.Refusal(); st != 0 {
			a = injected(fakekit.Fault[Call]{Status: st}) // refused before serving: nothing is applied
		} else {
			a = s.serve(r, call, id, body)
		}
	}
	if a.changed && s.opts.OnChange != nil {
		s.changeMu.Lock()
		s.opts.OnChange(s.World())
		s.changeMu.Unlock()
	}
	if a.drop {
		panic(http.ErrAbortHandler)
	}
	fault.Write(w, r, a.status, a.header, a.body)
}

func (s *Server) serve(r *http.Request, call Call, id int, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var taken fakekit.Fault[Call]
	hasFault := false
	if f, ok := s.Faults.Take(call); ok {
		if f.Kind == fakekit.FaultStatus {
			return injected(f)
		}
		taken, hasFault = f, true
	}
	var a answer
	switch call {
	case CallAuthInfo:
		a = s.serveAuthInfo(r)
	case CallToken:
		a = s.serveToken(r, body)
	default:
		if refusal, ok := s.authorize(r); !ok {
			a = refusal
		} else {
			a = s.serveAPI(r, call, id, body)
		}
	}
	if hasFault {
		switch {
		case taken.Kind == fakekit.FaultTruncate && a.status == http.StatusOK:
			a.body = a.body[:len(a.body)/2]
		case taken.Kind == faultDropAnswer:
			a.drop = true
		}
	}
	return a
}

func injected(f fakekit.Fault[Call]) answer {
	var a answer
	switch {
	case f.Body != "":
		a = answer{status: f.Status, header: jsonHeader(), body: []byte(f.Body)}
	case f.Status == http.StatusTooManyRequests:
		a = answer{status: f.Status, header: http.Header{"Content-Type": {"text/plain"}}, body: []byte("Too Many Requests")}
	default:
		a = haloError(f.Status, errorMessage(f.Status))
	}
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		a.header.Set("Retry-After", strconv.Itoa(DefaultRetryAfter))
	}
	return a
}

func errorMessage(status int) string {
	switch status {
	case http.StatusForbidden:
		return "You do not have permission to access this resource"
	case http.StatusInternalServerError:
		return "An error has occurred."
	}
	return http.StatusText(status) + " (injected by the test)"
}

// serveAuthInfo answers where the token endpoint is. A hosted instance
// names its tenant.
func (s *Server) serveAuthInfo(r *http.Request) answer {
	info := map[string]any{"auth_url": fakekit.Origin(r) + "/auth", "tenant_id": s.w.Tenant}
	return ok(info)
}

// serveToken is the client-credentials grant: a form body, ?tenant= on a
// hosted instance, scope all. Errors are OAuth's {"error","error_description"}.
func (s *Server) serveToken(r *http.Request, body []byte) answer {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return tokenError(http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
	}
	if s.w.Tenant != "" && !strings.EqualFold(r.URL.Query().Get("tenant"), s.w.Tenant) {
		return tokenError(http.StatusBadRequest, "invalid_request", "Unknown or missing tenant")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return tokenError(http.StatusBadRequest, "invalid_request", "The request body is not a form")
	}
	if form.Get("grant_type") != "client_credentials" {
		return tokenError(http.StatusBadRequest, "unsupported_grant_type", "")
	}
	idOK := subtle.ConstantTimeCompare([]byte(form.Get("client_id")), []byte(s.w.ClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(form.Get("client_secret")), []byte(s.w.ClientSecret)) == 1
	if !idOK || !secretOK || s.secretRevoked || s.w.ClientSecret == "" {
		return tokenError(http.StatusBadRequest, "invalid_client", "")
	}
	if scope := form.Get("scope"); scope != "all" {
		return tokenError(http.StatusBadRequest, "invalid_scope", "")
	}
	s.tokenSeq++
	sum := sha256.Sum256([]byte(fmt.Sprintf("halofake token %d %s", s.tokenSeq, s.w.ClientID)))
	tok := "hf." + hex.EncodeToString(sum[:16])
	s.tokens[tok] = s.opts.Now().Add(s.opts.TokenLifetime)
	return ok(map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int64(s.opts.TokenLifetime / time.Second), "scope": "all",
	})
}

func tokenError(status int, code, desc string) answer {
	body := map[string]string{"error": code}
	if desc != "" {
		body["error_description"] = desc
	}
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(body)}
}

// authorize checks the bearer token: known and not expired by the
// server's clock. A refusal is 401 with an empty body, as Halo answers.
func (s *Server) authorize(r *http.Request) (answer, bool) {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	exp, known := s.tokens[strings.TrimSpace(tok)]
	if !found || !known || !s.opts.Now().Before(exp) {
		h := http.Header{}
		h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		return answer{status: http.StatusUnauthorized, header: h}, false
	}
	return answer{}, true
}

func (s *Server) serveAPI(r *http.Request, call Call, id int, body []byte) answer {
	switch call {
	case CallClients:
		rows := make([]any, 0, len(s.w.Clients))
		for _, c := range s.w.Clients {
			if c.Inactive && !truthy(r, "includeinactive") {
				continue
			}
			rows = append(rows, renderClient(c))
		}
		return s.list(r, "clients", rows)
	case CallItems:
		rows := make([]any, 0, len(s.w.Items))
		for _, it := range s.w.Items {
			if it.Inactive && !truthy(r, "includeinactive") {
				continue
			}
			rows = append(rows, renderItem(it))
		}
		return s.list(r, "items", rows)
	case CallInvoices:
		rows := make([]any, 0, len(s.w.Invoices))
		for _, inv := range s.w.Invoices {
			rows = append(rows, s.renderInvoice(inv, truthy(r, "includelines")))
		}
		return s.list(r, "invoices", rows)
	case CallInvoice:
		if i := s.invoiceIndex(id); i >= 0 {
			return ok(s.renderInvoice(s.w.Invoices[i], true))
		}
		return haloError(http.StatusNotFound, fmt.Sprintf("Recurring Invoice %d not found", id))
	case CallWrite:
		s.lastWrite = append([]byte(nil), body...)
		return s.postInvoice(body)
	}
	return haloError(http.StatusNotFound, "The requested resource was not found")
}

func truthy(r *http.Request, name string) bool {
	for k, vs := range r.URL.Query() {
		if strings.EqualFold(k, name) && len(vs) > 0 && strings.EqualFold(vs[0], "true") {
			return true
		}
	}
	return false
}

func (s *Server) invoiceIndex(id int) int {
	for i, inv := range s.w.Invoices {
		if inv.ID == id {
			return i
		}
	}
	return -1
}

// list answers one page in Halo's shape {"record_count":N,"<key>":[…]}.
// With pageinate=true it pages by page_size (capped by Options.PageSize)
// and page_no from 1; without it, the first `count` rows (default 50).
func (s *Server) list(r *http.Request, key string, rows []any) answer {
	q := r.URL.Query()
	total := len(rows)
	if !strings.EqualFold(q.Get("pageinate"), "true") {
		n := unpagedCount
		if c, err := strconv.Atoi(q.Get("count")); err == nil && c > 0 {
			n = c
		}
		return ok(map[string]any{"record_count": total, key: rows[:min(n, total)]})
	}
	size, err := strconv.Atoi(q.Get("page_size"))
	if err != nil || size <= 0 {
		return haloError(http.StatusBadRequest, "page_size must be a positive number when pageinate is true")
	}
	if s.opts.PageSize > 0 {
		size = min(size, s.opts.PageSize)
	}
	page := 1
	if v := q.Get("page_no"); v != "" {
		page, err = strconv.Atoi(v)
		if err != nil || page < 1 {
			return haloError(http.StatusBadRequest, "page_no must be 1 or more")
		}
	}
	from := min((page-1)*size, total)
	to := min(from+size, total)
	return ok(map[string]any{"page_no": page, "page_size": size, "record_count": total, key: rows[from:to]})
}

func jsonHeader() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	return h
}

func ok(v any) answer {
	return answer{status: http.StatusOK, header: jsonHeader(), body: fakekit.MustJSON(v)}
}

// haloError is Halo's error answer: a JSON string literal.
func haloError(status int, message string) answer {
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(message)}
}
