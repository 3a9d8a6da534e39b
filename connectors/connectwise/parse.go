package connectwise

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// timeLayouts are the date spellings ConnectWise uses, tried in order: its
// own "2024-01-01T00:00:00Z", with fractions or offsets where a proxy or an
// older release writes them, without a zone (UTC), and a bare date.
var timeLayouts = []string{
	time.RFC3339,          // 2024-01-01T00:00:00Z, 2024-01-01T00:00:00.5+02:00
	"2006-01-02T15:04:05", // no zone: ConnectWise means UTC
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
}

// ParseTime reads a ConnectWise date ("2024-01-01T00:00:00Z", and the
// other spellings in timeLayouts) and returns it in UTC. A date without a
// time is midnight UTC; a time without a zone is UTC. Surrounding spaces are
// ignored. The error quotes the text (dates are never secret), clipped.
func ParseTime(s string) (time.Time, error) {
	return field.Time(s, timeLayouts)
}

// optionalTime reads a date field that may be null: "" is the zero time
// without a warning; an unreadable date is the zero time with one.
func optionalTime(name, s string) (time.Time, string) {
	return field.OptionalTime(name, s, ParseTime)
}

// ParseQuantity reads an addition's quantity, which ConnectWise keeps as a
// float. Seats are whole: a fractional quantity is truncated toward zero
// and flagged, a negative one kept and flagged, one beyond a million or
// unreadable counts as 0 and is flagged. whole is false for anything but
// a plain whole number of seats (a write refuses such a line: the number
// seats would compare is not the number ConnectWise holds).
func ParseQuantity(n json.Number) (q int, whole bool, warning string) {
	return field.Quantity(string(n), "ConnectWise", "quantity")
}

// parseMoney reads one of ConnectWise's amounts (unitPrice, price...) in
// currency. An absent amount is the unknown Money, without a warning; one
// that is not a number is blank with a warning; one finer than the
// currency's minor unit is rounded and flagged.
func parseMoney(name string, n json.Number, currency string) (connectors.Money, string) {
	return field.Money(name, string(n), currency)
}

// tenantIDsFrom returns the Microsoft tenant ids a company's custom fields
// hold: a field whose caption mentions a tenant ("Microsoft Tenant ID",
// "M365 Tenant", "Azure tenant id") and whose value is a GUID. MSPs who
// track tenants in ConnectWise keep them this way; it is evidence for
// matching, still checked against the tenants seats can see.
func tenantIDsFrom(fields []wireCustomField) []string {
	var out []string
	for _, f := range fields {
		if !strings.Contains(strings.ToLower(f.Caption), "tenant") {
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

// companyType classifies a company by the names of its types, which each
// MSP chooses: a client or customer type wins (a vendor the MSP also bills
// is billed), then prospect or lead, then vendor or supplier; without a
// telling name the vendor and lead flags decide, else "other".
func companyType(names []string, isVendor, lead bool) connectors.CompanyType {
	has := func(words ...string) bool {
		for _, n := range names {
			l := strings.ToLower(n)
			for _, w := range words {
				if strings.Contains(l, w) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("client", "customer"):
		return connectors.CompanyClient
	case has("prospect", "lead"):
		return connectors.CompanyProspect
	case has("vendor", "supplier", "distributor", "manufacturer"):
		return connectors.CompanyVendor
	case isVendor:
		return connectors.CompanyVendor
	case lead:
		return connectors.CompanyProspect
	}
	return connectors.CompanyOther
}

// agreementState reads an agreement's state at now. ConnectWise has a
// status (Active, Cancelled, Expired, Inactive), a cancelled flag with its
// date, and an end date that may have passed without the status catching
// up; the strongest sign wins. An agreement cancelled from a date still to
// come is active until then. Inactive is read as expired (it bills
// nothing), flagged; an unknown status counts as active, flagged.
func agreementState(a wireAgreement, now time.Time) (connectors.AgreementState, []string) {
	var warns []string
	cancelledOn, w := optionalTime("agreement dateCancelled", a.DateCancelled)
	warns = field.Warn(warns, w)
	end, w := optionalTime("agreement endDate", a.EndDate)
	warns = field.Warn(warns, w)
	status := field.FoldEnum(a.AgreementStatus)
	switch {
	case a.CancelledFlag || status == "cancelled":
		if !cancelledOn.IsZero() && cancelledOn.After(now) {
			return connectors.AgreementActive, append(warns, "the agreement is cancelled from "+cancelledOn.Format("2006-01-02"))
		}
		return connectors.AgreementCancelled, warns
	case status == "expired":
		return connectors.AgreementExpired, warns
	case !a.NoEndingDateFlag && !end.IsZero() && !now.Before(end.AddDate(0, 0, 1)):
		// The end date is the last day billed.
		return connectors.AgreementExpired, warns
	case status == "inactive":
		return connectors.AgreementExpired, append(warns, "agreement status Inactive: read as not billing")
	case status == "active" || status == "":
		return connectors.AgreementActive, warns
	}
	return connectors.AgreementActive, append(warns, fmt.Sprintf("agreement status %q is not one seats knows; read as active", field.Clip(a.AgreementStatus)))
}

// billed reads billCustomer: only Billable is billed; DoNotBill and
// NoCharge are not, and an unknown or missing value is not either, flagged,
// since counting a line that is not invoiced would hide under-billing.
func billed(billCustomer string) (bool, string) {
	switch field.FoldEnum(billCustomer) {
	case "billable":
		return true, ""
	case "donotbill", "nocharge":
		return false, ""
	case "":
		return false, "billCustomer is missing; read as not billed"
	}
	return false, fmt.Sprintf("billCustomer %q is not one seats knows; read as not billed", field.Clip(billCustomer))
}
