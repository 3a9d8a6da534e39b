// Package field reads the fields of an outside API's records the way every
// connector must: text quoted back to people made safe, enum spellings
// folded, websites turned into domains, seat counts and amounts kept and
// flagged rather than trusted or dropped. A connector keeps what is its
// API's own (its date spellings, its status names); this is what all of
// them share.
package field

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
)

// Clip bounds text from an API quoted in a warning or error, and makes it
// one line of valid UTF-8 without control characters, so that a hostile
// value cannot fill the screen or move the cursor.
func Clip(s string) string { return OneLine(s, 60) }

// MaxWarningRunes bounds a whole warning quoted from a service.
const MaxWarningRunes = 300

// OneLine returns s as valid UTF-8 with control characters (and the
// Unicode line and paragraph separators) turned into spaces, at most max
// runes, ending in "…" when cut.
func OneLine(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n == max {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// FoldEnum folds an enum value for matching: lower case, without spaces,
// tabs, hyphens and underscores ("Pending Cancel", "PENDING_CANCEL" and
// "PendingCancel" are one status; "1-Year" and "1 Year" one term).
func FoldEnum(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '-', '_', '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MaxQuantity bounds a plausible seat count; more is a fault in the data.
const MaxQuantity = 1_000_000

// Quantity reads a seat count written as a decimal number. Seats are
// whole and not negative: anything else is kept as near as an int allows
// and flagged, never silently converted. A fractional quantity is
// truncated toward zero, a negative one kept, one beyond MaxQuantity or
// unreadable counts as 0. whole is false for anything but a plain whole
// number (a write must not touch such a line: the number seats compares is
// not the number the service holds). who names the service for a missing
// quantity ("Pax8 gave no quantity"); noun is what the service calls it
// ("quantity", "units").
func Quantity(s, who, noun string) (q int, whole bool, warning string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, who + " gave no " + noun + "; counted as 0"
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, false, fmt.Sprintf("%s %q is not a number; counted as 0", noun, Clip(s))
	}
	if d.Abs().GreaterThan(decimal.NewFromInt(MaxQuantity)) {
		return 0, false, fmt.Sprintf("%s %s is not a plausible seat count; counted as 0", noun, Clip(s))
	}
	q = int(d.Truncate(0).IntPart())
	switch {
	case !d.IsInteger():
		return q, false, fmt.Sprintf("%s %s is not a whole number of seats; counted as %d", noun, Clip(s), q)
	case q < 0:
		return q, true, fmt.Sprintf("%s %d is negative", noun, q)
	}
	return q, true, ""
}

// Money reads one amount (a price, a cost) in currency. An absent amount
// is the unknown Money with no warning: services often omit a cost, and
// seats shows a blank rather than a made-up figure. An amount it cannot
// place (no currency, an unknown one, not a number) is blank with a
// warning; one finer than the currency's minor unit is rounded and
// flagged.
func Money(name, amount, currency string) (connectors.Money, string) {
	amount = strings.TrimSpace(amount)
	if amount == "" {
		return connectors.Money{}, ""
	}
	if strings.TrimSpace(currency) == "" {
		return connectors.Money{}, fmt.Sprintf("%s %s has no currency; left blank", name, Clip(amount))
	}
	m, exact, err := connectors.ParseMoney(amount, currency)
	if err != nil {
		return connectors.Money{}, fmt.Sprintf("%s %s %s cannot be read (%s); left blank", name, Clip(amount), Clip(currency), Clip(err.Error()))
	}
	if !exact {
		return m, fmt.Sprintf("%s %s %s rounded to %s", name, Clip(amount), m.Currency, m.Decimal())
	}
	return m, ""
}

// Domain turns a website or domain (free text: "https://www.contoso.com/about",
// "contoso.com", "WWW.Contoso.com:443") into a bare lower-case host without
// "www.", or "" when it holds no plausible domain name.
func Domain(website string) string {
	v := strings.TrimSpace(website)
	if v == "" {
		return ""
	}
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		return ""
	}
	host := strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), "www.")
	if !PlausibleHost(host) {
		return ""
	}
	return host
}

// PlausibleHost accepts DNS names of at least two labels made of letters,
// digits and hyphens (IDNs in their xn-- form, or as Unicode letters).
func PlausibleHost(h string) bool {
	if len(h) < 3 || len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 0x7f && unicode.IsLetter(r)) {
				return false
			}
		}
	}
	return true
}

// Warn appends w to ws unless it is empty.
func Warn(ws []string, w string) []string {
	if w == "" {
		return ws
	}
	return append(ws, w)
}

// Years outside this range are faults in the data, not dates of a
// subscription or a contract; refusing them also keeps every accepted time
// printable.
const (
	MinYear = 1900
	MaxYear = 9000
)

// Time reads a date or time in the first of layouts that fits and returns
// it in UTC (a layout without a zone reads as UTC). Surrounding spaces are
// ignored. The error quotes the text (dates are never secret), clipped.
func Time(s string, layouts []string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, errors.New("empty date")
	}
	for _, layout := range layouts {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		t = t.UTC()
		if y := t.Year(); y < MinYear || y > MaxYear {
			return time.Time{}, fmt.Errorf("date %q is out of range", Clip(v))
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date seats can read", Clip(v))
}

// OptionalTime reads a date that may be absent with parse: "" is the zero
// time without a warning; an unreadable date is the zero time with one
// naming the field.
func OptionalTime(name, s string, parse func(string) (time.Time, error)) (time.Time, string) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, ""
	}
	t, err := parse(s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%s: %s; ignored", name, err)
	}
	return t, ""
}
