package pax8

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// TestBadQuantitiesFromTheAPI decodes a subscription row as Pax8 would send
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
		{`"-3"`, -3, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			t.Parallel()
			s := decodeSubscription(t, fmt.Sprintf(`{"id":"s1","companyId":"c1","productId":"p1","status":"Active","billingTerm":"Monthly","quantity":%s,"price":26.40,"currencyCode":"USD"}`, tt.quantity))
			if s.ID != "s1" || s.Quantity != tt.want || !hasWarning(s.Warnings, tt.warn) {
				t.Errorf("quantity %s: kept %q with %d, warnings %q; want %d and a warning containing %q", tt.quantity, s.ID, s.Quantity, s.Warnings, tt.want, tt.warn)
			}
			if s.UnitPrice != (connectors.Money{Minor: 2640, Currency: "USD"}) {
				t.Errorf("quantity %s changed the price: %v", tt.quantity, s.UnitPrice)
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
		currency string // the currencyCode member, "" for none at all
		want     connectors.Money
		warn     string
	}{
		{"known", `,"currencyCode":"USD"`, connectors.Money{Minor: 2640, Currency: "USD"}, ""},
		{"lower case", `,"currencyCode":"usd"`, connectors.Money{Minor: 2640, Currency: "USD"}, ""},
		{"unknown", `,"currencyCode":"XYZ"`, connectors.Money{}, "XYZ"},
		{"empty", `,"currencyCode":""`, connectors.Money{}, "no currency"},
		{"null", `,"currencyCode":null`, connectors.Money{}, "no currency"},
		{"absent", ``, connectors.Money{}, "no currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := decodeSubscription(t, `{"id":"s1","status":"Active","billingTerm":"Monthly","quantity":5,"price":26.40,"partnerCost":22`+tt.currency+`}`)
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
	if err := decodeRow("list subscriptions", 0, 0, json.RawMessage(row), &w); err != nil {
		t.Fatalf("row %s does not decode: %v", row, err)
	}
	return subscriptionFrom(w, wireProduct{VendorName: "Microsoft"}, false)
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
