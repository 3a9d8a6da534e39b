package autotask

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// TestBadQuantitiesFromTheAPI decodes a contract service's units row as
// Autotask would send it with units that are negative, fractional or huge:
// the line is kept, flagged, its quantity never a number the API did not
// say (a huge one is 0, not a wrapped int), and units that are not a plain
// whole number are marked not whole, so that apply refuses to write them.
// Autotask names no currency: amounts are in psa.autotask.currency, which
// must be a real ISO 4217 code.
func TestBadQuantitiesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		units string // as written in the JSON
		want  int
		whole bool
		warn  string
	}{
		{`-3`, -3, true, "negative"},
		{`"-3"`, -3, true, "negative"},
		{`2.5`, 2, false, "not a whole number"},
		{`1e30`, 0, false, "not a plausible seat count"},
		{`99999999999999999999`, 0, false, "not a plausible seat count"},
		{`-99999999999999999999`, 0, false, "not a plausible seat count"},
		{`null`, 0, false, "no units"},
	}
	c, err := New(Config{UserName: "u@example.com", Secret: "s", IntegrationCode: "c", Currency: "eur"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.units, func(t *testing.T) {
			t.Parallel()
			var k wireContract
			var s wireContractService
			var us []wireUnits
			for _, d := range []struct {
				raw string
				to  any
			}{
				{`{"id":501,"companyID":101,"contractName":"MSA","status":1,"startDate":"2026-01-01T00:00:00Z","endDate":"2026-12-31T00:00:00Z","contractPeriodType":1}`, &k},
				{`{"id":702,"contractID":501,"serviceID":303,"unitPrice":4.8,"unitCost":4}`, &s},
				{fmt.Sprintf(`[{"id":8001,"contractServiceID":702,"startDate":"2026-03-01T00:00:00Z","endDate":"2026-03-31T00:00:00Z","units":%s}]`, tt.units), &us},
			} {
				if err := json.Unmarshal([]byte(d.raw), d.to); err != nil {
					t.Fatalf("%s does not decode: %v", d.raw, err)
				}
			}
			l, whole := c.lineFrom(k, s, us, map[string]string{"1": "Monthly"}, now)
			if l.LineID != "702" || l.Quantity != tt.want || whole != tt.whole || !hasWarning(l.Warnings, tt.warn) {
				t.Errorf("units %s: kept %q with %d (whole %v), warnings %q; want %d (whole %v) and a warning containing %q",
					tt.units, l.LineID, l.Quantity, whole, l.Warnings, tt.want, tt.whole, tt.warn)
			}
			if l.UnitPrice != (connectors.Money{Minor: 480, Currency: "EUR"}) {
				t.Errorf("units %s changed the price: %v", tt.units, l.UnitPrice)
			}
		})
	}
	for code, ok := range map[string]bool{"": true, "usd": true, "XYZ": false, "XXX": false, "dollars": false} {
		_, err := New(Config{UserName: "u@example.com", Secret: "s", IntegrationCode: "c", Currency: code})
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
