package atfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Options tune a Server for a test, a benchmark or the sandbox. The zero
// value is a fast, well-behaved Autotask.
type Options struct {
	// Latency is added to every call; the wait ends early when the client
	// gives up.
	Latency time.Duration
	// PageSize, if > 0, caps the records a page holds whatever MaxRecords
	// asks, so that tests page through tiny worlds. Autotask's own cap of
	// 500 always applies.
	PageSize int
	// Threshold is the requests the database answers per clock hour before
	// it refuses with 429; 0 means Autotask's 10,000. Zone and version
	// lookups are not counted, as in Autotask.
	Threshold int
	// Now is the clock that dates posted adjustments and the budget's
	// hour; default time.Now.
	Now func() time.Time
	// OnChange, when set, is called with a copy of the world after every
	// adjustment that changed it (outside the server's lock, one call at a
	// time), so that the sandbox can save its file.
	OnChange func(World)
	// Faults make a share of the answers go wrong at random, as a
	// fault-injecting proxy in front of the service would (see
	// fakekit.RandomFaults); the zero value injects none.
	Faults fakekit.RandomFaults
}

// Autotask's limits.
const (
	// MaxPageSize is the most records a page holds (MaxRecords 1..500).
	MaxPageSize = 500
	// DefaultThreshold is the requests per hour a database answers, shared
	// by every integration of the MSP.
	DefaultThreshold = 10000
	// DefaultRetryAfter is the Retry-After, in seconds, of injected 429 and
	// 503 answers.
	DefaultRetryAfter = 3
)

// Call names one kind of request, for the fault levers and counters:
// "{Entity} {verb}", the verb one of query (pages after the first
// included), count, get, fields, create.
type Call string

// CallOf is the Call of verb on entity ("Companies", "query").
func CallOf(entity, verb string) Call { return Call(entity + " " + verb) }

// The calls the tests name.
const (
	CallVersion          Call = "versioninformation"
	CallZone             Call = "zoneInformation"
	CallThreshold        Call = "ThresholdInformation"
	CallCompanies        Call = "Companies query"
	CallCompanyCount     Call = "Companies count"
	CallCompanyFields    Call = "Companies fields"
	CallServices         Call = "Services query"
	CallServiceFields    Call = "Services fields"
	CallContracts        Call = "Contracts query"
	CallContract         Call = "Contracts get"
	CallContractFields   Call = "Contracts fields"
	CallContractServices Call = "ContractServices query"
	CallContractSvcCount Call = "ContractServices count"
	CallContractService  Call = "ContractServices get"
	CallUnits            Call = "ContractServiceUnits query"
	CallWrite            Call = "ContractServiceAdjustments create"
)

// Server is the fake Autotask API over a World. It implements http.Handler
// and is safe for concurrent use; the caller must not touch the World
// passed to New afterwards except through Mutate.
type Server struct {
	opts Options
	fakekit.Levers[Call]
	writes  atomic.Int64
	applied atomic.Int64

	changeMu sync.Mutex

	mu      sync.Mutex // guards everything below, including *w
	w       *World
	revoked bool
	hour    time.Time // the budget's current hour
	used    int       // requests counted in it
}

const (
	faultDropAnswer = fakekit.FaultOwn // do the work (a write), then drop the connection
)

// New returns a Server over w. It panics on a nil world.
func New(w *World, o Options) *Server {
	if w == nil {
		panic("atfake: New with a nil World")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	s := &Server{Levers: fakekit.Levers[Call]{RetryAfter: DefaultRetryAfter * time.Second}, opts: o, w: w}
	s.Latency.Set(o.Latency)
	s.Random.Set(o.Faults)
	return s
}

// NewTLSServer starts an httptest TLS server with a new Server over w.
// Use the returned server's Client() so that its certificate is trusted,
// and Close it when done.
func NewTLSServer(w *World, o Options) (*httptest.Server, *Server) {
	s := New(w, o)
	srv := fakekit.StartTLS(s)
	return srv, s
}

// Endpoints are what a client needs for a fake served at one address.
type Endpoints struct {
	// ZoneLookupURL is the zoneInformation URL (psa.autotask.zone_lookup_url).
	ZoneLookupURL string
	// URL is the zone's API base as zoneInformation reports it and as
	// psa.autotask.url takes it: https://{host}/ATServicesRest/.
	URL string
}

// EndpointsFor returns the endpoints of a fake served at base, such as
// https://127.0.0.1:4321 (a trailing slash is ignored).
func EndpointsFor(base string) Endpoints {
	b := strings.TrimRight(base, "/")
	return Endpoints{ZoneLookupURL: b + "/atservicesrest/v1.0/zoneInformation", URL: b + "/ATServicesRest/"}
}

// World returns a deep copy of the server's world.
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Clone()
}

// Mutate changes the world under the server's lock, as the MSP's staff
// change Autotask between two syncs. OnChange is not called.
func (s *Server) Mutate(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.w)
}

// Writes is the number of adjustment POSTs received, whatever became of them.
func (s *Server) Writes() int64 { return s.writes.Load() }

// Applied is the number of adjustments that changed the world.
func (s *Server) Applied() int64 { return s.applied.Load() }

// RefuseWrite makes the next n adjustments answer as Autotask refuses an
// invalid one: HTTP 500 with {"errors":[reason]}; nothing changes.
func (s *Server) RefuseWrite(n int, reason string) {
	s.FailNext(CallWrite, http.StatusInternalServerError, string(fakekit.MustJSON(errorsBody(reason))), n)
}

// DropAnswerAfterWrite makes the next n adjustments happen and then drops
// the connection without an answer.
func (s *Server) DropAnswerAfterWrite(n int) {
	s.Faults.Add(fakekit.Fault[Call]{Kind: faultDropAnswer, Call: CallWrite, Left: n})
}

// ChangeUnitsBehindYourBack sets the units of contract service id from
// today, as another person posting an adjustment would: the units row
// holding today is split (or renumbered), so its id moves even when the
// units stay the same. It reports whether the contract service exists and
// the change applied.
func (s *Server) ChangeUnitsBehindYourBack(id, units int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.contractService(id)
	if !ok {
		return false
	}
	today := day(s.opts.Now())
	current, _ := unitsAt(s.w.Units, id, today)
	return s.adjust(cs, today, units-current, "another.person", true) == nil
}

// RevokeSecret makes the API refuse the world's credentials from now on
// (401), as after the API user's secret was reset.
func (s *Server) RevokeSecret() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// answer is a response computed under the lock and written after it.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	changed bool
	drop    bool
}

// route is a parsed request.
type route struct {
	call   Call
	entity entity
	verb   string // query, next, count, get, fields, create
	id     int
	noAuth bool
}

// ServeHTTP serves the zone lookup and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, found := parseRoute(r.Method, r.URL.Path)
	if found && rt.call == CallWrite {
		s.writes.Add(1)
	}
	s.Counts.Add(rt.call, found)
	if !s.Latency.Wait(r) {
		return
	}
	fault := s.Random.Decide(nil)
	if !fault.Before(r) {
		return // the client gave up waiting
	}
	var a answer
	if !found {
		// IIS's page: Autotask's API is not at this path.
		a = answer{status: http.StatusNotFound, header: http.Header{"Content-Type": {"text/html"}},
			body: []byte("<html><head><title>404 - File or directory not found.</title></head><body>Server Error</body></html>")}
	} else {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
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
		s.opts.OnChange(s.World())
		s.changeMu.Unlock()
	}
	if a.drop {
		panic(http.ErrAbortHandler)
	}
	fault.Write(w, r, a.status, a.header, a.body)
}

// parseRoute maps a request to its call. Autotask's paths are not case
// sensitive (IIS), so neither are the fake's.
func parseRoute(method, path string) (route, bool) {
	p := strings.Trim(strings.ToLower(path), "/")
	switch p {
	case "atservicesrest/versioninformation":
		return route{call: CallVersion, noAuth: true}, method == http.MethodGet
	case "atservicesrest/v1.0/zoneinformation":
		return route{call: CallZone, noAuth: true}, method == http.MethodGet
	case "atservicesrest/v1.0/thresholdinformation":
		return route{call: CallThreshold}, method == http.MethodGet
	case "atservicesrest/v1.0/contractserviceadjustments":
		return route{call: CallWrite, verb: "create"}, method == http.MethodPost
	}
	rest, ok := strings.CutPrefix(p, "atservicesrest/v1.0/")
	if !ok {
		return route{}, false
	}
	parts := strings.Split(rest, "/")
	e, ok := entities[parts[0]]
	if !ok {
		return route{}, false
	}
	rt := route{entity: e}
	switch {
	case len(parts) == 2 && parts[1] == "query" && (method == http.MethodPost || method == http.MethodGet):
		rt.verb = "query"
	case len(parts) == 3 && parts[1] == "query" && parts[2] == "next" && method == http.MethodGet:
		rt.verb = "next"
	case len(parts) == 3 && parts[1] == "query" && parts[2] == "count" && (method == http.MethodPost || method == http.MethodGet):
		rt.verb = "count"
	case len(parts) == 3 && parts[1] == "entityinformation" && parts[2] == "fields" && method == http.MethodGet:
		rt.verb = "fields"
	case len(parts) == 2 && method == http.MethodGet:
		id, err := strconv.Atoi(parts[1])
		if err != nil {
			return route{}, false
		}
		rt.verb, rt.id = "get", id
	default:
		return route{}, false
	}
	verb := rt.verb
	if verb == "next" {
		verb = "query"
	}
	rt.call = CallOf(e.name, verb)
	return rt, true
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
	switch {
	case rt.noAuth:
		a = s.serveOpen(r, rt)
	case !s.authorized(r):
		a = atError(http.StatusUnauthorized, "Unauthorized: the UserName, Secret or ApiIntegrationCode header is not valid.")
	case !s.withinBudget():
		a = atError(http.StatusTooManyRequests, fmt.Sprintf("The request threshold of %d requests per hour has been reached.", s.opts.Threshold))
		a.header.Set("Retry-After", strconv.Itoa(max(1, int(s.hour.Add(time.Hour).Sub(s.opts.Now()).Seconds()))))
	default:
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
		a = atError(f.Status, errorMessage(f.Status))
	}
	if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
		a.header.Set("Retry-After", strconv.Itoa(DefaultRetryAfter))
	}
	return a
}

func errorMessage(status int) string {
	switch status {
	case http.StatusForbidden:
		return "The logged in Resource does not have the adequate permissions to access this entity."
	case http.StatusTooManyRequests:
		return "The request threshold has been reached; retry later."
	}
	return http.StatusText(status) + " (injected by the test)"
}

// authorized checks the three headers. Call with the lock held.
func (s *Server) authorized(r *http.Request) bool {
	user := strings.TrimSpace(r.Header.Get("UserName"))
	return !s.revoked && user != "" && strings.EqualFold(user, s.w.UserName) &&
		r.Header.Get("Secret") == s.w.Secret && r.Header.Get("ApiIntegrationCode") == s.w.IntegrationCode
}

// withinBudget counts one request against the hour's threshold. Call with
// the lock held.
func (s *Server) withinBudget() bool {
	hour := s.opts.Now().UTC().Truncate(time.Hour)
	if !hour.Equal(s.hour) {
		s.hour, s.used = hour, 0
	}
	s.used++
	return s.used <= s.opts.Threshold
}

// serveOpen answers versioninformation and zoneInformation, which need no
// credentials.
func (s *Server) serveOpen(r *http.Request, rt route) answer {
	if rt.call == CallVersion {
		return ok(map[string]any{"apiVersions": []string{"1.0"}})
	}
	user := r.URL.Query().Get("user")
	if user == "" || !strings.EqualFold(user, s.w.UserName) {
		return atError(http.StatusInternalServerError, "Zone information could not be determined")
	}
	host := fakekit.Origin(r)
	return ok(map[string]any{"zoneName": s.w.ZoneName, "url": host + "/ATServicesRest/", "webUrl": host + "/", "ci": 42})
}

// serveAPI answers an authorised API request. Call with the lock held.
func (s *Server) serveAPI(r *http.Request, rt route, body []byte) answer {
	switch rt.verb {
	case "":
		return ok(map[string]any{"externalRequestThreshold": s.opts.Threshold, "requestThresholdTimeframe": 60, "currentTimeframeRequestCount": s.used})
	case "create":
		return s.postAdjustment(body)
	case "fields":
		return ok(fieldsInfo(s.w, rt.entity))
	case "get":
		for _, row := range rt.entity.rows(s.w) {
			if row["id"] == rt.id {
				return ok(map[string]any{"item": row})
			}
		}
		return ok(map[string]any{"item": nil}) // Autotask: 200, not 404
	}
	var (
		q     queryBody
		after int
	)
	switch {
	case rt.verb == "next":
		t, err := decodeToken(r.URL.Query().Get("paging"))
		if err != nil {
			return atError(http.StatusInternalServerError, "The paging token is not valid.")
		}
		q, after = t.Query, t.AfterID
	case r.Method == http.MethodGet:
		if err := json.Unmarshal([]byte(r.URL.Query().Get("search")), &q); err != nil {
			return atError(http.StatusInternalServerError, "The search parameter is not a valid query: "+err.Error())
		}
	default:
		if err := json.Unmarshal(body, &q); err != nil {
			return atError(http.StatusInternalServerError, "The request body is not a valid query: "+err.Error())
		}
	}
	if len(q.Filter) == 0 {
		return atError(http.StatusInternalServerError, "A query requires at least one filter condition.")
	}
	for i := range q.Filter {
		if err := q.Filter[i].check(rt.entity); err != nil {
			return atError(http.StatusInternalServerError, err.Error())
		}
	}
	size := MaxPageSize
	if q.MaxRecords != nil {
		if *q.MaxRecords < 1 || *q.MaxRecords > MaxPageSize {
			return atError(http.StatusInternalServerError, "MaxRecords must be between 1 and 500.")
		}
		size = *q.MaxRecords
	}
	if s.opts.PageSize > 0 {
		size = min(size, s.opts.PageSize)
	}
	var rows []map[string]any
	for _, row := range rt.entity.rows(s.w) {
		match := row["id"].(int) > after
		for _, c := range q.Filter {
			match = match && c.match(rt.entity, row)
		}
		if match {
			rows = append(rows, row)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i]["id"].(int) < rows[j]["id"].(int) })
	if rt.verb == "count" {
		return ok(map[string]any{"queryCount": len(rows)})
	}
	var next any
	if len(rows) > size {
		rows = rows[:size]
		next = fakekit.Origin(r) + "/ATServicesRest/V1.0/" + rt.entity.name + "/query/next?paging=" +
			encodeToken(pageToken{Query: q, AfterID: rows[size-1]["id"].(int)})
	}
	items := make([]map[string]any, 0, len(rows))
	for _, row := range rows {
		items = append(items, project(row, q.IncludeFields))
	}
	return ok(map[string]any{"items": items, "pageDetails": map[string]any{
		"count": len(items), "requestCount": size, "prevPageUrl": nil, "nextPageUrl": next,
	}})
}

// project keeps the fields a query asked for (all when it named none).
func project(row map[string]any, fields []string) map[string]any {
	if len(fields) == 0 {
		return row
	}
	out := map[string]any{}
	for _, f := range fields {
		for k, v := range row {
			if strings.EqualFold(k, f) {
				out[k] = v
			}
		}
	}
	return out
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

func errorsBody(messages ...string) map[string]any { return map[string]any{"errors": messages} }

// atError is Autotask's error answer: {"errors":["..."]}.
func atError(status int, message string) answer {
	return answer{status: status, header: jsonHeader(), body: fakekit.MustJSON(errorsBody(message))}
}
