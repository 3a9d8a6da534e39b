package reconcile

import (
	"strconv"
	"strings"
	"sync"

	"github.com/seats-msp/seats/connectors"
)

// divRoundHalfEven divides minor units by n (> 0), rounding half to even,
// in integers: connectors.Money.DivRound gives the same result through
// arbitrary-precision decimals, which is too slow for a hundred thousand
// rows. A test checks that the two agree.
func divRoundHalfEven(minor, n int64) int64 {
	q, r := minor/n, minor%n // q is rounded toward zero
	if r < 0 {
		r = -r
	}
	twice := 2 * r
	switch {
	case twice > n, twice == n && q%2 != 0:
		if minor < 0 {
			return q - 1
		}
		return q + 1
	}
	return q
}

// perMonth is m / months, half to even, or m unchanged when unknown.
func perMonth(m connectors.Money, months int64) connectors.Money {
	if !m.Known() || months <= 0 {
		return m
	}
	return connectors.Money{Minor: divRoundHalfEven(m.Minor, months), Currency: m.Currency}
}

var digitsCache sync.Map // currency code -> int

// moneyText is Money.String without the decimal library: "26.40 USD".
func moneyText(m connectors.Money) string {
	if !m.Known() {
		return "—"
	}
	d, ok := digitsCache.Load(m.Currency)
	if !ok {
		n, err := connectors.MinorDigits(m.Currency)
		if err != nil {
			return m.String()
		}
		digitsCache.Store(m.Currency, n)
		d = n
	}
	digits := d.(int)
	neg := m.Minor < 0
	v := m.Minor
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s + " " + m.Currency
}
