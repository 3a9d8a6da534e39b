package msfake

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// newSubsFake is a fake over w with its own TLS server.
func newSubsFake(t *testing.T, w *World, o Options) *fake {
	t.Helper()
	ts, srv := NewTLSServer(w, o)
	t.Cleanup(ts.Close)
	hc := *ts.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Timeout = 10 * time.Second
	return &fake{t: t, ts: ts, srv: srv, hc: &hc, ep: EndpointsFor(ts.URL), w: srv.World()}
}

func subsPath(tenantID string) string {
	return "/partnercenter/v1/customers/" + tenantID + "/subscriptions"
}

// Every subscription of a customer comes back at once, as Partner Center
// documents it, with the documentation's shape: upper-case ids, the
// commerce id as the id, P1Y for a yearly lifecycle, dates in the two
// spellings.
func TestPCSubscriptionsAll(t *testing.T) {
	t.Parallel()
	f := newSubsFake(t, SmallWorld(), Options{})
	c := f.customer(SmallProseware)
	r := f.get(subsPath(c.TenantID), f.pcToken())
	f.want(r, http.StatusOK, "GET subscriptions")
	items, _ := r.json["items"].([]any)
	if len(items) != len(c.Subscriptions) || r.json["totalCount"] != float64(len(items)) {
		t.Fatalf("%d items (totalCount %v), want %d", len(items), r.json["totalCount"], len(c.Subscriptions))
	}
	if links, _ := r.json["links"].(map[string]any); links["next"] != nil {
		t.Errorf("a next link without a page size: %v", links["next"])
	}
	for i, it := range items {
		sub := it.(map[string]any)
		want := c.Subscriptions[i]
		if sub["id"] != strings.ToUpper(want.CommerceSubscriptionID) {
			t.Errorf("item %d id %v, want the commerce id in upper case", i, sub["id"])
		}
		if sub["quantity"] != float64(want.TotalLicenses) || sub["status"] != "active" || sub["termDuration"] != "P1Y" {
			t.Errorf("item %d quantity %v status %v term %v", i, sub["quantity"], sub["status"], sub["termDuration"])
		}
		if sub["commitmentEndDate"] != PartnerCenterTime(want.NextLifecycleAt, i) || sub["autoRenewEnabled"] != true {
			t.Errorf("item %d commitment end %v auto-renew %v", i, sub["commitmentEndDate"], sub["autoRenewEnabled"])
		}
		if name, _ := sub["offerName"].(string); name == "" || !strings.HasPrefix(sub["offerId"].(string), "CFQ7TTC0") {
			t.Errorf("item %d offer %v %v", i, sub["offerId"], sub["offerName"])
		}
	}
}

// With a page size, the list pages as the customer list does; the next
// link lacks /v1, carries the token in a header, and the token is bound
// to its customer.
func TestPCSubscriptionsPaging(t *testing.T) {
	t.Parallel()
	f := newSubsFake(t, SmallWorld(), Options{PageSize: 2})
	tok := f.pcToken()
	c := f.customer(SmallProseware)
	r := f.get(subsPath(c.TenantID), tok)
	f.want(r, http.StatusOK, "first page")
	next := r.json["links"].(map[string]any)["next"].(map[string]any)
	uri := next["uri"].(string)
	if strings.HasPrefix(uri, "/v1") || !strings.Contains(uri, "seekOperation=Next") {
		t.Errorf("next uri %q", uri)
	}
	ct := next["headers"].([]any)[0].(map[string]any)["value"].(string)
	if ct != r.json["continuationToken"] {
		t.Error("the link's MS-ContinuationToken differs from continuationToken")
	}
	r2 := f.do(http.MethodGet, "/partnercenter/v1"+uri, tok, nil, map[string]string{"MS-ContinuationToken": ct})
	f.want(r2, http.StatusOK, "second page")
	if items := r2.json["items"].([]any); len(items) != 1 || r2.json["links"].(map[string]any)["next"] != nil {
		t.Errorf("second page: %d items, next %v; want the last 1 and no next", len(items), r2.json["links"])
	}
	other := f.customer(SmallFabrikam)
	r3 := f.do(http.MethodGet, subsPath(other.TenantID)+"?seekOperation=Next", tok, nil, map[string]string{"MS-ContinuationToken": ct})
	f.want(r3, http.StatusBadRequest, "another customer's continuation token")
}

// The token is checked as on every Partner Center call (an expired one is
// 401 with WWW-Authenticate); a customer the partner does not resell to is
// 403, an unknown one 404, a user without a Partner Center role 403, a
// POST 405.
func TestPCSubscriptionsRefusals(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Now())
	w := SmallWorld()
	w.Customers[3].Relationship = "advisor"
	f := newSubsFake(t, w, Options{Now: clk.Now})
	tok := f.pcToken()
	fab := f.customer(SmallFabrikam)

	r := f.get(subsPath(f.customer(SmallWoodgrove).TenantID), tok)
	f.want(r, http.StatusForbidden, "advisor customer")
	if r.json["code"] != "Forbidden" || r.json["description"] == "" {
		t.Errorf("403 body %s", r.raw)
	}
	f.want(f.get(subsPath("00000000-0000-0000-0000-00000000abcd"), tok), http.StatusNotFound, "unknown customer")
	f.want(f.do(http.MethodPost, subsPath(fab.TenantID), tok, []byte("{}"), nil), http.StatusMethodNotAllowed, "POST")
	f.want(f.get(subsPath(fab.TenantID), ""), http.StatusUnauthorized, "no token")
	f.want(f.get(subsPath(fab.TenantID), f.graphToken()), http.StatusUnauthorized, "a Graph token")

	clk.Advance(2 * time.Hour)
	r = f.get(subsPath(fab.TenantID), tok)
	f.want(r, http.StatusUnauthorized, "expired token")
	if r.header.Get("WWW-Authenticate") == "" || !strings.Contains(r.json["description"].(string), "expired") {
		t.Errorf("expired-token answer: %s %v", r.raw, r.header)
	}

	f.srv.Mutate(func(w *World) { w.Partner.Users[0].Groups = []string{"BillingAdmins"} })
	f.want(f.get(subsPath(fab.TenantID), f.pcToken()), http.StatusForbidden, "user without a Partner Center role")
}

// The endpoint takes the same faults and injected failures as every
// Partner Center call, and counts as a call.
func TestPCSubscriptionsFaults(t *testing.T) {
	t.Parallel()
	f := newSubsFake(t, SmallWorld(), Options{})
	tok := f.pcToken()
	p := subsPath(f.customer(SmallFabrikam).TenantID)
	before := f.srv.Calls()
	f.srv.FailNext("GET", p, http.StatusServiceUnavailable, "", 1)
	r := f.get(p, tok)
	f.want(r, http.StatusServiceUnavailable, "injected 503")
	if r.header.Get("Retry-After") == "" || r.json["code"] == nil {
		t.Errorf("injected 503 without Retry-After or Partner Center's error shape: %s", r.raw)
	}
	f.srv.FailNextFault("GET", p, FaultThrottle, 1)
	f.want(f.get(p, tok), http.StatusTooManyRequests, "injected throttle")
	f.srv.FailNextFault("GET", p, FaultTruncated, 1)
	r = f.get(p, tok)
	if r.status != http.StatusOK || r.json != nil {
		t.Errorf("truncated answer: HTTP %d, JSON that parses: %v", r.status, r.json != nil)
	}
	f.want(f.get(p, tok), http.StatusOK, "after the faults")
	if got := f.srv.Calls() - before; got != 4 {
		t.Errorf("%d calls counted, want 4", got)
	}
	// Other paths still reach the Server as they are.
	f.want(f.get("/partnercenter/v1/customers", tok), http.StatusOK, "customer list")
}

// Derived Partner Center values: a monthly lifecycle is P1M billed
// monthly, a trial P1M billed none without auto-renewal, Graph statuses
// map to Partner Center's, and the optional fields win.
func TestPCSubscriptionDefaults(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	monthly := Subscription{ID: "a", CommerceSubscriptionID: "1b", Status: "Enabled", CreatedAt: created, NextLifecycleAt: created.AddDate(0, 14, 0)}
	if PartnerCenterTermDuration(monthly) != "P1M" || PartnerCenterBillingCycle(monthly) != "monthly" {
		t.Errorf("monthly: %s %s", PartnerCenterTermDuration(monthly), PartnerCenterBillingCycle(monthly))
	}
	yearly := monthly
	yearly.NextLifecycleAt = created.AddDate(2, 0, 0)
	if PartnerCenterTermDuration(yearly) != "P1Y" {
		t.Errorf("yearly: %s", PartnerCenterTermDuration(yearly))
	}
	trial := monthly
	trial.IsTrial = true
	if PartnerCenterBillingCycle(trial) != "none" || PartnerCenterAutoRenew(trial) {
		t.Errorf("trial: %s auto-renew %v", PartnerCenterBillingCycle(trial), PartnerCenterAutoRenew(trial))
	}
	for graph, pc := range map[string]string{"Enabled": "active", "Warning": "expired", "Suspended": "suspended", "LockedOut": "disabled", "Deleted": "deleted"} {
		s := monthly
		s.Status = graph
		if got := PartnerCenterStatus(s); got != pc {
			t.Errorf("Graph %s: Partner Center %s, want %s", graph, got, pc)
		}
	}
	set := monthly
	set.PCStatus, set.TermDuration, set.BillingCycle, set.OfferID = "transferring", "P3Y", "triennial", "CFQ7TTC0XXXX:0002"
	if PartnerCenterStatus(set) != "transferring" || PartnerCenterTermDuration(set) != "P3Y" ||
		PartnerCenterBillingCycle(set) != "triennial" || PartnerCenterOfferID(set) != "CFQ7TTC0XXXX:0002" {
		t.Error("the optional fields do not win over the derived values")
	}
	if PartnerCenterOfferID(monthly) != PartnerCenterOfferID(Subscription{SkuID: monthly.SkuID}) {
		t.Error("the derived offer id is not a function of the SKU")
	}
	if got := PartnerCenterTime(time.Date(2019, 1, 9, 0, 21, 45, 926372700, time.UTC), 1); got != "2019-01-09T00:21:45.9263727+00:00" {
		t.Errorf("odd spelling %q", got)
	}
}

// A subscription another partner sold (OwnerTenantID not ours) is not
// in this partner's Partner Center.
func TestPCSubscriptionsOnlyOurs(t *testing.T) {
	t.Parallel()
	c := Customer{Subscriptions: []Subscription{{ID: "1"}, {ID: "2", OwnerTenantID: "p"}, {ID: "3", OwnerTenantID: "other"}}}
	got := PartnerCenterSubscriptions(c, "P")
	if len(got) != 2 || got[0].ID != "1" || got[1].ID != "2" {
		t.Errorf("got %+v", got)
	}
}
