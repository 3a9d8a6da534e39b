package workflow_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store"
)

// TestReadOverview: the summary's data from a store holding customers, a
// licence snapshot, a PSA catalogue and the last run's inventory: who is
// Ready, and what is new since that run.
func TestReadOverview(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	then := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	now := then.AddDate(0, 1, 0)
	contoso := connectors.Customer{TenantID: "t-contoso", Name: "Contoso"}
	fabrikam := connectors.Customer{TenantID: "t-fabrikam", Name: "Fabrikam"}
	active := map[string]connectors.GDAPSummary{"t-contoso": {Status: connectors.GDAPActive, EndsAt: now.AddDate(1, 0, 0),
		Roles: []string{connectors.RoleGlobalReader}, RolesAssigned: true}}
	if err := st.ReplaceCustomers([]connectors.Customer{contoso, fabrikam}, active, then); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveConsent(connectors.ConsentRecord{TenantID: "t-contoso", State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: then, VerifiedAt: then}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSnapshot(connectors.LicenceSnapshot{TenantID: "t-contoso", TakenAt: then,
		Skus: []connectors.SubscribedSku{{SkuID: "sku-1", SkuPartNumber: "O365_BUSINESS_PREMIUM"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SavePSASnapshot(connectors.PSASnapshot{Kind: "connectwise", TakenAt: then,
		Catalog: []connectors.CatalogItem{{ID: "7", Description: "Microsoft 365 Business Premium"}}}); err != nil {
		t.Fatal(err)
	}
	// The last run saw Contoso alone, its SKU and another PSA item.
	prev := reconcile.Inventory{TakenAt: then, Customers: map[string]string{"t-contoso": "Contoso"}, Skus: []string{"sku-1"}, PSAItems: map[string]string{"5": "Exchange Online (Plan 1)"}}
	if err := st.SaveInventory(prev); err != nil {
		t.Fatal(err)
	}

	o, err := workflow.ReadOverview(st, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Statuses) != 2 || o.Ready() != 1 {
		t.Errorf("statuses %d, Ready %d; want 2 and 1", len(o.Statuses), o.Ready())
	}
	if !o.Now.TakenAt.Equal(now) || o.Now.PSAItems["7"] != "Microsoft 365 Business Premium" || !slices.Equal(o.Now.Skus, []string{"sku-1"}) {
		t.Errorf("inventory now = %+v", o.Now)
	}
	ch := o.Changes()
	if !ch.Since.Equal(then) || !slices.Equal(ch.NewCustomers, []string{"Fabrikam"}) || !slices.Equal(ch.NewPSAItems, []string{"Microsoft 365 Business Premium"}) || len(ch.NewSkus) != 0 {
		t.Errorf("changes = %+v; want Fabrikam and the PSA item new since %s", ch, then)
	}
}

// TestReadOverviewWithoutAReadablePSA: a PSA snapshot that cannot be read
// leaves its items out, as with no PSA; any other read's failure is the
// overview's.
func TestReadOverviewWithoutAReadablePSA(t *testing.T) {
	t.Parallel()
	k := &overviewKeeper{catalogErr: errors.New("psa/snapshot does not decode")}
	o, err := workflow.ReadOverview(k, time.Now())
	if err != nil || len(o.Now.PSAItems) != 0 || len(o.Statuses) != 1 {
		t.Errorf("overview = %+v, %v; want one customer and no PSA item", o, err)
	}
	k.statusErr = errors.New("microsoft/customers/t1 does not decode")
	if _, err := workflow.ReadOverview(k, time.Now()); !errors.Is(err, k.statusErr) {
		t.Errorf("err = %v, want the statuses' error", err)
	}
}

type overviewKeeper struct{ catalogErr, statusErr error }

func (k *overviewKeeper) CustomerStatuses() ([]connectors.CustomerStatus, error) {
	return []connectors.CustomerStatus{{Customer: connectors.Customer{TenantID: "t1", Name: "Contoso"}}}, k.statusErr
}
func (k *overviewKeeper) Mappings() (reconcile.Mappings, error) { return reconcile.Mappings{}, nil }
func (k *overviewKeeper) SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error) {
	return nil, nil
}
func (k *overviewKeeper) PSACatalog() ([]connectors.CatalogItem, bool, error) {
	return nil, false, k.catalogErr
}
func (k *overviewKeeper) Inventory() (reconcile.Inventory, error) { return reconcile.Inventory{}, nil }
