package connectwise

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// Companies lists every company that is not in the recycle bin, all pages,
// ordered by id. Deleted companies are not asked for (conditions
// deletedFlag=false): ConnectWise keeps them with the same names as the
// live ones, which would only make duplicates to match. Inactive ones are
// kept, Active false: a company is inactive when its status has
// inactiveFlag (from /company/companies/statuses; when this instance does
// not serve that list, when the status is named "Inactive").
func (c *Client) Companies(ctx context.Context) ([]connectors.PSACompany, error) {
	const op = "list companies"
	var (
		statuses map[string]wireStatus
		types    map[string]wireType
		mu       sync.Mutex
		rows     []wireCompany
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		statuses, err = listSide[wireStatus](gctx, c, "/company/companies/statuses", "list company statuses", func(s wireStatus) string { return id(s.ID) })
		return err
	})
	g.Go(func() (err error) {
		types, err = listSide[wireType](gctx, c, "/company/companies/types", "list company types", func(t wireType) string { return id(t.ID) })
		return err
	})
	g.Go(func() error {
		q := url.Values{"conditions": {"deletedFlag=false"}, "orderBy": {"id asc"}}
		return c.eachPage(gctx, "/company/companies", q, op, func(p int, page []json.RawMessage) error {
			out := make([]wireCompany, 0, len(page))
			for i, raw := range page {
				var w wireCompany
				if err := decodeRow(op, p, i, raw, &w); err != nil {
					return err
				}
				if id(w.ID) == "" {
					return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
				}
				out = append(out, w)
			}
			mu.Lock()
			rows = append(rows, out...)
			mu.Unlock()
			return nil
		})
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]connectors.PSACompany, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for _, w := range rows {
		co := companyFrom(w, statuses, types)
		if seen[co.ID] {
			continue
		}
		seen[co.ID] = true
		out = append(out, co)
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out, nil
}

// listSide reads a small side list (statuses, types) into a map by id. An
// instance that does not serve it (404: an older or trimmed release) gives
// a nil map, and the caller falls back on names.
func listSide[T any](ctx context.Context, c *Client, path, op string, key func(T) string) (map[string]T, error) {
	out := map[string]T{}
	var mu sync.Mutex
	err := c.eachPage(ctx, path, url.Values{"orderBy": {"id asc"}}, op, func(p int, page []json.RawMessage) error {
		for i, raw := range page {
			var v T
			if err := decodeRow(op, p, i, raw, &v); err != nil {
				return err
			}
			mu.Lock()
			out[key(v)] = v
			mu.Unlock()
		}
		return nil
	})
	if connectors.KindOf(err) == connectors.ErrNotFound {
		return nil, nil
	}
	return out, err
}

// companyFrom maps a company.
func companyFrom(w wireCompany, statuses map[string]wireStatus, types map[string]wireType) connectors.PSACompany {
	co := connectors.PSACompany{
		ID:         id(w.ID),
		Name:       strings.TrimSpace(w.Name),
		Identifier: strings.TrimSpace(w.Identifier),
		Domain:     field.Domain(w.Website),
		Active:     !w.DeletedFlag && !statusInactive(w.Status, statuses),
		TenantIDs:  tenantIDsFrom(w.CustomFields),
	}
	refs := w.Types
	if len(refs) == 0 && w.Type != nil {
		refs = []wireRef{*w.Type}
	}
	var names []string
	vendor := w.IsVendorFlag
	for _, r := range refs {
		name := strings.TrimSpace(r.Name)
		if t, ok := types[id(r.ID)]; ok {
			if name == "" {
				name = strings.TrimSpace(t.Name)
			}
			vendor = vendor || t.IsVendor
		}
		if name != "" {
			names = append(names, name)
		}
	}
	co.Type = companyType(names, vendor, w.LeadFlag)
	co.RawType = strings.Join(names, ", ")
	return co
}

// statusInactive reports whether a company's status is an inactive one.
func statusInactive(st *wireRef, statuses map[string]wireStatus) bool {
	if st == nil {
		return false
	}
	if s, ok := statuses[id(st.ID)]; ok {
		return s.InactiveFlag
	}
	return field.FoldEnum(st.Name) == "inactive"
}

// Catalog lists every catalogue item, active or not, all pages, ordered by
// id. Prices and costs are in the configured currency (the catalogue has
// none of its own).
func (c *Client) Catalog(ctx context.Context) ([]connectors.CatalogItem, error) {
	const op = "list catalog items"
	var (
		mu   sync.Mutex
		out  []connectors.CatalogItem
		seen = map[string]bool{}
	)
	err := c.eachPage(ctx, "/procurement/catalog", url.Values{"orderBy": {"id asc"}}, op, func(p int, page []json.RawMessage) error {
		for i, raw := range page {
			var w wireCatalogItem
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			it := c.itemFrom(w)
			if it.ID == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
			}
			mu.Lock()
			if !seen[it.ID] {
				seen[it.ID] = true
				out = append(out, it)
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out, nil
}

// itemFrom maps a catalogue item. The manufacturer part number is where
// MSPs keep the Microsoft SKU part number; vendorSku is the fallback.
func (c *Client) itemFrom(w wireCatalogItem) connectors.CatalogItem {
	it := connectors.CatalogItem{
		ID:          id(w.ID),
		Identifier:  strings.TrimSpace(w.Identifier),
		Description: strings.TrimSpace(w.Description),
		VendorSKU:   strings.TrimSpace(w.ManufacturerPartNumber),
		Recurring:   w.RecurringFlag,
		Active:      !w.InactiveFlag,
	}
	it.BillingFrequency, _ = billingCycle(w.RecurringBillCycle)
	if it.VendorSKU == "" {
		it.VendorSKU = strings.TrimSpace(w.VendorSku)
	}
	// A catalogue item has no warnings of its own: an amount that cannot
	// be read is left blank.
	it.Price, _ = parseMoney("price", w.Price, c.currency)
	it.Cost, _ = parseMoney("cost", w.Cost, c.currency)
	return it
}

// Lines lists the additions of every agreement that is live or ended
// within KeepEndedFor, with each agreement's state. Agreements are asked
// for with conditions (not cancelled, or cancelled since the cut-off; no
// end date, or ending after it), additions likewise (not cancelled, or
// cancelled since the cut-off); what is read is kept, marked: cancelled,
// not billed, not yet effective, on a cancelled or expired agreement.
//
// ConnectWise has no list of all additions: each agreement's are read
// with their own calls, Concurrency at a time, as soon as the page naming
// the agreement arrives. Lines come out ordered by agreement and addition id.
func (c *Client) Lines(ctx context.Context) ([]connectors.BillingLine, error) {
	lines, _, err := c.readLines(ctx)
	return lines, err
}

// cutoff is the earliest end (cancellation, end date) of what is read.
func (c *Client) cutoff(now time.Time) string {
	return now.Add(-c.keepFor).UTC().Truncate(24 * time.Hour).Format("2006-01-02T15:04:05Z")
}

// readLines reads the lines and counts the agreements they were read from.
func (c *Client) readLines(ctx context.Context) ([]connectors.BillingLine, int, error) {
	const op = "list agreements"
	now := c.now()
	cut := c.cutoff(now)
	agreementQuery := url.Values{
		// An agreement cancelled without a date is not asked for: when it
		// ended cannot be told, and none of its lines bills anything.
		"conditions": {"(cancelledFlag=false or dateCancelled>=[" + cut + "]) and (noEndingDateFlag=true or endDate=null or endDate>=[" + cut + "])"},
		"orderBy":    {"id asc"},
	}
	var (
		mu         sync.Mutex
		lines      []connectors.BillingLine
		agreements = map[string]bool{}
	)
	work, wctx := errgroup.WithContext(ctx)
	work.SetLimit(c.cfg.Concurrency)
	err := c.eachPage(wctx, "/finance/agreements", agreementQuery, op, func(p int, page []json.RawMessage) error {
		for i, raw := range page {
			var a wireAgreement
			if err := decodeRow(op, p, i, raw, &a); err != nil {
				return err
			}
			aid := id(a.ID)
			if aid == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
			}
			mu.Lock()
			dup := agreements[aid]
			agreements[aid] = true
			mu.Unlock()
			if dup {
				continue
			}
			work.Go(func() error {
				got, err := c.agreementLines(wctx, a, now, cut)
				if err != nil {
					return err
				}
				mu.Lock()
				lines = append(lines, got...)
				mu.Unlock()
				return nil
			})
		}
		return nil
	})
	werr := work.Wait()
	switch {
	case err == nil:
		err = werr
	case werr != nil && connectors.KindOf(err) == connectors.ErrCanceled && ctx.Err() == nil:
		// An agreement's additions failed, which cancelled the listing of
		// agreements: that failure is the one to report.
		err = werr
	}
	if err != nil {
		return nil, 0, err
	}
	sort.Slice(lines, func(i, j int) bool {
		if lines[i].AgreementID != lines[j].AgreementID {
			return lessID(lines[i].AgreementID, lines[j].AgreementID)
		}
		return lessID(lines[i].LineID, lines[j].LineID)
	})
	out := lines[:0]
	for i, l := range lines {
		if i > 0 && l.LineID == lines[i-1].LineID && l.AgreementID == lines[i-1].AgreementID {
			continue // a row that moved between pages during the walk
		}
		out = append(out, l)
	}
	return out, len(agreements), nil
}

// agreementLines reads one agreement's additions, all pages.
func (c *Client) agreementLines(ctx context.Context, a wireAgreement, now time.Time, cut string) ([]connectors.BillingLine, error) {
	op := "list additions of agreement " + id(a.ID)
	q := url.Values{
		"conditions": {"cancelledDate=null or cancelledDate>=[" + cut + "]"},
		"orderBy":    {"id asc"},
	}
	var (
		mu  sync.Mutex
		out []connectors.BillingLine
	)
	err := c.eachPage(ctx, "/finance/agreements/"+id(a.ID)+"/additions", q, op, func(p int, page []json.RawMessage) error {
		for i, raw := range page {
			var w wireAddition
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			l, _ := c.lineFrom(a, w, now)
			if l.LineID == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
			}
			mu.Lock()
			out = append(out, l)
			mu.Unlock()
		}
		return nil
	})
	return out, err
}

// lineFrom maps an addition on agreement a. whole is false when the
// quantity is not a plain whole number (see ParseQuantity).
func (c *Client) lineFrom(a wireAgreement, w wireAddition, now time.Time) (connectors.BillingLine, bool) {
	l := connectors.BillingLine{
		LineRef: connectors.LineRef{
			AgreementID: id(a.ID),
			LineID:      id(w.ID),
		},
		AgreementName: strings.TrimSpace(a.Name),
		Description:   firstNonEmpty(w.Description, w.InvoiceDescription),
		Version:       strings.TrimSpace(w.Info.LastUpdated),
	}
	if a.Company != nil {
		l.CompanyID = id(a.Company.ID)
	}
	if w.Product != nil {
		l.ItemID = id(w.Product.ID)
		if l.Description == "" {
			l.Description = strings.TrimSpace(w.Product.Description)
		}
	}
	var warns []string
	l.AgreementState, warns = agreementState(a, now)
	var whole bool
	var wq string
	l.Quantity, whole, wq = ParseQuantity(w.Quantity)
	l.QuantityDoubtful = wq != ""
	warns = field.Warn(warns, wq)
	currency := c.currency
	if a.Currency != nil && strings.TrimSpace(a.Currency.CurrencyCode) != "" {
		currency = strings.ToUpper(strings.TrimSpace(a.Currency.CurrencyCode))
	}
	var w1, w2, w3, w4, w5 string
	l.UnitPrice, w1 = parseMoney("unitPrice", w.UnitPrice, currency)
	l.UnitCost, w2 = parseMoney("unitCost", w.UnitCost, currency)
	var wc string
	l.BillingFrequency, wc = billingCycle(a.BillingCycle)
	warns = field.Warn(warns, wc)
	l.Billed, w3 = billed(w.BillCustomer)
	l.EffectiveFrom, w4 = optionalTime("effectiveDate", w.EffectiveDate)
	l.CancelledOn, w5 = optionalTime("cancelledDate", w.CancelledDate)
	for _, w := range []string{w1, w2, w3, w4, w5} {
		warns = field.Warn(warns, w)
	}
	if l.EffectiveFrom.IsZero() && w4 == "" {
		// An addition without its own date starts with its agreement.
		l.EffectiveFrom, _ = optionalTime("startDate", a.StartDate)
	}
	if l.Version == "" {
		warns = append(warns, "no _info.lastUpdated: a change by someone else can only be seen in the quantity")
	}
	if l.ItemID == "" {
		warns = append(warns, "the addition names no catalogue item")
	}
	l.Warnings = warns
	return l, whole
}

// billingCycle reads a billing cycle's name: how often a price is charged.
// A cycle seats has no frequency for (quarterly, semi-annual) is kept blank
// with a warning, so its money is not shown as monthly by mistake.
func billingCycle(ref *wireRef) (connectors.BillingFrequency, string) {
	if ref == nil || strings.TrimSpace(ref.Name) == "" {
		return "", ""
	}
	switch strings.ToLower(strings.TrimSpace(ref.Name)) {
	case "monthly":
		return connectors.BillMonthly, ""
	case "annual", "annually", "yearly":
		return connectors.BillAnnual, ""
	case "one time", "onetime", "one-time":
		return connectors.BillOnce, ""
	}
	return connectors.BillUnknown, fmt.Sprintf("billing cycle %q is not monthly or annual: its price is not turned into a monthly amount", ref.Name)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
