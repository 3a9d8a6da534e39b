package autotask

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
)

// timeLayouts are the date spellings Autotask uses, tried in order:
// "2024-01-01T00:00:00Z", with fractions ("2024-01-01T00:00:00.123Z"), with
// an offset, without a zone (its dates are then UTC: the API converts to
// UTC), and a bare date.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	"2006-01-02 15:04:05",
}

// Years outside this range are faults in the data, not dates of a contract.
const (
	minYear = 1900
	maxYear = 9000
)

// ParseTime reads an Autotask date and returns it in UTC. A date without
// a time is midnight UTC; a time without a zone is UTC. The error quotes
// the text, clipped.
func ParseTime(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, errors.New("empty date")
	}
	for _, layout := range timeLayouts {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		t = t.UTC()
		if y := t.Year(); y < minYear || y > maxYear {
			return time.Time{}, fmt.Errorf("date %q is out of range", clip(v))
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date seats can read", clip(v))
}

// optionalTime reads a date that may be null: "" is the zero time without
// a warning; an unreadable date is the zero time with one.
func optionalTime(field, s string) (time.Time, string) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, ""
	}
	t, err := ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%s: %s; ignored", field, err)
	}
	return t, ""
}

// clip bounds text from the API quoted in a warning or error, one line of
// valid UTF-8 without control characters.
func clip(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n == 60 {
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

// maxQuantity bounds a plausible seat count.
const maxQuantity = 1_000_000

// ParseUnits reads a units row's units. Autotask documents them as whole,
// yet databases hold fractions (units of hours, imported data): a
// fractional count is truncated toward zero and flagged, a negative one
// kept and flagged, one beyond a million or unreadable counts as 0 and is
// flagged. whole is false for anything but a plain whole number (a write
// refuses such a line: the delta seats would post would not reach the
// number asked for).
func ParseUnits(n json.Number) (q int, whole bool, warning string) {
	s := strings.TrimSpace(string(n))
	if s == "" {
		return 0, false, "Autotask gave no units; counted as 0"
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, false, fmt.Sprintf("units %q is not a number; counted as 0", clip(s))
	}
	if d.Abs().GreaterThan(decimal.NewFromInt(maxQuantity)) {
		return 0, false, fmt.Sprintf("units %s is not a plausible seat count; counted as 0", clip(s))
	}
	q = int(d.Truncate(0).IntPart())
	switch {
	case !d.IsInteger():
		return q, false, fmt.Sprintf("units %s is not a whole number of seats; counted as %d", clip(s), q)
	case q < 0:
		return q, true, fmt.Sprintf("units %d is negative", q)
	}
	return q, true, ""
}

// parseMoney reads one of Autotask's amounts in currency: absent is the
// unknown Money without a warning; not a number is blank with a warning;
// finer than the minor unit is rounded and flagged.
func parseMoney(field string, n json.Number, currency string) (connectors.Money, string) {
	amount := strings.TrimSpace(string(n))
	if amount == "" {
		return connectors.Money{}, ""
	}
	m, exact, err := connectors.ParseMoney(amount, currency)
	if err != nil {
		return connectors.Money{}, fmt.Sprintf("%s %s %s cannot be read (%s); left blank", field, clip(amount), clip(currency), clip(err.Error()))
	}
	if !exact {
		return m, fmt.Sprintf("%s %s %s rounded to %s", field, clip(amount), m.Currency, m.Decimal())
	}
	return m, ""
}

// domainFrom turns a company's webAddress (free text) into a bare
// lower-case host without "www.", or "".
func domainFrom(website string) string {
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
	if len(host) < 3 || len(host) > 253 || !strings.Contains(host, ".") {
		return ""
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return ""
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 0x7f && unicode.IsLetter(r)) {
				return ""
			}
		}
	}
	return host
}

// tenantIDsFrom returns the Microsoft tenant ids a company's user-defined
// fields hold: a field whose name mentions a tenant and whose value is a
// GUID, as MSPs who track tenants in Autotask keep them.
func tenantIDsFrom(fields []wireUDF) []string {
	var out []string
	for _, f := range fields {
		if !strings.Contains(strings.ToLower(f.Name), "tenant") {
			continue
		}
		s, ok := f.Value.(string)
		if !ok {
			continue
		}
		v := strings.TrimSpace(s)
		if len(v) != 36 && len(v) != 38 {
			continue
		}
		if u, err := uuid.Parse(v); err == nil && u != uuid.Nil {
			out = append(out, u.String())
		}
	}
	return out
}

// defaultCompanyTypes are companyType's labels on a default install, used
// only when the database does not serve its picklist.
var defaultCompanyTypes = map[string]string{
	"1": "Customer", "2": "Lead", "3": "Prospect", "4": "Dead", "6": "Cancellation", "7": "Vendor", "8": "Partner",
}

// companyType classifies a company by its type's label: Customer (or
// client) is a client; Lead and Prospect are prospects; Vendor (supplier,
// distributor) a vendor; Dead, Cancellation, Partner and the MSP's own
// types are other.
func companyType(label string) connectors.CompanyType {
	l := strings.ToLower(label)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("customer", "client"):
		return connectors.CompanyClient
	case has("prospect", "lead"):
		return connectors.CompanyProspect
	case has("vendor", "supplier", "distributor", "manufacturer"):
		return connectors.CompanyVendor
	}
	return connectors.CompanyOther
}

// frequency reads a period type's label: how often a price is charged. A
// label seats has no frequency for (quarterly, semi-annual) is unknown with
// a warning, so its money is not shown as monthly by mistake; a value
// without a label (no picklist) is left blank.
func frequency(label string) (connectors.BillingFrequency, string) {
	switch normEnum(label) {
	case "":
		return "", ""
	case "monthly", "month":
		return connectors.BillMonthly, ""
	case "yearly", "annual", "annually", "year":
		return connectors.BillAnnual, ""
	case "onetime":
		return connectors.BillOnce, ""
	}
	return connectors.BillUnknown, fmt.Sprintf("period type %q is not monthly or yearly: its price is not turned into a monthly amount", clip(label))
}

// normEnum folds a label: lower case, no spaces, hyphens or underscores.
func normEnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

func appendWarning(ws []string, w string) []string {
	if w == "" {
		return ws
	}
	return append(ws, w)
}
