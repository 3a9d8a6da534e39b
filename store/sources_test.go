package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

func sampleDistributorSnapshot(qty int, at time.Time) connectors.DistributorSnapshot {
	return connectors.DistributorSnapshot{
		Kind:     "pax8",
		TakenAt:  at,
		Accounts: []connectors.DistributorAccount{{ID: "c1", Name: "Contoso", TenantID: "t1", Active: true}},
		Subscriptions: []connectors.DistributorSubscription{{
			ID: "s1", AccountID: "c1", Quantity: qty, Term: connectors.TermAnnual, Status: connectors.StatusActive,
			UnitCost: connectors.Money{Minor: 2200, Currency: "USD"}, Microsoft: true,
			CommitmentEnd: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		}},
	}
}

func TestDistributorSnapshotRoundTripAndUnchanged(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, ok, err := s.DistributorSnapshot(); err != nil || ok {
		t.Fatalf("before any sync: ok=%v err=%v", ok, err)
	}
	t1 := time.Date(2026, 3, 1, 10, 0, 0, 0, cet)
	in := sampleDistributorSnapshot(10, t1)
	unchanged, err := s.SaveDistributorSnapshot(in)
	if err != nil || unchanged {
		t.Fatalf("first save: unchanged=%v err=%v", unchanged, err)
	}
	got, ok, err := s.DistributorSnapshot()
	want := in
	want.TakenAt = t1.UTC()
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("DistributorSnapshot() = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	// The same data read again an hour later: not rewritten, time moves.
	t2 := t1.Add(time.Hour)
	if unchanged, err := s.SaveDistributorSnapshot(sampleDistributorSnapshot(10, t2)); err != nil || !unchanged {
		t.Errorf("same content: unchanged=%v err=%v, want true", unchanged, err)
	}
	if got, _, _ := s.DistributorSnapshot(); !got.TakenAt.Equal(t2) {
		t.Errorf("TakenAt = %v, want %v", got.TakenAt, t2)
	}
	if unchanged, err := s.SaveDistributorSnapshot(sampleDistributorSnapshot(11, t2)); err != nil || unchanged {
		t.Errorf("new quantity: unchanged=%v err=%v, want false", unchanged, err)
	}
}

func TestSourceStaleKeepsDataAndFirstFailure(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	t1 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	// No snapshot yet: nothing to mark, and no error.
	if err := s.MarkSourceStale(connectors.KindPSA, "refused", t1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.PSASnapshot(); ok {
		t.Fatal("marking created a snapshot")
	}
	snap := connectors.PSASnapshot{Kind: "connectwise", TakenAt: t1, Companies: []connectors.PSACompany{{ID: "1", Name: "Contoso", Active: true, Type: connectors.CompanyClient}}}
	if _, err := s.SavePSASnapshot(snap); err != nil {
		t.Fatal(err)
	}
	for i, reason := range []string{"ConnectWise answered 503", "the private key was refused"} {
		if err := s.MarkSourceStale(connectors.KindPSA, reason, t1.Add(time.Duration(i+1)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.PSASnapshot()
	if err != nil || !ok {
		t.Fatalf("PSASnapshot: %v %v", ok, err)
	}
	if !got.Stale || got.StaleReason != "the private key was refused" || !got.StaleSince.Equal(t1.Add(time.Hour)) {
		t.Errorf("stale mark = %v %q %v; want the latest reason since the first failure", got.Stale, got.StaleReason, got.StaleSince)
	}
	if len(got.Companies) != 1 || got.Companies[0].Name != "Contoso" {
		t.Errorf("the data changed: %+v", got.Companies)
	}
	// A good read clears the mark.
	if _, err := s.SavePSASnapshot(snap); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.PSASnapshot(); got.Stale || got.StaleReason != "" {
		t.Errorf("after a good read: stale=%v %q", got.Stale, got.StaleReason)
	}
}

func TestConnections(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	c := SourceConnection{Kind: "pax8", CheckedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, cet), Summary: "Pax8: 3 companies, 9 subscriptions"}
	if err := s.SaveConnection(connectors.KindDistributor, c); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Connection(connectors.KindPSA); ok {
		t.Error("the PSA shows the distributor's connection")
	}
	got, ok, err := s.Connection(connectors.KindDistributor)
	c.CheckedAt = c.CheckedAt.UTC()
	if err != nil || !ok || got != c {
		t.Errorf("Connection = %+v %v %v; want %+v", got, ok, err, c)
	}
	if err := s.ClearConnection(connectors.KindDistributor); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Connection(connectors.KindDistributor); ok {
		t.Error("still connected after ClearConnection")
	}
	if err := s.SaveConnection("crm", c); err == nil {
		t.Error("an unknown side was accepted")
	}
}

func TestPSAWriteIntentsAndAudit(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, cet)
	w := connectors.PSAWrite{PlanID: "p1", PSA: "connectwise", OSUser: "alex", Customer: "Contoso",
		Line: connectors.LineRef{CompanyID: "1", AgreementID: "2", LineID: "3"}, Before: 10, After: 8,
		Outcome: connectors.WriteApplied, StartedAt: at}
	id1, err := s.RecordWriteIntent(w) // the Outcome given is ignored: an intent is pending
	if err != nil {
		t.Fatal(err)
	}
	pending, err := s.PSAWrites(true)
	if err != nil || len(pending) != 1 || pending[0].Outcome != connectors.WritePending || pending[0].ID != id1 {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	if err := s.RecordWriteOutcome(id1, connectors.WriteApplied, "", at.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	w.Line.LineID = "4"
	w.Outcome, w.Reason = connectors.WriteSkipped, "the line holds 9 now, not 10"
	id2, err := s.RecordFinishedWrite(w)
	if err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PSAWrites(true); len(pending) != 0 {
		t.Errorf("pending after outcomes: %+v", pending)
	}
	all, err := s.PSAWrites(false)
	if err != nil || len(all) != 2 {
		t.Fatalf("audit = %+v, %v", all, err)
	}
	if all[0].ID != id2 || all[1].ID != id1 {
		t.Errorf("audit order = %d, %d; want newest first (%d, %d)", all[0].ID, all[1].ID, id2, id1)
	}
	if all[1].Outcome != connectors.WriteApplied || !all[1].FinishedAt.Equal(at.Add(time.Second)) || all[1].FinishedAt.Location() != time.UTC {
		t.Errorf("completed intent = %+v", all[1])
	}
	if err := s.RecordWriteOutcome(999, connectors.WriteApplied, "", at); err == nil {
		t.Error("an outcome without its intent was recorded")
	}
	if err := s.RecordWriteOutcome(id1, connectors.WritePending, "", at); err == nil {
		t.Error("pending was accepted as an outcome")
	}
	if _, err := s.RecordFinishedWrite(connectors.PSAWrite{Outcome: connectors.WritePending}); err == nil {
		t.Error("a pending write was recorded as finished")
	}
}

func TestSourceSnapshotState(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, ok, err := s.SourceSnapshotState(connectors.KindDistributor); ok || err != nil {
		t.Fatalf("before any sync: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := s.SaveDistributorSnapshot(sampleDistributorSnapshot(3, at)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSourceStale(connectors.KindDistributor, "Pax8 answered 503", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, ok, err := s.SourceSnapshotState(connectors.KindDistributor)
	if err != nil || !ok || !st.TakenAt.Equal(at) || !st.Stale || st.StaleReason != "Pax8 answered 503" || st.Kind != "pax8" {
		t.Errorf("state = %+v %v %v", st, ok, err)
	}
}

// TestPSACatalogAlone: the catalogue of the saved PSA snapshot, as
// PSASnapshot reads it, and nothing before any sync.
func TestPSACatalogAlone(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if _, ok, err := s.PSACatalog(); err != nil || ok {
		t.Fatalf("before any sync: ok=%v err=%v", ok, err)
	}
	snap := connectors.PSASnapshot{Kind: "connectwise", TakenAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		Catalog: []connectors.CatalogItem{{ID: "7", Description: "Microsoft 365 Business Premium"}, {ID: "9", Description: "Exchange Online (Plan 1)"}}}
	if _, err := s.SavePSASnapshot(snap); err != nil {
		t.Fatal(err)
	}
	full, _, err := s.PSASnapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.PSACatalog()
	if err != nil || !ok || !reflect.DeepEqual(got, full.Catalog) || len(got) != 2 {
		t.Errorf("PSACatalog() = %+v, %v, %v; want %+v", got, ok, err, full.Catalog)
	}
}
