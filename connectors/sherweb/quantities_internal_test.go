package sherweb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// TestBadQuantitiesFromTheAPI decodes a subscription as Sherweb would send
// it with a quantity that is negative, fractional or huge: the row is kept,
// flagged, and its quantity is never a number the API did not say (a huge
// one is 0, not a wrapped int).
func TestBadQuantitiesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		quantity string // as written in the JSON
		want     int
		warn     string
	}{
		{`-3`, -3, "negative"},
		{`2.5`, 2, "not a whole number"},
		{`1e30`, 0, "not a plausible seat count"},
		{`99999999999999999999`, 0, "not a plausible seat count"},
		{`-99999999999999999999`, 0, "not a plausible seat count"},
		{`null`, 0, "no quantity"},
	}
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			t.Parallel()
			s := decodeSubscription(t, fmt.Sprintf(`{"id":"s1","productName":"Microsoft 365 Business Standard","sku":"k","billingCycle":"Monthly","quantity":%s,"fees":{"recurringFee":26.40,"currency":"USD"}}`, tt.quantity))
			if s.ID != "s1" || s.Quantity != tt.want || !hasWarning(s.Warnings, tt.warn) {
				t.Errorf("quantity %s: kept %q with %d, warnings %q; want %d and a warning containing %q", tt.quantity, s.ID, s.Quantity, s.Warnings, tt.want, tt.warn)
			}
			if s.UnitPrice != (connectors.Money{Minor: 2640, Currency: "USD"}) {
				t.Errorf("quantity %s changed the price: %v", tt.quantity, s.UnitPrice)
			}
		})
	}
}

// TestBadCurrenciesFromTheAPI: a fee or a payable charge in a currency ISO
// 4217 does not have, or in none, is kept as unknown money with a warning,
// never as an amount in a guessed currency.
func TestBadCurrenciesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		currency string // the currency member, "" for none at all
		want     connectors.Money
		warn     string
	}{
		{"known", `,"currency":"CAD"`, connectors.Money{Minor: 2640, Currency: "CAD"}, ""},
		{"lower case", `,"currency":"cad"`, connectors.Money{Minor: 2640, Currency: "CAD"}, ""},
		{"unknown", `,"currency":"XYZ"`, connectors.Money{}, "XYZ"},
		{"empty", `,"currency":""`, connectors.Money{}, "no currency"},
		{"null", `,"currency":null`, connectors.Money{}, "no currency"},
		{"absent", ``, connectors.Money{}, "no currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := decodeSubscription(t, `{"id":"s1","productName":"Microsoft 365 Business Standard","sku":"k","billingCycle":"Monthly","quantity":5,"fees":{"recurringFee":26.40`+tt.currency+`}}`)
			if s.ID != "s1" || s.Quantity != 5 || s.UnitPrice != tt.want {
				t.Errorf("kept %q with %d at %v; want 5 at %v", s.ID, s.Quantity, s.UnitPrice, tt.want)
			}
			if tt.warn == "" && len(s.Warnings) > 0 || !hasWarning(s.Warnings, tt.warn) {
				t.Errorf("warnings %q; want one containing %q", s.Warnings, tt.warn)
			}

			// The same currency on the Distributor API's payable charge,
			// which gives the cost.
			charge := `{"chargeType":"Recurring","sku":"k","netPrice":22,"quantity":5,"billingCycleType":"Monthly","tags":[{"name":"CustomerDisplayName","value":"Contoso"}]` + tt.currency + `}`
			idx, err := indexCharges("read payable charges", []json.RawMessage{json.RawMessage(charge)})
			if err != nil {
				t.Fatal(err)
			}
			var w wireSubscription
			if err := json.Unmarshal([]byte(`{"id":"s1","sku":"k","quantity":5,"billingCycle":"Monthly"}`), &w); err != nil {
				t.Fatal(err)
			}
			cost, warning := idx.lookup("Contoso", w)
			if cost.Known() != tt.want.Known() || (cost.Known() && cost.Currency != tt.want.Currency) {
				t.Errorf("cost %v from a charge in %s", cost, tt.currency)
			}
			if !cost.Known() && warning == "" {
				t.Errorf("a charge in %s left the cost blank without a warning", tt.currency)
			}
		})
	}
}

func decodeSubscription(t *testing.T, row string) connectors.DistributorSubscription {
	t.Helper()
	var w wireSubscription
	if err := json.Unmarshal([]byte(row), &w); err != nil {
		t.Fatalf("row %s does not decode: %v", row, err)
	}
	return subscriptionFrom(w, wireCustomer{ID: "c1", DisplayName: "Contoso"}, connectors.Money{}, "")
}

// hasWarning reports whether one warning contains want ("" asks for none
// in particular).
func hasWarning(ws []string, want string) bool {
	if want == "" {
		return true
	}
	for _, w := range ws {
		if strings.Contains(w, want) {
			return true
		}
	}
	return false
}
