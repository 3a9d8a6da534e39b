package workflow

import (
	"errors"
	"slices"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// memMatch is an in-memory MatchKeeper.
type memMatch struct {
	customers []connectors.CustomerStatus
	licences  []connectors.LicenceSnapshot
	dist      *connectors.DistributorSnapshot
	psa       *connectors.PSASnapshot
	mappings  reconcile.Mappings
	saves     int
	snapReads int
}

func (m *memMatch) CustomerStatuses() ([]connectors.CustomerStatus, error) { return m.customers, nil }
func (m *memMatch) SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error) {
	m.snapReads++
	return m.licences, nil
}
func (m *memMatch) DistributorSnapshot() (connectors.DistributorSnapshot, bool, error) {
	if m.dist == nil {
		return connectors.DistributorSnapshot{}, false, nil
	}
	return *m.dist, true, nil
}
func (m *memMatch) PSASnapshot() (connectors.PSASnapshot, bool, error) {
	if m.psa == nil {
		return connectors.PSASnapshot{}, false, nil
	}
	return *m.psa, true, nil
}
func (m *memMatch) Mappings() (reconcile.Mappings, error) { return m.mappings, nil }
func (m *memMatch) UpdateMappings(change func(*reconcile.Mappings) error) error {
	next := reconcile.Mappings{
		Accounts: slices.Clone(m.mappings.Accounts),
		Products: slices.Clone(m.mappings.Products),
		Skus:     slices.Clone(m.mappings.Skus),
	}
	if err := change(&next); err != nil {
		return err
	}
	m.saves++
	m.mappings = next
	return nil
}

const (
	tContoso  = "11111111-1111-1111-1111-111111111111"
	tFabrikam = "22222222-2222-2222-2222-222222222222"
	skuBP     = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
)

func matchWorld() *memMatch {
	return &memMatch{
		customers: []connectors.CustomerStatus{
			{Customer: connectors.Customer{TenantID: tContoso, Name: "Contoso", PrimaryDomain: "contoso.com"}},
			{Customer: connectors.Customer{TenantID: tFabrikam, Name: "Fabrikam, Inc.", PrimaryDomain: "fabrikam.com"}},
		},
		licences: []connectors.LicenceSnapshot{{TenantID: tContoso, Skus: []connectors.SubscribedSku{{SkuID: skuBP, SkuPartNumber: "SPB", PrepaidUnits: connectors.PrepaidUnits{Enabled: 10}, ConsumedUnits: 8}}}},
		dist: &connectors.DistributorSnapshot{Kind: "pax8",
			Accounts: []connectors.DistributorAccount{
				{ID: "c1", Name: "Contoso Ltd", TenantID: tContoso, TenantIDSource: "pax8 externalId", Active: true},
				{ID: "c2", Name: "Fabrikam Inc", Active: true},
			},
			Subscriptions: []connectors.DistributorSubscription{{ID: "s1", AccountID: "c1", SkuID: skuBP, Quantity: 10, Term: connectors.TermAnnual,
				Status: connectors.StatusActive, Microsoft: true, Product: connectors.DistributorProduct{ID: "p1", Name: "Microsoft 365 Business Premium"}}},
		},
		psa: &connectors.PSASnapshot{Kind: "connectwise",
			Companies: []connectors.PSACompany{{ID: "19", Name: "Contoso", Active: true, Type: connectors.CompanyClient}},
			Catalog:   []connectors.CatalogItem{{ID: "i1", Description: "Microsoft 365 Business Premium (Annual)", VendorSKU: "SPB", Active: true, Recurring: true}},
		},
	}
}

func TestMatchingRefreshMatchesWithEvidenceAndSaves(t *testing.T) {
	t.Parallel()
	keep := matchWorld()
	m := &Matching{Keep: keep}
	v, err := m.Refresh()
	if err != nil {
		t.Fatal(err)
	}
	if keep.saves != 1 {
		t.Errorf("saved %d times, want once", keep.saves)
	}
	byTenant := map[string]reconcile.AccountMapping{}
	for _, a := range v.Accounts {
		byTenant[a.TenantID] = a
	}
	contoso := byTenant[tContoso]
	if contoso.Distributor.AccountID != "c1" || contoso.Distributor.State != reconcile.StateAuto || contoso.Distributor.Reason == "" {
		t.Errorf("Contoso's distributor side = %+v; want auto c1 with a reason", contoso.Distributor)
	}
	if contoso.PSA.AccountID != "19" || !contoso.PSA.Matched() {
		t.Errorf("Contoso's PSA side = %+v", contoso.PSA)
	}
	if f := byTenant[tFabrikam].Distributor; f.AccountID != "c2" || !f.Matched() {
		t.Errorf("Fabrikam (normalised name) = %+v", f)
	}
	if len(v.Skus) != 1 || v.Skus[0].SkuID != skuBP || !v.Skus[0].Tied() {
		t.Errorf("SKU ties = %+v", v.Skus)
	}
	if len(v.Products) == 0 || v.Products[0].ItemID != "i1" {
		t.Errorf("products = %+v", v.Products)
	}
}

func TestMatchingHandMatchesSurviveAndNeverShareAnAccount(t *testing.T) {
	t.Parallel()
	keep := matchWorld()
	m := &Matching{Keep: keep}
	if _, err := m.Refresh(); err != nil {
		t.Fatal(err)
	}
	// c1 belongs to Contoso: Fabrikam cannot take it.
	_, err := m.SetAccount(tFabrikam, connectors.KindDistributor, "c1")
	if !errors.Is(err, ErrAccountTaken) || err.Error() != "account already matched to another customer: Contoso holds Contoso Ltd; unmatch it there first" {
		t.Fatalf("taking Contoso's account: %v", err)
	}
	// A confirmed "no account" for Fabrikam's distributor side...
	got, err := m.SetAccount(tFabrikam, connectors.KindDistributor, "")
	if err != nil || got.Distributor.State != reconcile.StateConfirmed || got.Distributor.AccountID != "" {
		t.Fatalf("no account: %+v, %v", got, err)
	}
	// ...is kept by the next automatic pass.
	v, err := m.Refresh()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range v.Accounts {
		if a.TenantID == tFabrikam && a.Distributor.AccountID != "" {
			t.Errorf("an automatic pass undid a hand decision: %+v", a.Distributor)
		}
	}
	if _, err := m.SetAccount(tContoso, connectors.KindPSA, "nope"); err == nil || err.Error() != "the PSA has no account nope in its last snapshot: run a sync, then pick again" {
		t.Errorf("an account the PSA does not have: err = %v", err)
	}
	ex, err := m.Exclude(tFabrikam, true)
	if err != nil || ex.State() != reconcile.StateExcluded {
		t.Errorf("exclude: %+v %v", ex, err)
	}
}

func TestMatchingSingleChangesDoNotReadLicences(t *testing.T) {
	t.Parallel()
	keep := matchWorld()
	m := &Matching{Keep: keep}
	if _, err := m.Refresh(); err != nil {
		t.Fatal(err)
	}
	reads := keep.snapReads
	if _, err := m.ConfirmAccount(tContoso, connectors.KindDistributor); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SetProduct(reconcile.ProductKey{SkuID: skuBP, Term: connectors.TermAnnual}, ""); err != nil {
		t.Fatal(err)
	}
	if keep.snapReads != reads {
		t.Errorf("a single change read every licence snapshot (%d reads)", keep.snapReads-reads)
	}
	p := keep.mappings.Products[0]
	if p.ItemID != "" || p.State != reconcile.StateConfirmed {
		t.Errorf("product set to none by hand = %+v", p)
	}
	if _, err := m.TieSku("p1", "not-a-sku"); err == nil {
		t.Error("an unknown SKU id was tied")
	}
}

// TestMatchingUsesEveryVerifiedDomain: a company whose website is one of
// the tenant's verified domains (not its primary one) is matched by domain.
func TestMatchingUsesEveryVerifiedDomain(t *testing.T) {
	t.Parallel()
	keep := matchWorld()
	keep.licences[0].Domains = []string{"contoso.onmicrosoft.com", "contoso-shop.com"}
	keep.psa.Companies = []connectors.PSACompany{{ID: "77", Name: "Shop Holdings", Domain: "contoso-shop.com", Active: true, Type: connectors.CompanyClient}}
	v, err := (&Matching{Keep: keep}).Refresh()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range v.Accounts {
		if a.TenantID == tContoso {
			if a.PSA.AccountID != "77" || a.PSA.Evidence != reconcile.EvidenceDomain {
				t.Errorf("Contoso's PSA side = %+v; want 77 by domain", a.PSA)
			}
			return
		}
	}
	t.Fatal("no mapping for Contoso")
}
