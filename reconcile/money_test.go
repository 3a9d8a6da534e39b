package reconcile

import (
	"testing"

	"github.com/seats-msp/seats/connectors"
)

func TestDivRoundHalfEvenAgreesWithMoney(t *testing.T) {
	t.Parallel()
	for minor := int64(-3000); minor <= 3000; minor++ {
		for _, n := range []int64{1, 2, 3, 12, 36} {
			m := connectors.Money{Minor: minor, Currency: "USD"}
			if got, want := perMonth(m, n), m.DivRound(n); got != want {
				t.Fatalf("%d / %d = %v, Money.DivRound says %v", minor, n, got, want)
			}
		}
	}
}

func TestMoneyText(t *testing.T) {
	t.Parallel()
	for _, m := range []connectors.Money{{Minor: 2640, Currency: "USD"}, {Minor: 5, Currency: "EUR"}, {Minor: -105, Currency: "GBP"},
		{Minor: 1200, Currency: "JPY"}, {Minor: 1234, Currency: "BHD"}, {Minor: 0, Currency: "USD"}, {}} {
		if got, want := moneyText(m), m.String(); got != want {
			t.Errorf("moneyText(%v) = %q, Money.String = %q", m, got, want)
		}
	}
}
