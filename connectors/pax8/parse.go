package pax8

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

// timeLayouts are the timestamp spellings Pax8 uses, tried in order. One
// API answer mixes them: "2021-01-01T08:30:00Z" (startDate),
// "2020-12-01T13:20:13.153-0700" (createdDate, updatedDate: an offset
// without a colon, which time.RFC3339 refuses) and "2025-07-13" (billingStart,
// sometimes createdDate). A fractional second is optional in every layout
// with seconds: Go accepts one after the seconds even when the layout has none.
var timeLayouts = []string{
	time.RFC3339,                // 2021-01-01T08:30:00Z, 2021-01-01T08:30:00.5+02:00
	"2006-01-02T15:04:05Z0700",  // 2023-08-11T11:33:12.314-0600, ...Z
	"2006-01-02T15:04:05Z07",    // 2023-08-11T11:33:12-06
	"2006-01-02T15:04:05",       // no zone: Pax8 means UTC
	"2006-01-02T15:04Z07:00",    // minutes only
	"2006-01-02",                // a date alone: midnight UTC
	"2006-01-02 15:04:05Z07:00", // a space for the T, as some exports write
	"2006-01-02 15:04:05Z0700",  //
	"2006-01-02 15:04:05",       //
}

// Years outside this range are faults in the data, not dates of a
// subscription; refusing them also keeps every accepted time printable in
// RFC 3339 after conversion to UTC.
const (
	minYear = 1900
	maxYear = 9000
)

// ParseTime reads a Pax8 timestamp in any of the spellings the API uses
// ("2023-08-11T11:33:12.314-0600", "2025-07-13", "2021-01-01T08:30:00Z"...)
// and returns it in UTC. A date without a time is midnight UTC; a time
// without a zone is UTC. Surrounding spaces are ignored. The error says what
// the text was (it is never a secret: dates only).
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

// clip bounds text from the API quoted in a warning or error, and makes it
// one line of valid UTF-8 without control characters, so that a hostile
// value cannot fill the screen or move the cursor.
func clip(s string) string { return oneLine(s, 60) }

// maxWarningRunes bounds a whole warning.
const maxWarningRunes = 300

// oneLine returns s as valid UTF-8 with control characters turned into
// spaces, at most max runes, ending in "…" when cut.
func oneLine(s string, max int) string {
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

// mapStatus normalises a Pax8 subscription status. Matching ignores case
// and spaces, since the enum has been written both ways in Pax8's own
// documents. The second result is a warning when the status is not one
// seats knows (the subscription is kept as StatusUnknown) or is mapped on a
// reading that is not confirmed.
func mapStatus(raw string) (connectors.SubscriptionStatus, string) {
	switch normEnum(raw) {
	case "active", "activated":
		// Activated is the end of the retired PendingActivation flow: a
		// subscription that bills.
		return connectors.StatusActive, ""
	case "converted":
		// Pax8: "when a trial is converted to a paid subscription". Whether
		// the paid seats then live on this record or on a new one is not
		// documented; counting it as active may count seats twice, so it
		// says so.
		return connectors.StatusActive, `Pax8 status "Converted" (a trial turned paid) is counted as active; check that its seats are not also on another subscription`
	case "pendingcancel":
		return connectors.StatusPendingCancel, ""
	case "cancelled", "canceled":
		return connectors.StatusCancelled, ""
	case "trial":
		return connectors.StatusTrial, ""
	case "pendingmanual", "pendingautomated", "waitingfordetails", "pendingactivation":
		return connectors.StatusPending, ""
	case "suspended":
		// Not in the spec's enum, but the Pax8 app shows suspended
		// subscriptions; if the API ever spells one so, it means this.
		return connectors.StatusSuspended, ""
	}
	if strings.TrimSpace(raw) == "" {
		return connectors.StatusUnknown, "Pax8 gave no status; kept as unknown"
	}
	return connectors.StatusUnknown, fmt.Sprintf("Pax8 status %q is not one seats knows; kept as unknown", clip(raw))
}

// mapTerm reads the commitment (not the billing frequency) from
// commitmentTerm.term: one year is annual, three years triennial, and a
// subscription without a commitment term (Pax8 sends null for monthly
// ones) is monthly. A term seats has no value for ("2-Year", or a spelling
// never seen) is TermUnknown with a warning.
func mapTerm(c *wireCommitment) (connectors.Term, string) {
	if c == nil || strings.TrimSpace(c.Term) == "" {
		return connectors.TermMonthly, ""
	}
	switch normEnum(c.Term) {
	case "monthly", "1month", "month", "p1m", "none", "nocommitment":
		return connectors.TermMonthly, ""
	case "1year", "annual", "yearly", "year", "p1y", "12months":
		return connectors.TermAnnual, ""
	case "3year", "3years", "triennial", "p3y", "36months":
		return connectors.TermTriennial, ""
	}
	return connectors.TermUnknown, fmt.Sprintf("commitment term %q is not one seats knows; kept as unknown", clip(c.Term))
}

// mapBilling reads billingTerm, which is how often Pax8 invoices the
// subscription. "Trial" bills nothing, so it has no frequency and needs no
// warning (the status says trial). "2-Year" and "3-Year" billing (paid in
// advance for the whole term) has no frequency in seats and is flagged.
func mapBilling(raw string) (connectors.BillingFrequency, string) {
	switch normEnum(raw) {
	case "monthly":
		return connectors.BillMonthly, ""
	case "annual", "yearly", "1year":
		return connectors.BillAnnual, ""
	case "onetime", "once", "activation":
		return connectors.BillOnce, ""
	case "trial":
		return connectors.BillUnknown, ""
	case "":
		return connectors.BillUnknown, "Pax8 gave no billing term"
	}
	return connectors.BillUnknown, fmt.Sprintf("billing term %q has no billing frequency in seats; kept as unknown", clip(raw))
}

// normEnum folds an enum value for matching: lower case, without spaces,
// hyphens and underscores ("Pending Cancel", "PENDING_CANCEL" and
// "PendingCancel" are one status; "1-Year" and "1 Year" one term).
func normEnum(s string) string {
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

// maxQuantity bounds a plausible seat count; more is a fault in the data.
const maxQuantity = 1_000_000

// parseQuantity reads Pax8's quantity, which the spec types as a number.
// Seats are whole and not negative: anything else is kept as near as an
// int allows and flagged, never silently converted: a fractional quantity
// is truncated toward zero, a negative one kept, one beyond maxQuantity or
// unreadable counts as 0.
func parseQuantity(n json.Number) (int, string) {
	s := strings.TrimSpace(string(n))
	if s == "" {
		return 0, "Pax8 gave no quantity; counted as 0"
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, fmt.Sprintf("quantity %q is not a number; counted as 0", clip(s))
	}
	if d.Abs().GreaterThan(decimal.NewFromInt(maxQuantity)) {
		return 0, fmt.Sprintf("quantity %s is not a plausible seat count; counted as 0", clip(s))
	}
	q := int(d.Truncate(0).IntPart())
	switch {
	case !d.IsInteger():
		return q, fmt.Sprintf("quantity %s is not a whole number of seats; counted as %d", clip(s), q)
	case q < 0:
		return q, fmt.Sprintf("quantity %d is negative", q)
	}
	return q, ""
}

// parsePrice reads one of Pax8's amounts (price, partnerCost) in the row's
// currency. An absent amount is the unknown Money with no warning: Pax8
// often omits partnerCost, and seats shows a blank rather than a made-up
// figure. An amount it cannot place (no currency, an unknown currency, not a
// number) is also blank, with a warning; one finer than the currency's minor
// unit is rounded and flagged.
func parsePrice(field string, n json.Number, currency string) (connectors.Money, string) {
	amount := strings.TrimSpace(string(n))
	if amount == "" {
		return connectors.Money{}, ""
	}
	if strings.TrimSpace(currency) == "" {
		return connectors.Money{}, fmt.Sprintf("%s %s has no currency; left blank", field, clip(amount))
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

// tenantIDFrom returns the company's externalId as a Microsoft tenant id
// when it is a GUID (lower case, hyphenated); "" otherwise. externalId is a
// free field partners fill as they like (often a PSA id); Pax8's own guide
// suggests storing the tenant id there, so a GUID is offered, not trusted:
// matching still checks it against the tenants seats can see.
func tenantIDFrom(externalID string) string {
	v := strings.TrimSpace(externalID)
	if len(v) != 36 && len(v) != 38 { // bare or in braces; not urn: or 32 hex digits
		return ""
	}
	id, err := uuid.Parse(v)
	if err != nil || id == uuid.Nil {
		return ""
	}
	return id.String()
}

// guidOrVerbatim lower-cases a GUID into its canonical form and returns
// anything else trimmed as it came.
func guidOrVerbatim(s string) string {
	v := strings.TrimSpace(s)
	if len(v) == 36 {
		if id, err := uuid.Parse(v); err == nil {
			return id.String()
		}
	}
	return v
}

// skuIDFrom returns vendorSkuId as a Graph skuId (a GUID), or "" with a
// warning when it is not one: matching would otherwise compare a value that
// can never equal a skuId.
func skuIDFrom(vendorSkuID string) (string, string) {
	v := strings.TrimSpace(vendorSkuID)
	if v == "" {
		return "", ""
	}
	if len(v) == 36 {
		if id, err := uuid.Parse(v); err == nil {
			return id.String(), ""
		}
	}
	return "", fmt.Sprintf("vendorSkuId %q is not a Microsoft SKU id; the product is matched by name", clip(v))
}

// domainFrom turns the company's website (free text: "https://www.contoso.com/about",
// "contoso.com", "WWW.Contoso.com:443") into a bare lower-case host without
// "www.", or "" when it holds no plausible domain name.
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
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	host = strings.TrimPrefix(host, "www.")
	if !plausibleHost(host) {
		return ""
	}
	return host
}

// plausibleHost accepts DNS names of at least two labels made of letters,
// digits and hyphens (IDNs in their xn-- form, or as Unicode letters).
func plausibleHost(h string) bool {
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

// accountActive reads a company's status: Pax8 has Active, Inactive and
// Deleted. Only the last two are inactive; an unknown or missing status
// keeps the company active, since hiding a customer who pays is worse than
// showing one who left.
func accountActive(status string) bool {
	switch normEnum(status) {
	case "inactive", "deleted":
		return false
	}
	return true
}

// isMicrosoftVendor reports whether a product's vendorName is Microsoft
// ("Microsoft", "Microsoft Corporation", "microsoft").
func isMicrosoftVendor(vendor string) bool {
	v := strings.ToLower(strings.TrimSpace(vendor))
	return v == "microsoft" || strings.HasPrefix(v, "microsoft ")
}
