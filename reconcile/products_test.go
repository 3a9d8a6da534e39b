package reconcile

import (
	"fmt"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

const (
	skuSPB       = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" // SPB, Microsoft 365 Business Premium
	skuE3        = "6fd2c87f-b296-42f0-b197-1e91e994b900" // ENTERPRISEPACK, Office 365 E3
	skuExchange1 = "4b9405b0-7788-4568-add1-99614e613b69" // EXCHANGESTANDARD, Exchange Online (Plan 1)
	skuBasic     = "3b555118-da6a-4418-894f-7df1e2096870" // O365_BUSINESS_ESSENTIALS, Microsoft 365 Business Basic
	skuBasicOld  = "dab7782a-93b1-4074-8bb1-0e61318bea0b" // SMB_BUSINESS_ESSENTIALS, the same name
	skuFlowFree  = "f30db892-07e9-47e9-837c-80727f46fd3d" // FLOW_FREE
)

func TestProductKeyStripsTerms(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Microsoft 365 Business Premium", "365 business premium"},
		{"Microsoft 365 Business Premium (Annual)", "365 business premium"},
		{"Microsoft 365 Business Premium (NCE) - Monthly", "365 business premium"},
		{"Microsoft 365 Business Premium - 1 Year", "365 business premium"},
		{"Microsoft 365 Business Premium 1 Year Commitment, Monthly Billing", "365 business premium"},
		{"Microsoft 365 Business Premium NCE P1Y", "365 business premium"},
		{"Exchange Online (Plan 1)", "exchange online plan 1"},
		{"Exchange Online (Plan 1) - 3 Years", "exchange online plan 1"},
		{"Microsoft 365 Business Premium (no Teams)", "365 business premium no teams"},
		{"Office 365 E3 Annual Commitment", "office 365 e3"},
	}
	for _, tt := range tests {
		if got := productKey(tt.in).Key; got != tt.want {
			t.Errorf("productKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameTerm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want connectors.Term
	}{
		{"M365 Business Premium (Monthly)", connectors.TermMonthly},
		{"M365 Business Premium - Annual", connectors.TermAnnual},
		{"M365 BP 1 Year Commitment, Monthly Billing", connectors.TermAnnual},
		{"M365 BP 3-Year", connectors.TermTriennial},
		{"M365 BP P1M", connectors.TermMonthly},
		{"Exchange Online (Plan 1)", ""},
		{"M365 Business Premium", ""},
	}
	for _, tt := range tests {
		if got := nameTerm(tt.in); got != tt.want {
			t.Errorf("nameTerm(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTieSkus(t *testing.T) {
	t.Parallel()
	sub := func(pid, name, vendorSKU, skuID, msSub string) connectors.DistributorSubscription {
		return connectors.DistributorSubscription{ID: "s-" + pid, AccountID: "a1", Microsoft: true, SkuID: skuID, MicrosoftSubscriptionID: msSub,
			Product: connectors.DistributorProduct{ID: pid, Name: name, VendorSKU: vendorSKU, Vendor: "Microsoft"}}
	}
	lic := []connectors.LicenceSnapshot{{TenantID: tenantContoso,
		Skus:          []connectors.SubscribedSku{{SkuID: skuBasic, SkuPartNumber: "O365_BUSINESS_ESSENTIALS"}},
		Subscriptions: []connectors.DirectorySubscription{{CommerceSubscriptionID: commerceSubA, SkuID: skuExchange1, SkuPartNumber: "EXCHANGESTANDARD"}}}}
	tests := []struct {
		name string
		sub  connectors.DistributorSubscription
		prev []SkuTie
		want string // skuId state evidence reason
	}{
		{"sku id given", sub("p1", "Whatever", "", "CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46", ""), nil,
			skuSPB + " auto sku_id the distributor gives SKU id cbdc…"},
		{"vendor sku is a part number", sub("p2", "Whatever", "SPB", "", ""), nil,
			skuSPB + " auto part_number vendor SKU SPB = part number"},
		{"vendor sku is a sku id", sub("p3", "Whatever", skuE3, "", ""), nil,
			skuE3 + " auto sku_id vendor SKU 6fd2… is a SKU id"},
		{"through the tenant subscription", sub("p4", "Whatever", "CFQ7TTC0LH16:0001", "", commerceSubA), nil,
			skuExchange1 + " auto subscription_id tenant subscription 7c1e… is this SKU"},
		{"by name, term stripped", sub("p5", "Microsoft 365 Business Premium (NCE) - Annual", "", "", ""), nil,
			skuSPB + ` auto product_name name = catalogue's "Microsoft 365 Business Premium"`},
		{"shared name, resolved by the tenants", sub("p6", "Microsoft 365 Business Basic (Monthly)", "", "", ""), nil,
			skuBasic + ` auto product_name name = catalogue's "Microsoft 365 Business Basic" (O365_BUSINESS_ESSENTIALS, the one the tenants have)`},
		{"unknown", sub("p7", "Contoso Backup Deluxe", "", "", ""), nil,
			" unmapped  no SKU id and no catalogue name fits; tie it by hand"},
		{"hand tie kept over evidence", sub("p8", "Microsoft 365 Business Premium", "", "", ""),
			[]SkuTie{HandTie("p8", "old name", skuE3)}, skuE3 + " confirmed hand tied by hand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := TieSkus(SkuTieInput{Subscriptions: []connectors.DistributorSubscription{tt.sub}, Licences: lic, Previous: tt.prev})
			if len(got) != 1 {
				t.Fatalf("got %d ties: %+v", len(got), got)
			}
			g := got[0]
			if s := fmt.Sprintf("%s %s %s %s", g.SkuID, g.State, g.Evidence, g.Reason); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestTieSkusKeepsAndSkips(t *testing.T) {
	t.Parallel()
	subs := []connectors.DistributorSubscription{
		{Product: connectors.DistributorProduct{ID: "acr", Name: "Acronis Backup"}, Microsoft: false},
		{Product: connectors.DistributorProduct{ID: "bp", Name: "Microsoft 365 Business Premium"}, Microsoft: true},
	}
	prev := []SkuTie{{ProductID: "gone", ProductName: "Old product", SkuID: skuE3, State: StateAuto}}
	got := TieSkus(SkuTieInput{Subscriptions: subs, Previous: prev})
	if len(got) != 2 || got[0].ProductID != "bp" || got[1].ProductID != "gone" || !got[1].Missing {
		t.Errorf("ties = %+v; want the Microsoft product tied and the old tie kept, missing; no Acronis", got)
	}
	// Without a tenant to tell them apart, a shared name stays unknown.
	got = TieSkus(SkuTieInput{Subscriptions: []connectors.DistributorSubscription{
		{Product: connectors.DistributorProduct{ID: "bb", Name: "Microsoft 365 Business Basic"}, Microsoft: true}}})
	if got[0].Tied() || got[0].Reason != "the name fits 2 SKUs; tie it by hand" {
		t.Errorf("shared name: %+v", got[0])
	}
}

func TestMatchProducts(t *testing.T) {
	t.Parallel()
	item := func(id, desc, vendor string) connectors.CatalogItem {
		return connectors.CatalogItem{ID: id, Description: desc, VendorSKU: vendor, Active: true, Recurring: true}
	}
	tests := []struct {
		name    string
		seen    ProductSeen
		catalog []connectors.CatalogItem
		prev    []ProductMatch
		want    string // item state evidence
	}{
		{"part number, one item serves every term",
			ProductSeen{ProductKey: ProductKey{skuSPB, connectors.TermAnnual}},
			[]connectors.CatalogItem{item("i1", "M365 BP", "spb")}, nil, "i1 auto part_number"},
		{"part number, the item of the term",
			ProductSeen{ProductKey: ProductKey{skuSPB, connectors.TermAnnual}},
			[]connectors.CatalogItem{item("m", "M365 Business Premium (Monthly)", "SPB"), item("a", "M365 Business Premium (Annual)", "SPB")},
			nil, "a auto part_number"},
		{"part number, two items of the term",
			ProductSeen{ProductKey: ProductKey{skuSPB, connectors.TermMonthly}},
			[]connectors.CatalogItem{item("x", "BP monthly", "SPB"), item("y", "BP month to month", "SPB")},
			nil, "x suggested part_number"},
		{"part number on an inactive item",
			ProductSeen{ProductKey: ProductKey{skuSPB, connectors.TermMonthly}},
			[]connectors.CatalogItem{{ID: "z", Description: "BP", VendorSKU: "SPB"}}, nil, "z suggested part_number"},
		{"name only suggests, and prefers the term",
			ProductSeen{ProductKey: ProductKey{skuSPB, connectors.TermMonthly}},
			[]connectors.CatalogItem{item("a", "Microsoft 365 Business Premium (Annual)", ""), item("m", "Microsoft 365 Business Premium (Monthly)", ""),
				item("e3", "Office 365 E3", "")},
			nil, "m suggested similar_name"},
		{"nothing alike",
			ProductSeen{ProductKey: ProductKey{skuE3, connectors.TermMonthly}},
			[]connectors.CatalogItem{item("h", "Hourly support", "")}, nil, " unmapped "},
		{"hand match kept",
			ProductSeen{ProductKey: ProductKey{skuSPB, connectors.TermAnnual}},
			[]connectors.CatalogItem{item("i1", "M365 BP", "SPB")},
			[]ProductMatch{HandProductMatch(ProductKey{skuSPB, connectors.TermAnnual}, "mine", "Mine")}, "mine confirmed hand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MatchProducts(ProductMatchInput{Seen: []ProductSeen{tt.seen}, Catalog: tt.catalog, Previous: tt.prev})
			if len(got) != 1 {
				t.Fatalf("got %d: %+v", len(got), got)
			}
			if s := fmt.Sprintf("%s %s %s", got[0].ItemID, got[0].State, got[0].Evidence); s != tt.want {
				t.Errorf("got %q (%s), want %q", s, got[0].Reason, tt.want)
			}
			if got[0].Product == "" {
				t.Error("no product name")
			}
		})
	}
}

func TestProductsSeenAndFreeFlag(t *testing.T) {
	t.Parallel()
	subs := []connectors.DistributorSubscription{
		{Product: connectors.DistributorProduct{ID: "bp-m"}, Term: connectors.TermMonthly, Microsoft: true},
		{Product: connectors.DistributorProduct{ID: "bp-a"}, Term: connectors.TermAnnual, Microsoft: true},
		{Product: connectors.DistributorProduct{ID: "untied"}, Term: connectors.TermAnnual, Microsoft: true},
	}
	ties := []SkuTie{HandTie("bp-m", "", skuSPB), HandTie("bp-a", "", skuSPB)}
	lic := []connectors.LicenceSnapshot{{Skus: []connectors.SubscribedSku{
		{SkuID: skuSPB, SkuPartNumber: "SPB"}, {SkuID: skuFlowFree, SkuPartNumber: "FLOW_FREE"}}}}
	seen := ProductsSeen(ties, subs, lic)
	got := fmt.Sprint(seen)
	want := fmt.Sprint([]ProductSeen{
		{ProductKey: ProductKey{skuSPB, connectors.TermMonthly}, SkuPartNumber: "SPB"},
		{ProductKey: ProductKey{skuSPB, connectors.TermAnnual}, SkuPartNumber: "SPB"},
		{ProductKey: ProductKey{skuFlowFree, connectors.TermMonthly}, SkuPartNumber: "FLOW_FREE", TermAssumed: true},
	})
	if got != want {
		t.Errorf("seen:\n got %s\nwant %s", got, want)
	}
	ms := MatchProducts(ProductMatchInput{Seen: seen})
	if len(ms) != 3 || ms[0].FreeOrTrial || !ms[2].FreeOrTrial || ms[2].State != StateUnmapped {
		t.Errorf("matches: %+v", ms)
	}
}
