package halopsa

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// timeLayouts are the date spellings Halo uses: without a zone (the
// instance's time; UTC on hosted instances), with fractions, and with a
// zone where a proxy or another release writes one.
var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	time.RFC3339Nano,
	"2006-01-02",
	"2006-01-02 15:04:05",
}

const (
	// Halo writes an unset date as 1900-01-01 (SQL Server's zero); any
	// date before noDateBefore is read as unset.
	noDateBefore = 1902
	maxYear      = 9000
)

// ParseTime reads a Halo date in UTC. ok is false for Halo's "no date"
// (1900-01-01, or empty), err for text that is not a date.
func ParseTime(s string) (t time.Time, ok bool, err error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, false, nil
	}
	for _, layout := range timeLayouts {
		p, perr := time.Parse(layout, v)
		if perr != nil {
			continue
		}
		p = p.UTC()
		switch y := p.Year(); {
		case y < noDateBefore:
			return time.Time{}, false, nil
		case y > maxYear:
			return time.Time{}, false, fmt.Errorf("date %q is out of range", field.Clip(v))
		}
		return p, true, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a date seats can read", field.Clip(v))
}

func optionalTime(field, s string) (time.Time, string) {
	t, _, err := ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%s: %s; ignored", field, err)
	}
	return t, ""
}

// ParseQuantity reads qty_order, which Halo keeps as a decimal. A
// fractional quantity is truncated toward zero and flagged; a negative one
// kept and flagged; one beyond a million or unreadable counts as 0,
// flagged. whole is false for anything but a plain whole number (a write
// refuses such a line).
func ParseQuantity(n json.Number) (q int, whole bool, warning string) {
	return field.Quantity(string(n), "Halo", "quantity")
}

// parseMoney reads an amount; absent (null) is the unknown Money without a
// warning.
func parseMoney(name string, n json.Number, currency string) (connectors.Money, string) {
	return field.Money(name, string(n), currency)
}

// tenantIDs returns the Azure tenant ids linked to a client that are GUIDs,
// lower case, without duplicates.
func tenantIDs(ts []wireAzureTenant) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range ts {
		v := strings.TrimSpace(t.AzureTenantID)
		if len(v) != 36 && len(v) != 38 {
			continue
		}
		u, err := uuid.Parse(v)
		if err != nil || u == uuid.Nil || seen[u.String()] {
			continue
		}
		seen[u.String()] = true
		out = append(out, u.String())
	}
	return out
}

// lineVersion is the line's version: its quantity and a digest of the
// fields an edit of the line changes. Halo keeps no modification stamp on
// invoice lines (none is documented), so the content is the version.
func lineVersion(w wireLine) string {
	parts := []string{string(w.ID), string(w.IHID), string(w.ItemID), w.ItemCode, w.Short, w.Long, string(w.Quantity),
		string(w.UnitPrice), string(w.UnitCost), fmt.Sprint(w.Inactive), w.StartDate, w.EndDate, string(w.QuantityType)}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return strings.TrimSpace(string(w.Quantity)) + "/" + hex.EncodeToString(sum[:6])
}

// quantityCounted says why Halo computes a line's quantity itself, or "".
// recurring_invoice_quantity_type 0 is a typed quantity; any other value
// means Halo counts something (1 and 2 are seen; their meaning is not
// documented, so the linked lists, when sent, name what is counted).
func quantityCounted(w wireLine) string {
	qt := strings.TrimSpace(string(w.QuantityType))
	if qt == "" || qt == "0" {
		return ""
	}
	var what []string
	for _, k := range []struct {
		n    int
		name string
	}{{len(w.QuantityUsers), "users"}, {len(w.QuantityAssets), "assets"}, {len(w.QuantityLicences), "licences"}, {len(w.QuantitySubs), "subscriptions"}} {
		if k.n > 0 {
			what = append(what, k.name)
		}
	}
	counted := "linked users, assets, licences or subscriptions"
	if len(what) > 0 {
		counted = "linked " + strings.Join(what, " and ")
	}
	return fmt.Sprintf("Halo computes this line's quantity itself from %s (quantity type %s): change what it counts in Halo, not the line", counted, field.Clip(qt))
}

// lineFrom maps one line of invoice h. whole is false when the quantity
// is not a plain whole number.
func (c *Client) lineFrom(h wireInvoice, w wireLine, now time.Time) (connectors.BillingLine, bool) {
	l := connectors.BillingLine{
		LineRef:       connectors.LineRef{CompanyID: id(h.ClientID), AgreementID: id(h.ID), LineID: id(w.ID)},
		AgreementName: strings.TrimSpace(h.ContractRef),
		ItemID:        id(w.ItemID),
		Description:   firstNonEmpty(w.Short, w.Long),
		Billed:        !w.Inactive,
		Version:       lineVersion(w),
	}
	var warns []string
	add := func(s string) {
		if s != "" {
			warns = append(warns, s)
		}
	}
	var ws []string
	l.AgreementState, ws = invoiceState(h, now)
	warns = append(warns, ws...)
	var wf string
	l.BillingFrequency, wf = invoiceFrequency(h)
	add(wf)
	var whole bool
	var wq string
	l.Quantity, whole, wq = ParseQuantity(w.Quantity)
	l.QuantityDoubtful = wq != ""
	add(wq)
	var w1, w2, w3, w4 string
	l.UnitPrice, w1 = parseMoney("unit_price", w.UnitPrice, c.currency)
	l.UnitCost, w2 = parseMoney("unit_cost", w.UnitCost, c.currency)
	l.EffectiveFrom, w3 = optionalTime("startdate", w.StartDate)
	l.CancelledOn, w4 = optionalTime("enddate", w.EndDate)
	add(w1)
	add(w2)
	add(w3)
	add(w4)
	if l.EffectiveFrom.IsZero() && w3 == "" {
		l.EffectiveFrom, _ = optionalTime("startdate", h.StartDate) // a line without its own start starts with its invoice
	}
	if why := quantityCounted(w); why != "" {
		l.ReadOnly, l.ReadOnlyReason = true, why
	}
	if l.ItemID == "" {
		add("the line names no item")
	}
	l.Warnings = warns
	return l, whole
}

// periodMonths is the period_type of a recurring invoice whose period
// counts months. Halo's period codes are not documented: this one reading
// is taken (a period of 1 is monthly, 12 yearly); any other pair leaves the
// frequency unknown and the line's money blank, said in a warning, rather
// than an annual price read as a monthly one.
const periodMonths = 3

// invoiceFrequency is how often invoice h charges its lines' prices.
func invoiceFrequency(h wireInvoice) (connectors.BillingFrequency, string) {
	period, typ := strings.TrimSpace(h.Period.String()), strings.TrimSpace(h.PeriodType.String())
	if period == "" && typ == "" {
		return connectors.BillUnknown, "the recurring invoice names no period: how often it charges is unknown, so its money is left blank"
	}
	if typ == strconv.Itoa(periodMonths) {
		switch period {
		case "1":
			return connectors.BillMonthly, ""
		case "12":
			return connectors.BillAnnual, ""
		}
	}
	return connectors.BillUnknown, fmt.Sprintf("the recurring invoice charges every %s (period type %s), which seats cannot turn into months: its money is left blank", field.Clip(period), field.Clip(typ))
}

// invoiceState reads a recurring invoice's state at now: disabled is
// cancelled (it raises no more invoices); an end date passed is expired
// (the end date is the last day invoiced); else active.
func invoiceState(h wireInvoice, now time.Time) (connectors.AgreementState, []string) {
	end, w := optionalTime("invoice enddate", h.EndDate)
	var warns []string
	if w != "" {
		warns = append(warns, w)
	}
	switch {
	case h.Disabled:
		return connectors.AgreementCancelled, warns
	case !end.IsZero() && !now.Before(end.AddDate(0, 0, 1)):
		return connectors.AgreementExpired, warns
	}
	return connectors.AgreementActive, warns
}

// itemFrom maps an item: a recurring item is priced by its recurring
// price and cost, another by its base price and cost price.
func (c *Client) itemFrom(w wireItem) connectors.CatalogItem {
	it := connectors.CatalogItem{
		ID:          id(w.ID),
		Identifier:  strings.TrimSpace(w.InternalRef),
		Description: firstNonEmpty(w.Name, w.Description),
		VendorSKU:   strings.TrimSpace(w.SupplierPartCode),
		Recurring:   w.IsRecurring,
		Active:      !w.Inactive,
	}
	price, cost := w.BasePrice, w.CostPrice
	if w.IsRecurring {
		price, cost = w.RecurringPrice, w.RecurringCost
	}
	it.Price, _ = parseMoney("price", price, c.currency)
	it.Cost, _ = parseMoney("cost", cost, c.currency)
	return it
}

// companyFrom maps a client. Halo's clients are the MSP's customers
// (prospects and suppliers are other records), so every one is a client.
func companyFrom(w wireClient) connectors.PSACompany {
	co := connectors.PSACompany{
		ID:        id(w.ID),
		Name:      strings.TrimSpace(w.Name),
		Domain:    field.Domain(w.Website),
		Active:    !w.Inactive,
		Type:      connectors.CompanyClient,
		TenantIDs: tenantIDs(w.AzureTenants),
	}
	if co.Domain == "" {
		co.Domain = field.Domain(w.Domain)
	}
	return co
}
