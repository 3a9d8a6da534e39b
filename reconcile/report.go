package reconcile

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
)

// TenantLicences is one customer with its licence snapshot (nil before the
// first successful read).
type TenantLicences struct {
	Customer connectors.CustomerStatus
	Licences *connectors.LicenceSnapshot
}

// ReconcileInput is everything a reconcile looks at. Distributor and PSA
// are nil when that source is not connected yet.
type ReconcileInput struct {
	Now         time.Time
	Settings    Settings
	Customers   []TenantLicences
	Accounts    []AccountMapping
	Ties        []SkuTie
	Products    []ProductMatch
	Distributor *connectors.DistributorSnapshot
	PSA         *connectors.PSASnapshot
}

// Report is the licence tables and the findings.
type Report struct {
	Customers []CustomerLicences
	Findings  []Finding
	Totals    []CurrencyTotals
	Unmapped  UnmappedCounts
}

// CustomerLicences is one customer's licence table.
type CustomerLicences struct {
	TenantID             string
	Name                 string
	DistributorAccountID string // "" when not matched
	PSAAccountID         string // "" when not matched
	// SyncedAt is the time of the oldest snapshot the numbers use; Stale
	// is set when any of them is stale, with the reasons.
	SyncedAt     time.Time
	Stale        bool
	StaleReasons []string
	// Missing says, one line each, what is missing for full numbers and
	// how to add it ("no PSA company matched: ...").
	Missing  []string
	Skus     []SkuRow
	Findings int
	// MoneyAtStake is the money of this customer's findings per currency
	// (found and owed back together), for sorting the portfolio.
	MoneyAtStake []connectors.Money
}

// SkuRow is one SKU of one customer.
type SkuRow struct {
	SkuID         string
	SkuPartNumber string
	Name          string
	Enabled       int // tenant prepaid units enabled
	Assigned      int // consumed units
	Unused        int // enabled - assigned, never below 0
	OverAssigned  bool
	FreeOrTrial   bool
	Ignored       bool   // in reconcile.ignore_products: no findings
	Source        Source // where enabled and assigned came from
	Terms         []TermRow
}

// TermRow is one SKU on one term for one customer.
type TermRow struct {
	Term             connectors.Term
	BillingFrequency connectors.BillingFrequency
	RenewalDate      time.Time // the first renewal of the counted subscriptions
	// Purchased, Billed and ToBill are nil where not known (no distributor
	// or PSA matched). Where several terms or SKUs are billed as one PSA
	// item, the first of them carries the item's Billed and the others
	// say so in Where.Billed.
	Purchased *int
	Billed    *int
	ToBill    *int
	// UnitCost and UnitPrice are per seat per month (annual prices / 12,
	// half to even); MonthlyAmount is Billed x UnitPrice.
	UnitCost      connectors.Money
	UnitPrice     connectors.Money
	MonthlyAmount connectors.Money
	PSAItemID     string
	PSAItemName   string
	// origin records where each number came from, as references; Where
	// turns them into Sources only when asked, since building them for
	// every row of a large portfolio costs more than the numbers.
	origin termOrigin
	// Sources is Where's answer written down, in tables kept for later
	// (TablesOf): they travel without the input origin points into.
	Sources *TermSources `json:",omitempty"`
}

// Where says where each number of the row came from.
func (t TermRow) Where() TermSources {
	if t.Sources != nil {
		return *t.Sources
	}
	o := &t.origin
	if o.ctx == nil {
		return TermSources{}
	}
	c := o.ctx
	var w TermSources
	if o.haveDist {
		w.Purchased = Source{System: c.distKind, What: "subscriptions", IDs: subIDs(o.subs), TakenAt: c.distTaken, Note: c.countedNote}
	}
	if o.first != nil && t.UnitCost.Known() {
		_, note := monthlyEquivalent(o.first.UnitCost, o.first.BillingFrequency, t.Term)
		w.UnitCost = Source{System: c.distKind, What: "subscription", IDs: []string{o.first.ID}, TakenAt: c.distTaken, Note: note}
	}
	switch o.priceFrom {
	case priceFromLine:
		w.UnitPrice = Source{System: c.psaKind, What: "billing line", IDs: []string{o.priceID}, TakenAt: c.psaTaken}
	case priceFromItem:
		w.UnitPrice = Source{System: c.psaKind, What: "catalogue item", IDs: []string{o.priceID}, TakenAt: c.psaTaken}
	case priceFromDistributor:
		_, note := monthlyEquivalent(o.first.UnitPrice, o.first.BillingFrequency, t.Term)
		w.UnitPrice = Source{System: c.distKind, What: "subscription", IDs: []string{o.priceID}, TakenAt: c.distTaken,
			Note: strings.TrimPrefix(note+"; distributor's suggested price", "; ")}
	}
	if o.billedSet {
		ids := make([]string, len(o.lines))
		for i, l := range o.lines {
			ids[i] = l.LineID
		}
		slices.Sort(ids)
		w.Billed = Source{System: c.psaKind, What: "billing lines", IDs: ids, TakenAt: c.psaTaken, Note: o.billedNote}
	}
	switch o.toBill {
	case toBillPurchased:
		w.ToBill = Source{System: "settings", What: "billing.basis distributor", Note: "to bill = purchased"}
	case toBillAssigned, toBillAssignedShare:
		note := "to bill = assigned"
		if o.toBill == toBillAssignedShare {
			note = "to bill = this term's share of assigned (committed terms up to their purchased seats, the rest on the shortest)"
		}
		w.ToBill = Source{System: "microsoft", What: "subscribedSkus consumedUnits", IDs: []string{o.skuID}, TakenAt: o.licTaken(), Note: note}
	}
	return w
}

func (o *termOrigin) licTaken() time.Time {
	if o.licences == nil {
		return time.Time{}
	}
	return o.licences.TakenAt
}

// sourceContext is what every row's sources share.
type sourceContext struct {
	distKind, psaKind   string
	distTaken, psaTaken time.Time
	countedNote         string
}

type priceOrigin uint8

const (
	priceUnknown priceOrigin = iota
	priceFromLine
	priceFromItem
	priceFromDistributor
)

type toBillOrigin uint8

const (
	toBillUnknown toBillOrigin = iota
	toBillPurchased
	toBillAssigned
	toBillAssignedShare
)

// termOrigin is where a TermRow's numbers came from, by reference.
type termOrigin struct {
	ctx        *sourceContext
	skuID      string
	licences   *connectors.LicenceSnapshot           // the tenant's, for its read time; nil when not read
	subs       []*connectors.DistributorSubscription // counted, this term
	first      *connectors.DistributorSubscription   // renews first
	lines      []*connectors.BillingLine
	priceID    string
	billedNote string
	priceFrom  priceOrigin
	toBill     toBillOrigin
	haveDist   bool
	billedSet  bool
}

// Currency is the currency of the row's money: the price's, else the cost's.
func (t TermRow) Currency() string {
	if t.UnitPrice.Known() {
		return t.UnitPrice.Currency
	}
	return t.UnitCost.Currency
}

// TermSources say where each number of a TermRow came from.
type TermSources struct {
	Purchased Source
	Billed    Source
	ToBill    Source
	UnitCost  Source
	UnitPrice Source
}

// monthlyEquivalent turns a distributor price per billing period into a
// price per month: annual / 12, a one-off charge over its term's months,
// rounded half to even. An unknown frequency gives an unknown price rather
// than a guess.
func monthlyEquivalent(m connectors.Money, freq connectors.BillingFrequency, term connectors.Term) (connectors.Money, string) {
	if !m.Known() {
		return m, ""
	}
	switch freq {
	case connectors.BillMonthly:
		return m, ""
	case connectors.BillAnnual:
		return perMonth(m, 12), "annual price / 12"
	case connectors.BillOnce:
		if n := term.Months(); n > 0 {
			return perMonth(m, int64(n)), "one-off price / " + strconv.Itoa(n) + " months"
		}
	}
	return connectors.Money{}, ""
}

// reconcileIndex holds the lookups shared by every customer.
type reconcileIndex struct {
	in       ReconcileInput
	accounts map[string]*AccountMapping
	ties     map[string]SkuTie
	products map[ProductKey]ProductMatch
	// termItems are each SKU's mapped items by term slot (monthly,
	// annual, triennial), with the item's key: one lookup per SKU row
	// instead of one per term, and no key to fold on the way.
	termItems map[string]*termItems
	byItem    map[string][]ProductKey // PSA item -> keys mapped to it
	items     map[string]connectors.CatalogItem
	subsByAcc map[string][]subRef // into the snapshot, not copies
	linesByCo map[string][]lineRef
	ignored   map[string]bool
	free      map[string]bool // cache: skus.FreeOrTrial scans a list
	distKind  string
	psaKind   string
	distLabel string // as people spell the kinds: "Pax8"
	psaLabel  string
	skuNames  map[string][2]string // cache: SKU id -> display name, part number
	ctx       *sourceContext
}

func newReconcileIndex(in ReconcileInput) *reconcileIndex {
	ix := &reconcileIndex{in: in, accounts: map[string]*AccountMapping{}, ties: tieIndex(in.Ties),
		products: productIndex(in.Products), byItem: map[string][]ProductKey{}, items: map[string]connectors.CatalogItem{},
		subsByAcc: map[string][]subRef{}, linesByCo: map[string][]lineRef{},
		ignored: in.Settings.ignored(), free: map[string]bool{}, distKind: "distributor", psaKind: "psa"}
	for i := range in.Accounts {
		ix.accounts[idKey(in.Accounts[i].TenantID)] = &in.Accounts[i]
	}
	ix.termItems = make(map[string]*termItems, len(ix.products)/2+1)
	for k, p := range ix.products {
		item := idKey(p.ItemID)
		ix.byItem[item] = append(ix.byItem[item], k)
		if slot := termSlot(k.Term); slot < len(termItems{}) {
			ti := ix.termItems[k.SkuID]
			if ti == nil {
				ti = &termItems{}
				ix.termItems[k.SkuID] = ti
			}
			ti[slot] = termItem{match: p, item: item, ok: true}
		}
	}
	for _, ks := range ix.byItem {
		slices.SortFunc(ks, func(a, b ProductKey) int {
			return cmp.Or(strings.Compare(a.SkuID, b.SkuID), termOrder(a.Term)-termOrder(b.Term))
		})
	}
	// The two sides are indexed at once: each fills only its own map.
	var wg sync.WaitGroup
	if d := in.Distributor; d != nil {
		if d.Kind != "" {
			ix.distKind = d.Kind
		}
		wg.Go(func() {
			ix.subsByAcc = make(map[string][]subRef, len(in.Accounts))
			for i := range d.Subscriptions {
				s := &d.Subscriptions[i]
				k := idKey(s.AccountID)
				sku, part := "", ""
				if t, ok := ix.ties[idKey(productID(s.Product))]; ok {
					part = t.SkuPartNumber
					if t.Tied() {
						sku = idKey(t.SkuID)
					}
				}
				ix.subsByAcc[k] = append(ix.subsByAcc[k], subRef{s, sku, part})
			}
		})
	}
	if p := in.PSA; p != nil {
		if p.Kind != "" {
			ix.psaKind = p.Kind
		}
		for _, it := range p.Catalog {
			ix.items[idKey(it.ID)] = it
		}
		wg.Go(func() {
			ix.linesByCo = make(map[string][]lineRef, len(in.Accounts))
			for i := range p.Lines {
				l := &p.Lines[i]
				k := idKey(l.CompanyID)
				ix.linesByCo[k] = append(ix.linesByCo[k], lineRef{l, idKey(l.ItemID)})
			}
			// A company's lines grouped by item (in their order within
			// it), so that a customer's lines per item are runs of one
			// slice.
			for _, refs := range ix.linesByCo {
				slices.SortStableFunc(refs, func(a, b lineRef) int { return strings.Compare(a.item, b.item) })
			}
		})
	}
	wg.Wait()
	ix.distLabel, ix.psaLabel = kindLabel(ix.distKind, ""), kindLabel(ix.psaKind, "")
	ix.ctx = &sourceContext{distKind: ix.distKind, psaKind: ix.psaKind, countedNote: countedNote(ix)}
	if in.Distributor != nil {
		ix.ctx.distTaken = in.Distributor.TakenAt
	}
	if in.PSA != nil {
		ix.ctx.psaTaken = in.PSA.TakenAt
	}
	ix.skuNames = map[string][2]string{}
	return ix
}

// skuName is skuDisplay, remembered: the catalogue lookups add up over
// thousands of customers.
func (ix *reconcileIndex) skuName(id, part string) (string, string) {
	if v, ok := ix.skuNames[id]; ok {
		return v[0], v[1]
	}
	return skuDisplay(id, part)
}

func (ix *reconcileIndex) freeOrTrial(id, part string) bool {
	if f, ok := ix.free[id]; ok {
		return f
	}
	return skus.FreeOrTrial(id, part)
}

// warm fills the SKU caches for every SKU the input names, before the
// customers are worked on in parallel: from then on the index is only read.
func (ix *reconcileIndex) warm() {
	add := func(id, part string) {
		id = idKey(id)
		if _, ok := ix.skuNames[id]; ok || id == "" {
			return
		}
		name, part := skuDisplay(id, part)
		ix.skuNames[id] = [2]string{name, part}
		ix.free[id] = skus.FreeOrTrial(id, part)
	}
	for _, c := range ix.in.Customers {
		if c.Licences != nil {
			for _, s := range c.Licences.Skus {
				add(s.SkuID, s.SkuPartNumber)
			}
		}
	}
	for _, t := range ix.in.Ties {
		add(t.SkuID, t.SkuPartNumber)
	}
	for _, p := range ix.in.Products {
		add(p.SkuID, p.SkuPartNumber)
	}
}

// Reconcile computes the licence tables of every Ready customer that is not
// excluded, the findings, the totals per currency and the unmapped counts.
// It is pure (customers are worked on in parallel, but nothing is shared
// that is written): the same input gives the same report, in the same order
// (customers by name, then tenant id; findings by customer, kind, SKU,
// term).
func Reconcile(in ReconcileInput) Report {
	ix := newReconcileIndex(in)
	var rep Report
	var perCustomer [][]Finding
	// Sorted by name without case, then tenant id: the names are folded
	// once, not at every comparison.
	order := make([]int, len(in.Customers))
	folded := make([]string, len(in.Customers))
	for i := range in.Customers {
		order[i], folded[i] = i, strings.ToLower(in.Customers[i].Customer.Name)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(strings.Compare(folded[a], folded[b]),
			strings.Compare(in.Customers[a].Customer.TenantID, in.Customers[b].Customer.TenantID))
	})
	customers := make([]TenantLicences, len(order))
	for i, j := range order {
		customers[i] = in.Customers[j]
	}
	type job struct {
		tl *TenantLicences
		m  *AccountMapping
	}
	jobs := make([]job, 0, len(customers))
	none := &AccountMapping{}
	for i := range customers {
		c := customers[i].Customer
		if !c.Ready() {
			continue
		}
		m, ok := ix.accounts[idKey(c.TenantID)]
		if ok && m.Excluded {
			continue
		}
		if !ok {
			m = none
		}
		jobs = append(jobs, job{&customers[i], m})
	}
	// Customers are independent: they are worked on by one goroutine per
	// processor, each writing only its own slots, so the result is the
	// same in the same order whatever the scheduling.
	ix.warm()
	results := make([]CustomerLicences, len(jobs))
	perCustomer = make([][]Finding, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)/50+1) {
		wg.Go(func() {
			var sc scratch
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				results[i], perCustomer[i] = ix.customer(*jobs[i].tl, *jobs[i].m, &sc)
			}
		})
	}
	wg.Wait()
	rep.Customers = results
	n := 0
	for _, fs := range perCustomer {
		n += len(fs)
	}
	rep.Findings = make([]Finding, 0, n) // one allocation: findings are large
	for _, fs := range perCustomer {
		rep.Findings = append(rep.Findings, fs...)
	}
	rep.Totals = totalsFor(rep.Findings)
	rep.Unmapped = ix.unmapped()
	return rep
}

func (ix *reconcileIndex) unmapped() UnmappedCounts {
	var u UnmappedCounts
	for _, m := range ix.in.Accounts {
		if m.Excluded || m.CustomerMissing {
			continue
		}
		if !m.Distributor.Matched() && ix.in.Distributor != nil || !m.PSA.Matched() && ix.in.PSA != nil {
			u.Accounts++
			if m.Distributor.State == StateSuggested || m.PSA.State == StateSuggested {
				u.SuggestedAccounts++
			}
		}
	}
	for _, p := range ix.in.Products {
		if !p.Matched() && (!p.FreeOrTrial || ix.in.Settings.IncludeFree) {
			u.Products++
		}
	}
	for _, t := range ix.in.Ties {
		if !t.Tied() && !t.Missing {
			u.DistributorSkus++
		}
	}
	return u
}

// skuData gathers everything about one SKU of one customer.
type skuData struct {
	row     *SkuRow // into the customer's table
	counted termSubs
	// live are the tied subscriptions that are not cancelled, counted or
	// not (trials, suspended ones): the distributor does sell the SKU.
	live  []*connectors.DistributorSubscription
	terms []connectors.Term
	// termBuf backs terms: a SKU has at most four (monthly, annual,
	// triennial, unknown).
	termBuf [4]connectors.Term
	// arena hands out the small values the rows point to; it is the
	// worker's, shared by its customers.
	arena *arena
	// haveMicrosoft is set when the tenant's licences were read, so that
	// enabled and assigned are known (0 for a SKU the tenant lacks).
	haveMicrosoft bool
	licences      *connectors.LicenceSnapshot
}

// scratch is one worker's working memory, reused from customer to
// customer: at 5,000 customers, allocating it anew for each was a third of
// what a reconcile allocated, and the collector's work with it.
type scratch struct {
	arena       arena
	ds          []skuData
	at          map[string]int
	linesByItem map[string][]*connectors.BillingLine
	datas       []*skuData
	members     []member
	findings    []Finding
}

// customer builds one customer's table and findings, working in sc.
func (ix *reconcileIndex) customer(tl TenantLicences, m AccountMapping, sc *scratch) (CustomerLicences, []Finding) {
	c := tl.Customer
	in := ix.in
	cl := CustomerLicences{TenantID: c.TenantID, Name: c.Name}
	distAcct, psaCo := "", ""
	if m.Distributor.Matched() && in.Distributor != nil {
		distAcct = m.Distributor.AccountID
	}
	if m.PSA.Matched() && in.PSA != nil {
		psaCo = m.PSA.AccountID
	}
	cl.DistributorAccountID, cl.PSAAccountID = distAcct, psaCo
	ix.noteMissing(&cl, tl, m)
	ix.noteTimes(&cl, tl, distAcct != "", psaCo != "")

	// Rows are built in place in one slice (the table itself), with their
	// working data beside them; both only grow while SKUs are gathered,
	// so indices, not pointers, are held until gathering is done.
	n := 4
	if tl.Licences != nil {
		n += len(tl.Licences.Skus)
	}
	rows := make([]SkuRow, 0, n)
	if sc.at == nil {
		sc.at = make(map[string]int, n)
		sc.linesByItem = map[string][]*connectors.BillingLine{}
	}
	clear(sc.at)
	ds, at := sc.ds[:0], sc.at
	defer func() { sc.ds = ds[:0] }()
	get := func(id, part string) int {
		id = idKey(id)
		i, ok := at[id]
		if !ok {
			name, part := ix.skuName(id, part)
			i = len(rows)
			rows = append(rows, SkuRow{SkuID: id, SkuPartNumber: part, Name: name})
			// live is read only while this customer is worked on, so
			// its array is taken over from the previous customer's.
			var live []*connectors.DistributorSubscription
			if len(ds) < cap(ds) {
				live = ds[:len(ds)+1][len(ds)].live[:0]
			}
			ds = append(ds, skuData{haveMicrosoft: tl.Licences != nil, licences: tl.Licences, live: live, arena: &sc.arena})
			at[id] = i
		}
		return i
	}
	if tl.Licences != nil {
		lic := tl.Licences
		for _, s := range lic.Skus {
			r := &rows[get(s.SkuID, s.SkuPartNumber)]
			r.Enabled += s.PrepaidUnits.Enabled
			r.Assigned += s.ConsumedUnits
			r.Source = Source{System: "microsoft", What: "subscribedSkus", IDs: sc.arena.strings.one(r.SkuID), TakenAt: lic.TakenAt}
		}
	}
	var untied map[string]bool
	if distAcct != "" {
		for _, ref := range ix.subsByAcc[idKey(distAcct)] {
			s := ref.sub
			if !s.Microsoft {
				continue
			}
			counted := s.Counted(in.Settings.IncludeTrials)
			sku := ref.sku
			if sku == "" {
				if counted && !untied[s.Product.Name] {
					if untied == nil {
						untied = map[string]bool{}
					}
					untied[s.Product.Name] = true
					cl.Missing = append(cl.Missing, fmt.Sprintf("%s product %q is not tied to a Microsoft SKU: tie it on the products step or with seats map skus import",
						ix.distLabel, s.Product.Name))
				}
				continue
			}
			d := &ds[get(sku, ref.part)]
			if s.Status != connectors.StatusCancelled {
				d.live = append(d.live, s)
			}
			if counted {
				d.counted.add(s, d.arena)
			}
		}
	}
	// Items billed to the company bring their SKUs and terms in too: a
	// customer billed for a SKU it does not have is over-billed.
	var linesByItem map[string][]*connectors.BillingLine
	if psaCo != "" {
		refs := ix.linesByCo[idKey(psaCo)]
		clear(sc.linesByItem)
		linesByItem = sc.linesByItem
		// One slice for the customer's lines in effect, each item's a run
		// of it with its capacity capped (refs come grouped by item).
		inEffect := make([]*connectors.BillingLine, 0, len(refs))
		start := 0
		for i, ref := range refs {
			// The one place the clock counts: ValidUntil (tables.go)
			// follows it, for the kept tables.
			if l := ref.line; l.InEffect(in.Now) {
				inEffect = append(inEffect, l)
			}
			if i+1 < len(refs) && refs[i+1].item == ref.item {
				continue
			}
			if n := len(inEffect); n > start {
				linesByItem[ref.item] = inEffect[start:n:n]
				for _, pk := range ix.byItem[ref.item] {
					get(pk.SkuID, "")
				}
			}
			start = len(inEffect)
		}
	}
	// Findings gather in the worker's slice, reused from customer to
	// customer; the customer's are copied out at the end at their size
	// (a slice grown finding by finding left several copies behind).
	fs := sc.findings[:0]
	defer func() { sc.findings = fs[:0] }()
	datas := sc.datas[:0]
	defer func() { sc.datas = datas[:0] }()
	nTerms := 0
	for i := range ds {
		d := &ds[i]
		d.row = &rows[i]
		r := d.row
		r.FreeOrTrial = ix.freeOrTrial(r.SkuID, r.SkuPartNumber)
		if r.FreeOrTrial && !in.Settings.IncludeFree {
			continue
		}
		r.Ignored = ix.ignored[r.SkuID]
		r.Unused = max(0, r.Enabled-r.Assigned)
		r.OverAssigned = r.Assigned > r.Enabled
		d.terms = ix.termsOf(d, linesByItem)
		nTerms += len(d.terms)
		datas = append(datas, d)
	}
	// Every term row of the customer in one allocation, each SKU's rows
	// a slice of it with its capacity capped, so that appending to one
	// SKU's rows never runs into the next's.
	slab := make([]TermRow, 0, nTerms)
	for _, d := range datas {
		start := len(slab)
		slab = slab[:start+len(d.terms)]
		d.row.Terms = slab[start:start:len(slab)]
		ix.termRows(d, distAcct != "", psaCo != "", linesByItem)
		if distAcct != "" && d.haveMicrosoft && !d.row.Ignored {
			fs = ix.skuFindings(fs, d)
		}
	}
	if psaCo != "" {
		fs, sc.members = ix.itemFindings(fs, sc.members, psaCo, datas, linesByItem)
	}
	// Drop the hidden free SKUs in place, then order the table.
	cl.Skus = slices.DeleteFunc(rows, func(r SkuRow) bool { return r.FreeOrTrial && !in.Settings.IncludeFree })
	slices.SortFunc(cl.Skus, func(a, b SkuRow) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.SkuID, b.SkuID))
	})
	for i := range fs {
		fs[i].TenantID, fs[i].Customer = c.TenantID, c.Name
	}
	sortFindings(fs)
	cl.Findings = len(fs)
	for _, t := range totalsFor(fs) {
		cl.MoneyAtStake = append(cl.MoneyAtStake, connectors.Money{Minor: t.MoneyFound.Minor + t.OwedBack.Minor, Currency: t.Currency})
	}
	return cl, slices.Clone(fs)
}

// termsOf lists the terms a SKU has for a customer: those of its counted
// subscriptions, and those whose mapped item is billed to the company;
// with basis assigned and neither, the mapped monthly term, so seats
// assigned but bought elsewhere can still be billed.
func (ix *reconcileIndex) termsOf(d *skuData, linesByItem map[string][]*connectors.BillingLine) []connectors.Term {
	terms := d.counted.terms(d.termBuf[:])
	items := ix.termItems[d.row.SkuID]
	if items == nil {
		return terms // no item mapped: the subscriptions' terms only
	}
	for slot, t := range connectors.Terms() {
		if it := items[slot]; it.ok && len(linesByItem[it.item]) > 0 && !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 && ix.in.Settings.basis() == BasisAssigned && items[termSlot(connectors.TermMonthly)].ok {
		terms = append(terms, connectors.TermMonthly)
	}
	slices.SortFunc(terms, func(a, b connectors.Term) int { return termOrder(a) - termOrder(b) })
	return terms
}

// firstRenewal is the counted subscription that renews first (the one whose
// seats can be reduced soonest); ties go to the lower id.
func firstRenewal(subs []*connectors.DistributorSubscription) *connectors.DistributorSubscription {
	best := subs[0]
	for _, s := range subs[1:] {
		switch {
		case best.CommitmentEnd.IsZero() && !s.CommitmentEnd.IsZero(),
			!s.CommitmentEnd.IsZero() && s.CommitmentEnd.Before(best.CommitmentEnd),
			s.CommitmentEnd.Equal(best.CommitmentEnd) && s.ID < best.ID:
			best = s
		}
	}
	return best
}

func subIDs(subs []*connectors.DistributorSubscription) []string {
	ids := make([]string, len(subs))
	for i, s := range subs {
		ids[i] = s.ID
	}
	slices.Sort(ids)
	return ids
}

// termRows fills a SKU's term rows: purchased, renewal, unit cost and
// price, the mapped item, and to bill.
func (ix *reconcileIndex) termRows(d *skuData, haveDist, havePSA bool, linesByItem map[string][]*connectors.BillingLine) {
	r := d.row
	if cap(r.Terms) < len(d.terms) {
		r.Terms = make([]TermRow, 0, len(d.terms))
	}
	for _, t := range d.terms {
		tr := TermRow{Term: t}
		subs := d.counted.get(t)
		tr.origin = termOrigin{ctx: ix.ctx, skuID: r.SkuID, licences: d.licences, haveDist: haveDist, subs: subs}
		if haveDist {
			n := 0
			for _, s := range subs {
				n += s.Quantity
			}
			tr.Purchased = d.arena.ints.ptr(n)
		}
		if len(subs) > 0 {
			first := firstRenewal(subs)
			tr.RenewalDate, tr.BillingFrequency = first.CommitmentEnd, first.BillingFrequency
			tr.UnitCost, _ = monthlyEquivalent(first.UnitCost, first.BillingFrequency, t)
			tr.origin.first = first
		}
		if it := ix.termItem(r.SkuID, t); it.ok && havePSA {
			tr.PSAItemID, tr.PSAItemName = it.match.ItemID, it.match.ItemName
			ix.priceFrom(&tr, linesByItem[it.item], subs)
		} else if len(subs) > 0 {
			first := firstRenewal(subs)
			if price, _ := monthlyEquivalent(first.UnitPrice, first.BillingFrequency, t); price.Known() {
				tr.UnitPrice = price
				tr.origin.priceFrom, tr.origin.priceID = priceFromDistributor, first.ID
			}
		}
		r.Terms = append(r.Terms, tr)
	}
	ix.toBill(d)
}

func countedNote(ix *reconcileIndex) string {
	if ix.in.Settings.IncludeTrials {
		return "active, pending cancellation and trial"
	}
	return "active and pending cancellation"
}

// psaMonthly is a PSA price per month: as charged for monthly cycles and
// where the PSA names no cycle, / 12 for annual ones; unknown for a cycle
// seats cannot turn into months, rather than a wrong number.
func psaMonthly(m connectors.Money, freq connectors.BillingFrequency, term connectors.Term) connectors.Money {
	if freq == "" {
		return m
	}
	price, _ := monthlyEquivalent(m, freq, term)
	return price
}

// linePrice is a billing line's unit price per month.
func linePrice(l *connectors.BillingLine, term connectors.Term) connectors.Money {
	return psaMonthly(l.UnitPrice, l.BillingFrequency, term)
}

// itemPrice is a catalogue item's price per month.
func itemPrice(it connectors.CatalogItem, term connectors.Term) connectors.Money {
	return psaMonthly(it.Price, it.BillingFrequency, term)
}

// priceFrom sets the unit price from the item's most recent billed line,
// else the catalogue, else the distributor's suggested price.
func (ix *reconcileIndex) priceFrom(tr *TermRow, lines []*connectors.BillingLine, subs []*connectors.DistributorSubscription) {
	if len(lines) > 0 {
		l := latestLine(lines)
		if price := linePrice(l, tr.Term); price.Known() {
			tr.UnitPrice = price
			tr.origin.priceFrom, tr.origin.priceID = priceFromLine, l.LineID
			return
		}
	}
	if it, ok := ix.items[idKey(tr.PSAItemID)]; ok {
		if price := itemPrice(it, tr.Term); price.Known() {
			tr.UnitPrice = price
			tr.origin.priceFrom, tr.origin.priceID = priceFromItem, it.ID
			return
		}
	}
	if len(subs) > 0 {
		first := firstRenewal(subs)
		if price, _ := monthlyEquivalent(first.UnitPrice, first.BillingFrequency, tr.Term); price.Known() {
			tr.UnitPrice = price
			tr.origin.priceFrom, tr.origin.priceID = priceFromDistributor, first.ID
		}
	}
}

// latestLine is the line most recently in effect (latest EffectiveFrom;
// ties to the higher line id, the newer in every PSA seats knows).
func latestLine(lines []*connectors.BillingLine) *connectors.BillingLine {
	best := lines[0]
	for _, l := range lines[1:] {
		if l.EffectiveFrom.After(best.EffectiveFrom) || l.EffectiveFrom.Equal(best.EffectiveFrom) && lineIDLess(best.LineID, l.LineID) {
			best = l
		}
	}
	return best
}

// lineIDLess orders line ids numerically where both are numbers.
func lineIDLess(a, b string) bool {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		return len(a) < len(b)
	}
	return a < b
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// toBill sets what each term should bill. Basis distributor: what was
// purchased. Basis assigned: the SKU's assigned seats, shared over its
// terms with the committed ones (triennial, annual) taking up to what was
// bought for them and the monthly term the rest, since only monthly seats
// move with the number of users.
func (ix *reconcileIndex) toBill(d *skuData) {
	r := d.row
	if ix.in.Settings.basis() == BasisDistributor {
		for i := range r.Terms {
			if p := r.Terms[i].Purchased; p != nil {
				r.Terms[i].ToBill = d.arena.ints.ptr(*p)
				r.Terms[i].origin.toBill = toBillPurchased
			}
		}
		return
	}
	if len(r.Terms) == 0 || !d.haveMicrosoft {
		return // assigned is not known without the tenant's data
	}
	idx := make([]int, len(r.Terms))
	for i := range idx {
		idx[i] = i
	}
	// Committed terms first, longest first; monthly last.
	slices.SortFunc(idx, func(a, b int) int { return r.Terms[b].Term.Months() - r.Terms[a].Term.Months() })
	remaining := r.Assigned
	for n, i := range idx {
		take := remaining
		if n < len(idx)-1 {
			bought := 0
			if p := r.Terms[i].Purchased; p != nil {
				bought = *p
			}
			take = min(remaining, bought)
		}
		remaining -= take
		r.Terms[i].ToBill = d.arena.ints.ptr(take)
		r.Terms[i].origin.toBill = toBillAssigned
		if len(idx) > 1 {
			r.Terms[i].origin.toBill = toBillAssignedShare
		}
	}
}

var kindOrder = func() map[FindingKind]int {
	m := map[FindingKind]int{}
	for i, k := range FindingKinds() {
		m[k] = i
	}
	return m
}()

// sortFindings orders one customer's findings: by kind, then product, SKU
// and term. Customers come in name order already, so the whole report is
// ordered without sorting every finding at once.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(kindOrder[a.Kind]-kindOrder[b.Kind], strings.Compare(a.Product, b.Product),
			strings.Compare(a.SkuID, b.SkuID), strings.Compare(a.Term, b.Term))
	})
}

// subRef is a distributor subscription of the snapshot with its SKU
// (through the ties) worked out once.
type subRef struct {
	sub  *connectors.DistributorSubscription
	sku  string // "" when its product is not tied
	part string
}

// lineRef is a billing line of the snapshot with its item key worked out once.
type lineRef struct {
	line *connectors.BillingLine
	item string
}

// termSubs are one SKU's counted subscriptions by term: a fixed array, as
// a map per SKU and customer costs more than the work it indexes.
type termSubs [5][]*connectors.DistributorSubscription

func termSlot(t connectors.Term) int {
	switch t {
	case connectors.TermMonthly:
		return 0
	case connectors.TermAnnual:
		return 1
	case connectors.TermTriennial:
		return 2
	case connectors.TermUnknown:
		return 3
	}
	return 4
}

var slotTerms = [5]connectors.Term{connectors.TermMonthly, connectors.TermAnnual, connectors.TermTriennial, connectors.TermUnknown, ""}

// add files s under its term; a term's first subscription comes from a,
// since most SKUs have one subscription a term.
func (ts *termSubs) add(s *connectors.DistributorSubscription, a *arena) {
	i := termSlot(s.Term)
	if ts[i] == nil {
		ts[i] = a.subs.one(s)
		return
	}
	ts[i] = append(ts[i], s)
}

func (ts *termSubs) get(t connectors.Term) []*connectors.DistributorSubscription {
	return ts[termSlot(t)]
}

// terms lists the terms that have subscriptions; an empty term is read as
// unknown.
func (ts *termSubs) terms(buf []connectors.Term) []connectors.Term {
	out := buf[:0]
	for i, subs := range ts {
		if len(subs) > 0 && i < 4 {
			out = append(out, slotTerms[i])
		}
	}
	if len(ts[4]) > 0 && len(ts[3]) == 0 {
		out = append(out, connectors.TermUnknown)
	}
	return out
}

// all lists every subscription of every term: the one term's own slice
// when only one term has any (no copy), else a new one.
func (ts *termSubs) all() []*connectors.DistributorSubscription {
	var only []*connectors.DistributorSubscription
	n, terms := 0, 0
	for _, subs := range ts {
		if len(subs) > 0 {
			only, n, terms = subs, n+len(subs), terms+1
		}
	}
	if terms <= 1 {
		return only
	}
	out := make([]*connectors.DistributorSubscription, 0, n)
	for _, subs := range ts {
		out = append(out, subs...)
	}
	return out
}

// arena hands out the small values that rows and sources point to from
// chunks, one allocation per chunk instead of one per value: a large
// portfolio has hundreds of thousands of them. A chunk is never grown in
// place, so what was handed out stays where it is.
type arena struct {
	ints    chunks[int]
	strings chunks[string]
	subs    chunks[*connectors.DistributorSubscription]
}

// chunks hands out values of one type from fixed-size chunks.
type chunks[T any] struct{ buf []T }

const chunkSize = 256

// ptr returns a pointer to a new value v.
func (c *chunks[T]) ptr(v T) *T {
	return &c.one(v)[0]
}

// one returns a new slice holding v only (its capacity is 1, so an append
// to it copies rather than overwriting the next value).
func (c *chunks[T]) one(v T) []T {
	if len(c.buf) == cap(c.buf) {
		c.buf = make([]T, 0, chunkSize)
	}
	c.buf = append(c.buf, v)
	n := len(c.buf)
	return c.buf[n-1 : n : n]
}

// termItem is the PSA item a (SKU, term) is mapped to, with the item's key.
type termItem struct {
	match ProductMatch
	item  string // idKey of match.ItemID
	ok    bool
}

// termItems are a SKU's items by term slot: monthly, annual, triennial.
type termItems [3]termItem

// termItem is the item (sku, t) is mapped to; ok is false when none is.
func (ix *reconcileIndex) termItem(sku string, t connectors.Term) termItem {
	items, slot := ix.termItems[sku], termSlot(t)
	if items == nil || slot >= len(items) {
		return termItem{}
	}
	return items[slot]
}
