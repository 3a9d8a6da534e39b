package workflow_test

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store"
)

// readCountingKeeper counts the reconcile's reads of the store (one
// CustomerStatuses per Input) and can write to it in the middle of one, as
// another seats would.
type readCountingKeeper struct {
	*store.Store
	reads  atomic.Int32
	during func()
}

func (k *readCountingKeeper) CustomerStatuses() ([]connectors.CustomerStatus, error) {
	k.reads.Add(1)
	if k.during != nil {
		k.during()
		k.during = nil
	}
	return k.Store.CustomerStatuses()
}

// TestTablesKeptUntilSomethingTheyComeFromChanges: the second screen gets
// the tables kept by the first without reading the store's data again; a
// write, other settings, another build or a PSA line starting computes
// them afresh, and tables computed while another seats wrote are not kept.
func TestTablesKeptUntilSomethingTheyComeFromChanges(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	start := now.Add(50 * time.Hour)
	active := map[string]connectors.GDAPSummary{"t1": {Status: connectors.GDAPActive, EndsAt: now.AddDate(1, 0, 0),
		Roles: []string{connectors.RoleGlobalReader}, RolesAssigned: true}}
	if err := st.ReplaceCustomers([]connectors.Customer{{TenantID: "t1", Name: "Contoso"}}, active, now); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveConsent(connectors.ConsentRecord{TenantID: "t1", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: now, VerifiedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSnapshot(connectors.LicenceSnapshot{TenantID: "t1", TakenAt: now,
		Skus: []connectors.SubscribedSku{{SkuID: "sku-1", SkuPartNumber: "SPB", ConsumedUnits: 3, PrepaidUnits: connectors.PrepaidUnits{Enabled: 5}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SavePSASnapshot(connectors.PSASnapshot{Kind: "connectwise", TakenAt: now,
		Lines: []connectors.BillingLine{{LineRef: connectors.LineRef{CompanyID: "c1", AgreementID: "a1", LineID: "l1"}, ItemID: "i1",
			Quantity: 5, Billed: true, AgreementState: connectors.AgreementActive, EffectiveFrom: start}}}); err != nil {
		t.Fatal(err)
	}
	k := &readCountingKeeper{Store: st}
	clock := now
	r := &workflow.Reporting{Keep: k, Kept: st, Build: "b1", Now: func() time.Time { return clock }}
	tables := func(wantReads int32, why string) reconcile.Tables {
		t.Helper()
		before := k.reads.Load()
		tb, err := r.Tables()
		if err != nil {
			t.Fatal(err)
		}
		if got := k.reads.Load() - before; got != wantReads {
			t.Errorf("%s: the store's data was read %d times, want %d", why, got, wantReads)
		}
		return tb
	}
	first := tables(1, "the first screen")
	if len(first.Report.Customers) != 1 || !first.HavePSA || first.HaveDistributor || !first.ValidUntil.Equal(start) {
		t.Fatalf("tables = %+v", first)
	}
	kept := tables(0, "the next screen")
	if got, want := jsonOf(t, kept), jsonOf(t, first); got != want {
		t.Errorf("kept tables = %s, want the first ones %s", got, want)
	}
	if err := st.SaveInventory(reconcile.Inventory{TakenAt: now}); err != nil {
		t.Fatal(err)
	}
	tables(0, "after the summary kept its inventory")

	if err := st.SaveConsent(connectors.ConsentRecord{TenantID: "t1", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: now, VerifiedAt: now}); err != nil {
		t.Fatal(err)
	}
	tables(1, "after a consent was saved")
	tables(0, "then again")

	r.Settings.Tolerance = 2
	tables(1, "with another tolerance")
	r.Build = "b2"
	tables(1, "by another build")

	clock = start
	tables(1, "once the PSA line starts")

	// Another seats writes while the tables are computed: shown, not kept.
	clock = start.Add(time.Hour)
	if err := st.SaveConsent(connectors.ConsentRecord{TenantID: "t1", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: clock, VerifiedAt: clock}); err != nil {
		t.Fatal(err)
	}
	k.during = func() {
		if err := st.SaveConsent(connectors.ConsentRecord{TenantID: "t1", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: clock, VerifiedAt: clock}); err != nil {
			t.Error(err)
		}
	}
	tables(1, "while another seats writes")
	tables(1, "after tables computed during a write")
	tables(0, "then again")
}
