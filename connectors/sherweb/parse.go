package sherweb

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
	"github.com/seats-msp/seats/connectors/skus"
)

// timeLayouts are the timestamp spellings Sherweb's answers use, tried in
// order. Its models document "yyyy-MM-ddTHH:mm:ss.fffffffK (UTC)" with the
// example "2023-11-21T20:27:05.7613888": seven fractional digits and, in
// practice, no zone at all (UTC meant). .NET writes the same instant with a
// "Z" when it knows the kind, and a date field (termEndDate) may come as a
// bare date or as midnight. A fractional second is optional in every layout
// with seconds: Go accepts one after the seconds even when the layout has none.
var timeLayouts = []string{
	time.RFC3339,               // 2023-11-21T20:27:05.7613888Z, ...+02:00
	"2006-01-02T15:04:05",      // no zone: Sherweb means UTC
	"2006-01-02T15:04:05Z0700", // an offset without a colon
	"2006-01-02T15:04Z07:00",   // minutes only
	"2006-01-02T15:04",         //
	"2006-01-02",               // a date alone: midnight UTC
	"2006-01-02 15:04:05",      // a space for the T
	"2006-01-02 15:04:05Z07:00",
}

// ParseTime reads a Sherweb timestamp in any of the spellings above and
// returns it in UTC. A time without a zone is UTC, as Sherweb documents.
// The error quotes the text (dates only, never a secret).
func ParseTime(s string) (time.Time, error) {
	return field.Time(s, timeLayouts)
}

// mapStatus decides a subscription's status. Sherweb's subscription models
// have no status: a listed subscription is active (Sherweb lists the
// current ones), one whose commitment has no renewal configuration runs
// out at its term's end (pending cancellation: billed until then), and a
// suspended customer's subscriptions are suspended. A "status" field, should
// an API version send one, wins, mapped on Pax8's and Partner Center's
// spellings; an unknown one is kept as StatusUnknown with a warning. The
// second result is the raw status, the third a warning.
func mapStatus(raw *string, customerSuspended, willNotRenew bool) (connectors.SubscriptionStatus, string, string) {
	if raw != nil {
		v := strings.TrimSpace(*raw)
		switch field.FoldEnum(v) {
		case "active", "activated", "enabled":
			if customerSuspended {
				return connectors.StatusSuspended, v, ""
			}
			if willNotRenew {
				return connectors.StatusPendingCancel, v, ""
			}
			return connectors.StatusActive, v, ""
		case "pendingcancel", "pendingcancellation", "expiring", "nonrenewing":
			return connectors.StatusPendingCancel, v, ""
		case "suspended", "disabled":
			return connectors.StatusSuspended, v, ""
		case "cancelled", "canceled", "deleted", "expired", "terminated":
			return connectors.StatusCancelled, v, ""
		case "trial", "freetrial":
			return connectors.StatusTrial, v, ""
		case "pending", "provisioning", "inprogress", "pendingactivation":
			return connectors.StatusPending, v, ""
		case "":
			// An empty status says nothing: decide as without one.
		default:
			return connectors.StatusUnknown, v, fmt.Sprintf("Sherweb status %q is not one seats knows; kept as unknown", field.Clip(v))
		}
	}
	switch {
	case customerSuspended:
		return connectors.StatusSuspended, "", ""
	case willNotRenew:
		return connectors.StatusPendingCancel, "", ""
	}
	return connectors.StatusActive, "", ""
}

// mapTerm reads the commitment (not the billing cycle) from
// commitmentTerm.type: Monthly, Annual, Biennial or Triennial. No commitment
// term (null) is month to month. Biennial has no value in seats, and a
// spelling never seen is kept as TermUnknown; both are flagged.
func mapTerm(c *wireCommitment) (connectors.Term, string) {
	if c == nil || strings.TrimSpace(c.Type) == "" {
		return connectors.TermMonthly, ""
	}
	switch field.FoldEnum(c.Type) {
	case "monthly", "month", "p1m", "1month", "open", "none":
		return connectors.TermMonthly, ""
	case "annual", "yearly", "year", "p1y", "1year":
		return connectors.TermAnnual, ""
	case "triennial", "p3y", "3years", "3year":
		return connectors.TermTriennial, ""
	}
	return connectors.TermUnknown, fmt.Sprintf("commitment term %q is not one seats knows; kept as unknown", field.Clip(c.Type))
}

// mapBilling reads billingCycle: none, daily, weekly, monthly, yearly or
// unknown. "none" is a subscription billed once, not per cycle (a reading:
// Sherweb says only that the cycle is none). Daily and weekly cycles have
// no value in seats; they, Sherweb's own "unknown" and anything else are
// BillUnknown with a warning.
func mapBilling(raw string) (connectors.BillingFrequency, string) {
	switch field.FoldEnum(raw) {
	case "monthly", "month":
		return connectors.BillMonthly, ""
	case "yearly", "annual", "annually", "year":
		return connectors.BillAnnual, ""
	case "none", "once", "onetime":
		return connectors.BillOnce, ""
	case "":
		return connectors.BillUnknown, "Sherweb gave no billing cycle"
	}
	return connectors.BillUnknown, fmt.Sprintf("billing cycle %q has no billing frequency in seats; kept as unknown", field.Clip(raw))
}

// parseQuantity reads quantity, an integer in Sherweb's models. Anything
// else is kept as near as an int allows and flagged: a fractional quantity
// is truncated toward zero, a negative one kept, one beyond field.MaxQuantity or
// unreadable counts as 0.
func parseQuantity(n json.Number) (int, string) {
	q, _, w := field.Quantity(string(n), "Sherweb", "quantity")
	return q, w
}

// parsePrice reads an amount in a currency. An absent amount is the
// unknown Money without a warning; one it cannot place (no currency, an
// unknown currency, not a number) is also blank, with a warning; one finer
// than the currency's minor unit is rounded and flagged.
func parsePrice(name string, n json.Number, currency string) (connectors.Money, string) {
	return field.Money(name, string(n), currency)
}

// microsoftPrefixes are how Microsoft's product names begin. Sherweb's
// subscriptions name no vendor, so the product name is the only hint; a
// product of another vendor whose name starts so would be taken for
// Microsoft's, which the matching screen shows (its SKU is then not found
// among the tenant's).
var microsoftPrefixes = []string{
	"microsoft", "office 365", "exchange online", "sharepoint", "onedrive", "teams ", "skype for business",
	"power bi", "power apps", "power automate", "power pages", "dynamics 365", "azure", "entra",
	"enterprise mobility", "intune", "windows 365", "windows 10", "windows 11", "windows e", "visio", "project plan",
	"project online", "defender for", "copilot",
}

// isMicrosoftProduct guesses from the product name whether Microsoft makes
// it: a name of seats' SKU catalogue ("Planner and Project Plan 3"), or one
// that begins as Microsoft's do.
func isMicrosoftProduct(name string) bool {
	if len(skus.ByName(name)) > 0 {
		return true
	}
	v := strings.ToLower(strings.TrimSpace(name))
	for _, p := range microsoftPrefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// accountFrom maps a customer. Sherweb keeps no tenant id and no domain on
// a customer, so both stay ""; a customer with suspendedOn set is inactive.
func accountFrom(w wireCustomer) connectors.DistributorAccount {
	return connectors.DistributorAccount{
		ID:     strings.TrimSpace(w.ID),
		Name:   strings.TrimSpace(w.DisplayName),
		Active: !suspended(w),
	}
}

// suspended reports whether the customer is suspended: suspendedOn holds
// anything but null or "".
func suspended(w wireCustomer) bool {
	return w.SuspendedOn != nil && strings.TrimSpace(*w.SuspendedOn) != ""
}

// readDate parses an optional date, warning when it is present but
// unreadable (the zero time then stands for "not known").
func readDate(field, v string, warn func(string)) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		warn(fmt.Sprintf("%s: %v", field, err))
	}
	return t
}

// subscriptionFrom maps one subscription of a customer, with its cost
// (unknown when no payable charge told it) and what the cost lookup had to
// say.
func subscriptionFrom(w wireSubscription, customer wireCustomer, cost connectors.Money, costWarning string) connectors.DistributorSubscription {
	var warnings []string
	warn := func(s string) {
		if s != "" {
			warnings = append(warnings, field.OneLine(s, field.MaxWarningRunes))
		}
	}
	name := strings.TrimSpace(w.ProductName)
	if name == "" {
		name = strings.TrimSpace(w.Description)
	}
	s := connectors.DistributorSubscription{
		ID:        strings.TrimSpace(w.ID),
		AccountID: strings.TrimSpace(customer.ID),
		Product: connectors.DistributorProduct{
			// Sherweb's SKU is its own product key (not the vendor's
			// part number), and the subscription has no other.
			ID:   strings.TrimSpace(w.SKU),
			Name: name,
		},
		Microsoft: isMicrosoftProduct(name),
	}
	if s.Microsoft {
		s.Product.Vendor = "Microsoft"
	}
	var msg string
	s.Quantity, msg = parseQuantity(w.Quantity)
	s.QuantityDoubtful = msg != ""
	warn(msg)
	willNotRenew := w.CommitmentTerm != nil && w.CommitmentTerm.RenewalConfiguration == nil
	s.Status, s.RawStatus, msg = mapStatus(w.Status, suspended(customer), willNotRenew)
	warn(msg)
	s.Term, msg = mapTerm(w.CommitmentTerm)
	warn(msg)
	s.BillingFrequency, msg = mapBilling(w.BillingCycle)
	warn(msg)
	if w.Fees != nil {
		s.UnitPrice, msg = parsePrice("recurringFee", w.Fees.RecurringFee, w.Fees.Currency)
		warn(msg)
	}
	s.UnitCost = cost
	warn(costWarning)
	s.StartDate = readDate("purchaseDate", w.PurchaseDate, warn)
	if c := w.CommitmentTerm; c != nil {
		s.CommitmentEnd = readDate("commitmentTerm.termEndDate", c.TermEndDate, warn)
		if s.CommitmentEnd.IsZero() && c.RenewalConfiguration != nil {
			s.CommitmentEnd = readDate("renewalConfiguration.renewalDate", c.RenewalConfiguration.RenewalDate, warn)
		}
		if willNotRenew {
			// No renewal: the subscription ends with its term.
			s.EndDate = s.CommitmentEnd
		}
	}
	s.Warnings = warnings
	return s
}
