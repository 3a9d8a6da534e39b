package pax8

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
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

// ParseTime reads a Pax8 timestamp in any of the spellings the API uses
// ("2023-08-11T11:33:12.314-0600", "2025-07-13", "2021-01-01T08:30:00Z"...)
// and returns it in UTC. A date without a time is midnight UTC; a time
// without a zone is UTC. Surrounding spaces are ignored. The error says what
// the text was (it is never a secret: dates only).
func ParseTime(s string) (time.Time, error) {
	return field.Time(s, timeLayouts)
}

// mapStatus normalises a Pax8 subscription status. Matching ignores case
// and spaces, since the enum has been written both ways in Pax8's own
// documents. The second result is a warning when the status is not one
// seats knows (the subscription is kept as StatusUnknown) or is mapped on a
// reading that is not confirmed.
func mapStatus(raw string) (connectors.SubscriptionStatus, string) {
	switch field.FoldEnum(raw) {
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
	return connectors.StatusUnknown, fmt.Sprintf("Pax8 status %q is not one seats knows; kept as unknown", field.Clip(raw))
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
	switch field.FoldEnum(c.Term) {
	case "monthly", "1month", "month", "p1m", "none", "nocommitment":
		return connectors.TermMonthly, ""
	case "1year", "annual", "yearly", "year", "p1y", "12months":
		return connectors.TermAnnual, ""
	case "3year", "3years", "triennial", "p3y", "36months":
		return connectors.TermTriennial, ""
	}
	return connectors.TermUnknown, fmt.Sprintf("commitment term %q is not one seats knows; kept as unknown", field.Clip(c.Term))
}

// mapBilling reads billingTerm, which is how often Pax8 invoices the
// subscription. "Trial" bills nothing, so it has no frequency and needs no
// warning (the status says trial). "2-Year" and "3-Year" billing (paid in
// advance for the whole term) has no frequency in seats and is flagged.
func mapBilling(raw string) (connectors.BillingFrequency, string) {
	switch field.FoldEnum(raw) {
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
	return connectors.BillUnknown, fmt.Sprintf("billing term %q has no billing frequency in seats; kept as unknown", field.Clip(raw))
}

// parseQuantity reads Pax8's quantity, which the spec types as a number.
// Seats are whole and not negative: anything else is kept as near as an
// int allows and flagged, never silently converted: a fractional quantity
// is truncated toward zero, a negative one kept, one beyond field.MaxQuantity or
// unreadable counts as 0.
func parseQuantity(n json.Number) (int, string) {
	q, _, w := field.Quantity(string(n), "Pax8", "quantity")
	return q, w
}

// parsePrice reads one of Pax8's amounts (price, partnerCost) in the row's
// currency. An absent amount is the unknown Money with no warning: Pax8
// often omits partnerCost, and seats shows a blank rather than a made-up
// figure. An amount it cannot place (no currency, an unknown currency, not a
// number) is also blank, with a warning; one finer than the currency's minor
// unit is rounded and flagged.
func parsePrice(name string, n json.Number, currency string) (connectors.Money, string) {
	return field.Money(name, string(n), currency)
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
	return "", fmt.Sprintf("vendorSkuId %q is not a Microsoft SKU id; the product is matched by name", field.Clip(v))
}

// accountActive reads a company's status: Pax8 has Active, Inactive and
// Deleted. Only the last two are inactive; an unknown or missing status
// keeps the company active, since hiding a customer who pays is worse than
// showing one who left.
func accountActive(status string) bool {
	switch field.FoldEnum(status) {
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
