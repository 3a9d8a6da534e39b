package products

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

const (
	bpMonthly = "Microsoft 365 Business Premium, monthly"
	bpAnnual  = "Microsoft 365 Business Premium, annual"
	bsMonthly = "Microsoft 365 Business Standard, monthly"
	unknown1  = "M365 Biz Prem NCE 1yr"
	unknown2  = "Microsoft 365 Business Basic"
)

func TestRowsAndStates(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	want := []string{
		unknown1, unknown2,
		"Exchange Online (Plan 1), monthly", "Exchange Online (Plan 1), annual",
		bpMonthly, bpAnnual, bsMonthly,
		"Microsoft 365 E3, annual", "Power BI Pro, monthly",
	}
	if got := f.shown(); !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v: untied first; tied and gone distributor products and free SKUs left out", got, want)
	}
	tests := []struct {
		line string
		want []string
	}{
		{unknown1, []string{"no SKU id and no catalogue name fits", "· unknown"}},
		{"Exchange Online (Plan 1), monthly", []string{"✓ Exchange Online Plan 1", "by hand", "✓ confirmed"}},
		{"Exchange Online (Plan 1), annual", []string{"– not billed", "– not billed"}},
		{bpMonthly, []string{"✓ M365 Business Premium (Monthly)", "part no.", "✓ auto"}},
		{bpAnnual, []string{"? M365 Business Premium Annual", "72%", "? suggested 72%"}},
		{bsMonthly, []string{"· unmapped"}},
		{"Microsoft 365 E3, annual", []string{"! M365 E3 (old)", "missing", "! missing"}},
		{"Power BI Pro, monthly", []string{"monthly*", "· unmapped"}},
	}
	for _, tt := range tests {
		l := f.rowLine(t, tt.line)
		for _, w := range tt.want {
			if !strings.Contains(l, w) {
				t.Errorf("row %q lacks %q", l, w)
			}
		}
	}
	top := f.view()
	for _, w := range []string{"7 products", "✓ Matched 2", "? Suggested 1", "· Unmapped 2", "– Not billed 1", "! Missing 1",
		"? Unknown distributor products 2 · ConnectWise PSA catalogue 6 items",
		"Filter All f · Free/trial 2 hidden t · Search none / · 9 shown",
		"Distributor products not tied to a Microsoft SKU (2): p ties one",
		"Microsoft products on each term, and the PSA item each is billed as"} {
		if !strings.Contains(top, w) {
			t.Errorf("the view lacks %q:\n%s", w, top)
		}
	}
}

func TestDetailSaysWhy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		row  string
		want []string
	}{
		{unknown2, []string{"Microsoft 365 Business Basic · distributor product px-102",
			"? Not tied to a Microsoft SKU — the name fits 2 SKUs; tie it by hand", "p picks its SKU from the catalogue"}},
		{bpMonthly, []string{"Microsoft 365 Business Premium · SPB · monthly",
			"ConnectWise PSA: ✓ M365 Business Premium (Monthly) · auto — vendor SKU SPB = part number",
			"item cw-spb-m · M365-BP-M · vendor SKU SPB · price 22.00 USD (PSA catalogue)"}},
		{bpAnnual, []string{"? M365 Business Premium Annual · suggested 72% — similar name (72%); y confirms, p picks another"}},
		{"Power BI Pro, monthly", []string{"monthly* (assumed: no distributor subscription gives its term)"}},
		{"Microsoft 365 E3, annual", []string{"gone from the latest catalogue, kept", "item cw-e3-old · not in the latest catalogue"}},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), 200, 40)
			f.selectRow(t, tt.row)
			v := f.view()
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("the detail lacks %q:\n%s", w, v)
				}
			}
		})
	}
}

func TestFreeAndTrialToggle(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.d.Press("t")
	got := f.shown()
	for _, w := range []string{"Microsoft Power Automate Free, monthly", "Microsoft Teams Exploratory, monthly"} {
		if !slices.Contains(got, w) {
			t.Errorf("t should show %s: %v", w, got)
		}
	}
	if l := f.rowLine(t, "Microsoft Power Automate Free, monthly"); !strings.Contains(l, "(free/trial)") {
		t.Errorf("a free SKU should say so: %q", l)
	}
	if v := f.view(); !strings.Contains(v, "9 products") || !strings.Contains(v, "Free/trial shown t") {
		t.Errorf("counts:\n%s", v)
	}
	if h := f.screen.keys.Free.Help().Desc; h != "hide free/trial" {
		t.Errorf("help %q", h)
	}
	f.d.Press("t")
	if len(f.shown()) != 9 {
		t.Errorf("t again should hide them: %v", f.shown())
	}
}

func TestFilterCycles(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	want := []struct {
		filter string
		rows   []string
	}{
		{"To do", []string{unknown1, unknown2, bpAnnual, bsMonthly, "Microsoft 365 E3, annual", "Power BI Pro, monthly"}},
		{"Unmapped", []string{unknown1, unknown2, bsMonthly, "Power BI Pro, monthly"}},
		{"Suggested", []string{bpAnnual}},
		{"Matched", []string{"Exchange Online (Plan 1), monthly", bpMonthly}},
		{"Not billed", []string{"Exchange Online (Plan 1), annual"}},
		{"All", []string{unknown1, unknown2, "Exchange Online (Plan 1), monthly", "Exchange Online (Plan 1), annual",
			bpMonthly, bpAnnual, bsMonthly, "Microsoft 365 E3, annual", "Power BI Pro, monthly"}},
	}
	for _, w := range want {
		f.d.Press("f")
		if got := f.screen.filter.String(); got != w.filter {
			t.Fatalf("filter = %q, want %q", got, w.filter)
		}
		if got := f.shown(); !slices.Equal(got, w.rows) {
			t.Errorf("filter %s shows %v, want %v", w.filter, got, w.rows)
		}
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		typed string
		want  []string
	}{
		// Business Standard's part number is O365_BUSINESS_PREMIUM.
		{"by name or part number", "premium", []string{bpMonthly, bpAnnual, bsMonthly}},
		{"by part number", "spb", []string{bpMonthly, bpAnnual}},
		{"by term", "annual", []string{"Exchange Online (Plan 1), annual", bpAnnual, "Microsoft 365 E3, annual"}},
		{"by item", "plan 1", []string{"Exchange Online (Plan 1), monthly", "Exchange Online (Plan 1), annual"}},
		{"by distributor product", "nce", []string{unknown1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), 140, 40)
			f.d.Press("/")
			f.d.Type(tt.typed)
			if got := f.shown(); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows %v, want %v", tt.typed, got, tt.want)
			}
			f.d.Press("esc")
			if len(f.shown()) != 9 {
				t.Errorf("esc should clear the search: %v", f.shown())
			}
		})
	}
}

func TestCursorSkipsHeaders(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	label := func() string {
		i, ok := f.screen.selectedRow()
		if !ok {
			t.Fatalf("the cursor is on entry %d, not a row", f.screen.cursor)
		}
		r := f.screen.rows[i]
		if r.kind == kindTie {
			return r.tie.ProductName
		}
		return productLabel(r.prod)
	}
	if got := label(); got != unknown1 {
		t.Errorf("first row %q, want %q", got, unknown1)
	}
	f.d.Press("down", "down")
	if got := label(); got != "Exchange Online (Plan 1), monthly" {
		t.Errorf("down past the last unknown product lands on %q", got)
	}
	f.d.Press("up")
	if got := label(); got != unknown2 {
		t.Errorf("up lands on %q", got)
	}
	f.d.Press("home")
	if got := label(); got != unknown1 {
		t.Errorf("home lands on %q", got)
	}
	if f.screen.offset != 0 {
		t.Errorf("home should show the first section's header (offset %d)", f.screen.offset)
	}
	f.d.Press("end")
	if got := label(); got != "Power BI Pro, monthly" {
		t.Errorf("end lands on %q", got)
	}
}

func TestConfirmSuggestion(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.selectRow(t, bpAnnual)
	f.d.Press("y")
	f.waitStatus(t, bpAnnual+": M365 Business Premium Annual, confirmed")
	if got := f.mt.product(skuBusinessPremium, connectors.TermAnnual); got.ItemID != "cw-spb-a" || got.State != reconcile.StateConfirmed {
		t.Errorf("saved %+v", got)
	}
	if l := f.rowLine(t, bpAnnual); !strings.Contains(l, "✓ confirmed") {
		t.Errorf("row %q", l)
	}
}

func TestConfirmWithoutSuggestion(t *testing.T) {
	t.Parallel()
	tests := []struct{ row, status string }{
		{bsMonthly, bsMonthly + " has no suggestion to confirm: p picks a PSA item"},
		{unknown1, unknown1 + " is not tied to a SKU: p picks its SKU"},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), 140, 40)
			f.selectRow(t, tt.row)
			f.d.Press("y")
			f.waitStatus(t, tt.status)
			if calls := f.mt.callLog(); len(calls) != 1 {
				t.Errorf("calls %v", calls)
			}
		})
	}
}

func TestPickItem(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 160, 40)
	f.selectRow(t, bsMonthly)
	f.d.Press("p")
	v := f.view()
	for _, w := range []string{
		"Pick the ConnectWise PSA item for " + bsMonthly,
		"Not billed in ConnectWise PSA",
		"M365 Business Standard", "vendor SKU CFQ7TTC0LDPB · M365-BS · price 12.50 USD",
		"M365 Business Premium (Monthly)", "used for " + bpMonthly + " · vendor SKU SPB",
		"Old Office Bundle", "inactive",
		"Onboarding fee", "not recurring",
	} {
		if !strings.Contains(v, w) {
			t.Errorf("the picker lacks %q:\n%s", w, v)
		}
	}
	f.d.Type("standard")
	f.d.Press("enter")
	f.waitStatus(t, bsMonthly+": M365 Business Standard, matched by hand")
	if got := f.mt.product(skuBusinessStandard, connectors.TermMonthly); got.ItemID != "cw-bs" || got.State != reconcile.StateConfirmed {
		t.Errorf("saved %+v", got)
	}
}

// TestMonthlyAndAnnualMayShareAnItem: one PSA item may bill both terms.
func TestMonthlyAndAnnualMayShareAnItem(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.selectRow(t, bpAnnual)
	f.d.Press("p")
	if o, _ := f.screen.picker.Selected(); o.ID != "cw-spb-a" || o.Current != "suggested" {
		t.Errorf("the picker starts on %+v, want the suggestion", o)
	}
	f.d.Type("monthly")
	f.d.Press("enter")
	f.waitStatus(t, bpAnnual+": M365 Business Premium (Monthly), matched by hand")
	for _, term := range []connectors.Term{connectors.TermMonthly, connectors.TermAnnual} {
		if got := f.mt.product(skuBusinessPremium, term); got.ItemID != "cw-spb-m" || !got.Matched() {
			t.Errorf("%s: %+v", term, got)
		}
	}
	if len(f.h.Errs) > 0 {
		t.Errorf("errors %v", f.h.Errs)
	}
}

func TestNotBilled(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.selectRow(t, bsMonthly)
	f.d.Press("p", "up", "enter")
	f.waitStatus(t, bsMonthly+": not billed in ConnectWise PSA, confirmed by hand")
	if got := f.mt.product(skuBusinessStandard, connectors.TermMonthly); got.ItemID != "" || got.State != reconcile.StateConfirmed {
		t.Errorf("saved %+v", got)
	}
	if l := f.rowLine(t, bsMonthly); !strings.Contains(l, "– not billed") {
		t.Errorf("row %q", l)
	}
}

// TestTieUnknownProduct: an unknown distributor product is tied from the
// SKU catalogue; matching runs again and brings its product to match.
func TestTieUnknownProduct(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.selectRow(t, unknown2)
	if h := f.screen.keys.Pick.Help().Desc; h != "pick SKU" {
		t.Errorf("help %q", h)
	}
	f.d.Press("p")
	if v := f.view(); !strings.Contains(v, "Tie Microsoft 365 Business Basic to a Microsoft SKU") {
		t.Fatalf("picker:\n%s", v)
	}
	f.d.Type("business basic")
	if o, _ := f.screen.picker.Selected(); o.Label != "Microsoft 365 Business Basic" {
		t.Errorf("names holding the search as typed come first, got %+v", o)
	}
	f.d.Press("ctrl+u")
	f.d.Type("O365_BUSINESS_ESSENTIALS")
	if o, _ := f.screen.picker.Selected(); o.ID != skuBusinessBasic {
		t.Fatalf("the search should find Business Basic by part number, got %+v", o)
	}
	f.d.Press("enter")
	f.waitStatus(t, "Tied Microsoft 365 Business Basic to Microsoft 365 Business Basic; matching products again")
	f.idle(t)
	want := []string{"refresh", "tie px-102 " + skuBusinessBasic, "refresh"}
	if calls := f.mt.callLog(); !slices.Equal(calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	got := f.shown()
	if slices.Contains(got, unknown2) {
		t.Errorf("a tied product should leave the unknown list: %v", got)
	}
	if !slices.Contains(got, "Microsoft 365 Business Basic, monthly") {
		t.Errorf("the new product should be listed to match: %v", got)
	}
}

func TestCallsRunOneAtATime(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	f := setupWith(t, mt, 140, 40)
	mt.mu.Lock()
	mt.hold = make(chan struct{})
	mt.mu.Unlock()
	f.selectRow(t, bpAnnual)
	f.d.Press("y")
	f.selectRow(t, bsMonthly)
	f.d.Press("p", "up", "enter")
	go func() {
		for range 2 {
			mt.hold <- struct{}{}
		}
	}()
	f.idle(t)
	want := []string{"refresh", `set Microsoft 365 Business Premium annual "cw-spb-a"`, `set Microsoft 365 Business Standard monthly ""`}
	if calls := mt.callLog(); !slices.Equal(calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	if mt.maxInFlight != 1 {
		t.Errorf("%d calls ran at once", mt.maxInFlight)
	}
}

func TestChangeFailureIsReported(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	mt.setErr = errors.New("store: save mappings: disk full")
	f := setupWith(t, mt, 140, 40)
	f.selectRow(t, bpAnnual)
	f.d.Press("y")
	f.d.Until("the error", func() bool { return len(f.h.Errs) > 0 })
	if e := f.h.Errs[0]; e.Op != "Confirm the PSA item of "+bpAnnual || e.Screen != common.ScreenProducts || !strings.Contains(e.Error(), "disk full") {
		t.Errorf("error %+v", e)
	}
	if l := f.rowLine(t, bpAnnual); !strings.Contains(l, "? suggested 72%") {
		t.Errorf("row %q should be unchanged", l)
	}
}

func TestGate(t *testing.T) {
	t.Parallel()
	noPSA := sample()
	noPSA.PSAKind, noPSA.Catalog = "", nil
	unmatchedAll := sample()
	unmatchedAll.Products = slices.DeleteFunc(slices.Clone(unmatchedAll.Products), func(p reconcile.ProductMatch) bool { return p.Matched() })
	onlyFree := sample()
	onlyFree.Products = []reconcile.ProductMatch{product(skuFlowFree, connectors.TermMonthly,
		item("cw-exo", "Exchange Online Plan 1", reconcile.StateConfirmed, reconcile.EvidenceHand, "matched by hand", 0))}
	empty := sample()
	empty.Products = nil
	tests := []struct {
		name string
		view workflow.MatchView
		want error
	}{
		{"one matched", sample(), nil},
		{"no PSA connected", noPSA, nil},
		{"none matched", unmatchedAll, ErrNoneMatched},
		{"a free SKU matched still counts", onlyFree, nil},
		{"no products seen", empty, ErrNoProducts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.view, 140, 40)
			if err := f.screen.Gate(); !errors.Is(err, tt.want) {
				t.Errorf("gate %v, want %v", err, tt.want)
			}
		})
	}
	c, _ := tuitest.NewCommon(t, common.Deps{})
	if err := New(c, newFakeMatcher(sample())).Gate(); !errors.Is(err, ErrStillMatching) {
		t.Errorf("before the first pass the gate is %v", err)
	}
}

func TestNoPSAConnected(t *testing.T) {
	t.Parallel()
	v := sample()
	v.PSAKind, v.Catalog = "", nil
	f := setup(t, v, 140, 40)
	out := f.view()
	for _, w := range []string{"PSA not connected: nothing to match products to", "the PSA item", "not connected"} {
		if !strings.Contains(out, w) {
			t.Errorf("view lacks %q:\n%s", w, out)
		}
	}
	f.selectRow(t, bsMonthly)
	if f.screen.keys.Pick.Enabled() {
		t.Error("with no PSA, p has nothing to pick from on a product")
	}
	f.selectRow(t, unknown1)
	if !f.screen.keys.Pick.Enabled() {
		t.Error("an unknown distributor product can still be tied")
	}
}

func TestRefreshFailure(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	mt.refreshErr = errors.New("store: read snapshots: corrupt")
	c, _ := tuitest.NewCommon(t, common.Deps{})
	s := New(c, mt)
	s.SetSize(120, 30)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("the error and the task's end", func() bool { return len(h.Errs) > 0 && len(h.Ended) > 0 })
	if e := h.Errs[0]; e.Op != "Match products" {
		t.Errorf("error %+v", e)
	}
	if h.Ended[0].Level != common.LevelFailure {
		t.Errorf("task %+v", h.Ended[0])
	}
	if v := s.View(); !strings.Contains(v, "press r to match products") {
		t.Errorf("view %q", v)
	}
}

func TestShowToDo(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.d.Press("/")
	f.d.Type("exchange")
	f.screen.ShowToDo()
	if f.screen.Typing() || f.screen.search.Query() != "" || f.screen.filter != filterToDo {
		t.Errorf("typing=%v query=%q filter=%v", f.screen.Typing(), f.screen.search.Query(), f.screen.filter)
	}
	if got := f.shown(); len(got) != 6 || got[0] != unknown1 {
		t.Errorf("to do %v", got)
	}
}

// TestRealMatcher runs the screen over workflow.Matching on plain data: a
// product the distributor names by part number is tied and matched to the
// item with that vendor SKU; one it names oddly is unknown.
func TestRealMatcher(t *testing.T) {
	t.Parallel()
	keep := &memKeeper{
		dist: connectors.DistributorSnapshot{Kind: "pax8", Subscriptions: []connectors.DistributorSubscription{
			{ID: "s-1", AccountID: "a-1", Microsoft: true, Term: connectors.TermMonthly, Quantity: 5,
				Product: connectors.DistributorProduct{ID: "px-1", Name: "Microsoft 365 Business Premium", VendorSKU: "SPB"}},
			{ID: "s-2", AccountID: "a-1", Microsoft: true, Term: connectors.TermAnnual, Quantity: 2,
				Product: connectors.DistributorProduct{ID: "px-2", Name: "Mystery Productivity Bundle"}},
		}},
		psa: connectors.PSASnapshot{Kind: "connectwise", Catalog: []connectors.CatalogItem{
			{ID: "cw-1", Description: "M365 Business Premium", VendorSKU: "SPB", Recurring: true, Active: true},
		}},
	}
	c, _ := tuitest.NewCommon(t, common.Deps{})
	s := New(c, &workflow.Matching{Keep: keep})
	s.SetSize(120, 30)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("loaded", func() bool { return s.loaded || len(h.Errs) > 0 })
	if len(h.Errs) > 0 {
		t.Fatalf("errors %v", h.Errs)
	}
	if err := s.Gate(); err != nil {
		t.Errorf("gate %v", err)
	}
	f := &fixture{screen: s, h: h, d: d}
	if got := f.shown(); !slices.Equal(got, []string{"Mystery Productivity Bundle", bpMonthly}) {
		t.Errorf("rows %v", got)
	}
	if l := f.rowLine(t, bpMonthly); !strings.Contains(l, "✓ auto") {
		t.Errorf("row %q", l)
	}
}

// memKeeper is a workflow.MatchKeeper over plain values.
type memKeeper struct {
	mu    sync.Mutex
	dist  connectors.DistributorSnapshot
	psa   connectors.PSASnapshot
	saved reconcile.Mappings
}

func (k *memKeeper) CustomerStatuses() ([]connectors.CustomerStatus, error)       { return nil, nil }
func (k *memKeeper) SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error) { return nil, nil }
func (k *memKeeper) DistributorSnapshot() (connectors.DistributorSnapshot, bool, error) {
	return k.dist, k.dist.Kind != "", nil
}
func (k *memKeeper) PSASnapshot() (connectors.PSASnapshot, bool, error) {
	return k.psa, k.psa.Kind != "", nil
}

func (k *memKeeper) Mappings() (reconcile.Mappings, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return reconcile.Mappings{Accounts: slices.Clone(k.saved.Accounts), Products: slices.Clone(k.saved.Products),
		Skus: slices.Clone(k.saved.Skus)}, nil
}

// UpdateMappings changes the mappings in one step, like the store.
func (k *memKeeper) UpdateMappings(change func(*reconcile.Mappings) error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	next := reconcile.Mappings{Accounts: slices.Clone(k.saved.Accounts), Products: slices.Clone(k.saved.Products), Skus: slices.Clone(k.saved.Skus)}
	if err := change(&next); err != nil {
		return err
	}
	k.saved = next
	return nil
}

// BenchmarkView renders 5,000 products: only the visible rows are drawn.
func BenchmarkView(b *testing.B) {
	f := setup(b, many(5000), 120, 40)
	f.d.Press("end")
	b.ResetTimer()
	for b.Loop() {
		_ = f.screen.View()
	}
}

// TestTieWithRefreshQueued: a pass queued behind a tie already covers it;
// the tie does not queue another, nor say one is running.
func TestTieWithRefreshQueued(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	f := setupWith(t, mt, 140, 40)
	mt.mu.Lock()
	mt.hold = make(chan struct{})
	mt.mu.Unlock()
	f.selectRow(t, unknown2)
	f.d.Press("p")
	f.d.Type("O365_BUSINESS_ESSENTIALS")
	f.d.Press("enter", "r")
	go func() {
		for range 2 {
			mt.hold <- struct{}{}
		}
	}()
	f.idle(t)
	want := []string{"refresh", "tie px-102 " + skuBusinessBasic, "refresh"}
	if calls := mt.callLog(); !slices.Equal(calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	for _, s := range f.h.Statuses {
		if strings.HasPrefix(s.Text, "Already") {
			t.Errorf("status %q", s.Text)
		}
	}
}
