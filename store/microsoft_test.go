package store

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// cet is a non-UTC zone for inputs: what comes back must be UTC.
var cet = time.FixedZone("CET", 3600)

const (
	skuBusinessPremium = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	skuExchangeP1      = "4b9405b0-7788-4568-add1-99614e613b69"
)

// sampleSnapshot is a licence read of one tenant with the given number of
// users, times in CET.
func sampleSnapshot(tenantID string, users int) connectors.LicenceSnapshot {
	snap := connectors.LicenceSnapshot{
		TenantID: tenantID,
		TakenAt:  time.Date(2025, 4, 2, 9, 0, 0, 123456789, cet),
		Skus: []connectors.SubscribedSku{
			{SkuID: skuBusinessPremium, SkuPartNumber: "SPB", CapabilityStatus: "Enabled", ConsumedUnits: users, PrepaidUnits: connectors.PrepaidUnits{Enabled: users + 2}, SubscriptionIDs: []string{"sub-1"}},
			{SkuID: skuExchangeP1, SkuPartNumber: "EXCHANGESTANDARD", CapabilityStatus: "Enabled", ConsumedUnits: 1, PrepaidUnits: connectors.PrepaidUnits{Enabled: 1, Warning: 1}},
		},
		Subscriptions: []connectors.DirectorySubscription{
			{ID: "sub-1", SkuID: skuBusinessPremium, SkuPartNumber: "SPB", Status: "Enabled", TotalLicenses: users + 2, CreatedAt: time.Date(2024, 1, 15, 8, 0, 0, 0, cet), NextLifecycleAt: time.Date(2026, 1, 15, 8, 0, 0, 0, cet)},
		},
	}
	for i := range users {
		snap.Users = append(snap.Users, connectors.User{
			ID:                fmt.Sprintf("%s-user-%03d", tenantID, i),
			DisplayName:       fmt.Sprintf("User %d", i),
			UserPrincipalName: fmt.Sprintf("user%d@%s.example", i, tenantID),
			AccountEnabled:    i%7 != 0,
			Licenses:          []connectors.AssignedLicense{{SkuID: skuBusinessPremium}},
		})
	}
	return snap
}

// inUTC is what a snapshot should look like after a round trip: tenant id
// keyed, every time in UTC.
func inUTC(snap connectors.LicenceSnapshot) connectors.LicenceSnapshot {
	return normaliseSnapshot(snap)
}

func TestAccountRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, ok, err := s.Account(); err != nil || ok {
		t.Fatalf("Account() before sign-in: ok=%v err=%v, want none", ok, err)
	}
	in := connectors.Account{Username: "alex@msp.example", Name: "Alex", HomeAccountID: "oid.tid", PartnerTenantID: "  8F1A-PARTNER "}
	if err := s.SaveAccount(in); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Account()
	want := in
	want.PartnerTenantID = "8f1a-partner"
	if err != nil || !ok || got != want {
		t.Errorf("Account() = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	for range 2 { // clearing twice is fine
		if err := s.ClearAccount(); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := s.Account(); err != nil || ok {
		t.Errorf("Account() after ClearAccount: ok=%v err=%v, want none", ok, err)
	}
}

func TestReplaceCustomersKeepsConsentOfVanishedCustomers(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	contoso := connectors.Customer{TenantID: "AAAA-CONTOSO", Name: "Contoso", PrimaryDomain: "contoso.example", Relationship: "reseller"}
	fabrikam := connectors.Customer{TenantID: "bbbb-fabrikam", Name: "fabrikam", PrimaryDomain: "fabrikam.example"}
	adatum := connectors.Customer{TenantID: "cccc-adatum", Name: "Adatum", PrimaryDomain: "adatum.example"}
	active := connectors.GDAPSummary{Status: connectors.GDAPActive, EndsAt: time.Date(2026, 6, 1, 0, 0, 0, 0, cet), Roles: []string{connectors.RoleGlobalReader}, RolesAssigned: true}
	first := time.Date(2025, 5, 1, 12, 0, 0, 0, cet)

	if err := s.ReplaceCustomers(
		[]connectors.Customer{contoso, fabrikam, adatum},
		map[string]connectors.GDAPSummary{"aaaa-contoso": active, "CCCC-ADATUM": {Status: connectors.GDAPPending}, "dddd-not-a-customer": active},
		first,
	); err != nil {
		t.Fatal(err)
	}
	ready := connectors.ConsentRecord{TenantID: "cccc-adatum", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: first, VerifiedAt: first}
	if err := s.SaveConsent(ready); err != nil {
		t.Fatal(err)
	}
	if at, err := s.CustomersRefreshedAt(); err != nil || !at.Equal(first) || at.Location() != time.UTC {
		t.Errorf("CustomersRefreshedAt() = %v, %v; want %v in UTC", at, err, first)
	}

	activeUTC := active
	activeUTC.EndsAt = active.EndsAt.UTC()
	readyUTC := ready
	readyUTC.UpdatedAt, readyUTC.VerifiedAt = first.UTC(), first.UTC()
	keyed := func(c connectors.Customer, id string) connectors.Customer { c.TenantID = id; return c }
	none := func(id string) connectors.ConsentRecord {
		return connectors.ConsentRecord{TenantID: id, State: connectors.ConsentNone}
	}
	want := []connectors.CustomerStatus{ // by name without case
		{Customer: adatum, GDAP: connectors.GDAPSummary{Status: connectors.GDAPPending}, Consent: readyUTC},
		{Customer: keyed(contoso, "aaaa-contoso"), GDAP: activeUTC, Consent: none("aaaa-contoso")},
		{Customer: fabrikam, GDAP: connectors.GDAPSummary{Status: connectors.GDAPNone}, Consent: none("bbbb-fabrikam")},
	}
	assertStatuses(t, s, want)

	// Adatum leaves; Contoso's GDAP is gone from the new read.
	second := first.Add(time.Hour)
	if err := s.ReplaceCustomers([]connectors.Customer{contoso, fabrikam}, nil, second); err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, s, []connectors.CustomerStatus{
		{Customer: keyed(contoso, "aaaa-contoso"), GDAP: connectors.GDAPSummary{Status: connectors.GDAPNone}, Consent: none("aaaa-contoso")},
		{Customer: fabrikam, GDAP: connectors.GDAPSummary{Status: connectors.GDAPNone}, Consent: none("bbbb-fabrikam")},
	})
	if got, ok, err := s.Consent("CCCC-ADATUM"); err != nil || !ok || !reflect.DeepEqual(got, readyUTC) {
		t.Errorf("Consent of the vanished customer = %+v, %v, %v; want it kept: %+v", got, ok, err, readyUTC)
	}

	// Adatum returns and finds its consent again.
	if err := s.ReplaceCustomers([]connectors.Customer{adatum}, map[string]connectors.GDAPSummary{adatum.TenantID: active}, second.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, s, []connectors.CustomerStatus{{Customer: adatum, GDAP: activeUTC, Consent: readyUTC}})
}

func assertStatuses(t *testing.T, s *Store, want []connectors.CustomerStatus) {
	t.Helper()
	got, err := s.CustomerStatuses()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CustomerStatuses():\n got %+v\nwant %+v", got, want)
	}
	// One customer read alone says the same as the whole list.
	for _, w := range want {
		one, ok, err := s.CustomerStatus(strings.ToUpper(w.TenantID))
		if err != nil || !ok || !reflect.DeepEqual(one, w) {
			t.Errorf("CustomerStatus(%s) = %+v, %v, %v; want %+v", w.TenantID, one, ok, err, w)
		}
	}
	if _, ok, err := s.CustomerStatus("ffff-not-a-customer"); ok || err != nil {
		t.Errorf("CustomerStatus of a stranger: ok=%v err=%v", ok, err)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	contoso := connectors.Customer{TenantID: "aaaa", Name: "Contoso"}
	if err := s.ReplaceCustomers([]connectors.Customer{contoso}, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSnapshot(sampleSnapshot("aaaa", 1)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"customer without tenant id", func() error {
			return s.ReplaceCustomers([]connectors.Customer{{Name: "Fabrikam"}, {TenantID: "bbbb", Name: "Adatum"}}, nil, time.Now())
		}},
		{"snapshot without tenant id", func() error {
			return s.SaveSnapshots([]connectors.LicenceSnapshot{sampleSnapshot("bbbb", 1), {TenantID: "  "}})
		}},
		{"consent without tenant id", func() error { return s.SaveConsent(connectors.ConsentRecord{State: connectors.ConsentReady}) }},
		{"stale without tenant id", func() error { return s.MarkStale("", "failed", time.Now()) }},
		{"unknown sync kind", func() error { _, err := s.AddSyncRun(SyncRun{Kind: "fax"}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil {
				t.Fatal("no error")
			}
		})
	}
	statuses, err := s.CustomerStatuses()
	if err != nil || len(statuses) != 1 || statuses[0].TenantID != "aaaa" {
		t.Errorf("customers = %+v, %v; want Contoso alone", statuses, err)
	}
	snaps, err := s.Snapshots()
	if err != nil || len(snaps) != 1 || snaps[0].TenantID != "aaaa" {
		t.Errorf("snapshots = %d, %v; want the one of aaaa", len(snaps), err)
	}
	if _, _, err := s.LastSyncRun("fax"); err == nil {
		t.Error("LastSyncRun of an unknown kind: no error")
	}
	if _, _, err := s.Consent(""); !errors.Is(err, errNoTenant) {
		t.Errorf("Consent(\"\") = %v, want errNoTenant", err)
	}
}

func TestConsentRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	at := time.Date(2025, 2, 3, 4, 5, 6, 7, cet)
	tests := []struct {
		name string
		in   connectors.ConsentRecord
		want connectors.ConsentRecord
	}{
		{
			"ready by partner",
			connectors.ConsentRecord{TenantID: "AAAA", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: at, VerifiedAt: at},
			connectors.ConsentRecord{TenantID: "aaaa", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: at.UTC(), VerifiedAt: at.UTC()},
		},
		{
			"failed, never verified",
			connectors.ConsentRecord{TenantID: "bbbb", State: connectors.ConsentFailed, Reason: "AADSTS65001: consent missing", UpdatedAt: at},
			connectors.ConsentRecord{TenantID: "bbbb", State: connectors.ConsentFailed, Reason: "AADSTS65001: consent missing", UpdatedAt: at.UTC()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok, err := s.Consent(tt.in.TenantID); err != nil || ok {
				t.Fatalf("Consent() before saving: ok=%v err=%v", ok, err)
			}
			if err := s.SaveConsent(tt.in); err != nil {
				t.Fatal(err)
			}
			got, ok, err := s.Consent(tt.in.TenantID)
			if err != nil || !ok || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Consent() = %+v, %v, %v; want %+v", got, ok, err, tt.want)
			}
			if got.UpdatedAt.Location() != time.UTC || got.VerifiedAt.Location() != time.UTC {
				t.Errorf("times not in UTC: %v, %v", got.UpdatedAt.Location(), got.VerifiedAt.Location())
			}
		})
	}
}

func TestSnapshotsRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, ok, err := s.Snapshot("aaaa"); err != nil || ok {
		t.Fatalf("Snapshot() before any: ok=%v err=%v", ok, err)
	}
	one := sampleSnapshot("AAAA", 3)
	if err := s.SaveSnapshot(one); err != nil {
		t.Fatal(err)
	}
	if loc := one.Subscriptions[0].CreatedAt.Location(); loc != cet {
		t.Errorf("SaveSnapshot changed the caller's subscriptions (location %v)", loc)
	}
	got, ok, err := s.Snapshot("aaaa")
	if err != nil || !ok || !reflect.DeepEqual(got, inUTC(one)) {
		t.Fatalf("Snapshot() = %+v, %v, %v; want %+v", got, ok, err, inUTC(one))
	}
	for _, tm := range []time.Time{got.TakenAt, got.Subscriptions[0].CreatedAt, got.Subscriptions[0].NextLifecycleAt} {
		if tm.Location() != time.UTC {
			t.Errorf("time %v not in UTC", tm)
		}
	}

	// Many in one write, replacing aaaa.
	many := []connectors.LicenceSnapshot{sampleSnapshot("cccc", 2), sampleSnapshot("aaaa", 5), sampleSnapshot("bbbb", 0)}
	if err := s.SaveSnapshots(many); err != nil {
		t.Fatal(err)
	}
	all, err := s.Snapshots()
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.LicenceSnapshot{inUTC(many[1]), inUTC(many[2]), inUTC(many[0])}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("Snapshots() = %d snapshots %+v, want %+v", len(all), all, want)
	}
	if err := s.SaveSnapshots(nil); err != nil {
		t.Errorf("SaveSnapshots(nil) = %v", err)
	}
}

func TestMarkStale(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	good := sampleSnapshot("aaaa", 2)
	if err := s.SaveSnapshot(good); err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2025, 6, 1, 2, 0, 0, 0, cet)
	t2 := t1.Add(24 * time.Hour)
	staleGood := func(reason string) connectors.LicenceSnapshot {
		snap := inUTC(good)
		snap.Stale, snap.StaleReason, snap.StaleSince = true, reason, t1.UTC()
		return snap
	}
	// The steps build on each other, in order.
	steps := []struct {
		name   string
		tenant string
		reason string
		at     time.Time
		want   connectors.LicenceSnapshot
	}{
		{"keeps the previous data", "AAAA", "consent lost", t1, staleGood("consent lost")},
		{"stale since the first failure", "aaaa", "throttled", t2, staleGood("throttled")},
		{"no data yet", "bbbb", "forbidden", t2, connectors.LicenceSnapshot{TenantID: "bbbb", Stale: true, StaleReason: "forbidden", StaleSince: t2.UTC()}},
	}
	for _, st := range steps {
		if err := s.MarkStale(st.tenant, st.reason, st.at); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, ok, err := s.Snapshot(st.tenant)
		if err != nil || !ok || !reflect.DeepEqual(got, st.want) {
			t.Errorf("%s: Snapshot() = %+v, %v, %v; want %+v", st.name, got, ok, err, st.want)
		}
		if got.StaleSince.Location() != time.UTC {
			t.Errorf("%s: StaleSince in %v", st.name, got.StaleSince.Location())
		}
	}
	// A good read clears the mark.
	if err := s.SaveSnapshot(good); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.Snapshot("aaaa"); err != nil || got.Stale || got.StaleReason != "" || !got.StaleSince.IsZero() {
		t.Errorf("after a good read: %+v, %v; want not stale", got, err)
	}
}

func TestSyncRuns(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, ok, err := s.LastSyncRun(SyncMicrosoft); err != nil || ok {
		t.Fatalf("LastSyncRun() before any: ok=%v err=%v", ok, err)
	}
	start := time.Date(2025, 7, 1, 3, 0, 0, 0, cet)
	runs := []SyncRun{
		{Kind: SyncMicrosoft, StartedAt: start, FinishedAt: start.Add(time.Minute), Tenants: 10},
		{ID: 99, Kind: SyncMicrosoft, StartedAt: start.Add(time.Hour), FinishedAt: start.Add(61 * time.Minute), Tenants: 10, Failed: 2, Error: "2 tenants failed"},
		{Kind: SyncMicrosoft, StartedAt: start.Add(2 * time.Hour), Tenants: 11, Error: "interrupted"},
	}
	for i, r := range runs {
		id, err := s.AddSyncRun(r)
		if err != nil {
			t.Fatal(err)
		}
		if id != uint64(i+1) {
			t.Errorf("run %d got id %d, want %d", i, id, i+1)
		}
		got, ok, err := s.LastSyncRun(SyncMicrosoft)
		want := r
		want.ID, want.StartedAt, want.FinishedAt = id, r.StartedAt.UTC(), r.FinishedAt.UTC()
		if err != nil || !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("LastSyncRun() = %+v, %v, %v; want %+v", got, ok, err, want)
		}
		if got.StartedAt.Location() != time.UTC {
			t.Errorf("StartedAt in %v", got.StartedAt.Location())
		}
	}
}

// BenchmarkSaveSnapshots stores a sync of 1,000 tenants of 20 users each in
// one write.
func BenchmarkSaveSnapshots(b *testing.B) {
	s := openTestStore(b)
	snaps := make([]connectors.LicenceSnapshot, 1000)
	for i := range snaps {
		snaps[i] = sampleSnapshot(fmt.Sprintf("tenant-%04d", i), 20)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.SaveSnapshots(snaps); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSaveConsentsAndMarkStaleManyWriteOnce(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, cet)
	recs := []connectors.ConsentRecord{
		{TenantID: "AAA", State: connectors.ConsentReady, UpdatedAt: at},
		{TenantID: "bbb", State: connectors.ConsentFailed, Reason: "refused", UpdatedAt: at, LinkSentAt: at},
	}
	if err := s.SaveConsents(recs); err != nil {
		t.Fatal(err)
	}
	for _, want := range recs {
		got, ok, err := s.Consent(want.TenantID)
		if err != nil || !ok || got.State != want.State || got.Reason != want.Reason || got.TenantID != strings.ToLower(want.TenantID) || got.UpdatedAt.Location() != time.UTC {
			t.Fatalf("consent %s: %+v ok=%v err=%v", want.TenantID, got, ok, err)
		}
	}
	if err := s.SaveConsents([]connectors.ConsentRecord{{TenantID: "ccc"}, {TenantID: ""}}); err == nil {
		t.Fatal("a record without a tenant id was accepted")
	}
	if _, ok, _ := s.Consent("ccc"); ok {
		t.Fatal("a rejected batch wrote part of itself")
	}
	if err := s.SaveSnapshots([]connectors.LicenceSnapshot{sampleSnapshot("aaa", 2)}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkStaleMany(map[string]string{"AAA": "Graph answered 503", "ddd": "no access"}, at); err != nil {
		t.Fatal(err)
	}
	snap, ok, _ := s.Snapshot("aaa")
	if !ok || !snap.Stale || snap.StaleReason != "Graph answered 503" || len(snap.Users) != 2 {
		t.Fatalf("stale snapshot: ok=%v %+v", ok, snap)
	}
	if snap, ok, _ := s.Snapshot("ddd"); !ok || !snap.Stale {
		t.Fatalf("a tenant without a snapshot gets an empty stale one: ok=%v %+v", ok, snap)
	}
}

// TestVerifyingLeftByAGoneProcessReadsInterrupted: a consent killed
// mid-way left Verifying; read back, it says it was interrupted, while one
// of a running process stays Verifying.
func TestVerifyingLeftByAGoneProcessReadsInterrupted(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	now := time.Now()
	if err := s.ReplaceCustomers([]connectors.Customer{{TenantID: "gone", Name: "Gone"}, {TenantID: "alive", Name: "Alive"}, {TenantID: "old", Name: "Old"}}, nil, now); err != nil {
		t.Fatal(err)
	}
	gonePID := 1 << 22 // beyond any pid a test machine hands out
	recs := []connectors.ConsentRecord{
		{TenantID: "gone", State: connectors.ConsentVerifying, PID: gonePID, UpdatedAt: now},
		{TenantID: "alive", State: connectors.ConsentVerifying, PID: os.Getpid(), UpdatedAt: now},
		{TenantID: "old", State: connectors.ConsentVerifying, UpdatedAt: now.Add(-time.Hour)},
	}
	if err := s.SaveConsents(recs); err != nil {
		t.Fatal(err)
	}
	statuses, err := s.CustomerStatuses()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range statuses {
		interrupted := st.Consent.State == connectors.ConsentFailed && strings.Contains(st.Consent.Reason, "interrupted")
		if want := st.TenantID != "alive"; interrupted != want {
			t.Errorf("%s: %+v, want interrupted=%v", st.Name, st.Consent, want)
		}
	}
	if one, _, _ := s.CustomerStatus("gone"); one.Consent.State != connectors.ConsentFailed {
		t.Errorf("one customer's status: %+v", one.Consent)
	}
}

// SnapshotsWithoutUsers reads every tenant's snapshot but its users, the
// rest exactly as Snapshots does.
func TestSnapshotsWithoutUsers(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if err := s.SaveSnapshots([]connectors.LicenceSnapshot{sampleSnapshot("bbbb", 3), sampleSnapshot("aaaa", 5)}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Snapshots()
	if err != nil {
		t.Fatal(err)
	}
	light, err := s.SnapshotsWithoutUsers()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || len(light) != 2 || len(all[0].Users) == 0 {
		t.Fatalf("read %d and %d snapshots, the first with %d users", len(all), len(light), len(all[0].Users))
	}
	for i := range all {
		want := all[i]
		want.Users = nil
		if !reflect.DeepEqual(light[i], want) {
			t.Errorf("snapshot %d without users:\n got %+v\nwant %+v", i, light[i], want)
		}
	}
}

// TestCustomerStatusesInNameOrder: by name without case, then by name
// (capitals first), then by tenant id, whatever order they were stored in.
func TestCustomerStatusesInNameOrder(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	in := []connectors.Customer{
		{TenantID: "5", Name: "beta"}, {TenantID: "4", Name: "alpha"}, {TenantID: "3", Name: "Alpha"},
		{TenantID: "2", Name: "alpha"}, {TenantID: "1", Name: "Gamma"},
	}
	if err := s.ReplaceCustomers(in, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := s.CustomerStatuses()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range got {
		order = append(order, c.Name+"/"+c.TenantID)
	}
	if want := "Alpha/3 alpha/2 alpha/4 beta/5 Gamma/1"; strings.Join(order, " ") != want {
		t.Errorf("order = %s, want %s", strings.Join(order, " "), want)
	}
}
