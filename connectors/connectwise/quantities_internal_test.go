package connectwise

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

var quantitiesNow = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

// TestBadQuantitiesFromTheAPI decodes an agreement addition as ConnectWise
// would send it with a quantity that is negative, fractional or huge: the
// line is kept, flagged, its quantity never a number the API did not say (a
// huge one is 0, not a wrapped int), and a quantity that is not a plain
// whole number is marked not whole, so that apply refuses to write it.
func TestBadQuantitiesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		quantity string // as written in the JSON
		want     int
		whole    bool
		warn     string
	}{
		{`-3`, -3, true, "negative"},
		{`"-3"`, -3, true, "negative"},
		{`2.5`, 2, false, "not a whole number"},
		{`1e30`, 0, false, "not a plausible seat count"},
		{`99999999999999999999`, 0, false, "not a plausible seat count"},
		{`-99999999999999999999`, 0, false, "not a plausible seat count"},
		{`null`, 0, false, "no quantity"},
	}
	c := &Client{currency: "USD", keepFor: DefaultKeepEndedFor}
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			t.Parallel()
			l, whole := decodeLine(t, c, `{"id":3001,"agreementStatus":"Active","company":{"id":250}}`,
				fmt.Sprintf(`{"id":7002,"product":{"id":902},"quantity":%s,"unitPrice":4.8,"billCustomer":"Billable","_info":{"lastUpdated":"2026-01-01T00:00:00Z"}}`, tt.quantity))
			if l.LineID != "7002" || l.Quantity != tt.want || whole != tt.whole || !hasWarning(l.Warnings, tt.warn) {
				t.Errorf("quantity %s: kept %q with %d (whole %v), warnings %q; want %d (whole %v) and a warning containing %q",
					tt.quantity, l.LineID, l.Quantity, whole, l.Warnings, tt.want, tt.whole, tt.warn)
			}
			if l.UnitPrice != (connectors.Money{Minor: 480, Currency: "USD"}) {
				t.Errorf("quantity %s changed the price: %v", tt.quantity, l.UnitPrice)
			}
		})
	}
}

// TestBadCurrenciesFromTheAPI: an agreement in a currency ISO 4217 does not
// have leaves its lines' money unknown, with a warning. An agreement that
// names none is in the instance's currency (psa.connectwise.currency):
// ConnectWise keeps one per instance unless multi-currency is on.
func TestBadCurrenciesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		currency string // the agreement's currency member, "" for none at all
		want     connectors.Money
		warn     string
	}{
		{"the agreement's", `,"currency":{"currencyCode":"EUR"}`, connectors.Money{Minor: 480, Currency: "EUR"}, ""},
		{"lower case", `,"currency":{"currencyCode":"eur"}`, connectors.Money{Minor: 480, Currency: "EUR"}, ""},
		{"unknown", `,"currency":{"currencyCode":"XYZ"}`, connectors.Money{}, "XYZ"},
		{"no currency at all", `,"currency":{"currencyCode":"XXX"}`, connectors.Money{}, "XXX"},
		{"empty: the instance's", `,"currency":{"currencyCode":""}`, connectors.Money{Minor: 480, Currency: "GBP"}, ""},
		{"null: the instance's", `,"currency":null`, connectors.Money{Minor: 480, Currency: "GBP"}, ""},
		{"absent: the instance's", ``, connectors.Money{Minor: 480, Currency: "GBP"}, ""},
	}
	c := &Client{currency: "GBP", keepFor: DefaultKeepEndedFor}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, _ := decodeLine(t, c, `{"id":3001,"agreementStatus":"Active"`+tt.currency+`}`,
				`{"id":7002,"product":{"id":902},"quantity":5,"unitPrice":4.8,"unitCost":"4","billCustomer":"Billable","_info":{"lastUpdated":"2026-01-01T00:00:00Z"}}`)
			if l.Quantity != 5 || l.UnitPrice != tt.want || l.UnitCost.Known() != tt.want.Known() {
				t.Errorf("kept %d at %v (cost %v); want 5 at %v", l.Quantity, l.UnitPrice, l.UnitCost, tt.want)
			}
			if tt.warn == "" && len(l.Warnings) > 0 || tt.warn != "" && !hasWarning(l.Warnings, tt.warn) {
				t.Errorf("warnings %q; want one containing %q", l.Warnings, tt.warn)
			}
		})
	}
	for code, ok := range map[string]bool{"usd": true, "XYZ": false, "XXX": false, "dollars": false} {
		_, err := New(Config{Site: "na.myconnectwise.net", CompanyID: "co", PublicKey: "pub", PrivateKey: "priv", ClientID: "id", Currency: code})
		if (err == nil) != ok || err != nil && !strings.Contains(err.Error(), "currency") {
			t.Errorf("New with the instance currency %q: %v", code, err)
		}
	}
}

func decodeLine(t *testing.T, c *Client, agreement, addition string) (connectors.BillingLine, bool) {
	t.Helper()
	var a wireAgreement
	var w wireAddition
	if err := json.Unmarshal([]byte(agreement), &a); err != nil {
		t.Fatalf("agreement %s does not decode: %v", agreement, err)
	}
	if err := json.Unmarshal([]byte(addition), &w); err != nil {
		t.Fatalf("addition %s does not decode: %v", addition, err)
	}
	return c.lineFrom(a, w, quantitiesNow)
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
