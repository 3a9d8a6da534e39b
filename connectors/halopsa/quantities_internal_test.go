package halopsa

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// TestBadQuantitiesFromTheAPI decodes a recurring invoice line as Halo
// would send it with a quantity that is negative, fractional or huge: the
// line is kept, flagged, its quantity never a number the API did not say (a
// huge one is 0, not a wrapped int), and a quantity that is not a plain
// whole number is marked not whole, so that apply refuses to write it.
// Halo names no currency on a line: amounts are in psa.halopsa.currency,
// which must be a real ISO 4217 code.
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
	c, err := New(Config{URL: "https://fuzz.halopsa.com", ClientID: "id", ClientSecret: "secret", Currency: "aud"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			t.Parallel()
			row := fmt.Sprintf(`{"id":7002,"ihid":-94,"_itemid":3,"qty_order":%s,"unit_price":4.80,"unit_cost":4,"startdate":"2026-01-01T00:00:00"}`, tt.quantity)
			var w wireLine
			if err := json.Unmarshal([]byte(row), &w); err != nil {
				t.Fatalf("%s does not decode: %v", row, err)
			}
			l, whole := c.lineFrom(wireInvoice{ID: "-94", ClientID: "12", Period: "1", PeriodType: "3"}, w, now)
			if l.LineID != "7002" || l.Quantity != tt.want || whole != tt.whole || !hasWarning(l.Warnings, tt.warn) {
				t.Errorf("quantity %s: kept %q with %d (whole %v), warnings %q; want %d (whole %v) and a warning containing %q",
					tt.quantity, l.LineID, l.Quantity, whole, l.Warnings, tt.want, tt.whole, tt.warn)
			}
			if l.UnitPrice != (connectors.Money{Minor: 480, Currency: "AUD"}) {
				t.Errorf("quantity %s changed the price: %v", tt.quantity, l.UnitPrice)
			}
		})
	}
	for code, ok := range map[string]bool{"": true, "usd": true, "XYZ": false, "XXX": false, "dollars": false} {
		_, err := New(Config{URL: "https://fuzz.halopsa.com", ClientID: "id", ClientSecret: "secret", Currency: code})
		if (err == nil) != ok || err != nil && !strings.Contains(err.Error(), "currency") {
			t.Errorf("New with the currency %q: %v", code, err)
		}
	}
}

// hasWarning reports whether one warning contains want.
func hasWarning(ws []string, want string) bool {
	for _, w := range ws {
		if strings.Contains(w, want) {
			return true
		}
	}
	return false
}
