package csvfile

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

func sampleInput() fakekit.DistributorInput {
	start := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	return fakekit.DistributorInput{Accounts: []fakekit.DistributorAccount{
		{Key: "acct-contoso", Name: "Contoso, Ltd", TenantID: tenantA1, Domain: "contoso.com", Active: true,
			Subscriptions: []fakekit.DistributorSubscription{
				{Key: "sub-1", ProductName: "Microsoft 365 Business Premium", Vendor: "Microsoft", SkuID: skuSPB, SkuPartNumber: "SPB",
					CommerceSubscriptionID: "a7c1e2d4-3b5f-4c6a-8d9e-0f1a2b3c4d5e", Quantity: 25, Term: connectors.TermAnnual,
					BillingFrequency: connectors.BillMonthly, Status: connectors.StatusActive, UnitCost: usd(1980), UnitPrice: usd(2200),
					StartDate: start, CommitmentEnd: start.AddDate(1, 0, -1)},
				{Key: "sub-2", ProductName: "Acronis \"Cyber\" Protect", Vendor: "Acronis", Quantity: 25, Term: connectors.TermMonthly,
					BillingFrequency: connectors.BillMonthly, Status: connectors.StatusActive, UnitCost: usd(210)},
			}},
		{Key: "acct-northwind", Name: "Northwind", Active: false,
			Subscriptions: []fakekit.DistributorSubscription{
				{Key: "sub-3", ProductName: "Exchange Online (Plan 1)", Vendor: "Microsoft", SkuPartNumber: "EXCHANGESTANDARD",
					Quantity: 4, Term: connectors.TermMonthly, BillingFrequency: connectors.BillUnknown, Status: connectors.StatusCancelled,
					UnitCost: eur(360), UnitPrice: eur(400), StartDate: start, EndDate: start.AddDate(0, 3, 0)},
			}},
		{Key: "acct-empty", Name: "No Subscriptions", Active: true},
	}}
}

// TestGenerateReadsBack: the generated file parses cleanly into what the
// input says, is written as Excel writes, and is the same every time.
func TestGenerateReadsBack(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	data := Generate(in)
	if !bytes.Equal(data, Generate(sampleInput())) {
		t.Error("Generate is not deterministic")
	}
	if !bytes.HasPrefix(data, utf8BOM) || !bytes.Contains(data, []byte("\r\n")) {
		t.Error("Generate does not write a BOM and CRLF")
	}
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	wantAccounts := []connectors.DistributorAccount{
		{ID: "acct-contoso", Name: "Contoso, Ltd", TenantID: tenantA1, TenantIDSource: tenantIDSource, Domain: "contoso.com", Active: true},
		{ID: "acct-northwind", Name: "Northwind", Active: false},
	}
	if !reflect.DeepEqual(f.Accounts, wantAccounts) {
		t.Errorf("accounts\n got %+v\nwant %+v", f.Accounts, wantAccounts)
	}
	if len(f.Subscriptions) != 3 {
		t.Fatalf("%d subscriptions, want 3", len(f.Subscriptions))
	}
	i := 0
	for _, a := range in.Accounts {
		for _, w := range a.Subscriptions {
			g := f.Subscriptions[i]
			i++
			if g.ID != w.Key || g.AccountID != a.Key || g.Product.Name != w.ProductName || g.Product.Vendor != w.Vendor ||
				g.Quantity != w.Quantity || g.Term != w.Term || g.BillingFrequency != w.BillingFrequency || g.Status != w.Status ||
				g.UnitCost != w.UnitCost || g.UnitPrice != w.UnitPrice || g.SkuID != w.SkuID ||
				g.MicrosoftSubscriptionID != w.CommerceSubscriptionID || g.Microsoft != (w.Vendor == "Microsoft") ||
				!g.StartDate.Equal(w.StartDate) || !g.CommitmentEnd.Equal(w.CommitmentEnd) || !g.EndDate.Equal(w.EndDate) ||
				len(g.Warnings) > 0 {
				t.Errorf("%s read back as %+v", w.Key, g)
			}
		}
	}
	if f.Subscriptions[2].Product.VendorSKU != "EXCHANGESTANDARD" {
		t.Errorf("a part number without SKU id was not written: %+v", f.Subscriptions[2].Product)
	}
}
