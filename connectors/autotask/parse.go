package autotask

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
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

// ParseTime reads an Autotask date and returns it in UTC. A date without
// a time is midnight UTC; a time without a zone is UTC. The error quotes
// the text, clipped.
func ParseTime(s string) (time.Time, error) {
	return field.Time(s, timeLayouts)
}

// optionalTime reads a date that may be null: "" is the zero time without
// a warning; an unreadable date is the zero time with one.
func optionalTime(name, s string) (time.Time, string) {
	return field.OptionalTime(name, s, ParseTime)
}

// ParseUnits reads a units row's units. Autotask documents them as whole,
// yet databases hold fractions (units of hours, imported data): a
// fractional count is truncated toward zero and flagged, a negative one
// kept and flagged, one beyond a million or unreadable counts as 0 and is
// flagged. whole is false for anything but a plain whole number (a write
// refuses such a line: the delta seats would post would not reach the
// number asked for).
func ParseUnits(n json.Number) (q int, whole bool, warning string) {
	return field.Quantity(string(n), "Autotask", "units")
}

// parseMoney reads one of Autotask's amounts in currency: absent is the
// unknown Money without a warning; not a number is blank with a warning;
// finer than the minor unit is rounded and flagged.
func parseMoney(name string, n json.Number, currency string) (connectors.Money, string) {
	return field.Money(name, string(n), currency)
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
	switch field.FoldEnum(label) {
	case "":
		return "", ""
	case "monthly", "month":
		return connectors.BillMonthly, ""
	case "yearly", "annual", "annually", "year":
		return connectors.BillAnnual, ""
	case "onetime":
		return connectors.BillOnce, ""
	}
	return connectors.BillUnknown, fmt.Sprintf("period type %q is not monthly or yearly: its price is not turned into a monthly amount", field.Clip(label))
}
