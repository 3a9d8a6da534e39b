package reconcile

import (
	"reflect"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

func TestCompareInventories(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	customers := []connectors.CustomerStatus{
		{Customer: connectors.Customer{TenantID: "T1", Name: "Contoso"}},
		{Customer: connectors.Customer{TenantID: "t2", Name: "Fabrikam"}},
	}
	lic := []connectors.LicenceSnapshot{{TenantID: "t1", Skus: []connectors.SubscribedSku{{SkuID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"}}}}
	psa := &connectors.PSASnapshot{Catalog: []connectors.CatalogItem{{ID: "i1", Description: "M365 BP (Monthly)"}}}
	prev := TakeInventory(t0, customers, lic, psa)

	if got := CompareInventories(Inventory{}, prev); !got.Empty() {
		t.Errorf("a first run reports changes: %+v", got)
	}

	customers = append(customers, connectors.CustomerStatus{Customer: connectors.Customer{TenantID: "t3", Name: "Alpine Ski House"}})
	customers[1].Consent.State = connectors.ConsentLost
	lic = append(lic, connectors.LicenceSnapshot{TenantID: "t3", Skus: []connectors.SubscribedSku{{SkuID: "4b9405b0-7788-4568-add1-99614e613b69"}}})
	psa.Catalog = append(psa.Catalog, connectors.CatalogItem{ID: "i2", Description: "Exchange Online (Plan 1)"})
	now := TakeInventory(t0.AddDate(0, 1, 0), customers, lic, psa)

	got := CompareInventories(prev, now)
	want := ChangesSince{Since: t0, NewCustomers: []string{"Alpine Ski House"}, NewSkus: []string{"Exchange Online (Plan 1)"},
		NewPSAItems: []string{"Exchange Online (Plan 1)"}, NowLost: []string{"Fabrikam"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CompareInventories =\n%+v\nwant\n%+v", got, want)
	}

	// A run before anything was read: the first SKUs and items are not news.
	empty := TakeInventory(t0, customers[:1], nil, nil)
	got = CompareInventories(empty, now)
	if len(got.NewSkus) != 0 || len(got.NewPSAItems) != 0 || len(got.NewCustomers) != 2 {
		t.Errorf("after an empty run: %+v", got)
	}
}
