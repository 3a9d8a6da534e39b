package connectors

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// Money is an amount in the minor unit of its currency (cents for USD, yen
// for JPY, fils for BHD), never a float. The zero Money, with no currency, is
// "not known": an API that gives no price yields it, and the tables show a
// blank rather than a made-up zero. A known zero (a free product) has its
// currency set.
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency,omitempty"` // ISO 4217, upper case; "" = not known
}

// Known reports whether the amount was given at all.
func (m Money) Known() bool { return m.Currency != "" }

// ErrUnknownCurrency is returned for a currency code ISO 4217 does not have.
var ErrUnknownCurrency = errors.New("unknown currency")

// MinorDigits is how many decimal places the currency's minor unit has (2
// for USD and EUR, 0 for JPY, 3 for BHD), from ISO 4217 as golang.org/x/text
// knows it.
func MinorDigits(code string) (int, error) {
	unit, err := currency.ParseISO(strings.TrimSpace(code))
	if err != nil || notMoney[unit.String()] {
		return 0, fmt.Errorf("%w %q", ErrUnknownCurrency, code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale, nil
}

// notMoney are the ISO 4217 codes that name no currency an invoice is in:
// XXX ("no currency"), XTS (for testing), precious metals and bond-market
// units. ISO gives them no minor unit, and an API that sends XXX means it
// does not know: amounts in them are unknown, not money.
var notMoney = map[string]bool{
	"XXX": true, "XTS": true, "XAU": true, "XAG": true, "XPD": true, "XPT": true,
	"XBA": true, "XBB": true, "XBC": true, "XBD": true, "XDR": true, "XSU": true, "XUA": true,
}

// ParseMoney reads a decimal amount as an API writes it ("12.5", "-3",
// "17.985", "1e2") in the given currency. Amounts finer than the currency's
// minor unit are rounded half to even, as accountants round. exact is false
// when rounding changed the amount, so the caller can flag it.
func ParseMoney(amount, code string) (m Money, exact bool, err error) {
	digits, err := MinorDigits(code)
	if err != nil {
		return Money{}, false, err
	}
	d, err := decimal.NewFromString(strings.TrimSpace(amount))
	if err != nil {
		return Money{}, false, fmt.Errorf("amount %q is not a number", amount)
	}
	return fromDecimal(d, strings.ToUpper(strings.TrimSpace(code)), digits)
}

// maxMinor bounds amounts: beyond a trillion units of any currency the
// number is a fault in the data, not a price.
var maxMinor = decimal.New(1, 15)

func fromDecimal(d decimal.Decimal, code string, digits int) (Money, bool, error) {
	scaled := d.Shift(int32(digits))
	rounded := scaled.RoundBank(0)
	if rounded.Abs().GreaterThan(maxMinor) {
		return Money{}, false, fmt.Errorf("amount %s %s is too large to be a price", d.String(), code)
	}
	return Money{Minor: rounded.IntPart(), Currency: code}, rounded.Equal(scaled), nil
}

// Times multiplies by a quantity.
func (m Money) Times(n int) Money {
	if !m.Known() {
		return m
	}
	return Money{Minor: m.Minor * int64(n), Currency: m.Currency}
}

// DivRound divides by n (a monthly share of an annual price: n = 12),
// rounded half to even to the minor unit.
func (m Money) DivRound(n int64) Money {
	if !m.Known() || n == 0 {
		return m
	}
	q := decimal.NewFromInt(m.Minor).Div(decimal.NewFromInt(n)).RoundBank(0)
	return Money{Minor: q.IntPart(), Currency: m.Currency}
}

// Add sums two amounts of one currency. Adding an unknown amount gives an
// unknown amount; adding different currencies is a programming error, so it
// returns an error rather than a wrong number.
func (m Money) Add(o Money) (Money, error) {
	switch {
	case !m.Known() || !o.Known():
		return Money{}, nil
	case m.Currency != o.Currency:
		return Money{}, fmt.Errorf("cannot add %s to %s", o.Currency, m.Currency)
	}
	return Money{Minor: m.Minor + o.Minor, Currency: m.Currency}, nil
}

// Decimal renders the amount as a plain decimal string in its currency's
// unit ("12.50", "1200" for JPY), or "" when not known. It is the JSON and
// CSV form of money for people and scripts.
func (m Money) Decimal() string {
	if !m.Known() {
		return ""
	}
	digits, err := MinorDigits(m.Currency)
	if err != nil {
		digits = 2
	}
	return decimal.New(m.Minor, int32(-digits)).StringFixed(int32(digits))
}

// String is "12.50 USD", or "—" when not known.
func (m Money) String() string {
	if !m.Known() {
		return "—"
	}
	return m.Decimal() + " " + m.Currency
}
