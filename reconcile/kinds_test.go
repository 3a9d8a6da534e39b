package reconcile

import (
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// A match records the kind of system it was found in. When the engineer
// connects another distributor or PSA, matches naming the old system's
// accounts, items or products are set aside (even confirmed ones: they name
// records the new system does not have) and matching starts afresh; matches
// recorded before kinds were kept stand as they were.
func TestMatchesOfAnotherKindAreSetAside(t *testing.T) {
	t.Parallel()
	contoso := MatchCustomer{TenantID: tenantContoso, Name: "Contoso"}
	in := AccountMatchInput{
		Customers:           []MatchCustomer{contoso},
		DistributorKind:     "sherweb",
		DistributorAccounts: []connectors.DistributorAccount{{ID: "sw-1", Name: "Contoso", Active: true}},
		PSAKind:             "halopsa",
		PSACompanies:        []connectors.PSACompany{{ID: "h-1", Name: "Contoso", Active: true, Type: connectors.CompanyClient}},
		Previous: []AccountMapping{{TenantID: tenantContoso, Customer: "Contoso",
			Distributor: AccountMatch{AccountID: "p8-guid", State: StateConfirmed, Evidence: EvidenceHand, Kind: "pax8"},
			PSA:         AccountMatch{AccountID: "cw-19", State: StateConfirmed, Evidence: EvidenceHand, Kind: "connectwise"}}},
	}
	got := MatchAccounts(in)
	if d := got[0].Distributor; d.AccountID != "sw-1" || d.State != StateAuto || d.Kind != "sherweb" {
		t.Errorf("distributor after switching to Sherweb: %+v; want the Sherweb account, auto, kind sherweb", d)
	}
	if p := got[0].PSA; p.AccountID != "h-1" || p.State != StateAuto || p.Kind != "halopsa" {
		t.Errorf("PSA after switching to HaloPSA: %+v; want the Halo client, auto, kind halopsa", p)
	}

	// A match recorded before kinds were kept is kept, and takes the kind.
	in.Previous[0].Distributor = AccountMatch{AccountID: "sw-1", State: StateConfirmed, Evidence: EvidenceHand}
	got = MatchAccounts(in)
	if d := got[0].Distributor; d.State != StateConfirmed || d.Kind != "sherweb" {
		t.Errorf("a hand match without a kind: %+v; want kept, confirmed, stamped sherweb", d)
	}

	key := ProductKey{SkuID: skuSPB, Term: connectors.TermMonthly}
	old := HandProductMatch(key, "cw-item", "BP (ConnectWise)")
	old.Kind = "connectwise"
	products := MatchProducts(ProductMatchInput{Seen: []ProductSeen{{ProductKey: key}}, PSAKind: "halopsa",
		Catalog:  []connectors.CatalogItem{{ID: "h-item", Description: "M365 BP", VendorSKU: "SPB", Active: true, Recurring: true}},
		Previous: []ProductMatch{old}})
	if len(products) != 1 || products[0].ItemID != "h-item" || products[0].State != StateAuto || products[0].Kind != "halopsa" {
		t.Errorf("products after switching to HaloPSA: %+v; want the Halo item alone, auto, kind halopsa", products)
	}

	ties := TieSkus(SkuTieInput{DistributorKind: "sherweb",
		Subscriptions: []connectors.DistributorSubscription{{Product: connectors.DistributorProduct{ID: "sw-bp", Name: "Microsoft 365 Business Premium"}, Microsoft: true}},
		Previous:      []SkuTie{{ProductID: "p8-bp", ProductName: "M365 BP", SkuID: skuSPB, State: StateConfirmed, Kind: "pax8"}}})
	if len(ties) != 1 || ties[0].ProductID != "sw-bp" || ties[0].Kind != "sherweb" {
		t.Errorf("ties after switching to Sherweb: %+v; want only Sherweb's product, kind sherweb", ties)
	}
}
