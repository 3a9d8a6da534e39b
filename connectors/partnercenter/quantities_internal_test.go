package partnercenter

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestBadQuantitiesFromTheAPI decodes a subscription as Partner Center
// would send it with a quantity that is negative, fractional or huge, as a
// number or as a string: the row is kept, flagged, and its quantity is never
// a number the API did not say (a huge one is 0, not a wrapped int).
// Partner Center's subscriptions carry no price, so none may appear, even
// beside a currency seats does not know.
func TestBadQuantitiesFromTheAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		quantity string // as written in the JSON
		want     int
		warn     string
	}{
		{`-3`, -3, "negative"},
		{`"-3"`, -3, "negative"},
		{`2.5`, 2, "not a whole number"},
		{`1e30`, 0, "not a plausible seat count"},
		{`99999999999999999999`, 0, "not a plausible seat count"},
		{`"99999999999999999999"`, 0, "not a plausible seat count"},
		{`-99999999999999999999`, 0, "not a plausible seat count"},
		{`null`, 0, "no quantity"},
		{`"many"`, 0, "not a number"},
		{`{}`, 0, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			t.Parallel()
			row := fmt.Sprintf(`{"id":"4BF546B2-8998-4838-BEE2-5F1BBE65A04F","offerId":"CFQ7TTC0LH18:0001","offerName":"Microsoft 365 Business Premium","status":"active","autoRenewEnabled":true,"billingCycle":"monthly","termDuration":"P1M","currencyCode":"XYZ","unitPrice":26.4,"quantity":%s}`, tt.quantity)
			var w wireSubscription
			if err := json.Unmarshal([]byte(row), &w); err != nil {
				t.Fatalf("row %s does not decode: %v", row, err)
			}
			s := subscriptionFrom("acc", w)
			if s.ID == "" || s.Quantity != tt.want || !hasWarning(s.Warnings, tt.warn) {
				t.Errorf("quantity %s: kept %q with %d, warnings %q; want %d and a warning containing %q", tt.quantity, s.ID, s.Quantity, s.Warnings, tt.want, tt.warn)
			}
			if s.UnitPrice.Known() || s.UnitCost.Known() {
				t.Errorf("quantity %s: a price was invented: %v %v", tt.quantity, s.UnitPrice, s.UnitCost)
			}
		})
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
