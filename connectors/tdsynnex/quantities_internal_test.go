package tdsynnex

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// TestBadQuantitiesFromTheAPI decodes a subscription as Ion would send it
// with a quantity that is negative, fractional or huge, as a number or as a
// string: the row is kept, flagged, and its quantity is never a number the
// API did not say (a huge one is 0, not a wrapped int).
func TestBadQuantitiesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		quantity string // the quantity members as written in the JSON
		want     int
		warn     string
	}{
		{`"quantity":-3`, -3, "negative"},
		{`"quantity":"-3"`, -3, "negative"},
		{`"quantity":2.5`, 2, "not a whole number"},
		{`"quantity":"2.5"`, 2, "not a whole number"},
		{`"quantity":1e30`, 0, "not a plausible seat count"},
		{`"quantity":99999999999999999999`, 0, "not a plausible seat count"},
		{`"totalLicense":"99999999999999999999"`, 0, "not a plausible seat count"},
		{`"quantity":-99999999999999999999`, 0, "not a plausible seat count"},
		{`"quantity":null`, 0, "no seat count"},
		{`"quantity":"many"`, 0, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			t.Parallel()
			s := decodeSubscription(t, fmt.Sprintf(`{"id":"s1","customerId":"c1","subscriptionName":"Microsoft 365 Business Premium","subscriptionStatus":"active","subscriptionBillingCycle":"monthly","subscriptionBillingTerm":"P1M",%s,"price":"26.40","currency":"USD"}`, tt.quantity))
			if s.ID != "s1" || s.Quantity != tt.want || !hasWarning(s.Warnings, tt.warn) {
				t.Errorf("%s: kept %q with %d, warnings %q; want %d and a warning containing %q", tt.quantity, s.ID, s.Quantity, s.Warnings, tt.want, tt.warn)
			}
			if s.UnitPrice != (connectors.Money{Minor: 2640, Currency: "USD"}) {
				t.Errorf("%s changed the price: %v", tt.quantity, s.UnitPrice)
			}
		})
	}
}

// TestBadCurrenciesFromTheAPI: an amount in a currency ISO 4217 does not
// have, or in none, is kept as unknown money with a warning, never as an
// amount in a guessed currency.
func TestBadCurrenciesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		currency string // the currency member, "" for none at all
		want     connectors.Money
		warn     string
	}{
		{"known", `,"currency":"USD"`, connectors.Money{Minor: 2640, Currency: "USD"}, ""},
		{"lower case", `,"currency":"usd"`, connectors.Money{Minor: 2640, Currency: "USD"}, ""},
		{"unknown", `,"currency":"XYZ"`, connectors.Money{}, "XYZ"},
		{"a number", `,"currency":840`, connectors.Money{}, "840"},
		{"empty", `,"currency":""`, connectors.Money{}, "no currency"},
		{"null", `,"currency":null`, connectors.Money{}, "no currency"},
		{"absent", ``, connectors.Money{}, "no currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := decodeSubscription(t, `{"id":"s1","subscriptionStatus":"active","subscriptionBillingCycle":"monthly","subscriptionBillingTerm":"P1M","quantity":5,"price":26.40,"cost":"22"`+tt.currency+`}`)
			if s.ID != "s1" || s.Quantity != 5 {
				t.Fatalf("row not kept as sent: %+v", s)
			}
			if s.UnitPrice != tt.want || (tt.want.Known() && s.UnitCost.Currency != tt.want.Currency) || (!tt.want.Known() && s.UnitCost.Known()) {
				t.Errorf("price %v, cost %v; want %v", s.UnitPrice, s.UnitCost, tt.want)
			}
			if tt.warn == "" && len(s.Warnings) > 0 || !hasWarning(s.Warnings, tt.warn) {
				t.Errorf("warnings %q; want one containing %q", s.Warnings, tt.warn)
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
	return subscriptionFrom(w)
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
