package cwfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
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

// Options tune a Server for a test, a benchmark or the sandbox. The zero
// value is a fast, well-behaved ConnectWise.
type Options struct {
	// Latency is added to every call, for benchmarks and cancellation
	// tests. The wait ends early when the client gives up.
	Latency time.Duration
	// PageSize, if > 0, caps the page size whatever the client asks for,
	// so that tests page through tiny worlds. ConnectWise's own cap of
	// 1000 always applies.
	PageSize int
	// Now is the clock that stamps _info.lastUpdated on writes; default
	// time.Now.
	Now func() time.Time
	// OnChange, when set, is called with a copy of the world after every
	// write that changed it (outside the server's lock, one call at a
	// time), so that the sandbox can save its file.
	OnChange func(World)
	// Faults make a share of the answers go wrong at random, as a
	// fault-injecting proxy in front of the service would (see
	// fakekit.RandomFaults); the zero value injects none.
	Faults fakekit.RandomFaults
}

// ConnectWise's paging: pageSize defaults to 25 and is capped at 1000.
const (
	defaultPageSize = 25
	maxPageSize     = 1000
)

// RouterCodebase is the release path ConnectWise cloud routes to each
// tenant's current release; the fake answers under it as well as under the
// world's own codebase.
const RouterCodebase = "v4_6_release/"

// Call names one kind of request, for the fault levers and counters.
type Call string

// The kinds of request the fake serves.
const (
	CallCompanyInfo    Call = "companyinfo"     // GET /login/companyinfo/{company}, no auth
	CallSystemInfo     Call = "system info"     // GET /system/info
	CallCompanies      Call = "companies"       // GET /company/companies
	CallCompanyCount   Call = "company count"   // GET /company/companies/count
	CallStatuses       Call = "statuses"        // GET /company/companies/statuses
	CallTypes          Call = "types"           // GET /company/companies/types
	CallCatalog        Call = "catalog"         // GET /procurement/catalog
	CallAgreements     Call = "agreements"      // GET /finance/agreements
	CallAgreementCount Call = "agreement count" // GET /finance/agreements/count
	CallAgreement      Call = "agreement"       // GET /finance/agreements/{id}
	CallAdditions      Call = "additions"       // GET /finance/agreements/{id}/additions
	CallAdditionCount  Call = "addition count"  // GET /finance/agreements/{id}/additions/count
	CallAddition       Call = "addition"        // GET /finance/agreements/{id}/additions/{id}
	CallWrite          Call = "write"           // PATCH /finance/agreements/{id}/additions/{id}
)

// DefaultRetryAfter is the Retry-After of the fake's 429 answers, in
// seconds, as ConnectWise's best-practice page shows it.
const DefaultRetryAfter = 2

// Server is the fake ConnectWise PSA API over a World. It implements
// http.Handler and is safe for concurrent use; the caller must not touch
// the World passed to New afterwards except through Mutate.
type Server struct {
	opts Options
	fakekit.Levers[Call]
	writes  atomic.Int64 // PATCH requests received
	applied atomic.Int64 // writes that changed the world

	changeMu sync.Mutex // serialises OnChange calls

	mu          sync.Mutex // guards everything below, including *w
	w           *World
	keysRevoked bool
}

const (
	faultDropAnswer = fakekit.FaultOwn // do the work (a write), then drop the connection
)

// New returns a Server over w. It panics on a nil world, a programming error.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("cwfake: New with a nil World")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{Levers: fakekit.Levers[Call]{RetryAfter: DefaultRetryAfter * time.Second}, opts: o, w: w}
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

// Endpoints are what a client needs for a fake served at one address.
type Endpoints struct {
	// Site is the host (and port) to look the codebase up at:
	// https://{Site}/login/companyinfo/{company}.
	Site string
	// URL is the API base with the world's codebase, as
	// psa.connectwise.url takes it: https://{host}/{codebase}apis/3.0.
	URL string
}

// Endpoints returns the endpoints of this fake served at serverURL, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func (s *Server) Endpoints(serverURL string) Endpoints {
	base := strings.TrimRight(serverURL, "/")
	site := base
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		site = u.Host
	}
	s.mu.Lock()
	codebase := normCodebase(s.w.Codebase)
	s.mu.Unlock()
	return Endpoints{Site: site, URL: base + "/" + codebase + "apis/3.0"}
}

func normCodebase(c string) string {
	c = strings.Trim(strings.TrimSpace(c), "/")
	if c == "" {
		return RouterCodebase
	}
	return c + "/"
}

// World returns a deep copy of the server's world.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Clone()
}

// Mutate changes the world under the server's lock, as the MSP's staff
// change the PSA between two syncs. OnChange is not called.
func (s *Server) Mutate(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.w)
}

// Writes is the number of write requests (PATCH of an addition) received
// so far, whatever became of them: refused, failed, applied or answered
// into a dropped connection. A client that never writes twice keeps it at
// one per change.
func (s *Server) Writes() int64 { return s.writes.Load() }

// Applied is the number of writes that changed the world.
func (s *Server) Applied() int64 { return s.applied.Load() }

// RefuseWrite makes the next n writes answer 400 with ConnectWise's
// InvalidObject body whose errors[] says reason; nothing is changed.
func (s *Server) RefuseWrite(n int, reason string) {
	body := fakekit.MustJSON(cwErrorBody("InvalidObject", "agreementAddition object is invalid",
		map[string]any{"code": "InvalidField", "message": reason, "resource": "agreementAddition", "field": "quantity"}))
	s.FailNext(CallWrite, http.StatusBadRequest, string(body), n)
}

// DropAnswerAfterWrite makes the next n writes happen (the world changes)
// and then drops the connection without an answer, as a timeout or a
// network failure after ConnectWise committed the change would.
func (s *Server) DropAnswerAfterWrite(n int) {
	s.Faults.Add(fakekit.Fault[Call]{Kind: faultDropAnswer, Call: CallWrite, Left: n})
}

// ChangeLineBehindYourBack sets the quantity of addition id as another
// member editing it in ConnectWise would: _info.lastUpdated moves even when
// the quantity is the same. It reports whether the addition exists.
func (s *Server) ChangeLineBehindYourBack(id int, quantity json.Number) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.w.Additions {
		if s.w.Additions[i].ID == id {
			ad := &s.w.Additions[i]
			ad.Quantity = quantity
			ad.LastUpdated = s.nextStamp(ad.LastUpdated)
			ad.UpdatedBy = "another.member"
			return true
		}
	}
	return false
}

// RevokeKeys makes the API refuse the world's key pair from now on (401),
// as after the API member's keys were deleted in ConnectWise.
func (s *Server) RevokeKeys() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keysRevoked = true
}

// answer is a response computed under the lock and written after it.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	changed bool // a write changed the world
	drop    bool // drop the connection instead of answering
}

// route is a parsed request path.
type route struct {
	call        Call
	agreementID int
	additionID  int
	company     string // companyinfo
}

// ServeHTTP serves /login/companyinfo/{company} and the API under
// /{codebase}apis/3.0/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, found := parseRoute(r.URL.Path, s.codebase())
	if found && rt.call == CallAddition && r.Method == http.MethodPatch {
		rt.call = CallWrite
		s.writes.Add(1)
	}
	s.Counts.Add(rt.call, found)
	if !s.Latency.Wait(r) {
		return // the client is gone; nobody reads an answer
	}
	fault := s.Random.Decide(nil)
	if !fault.Before(r) {
		return // the client gave up waiting
	}
	var a answer
	switch {
	case !found:
		// IIS's own page: a wrong codebase or path never reaches the API.
		a = answer{status: http.StatusNotFound, header: http.Header{"Content-Type": {"text/html"}},
			body: []byte("<html><head><title>404 - File or directory not found.</title></head><body>Server Error</body></html>")}
	case rt.call != CallWrite && r.Method != http.MethodGet:
		a = cwError(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
	default:
		// The body is read before the lock is taken: a slow client must not
		// hold up every other request.
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			return
		}
		if st := fault.Refusal(); st != 0 {
			a = injected(fakekit.Fault[Call]{Status: st}) // refused before serving: nothing is applied
		} else {
			a = s.serve(r, rt, body)
		}
	}
	if a.changed && s.opts.OnChange != nil {
		s.changeMu.Lock()
		w := s.World()
		s.opts.OnChange(w)
		s.changeMu.Unlock()
	}
	if a.drop {
		panic(http.ErrAbortHandler) // the connection goes without an answer
	}
	fault.Write(w, r, a.status, a.header, a.body)
}

func (s *Server) codebase() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return normCodebase(s.w.Codebase)
}

// parseRoute maps a path to its call.
func parseRoute(path, codebase string) (route, bool) {
	if rest, ok := strings.CutPrefix(path, "/login/companyinfo/"); ok && rest != "" && !strings.Contains(rest, "/") {
		return route{call: CallCompanyInfo, company: rest}, true
	}
	rest := strings.TrimPrefix(path, "/")
	cb, rest, ok := strings.Cut(rest, "/")
	if !ok || (cb+"/" != codebase && cb+"/" != RouterCodebase) {
		return route{}, false
	}
	rest, ok = strings.CutPrefix(rest, "apis/3.0/")
	if !ok {
		return route{}, false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch strings.Join(parts, "/") {
	case "system/info":
		return route{call: CallSystemInfo}, true
	case "company/companies":
		return route{call: CallCompanies}, true
	case "company/companies/count":
		return route{call: CallCompanyCount}, true
	case "company/companies/statuses":
		return route{call: CallStatuses}, true
	case "company/companies/types":
		return route{call: CallTypes}, true
	case "procurement/catalog":
		return route{call: CallCatalog}, true
	case "finance/agreements":
		return route{call: CallAgreements}, true
	case "finance/agreements/count":
		return route{call: CallAgreementCount}, true
	}
	if len(parts) < 3 || parts[0] != "finance" || parts[1] != "agreements" {
		return route{}, false
	}
	aid, err := strconv.Atoi(parts[2])
	if err != nil || aid <= 0 {
		return route{}, false
	}
	switch {
	case len(parts) == 3:
		return route{call: CallAgreement, agreementID: aid}, true
	case len(parts) == 4 && parts[3] == "additions":
		return route{call: CallAdditions, agreementID: aid}, true
	case len(parts) == 5 && parts[3] == "additions" && parts[4] == "count":
		return route{call: CallAdditionCount, agreementID: aid}, true
	case len(parts) == 5 && parts[3] == "additions":
		id, err := strconv.Atoi(parts[4])
		if err != nil || id <= 0 {
			return route{}, false
		}
		return route{call: CallAddition, agreementID: aid, additionID: id}, true
	}
	return route{}, false
}

// serve answers one routed request, applying injected faults first.
func (s *Server) serve(r *http.Request, rt route, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var taken fakekit.Fault[Call]
	hasFault := false
	if f, ok := s.Faults.Take(rt.call); ok {
		if f.Kind == fakekit.FaultStatus {
			return injected(f)
		}
		taken, hasFault = f, true
	}
	var a answer
	if rt.call == CallCompanyInfo {
		a = s.serveCompanyInfo(r, rt.company)
	} else if refusal, ok := s.authorize(r); !ok {
		a = refusal
	} else {
		a = s.serveAPI(r, rt, body)
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
	if f.Body != "" {
		a = answer{status: f.Status, header: jsonHeader(), body: []byte(f.Body)}
	} else {
		a = cwError(f.Status, errorCode(f.Status), errorMessage(f.Status))
	}
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		a.header.Set("Retry-After", strconv.Itoa(DefaultRetryAfter))
	}
	return a
}

// authorize checks the clientId header and the Basic credentials
// "{companyId}+{publicKey}:{privateKey}". Call with the lock held.
func (s *Server) authorize(r *http.Request) (answer, bool) {
	clientID := strings.TrimSpace(r.Header.Get("clientId"))
	if clientID == "" {
		return cwError(http.StatusBadRequest, "InvalidRequest",
			"A clientId header is required. Register one at https://developer.connectwise.com/ClientID"), false
	}
	if s.w.ClientID != "" && !strings.EqualFold(clientID, s.w.ClientID) {
		return cwError(http.StatusUnauthorized, "Unauthorized", "The clientId is not valid"), false
	}
	user, pass, ok := basicAuth(r)
	company, public, _ := strings.Cut(user, "+")
	if !ok || s.keysRevoked || !strings.EqualFold(company, s.w.CompanyID) || public != s.w.PublicKey || pass != s.w.PrivateKey {
		return cwError(http.StatusUnauthorized, "Unauthorized", "Incorrect public/private key"), false
	}
	return answer{}, true
}

// basicAuth reads the Basic credentials. net/http's BasicAuth would do,
// but a user name holding "+" is the point here, so it is spelled out.
func basicAuth(r *http.Request) (user, pass string, ok bool) {
	v, found := strings.CutPrefix(r.Header.Get("Authorization"), "Basic ")
	if !found {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return "", "", false
	}
	user, pass, ok = strings.Cut(string(raw), ":")
	return user, pass, ok
}

// serveCompanyInfo answers /login/companyinfo/{company}: no auth, the
// instance's codebase. An unknown company gets 404.
func (s *Server) serveCompanyInfo(r *http.Request, company string) answer {
	if !strings.EqualFold(company, s.w.CompanyID) {
		return cwError(http.StatusNotFound, "NotFound", "Company not found")
	}
	version := strings.ReplaceAll(strings.Trim(normCodebase(s.w.Codebase), "/"), "_", ".")
	return ok(map[string]any{
		"CompanyName":   s.w.CompanyID,
		"Codebase":      normCodebase(s.w.Codebase),
		"VersionCode":   version,
		"VersionNumber": strings.TrimPrefix(version, "v"),
		"CompanyID":     s.w.CompanyID,
		"IsCloud":       true,
		"SiteUrl":       r.Host,
	})
}

// serveAPI answers an authorised API request. Call with the lock held.
func (s *Server) serveAPI(r *http.Request, rt route, body []byte) answer {
	switch rt.call {
	case CallSystemInfo:
		version := strings.ReplaceAll(strings.Trim(normCodebase(s.w.Codebase), "/"), "_", ".")
		return ok(map[string]any{"version": version, "isCloud": true, "serverTimeZone": "Eastern Standard Time", "cloudRegion": "NA"})
	case CallCompanies, CallCompanyCount:
		rows := make([]map[string]any, 0, len(s.w.Companies))
		for _, c := range s.w.Companies {
			rows = append(rows, s.renderCompany(c))
		}
		return s.list(r, rows, companyFields, rt.call == CallCompanyCount)
	case CallStatuses:
		rows := make([]map[string]any, 0, len(s.w.Statuses))
		for _, st := range s.w.Statuses {
			rows = append(rows, s.renderStatus(st))
		}
		return s.list(r, rows, statusFields, false)
	case CallTypes:
		rows := make([]map[string]any, 0, len(s.w.Types))
		for _, t := range s.w.Types {
			rows = append(rows, s.renderType(t))
		}
		return s.list(r, rows, typeFields, false)
	case CallCatalog:
		rows := make([]map[string]any, 0, len(s.w.Catalog))
		for _, it := range s.w.Catalog {
			rows = append(rows, s.renderCatalogItem(it))
		}
		return s.list(r, rows, catalogFields, false)
	case CallAgreements, CallAgreementCount:
		rows := make([]map[string]any, 0, len(s.w.Agreements))
		for _, a := range s.w.Agreements {
			rows = append(rows, s.renderAgreement(a))
		}
		return s.list(r, rows, agreementFields, rt.call == CallAgreementCount)
	case CallAgreement:
		if a, found := s.agreement(rt.agreementID); found {
			return ok(s.renderAgreement(a))
		}
		return notFound("agreement", rt.agreementID)
	case CallAdditions, CallAdditionCount:
		if _, found := s.agreement(rt.agreementID); !found {
			return notFound("agreement", rt.agreementID)
		}
		var rows []map[string]any
		for _, ad := range s.w.Additions {
			if ad.AgreementID == rt.agreementID {
				rows = append(rows, s.renderAddition(ad))
			}
		}
		return s.list(r, rows, additionFields, rt.call == CallAdditionCount)
	case CallAddition:
		if i := s.additionIndex(rt.agreementID, rt.additionID); i >= 0 {
			return ok(s.renderAddition(s.w.Additions[i]))
		}
		return notFound("agreementAddition", rt.additionID)
	case CallWrite:
		return s.patchAddition(r, rt, body)
	}
	return cwError(http.StatusNotFound, "NotFound", "No resource at "+r.URL.Path)
}

func (s *Server) additionIndex(agreementID, id int) int {
	for i, ad := range s.w.Additions {
		if ad.ID == id && ad.AgreementID == agreementID {
			return i
		}
	}
	return -1
}

// Answers.

func jsonHeader() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	return h
}

func ok(v any) answer {
	return answer{status: http.StatusOK, header: jsonHeader(), body: fakekit.MustJSON(v)}
}

// cwErrorBody is ConnectWise's error shape: {"code","message","errors"},
// errors null when there are no details.
func cwErrorBody(code, message string, details ...map[string]any) map[string]any {
	body := map[string]any{"code": code, "message": message, "errors": nil}
	if len(details) > 0 {
		list := make([]any, len(details))
		for i, d := range details {
			list[i] = d
		}
		body["errors"] = list
	}
	return body
}

func cwError(status int, code, message string, details ...map[string]any) answer {
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(cwErrorBody(code, message, details...))}
}

func notFound(resource string, id int) answer {
	return cwError(http.StatusNotFound, "NotFound", fmt.Sprintf("%s %d not found", resource, id))
}

// errorCode and errorMessage are what ConnectWise says for a status when a
// test injects it without a body.
func errorCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "InvalidObject"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Security"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	}
	return "ConnectWiseApi"
}

func errorMessage(status int) string {
	switch status {
	case http.StatusForbidden:
		return "You do not have security permission to perform this action."
	case http.StatusTooManyRequests:
		return "Too many requests; retry later."
	}
	return http.StatusText(status) + " (injected by the test)"
}
