package sandbox

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/skus"
)

// fixedNow anchors generated worlds in tests.
var fixedNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		a, b      GenerateOptions
		wantEqual bool
	}{
		{"same seed", GenerateOptions{Seed: 7, Now: fixedNow}, GenerateOptions{Seed: 7, Now: fixedNow}, true},
		{"same seed, large", GenerateOptions{Seed: 3, Customers: 300, Now: fixedNow}, GenerateOptions{Seed: 3, Customers: 300, Now: fixedNow}, true},
		{"seed zero", GenerateOptions{Now: fixedNow}, GenerateOptions{Seed: 0, Now: fixedNow}, true},
		{"other seed", GenerateOptions{Seed: 7, Now: fixedNow}, GenerateOptions{Seed: 8, Now: fixedNow}, false},
		{"negative seed", GenerateOptions{Seed: -7, Now: fixedNow}, GenerateOptions{Seed: 7, Now: fixedNow}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := mustJSON(t, Generate(tt.a)), mustJSON(t, Generate(tt.b))
			if (a == b) != tt.wantEqual {
				t.Fatalf("worlds equal = %v, want %v", a == b, tt.wantEqual)
			}
		})
	}
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	w := Generate(GenerateOptions{Now: fixedNow})
	if len(w.Customers) != DefaultCustomers {
		t.Errorf("customers = %d, want %d", len(w.Customers), DefaultCustomers)
	}
	if w.ClientID != SandboxClientID {
		t.Errorf("ClientID = %q, want SandboxClientID", w.ClientID)
	}
	if !w.GeneratedAt.Equal(fixedNow) {
		t.Errorf("GeneratedAt = %v, want %v", w.GeneratedAt, fixedNow)
	}
	if len(w.SigningKey) != 32 {
		t.Errorf("signing key has %d bytes, want 32", len(w.SigningKey))
	}
	if len(w.Partner.Users) != 2 || !guidRE.MatchString(w.Partner.TenantID) || w.Partner.Name == "" {
		t.Errorf("partner = %+v, want a named tenant with 2 users", w.Partner)
	}
	if got := Generate(GenerateOptions{ClientID: "11111111-2222-4333-8444-555555555555", Now: fixedNow}).ClientID; got != "11111111-2222-4333-8444-555555555555" {
		t.Errorf("ClientID option ignored: %q", got)
	}
}

// summaries folds each customer's relationships the way seats does.
func summaries(w *msfake.World, now time.Time) []connectors.GDAPSummary {
	out := make([]connectors.GDAPSummary, len(w.Customers))
	for i, c := range w.Customers {
		rels := make([]connectors.GDAPRelationship, len(c.GDAP))
		for j, r := range c.GDAP {
			rels[j] = connectors.GDAPRelationship{
				ID: r.ID, DisplayName: r.DisplayName, CustomerTenantID: c.TenantID, CustomerName: c.Name,
				Status: r.Status, Roles: r.Roles, ActivatedAt: r.ActivatedAt, EndsAt: r.EndAt,
				AssignedRoles: r.AssignedRoles, AssignmentsRead: r.AssignedRoles != nil,
			}
		}
		out[i] = connectors.SummarizeGDAP(rels, now)
	}
	return out
}

func TestGenerateCoversEveryGDAPState(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{0, 1, 2, 42, 1234, -99} {
		w := Generate(GenerateOptions{Seed: seed, Customers: 40, Now: fixedNow})
		count := map[connectors.GDAPStatus]int{}
		activeNoPRA, assigned, unassigned, twoRels := 0, 0, 0, 0
		for i, sum := range summaries(w, fixedNow) {
			count[sum.Status]++
			if sum.Status == connectors.GDAPActive && !sum.HasRole(connectors.RolePrivilegedRoleAdministrator) {
				activeNoPRA++
			}
			if sum.Status.Usable() {
				if sum.RolesAssigned {
					assigned++
				} else {
					unassigned++
				}
			}
			if len(w.Customers[i].GDAP) > 1 {
				twoRels++
			}
		}
		for _, st := range []connectors.GDAPStatus{connectors.GDAPActive, connectors.GDAPExpiring, connectors.GDAPPending, connectors.GDAPExpired, connectors.GDAPNone} {
			if count[st] == 0 {
				t.Errorf("seed %d: no customer is %s (%v)", seed, st, count)
			}
		}
		if count[connectors.GDAPActive] < 40/2 {
			t.Errorf("seed %d: only %d active customers, want most", seed, count[connectors.GDAPActive])
		}
		if activeNoPRA == 0 {
			t.Errorf("seed %d: no active customer lacks Privileged Role Administrator", seed)
		}
		if assigned == 0 || unassigned == 0 {
			t.Errorf("seed %d: %d usable customers with access assignments and %d without, want both", seed, assigned, unassigned)
		}
		if twoRels == 0 {
			t.Errorf("seed %d: no customer has more than one relationship", seed)
		}
	}
}

func TestGenerateRelationshipStatuses(t *testing.T) {
	t.Parallel()
	w := Generate(GenerateOptions{Seed: 5, Customers: 40, Now: fixedNow})
	seen := map[string]bool{}
	for _, c := range w.Customers {
		for _, r := range c.GDAP {
			seen[r.Status] = true
			if !strings.HasSuffix(r.ID, "-"+c.TenantID) {
				t.Errorf("relationship id %q does not end with the customer's tenant id", r.ID)
			}
			if r.DisplayName == "" || len(r.DisplayName) > 50 {
				t.Errorf("relationship display name %q: want 1..50 characters", r.DisplayName)
			}
			if r.Status == connectors.RelActive && (r.ActivatedAt.IsZero() || !r.EndAt.After(fixedNow)) {
				t.Errorf("active relationship %s: activated %v, ends %v", r.ID, r.ActivatedAt, r.EndAt)
			}
			if (r.Status == connectors.RelExpired || r.Status == connectors.RelTerminated) && r.EndAt.After(fixedNow) {
				t.Errorf("%s relationship %s ends in the future (%v)", r.Status, r.ID, r.EndAt)
			}
		}
	}
	for _, st := range []string{
		connectors.RelActive, connectors.RelCreated, connectors.RelApprovalPending, connectors.RelActivating,
		connectors.RelExpired, connectors.RelTerminated,
	} {
		if !seen[st] {
			t.Errorf("no relationship is %q", st)
		}
	}
}

func TestGenerateConsents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		customers, want int
	}{
		{40, 2}, {10, 1},
	}
	for _, tt := range tests {
		w := Generate(GenerateOptions{Seed: 11, Customers: tt.customers, Now: fixedNow})
		sums := summaries(w, fixedNow)
		got := 0
		for i, c := range w.Customers {
			if c.Consent == nil {
				continue
			}
			got++
			if c.Consent.Method != string(connectors.ConsentByAdmin) || !c.Consent.GrantedAt.Before(fixedNow.Add(-90*24*time.Hour)) {
				t.Errorf("%s: consent %+v, want an admin consent long ago", c.Name, c.Consent)
			}
			if !sums[i].HasReadRole() {
				t.Errorf("%s is consented but its GDAP (%s) cannot read, so it would never show Ready", c.Name, sums[i].Status)
			}
		}
		if got != tt.want {
			t.Errorf("%d customers: %d consented, want %d", tt.customers, got, tt.want)
		}
	}
}

func TestGenerateLicences(t *testing.T) {
	t.Parallel()
	w := Generate(GenerateOptions{Seed: 21, Customers: 40, Now: fixedNow})
	disabledLicensed, overProvisioned, trials := 0, 0, 0
	for _, c := range w.Customers {
		if n := len(c.Skus); n < 1 || n > 5 {
			t.Errorf("%s has %d SKUs, want 1..5", c.Name, n)
		}
		if len(c.Subscriptions) != len(c.Skus) {
			t.Errorf("%s: %d subscriptions for %d SKUs", c.Name, len(c.Subscriptions), len(c.Skus))
		}
		consumed := map[string]int{}
		for _, u := range c.Users {
			for _, id := range u.Licenses {
				consumed[id]++
			}
			if !u.AccountEnabled && len(u.Licenses) > 0 {
				disabledLicensed++
			}
			if !strings.HasSuffix(u.UPN, "@"+c.Domain) || !guidRE.MatchString(u.ID) {
				t.Errorf("%s: user %q (%s) is not a user of %s", c.Name, u.UPN, u.ID, c.Domain)
			}
		}
		subs := map[string]msfake.Subscription{}
		for _, s := range c.Subscriptions {
			subs[s.ID] = s
			if s.IsTrial {
				trials++
			}
			if !s.NextLifecycleAt.After(fixedNow) || !s.CreatedAt.Before(fixedNow) {
				t.Errorf("%s: subscription %s created %v, next lifecycle %v", c.Name, s.SkuPartNumber, s.CreatedAt, s.NextLifecycleAt)
			}
		}
		for _, sku := range c.Skus {
			cat, ok := skus.ByID(sku.SkuID)
			if !ok || cat.PartNumber != sku.SkuPartNumber {
				t.Errorf("%s: SKU %s (%s) is not in the catalogue", c.Name, sku.SkuID, sku.SkuPartNumber)
			}
			if sku.Enabled < 1 || sku.Enabled > 60 {
				t.Errorf("%s: %s has %d enabled, want 1..60", c.Name, sku.SkuPartNumber, sku.Enabled)
			}
			if consumed[sku.SkuID] > sku.Enabled {
				t.Errorf("%s: %s has %d assigned of %d", c.Name, sku.SkuPartNumber, consumed[sku.SkuID], sku.Enabled)
			}
			if consumed[sku.SkuID] < sku.Enabled {
				overProvisioned++
			}
			if len(sku.SubscriptionIDs) != 1 {
				t.Fatalf("%s: %s has subscriptions %v, want one", c.Name, sku.SkuPartNumber, sku.SubscriptionIDs)
			}
			sub, ok := subs[sku.SubscriptionIDs[0]]
			if !ok || sub.SkuID != sku.SkuID || sub.TotalLicenses != sku.Enabled || !guidRE.MatchString(sub.CommerceSubscriptionID) {
				t.Errorf("%s: %s's subscription %+v does not match it", c.Name, sku.SkuPartNumber, sub)
			}
		}
		for id := range consumed {
			if subscriptionOf(c, id) == "" {
				t.Errorf("%s: a user holds %s, which the tenant has no SKU for", c.Name, id)
			}
		}
	}
	if disabledLicensed == 0 {
		t.Error("no disabled account holds a licence")
	}
	if overProvisioned == 0 {
		t.Error("no SKU has unused seats")
	}
	if trials == 0 {
		t.Error("no subscription is a trial")
	}
}

func subscriptionOf(c msfake.Customer, skuID string) string {
	for _, s := range c.Skus {
		if s.SkuID == skuID && len(s.SubscriptionIDs) > 0 {
			return s.SubscriptionIDs[0]
		}
	}
	return ""
}

func TestGenerateNamesAndIDs(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 5, 40, 1000} {
		w := Generate(GenerateOptions{Seed: int64(n), Customers: n, Now: fixedNow})
		if len(w.Customers) != n {
			t.Fatalf("asked %d customers, got %d", n, len(w.Customers))
		}
		names, domains, ids := map[string]bool{}, map[string]bool{}, map[string]bool{w.Partner.TenantID: true}
		check := func(what, s string) {
			if strings.Contains(strings.ToLower(s), "token") {
				t.Errorf("%s %q contains \"token\"", what, s)
			}
		}
		check("partner name", w.Partner.Name)
		check("partner domain", w.Partner.Domain)
		for _, u := range w.Partner.Users {
			check("partner UPN", u.UPN)
		}
		maxUsers, users := 0, 0
		for _, c := range w.Customers {
			users += len(c.Users)
			check("tenant id", c.TenantID)
			check("name", c.Name)
			check("domain", c.Domain)
			if names[c.Name] || domains[c.Domain] || ids[c.TenantID] {
				t.Errorf("%d customers: %q / %s / %s is not unique", n, c.Name, c.Domain, c.TenantID)
			}
			names[c.Name], domains[c.Domain], ids[c.TenantID] = true, true, true
			if !guidRE.MatchString(c.TenantID) {
				t.Errorf("tenant id %q is not a v4 GUID", c.TenantID)
			}
			if !regexp.MustCompile(`^[a-z0-9]+\.onmicrosoft\.com$`).MatchString(c.Domain) {
				t.Errorf("domain %q is not an initial onmicrosoft domain", c.Domain)
			}
			upns := map[string]bool{}
			for _, u := range c.Users {
				check("UPN", u.UPN)
				if upns[u.UPN] {
					t.Errorf("%s: UPN %s twice", c.Name, u.UPN)
				}
				upns[u.UPN] = true
			}
			maxUsers = max(maxUsers, len(c.Users))
		}
		if n > largeWorld && maxUsers > largeMaxUsers+1 { // and a shared mailbox
			t.Errorf("%d customers: a tenant has %d users, want at most %d in a large world", n, maxUsers, largeMaxUsers+1)
		}
		// Issue 16's scale: 25 users a tenant on average.
		if avg := float64(users) / float64(n); n > largeWorld && (avg < 23 || avg > 27) {
			t.Errorf("%d customers: %.1f users a tenant on average, want about 25", n, avg)
		}
	}
}

func BenchmarkGenerate1000(b *testing.B) {
	for b.Loop() {
		Generate(GenerateOptions{Seed: 1, Customers: 1000, Now: fixedNow})
	}
}
