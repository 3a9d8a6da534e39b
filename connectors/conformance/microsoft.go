package conformance

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Call names one kind of call a Microsoft connector makes, so that a
// harness can make it fail without the suite knowing URLs.
type Call string

// The calls the suite injects failures into.
const (
	CallCustomers      Call = "customers"       // Partner Center: list customers
	CallConsent        Call = "consent"         // Partner Center: applicationconsents
	CallGDAP           Call = "gdap"            // Graph: delegatedAdminRelationships
	CallSubscribedSkus Call = "subscribed skus" // Graph, customer tenant: subscribedSkus
	CallUsers          Call = "users"           // Graph, customer tenant: users
)

// TenantCase names a customer situation the suite needs a tenant in.
type TenantCase int

// The customer situations.
const (
	// TenantConsented: usable GDAP with a read role; seats is consented.
	TenantConsented TenantCase = iota
	// TenantConsentable: usable GDAP with a read role and every role the
	// partner consent needs; seats is not consented yet.
	TenantConsentable
	// TenantMissingConsentRole: usable GDAP lacking a role the partner
	// consent needs; seats is not consented.
	TenantMissingConsentRole
	// TenantWithoutGDAP: no usable GDAP relationship.
	TenantWithoutGDAP
)

func (c TenantCase) String() string {
	switch c {
	case TenantConsented:
		return "consented"
	case TenantConsentable:
		return "consentable"
	case TenantMissingConsentRole:
		return "missing a consent role"
	case TenantWithoutGDAP:
		return "without GDAP"
	}
	return fmt.Sprintf("TenantCase(%d)", int(c))
}

// MicrosoftLevers is what the suite knows and pulls about the world behind
// one connector. Every connector from NewSignedIn has a world of its own, so
// subtests may change it (consent, failures) freely.
type MicrosoftLevers interface {
	// Now is the world's time, for SummarizeGDAP.
	Now() time.Time
	// Customers are the customers the connector must list, in any order.
	Customers() []connectors.Customer
	// GDAPStatuses is each customer tenant's expected GDAP status.
	GDAPStatuses() map[string]connectors.GDAPStatus
	// Tenant returns a customer tenant in situation c; ok is false when the
	// world has none (the subtest is skipped).
	Tenant(c TenantCase) (tenantID string, ok bool)
	// Licences is the snapshot the connector must read for a consented
	// tenant (TakenAt is not compared).
	Licences(tenantID string) connectors.LicenceSnapshot
	// FailNext makes the next n calls of kind call answer status with body
	// ("" = the service's own error shape).
	FailNext(call Call, status int, body string, n int)
	// ThrottleNext makes the next call of kind call answer 429 with a
	// Retry-After header, and returns the wait that header asks for.
	ThrottleNext(call Call) (retryAfter time.Duration)
	// RetryWaits lists the waits the connector asked for so far, or nil
	// when the harness cannot observe them.
	RetryWaits() []time.Duration
}

// MicrosoftHarness builds connectors for the suite.
type MicrosoftHarness interface {
	// NewSignedIn returns a connector signed in as the partner user over a
	// fresh world, and that world's levers. It cleans up with t.Cleanup.
	NewSignedIn(t *testing.T) (connectors.Microsoft, MicrosoftLevers)
}

// RunMicrosoft runs the connectors.Microsoft conformance suite. newHarness
// is called once per subtest; subtests run in parallel.
func RunMicrosoft(t *testing.T, newHarness func(t *testing.T) MicrosoftHarness) {
	t.Helper()
	type suiteTest struct {
		name string
		run  func(t *testing.T, m connectors.Microsoft, l MicrosoftLevers)
	}
	tests := []suiteTest{
		{"CustomersAllPages", testCustomersAllPages},
		{"GDAPStatusesSummarised", testGDAPStatuses},
		{"ConsentPartnerOK", testConsentPartnerOK},
		{"ConsentPartnerAlreadyConsented", testConsentPartnerAlreadyConsented},
		{"ConsentPartnerRefusedNamesMissingRole", testConsentPartnerRefused},
		{"VerifyBeforeAndAfterConsent", testVerifyBeforeAndAfterConsent},
		{"VerifyWithoutGDAP", testVerifyWithoutGDAP},
		{"Licences", testLicences},
		{"RateLimitedWithRetryAfter", testRateLimited},
	}
	for _, ec := range errorCases {
		tests = append(tests, suiteTest{"Error" + ec.name, func(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
			runErrorCase(t, m, l, ec)
		}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, l := newHarness(t).NewSignedIn(t)
			tc.run(t, m, l)
		})
	}
}

// ctxFor is a context that ends with the test, bounded so a hung call
// fails the subtest instead of the whole run.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func tenantOrSkip(t *testing.T, l MicrosoftLevers, c TenantCase) string {
	t.Helper()
	id, ok := l.Tenant(c)
	if !ok {
		t.Skipf("the world has no tenant %s", c)
	}
	return id
}

func wantKind(t *testing.T, what string, err error, want connectors.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want kind %q", what, want)
	}
	if got := connectors.KindOf(err); got != want {
		t.Fatalf("%s: kind %q, want %q (error: %v)", what, got, want, err)
	}
}

func testCustomersAllPages(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	got, err := m.Customers(ctxFor(t))
	if err != nil {
		t.Fatalf("Customers: %v", err)
	}
	want := l.Customers()
	byTenant := func(cs []connectors.Customer) func(i, j int) bool {
		return func(i, j int) bool { return cs[i].TenantID < cs[j].TenantID }
	}
	sort.Slice(got, byTenant(got))
	sort.Slice(want, byTenant(want))
	if len(got) != len(want) {
		t.Fatalf("Customers: got %d customers, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("customer %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// gdapByTenant lists the relationships and groups them by customer tenant.
func gdapByTenant(t *testing.T, m connectors.Microsoft) (map[string][]connectors.GDAPRelationship, bool) {
	t.Helper()
	rels, available, err := m.GDAPRelationships(ctxFor(t))
	if err != nil {
		t.Fatalf("GDAPRelationships: %v", err)
	}
	by := map[string][]connectors.GDAPRelationship{}
	for _, r := range rels {
		by[r.CustomerTenantID] = append(by[r.CustomerTenantID], r)
	}
	return by, available
}

func testGDAPStatuses(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	by, available := gdapByTenant(t, m)
	if !available {
		t.Skip("this connector's cloud has no GDAP API")
	}
	want := l.GDAPStatuses()
	seen := map[connectors.GDAPStatus]bool{}
	for _, tenant := range slices.Sorted(maps.Keys(want)) {
		got := connectors.SummarizeGDAP(by[tenant], l.Now())
		seen[got.Status] = true
		if got.Status != want[tenant] {
			t.Errorf("tenant %s: GDAP %q, want %q (relationships: %+v)", tenant, got.Status, want[tenant], by[tenant])
		}
	}
	for _, s := range want {
		if !seen[s] {
			t.Errorf("GDAP status %q is in the world but in no summary", s)
		}
	}
	for tenant := range by {
		if _, ok := want[tenant]; !ok {
			t.Errorf("relationship with unknown customer tenant %s", tenant)
		}
	}
}

func testConsentPartnerOK(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantConsentable)
	if err := m.ConsentPartner(ctxFor(t), tenant); err != nil {
		t.Fatalf("ConsentPartner(%s): %v", tenant, err)
	}
}

func testConsentPartnerAlreadyConsented(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantConsented)
	if err := m.ConsentPartner(ctxFor(t), tenant); err != nil {
		t.Fatalf("ConsentPartner(%s) on a consented tenant: %v, want success", tenant, err)
	}
}

func testConsentPartnerRefused(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantMissingConsentRole)
	err := m.ConsentPartner(ctxFor(t), tenant)
	wantKind(t, "ConsentPartner without a consent role", err, connectors.ErrForbidden)
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T is not a *connectors.Error", err)
	}
	if ce.Message == "" || strings.ContainsAny(ce.Message, "\r\n") {
		t.Errorf("refusal message %q is not one sentence", ce.Message)
	}
	by, available := gdapByTenant(t, m)
	if !available {
		return
	}
	missing := connectors.SummarizeGDAP(by[tenant], l.Now()).MissingConsentRoles()
	if len(missing) == 0 {
		t.Fatalf("the world's tenant %s misses no consent role by its GDAP summary", tenant)
	}
	named := false
	for _, role := range missing {
		named = named || strings.Contains(ce.Message, role)
	}
	if !named {
		t.Errorf("refusal %q names none of the missing roles %q", ce.Message, missing)
	}
}

func testVerifyBeforeAndAfterConsent(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantConsentable)
	ctx := ctxFor(t)
	wantKind(t, "Verify before consent", m.Verify(ctx, tenant), connectors.ErrConsentRequired)
	if err := m.ConsentPartner(ctx, tenant); err != nil {
		t.Fatalf("ConsentPartner: %v", err)
	}
	if err := m.Verify(ctx, tenant); err != nil {
		t.Fatalf("Verify after consent: %v", err)
	}
}

func testVerifyWithoutGDAP(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantWithoutGDAP)
	wantKind(t, "Verify without GDAP", m.Verify(ctxFor(t), tenant), connectors.ErrForbidden)
}

func testLicences(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantConsented)
	got, err := m.Licences(ctxFor(t), tenant)
	if err != nil {
		t.Fatalf("Licences(%s): %v", tenant, err)
	}
	compareLicences(t, got, l.Licences(tenant))
}

func compareLicences(t *testing.T, got, want connectors.LicenceSnapshot) {
	t.Helper()
	if got.TenantID != want.TenantID {
		t.Errorf("TenantID %q, want %q", got.TenantID, want.TenantID)
	}
	if got.TakenAt.IsZero() {
		t.Errorf("TakenAt is zero")
	}
	if want.Domains != nil && !slices.Equal(got.Domains, want.Domains) {
		t.Errorf("Domains %v, want %v", got.Domains, want.Domains)
	}

	type skuCounts struct {
		partNumber      string
		consumed, total int
	}
	skus := func(s []connectors.SubscribedSku) map[string]skuCounts {
		out := map[string]skuCounts{}
		for _, k := range s {
			out[k.SkuID] = skuCounts{k.SkuPartNumber, k.ConsumedUnits, k.PrepaidUnits.Enabled}
		}
		return out
	}
	if g, w := skus(got.Skus), skus(want.Skus); !maps.Equal(g, w) || len(got.Skus) != len(want.Skus) {
		t.Errorf("SKUs (id -> part number, consumed, enabled):\n got %v\nwant %v", g, w)
	}

	type subFields struct {
		commerceID, skuID string
		total             int
		trial             bool
	}
	subs := func(s []connectors.DirectorySubscription) map[string]subFields {
		out := map[string]subFields{}
		for _, d := range s {
			out[d.ID] = subFields{d.CommerceSubscriptionID, d.SkuID, d.TotalLicenses, d.IsTrial}
		}
		return out
	}
	if g, w := subs(got.Subscriptions), subs(want.Subscriptions); !maps.Equal(g, w) || len(got.Subscriptions) != len(want.Subscriptions) {
		t.Errorf("subscriptions (id -> commerce id, sku, total, trial):\n got %v\nwant %v", g, w)
	}

	users := func(us []connectors.User) map[string]string {
		out := map[string]string{}
		for _, u := range us {
			var ids []string
			for _, l := range u.Licenses {
				ids = append(ids, l.SkuID)
			}
			sort.Strings(ids)
			out[u.ID] = fmt.Sprintf("%s enabled=%t %v", u.UserPrincipalName, u.AccountEnabled, ids)
		}
		return out
	}
	if g, w := users(got.Users), users(want.Users); !maps.Equal(g, w) || len(got.Users) != len(want.Users) {
		t.Errorf("users (id -> upn, enabled, licences):\n got %v\nwant %v", g, w)
	}
}

func testRateLimited(t *testing.T, m connectors.Microsoft, l MicrosoftLevers) {
	tenant := tenantOrSkip(t, l, TenantConsented)
	retryAfter := l.ThrottleNext(CallUsers)
	got, err := m.Licences(ctxFor(t), tenant)
	if err != nil {
		t.Fatalf("Licences after one 429: %v", err)
	}
	compareLicences(t, got, l.Licences(tenant))
	waits := l.RetryWaits()
	if waits == nil {
		return
	}
	honoured := false
	for _, w := range waits {
		honoured = honoured || w >= retryAfter
	}
	if !honoured {
		t.Errorf("waits %v: none honours Retry-After %v", waits, retryAfter)
	}
}

// errorCase is one injected failure and the kind it must surface as.
type errorCase struct {
	name       string
	call       Call
	status     int
	body       string
	n          int
	needTenant bool // the call reads licences of a consented tenant
	want       connectors.Kind
}

// errorCases: 503 and malformed JSON on a read are injected more often than
// any connector retries, so they surface once retries run out. A token
// refused once (revoked early, clocks apart) is renewed and the call made
// again: it is no error (want KindUnknown); refused every time, it is.
var errorCases = []errorCase{
	{"CustomersTokenRefusedOnce", CallCustomers, 401, "", 1, false, connectors.KindUnknown},
	{"CustomersUnauthorized", CallCustomers, 401, "", 100, false, connectors.ErrUnauthorized},
	{"CustomersMalformedJSON", CallCustomers, 200, "{not json", 100, false, connectors.ErrBadResponse},
	{"CustomersUnavailable", CallCustomers, 503, "", 100, false, connectors.ErrUnavailable},
	{"GDAPForbidden", CallGDAP, 403, "", 1, false, connectors.ErrForbidden},
	{"GDAPTokenRefusedOnce", CallGDAP, 401, "", 1, false, connectors.KindUnknown},
	{"LicencesForbidden", CallSubscribedSkus, 403, "", 1, true, connectors.ErrForbidden},
	{"LicencesTokenRefusedOnce", CallUsers, 401, "", 1, true, connectors.KindUnknown},
	{"LicencesUnauthorized", CallUsers, 401, "", 100, true, connectors.ErrUnauthorized},
	{"LicencesMalformedJSON", CallUsers, 200, "{not json", 100, true, connectors.ErrBadResponse},
}

func runErrorCase(t *testing.T, m connectors.Microsoft, l MicrosoftLevers, ec errorCase) {
	ctx := ctxFor(t)
	var err error
	switch {
	case ec.needTenant:
		tenant := tenantOrSkip(t, l, TenantConsented)
		l.FailNext(ec.call, ec.status, ec.body, ec.n)
		_, err = m.Licences(ctx, tenant)
	case ec.call == CallGDAP:
		l.FailNext(ec.call, ec.status, ec.body, ec.n)
		var available bool
		_, available, err = m.GDAPRelationships(ctx)
		if !available {
			t.Skip("this connector's cloud has no GDAP API")
		}
	default:
		l.FailNext(ec.call, ec.status, ec.body, ec.n)
		_, err = m.Customers(ctx)
	}
	if ec.want == connectors.KindUnknown {
		if err != nil {
			t.Errorf("%s: %v; want the call to recover", ec.name, err)
		}
		return
	}
	wantKind(t, ec.name, err, ec.want)
}
