package tdsynnexfake_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

func input() fakekit.DistributorInput {
	start := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	usd := func(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "USD"} }
	return fakekit.DistributorInput{Accounts: []fakekit.DistributorAccount{
		{Key: "a", Name: "Contoso Ltd", TenantID: "2f6e4c1a-9b3d-4e5f-8a7b-6c5d4e3f2a1b", Domain: "contoso.com", Active: true,
			Subscriptions: []fakekit.DistributorSubscription{
				{Key: "a1", ProductName: "Microsoft 365 Business Premium", Vendor: "Microsoft", SkuPartNumber: "SPB", CommerceSubscriptionID: "11111111-2222-4333-8444-555555555555",
					Quantity: 10, Term: connectors.TermAnnual, BillingFrequency: connectors.BillMonthly, Status: connectors.StatusActive,
					UnitCost: usd(2200), UnitPrice: usd(2640), StartDate: start, CommitmentEnd: start.AddDate(1, 0, 0)},
				{Key: "a2", ProductName: "Acronis Cyber Protect Cloud", Vendor: "Acronis", Quantity: 3, Term: connectors.TermMonthly,
					BillingFrequency: connectors.BillMonthly, Status: connectors.StatusPendingCancel, StartDate: start, EndDate: start.AddDate(0, 2, 0)},
			}},
		{Key: "b", Name: "Fourth Coffee", Active: false, Subscriptions: []fakekit.DistributorSubscription{
			{Key: "b1", ProductName: "Exchange Online (Plan 1)", Vendor: "Microsoft", Quantity: 2, Term: connectors.TermMonthly,
				BillingFrequency: connectors.BillMonthly, Status: connectors.StatusTrial, StartDate: start},
		}},
	}}
}

// TestGenerateDeterministic: the same input, seed and time give the same
// world, and a world survives a JSON round trip (the sandbox keeps it in a file).
func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	a, b := tdsynnexfake.Generate(input(), 7, now), tdsynnexfake.Generate(input(), 7, now)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two worlds from one seed differ")
	}
	if c := tdsynnexfake.Generate(input(), 8, now); c.RefreshToken == a.RefreshToken || c.AccountID == a.AccountID && c.Customers[0].ID == a.Customers[0].ID {
		t.Error("another seed gives the same credentials and ids")
	}
	raw, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back tdsynnexfake.World
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(back, a) {
		t.Fatalf("the world does not survive JSON: %v", err)
	}
}

// TestGenerateWritesIonWays: the neutral input comes out in Ion's shapes.
func TestGenerateWritesIonWays(t *testing.T) {
	t.Parallel()
	w := tdsynnexfake.Generate(input(), 7, time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC))
	if len(w.Customers) != 2 || len(w.Subscriptions) != 3 || w.RefreshToken == "" || w.AccountID == "" || len(w.SigningKey) != 32 {
		t.Fatalf("world %+v", w)
	}
	contoso, fourth := w.Customers[0], w.Customers[1]
	if len(contoso.CloudProfiles) != 1 || !strings.EqualFold(contoso.CloudProfiles[0].TenantID, "2f6e4c1a-9b3d-4e5f-8a7b-6c5d4e3f2a1b") ||
		!strings.HasSuffix(contoso.Email, "@contoso.com") || contoso.Status != "ACTIVE" {
		t.Errorf("Contoso: %+v", contoso)
	}
	if len(fourth.CloudProfiles) != 0 || !strings.HasSuffix(fourth.Email, "@gmail.com") || fourth.Status != "INACTIVE" {
		t.Errorf("Fourth Coffee: %+v", fourth)
	}
	bp, acr, exo := w.Subscriptions[0], w.Subscriptions[1], w.Subscriptions[2]
	if !strings.HasPrefix(bp.ProductID, "CFQ7TTC0") || bp.ProviderSubscriptionID != "11111111-2222-4333-8444-555555555555" ||
		bp.BillingTerm != "P1Y" || bp.BillingCycle != "monthly" || bp.Price != "26.40" || bp.Cost != "22.00" || bp.Currency != "USD" ||
		!bp.AutoRenew || !bp.EndDate.Equal(bp.RenewalDate) {
		t.Errorf("Business Premium: %+v", bp)
	}
	if strings.HasPrefix(acr.ProductID, "CFQ7TTC0") || acr.AutoRenew || !strings.EqualFold(acr.Status, "active") || acr.Price != "" || acr.EndDate.IsZero() {
		t.Errorf("Acronis pending cancellation: %+v", acr)
	}
	if !exo.IsTrial || !strings.EqualFold(exo.Status, "active") || exo.Price != "" {
		t.Errorf("Exchange trial: %+v", exo)
	}
}
