package msfake

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// collectCustomers follows Partner Center's links.next the way the SDK
// does: the uri relative to the API root, with every header of the link.
func (f *fake) collectCustomers(first, token string) ([]map[string]any, int) {
	f.t.Helper()
	var items []map[string]any
	path, hdr := first, map[string]string{}
	pages := 0
	for path != "" {
		if pages++; pages > 50 {
			f.t.Fatal("more than 50 pages: paging loops")
		}
		r := f.do(http.MethodGet, "/partnercenter"+path, token, nil, hdr)
		f.want(r, http.StatusOK, "GET "+path)
		vals, _ := r.json["items"].([]any)
		if r.json["totalCount"] != float64(len(vals)) {
			f.t.Errorf("totalCount %v for a page of %d", r.json["totalCount"], len(vals))
		}
		for _, v := range vals {
			items = append(items, v.(map[string]any))
		}
		links, _ := r.json["links"].(map[string]any)
		next, _ := links["next"].(map[string]any)
		path, hdr = "", map[string]string{}
		if next != nil {
			path, _ = next["uri"].(string)
			hs, _ := next["headers"].([]any)
			for _, h := range hs {
				kv := h.(map[string]any)
				hdr[kv["key"].(string)] = kv["value"].(string)
			}
			if hdr["MS-ContinuationToken"] != r.json["continuationToken"] {
				f.t.Error("the link's MS-ContinuationToken header differs from continuationToken")
			}
		}
	}
	return items, pages
}

func TestPartnerCenterCustomersPaging(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{PageSize: 2})
	items, pages := f.collectCustomers("/v1/customers?size=40", f.pcToken())
	if len(items) != len(f.w.Customers) || pages != 3 {
		t.Fatalf("got %d customers in %d pages, want %d in 3", len(items), pages, len(f.w.Customers))
	}
	seen := map[string]int{}
	for i, it := range items {
		c := f.w.Customers[i]
		seen[it["id"].(string)]++
		prof := it["companyProfile"].(map[string]any)
		attrs := it["attributes"].(map[string]any)
		if it["id"] != c.TenantID || prof["tenantId"] != c.TenantID || prof["companyName"] != c.Name ||
			prof["domain"] != c.Domain || it["relationshipToPartner"] != "reseller" || attrs["objectType"] != "Customer" ||
			it["commerceId"] == "" {
			t.Errorf("customer %d: %v, want %s", i, it, c.Name)
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("customer %s listed %d times", id, n)
		}
	}
}

func TestPartnerCenterCustomersErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{PageSize: 2})
	token := f.pcToken()
	first := f.get("/partnercenter/v1/customers", token)
	f.want(first, http.StatusOK, "first page")
	good, _ := first.json["continuationToken"].(string)
	tests := []struct {
		name, path, continuation string
	}{
		{"size 0", "/v1/customers?size=0", ""},
		{"size 501", "/v1/customers?size=501", ""},
		{"size abc", "/v1/customers?size=abc", ""},
		{"next without token", "/v1/customers?size=2&seekOperation=Next", ""},
		{"next with a bad token", "/v1/customers?size=2&seekOperation=Next", "bad.token"},
		{"next with a tampered token", "/v1/customers?size=2&seekOperation=Next", good[:len(good)-2] + "zz"},
		{"unknown seek", "/v1/customers?seekOperation=Last", good},
	}
	for _, tt := range tests {
		hdr := map[string]string{}
		if tt.continuation != "" {
			hdr["MS-ContinuationToken"] = tt.continuation
		}
		r := f.do(http.MethodGet, "/partnercenter"+tt.path, token, nil, hdr)
		if r.status != http.StatusBadRequest || r.json["source"] != "PartnerFD" {
			t.Errorf("%s: %s, want 400 in Partner Center's shape", tt.name, r.describe())
		}
	}
	r := f.do(http.MethodGet, "/partnercenter/v1/customers?size=2&seekOperation=Next", token, nil,
		map[string]string{"MS-ContinuationToken": good})
	f.want(r, http.StatusOK, "next page with the right token")
}

func TestPartnerCenterAuthentication(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	pcScope := f.ep.PartnerCenterURL + "/user_impersonation"
	customerPC := f.refresh(f.customer(SmallFabrikam).TenantID, pcScope, f.signIn(pcScope).RefreshToken)
	f.want(customerPC, http.StatusOK, "Partner Center token in a customer tenant")
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"graph audience", f.graphToken(), http.StatusUnauthorized},
		{"customer tenant", decodeTokens(t, customerPC).AccessToken, http.StatusForbidden},
	}
	for _, tt := range tests {
		r := f.do(http.MethodGet, "/partnercenter/v1/customers", tt.token, nil, map[string]string{"MS-CorrelationId": "corr-1"})
		if r.status != tt.status {
			t.Errorf("%s: %s, want %d", tt.name, r.describe(), tt.status)
			continue
		}
		if tt.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", tt.name, r.header.Get("WWW-Authenticate"))
		}
		if r.json["code"] == nil || r.json["description"] == nil || r.json["source"] != "PartnerFD" {
			t.Errorf("%s: body %s is not Partner Center's error shape", tt.name, r.raw)
		}
		if r.header.Get("MS-CorrelationId") != "corr-1" {
			t.Errorf("%s: MS-CorrelationId not echoed", tt.name)
		}
	}
	ok := f.do(http.MethodGet, "/partnercenter/v1/customers", f.pcToken(), nil, map[string]string{"MS-CorrelationId": "corr-2", "MS-RequestId": "req-2"})
	f.want(ok, http.StatusOK, "customers")
	if ok.header.Get("MS-CorrelationId") != "corr-2" {
		t.Error("MS-CorrelationId not echoed on success")
	}
}

func TestPartnerCenterApplicationConsent(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var changes []World
	f := newFake(t, Options{OnChange: func(w *World) {
		mu.Lock()
		defer mu.Unlock()
		changes = append(changes, cloneWorld(w))
	}})
	token := f.pcToken()
	body := func(appID string) []byte {
		raw, _ := json.Marshal(applicationConsent{
			ApplicationID: appID, DisplayName: "seats",
			ApplicationGrants: []applicationGrant{{EnterpriseApplicationID: graphAppID, Scope: "Directory.Read.All, User.Read.All,Organization.Read.All"}},
		})
		return raw
	}
	consent := func(tenant string, raw []byte) reply {
		return f.do(http.MethodPost, "/partnercenter/v1/customers/"+tenant+"/applicationconsents", token, raw, nil)
	}
	tail := f.customer(SmallTailspin).TenantID
	tests := []struct {
		name    string
		tenant  string
		body    []byte
		status  int
		descHas string
	}{
		{"expiring GDAP with both roles", tail, body(f.w.ClientID), http.StatusCreated, ""},
		{"again", tail, body(f.w.ClientID), http.StatusConflict, "An application consent already exists for this application."},
		{"lacks Privileged Role Administrator", f.customer(SmallAdatum).TenantID, body(f.w.ClientID), http.StatusForbidden,
			"The signed-in partner user lacks the Privileged Role Administrator role in this customer tenant (through GDAP)."},
		{"no GDAP", f.customer(SmallProseware).TenantID, body(f.w.ClientID), http.StatusForbidden, "no active GDAP relationship"},
		{"pending GDAP", f.customer(SmallWoodgrove).TenantID, body(f.w.ClientID), http.StatusForbidden, "no active GDAP relationship"},
		{"unknown customer", "99999999-8888-7777-6666-555555555555", body(f.w.ClientID), http.StatusNotFound, ""},
		{"another app", tail, body("ffffffff-0000-0000-0000-000000000000"), http.StatusBadRequest, ""},
		{"malformed body", tail, []byte("{not json"), http.StatusBadRequest, ""},
		{"no grants", tail, []byte(`{"applicationId":"` + f.w.ClientID + `","applicationGrants":[]}`), http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		r := consent(tt.tenant, tt.body)
		if r.status != tt.status {
			t.Errorf("%s: %s, want %d", tt.name, r.describe(), tt.status)
			continue
		}
		if desc, _ := r.json["description"].(string); tt.status >= 400 && !strings.Contains(desc, tt.descHas) {
			t.Errorf("%s: description %q lacks %q", tt.name, desc, tt.descHas)
		}
	}

	var got *Consent
	for _, c := range f.srv.World().Customers {
		if c.TenantID == tail {
			got = c.Consent
		}
	}
	if got == nil || got.Method != string(connectors.ConsentByPartner) ||
		strings.Join(got.Scopes, " ") != "Directory.Read.All User.Read.All Organization.Read.All" || got.GrantedAt.IsZero() {
		t.Fatalf("consent after 201: %+v", got)
	}
	mu.Lock()
	n := len(changes)
	mu.Unlock()
	if n != 1 {
		t.Errorf("OnChange called %d times, want once", n)
	}
	// The consent opens the door: a silent token for the tenant now works.
	rt := f.signIn(f.ep.GraphURL + "/.default").RefreshToken
	f.want(f.refresh(tail, f.ep.GraphURL+"/.default", rt), http.StatusOK, "customer token after consent")
}

func TestConsentRolesUnion(t *testing.T) {
	t.Parallel()
	// Two relationships, one role each: a user in both groups holds both.
	w := SmallWorld()
	for i := range w.Customers {
		c := &w.Customers[i]
		if c.Name != SmallAdatum {
			continue
		}
		second := c.GDAP[0]
		second.ID += "-2"
		second.Roles = []string{connectors.RolePrivilegedRoleAdministrator}
		second.AssignedRoles = second.Roles
		c.GDAP = append(c.GDAP, second)
	}
	f := newFakeWorld(t, w, Options{})
	raw, _ := json.Marshal(applicationConsent{ApplicationID: f.w.ClientID, DisplayName: "seats",
		ApplicationGrants: []applicationGrant{{EnterpriseApplicationID: graphAppID, Scope: "User.Read.All"}}})
	r := f.do(http.MethodPost, "/partnercenter/v1/customers/"+f.customer(SmallAdatum).TenantID+"/applicationconsents", f.pcToken(), raw, nil)
	f.want(r, http.StatusCreated, "consent with roles from two relationships")
}
