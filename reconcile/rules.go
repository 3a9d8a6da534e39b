package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// noteMissing says what is missing for this customer's full numbers, and
// how to add it.
func (ix *reconcileIndex) noteMissing(cl *CustomerLicences, tl TenantLicences, m AccountMapping) {
	in := ix.in
	if tl.Licences == nil {
		cl.Missing = append(cl.Missing, "no licence data read from the tenant yet: run seats sync")
	}
	side := func(connected bool, label, what string, a AccountMatch, blank string) {
		switch {
		case !connected:
			cl.Missing = append(cl.Missing, fmt.Sprintf("no %s connected: %s stay blank until one is connected in the seats wizard", what, blank))
		case a.Conflict:
			cl.Missing = append(cl.Missing, fmt.Sprintf("the %s account is claimed by another customer too: settle it on the accounts step", label))
		case !a.Matched():
			cl.Missing = append(cl.Missing, fmt.Sprintf("no %s account matched: match one on the accounts step or with seats map accounts import", label))
		}
	}
	side(in.Distributor != nil, ix.distLabel, "distributor", m.Distributor, "purchased seats and costs")
	side(in.PSA != nil, ix.psaLabel, "PSA", m.PSA, "billed seats and prices")
}

// noteTimes sets SyncedAt to the oldest snapshot used, and Stale with why.
func (ix *reconcileIndex) noteTimes(cl *CustomerLicences, tl TenantLicences, dist, psa bool) {
	type snap struct {
		taken  time.Time
		stale  bool
		reason string
		label  string
	}
	var snaps []snap
	if l := tl.Licences; l != nil {
		snaps = append(snaps, snap{l.TakenAt, l.Stale, l.StaleReason, "Microsoft"})
	}
	if d := ix.in.Distributor; dist && d != nil {
		snaps = append(snaps, snap{d.TakenAt, d.Stale, d.StaleReason, ix.distLabel})
	}
	if p := ix.in.PSA; psa && p != nil {
		snaps = append(snaps, snap{p.TakenAt, p.Stale, p.StaleReason, ix.psaLabel})
	}
	for _, s := range snaps {
		if cl.SyncedAt.IsZero() || (!s.taken.IsZero() && s.taken.Before(cl.SyncedAt)) {
			cl.SyncedAt = s.taken
		}
		if s.stale {
			cl.Stale = true
			cl.StaleReasons = append(cl.StaleReasons, s.label+": "+s.reason)
		}
	}
}

func sortStrings(s []string) { slices.Sort(s) }

// skuFindings are the per-SKU findings of one customer whose distributor
// account is matched: seats bought elsewhere, seats that differ from the
// distributor's, and unused seats the distributor sells.
// skuFindings appends the SKU's findings to out (one growing slice per
// customer, rather than a slice per SKU).
func (ix *reconcileIndex) skuFindings(out []Finding, d *skuData) []Finding {
	r := *d.row
	tol := ix.in.Settings.tolerance()
	dist := ix.distLabel
	msSource := r.Source
	all := d.counted.all()
	var distTaken time.Time
	if ix.in.Distributor != nil {
		distTaken = ix.in.Distributor.TakenAt
	}
	distSource := func() Source {
		return Source{System: ix.distKind, What: "subscriptions", IDs: subIDs(all), TakenAt: distTaken, Note: ix.ctx.countedNote}
	}
	base := Finding{SkuID: r.SkuID, Product: r.Name}
	paid := !r.FreeOrTrial
	if len(d.live) == 0 {
		// Free SKUs are not bought anywhere; only paid ones can come from
		// elsewhere.
		if r.Enabled > 0 && paid {
			f := base
			f.Kind, f.Quantity = FindingNotFromDistributor, r.Enabled
			f.Detail = fmt.Sprintf("%d enabled in the tenant, none from %s for this customer: bought elsewhere (Microsoft direct, another distributor) or not yet tied",
				r.Enabled, dist)
			f.Sources = []Source{msSource, {System: ix.distKind, What: "subscriptions", TakenAt: distTaken, Note: "none tied to this SKU for the account"}}
			out = append(out, f)
		}
		return out
	}
	if len(all) == 0 && !slices.ContainsFunc(d.live, func(s *connectors.DistributorSubscription) bool { return s.Status != connectors.StatusTrial }) {
		return out // only trials, and billing.include_trials is off: left out by the setting
	}
	var first *connectors.DistributorSubscription
	var cost connectors.Money
	var costSource func() Source
	if len(all) > 0 {
		first = firstRenewal(all)
		var costNote string
		cost, costNote = monthlyEquivalent(first.UnitCost, first.BillingFrequency, first.Term)
		costSource = func() Source {
			return Source{System: ix.distKind, What: "subscription", IDs: []string{first.ID}, TakenAt: distTaken, Note: costNote}
		}
	}
	total := 0
	for _, s := range all {
		total += s.Quantity
	}
	if diff := total - r.Enabled; abs(diff) > tol {
		f := base
		f.Kind, f.Quantity = FindingMicrosoftDistributorMismatch, abs(diff)
		if diff > 0 {
			f.Detail = fmt.Sprintf("%s has %d, the tenant %d enabled: %s is higher by %d", dist, total, r.Enabled, dist, diff)
			f.MonthlyAmount = cost.Times(diff)
			f.Sources = []Source{distSource(), msSource, costSource()}
		} else {
			f.Detail = fmt.Sprintf("%s has %d, the tenant %d enabled: the tenant is higher by %d", dist, total, r.Enabled, -diff)
			f.Sources = []Source{distSource(), msSource}
		}
		if anyDoubtfulSub(all) {
			f.Doubtful, f.MonthlyAmount = true, connectors.Money{}
			f.Detail += doubtNote(dist)
		}
		out = append(out, f)
	}
	if len(all) > 0 && paid && r.Unused > tol {
		f := base
		f.Kind, f.Quantity = FindingUnusedLicenses, r.Unused
		f.MonthlyAmount = cost.Times(r.Unused)
		f.ActionableFrom = first.CommitmentEnd
		f.Detail = fmt.Sprintf("%d enabled, %d assigned: %d unused", r.Enabled, r.Assigned, r.Unused)
		if cost.Known() {
			f.Detail += " at " + moneyText(cost) + " a month each"
		}
		if !first.CommitmentEnd.IsZero() {
			f.Detail += fmt.Sprintf("; %s term, can be reduced at its renewal on %s", first.Term, first.CommitmentEnd.Format("2006-01-02"))
		}
		f.Sources = []Source{msSource, distSource()}
		if cost.Known() {
			f.Sources = append(f.Sources, costSource())
		}
		out = append(out, f)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// member is one term row billed through a PSA item.
type member struct {
	d    *skuData
	ti   int
	item string // the PSA item's key
}

func (m member) row() *TermRow { return &m.d.row.Terms[m.ti] }

// itemFindings compares, per PSA item, what is billed with what should be:
// every (SKU, term) mapped to the item is one comparison, so nothing is
// counted twice.
func (ix *reconcileIndex) itemFindings(out []Finding, all []member, psaCo string, datas []*skuData, linesByItem map[string][]*connectors.BillingLine) ([]Finding, []member) {
	// One sorted slice instead of a map of slices: a customer has a few
	// dozen items, and the map cost more than the comparisons. all is
	// the caller's scratch, returned for reuse.
	all = all[:0]
	for _, d := range datas {
		for i := range d.row.Terms {
			if d.row.Terms[i].PSAItemID != "" {
				all = append(all, member{d, i, idKey(d.row.Terms[i].PSAItemID)})
			}
		}
	}
	slices.SortFunc(all, func(a, b member) int {
		return cmp.Or(strings.Compare(a.item, b.item), strings.Compare(a.d.row.SkuID, b.d.row.SkuID),
			termOrder(a.row().Term)-termOrder(b.row().Term))
	})
	tol := ix.in.Settings.tolerance()
	psaTaken := ix.in.PSA.TakenAt
	for start := 0; start < len(all); {
		it := all[start].item
		end := start + 1
		for end < len(all) && all[end].item == it {
			end++
		}
		ms := all[start:end]
		start = end
		lines := linesByItem[it]
		billed := 0
		for _, l := range lines {
			billed += l.Quantity
		}
		lead := ms[0].row()
		// The names of a group are only needed for a group of several or
		// a finding; most items have one member and no finding.
		describe := func() (names, skuIDs, terms []string) {
			for _, m := range ms {
				names = appendNew(names, m.d.row.Name)
				skuIDs = appendNew(skuIDs, m.d.row.SkuID)
				terms = appendNew(terms, string(m.row().Term))
			}
			return names, skuIDs, terms
		}
		together := ""
		if len(ms) > 1 {
			names, _, terms := describe()
			together = "for " + strings.Join(terms, "+") + " of " + strings.Join(names, " + ") + " together"
		}
		lead.Billed = ms[0].d.arena.ints.ptr(billed)
		lead.origin.billedSet, lead.origin.lines, lead.origin.billedNote = true, lines, together
		if len(lines) == 0 {
			lead.origin.billedNote = strings.TrimSuffix("none in effect for item "+lead.PSAItemID+"; "+together, "; ")
		}
		linesDoubtful := anyDoubtfulLine(lines)
		if lead.UnitPrice.Known() && !linesDoubtful {
			lead.MonthlyAmount = lead.UnitPrice.Times(billed)
		}
		for _, m := range ms[1:] {
			o := &m.row().origin
			o.billedSet, o.lines = true, lines
			o.billedNote = fmt.Sprintf("billed together with %s %s on item %s", lead.Term, ms[0].d.row.Name, lead.PSAItemID)
		}
		toBill, known, ignored := 0, true, false
		doubtSource := ""
		if linesDoubtful {
			doubtSource = ix.psaLabel
		}
		for _, m := range ms {
			if m.d.row.Ignored {
				ignored = true
			}
			if ix.in.Settings.basis() == BasisDistributor && anyDoubtfulSub(m.row().origin.subs) {
				doubtSource = ix.distLabel
			}
			if tb := m.row().ToBill; tb != nil {
				toBill += *tb
			} else {
				known = false
			}
		}
		diff := toBill - billed
		if !known || ignored || !(len(lines) > 0 && abs(diff) > tol || len(lines) == 0 && toBill > 0) {
			continue
		}
		var toBillSources []Source
		for _, m := range ms {
			w := m.row().Where()
			toBillSources = append(toBillSources, w.Purchased, w.ToBill)
		}
		basis := "purchased from " + ix.distLabel
		if ix.in.Settings.basis() == BasisAssigned {
			basis = "assigned in the tenant"
		}
		names, skuIDs, terms := describe()
		f := Finding{SkuID: strings.Join(skuIDs, "+"), Product: strings.Join(names, " + "), Term: strings.Join(terms, "+"),
			PSACompanyID: psaCo, PSAItemID: lead.PSAItemID, Billed: billed, ToBill: toBill, Doubtful: doubtSource != ""}
		sources := append([]Source{lead.Where().Billed}, nonEmpty(toBillSources)...)
		switch {
		case len(lines) > 0 && abs(diff) > tol:
			price, priceSource := linePrice(latestLine(lines), lead.Term), Source{System: ix.psaKind, What: "billing line", IDs: []string{latestLine(lines).LineID}, TakenAt: psaTaken}
			if !price.Known() {
				if item, ok := ix.items[it]; ok && itemPrice(item, lead.Term).Known() {
					price, priceSource = itemPrice(item, lead.Term), Source{System: ix.psaKind, What: "catalogue item", IDs: []string{item.ID}, TakenAt: psaTaken}
				}
			}
			f.Kind, f.Quantity, f.UnitPrice = FindingUnderBilled, diff, price
			f.Lines = make([]connectors.BillingLine, len(lines))
			for i, l := range lines {
				f.Lines[i] = *l
			}
			if diff < 0 {
				f.Kind, f.Quantity = FindingOverBilled, -diff
			}
			f.MonthlyAmount = price.Times(f.Quantity)
			word := "not billed"
			if diff < 0 {
				word = "billed too many"
			}
			f.Detail = fmt.Sprintf("%s bills %d on %q, %d to bill (%s): %d %s", ix.psaLabel, billed, lead.PSAItemName, toBill, basis, f.Quantity, word)
			if price.Known() {
				sources = append(sources, priceSource)
			}
			f.Sources = sources
			if f.Doubtful {
				f.MonthlyAmount = connectors.Money{}
				f.Detail += doubtNote(doubtSource)
			}
			out = append(out, f)
		case len(lines) == 0 && toBill > 0:
			f.Kind, f.Quantity = FindingNotBilled, toBill
			money, priceSources, ok := connectors.Money{}, []Source{}, true
			for _, m := range ms {
				tr := m.row()
				if tr.ToBill == nil || *tr.ToBill == 0 {
					continue
				}
				if !tr.UnitPrice.Known() {
					ok = false
					break
				}
				if !money.Known() {
					money = connectors.Money{Currency: tr.UnitPrice.Currency}
				}
				sum, err := money.Add(tr.UnitPrice.Times(*tr.ToBill))
				if err != nil {
					ok = false
					break
				}
				money = sum
				priceSources = append(priceSources, tr.Where().UnitPrice)
			}
			if ok {
				f.MonthlyAmount = money
				f.UnitPrice = lead.UnitPrice
			}
			f.Detail = fmt.Sprintf("%d to bill (%s) and no billed line for %q in %s: needs a new line", toBill, basis, lead.PSAItemName, ix.psaLabel)
			f.Sources = append(sources, nonEmpty(priceSources)...)
			if f.Doubtful {
				f.MonthlyAmount = connectors.Money{}
				f.Detail += doubtNote(doubtSource)
			}
			out = append(out, f)
		}
	}
	return out, all
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func nonEmpty(ss []Source) []Source {
	var out []Source
	for _, s := range ss {
		if s.Known() && !slices.ContainsFunc(out, func(o Source) bool { return sameSource(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}

func sameSource(a, b Source) bool {
	return a.System == b.System && a.What == b.What && a.Note == b.Note && a.TakenAt.Equal(b.TakenAt) && slices.Equal(a.IDs, b.IDs)
}
