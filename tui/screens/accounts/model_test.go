package accounts

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func TestStatesAndCounts(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	want := map[string]string{
		"Contoso Ltd":          "✓ auto",
		"Fabrikam Inc":         "✓ confirmed",
		"Litware Inc":          "? suggested 72%",
		"Northwind Traders":    "· unmapped",
		"Tailspin Toys":        "! conflict",
		"Wingtip Toys":         "✓ auto",
		"Adventure Works":      "! missing",
		"Proseware (internal)": "– excluded",
		"Alpine Ski House":     "✓ auto",
		"Woodgrove Bank":       "! missing",
		"Margie's Travel":      "· unmapped",
	}
	for name, state := range want {
		if l := f.lineWith(t, name); !strings.HasSuffix(strings.TrimRight(l, " "), state) {
			t.Errorf("%s: row %q should end with the state %q", name, l, state)
		}
	}
	c := f.screen.counts
	if c.total != 11 || c.byBucket[bucketMatched] != 4 || c.byBucket[bucketSuggested] != 1 ||
		c.byBucket[bucketUnmapped] != 2 || c.byBucket[bucketConflict] != 1 || c.byBucket[bucketMissing] != 2 ||
		c.byBucket[bucketExcluded] != 1 {
		t.Errorf("counts %+v", c)
	}
	// Adventure Works keeps its distributor match, but its PSA side is
	// unmapped: it does not count; nor does Woodgrove, gone from
	// Partner Center.
	if c.ready != 4 {
		t.Errorf("%d customers count for the gate, want the 4 matched", c.ready)
	}
	top := f.view()
	for _, s := range []string{"11 customers", "✓ Matched 4", "? Suggested 1", "· Unmapped 2", "! Conflict 1", "! Missing 2",
		"– Excluded 1 · Pax8 7 accounts · ConnectWise PSA 8 companies"} {
		if !strings.Contains(top, s) {
			t.Errorf("the view lacks %q:\n%s", s, top)
		}
	}
}

func TestSideCells(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 160, 40)
	tests := []struct {
		customer string
		want     []string
	}{
		{"Contoso Ltd", []string{"✓ Contoso Ltd", "sub id", "✓ Contoso", "domain"}},
		{"Litware Inc", []string{"tenant id", "? Litware", "72%"}},
		{"Tailspin Toys", []string{"! Toys Company", "conflict"}},
		{"Alpine Ski House", []string{"– no account", "by hand"}},
		{"Adventure Works", []string{"! Adventure Works", "missing", "· unmapped"}},
		{"Woodgrove Bank", []string{"✓ Woodgrove Bank", "same name"}},
	}
	for _, tt := range tests {
		l := f.lineWith(t, tt.customer)
		for _, w := range tt.want {
			if !strings.Contains(l, w) {
				t.Errorf("%s: row %q lacks %q", tt.customer, l, w)
			}
		}
	}
}

func TestDetailSaysWhy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		customer string
		want     []string
	}{
		{"Contoso Ltd", []string{"Contoso Ltd · tenant t-contoso", "Pax8: ✓ Contoso Ltd · auto — same Microsoft subscription id", "ConnectWise PSA: ✓ Contoso · auto — domain contoso.com = website"}},
		{"Litware Inc", []string{"ConnectWise PSA: ? Litware · suggested 72% — similar name (72%); y confirms, p picks another"}},
		{"Tailspin Toys", []string{"also claimed by Wingtip Toys: pick one with p"}},
		{"Adventure Works", []string{"gone from Pax8's latest read, kept · matched by hand"}},
		{"Woodgrove Bank", []string{"not in Partner Center's last list; its matches are kept"}},
		{"Proseware (internal)", []string{"Excluded from matching (an internal or test tenant): x includes it again"}},
		{"Alpine Ski House", []string{"Pax8: – no account — said by hand; d picks one"}},
	}
	for _, tt := range tests {
		t.Run(tt.customer, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), 200, 40)
			f.selectCustomer(t, tt.customer)
			v := f.view()
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("the detail lacks %q:\n%s", w, v)
				}
			}
		})
	}
}

func TestFilterCycles(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	want := []struct {
		filter string
		names  []string
	}{
		{"To do", []string{"Adventure Works", "Litware Inc", "Margie's Travel", "Northwind Traders", "Tailspin Toys", "Woodgrove Bank"}},
		{"Unmapped", []string{"Margie's Travel", "Northwind Traders"}},
		{"Suggested", []string{"Litware Inc"}},
		{"Conflict", []string{"Tailspin Toys"}},
		{"Missing", []string{"Adventure Works", "Woodgrove Bank"}},
		{"Matched", []string{"Alpine Ski House", "Contoso Ltd", "Fabrikam Inc", "Wingtip Toys"}},
		{"Excluded", []string{"Proseware (internal)"}},
		{"All", []string{"Adventure Works", "Alpine Ski House", "Contoso Ltd", "Fabrikam Inc", "Litware Inc", "Margie's Travel",
			"Northwind Traders", "Proseware (internal)", "Tailspin Toys", "Wingtip Toys", "Woodgrove Bank"}},
	}
	for _, w := range want {
		f.d.Press("f")
		if got := f.screen.filter.String(); got != w.filter {
			t.Fatalf("filter = %q, want %q", got, w.filter)
		}
		if got := f.names(); !slices.Equal(got, w.names) {
			t.Errorf("filter %s shows %v, want %v", w.filter, got, w.names)
		}
		if v := f.view(); !strings.Contains(v, "Filter "+w.filter+" f") {
			t.Errorf("the filter line should say %q:\n%s", w.filter, v)
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
		{"by name", "toys", []string{"Tailspin Toys", "Wingtip Toys"}},
		{"case-insensitive", "CONTOSO", []string{"Contoso Ltd"}},
		{"by tenant id", "t-litware", []string{"Litware Inc"}},
		{"by matched account", "toys company", []string{"Tailspin Toys", "Wingtip Toys"}},
		{"every word", "wingtip toys", []string{"Wingtip Toys"}},
		{"nothing", "zzz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), 120, 40)
			f.d.Press("/")
			if !f.screen.Typing() {
				t.Fatal("the search box should have focus")
			}
			f.d.Type(tt.typed)
			if got := f.names(); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows %v, want %v", tt.typed, got, tt.want)
			}
			f.d.Press("enter")
			if f.screen.Typing() || f.screen.search.Query() != tt.typed {
				t.Errorf("enter should keep the search %q and leave the box (query %q)", tt.typed, f.screen.search.Query())
			}
			f.d.Press("esc")
			if f.screen.search.Query() != "" || len(f.names()) != 11 {
				t.Errorf("esc should clear the search: %v", f.names())
			}
		})
	}
}

// TestQuitLetterIsTextWhileSearching: q and ? go to the screen while a
// box has focus; the root reads Typing for that.
func TestQuitLetterIsTextWhileSearching(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.d.Press("/", "q")
	if f.screen.search.Query() != "q" {
		t.Errorf("query %q, want q", f.screen.search.Query())
	}
	f.d.Press("esc")
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("d")
	if !f.screen.Typing() {
		t.Fatal("the picker's search should have focus")
	}
	f.d.Press("q")
	if got := f.screen.picker.Query(); got != "q" {
		t.Errorf("picker search %q, want q", got)
	}
}

func TestConfirmSuggestion(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.selectCustomer(t, "Litware Inc")
	f.d.Press("y")
	f.waitStatus(t, "Confirmed Litware Inc: ConnectWise PSA Litware")
	if calls := f.mt.callLog(); !slices.Contains(calls, "confirm t-litware psa") || slices.Contains(calls, "confirm t-litware distributor") {
		t.Errorf("calls %v: only the suggested PSA side should be confirmed", calls)
	}
	if got := f.mt.mapping("t-litware").PSA; got.State != reconcile.StateConfirmed || got.AccountID != "c-litware" {
		t.Errorf("saved %+v", got)
	}
	if l := f.lineWith(t, "Litware Inc"); !strings.Contains(l, "✓ confirmed") && !strings.Contains(l, "✓ auto") {
		t.Errorf("row %q should be matched now", l)
	}
	if f.screen.counts.byBucket[bucketMatched] != 5 {
		t.Errorf("matched %d, want 5", f.screen.counts.byBucket[bucketMatched])
	}
}

func TestConfirmWithoutSuggestion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		customer, status string
	}{
		{"Margie's Travel", "Margie's Travel has no suggestion to confirm: pick its account with d (Pax8) or p (ConnectWise PSA)"},
		{"Contoso Ltd", "Contoso Ltd is matched already"},
		{"Proseware (internal)", "Proseware (internal) is excluded: x includes it again first"},
	}
	for _, tt := range tests {
		t.Run(tt.customer, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), 120, 40)
			f.selectCustomer(t, tt.customer)
			f.d.Press("y")
			f.waitStatus(t, tt.status)
			if calls := f.mt.callLog(); len(calls) != 1 {
				t.Errorf("calls %v: nothing should be asked of the matcher", calls)
			}
		})
	}
}

func TestPickAccount(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("d")
	if f.screen.mode != modePick {
		t.Fatal("d should open the picker")
	}
	if v := f.view(); !strings.Contains(v, "Pick the Pax8 account of Margie's Travel") || !strings.Contains(v, "8 of 8 shown") {
		t.Errorf("picker:\n%s", v)
	}
	// An inactive account is never matched automatically, but a person
	// may pick it.
	f.d.Type("north")
	if v := f.view(); !strings.Contains(v, "› Northwind (old)") || !strings.Contains(v, "1 of 8 shown") {
		t.Errorf("search should leave Northwind (old) under the cursor:\n%s", v)
	}
	f.d.Press("enter")
	f.waitStatus(t, "Margie's Travel: Pax8 Northwind (old), matched by hand")
	if got := f.mt.mapping("t-unmapped").Distributor; got.AccountID != "p-northwind-old" || got.State != reconcile.StateConfirmed {
		t.Errorf("saved %+v", got)
	}
	if l := f.lineWith(t, "Margie's Travel"); !strings.Contains(l, "✓ Northwind (old)") || !strings.Contains(l, "by hand") {
		t.Errorf("row %q should show the pick", l)
	}
	if len(f.h.Errs) > 0 {
		t.Errorf("errors %v", f.h.Errs)
	}
}

// TestPickTakenAccount: picking an account another customer holds is
// refused, and the error names that customer; the row does not change.
func TestPickTakenAccount(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("p")
	f.d.Type("toys")
	if v := f.view(); !strings.Contains(v, "held by Wingtip Toys") {
		t.Errorf("the picker should say who holds Toys Company:\n%s", v)
	}
	f.d.Press("enter")
	f.d.Until("the error", func() bool { return len(f.h.Errs) > 0 })
	e := f.h.Errs[0]
	if !errors.Is(e, workflow.ErrAccountTaken) || !strings.Contains(e.Error(), "Wingtip Toys holds Toys Company") ||
		e.Op != "Match Margie's Travel to a ConnectWise PSA account" || e.Screen != common.ScreenAccounts {
		t.Errorf("error %+v", e)
	}
	if l := f.lineWith(t, "Margie's Travel"); !strings.Contains(l, "· unmapped") {
		t.Errorf("row %q should not change", l)
	}
}

func TestPickNoAccount(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("p")
	if o, _ := f.screen.picker.Selected(); o.ID == "" {
		t.Fatal("the picker should not start on \"no account\": a quick enter would clear the side")
	}
	f.d.Press("up")
	if v := f.view(); !strings.Contains(v, "› No ConnectWise PSA account") {
		t.Fatalf("up should reach the no-account entry:\n%s", v)
	}
	f.d.Press("enter")
	f.waitStatus(t, "Margie's Travel: no ConnectWise PSA account, confirmed by hand")
	if got := f.mt.mapping("t-unmapped").PSA; got.AccountID != "" || got.State != reconcile.StateConfirmed {
		t.Errorf("saved %+v", got)
	}
	if l := f.lineWith(t, "Margie's Travel"); !strings.Contains(l, "– no account") {
		t.Errorf("row %q", l)
	}
}

func TestPickerMarksAndStartsOnTheSuggestion(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 140, 40)
	f.selectCustomer(t, "Litware Inc")
	f.d.Press("p")
	if o, _ := f.screen.picker.Selected(); o.ID != "c-litware" {
		t.Errorf("the picker starts on %q, want the suggestion c-litware", o.ID)
	}
	v := f.view()
	for _, w := range []string{
		"› Litware", "suggested · LITWARE",
		"Northwind Traders", "prospect · NORTHWIND",
		"Microsoft", "vendor · MSFT",
		"Old Customer", "inactive · OLD",
		"Toys Company", "held by Wingtip Toys",
		"No ConnectWise PSA account", "this customer is not billed in ConnectWise PSA",
	} {
		if !strings.Contains(v, w) {
			t.Errorf("the picker lacks %q:\n%s", w, v)
		}
	}
	f.d.Press("esc")
	if f.screen.mode != modeTable || f.screen.Typing() {
		t.Error("esc should close the picker")
	}
	f.d.Press("d")
	if v := f.view(); !strings.Contains(v, "Northwind (old)") || !strings.Contains(v, "inactive") || !strings.Contains(v, "tenant t-litware") {
		t.Errorf("the distributor picker should mark inactive accounts and show tenant ids:\n%s", v)
	}
	f.d.Press("esc")
	if calls := f.mt.callLog(); len(calls) != 1 {
		t.Errorf("calls %v: cancelling should change nothing", calls)
	}
}

func TestPickerSearchesEveryWord(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.d.Press("p")
	f.d.Type("north")
	if got := f.screen.picker.Shown(); got != 1 {
		t.Errorf("%d options for north, want 1", got)
	}
	f.d.Type(" zzz")
	if v := f.view(); !strings.Contains(v, `Nothing matches "north zzz"`) {
		t.Errorf("view:\n%s", v)
	}
	f.d.Press("enter")
	if f.screen.mode != modePick {
		t.Error("enter on an empty list should keep the picker open")
	}
}

func TestExcludeAndInclude(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("x")
	f.idle(t)
	if !f.mt.mapping("t-unmapped").Excluded {
		t.Fatal("x should exclude the customer")
	}
	if l := f.lineWith(t, "Margie's Travel"); !strings.Contains(l, "– excluded") {
		t.Errorf("row %q", l)
	}
	f.d.Press("x")
	f.idle(t)
	if f.mt.mapping("t-unmapped").Excluded {
		t.Fatal("x again should include it")
	}
	want := []string{"refresh", "exclude t-unmapped true", "exclude t-unmapped false", "refresh"}
	if calls := f.mt.callLog(); !slices.Equal(calls, want) {
		t.Errorf("calls %v, want %v: including again looks for matches at once", calls, want)
	}
}

// TestCallsRunOneAtATime: the matcher reads, changes and saves every
// mapping in one call, so the screen never runs two at once, and a quick
// run of keys still reaches it, in order.
func TestCallsRunOneAtATime(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	f := setupWith(t, mt, 120, 40)
	mt.mu.Lock()
	mt.hold = make(chan struct{})
	mt.mu.Unlock()
	f.selectCustomer(t, "Litware Inc")
	f.d.Press("y")
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("x")
	f.d.Press("r")
	go func() {
		// Each call starts only once the one before has answered.
		for range 3 {
			mt.hold <- struct{}{}
		}
	}()
	f.idle(t)
	want := []string{"refresh", "confirm t-litware psa", "exclude t-unmapped true", "refresh"}
	if calls := mt.callLog(); !slices.Equal(calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	if mt.maxInFlight != 1 {
		t.Errorf("%d calls ran at once", mt.maxInFlight)
	}
}

func TestChangeFailureReportsAndKeepsRow(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	mt.failWith["t-litware"] = errors.New("the store is busy")
	f := setupWith(t, mt, 120, 40)
	f.selectCustomer(t, "Litware Inc")
	f.d.Press("y")
	f.d.Until("the error", func() bool { return len(f.h.Errs) > 0 })
	if e := f.h.Errs[0]; e.Op != "Confirm the suggestion for Litware Inc" || !strings.Contains(e.Error(), "the store is busy") {
		t.Errorf("error %+v", e)
	}
	if l := f.lineWith(t, "Litware Inc"); !strings.Contains(l, "? suggested 72%") {
		t.Errorf("row %q should be unchanged", l)
	}
	// The screen is free for the next change.
	f.selectCustomer(t, "Margie's Travel")
	f.d.Press("x")
	f.idle(t)
	if !mt.mapping("t-unmapped").Excluded {
		t.Error("a failure should not block the next change")
	}
}

func TestRefreshFailureAndRetry(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	mt.refreshErr = errors.New("store: read mappings: disk full")
	c, _ := tuitest.NewCommon(t, common.Deps{})
	s := New(c, mt)
	s.SetSize(120, 40)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("the error and the end of the task", func() bool { return len(h.Errs) > 0 && len(h.Ended) > 0 })
	if e := h.Errs[0]; e.Op != "Match accounts" || e.Screen != common.ScreenAccounts {
		t.Errorf("error %+v", e)
	}
	if len(h.Started) != 1 || h.Started[0].ID != taskRefresh || len(h.Ended) != 1 || h.Ended[0].Level != common.LevelFailure {
		t.Errorf("task %+v / %+v", h.Started, h.Ended)
	}
	if !errors.Is(s.Gate(), ErrStillMatching) {
		t.Errorf("gate %v", s.Gate())
	}
	if v := s.View(); !strings.Contains(v, "press r to match accounts") {
		t.Errorf("view %q", v)
	}
	mt.mu.Lock()
	mt.refreshErr = nil
	mt.mu.Unlock()
	d.Press("r")
	d.Until("loaded", func() bool { return s.loaded })
	if s.Gate() != nil {
		t.Errorf("gate %v", s.Gate())
	}
}

func TestRefreshTwiceIsOne(t *testing.T) {
	t.Parallel()
	mt := newFakeMatcher(sample())
	f := setupWith(t, mt, 120, 40)
	mt.mu.Lock()
	mt.hold = make(chan struct{})
	mt.mu.Unlock()
	f.d.Press("r", "r")
	f.waitStatus(t, "Already matching accounts…")
	mt.hold <- struct{}{}
	f.idle(t)
	if calls := mt.callLog(); len(calls) != 2 {
		t.Errorf("calls %v: one refresh at start, one for r", calls)
	}
}

func TestGate(t *testing.T) {
	t.Parallel()
	only := func(v workflow.MatchView, keep func(reconcile.AccountMapping) bool) workflow.MatchView {
		v.Accounts = slices.DeleteFunc(slices.Clone(v.Accounts), func(m reconcile.AccountMapping) bool { return !keep(m) })
		return v
	}
	named := func(names ...string) func(reconcile.AccountMapping) bool {
		return func(m reconcile.AccountMapping) bool { return slices.Contains(names, m.Customer) }
	}
	noPSA := sample()
	noPSA.PSAKind, noPSA.PSACompanies = "", nil
	nothing := sample()
	nothing.PSAKind, nothing.DistributorKind = "", ""
	tests := []struct {
		name string
		view workflow.MatchView
		want error
	}{
		{"one matched", only(sample(), named("Contoso Ltd", "Margie's Travel")), nil},
		{"no account on one side counts", only(sample(), named("Alpine Ski House")), nil},
		{"a kept match with the other side unmapped does not count", only(sample(), named("Adventure Works")), ErrNoneMatched},
		{"suggestions do not count", only(sample(), named("Litware Inc", "Northwind Traders")), ErrNoneMatched},
		{"a conflict does not count", only(sample(), named("Tailspin Toys")), ErrNoneMatched},
		{"a customer gone from Partner Center does not count", only(sample(), named("Woodgrove Bank")), ErrNoneMatched},
		{"excluded does not count", only(sample(), named("Proseware (internal)")), ErrNoneMatched},
		{"only the connected side is needed", only(noPSA, named("Litware Inc")), nil},
		{"nothing connected", nothing, ErrNothingToMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.view, 120, 40)
			if err := f.screen.Gate(); !errors.Is(err, tt.want) {
				t.Errorf("gate %v, want %v", err, tt.want)
			}
		})
	}
	// Adventure Works: its distributor match is kept; the PSA is unmapped.
	// Said to have no PSA company, it counts.
	f := setup(t, only(sample(), named("Adventure Works")), 120, 40)
	f.d.Press("p", "up", "enter")
	f.idle(t)
	if err := f.screen.Gate(); err != nil {
		t.Errorf("gate %v", err)
	}
}

func TestGateSaysWhatToDo(t *testing.T) {
	t.Parallel()
	v := sample()
	v.PSAKind = ""
	v.Accounts = v.Accounts[6:7] // Adventure Works, missing
	v.Accounts[0].Distributor = unmapped()
	f := setup(t, v, 120, 40)
	want := "Continue needs one customer fully matched: confirm a suggestion with y, or pick its account with d (Pax8)"
	if err := f.screen.Gate(); err == nil || err.Error() != want {
		t.Errorf("gate %v, want %q", err, want)
	}
	if v := f.view(); !strings.HasPrefix(v, "1 customer ") {
		t.Errorf("one customer is not plural:\n%s", v)
	}
	f.d.Press("enter")
	f.d.Until("enter asks the root to go on; the root checks the gate", func() bool { return f.h.Nexts == 1 })
}

func TestSideNotConnected(t *testing.T) {
	t.Parallel()
	v := sample()
	v.PSAKind, v.PSACompanies = "", nil
	f := setup(t, v, 120, 40)
	out := f.view()
	for _, w := range []string{"PSA not connected", "not connected", "PSA: not connected: nothing read from it yet"} {
		if !strings.Contains(out, w) {
			t.Errorf("view lacks %q:\n%s", w, out)
		}
	}
	if l := f.lineWith(t, "Litware Inc"); !strings.HasSuffix(strings.TrimRight(l, " "), "✓ auto") {
		t.Errorf("with the PSA not connected Litware is matched: %q", l)
	}
	f.d.Press("p")
	if f.screen.mode != modeTable {
		t.Error("p should do nothing while no PSA is connected")
	}
	if f.screen.keys.PickPSA.Enabled() {
		t.Error("the PSA pick key should be off and out of the help")
	}
}

func TestKeysFollowTheMode(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	enabled := func() []string {
		var out []string
		for _, b := range f.screen.ShortHelp() {
			if b.Enabled() {
				out = append(out, b.Help().Key)
			}
		}
		return out
	}
	if got, want := enabled(), []string{"y", "d", "p", "x", "enter", "/", "f"}; !slices.Equal(got, want) {
		t.Errorf("table keys %v, want %v", got, want)
	}
	if h := f.screen.keys.PickDist.Help().Desc; h != "pick Pax8 account" {
		t.Errorf("help %q", h)
	}
	f.d.Press("p")
	if got, want := enabled(), []string{"enter", "esc"}; !slices.Equal(got, want) {
		t.Errorf("picker keys %v, want %v", got, want)
	}
	var all []key.Binding
	for _, col := range f.screen.FullHelp() {
		all = append(all, col...)
	}
	if len(all) == 0 {
		t.Error("no full help")
	}
}

func TestShowToDo(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), 120, 40)
	f.d.Press("/")
	f.d.Type("contoso")
	f.screen.ShowToDo()
	if f.screen.Typing() || f.screen.search.Query() != "" || f.screen.filter != filterToDo || f.screen.cursor != 0 {
		t.Errorf("ShowToDo left typing=%v query=%q filter=%v cursor=%d", f.screen.Typing(), f.screen.search.Query(), f.screen.filter, f.screen.cursor)
	}
	if got := f.names(); len(got) != 6 || got[0] != "Adventure Works" {
		t.Errorf("to do %v", got)
	}
}

func TestScrollKeepsCursorInView(t *testing.T) {
	t.Parallel()
	f := setup(t, many(200), 80, 24)
	f.d.Press("end")
	if v := f.view(); !strings.Contains(v, "› Customer 00199") {
		t.Errorf("end should show the last customer:\n%s", v)
	}
	f.d.Press("home", "pgdown")
	if f.screen.cursor != f.screen.pageSize() {
		t.Errorf("cursor %d after pgdown, want %d", f.screen.cursor, f.screen.pageSize())
	}
	if lines := strings.Count(f.screen.View(), "\n") + 1; lines != 24 {
		t.Errorf("the view has %d lines, want 24", lines)
	}
}

// TestRealMatcher runs the screen over workflow.Matching on plain data:
// what the automatic pass finds shows with its reason, and a pick is saved.
func TestRealMatcher(t *testing.T) {
	t.Parallel()
	keep := &memKeeper{
		customers: []connectors.CustomerStatus{
			{Customer: connectors.Customer{TenantID: "t-contoso", Name: "Contoso Ltd", PrimaryDomain: "contoso.com"}},
			{Customer: connectors.Customer{TenantID: "t-lamna", Name: "Lamna"}},
		},
		dist: connectors.DistributorSnapshot{Kind: "pax8", Accounts: []connectors.DistributorAccount{
			{ID: "p-1", Name: "Contoso Ltd", Active: true},
			{ID: "p-2", Name: "Lamna Healthcare", Active: true},
		}},
	}
	mt := &workflow.Matching{Keep: keep}
	c, _ := tuitest.NewCommon(t, common.Deps{})
	s := New(c, mt)
	s.SetSize(120, 30)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("loaded", func() bool { return s.loaded })
	if err := s.Gate(); err != nil {
		t.Errorf("gate %v: Contoso matches by name", err)
	}
	d.Press("/")
	d.Type("lamna")
	d.Press("enter", "y")
	d.Until("confirmed", func() bool {
		return len(h.Errs) > 0 || (!s.calls.Busy() && keep.mapping("t-lamna").Distributor.State == reconcile.StateConfirmed)
	})
	if len(h.Errs) > 0 {
		t.Fatalf("errors %v", h.Errs)
	}
	if got := keep.mapping("t-lamna").Distributor; got.AccountID != "p-2" {
		t.Errorf("saved %+v", got)
	}
}

// memKeeper is a workflow.MatchKeeper over plain values.
type memKeeper struct {
	mu        sync.Mutex
	customers []connectors.CustomerStatus
	dist      connectors.DistributorSnapshot
	saved     reconcile.Mappings
}

func (k *memKeeper) CustomerStatuses() ([]connectors.CustomerStatus, error)       { return k.customers, nil }
func (k *memKeeper) SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error) { return nil, nil }
func (k *memKeeper) DistributorSnapshot() (connectors.DistributorSnapshot, bool, error) {
	return k.dist, k.dist.Kind != "", nil
}
func (k *memKeeper) PSASnapshot() (connectors.PSASnapshot, bool, error) {
	return connectors.PSASnapshot{}, false, nil
}
func (k *memKeeper) Mappings() (reconcile.Mappings, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return reconcile.Mappings{Accounts: slices.Clone(k.saved.Accounts), Products: slices.Clone(k.saved.Products),
		Skus: slices.Clone(k.saved.Skus)}, nil
}

func (k *memKeeper) mapping(tenantID string) reconcile.AccountMapping {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, m := range k.saved.Accounts {
		if m.TenantID == tenantID {
			return m
		}
	}
	return reconcile.AccountMapping{}
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

// BenchmarkView renders the table of 5,000 customers: only the visible
// rows are drawn, so it stays well under a frame.
func BenchmarkView(b *testing.B) {
	f := setup(b, many(5000), 120, 40)
	f.d.Press("end")
	b.ResetTimer()
	for b.Loop() {
		_ = f.screen.View()
	}
}

// BenchmarkLoad classifies, counts and sorts 5,000 customers: what the
// screen does when a matching pass answers.
func BenchmarkLoad(b *testing.B) {
	f := setup(b, many(5000), 120, 40)
	v := many(5000)
	b.ResetTimer()
	for b.Loop() {
		f.screen.setData(v)
	}
}

// BenchmarkPickerSearch types one letter into the picker of 5,000
// accounts: the filter runs on every key.
func BenchmarkPickerSearch(b *testing.B) {
	f := setup(b, many(5000), 120, 40)
	f.d.Press("d")
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			f.screen.Update(tuitest.Key("7"))
		} else {
			f.screen.Update(tuitest.Key("backspace"))
		}
		_ = f.screen.View()
		i++
	}
}
