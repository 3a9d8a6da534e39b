package csvfile

import (
	"strings"
	"testing"
)

// TestBadQuantitiesAndCurrencies: the distributor's CSV is a file a person
// fixes, so a quantity or currency seats cannot take as written refuses the
// file with the line and column, rather than keeping a row with a number
// the file does not hold: no huge quantity wraps, no exponent is read, and
// "XXX" (ISO 4217's "no currency") is not a currency.
func TestBadQuantitiesAndCurrencies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		row, want string
	}{
		{"A1,Contoso,P,-3,,,,,,,,\n", `line 2, column quantity: "-3" is negative`},
		{"A1,Contoso,P,2.5,,,,,,,,\n", `line 2, column quantity: "2.5" is not a whole number of seats`},
		{"A1,Contoso,P,1e30,,,,,,,,\n", `line 2, column quantity: "1e30" is not a whole number of seats`},
		{"A1,Contoso,P,99999999999999999999,,,,,,,,\n", `line 2, column quantity: "99999999999999999999" is not a plausible number of seats`},
		{"A1,Contoso,P,-99999999999999999999,,,,,,,,\n", `line 2, column quantity: "-99999999999999999999" is negative`},
		{"A1,Contoso,P,5,4.00,XYZ,,,,,,\n", `line 2, column currency: "XYZ" is not an ISO 4217 currency code`},
		{"A1,Contoso,P,5,4.00,XXX,,,,,,\n", `line 2, column currency: "XXX" is not an ISO 4217 currency code`},
		{"A1,Contoso,P,5,4.00,,,,,,,\n", `line 2, column unit_cost: "4.00" has no currency`},
		{"A1,Contoso,P,5,99999999999999999999,USD,,,,,,\n", `line 2, column unit_cost: "99999999999999999999" cannot be read`},
	}
	for _, tt := range tests {
		got := problems(t, header+tt.row)
		if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
			t.Errorf("%q: problems %q; want one starting %q", tt.row, got, tt.want)
		}
	}
}
