package tdsynnex

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// timeLayouts are the timestamp spellings read, tried in order. Ion's
// samples show RFC 3339 ("2024-03-01T00:00:00Z", with or without fractions);
// a date alone and a time without a zone are read too, since Ion publishes
// no format and its reports write dates alone.
var timeLayouts = []string{
	time.RFC3339,               // 2024-03-01T10:11:12Z, 2024-03-01T10:11:12.123456789+02:00
	"2006-01-02T15:04:05Z0700", // +0200
	"2006-01-02T15:04:05",      // no zone: UTC
	"2006-01-02",               // a date alone: midnight UTC
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
}

// Years outside this range are faults in the data, not dates of a
// subscription; refusing them also keeps every accepted time printable in
// RFC 3339 after conversion to UTC.
const (
	minYear = 1900
	maxYear = 9000
)

// ParseTime reads an Ion timestamp ("2024-03-01T10:11:12.5Z",
// "2024-03-01", or a Unix time in seconds or milliseconds sent as a number)
// and returns it in UTC. A date without a time is midnight UTC; a time
// without a zone is UTC. The error quotes the text (dates are no secret).
func ParseTime(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, errors.New("empty date")
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		// A bare number: Unix seconds, or milliseconds when it is too big
		// to be seconds of this era.
		t := time.Unix(n, 0).UTC()
		if n > 1e11 || n < -1e11 {
			t = time.UnixMilli(n).UTC()
		}
		return inRange(t, v)
	}
	for _, layout := range timeLayouts {
		t, err := time.Parse(layout, v)
		if err == nil {
			return inRange(t.UTC(), v)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date seats can read", field.Clip(v))
}

func inRange(t time.Time, v string) (time.Time, error) {
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("date %q is out of range", field.Clip(v))
	}
	return t, nil
}

// mapStatus normalises subscriptionStatus, whose values Ion lists as a
// filter (ACCEPTED, ACTIVE, AVAILABLE, CANCELLED, COMPLETE, CONFIRMED,
// DELETED, DISABLED, ENABLED, ERROR, EXPIRED, FAILED, INITIATED,
// IN_PROGRESS, PAUSED, PENDING, RUNNING, STOPPED, SUSPENDED) and its sample
// writes in lower case; matching ignores case. Ion does not say what each
// means for billing: the clear ones are mapped, two likely ones are mapped
// with a warning saying so, and the rest (AVAILABLE, ERROR, FAILED,
// STOPPED, spellings never seen) are kept as StatusUnknown with a warning.
// An active subscription flagged isTrial is a trial.
func mapStatus(raw string, trial bool) (connectors.SubscriptionStatus, string) {
	switch field.FoldEnum(raw) {
	case "active", "enabled":
		if trial {
			return connectors.StatusTrial, ""
		}
		return connectors.StatusActive, ""
	case "running", "complete", "completed":
		if trial {
			return connectors.StatusTrial, ""
		}
		return connectors.StatusActive, fmt.Sprintf("TD SYNNEX status %q is counted as active; Ion does not document it", field.Clip(raw))
	case "pendingcancel", "pendingcancellation":
		return connectors.StatusPendingCancel, ""
	case "cancelled", "canceled", "deleted", "expired":
		return connectors.StatusCancelled, ""
	case "suspended", "disabled", "paused":
		return connectors.StatusSuspended, ""
	case "accepted", "confirmed", "initiated", "inprogress", "pending", "provisioning":
		return connectors.StatusPending, ""
	case "trial":
		return connectors.StatusTrial, ""
	}
	if strings.TrimSpace(raw) == "" {
		return connectors.StatusUnknown, "TD SYNNEX gave no status; kept as unknown"
	}
	return connectors.StatusUnknown, fmt.Sprintf("TD SYNNEX status %q is not one seats knows; kept as unknown", field.Clip(raw))
}

// mfgParts splits mfgPartNumber "PRODUCT:SKU:P1M:M" into its term (third)
// and billing (fourth) parts, "" where absent.
func mfgParts(mfg string) (term, billing string) {
	parts := strings.Split(strings.TrimSpace(mfg), ":")
	if len(parts) >= 3 {
		term = parts[2]
	}
	if len(parts) >= 4 {
		billing = parts[3]
	}
	return term, billing
}

// mapTerm reads the commitment from subscriptionBillingTerm (ISO 8601:
// P1M, P1Y, P3Y), or, when it is absent, from the term part of
// mfgPartNumber. A term seats has no value for (P2Y, a spelling never
// seen) or none at all is TermUnknown with a warning.
func mapTerm(raw, mfg string) (connectors.Term, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		v, _ = mfgParts(mfg)
	}
	switch field.FoldEnum(v) {
	case "p1m", "p30d", "1month", "month", "monthly":
		return connectors.TermMonthly, ""
	case "p1y", "p12m", "1year", "year", "annual", "yearly":
		return connectors.TermAnnual, ""
	case "p3y", "p36m", "3year", "3years", "triennial":
		return connectors.TermTriennial, ""
	case "":
		return connectors.TermUnknown, "TD SYNNEX gave no billing term; kept as unknown"
	}
	return connectors.TermUnknown, fmt.Sprintf("billing term %q is not one seats knows; kept as unknown", field.Clip(v))
}

// mapBilling reads how often the subscription is invoiced from
// subscriptionBillingCycle ("monthly"), or, when it is absent, from the
// billing letter of mfgPartNumber (M monthly, A annual).
func mapBilling(raw, mfg string) (connectors.BillingFrequency, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		_, letter := mfgParts(mfg)
		switch strings.ToUpper(strings.TrimSpace(letter)) {
		case "M":
			return connectors.BillMonthly, ""
		case "A", "Y":
			return connectors.BillAnnual, ""
		}
		return connectors.BillUnknown, "TD SYNNEX gave no billing cycle"
	}
	switch field.FoldEnum(v) {
	case "monthly", "month", "p1m":
		return connectors.BillMonthly, ""
	case "annual", "annually", "yearly", "year", "p1y":
		return connectors.BillAnnual, ""
	case "onetime", "once", "upfront":
		return connectors.BillOnce, ""
	}
	return connectors.BillUnknown, fmt.Sprintf("billing cycle %q has no billing frequency in seats; kept as unknown", field.Clip(v))
}

// parseQuantity reads the seat count from quantity, else totalLicense.
// Seats are whole and not negative: a fractional quantity is truncated
// toward zero and flagged, a negative one kept and flagged, one beyond
// field.MaxQuantity, unreadable or absent counts as 0 and is flagged.
func parseQuantity(quantity, totalLicense flex) (int, string) {
	s := quantity.String()
	if s == "" {
		s = totalLicense.String()
	}
	if s == "" {
		return 0, "TD SYNNEX gave no seat count; counted as 0"
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

// parsePrice reads price or cost in the row's currency. Ion's samples
// carry price, cost, margin, total and msrp side by side; seats reads price
// and cost as per-seat amounts for the billing period (total being the
// line's). That reading is not confirmed by TD SYNNEX. An absent amount is
// the unknown Money with no warning; one it cannot place (no currency, an
// unknown currency, not a number) is blank too, with a warning; one finer
// than the currency's minor unit is rounded and flagged.
func parsePrice(name string, amount flex, currency flex) (connectors.Money, string) {
	return field.Money(name, amount.String(), currency.String())
}

// customerID is the last segment of a customer's name
// ("accounts/{accountId}/customers/{customerId}"), or its id field when the
// name has none.
func customerID(w wireCustomer) string {
	name := strings.TrimRight(w.Name.String(), "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if strings.TrimSpace(name) != "" {
		return strings.TrimSpace(name)
	}
	return w.ID.String()
}

// customerActive reads customerStatus: only a status that says so makes a
// customer inactive; an unknown or missing one keeps it active, since
// hiding a customer who pays is worse than showing one who left.
func customerActive(status string) bool {
	switch field.FoldEnum(status) {
	case "inactive", "deleted", "disabled", "suspended", "cancelled", "canceled", "closed", "archived":
		return false
	}
	return true
}

// publicMail are mail domains anyone can have: a contact address there says
// nothing about the customer's own domain.
var publicMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "icloud.com": true, "me.com": true, "aol.com": true,
	"proton.me": true, "protonmail.com": true, "gmx.com": true, "gmx.net": true, "mail.com": true, "zoho.com": true,
}

// domainFromEmail is the domain of the customer's contact address, lower
// case, or "" when it has none, it is not a plausible host name, or it is a
// public mail service. Ion keeps no website for a customer; the contact's
// domain is the only domain it has, and matching checks it against the
// tenants' domains before trusting it.
func domainFromEmail(email string) string {
	at := strings.LastIndex(email, "@")
	if at < 0 {
		return ""
	}
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[at+1:])), ".")
	if !field.PlausibleHost(d) || publicMail[d] {
		return ""
	}
	return d
}

// canonicalGUID returns s as a lower-case hyphenated GUID, or "".
func canonicalGUID(s string) string {
	v := strings.TrimSpace(s)
	if len(v) != 36 && len(v) != 38 { // bare or in braces
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
	if id := canonicalGUID(s); id != "" {
		return id
	}
	return strings.TrimSpace(s)
}

// microsoftVendor reports whether a vendor or provider name is Microsoft's
// ("Microsoft", "MICROSOFT_CSP", "Microsoft Azure").
func microsoftVendor(v string) bool {
	return strings.Contains(strings.ToLower(v), "microsoft")
}

// tenantFromProfiles returns the Microsoft tenant id of the first cloud
// profile that has one (a GUID), from a Microsoft vendor or no vendor at
// all, and not marked inactive; "" when none has. A customer linked to two
// tenants gives the first: matching checks it against the tenants seats
// sees before trusting it.
func tenantFromProfiles(profiles []wireCloudProfile) string {
	for _, p := range profiles {
		vendor := p.Vendor.String()
		if vendor == "" {
			vendor = p.Provider.String()
		}
		if vendor != "" && !microsoftVendor(vendor) && !strings.Contains(strings.ToLower(vendor), "azure") {
			continue
		}
		if !customerActive(p.Status.String()) {
			continue
		}
		if id := canonicalGUID(p.TenantID.String()); id != "" {
			return id
		}
	}
	return ""
}

// msCatalogID matches Microsoft's own catalog product ids, which Ion
// passes through as subscriptionProductId and in mfgPartNumber:
// CFQ7TTC0LCHC (subscriptions), DZH318Z0BQ3Q (Azure), DG7GMGF0DVT0
// (software).
var msCatalogID = regexp.MustCompile(`^(?:CFQ7TTC0|DZH318Z0|DG7GMGF0)[A-Z0-9]{4}$`)

// msNamePrefixes are how Microsoft's product names begin, for a row that
// says nothing else about its vendor.
var msNamePrefixes = []string{"microsoft ", "office 365", "exchange online", "dynamics 365", "windows 365", "power bi", "power apps", "power automate", "azure ", "teams ", "project plan", "visio plan", "intune", "entra "}

// vendorOf decides whose product a subscription is: the cloud provider's
// name where Ion gives it; else a Microsoft catalog product id
// (subscriptionProductId, the first part of mfgPartNumber, or
// ccpProductInfo.productId); else the product name, with a warning that
// the vendor is a guess. vendor is "" when not known.
func vendorOf(w wireSubscription, name string) (vendor string, microsoft bool, warning string) {
	if v := w.CloudProviderName.String(); v != "" {
		return v, microsoftVendor(v), ""
	}
	ids := []string{w.SubscriptionProductID.String(), strings.Split(w.MfgPartNumber.String(), ":")[0]}
	if w.CCPProductInfo != nil {
		ids = append(ids, w.CCPProductInfo.ProductID.String())
	}
	for _, id := range ids {
		if msCatalogID.MatchString(strings.ToUpper(id)) {
			return "Microsoft", true, ""
		}
	}
	lower := strings.ToLower(name)
	for _, p := range msNamePrefixes {
		if strings.HasPrefix(lower, p) {
			return "Microsoft", true, "TD SYNNEX does not say whose product this is; taken as Microsoft's from its name"
		}
	}
	return "", false, ""
}
