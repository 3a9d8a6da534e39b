package msfake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// collectGraph follows @odata.nextLink from path and returns every item and
// the number of pages.
func (f *fake) collectGraph(path, token string) ([]map[string]any, int) {
	f.t.Helper()
	var items []map[string]any
	pages := 0
	for next := path; next != ""; pages++ {
		if pages > 50 {
			f.t.Fatalf("%s: more than 50 pages, paging loops", path)
		}
		r := f.get(next, token)
		f.want(r, http.StatusOK, "GET "+path)
		vals, _ := r.json["value"].([]any)
		for _, v := range vals {
			items = append(items, v.(map[string]any))
		}
		next, _ = r.json["@odata.nextLink"].(string)
		if next != "" && !strings.HasPrefix(next, f.ts.URL+"/graph/v1.0/") {
			f.t.Fatalf("nextLink %q is not an absolute URL of this server", next)
		}
	}
	return items, pages
}

func TestGraphAuthentication(t *testing.T) {
	t.Parallel()
	start := time.Now()
	clk := newClock(start)
	f := newFakeWorld(t, SmallWorldAt(start), Options{Now: clk.Now})
	graph := f.graphToken()
	pc := f.pcToken()
	other := signJWT([]byte("another world's key"), f.claimsOf(graph))
	tests := []struct {
		name    string
		token   string
		msgPart string
	}{
		{"no token", "", "empty"},
		{"garbage", "not-a-jwt", "not well formed"},
		{"other key", other, "signature"},
		{"partner center audience", pc, "audience"},
	}
	for _, tt := range tests {
		r := f.get("/graph/v1.0/me", tt.token)
		if r.status != http.StatusUnauthorized || graphCode(r) != "InvalidAuthenticationToken" {
			t.Errorf("%s: %s, want 401 InvalidAuthenticationToken", tt.name, r.describe())
			continue
		}
		e := r.json["error"].(map[string]any)
		if msg, _ := e["message"].(string); !strings.Contains(msg, tt.msgPart) {
			t.Errorf("%s: message %q lacks %q", tt.name, msg, tt.msgPart)
		}
		inner, _ := e["innerError"].(map[string]any)
		if inner["request-id"] == nil || inner["date"] == nil || inner["client-request-id"] == nil {
			t.Errorf("%s: innerError %v lacks Graph's fields", tt.name, inner)
		}
	}
	clk.Advance(61 * time.Minute)
	if r := f.get("/graph/v1.0/me", graph); r.status != http.StatusUnauthorized {
		t.Errorf("expired token: %s, want 401", r.describe())
	}
}

func TestGraphUsersPaging(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{PageSize: 2})
	token := f.customerToken(SmallFabrikam)
	items, pages := f.collectGraph("/graph/v1.0/users?$select=id,displayName,userPrincipalName,assignedLicenses,accountEnabled,mail", token)
	want := f.customer(SmallFabrikam).Users
	if len(items) != len(want) || pages != 3 {
		t.Fatalf("got %d users in %d pages, want %d in 3", len(items), pages, len(want))
	}
	seen := map[string]bool{}
	for i, it := range items {
		id := it["id"].(string)
		if seen[id] {
			t.Errorf("user %s listed twice", id)
		}
		seen[id] = true
		u := want[i]
		if id != u.ID || it["userPrincipalName"] != u.UPN || it["accountEnabled"] != u.AccountEnabled {
			t.Errorf("user %d: %v, want %+v", i, it, u)
		}
		lic, _ := it["assignedLicenses"].([]any)
		if len(lic) != len(u.Licenses) {
			t.Errorf("user %d: %d licences, want %d", i, len(lic), len(u.Licenses))
		}
		if v, ok := it["mail"]; !ok || v != nil {
			t.Errorf("user %d: a selected property without value should come back null, got %v (present %v)", i, v, ok)
		}
	}

	// The client's $top is honoured up to PageSize, and kept in nextLink.
	r := f.get("/graph/v1.0/users?$top=1", token)
	f.want(r, http.StatusOK, "$top=1")
	if vals := r.json["value"].([]any); len(vals) != 1 {
		t.Errorf("$top=1 gave %d users", len(vals))
	}
	if next, _ := r.json["@odata.nextLink"].(string); !strings.Contains(next, "$top=1") || !strings.Contains(next, "$skiptoken=") {
		t.Errorf("nextLink %q should keep $top and add $skiptoken", next)
	}
}

func TestGraphPageSizeDefaults(t *testing.T) {
	t.Parallel()
	w := SmallWorld()
	c := &w.Customers[0]
	for i := range 250 {
		c.Users = append(c.Users, User{ID: fmt.Sprintf("u-%03d", i), DisplayName: "U", UPN: fmt.Sprintf("u%d@x", i), AccountEnabled: true})
	}
	f := newFakeWorld(t, w, Options{})
	token := f.customerToken(SmallFabrikam)
	r := f.get("/graph/v1.0/users", token)
	if vals := r.json["value"].([]any); len(vals) != 100 {
		t.Errorf("default page has %d users, want 100", len(vals))
	}
	r = f.get("/graph/v1.0/users?$top=999", token)
	if vals := r.json["value"].([]any); len(vals) != len(c.Users) || r.json["@odata.nextLink"] != nil {
		t.Errorf("$top=999 gave %d users and nextLink %v, want all %d and none", len(vals), r.json["@odata.nextLink"], len(c.Users))
	}
}

func TestGraphBadPagingParameters(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{PageSize: 2})
	token := f.customerToken(SmallFabrikam)
	partner := f.graphToken()
	first := f.get("/graph/v1.0/users", token)
	next, _ := first.json["@odata.nextLink"].(string)
	nu, _ := url.Parse(next)
	skip := nu.Query().Get("$skiptoken")
	tests := []struct {
		name, path, token, msg string
	}{
		{"$top=0", "/graph/v1.0/users?$top=0", token, "Invalid page size specified: '0'. Must be between 1 and 999 inclusive."},
		{"$top=1000", "/graph/v1.0/users?$top=1000", token, "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."},
		{"$top=abc", "/graph/v1.0/users?$top=abc", token, "Invalid page size specified: 'abc'."},
		{"gdap $top=301", "/graph/v1.0/tenantRelationships/delegatedAdminRelationships?$top=301", partner, "Must be between 1 and 300 inclusive."},
		{"bad skiptoken", "/graph/v1.0/users?$skiptoken=abc.def", token, "$skiptoken"},
		{"skiptoken of another collection", "/graph/v1.0/directory/subscriptions?$skiptoken=" + url.QueryEscape(skip), token, "$skiptoken"},
	}
	for _, tt := range tests {
		r := f.get(tt.path, tt.token)
		if r.status != http.StatusBadRequest || graphCode(r) != "Request_BadRequest" {
			t.Errorf("%s: %s, want 400 Request_BadRequest", tt.name, r.describe())
			continue
		}
		if msg, _ := r.json["error"].(map[string]any)["message"].(string); !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: message %q lacks %q", tt.name, msg, tt.msg)
		}
	}
	if r := f.get("/graph/v1.0/users?$filter="+url.QueryEscape("accountEnabled eq true"), token); r.status != http.StatusBadRequest {
		t.Errorf("$filter on users: %s, want 400", r.describe())
	}
}

func TestGraphThrottleOnce(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{ThrottleOnce: true})
	token := f.customerToken(SmallFabrikam)
	r := f.get("/graph/v1.0/users", token)
	if r.status != http.StatusTooManyRequests || graphCode(r) != "TooManyRequests" || r.header.Get("Retry-After") != "1" {
		t.Fatalf("first users call: %s, Retry-After %q; want 429 TooManyRequests with Retry-After 1", r.describe(), r.header.Get("Retry-After"))
	}
	for i := 0; i < 2; i++ {
		f.want(f.get("/graph/v1.0/users", token), http.StatusOK, "users after the throttle")
	}
}

func TestGraphCustomerReads(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{PageSize: 1})
	token := f.customerToken(SmallFabrikam)
	c := f.customer(SmallFabrikam)

	r := f.get("/graph/v1.0/subscribedSkus", token)
	f.want(r, http.StatusOK, "subscribedSkus")
	if r.json["@odata.nextLink"] != nil {
		t.Error("subscribedSkus must not page")
	}
	skus := r.json["value"].([]any)
	if len(skus) != len(c.Skus) {
		t.Fatalf("%d SKUs, want %d", len(skus), len(c.Skus))
	}
	for i, v := range skus {
		got, want := v.(map[string]any), c.Skus[i]
		consumed := 0
		for _, u := range c.Users {
			if slices.Contains(u.Licenses, want.SkuID) {
				consumed++
			}
		}
		prepaid := got["prepaidUnits"].(map[string]any)
		if got["id"] != c.TenantID+"_"+want.SkuID || got["skuPartNumber"] != want.SkuPartNumber ||
			got["consumedUnits"] != float64(consumed) || prepaid["enabled"] != float64(want.Enabled) ||
			got["appliesTo"] != "User" || got["capabilityStatus"] != want.CapabilityStatus {
			t.Errorf("sku %d: %v, want %+v with %d consumed", i, got, want, consumed)
		}
		if ids := got["subscriptionIds"].([]any); len(ids) != 1 || ids[0] != want.SubscriptionIDs[0] {
			t.Errorf("sku %d: subscriptionIds %v", i, ids)
		}
	}

	subs, pages := f.collectGraph("/graph/v1.0/directory/subscriptions", token)
	if len(subs) != len(c.Subscriptions) || pages != len(c.Subscriptions) {
		t.Errorf("%d subscriptions in %d pages, want %d in %d", len(subs), pages, len(c.Subscriptions), len(c.Subscriptions))
	}
	for i, s := range subs {
		want := c.Subscriptions[i]
		if s["commerceSubscriptionId"] != want.CommerceSubscriptionID || s["totalLicenses"] != float64(want.TotalLicenses) ||
			s["ownerTenantId"] != f.w.Partner.TenantID || s["status"] != want.Status {
			t.Errorf("subscription %d: %v", i, s)
		}
		if _, err := time.Parse(time.RFC3339, s["createdDateTime"].(string)); err != nil {
			t.Errorf("subscription %d: createdDateTime: %v", i, err)
		}
	}

	org := f.get("/graph/v1.0/organization", token)
	f.want(org, http.StatusOK, "organization")
	if o := org.json["value"].([]any)[0].(map[string]any); o["id"] != c.TenantID || o["displayName"] != c.Name {
		t.Errorf("organization %v, want %s", o, c.Name)
	}
	if r := f.get("/graph/v1.0/me", token); r.status != http.StatusNotFound || graphCode(r) != "Request_ResourceNotFound" {
		t.Errorf("/me in a customer tenant: %s, want 404", r.describe())
	}
	if r := f.get("/graph/v1.0/tenantRelationships/delegatedAdminRelationships", token); r.status != http.StatusForbidden {
		t.Errorf("GDAP with a customer token: %s, want 403", r.describe())
	}
}

func TestGraphNeedsAReadRole(t *testing.T) {
	t.Parallel()
	w := SmallWorld()
	for i := range w.Customers {
		c := &w.Customers[i]
		if c.Name == SmallAdatum {
			// Consented, GDAP active, but only a role that cannot read licences.
			c.Consent = &Consent{Method: "admin", Scopes: []string{"User.Read.All"}, GrantedAt: time.Now()}
			c.GDAP[0].Roles = []string{connectors.RoleHelpdeskAdministrator}
			c.GDAP[0].AssignedRoles = []string{connectors.RoleHelpdeskAdministrator}
		}
	}
	f := newFakeWorld(t, w, Options{})
	token := f.customerToken(SmallAdatum)
	for _, p := range []string{"subscribedSkus", "directory/subscriptions", "users", "organization"} {
		r := f.get("/graph/v1.0/"+p, token)
		if r.status != http.StatusForbidden || graphCode(r) != "Authorization_RequestDenied" {
			t.Errorf("%s: %s, want 403 Authorization_RequestDenied", p, r.describe())
			continue
		}
		if msg := r.json["error"].(map[string]any)["message"]; msg != "Insufficient privileges to complete the operation." {
			t.Errorf("%s: message %v", p, msg)
		}
	}
}

func TestGraphPartnerReads(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{PageSize: 2})
	token := f.graphToken()
	me := f.get("/graph/v1.0/me", token)
	f.want(me, http.StatusOK, "me")
	if me.json["id"] != f.w.Partner.Users[0].ObjectID {
		t.Errorf("/me id %v", me.json["id"])
	}
	org := f.get("/graph/v1.0/organization", token)
	if o := org.json["value"].([]any)[0].(map[string]any); o["id"] != f.w.Partner.TenantID {
		t.Errorf("organization %v, want the partner", o)
	}

	rels, pages := f.collectGraph("/graph/v1.0/tenantRelationships/delegatedAdminRelationships", token)
	var want []Relationship
	owner := map[string]Customer{}
	for _, c := range f.w.Customers {
		for _, rel := range c.GDAP {
			want = append(want, rel)
			owner[rel.ID] = c
		}
	}
	if len(rels) != len(want) || pages != (len(want)+1)/2 {
		t.Fatalf("%d relationships in %d pages, want %d", len(rels), pages, len(want))
	}
	for i, got := range rels {
		rel := want[i]
		cust := got["customer"].(map[string]any)
		roles := got["accessDetails"].(map[string]any)["unifiedRoles"].([]any)
		if got["id"] != rel.ID || got["status"] != rel.Status || cust["tenantId"] != owner[rel.ID].TenantID ||
			got["duration"] != rel.Duration || len(roles) != len(rel.Roles) || got["@odata.etag"] == nil {
			t.Errorf("relationship %d: %v, want %+v", i, got, rel)
		}
		if rel.EndAt.IsZero() != (got["endDateTime"] == nil) || rel.ActivatedAt.IsZero() != (got["activatedDateTime"] == nil) {
			t.Errorf("relationship %d (%s): endDateTime %v activatedDateTime %v", i, rel.Status, got["endDateTime"], got["activatedDateTime"])
		}
	}

	active, _ := f.collectGraph("/graph/v1.0/tenantRelationships/delegatedAdminRelationships?$filter="+url.QueryEscape("status eq 'active'"), token)
	for _, r := range active {
		if r["status"] != "active" {
			t.Errorf("$filter status eq 'active' returned %v", r["status"])
		}
	}
	if len(active) == 0 {
		t.Error("$filter status eq 'active' returned nothing")
	}
}

func TestGraphAccessAssignments(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	token := f.graphToken()
	base := "/graph/v1.0/tenantRelationships/delegatedAdminRelationships/"
	fab := f.customer(SmallFabrikam).GDAP[0]
	r := f.get(base+fab.ID+"/accessAssignments", token)
	f.want(r, http.StatusOK, "assignments")
	vals := r.json["value"].([]any)
	if len(vals) != 1 {
		t.Fatalf("%d assignments, want 1", len(vals))
	}
	a := vals[0].(map[string]any)
	ac := a["accessContainer"].(map[string]any)
	roles := a["accessDetails"].(map[string]any)["unifiedRoles"].([]any)
	if a["status"] != "active" || ac["accessContainerType"] != "securityGroup" || ac["accessContainerId"] == "" || len(roles) != len(fab.AssignedRoles) {
		t.Errorf("assignment %v", a)
	}

	tail := f.customer(SmallTailspin).GDAP[0] // AssignedRoles nil: no assignment yet
	r = f.get(base+tail.ID+"/accessAssignments", token)
	f.want(r, http.StatusOK, "assignments of a relationship without any")
	if vals := r.json["value"].([]any); len(vals) != 0 {
		t.Errorf("%d assignments, want none", len(vals))
	}
	if r := f.get(base+"no-such-relationship/accessAssignments", token); r.status != http.StatusNotFound || graphCode(r) != "Request_ResourceNotFound" {
		t.Errorf("unknown relationship: %s, want 404 Request_ResourceNotFound", r.describe())
	}
	one := f.get(base+fab.ID, token)
	f.want(one, http.StatusOK, "one relationship")
	if one.json["id"] != fab.ID {
		t.Errorf("relationship %v", one.json["id"])
	}
}

func TestGraphUnknownPaths(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	token := f.graphToken()
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/graph/v1.0/groups", http.StatusBadRequest},
		{http.MethodGet, "/graph/beta/users", http.StatusBadRequest},
		{http.MethodPost, "/graph/v1.0/users", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		if r := f.do(tt.method, tt.path, token, []byte("{}"), nil); r.status != tt.status || graphCode(r) == "" {
			t.Errorf("%s %s: %s, want %d with a Graph error", tt.method, tt.path, r.describe(), tt.status)
		}
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	token := f.customerToken(SmallFabrikam)
	pc := f.pcToken()
	f.srv.FailNext(http.MethodGet, "/graph/v1.0/subscribedSkus", http.StatusServiceUnavailable, "", 2)
	f.srv.FailNext("", "/graph/v1.0/users", http.StatusOK, "{not json", 1)
	f.srv.FailNext(http.MethodGet, "/partnercenter/v1/customers", http.StatusInternalServerError, "", 1)
	f.srv.FailNext(http.MethodPost, "/organizations/oauth2/v2.0/token", http.StatusServiceUnavailable, "", 1)

	for i := 0; i < 2; i++ {
		r := f.get("/graph/v1.0/subscribedSkus", token)
		if r.status != http.StatusServiceUnavailable || graphCode(r) != "ServiceNotAvailable" || r.header.Get("Retry-After") != "1" {
			t.Errorf("injected failure %d: %s, Retry-After %q", i, r.describe(), r.header.Get("Retry-After"))
		}
	}
	f.want(f.get("/graph/v1.0/subscribedSkus", token), http.StatusOK, "after the injected failures")
	r := f.get("/graph/v1.0/users", token)
	if r.status != http.StatusOK || string(r.raw) != "{not json" {
		t.Errorf("malformed body: HTTP %d %q", r.status, r.raw)
	}
	r = f.get("/partnercenter/v1/customers", pc)
	if r.status != http.StatusInternalServerError || r.json["source"] != "PartnerFD" {
		t.Errorf("Partner Center failure: %s, want 500 in Partner Center's shape", r.describe())
	}
	r = f.form("/organizations/oauth2/v2.0/token", url.Values{})
	if r.status != http.StatusServiceUnavailable || r.json["error"] != "temporarily_unavailable" {
		t.Errorf("authority failure: %s, want 503 temporarily_unavailable", r.describe())
	}
	f.want(f.get("/graph/v1.0/users", token), http.StatusOK, "users after the one failure")
}

func TestCallsAndLatency(t *testing.T) {
	t.Parallel()
	const latency = 40 * time.Millisecond
	f := newFake(t, Options{Latency: latency})
	token := f.customerToken(SmallFabrikam) // sign-in is neither counted nor delayed
	if got := f.srv.Calls(); got != 0 {
		t.Errorf("Calls after sign-in = %d, want 0", got)
	}
	start := time.Now()
	f.get("/graph/v1.0/subscribedSkus", token)
	f.get("/graph/v1.0/users", token)
	f.get("/partnercenter/v1/customers", "")
	if took := time.Since(start); took < 3*latency {
		t.Errorf("three calls took %v, want at least %v", took, 3*latency)
	}
	if got := f.srv.Calls(); got != 3 {
		t.Errorf("Calls = %d, want 3", got)
	}
}
