package partnercenter

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// timeLayouts are the timestamp spellings Partner Center's documents show,
// tried in order: "2017-04-10T23:02:26.02Z", "2019-01-09T00:21:45.9263727+00:00"
// (RFC 3339 with up to seven fractional digits, which Go accepts after the
// seconds whatever the layout says), "2016-02-04T19:29:38.037" (no zone, in
// the analytics samples: UTC), and a date alone.
var timeLayouts = []string{
	time.RFC3339,               // 2017-04-10T23:02:26.02Z, 2019-01-09T00:21:45.9263727+00:00
	"2006-01-02T15:04:05Z0700", // an offset without a colon
	"2006-01-02T15:04:05",      // no zone: UTC
	"2006-01-02T15:04Z07:00",   // minutes only
	"2006-01-02",               // a date alone: midnight UTC
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
}

// noDateBefore and noDateAfter bound the years Partner Center writes for
// "no date": .NET's DateTime.MinValue (0001-01-01) and the far future it
// gives a subscription without a commitment (9999-12-10 in its samples).
const (
	noDateBefore = 1753 // SQL Server's first year; nothing real is older
	noDateAfter  = 9000
)

// ParseTime reads a Partner Center timestamp in any of the spellings its
// documents show and returns it in UTC. A date without a time is midnight
// UTC; a time without a zone is UTC. Surrounding spaces are ignored. The
// error says what the text was (dates only, never a secret).
func ParseTime(s string) (time.Time, error) {
	return field.Time(s, timeLayouts)
}

// isNoDate reports whether s is one of Partner Center's stand-ins for "no
// date" (year 1 or 9999, in any spelling it uses): such a date means the
// subscription has no commitment end, not a date to warn about.
func isNoDate(s string) bool {
	v := strings.TrimSpace(s)
	if len(v) < 4 {
		return false
	}
	y := 0
	for _, r := range v[:4] {
		if r < '0' || r > '9' {
			return false
		}
		y = y*10 + int(r-'0')
	}
	if len(v) > 4 && v[4] != '-' {
		return false
	}
	return y < noDateBefore || y > noDateAfter
}

// mapStatus normalises a Partner Center subscription status (SDK enum:
// none, active, suspended, deleted, expired, pending, disabled). An active
// trial is a trial. Expired and deleted subscriptions bill nothing more:
// cancelled. Disabled (Microsoft stopped it) bills nothing either but may
// come back: suspended. The second result is a warning for a status seats
// does not know (kept as StatusUnknown).
func mapStatus(raw string, trial bool) (connectors.SubscriptionStatus, string) {
	switch field.FoldEnum(raw) {
	case "active":
		if trial {
			return connectors.StatusTrial, ""
		}
		return connectors.StatusActive, ""
	case "suspended", "disabled":
		return connectors.StatusSuspended, ""
	case "deleted", "expired", "cancelled", "canceled":
		return connectors.StatusCancelled, ""
	case "pending":
		return connectors.StatusPending, ""
	}
	if strings.TrimSpace(raw) == "" {
		return connectors.StatusUnknown, "Partner Center gave no status; kept as unknown"
	}
	return connectors.StatusUnknown, fmt.Sprintf("Partner Center status %q is not one seats knows; kept as unknown", field.Clip(raw))
}

// mapTerm reads the commitment from termDuration (ISO 8601: P1M, P1Y, P3Y;
// P12M and P36M are read alike). A subscription without one (legacy
// subscriptions predate it) takes its term from its billing cycle: annual
// or triennial billing means that commitment, monthly billing a monthly
// one. A term seats has no value for (P2Y, say) is TermUnknown with a
// warning.
func mapTerm(termDuration, billingCycle string) (connectors.Term, string) {
	switch field.FoldEnum(termDuration) {
	case "p1m", "p30d", "monthly":
		return connectors.TermMonthly, ""
	case "p1y", "p12m", "p365d", "annual", "yearly":
		return connectors.TermAnnual, ""
	case "p3y", "p36m", "triennial":
		return connectors.TermTriennial, ""
	case "":
		switch field.FoldEnum(billingCycle) {
		case "monthly":
			return connectors.TermMonthly, ""
		case "annual":
			return connectors.TermAnnual, ""
		case "triennial":
			return connectors.TermTriennial, ""
		}
		return connectors.TermUnknown, "Partner Center gave no termDuration and the billing cycle does not imply one; term unknown"
	}
	return connectors.TermUnknown, fmt.Sprintf("term %q is not one seats knows; kept as unknown", field.Clip(termDuration))
}

// mapBilling reads billingCycle, how often Microsoft invoices the
// subscription. "none" is what trials and usage-billed subscriptions have
// (no invoice per seat): unknown without a warning for those. Triennial
// and biennial billing (the whole term paid up front) have no frequency in
// seats and are flagged.
func mapBilling(raw string, trial bool, billingType string) (connectors.BillingFrequency, string) {
	switch field.FoldEnum(raw) {
	case "monthly":
		return connectors.BillMonthly, ""
	case "annual", "yearly":
		return connectors.BillAnnual, ""
	case "onetime", "once":
		return connectors.BillOnce, ""
	case "none":
		if trial || field.FoldEnum(billingType) == "usage" {
			return connectors.BillUnknown, ""
		}
		return connectors.BillUnknown, "Partner Center gives this subscription no billing cycle"
	case "", "unknown":
		return connectors.BillUnknown, "Partner Center gave no billing cycle"
	}
	return connectors.BillUnknown, fmt.Sprintf("billing cycle %q has no billing frequency in seats; kept as unknown", field.Clip(raw))
}

// parseQuantity reads quantity, a number (or a number written as a JSON
// string). Seats are whole and not negative: anything else is kept as near
// as an int allows and flagged, never silently converted.
func parseQuantity(raw json.RawMessage) (int, string) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, "Partner Center gave no quantity; counted as 0"
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, "quantity is not readable; counted as 0"
		}
		s = strings.TrimSpace(str)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, fmt.Sprintf("quantity %q is not a number; counted as 0", field.Clip(s))
	}
	if d.Abs().GreaterThan(decimal.NewFromInt(field.MaxQuantity)) {
		return 0, fmt.Sprintf("quantity %s is not a plausible seat count; counted as 0", field.Clip(s))
	}
	q := int(d.Truncate(0).IntPart())
	switch {
	case !d.IsInteger():
		return q, fmt.Sprintf("quantity %s is not a whole number of seats; counted as %d", field.Clip(s), q)
	case q < 0:
		return q, fmt.Sprintf("quantity %d is negative", q)
	}
	return q, ""
}

// guidOrVerbatim lower-cases a GUID into its canonical form (Partner
// Center writes GUIDs in upper case, Graph in lower case) and returns
// anything else trimmed as it came.
func guidOrVerbatim(s string) string {
	v := strings.TrimSpace(s)
	if len(v) == 36 || len(v) == 38 {
		if id, err := uuid.Parse(v); err == nil {
			return id.String()
		}
	}
	return v
}

// tenantIDFrom returns id as a canonical tenant id when it is a GUID, ""
// otherwise.
func tenantIDFrom(id string) string {
	v := strings.TrimSpace(id)
	if len(v) != 36 && len(v) != 38 {
		return ""
	}
	u, err := uuid.Parse(v)
	if err != nil || u == uuid.Nil {
		return ""
	}
	return u.String()
}

// isMicrosoft decides whether a subscription is Microsoft's own product:
// isMicrosoftProduct where Partner Center says, else the publisher's name,
// else yes (legacy subscriptions carry neither, and all of those are
// Microsoft's online services).
func isMicrosoft(w wireSubscription) bool {
	if w.IsMicrosoftProduct != nil {
		return *w.IsMicrosoftProduct
	}
	if p := strings.ToLower(strings.TrimSpace(w.PublisherName)); p != "" {
		return p == "microsoft" || strings.HasPrefix(p, "microsoft ")
	}
	return true
}

// accountFrom maps a customer. The customer id is the tenant id (Partner
// Center's documents use them interchangeably); companyProfile.tenantId
// is taken where the id is not a GUID.
func accountFrom(w wireCustomer) connectors.DistributorAccount {
	id := guidOrVerbatim(w.ID)
	if id == "" {
		id = guidOrVerbatim(w.CompanyProfile.TenantID)
	}
	a := connectors.DistributorAccount{
		ID:     id,
		Name:   strings.TrimSpace(w.CompanyProfile.CompanyName),
		Domain: field.Domain(w.CompanyProfile.Domain),
		// Partner Center lists no inactive customers: a customer listed
		// is one the partner has.
		Active: true,
	}
	tenant := tenantIDFrom(w.ID)
	if tenant == "" {
		tenant = tenantIDFrom(w.CompanyProfile.TenantID)
	}
	if tenant != "" {
		a.TenantID, a.TenantIDSource = tenant, TenantIDSource
	}
	return a
}

// subscriptionFrom maps one subscription of the customer accountID.
func subscriptionFrom(accountID string, w wireSubscription) connectors.DistributorSubscription {
	var warnings []string
	warn := func(s string) {
		if s != "" {
			warnings = append(warnings, field.OneLine(s, field.MaxWarningRunes))
		}
	}
	name := strings.TrimSpace(w.OfferName)
	if name == "" {
		// friendlyName is the partner's own nickname for the
		// subscription: a name, if not the product's.
		name = strings.TrimSpace(w.FriendlyName)
	}
	microsoft := isMicrosoft(w)
	vendor := strings.TrimSpace(w.PublisherName)
	if vendor == "" && microsoft {
		vendor = "Microsoft"
	}
	offer := strings.TrimSpace(w.OfferID)
	s := connectors.DistributorSubscription{
		ID:        guidOrVerbatim(w.ID),
		AccountID: accountID,
		Product: connectors.DistributorProduct{
			ID:        offer,
			Name:      name,
			VendorSKU: offer, // Microsoft is the vendor: its offer id is the part number
			Vendor:    vendor,
		},
		RawStatus: strings.TrimSpace(w.Status),
		Microsoft: microsoft,
	}
	if microsoft {
		// Expected, not confirmed, to be Graph's commerceSubscriptionId of
		// the same subscription (distributors.md §5; microsoft.md §2.3):
		// matching offers it as evidence and checks it against the
		// tenants. Another publisher's id never matches Graph, so it is
		// not offered. Partner Center's offerId is not a Graph skuId, so
		// SkuID stays empty and products are matched by name.
		s.MicrosoftSubscriptionID = guidOrVerbatim(w.ID)
	}
	var msg string
	s.Quantity, msg = parseQuantity(w.Quantity)
	s.QuantityDoubtful = msg != ""
	warn(msg)
	s.Status, msg = mapStatus(w.Status, w.IsTrial)
	warn(msg)
	s.Term, msg = mapTerm(w.TermDuration, w.BillingCycle)
	warn(msg)
	s.BillingFrequency, msg = mapBilling(w.BillingCycle, w.IsTrial, w.BillingType)
	warn(msg)
	s.StartDate = readDate("effectiveStartDate", w.EffectiveStartDate, warn)
	if s.StartDate.IsZero() {
		s.StartDate = readDate("creationDate", w.CreationDate, warn)
	}
	s.CommitmentEnd = readDate("commitmentEndDate", w.CommitmentEndDate, warn)
	// A subscription that will not renew stops billing when its
	// commitment ends; a deleted one ended on a day Partner Center does
	// not give.
	if w.AutoRenewEnabled != nil && !*w.AutoRenewEnabled && !s.CommitmentEnd.IsZero() && field.FoldEnum(w.Status) != "deleted" {
		s.EndDate = s.CommitmentEnd
	}
	s.Warnings = warnings
	return s
}

// readDate parses an optional date, warning when it is present but
// unreadable (the zero time then stands for "not known"). Partner Center's
// stand-ins for no date (year 1, year 9999) are the zero time without a
// warning.
func readDate(field, v string, warn func(string)) time.Time {
	if strings.TrimSpace(v) == "" || isNoDate(v) {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		warn(fmt.Sprintf("%s: %v", field, err))
	}
	return t
}
