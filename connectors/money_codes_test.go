package connectors

import (
	"errors"
	"testing"
)

// TestCodesThatAreNotMoney: ISO 4217's "no currency" (XXX), testing (XTS)
// and metal codes parse as codes but name no currency an invoice is in; an
// amount in them is refused like one in an unknown code, so that a
// distributor writing XXX for "unknown" never becomes money. Real currencies
// whose codes start with X (CFA and CFP francs, East Caribbean dollar) stay.
func TestCodesThatAreNotMoney(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"XXX", "xxx", "XTS", "XAU", "XDR", "XYZ", "", "US"} {
		if m, _, err := ParseMoney("12.50", code); !errors.Is(err, ErrUnknownCurrency) || m.Known() {
			t.Errorf("ParseMoney(12.50, %q) = %v, %v; want ErrUnknownCurrency", code, m, err)
		}
	}
	for code, want := range map[string]Money{"XOF": {Minor: 12, Currency: "XOF"}, "XCD": {Minor: 1250, Currency: "XCD"}, "usd": {Minor: 1250, Currency: "USD"}} {
		if m, _, err := ParseMoney("12.50", code); err != nil || m != want {
			t.Errorf("ParseMoney(12.50, %q) = %v, %v; want %v", code, m, err, want)
		}
	}
}
