package csvfile

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
	"github.com/seats-msp/seats/connectors/skus"
)

// Each reader below takes one cell and returns the value, a warning (the
// value is kept but not trusted) or an error (the file is refused). Errors
// and warnings never say where: the parser adds the line and column.

// maxQuantity bounds a plausible seat count; more is a slip of the keyboard.
const maxQuantity = 1_000_000

// Years outside this range are slips, not dates of a subscription.
const (
	minYear = 1900
	maxYear = 9000
)

// readQuantity reads a whole, non-negative number of seats. "25.0" is 25
// (spreadsheets write whole numbers so); a fraction is refused rather than
// rounded, because a person typed it and seat counts drive every finding.
func readQuantity(s string) (int, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return 0, errors.New("is empty; write the number of seats, e.g. 25")
	}
	d, err := decimal.NewFromString(v)
	if err != nil || strings.ContainsAny(v, "eE") {
		return 0, fmt.Errorf("%q is not a whole number of seats; write digits only, e.g. 25", field.Clip(v))
	}
	switch {
	case !d.IsInteger():
		return 0, fmt.Errorf("%q is not a whole number of seats", field.Clip(v))
	case d.IsNegative():
		return 0, fmt.Errorf("%q is negative; a quantity is 0 or more seats", field.Clip(v))
	case d.GreaterThan(decimal.NewFromInt(maxQuantity)):
		return 0, fmt.Errorf("%q is not a plausible number of seats (more than %d)", field.Clip(v), maxQuantity)
	}
	return int(d.IntPart()), nil
}

// readMoney reads an amount in currency. Blank is the unknown Money. A
// decimal comma is accepted only when decimalComma (a file separated by
// ";", as European Excel writes it): elsewhere "1,000" may be a thousands
// separator and guessing would misread a price a thousandfold.
func readMoney(s, currency string, decimalComma bool) (m connectors.Money, warning string, err error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return connectors.Money{}, "", nil
	}
	if strings.TrimSpace(currency) == "" {
		return connectors.Money{}, "", fmt.Errorf("%q has no currency; fill the currency column (e.g. USD)", field.Clip(v))
	}
	num := v
	if decimalComma && strings.Count(num, ",") == 1 && !strings.Contains(num, ".") {
		num = strings.Replace(num, ",", ".", 1)
	}
	if !plainDecimal(num) {
		return connectors.Money{}, "", fmt.Errorf("%q is not an amount; write a decimal number such as 19.80, without currency sign or thousands separator", field.Clip(v))
	}
	m, exact, err := connectors.ParseMoney(num, currency)
	if err != nil {
		if errors.Is(err, connectors.ErrUnknownCurrency) {
			// The currency column reports its own error; this one would repeat it.
			return connectors.Money{}, "", nil
		}
		return connectors.Money{}, "", fmt.Errorf("%q cannot be read: %s", field.Clip(v), field.Clip(err.Error()))
	}
	if m.Minor < 0 {
		return connectors.Money{}, "", fmt.Errorf("%q is negative; a cost or price per seat is 0 or more", field.Clip(v))
	}
	if !exact {
		warning = fmt.Sprintf("%s %s has more decimals than %s has; rounded to %s", field.Clip(v), m.Currency, m.Currency, m.Decimal())
	}
	return m, warning, nil
}

// plainDecimal accepts an optional minus, digits, and at most one point
// with digits after it: what a person or a spreadsheet writes for money.
// Exponents ("1e2") are refused: in a hand-made file they are a typo.
func plainDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || hasPoint && frac == "" {
		return false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// readCurrency checks an ISO 4217 code.
func readCurrency(s string) (string, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return "", nil
	}
	if _, err := connectors.MinorDigits(v); err != nil || len(v) != 3 {
		return "", fmt.Errorf("%q is not an ISO 4217 currency code such as USD, EUR or GBP", field.Clip(s))
	}
	return v, nil
}

// readTerm reads the commitment. An unknown spelling is kept as TermUnknown
// with a warning: the subscription is still billed, and its seats still
// count. A blank term is unknown without a warning: a file without a term
// column says nothing wrong, and the tables show the term as unknown.
func readTerm(s string) (connectors.Term, string) {
	switch field.FoldEnum(s) {
	case "monthly", "month", "1month", "p1m", "1m", "nocommitment", "none":
		return connectors.TermMonthly, ""
	case "annual", "annually", "yearly", "year", "1year", "1yr", "12months", "p1y", "1y", "p12m":
		return connectors.TermAnnual, ""
	case "triennial", "3years", "3year", "3yr", "36months", "p3y", "3y", "p36m":
		return connectors.TermTriennial, ""
	case "":
		return connectors.TermUnknown, ""
	}
	return connectors.TermUnknown, fmt.Sprintf("term %q is not one seats knows (monthly, annual, triennial); kept as unknown", field.Clip(s))
}

// termKey is the term as it goes into a derived subscription id: the
// normalised term, or the folded spelling of an unknown one, so that "P1Y"
// and "annual" name one subscription.
func termKey(raw string) string {
	if t, _ := readTerm(raw); t != connectors.TermUnknown {
		return string(t)
	}
	return field.FoldEnum(raw)
}

// readBilling reads how often the subscription is invoiced.
func readBilling(s string) (connectors.BillingFrequency, string) {
	switch field.FoldEnum(s) {
	case "monthly", "month", "p1m", "1month":
		return connectors.BillMonthly, ""
	case "annual", "annually", "yearly", "year", "1year", "p1y":
		return connectors.BillAnnual, ""
	case "once", "onetime", "oneoff", "upfront":
		return connectors.BillOnce, ""
	case "":
		return connectors.BillUnknown, ""
	}
	return connectors.BillUnknown, fmt.Sprintf("billing frequency %q is not one seats knows (monthly, annual, once); kept as unknown", field.Clip(s))
}

// readStatus reads a subscription's state; blank is active, since a file
// of what the distributor bills lists what is billed.
func readStatus(s string) (status connectors.SubscriptionStatus, raw, warning string) {
	raw = strings.TrimSpace(s)
	switch field.FoldEnum(s) {
	case "", "active":
		return connectors.StatusActive, raw, ""
	case "pendingcancel", "pendingcancellation", "pendingcancelation", "cancelpending":
		return connectors.StatusPendingCancel, raw, ""
	case "suspended":
		return connectors.StatusSuspended, raw, ""
	case "cancelled", "canceled":
		return connectors.StatusCancelled, raw, ""
	case "trial":
		return connectors.StatusTrial, raw, ""
	case "pending":
		return connectors.StatusPending, raw, ""
	}
	return connectors.StatusUnknown, field.Clip(raw), fmt.Sprintf("status %q is not one seats knows; kept as unknown and not counted", field.Clip(raw))
}

// readAccountStatus reads account_status: a small enum the MSP writes, so
// an unknown value is an error rather than a guess.
func readAccountStatus(s string) (bool, error) {
	switch field.FoldEnum(s) {
	case "", "active":
		return true, nil
	case "inactive", "deleted":
		return false, nil
	}
	return true, fmt.Errorf("%q is not an account status; write active or inactive", field.Clip(s))
}

// timeLayouts are what may follow the date: the time is ignored (a day is
// a day), but it must be a time, so that "2025-04-03 or so" is refused.
var timeLayouts = []string{
	"15:04:05Z07:00", "15:04:05Z0700", "15:04:05", "15:04Z07:00", "15:04",
}

// readDate reads a calendar day, YYYY-MM-DD, optionally followed by "T" or a
// space and a time of day that is ignored: the day is taken as written, at
// midnight UTC, whatever the offset, because the file means a day.
func readDate(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, nil
	}
	day, rest := v, ""
	if len(v) > 10 {
		day, rest = v[:10], v[10:]
	}
	t, err := time.Parse("2006-01-02", day)
	if err == nil && rest != "" {
		err = readTimeOfDay(rest)
	}
	if err != nil {
		if strings.ContainsAny(v, "/.") {
			return time.Time{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD (e.g. 2025-04-03); day and month in another order are ambiguous", field.Clip(v))
		}
		return time.Time{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD (e.g. 2025-04-03)", field.Clip(v))
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("%q is not a plausible date (the year is outside %d-%d)", field.Clip(v), minYear, maxYear)
	}
	return t, nil
}

func readTimeOfDay(rest string) error {
	if rest[0] != 'T' && rest[0] != ' ' {
		return errors.New("not a time")
	}
	for _, layout := range timeLayouts {
		if _, err := time.Parse(layout, rest[1:]); err == nil {
			return nil
		}
	}
	return errors.New("not a time")
}

// readGUID reads a GUID (bare, or in braces as some exports write it) into
// its canonical lower-case form; what names the column says what it is for.
func readGUID(s, what string) (string, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", nil
	}
	if id, ok := guid(v); ok {
		return id, nil
	}
	return "", fmt.Errorf("%q is not %s (a GUID such as 0f3c6a52-52cc-4d69-9b7e-5b2f2f6e7a10)", field.Clip(v), what)
}

// guid reports whether v is a GUID and returns it canonical.
func guid(v string) (string, bool) {
	if len(v) != 36 && len(v) != 38 { // bare or in braces; not urn: or 32 hex digits
		return "", false
	}
	id, err := uuid.Parse(v)
	if err != nil || id == uuid.Nil {
		return "", false
	}
	return id.String(), true
}

// readDomain turns "contoso.com", "https://www.contoso.com/about" or
// "WWW.Contoso.com" into a bare lower-case host without "www.".
func readDomain(s string) (string, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", nil
	}
	in := v
	if !strings.Contains(in, "://") {
		in = "http://" + in
	}
	u, err := url.Parse(in)
	host := ""
	if err == nil {
		host = strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), "www.")
	}
	if !field.PlausibleHost(host) {
		return "", fmt.Errorf("%q is not a domain such as contoso.com", field.Clip(v))
	}
	return host, nil
}

// isMicrosoftVendor reports whether a vendor column names Microsoft.
func isMicrosoftVendor(vendor string) bool {
	v := strings.ToLower(strings.TrimSpace(vendor))
	return v == "microsoft" || strings.HasPrefix(v, "microsoft ")
}

// looksMicrosoft decides a row without a vendor: seats is a Microsoft
// licence tool and most rows of such a file are Microsoft's, but calling an
// Acronis line Microsoft would send it to SKU matching, so only evidence
// counts: a SKU id, a part number or name of seats' catalogue, a Microsoft
// CSP product id ("CFQ7TTC0LCHC:0002"), or a name Microsoft's products
// start with.
func looksMicrosoft(sku, name string) bool {
	s := strings.TrimSpace(sku)
	if _, ok := guid(s); ok {
		return true
	}
	if s != "" && (len(skus.ByPartNumber(s)) > 0 || strings.HasPrefix(strings.ToUpper(s), "CFQ7TTC0")) {
		return true
	}
	n := strings.ToLower(strings.Join(strings.Fields(name), " "))
	if n == "" {
		return false
	}
	for _, p := range []string{"microsoft ", "office 365", "dynamics 365", "exchange online", "power bi"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return len(skus.ByName(n)) > 0
}
