package products

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	// The PSA registers its display name ("ConnectWise PSA") as in the binary.
	_ "github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/skus"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// The real matcher is one the screen can use.
var _ Matcher = (*workflow.Matching)(nil)

// SKU ids of the catalogue used below.
const (
	skuBusinessPremium  = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" // SPB
	skuBusinessStandard = "f245ecc8-75af-4f8e-b61f-27d8114de5f3" // O365_BUSINESS_PREMIUM
	skuBusinessBasic    = "3b555118-da6a-4418-894f-7df1e2096870" // O365_BUSINESS_ESSENTIALS
	skuExchange1        = "4b9405b0-7788-4568-add1-99614e613b69" // EXCHANGESTANDARD
	skuE3               = "05e9a617-0261-4cee-bb44-138d3ef5d965" // SPE_E3
	skuPowerBIPro       = "f8a1db68-be16-40ed-86d5-cb42ce701560" // POWER_BI_PRO
	skuFlowFree         = "f30db892-07e9-47e9-837c-80727f46fd3d" // FLOW_FREE
	skuTeamsExploratory = "710779e8-3d4a-4c88-adb9-386c958d1fdf" // TEAMS_EXPLORATORY
)

// fakeMatcher holds a matching view as plain data and changes it the way
// workflow.Matching does: an item or SKU it does not know is refused. A tie
// brings the SKU's monthly product, unmapped, into the next Refresh, as the
// real pass would from the distributor's subscriptions. It counts calls and
// how many ran at once; with hold set, each call waits for the test.
type fakeMatcher struct {
	mu          sync.Mutex
	view        workflow.MatchView
	refreshErr  error
	setErr      error
	hold        chan struct{}
	calls       []string
	inFlight    int
	maxInFlight int
}

func newFakeMatcher(v workflow.MatchView) *fakeMatcher { return &fakeMatcher{view: v} }

func (f *fakeMatcher) enter(call string) {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
}

func (f *fakeMatcher) leave() {
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
}

func (f *fakeMatcher) Refresh() (workflow.MatchView, error) {
	f.enter("refresh")
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refreshErr != nil {
		return workflow.MatchView{}, f.refreshErr
	}
	v := f.view
	v.Products, v.Skus = slices.Clone(f.view.Products), slices.Clone(f.view.Skus)
	return v, nil
}

func (f *fakeMatcher) SetProduct(key reconcile.ProductKey, itemID string) (reconcile.ProductMatch, error) {
	f.enter(fmt.Sprintf("set %s %s %q", skus.DisplayName(key.SkuID, ""), key.Term, itemID))
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setErr != nil {
		return reconcile.ProductMatch{}, f.setErr
	}
	i := slices.IndexFunc(f.view.Products, func(p reconcile.ProductMatch) bool { return p.SkuID == key.SkuID && p.Term == key.Term })
	if i < 0 {
		return reconcile.ProductMatch{}, fmt.Errorf("no product %s on a %s term", key.SkuID, key.Term)
	}
	name := ""
	if itemID != "" {
		j := slices.IndexFunc(f.view.Catalog, func(c connectors.CatalogItem) bool { return c.ID == itemID })
		if j < 0 {
			return reconcile.ProductMatch{}, fmt.Errorf("the PSA catalogue has no item %s", itemID)
		}
		name = f.view.Catalog[j].Description
	}
	old := f.view.Products[i]
	hand := reconcile.HandProductMatch(old.ProductKey, itemID, name)
	hand.Product, hand.SkuPartNumber, hand.FreeOrTrial, hand.TermAssumed = old.Product, old.SkuPartNumber, old.FreeOrTrial, old.TermAssumed
	f.view.Products[i] = hand
	return hand, nil
}

func (f *fakeMatcher) TieSku(productID, skuID string) (reconcile.SkuTie, error) {
	f.enter(fmt.Sprintf("tie %s %s", productID, skuID))
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.view.Skus, func(t reconcile.SkuTie) bool { return t.ProductID == productID })
	if i < 0 {
		return reconcile.SkuTie{}, fmt.Errorf("the distributor sells no product %s", productID)
	}
	if _, ok := skus.ByID(skuID); !ok && skuID != "" {
		return reconcile.SkuTie{}, fmt.Errorf("%s is not a Microsoft SKU id seats knows", skuID)
	}
	tie := reconcile.HandTie(productID, f.view.Skus[i].ProductName, skuID)
	f.view.Skus[i] = tie
	if !slices.ContainsFunc(f.view.Products, func(p reconcile.ProductMatch) bool { return p.SkuID == skuID }) {
		f.view.Products = append(f.view.Products, product(skuID, connectors.TermMonthly, unmatched()))
	}
	return tie, nil
}

func (f *fakeMatcher) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeMatcher) product(skuID string, term connectors.Term) reconcile.ProductMatch {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.view.Products {
		if p.SkuID == skuID && p.Term == term {
			return p
		}
	}
	return reconcile.ProductMatch{}
}

// product builds the match of one SKU on one term, named from the
// catalogue.
func product(skuID string, term connectors.Term, m reconcile.ProductMatch) reconcile.ProductMatch {
	s, _ := skus.ByID(skuID)
	m.ProductKey = reconcile.ProductKey{SkuID: skuID, Term: term}
	m.Product, m.SkuPartNumber = s.Name, s.PartNumber
	m.FreeOrTrial = skus.FreeOrTrial(skuID, s.PartNumber)
	return m
}

func unmatched() reconcile.ProductMatch {
	return reconcile.ProductMatch{State: reconcile.StateUnmapped}
}

func item(id, name string, state reconcile.MatchState, ev reconcile.Evidence, reason string, score int) reconcile.ProductMatch {
	return reconcile.ProductMatch{ItemID: id, ItemName: name, State: state, Evidence: ev, Reason: reason, Score: score}
}

func usd(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "USD"} }

// sample is a ConnectWise home with a product in every state, two unknown
// distributor products and two free SKUs.
func sample() workflow.MatchView {
	missing := item("cw-e3-old", "M365 E3 (old)", reconcile.StateConfirmed, reconcile.EvidenceHand, "matched by hand", 0)
	missing.Missing = true
	assumed := product(skuPowerBIPro, connectors.TermMonthly, unmatched())
	assumed.TermAssumed = true
	flow := product(skuFlowFree, connectors.TermMonthly, unmatched())
	flow.TermAssumed = true
	return workflow.MatchView{
		DistributorKind: "pax8",
		PSAKind:         "connectwise",
		Catalog: []connectors.CatalogItem{
			{ID: "cw-spb-m", Identifier: "M365-BP-M", Description: "M365 Business Premium (Monthly)", VendorSKU: "SPB", Price: usd(2200), Recurring: true, Active: true},
			{ID: "cw-spb-a", Identifier: "M365-BP-A", Description: "M365 Business Premium Annual", Price: usd(2000), Recurring: true, Active: true},
			{ID: "cw-bs", Identifier: "M365-BS", Description: "M365 Business Standard", VendorSKU: "CFQ7TTC0LDPB", Price: usd(1250), Recurring: true, Active: true},
			{ID: "cw-exo", Identifier: "EXO-P1", Description: "Exchange Online Plan 1", Price: usd(400), Recurring: true, Active: true},
			{ID: "cw-old", Identifier: "OLD-BUNDLE", Description: "Old Office Bundle", Recurring: true, Active: false},
			{ID: "cw-setup", Identifier: "ONBOARD", Description: "Onboarding fee", Price: usd(15000), Recurring: false, Active: true},
		},
		Mappings: reconcile.Mappings{
			Skus: []reconcile.SkuTie{
				{ProductID: "px-200", ProductName: "Exchange Online (Plan 1)", SkuID: skuExchange1, SkuPartNumber: "EXCHANGESTANDARD",
					State: reconcile.StateAuto, Evidence: reconcile.EvidenceProductName, Reason: `name = catalogue's "Exchange Online (Plan 1)"`},
				{ProductID: "px-101", ProductName: "M365 Biz Prem NCE 1yr", State: reconcile.StateUnmapped,
					Reason: "no SKU id and no catalogue name fits; tie it by hand"},
				{ProductID: "px-102", ProductName: "Microsoft 365 Business Basic", State: reconcile.StateUnmapped,
					Reason: "the name fits 2 SKUs; tie it by hand"},
				{ProductID: "px-gone", ProductName: "Retired bundle", State: reconcile.StateUnmapped, Missing: true},
			},
			Products: []reconcile.ProductMatch{
				product(skuExchange1, connectors.TermMonthly, item("cw-exo", "Exchange Online Plan 1", reconcile.StateConfirmed, reconcile.EvidenceHand, "matched by hand", 0)),
				product(skuExchange1, connectors.TermAnnual, reconcile.ProductMatch{State: reconcile.StateConfirmed, Evidence: reconcile.EvidenceHand, Reason: "matched by hand"}),
				product(skuBusinessPremium, connectors.TermMonthly, item("cw-spb-m", "M365 Business Premium (Monthly)", reconcile.StateAuto, reconcile.EvidencePartNumber, "vendor SKU SPB = part number", 0)),
				product(skuBusinessPremium, connectors.TermAnnual, item("cw-spb-a", "M365 Business Premium Annual", reconcile.StateSuggested, reconcile.EvidenceSimilarName, "similar name (72%)", 72)),
				product(skuBusinessStandard, connectors.TermMonthly, unmatched()),
				product(skuE3, connectors.TermAnnual, missing),
				flow,
				assumed,
				product(skuTeamsExploratory, connectors.TermMonthly, unmatched()),
			},
		},
	}
}

// many is a catalogue of n items and n products, a third matched, a third
// suggested, a third unmapped.
func many(n int) workflow.MatchView {
	v := workflow.MatchView{PSAKind: "connectwise"}
	all := skus.All()
	terms := connectors.Terms()
	for i := range n {
		id := fmt.Sprintf("cw-%d", i)
		v.Catalog = append(v.Catalog, connectors.CatalogItem{ID: id, Description: fmt.Sprintf("Item %05d", i), Recurring: true, Active: true})
		s := all[i%len(all)]
		var m reconcile.ProductMatch
		switch i % 3 {
		case 0:
			m = item(id, fmt.Sprintf("Item %05d", i), reconcile.StateAuto, reconcile.EvidencePartNumber, "vendor SKU = part number", 0)
		case 1:
			m = item(id, fmt.Sprintf("Item %05d", i), reconcile.StateSuggested, reconcile.EvidenceSimilarName, "similar name (80%)", 80)
		default:
			m = unmatched()
		}
		p := product(s.ID, terms[(i/len(all))%len(terms)], m)
		p.FreeOrTrial = false
		v.Products = append(v.Products, p)
	}
	return v
}

// fixture runs the screen the way the root does, commands and all.
type fixture struct {
	screen *Model
	h      *tuitest.Harness
	d      *tuitest.Driver
	mt     *fakeMatcher
}

func setup(tb testing.TB, v workflow.MatchView, width, height int) *fixture {
	tb.Helper()
	return setupWith(tb, newFakeMatcher(v), width, height)
}

func setupWith(tb testing.TB, mt *fakeMatcher, width, height int) *fixture {
	tb.Helper()
	c, _ := tuitest.NewCommon(tb, common.Deps{})
	s := New(c, mt)
	s.SetSize(width, height)
	h := tuitest.NewHarness(s)
	f := &fixture{screen: s, h: h, d: tuitest.NewDriver(tb, h), mt: mt}
	if mt.refreshErr == nil {
		f.d.Init()
		f.d.Until("loaded", func() bool { return s.loaded && !s.calls.Busy() })
	}
	return f
}

// shown lists the rows shown, in order: tie rows by distributor product
// name, product rows as "name, term".
func (f *fixture) shown() []string {
	var out []string
	for _, e := range f.screen.entries {
		if e.row < 0 {
			continue
		}
		r := f.screen.rows[e.row]
		if r.kind == kindTie {
			out = append(out, r.tie.ProductName)
		} else {
			out = append(out, productLabel(r.prod))
		}
	}
	return out
}

// selectRow moves the cursor to the row shown as label (see shown).
func (f *fixture) selectRow(tb testing.TB, label string) {
	tb.Helper()
	for pos, e := range f.screen.entries {
		if e.row < 0 {
			continue
		}
		r := f.screen.rows[e.row]
		if (r.kind == kindTie && r.tie.ProductName == label) || (r.kind == kindProduct && productLabel(r.prod) == label) {
			f.screen.cursor = pos
			f.screen.clampScroll()
			f.screen.syncKeys()
			return
		}
	}
	tb.Fatalf("%s is not shown: %v", label, f.shown())
}

func (f *fixture) waitStatus(tb testing.TB, want string) {
	tb.Helper()
	f.d.Until("the status "+want, func() bool { return f.h.LastStatus() == want })
}

func (f *fixture) idle(tb testing.TB) {
	tb.Helper()
	f.d.Until("the matcher is idle", func() bool { return f.screen.calls.Idle() })
}

func (f *fixture) view() string { return ansi.Strip(f.screen.View()) }

// rowLine returns the row shown as label (see shown), as drawn.
func (f *fixture) rowLine(tb testing.TB, label string) string {
	tb.Helper()
	cols := layoutFor(f.screen.width, f.screen.longestName)
	for pos, e := range f.screen.entries {
		if e.row < 0 {
			continue
		}
		r := f.screen.rows[e.row]
		if (r.kind == kindTie && r.tie.ProductName == label) || (r.kind == kindProduct && productLabel(r.prod) == label) {
			return ansi.Strip(f.screen.entryView(cols, pos))
		}
	}
	tb.Fatalf("%s is not shown: %v", label, f.shown())
	return ""
}

// lineWith returns the first line of the view holding s.
func (f *fixture) lineWith(tb testing.TB, s string) string {
	tb.Helper()
	for l := range strings.SplitSeq(f.view(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	tb.Fatalf("no line holds %q:\n%s", s, f.view())
	return ""
}
