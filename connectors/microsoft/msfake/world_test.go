package msfake

import (
	"reflect"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

func TestSmallWorldCoversEveryGDAPState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 15, 13, 30, 0, 0, time.UTC)
	w := SmallWorldAt(now)
	want := map[string]connectors.GDAPStatus{
		SmallFabrikam:  connectors.GDAPActive,
		SmallAdatum:    connectors.GDAPActive,
		SmallTailspin:  connectors.GDAPExpiring,
		SmallWoodgrove: connectors.GDAPPending,
		SmallLitware:   connectors.GDAPExpired,
		SmallProseware: connectors.GDAPNone,
	}
	realSkus := map[string]bool{SkuBusinessPremium: true, SkuBusinessStandard: true, SkuExchangePlan1: true}
	consented := 0
	for _, c := range w.Customers {
		var rels []connectors.GDAPRelationship
		for _, r := range c.GDAP {
			rels = append(rels, connectors.GDAPRelationship{
				ID: r.ID, CustomerTenantID: c.TenantID, Status: r.Status, Roles: r.Roles,
				ActivatedAt: r.ActivatedAt, EndsAt: r.EndAt,
				AssignedRoles: r.AssignedRoles, AssignmentsRead: r.AssignedRoles != nil,
			})
		}
		sum := connectors.SummarizeGDAP(rels, now)
		if sum.Status != want[c.Name] {
			t.Errorf("%s: GDAP %s, want %s", c.Name, sum.Status, want[c.Name])
		}
		if c.Consent != nil {
			consented++
		}
		if n := len(c.Skus); n < 2 || n > 3 || len(c.Subscriptions) != n || len(c.Users) != 5 {
			t.Errorf("%s: %d SKUs, %d subscriptions, %d users", c.Name, n, len(c.Subscriptions), len(c.Users))
		}
		for _, s := range c.Skus {
			if !realSkus[s.SkuID] || s.SkuPartNumber == "" {
				t.Errorf("%s: SKU %s %q is not one of the real ones", c.Name, s.SkuID, s.SkuPartNumber)
			}
		}
	}
	if consented != 1 {
		t.Errorf("%d customers consented, want exactly 1", consented)
	}
	adatum := connectors.SummarizeGDAP([]connectors.GDAPRelationship{{
		Status: w.Customers[1].GDAP[0].Status, Roles: w.Customers[1].GDAP[0].Roles, EndsAt: w.Customers[1].GDAP[0].EndAt,
	}}, now)
	if adatum.HasRole(connectors.RolePrivilegedRoleAdministrator) || !adatum.HasReadRole() {
		t.Errorf("Adatum should read but lack Privileged Role Administrator: %v", adatum.Roles)
	}
	if len(w.Partner.Users) != 1 || w.ClientID != SmallWorldClientID || len(w.SigningKey) < 32 {
		t.Errorf("partner users %d, client %s, key length %d", len(w.Partner.Users), w.ClientID, len(w.SigningKey))
	}
	if !reflect.DeepEqual(SmallWorldAt(now), SmallWorldAt(now.Add(time.Hour))) {
		t.Error("SmallWorldAt is not deterministic within a day")
	}
}

func TestWorldIsADeepCopy(t *testing.T) {
	t.Parallel()
	s := New(SmallWorld(), Options{})
	a := s.World()
	a.Customers[0].Users[0].Licenses[0] = "changed"
	a.Customers[0].GDAP[0].Roles[0] = "changed"
	a.Customers[0].Consent.Scopes[0] = "changed"
	a.Customers[0].Skus[0].SubscriptionIDs[0] = "changed"
	a.Partner.Users[0].UPN = "changed"
	a.SigningKey[0] = 'X'
	b := s.World()
	if reflect.DeepEqual(a, b) {
		t.Fatal("changing a copy changed the server's world")
	}
	if b.Customers[2].GDAP[0].AssignedRoles != nil {
		t.Error("a nil AssignedRoles (no access assignment) became non-nil in the copy")
	}
}

func TestEndpointsFor(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://127.0.0.1:4321", "https://127.0.0.1:4321/"} {
		got := EndpointsFor(base)
		want := Endpoints{
			AuthorityHost:    "https://127.0.0.1:4321",
			GraphURL:         "https://127.0.0.1:4321/graph",
			PartnerCenterURL: "https://127.0.0.1:4321/partnercenter",
		}
		if got != want {
			t.Errorf("EndpointsFor(%q) = %+v, want %+v", base, got, want)
		}
	}
}

func TestNewRejectsNilWorld(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("New(nil) did not panic")
		}
	}()
	New(nil, Options{})
}

func TestMutateChangesWhatIsServedAndNotifies(t *testing.T) {
	t.Parallel()
	changes := 0
	s := New(SmallWorld(), Options{OnChange: func(*World) { changes++ }})
	s.Mutate(func(w *World) { w.Customers[0].Name = "Renamed Ltd" })
	if got := s.World().Customers[0].Name; got != "Renamed Ltd" || changes != 1 {
		t.Fatalf("after Mutate: name %q, OnChange calls %d", got, changes)
	}
}
