package summary

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// screenID is the id the tests file the summary under, as the root would.
const screenID = common.ScreenID(100)

func sample() Data {
	now := tuitest.Epoch
	return Data{
		Distributor: "Pax8",
		PSA:         "ConnectWise PSA",
		Customers:   57,
		Ready:       42,
		Unmapped:    Unmapped{Accounts: 5, SuggestedAccounts: 2, Products: 3, SuggestedProducts: 1, UnknownProducts: 1},
		Since: SinceLastRun{
			LastRun:       now.Add(-29 * 24 * time.Hour),
			NewCustomers:  []string{"Fabrikam Inc", "Litware Inc"},
			NewSkus:       []string{"Microsoft 365 E5"},
			NewPSAItems:   []string{"M365 E5 (Annual)", "M365 E5 (Monthly)", "Teams Phone", "Defender for Business", "Intune Suite"},
			LostCustomers: []string{"Wingtip Toys"},
		},
		Sources: []Source{
			{Name: "Partner Center", ReadAt: now.Add(-5 * time.Minute)},
			{Name: "Pax8", ReadAt: now.Add(-5 * time.Minute)},
			{Name: "ConnectWise PSA", ReadAt: now.Add(-50 * time.Hour), Failed: "ConnectWise refused the API keys (401)"},
		},
	}
}

// fakeSync answers syncs with data or err; with hold set, each sync waits
// until the test sends on it or ctx ends.
type fakeSync struct {
	mu    sync.Mutex
	data  Data
	err   error
	hold  chan struct{}
	calls int
}

func (f *fakeSync) sync(ctx context.Context) (Data, error) {
	f.mu.Lock()
	f.calls++
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return Data{}, fmt.Errorf("sync: %w: %w", connectors.ErrCanceled, ctx.Err())
		}
	}
	return f.data, f.err
}

type fixture struct {
	screen *Model
	h      *tuitest.Harness
	d      *tuitest.Driver
	opened []OpenMsg
}

func setup(t *testing.T, opts Options) *fixture {
	t.Helper()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	if opts.ID == 0 {
		opts.ID = screenID
	}
	s := New(c, opts)
	s.SetSize(100, 30)
	f := &fixture{screen: s}
	f.h = tuitest.NewHarness(s)
	f.d = tuitest.NewDriver(t, &opener{f})
	return f
}

// opener records OpenMsg, which the root handles, and passes the rest on.
type opener struct{ f *fixture }

func (o *opener) Init() tea.Cmd { return o.f.h.Init() }
func (o *opener) View() string  { return o.f.h.View() }
func (o *opener) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(OpenMsg); ok {
		o.f.opened = append(o.f.opened, m)
		return o, nil
	}
	_, cmd := o.f.h.Update(msg)
	return o, cmd
}

func (f *fixture) view() string { return ansi.Strip(f.screen.View()) }

func TestKeysOpenSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		unmapped Unmapped
		key      string
		want     OpenMsg
	}{
		{"queue starts with accounts", Unmapped{Accounts: 1, Products: 4}, "u", OpenMsg{Step: common.ScreenAccounts, ToDo: true}},
		{"queue goes on to products", Unmapped{Products: 4}, "u", OpenMsg{Step: common.ScreenProducts, ToDo: true}},
		{"unknown distributor products are on the products step", Unmapped{UnknownProducts: 1}, "u", OpenMsg{Step: common.ScreenProducts, ToDo: true}},
		{"licence tables", Unmapped{Accounts: 1}, "l", OpenMsg{Step: common.ScreenLicences}},
		{"enter opens the licence tables", Unmapped{}, "enter", OpenMsg{Step: common.ScreenLicences}},
		{"accounts", Unmapped{Accounts: 1}, "a", OpenMsg{Step: common.ScreenAccounts, ToDo: true}},
		{"accounts, nothing to do", Unmapped{Products: 1}, "a", OpenMsg{Step: common.ScreenAccounts}},
		{"products", Unmapped{UnknownProducts: 2}, "p", OpenMsg{Step: common.ScreenProducts, ToDo: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sample()
			d.Unmapped = tt.unmapped
			f := setup(t, Options{Data: d})
			f.d.Press(tt.key)
			f.d.Until("the step opens", func() bool { return len(f.opened) > 0 })
			if f.opened[0] != tt.want {
				t.Errorf("opened %+v, want %+v", f.opened[0], tt.want)
			}
		})
	}
}

func TestQueueWhenNothingIsUnmapped(t *testing.T) {
	t.Parallel()
	d := sample()
	d.Unmapped = Unmapped{}
	f := setup(t, Options{Data: d})
	f.d.Press("u")
	f.d.Until("a status", func() bool { return f.h.LastStatus() != "" })
	if s := f.h.LastStatus(); s != ErrNothingUnmapped.Error() {
		t.Errorf("status %q", s)
	}
	if len(f.opened) != 0 {
		t.Errorf("opened %v", f.opened)
	}
	if v := f.view(); !strings.Contains(v, "✓ Nothing unmapped") || strings.Contains(v, "u unmapped queue") {
		t.Errorf("view:\n%s", v)
	}
}

func TestSyncReplacesTheData(t *testing.T) {
	t.Parallel()
	after := sample()
	after.Ready = 50
	after.Unmapped = Unmapped{}
	fs := &fakeSync{data: after}
	f := setup(t, Options{Data: sample(), Sync: fs.sync})
	f.d.Press("s")
	f.d.Until("the sync starts and ends", func() bool { return len(f.h.Started) > 0 && len(f.h.Ended) > 0 })
	if e := f.h.Ended[0]; e.ID != taskSync || e.Level != common.LevelSuccess {
		t.Errorf("task end %+v", e)
	}
	if len(f.h.Started) != 1 || f.h.Started[0].ID != taskSync {
		t.Errorf("task start %+v", f.h.Started)
	}
	if got := f.screen.Data().Ready; got != 50 {
		t.Errorf("ready %d after the sync, want 50", got)
	}
	if v := f.view(); !strings.Contains(v, "✓ Ready customers 50 of 57") {
		t.Errorf("view:\n%s", v)
	}
}

func TestSyncFailureKeepsTheData(t *testing.T) {
	t.Parallel()
	fs := &fakeSync{err: &connectors.Error{Kind: connectors.ErrUnauthorized, Service: "pax8", Op: "list companies", Status: 401}}
	f := setup(t, Options{Data: sample(), Sync: fs.sync})
	f.d.Press("s")
	f.d.Until("the error", func() bool { return len(f.h.Errs) > 0 && len(f.h.Ended) > 0 })
	if e := f.h.Errs[0]; e.Op != "Sync" || e.Screen != screenID {
		t.Errorf("error %+v", e)
	}
	if f.h.Ended[0].Level != common.LevelFailure {
		t.Errorf("task end %+v", f.h.Ended[0])
	}
	if f.screen.Data().Ready != 42 {
		t.Error("a failed sync should keep what was shown")
	}
}

func TestSyncStopsAndGuardsQuit(t *testing.T) {
	t.Parallel()
	fs := &fakeSync{hold: make(chan struct{})}
	f := setup(t, Options{Data: sample(), Sync: fs.sync})
	f.d.Press("s")
	if w := f.screen.QuitWarning(); w == "" {
		t.Error("quitting during a sync should ask first")
	}
	if f.screen.keys.Sync.Enabled() || !f.screen.keys.Stop.Enabled() {
		t.Error("while syncing, s is off and esc stops")
	}
	f.d.Press("s")
	f.d.Press("esc")
	f.d.Until("the sync ends", func() bool { return len(f.h.Ended) > 0 })
	if e := f.h.Ended[0]; e.Level != common.LevelInfo || !strings.Contains(e.Result, "stopped") {
		t.Errorf("task end %+v", e)
	}
	if len(f.h.Errs) > 0 {
		t.Errorf("a stopped sync is no error: %v", f.h.Errs)
	}
	if fs.calls != 1 {
		t.Errorf("%d syncs ran, want 1: s during a sync does not start another", fs.calls)
	}
	if f.screen.QuitWarning() != "" {
		t.Error("no sync runs any more")
	}
}

func TestNoSyncKeyWithoutSync(t *testing.T) {
	t.Parallel()
	f := setup(t, Options{Data: sample()})
	f.d.Press("s")
	if f.screen.syncing {
		t.Error("s should do nothing without a sync function")
	}
	if v := f.view(); strings.Contains(v, "s sync now") {
		t.Errorf("view shows the sync key:\n%s", v)
	}
}

func TestScreenContract(t *testing.T) {
	t.Parallel()
	f := setup(t, Options{Data: sample()})
	if f.screen.ID() != screenID || f.screen.Gate() != nil || f.screen.Typing() || f.screen.Init() != nil {
		t.Error("the summary is a plain screen: its own id, no gate, no typing, no work at start")
	}
	if len(f.screen.ShortHelp()) == 0 || len(f.screen.FullHelp()) == 0 {
		t.Error("no help")
	}
}

func TestViewSaysWhereFiguresComeFrom(t *testing.T) {
	t.Parallel()
	f := setup(t, Options{Data: sample()})
	f.screen.SetSize(200, 40)
	v := f.view()
	for _, w := range []string{
		"Welcome back: seats is set up for Pax8 and ConnectWise PSA",
		"✓ Ready customers 42 of 57",
		"· Accounts                           5  a opens · 2 suggested",
		"? Unknown distributor products", "1",
		"Since the last run: 2026-02-01 09:00 UTC, 29 days ago",
		"+ 2 new customers: Fabrikam Inc, Litware Inc",
		"+ 1 new SKU: Microsoft 365 E5",
		"+ 5 new PSA items: M365 E5 (Annual), M365 E5 (Monthly), Teams Phone, Defender for Business, Intune Suite",
		"! 1 customer Lost: Wingtip Toys",
		"✓ Partner Center   read 2026-03-02 08:55 UTC, 5 minutes ago",
		"! ConnectWise PSA  last read failed: ConnectWise refused the API keys (401)\n" +
			"                     showing the read of 2026-02-28 07:00 UTC, 2 days ago; mappings kept",
	} {
		if !strings.Contains(v, w) {
			t.Errorf("view lacks %q:\n%s", w, v)
		}
	}
}

func TestAgo(t *testing.T) {
	t.Parallel()
	now := tuitest.Epoch
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Hour, "in the future: check this computer's clock"},
		{10 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{time.Hour, "1 hour ago"},
		{47 * time.Hour, "47 hours ago"},
		{48 * time.Hour, "2 days ago"},
		{400 * 24 * time.Hour, "400 days ago"},
	}
	for _, tt := range tests {
		if got := ago(now, now.Add(-tt.d)); got != tt.want {
			t.Errorf("ago(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestNameList(t *testing.T) {
	t.Parallel()
	names := []string{"Alpha", "Beta", "Gamma", "Delta"}
	tests := []struct {
		room int
		want string
	}{
		{100, "Alpha, Beta, Gamma, Delta"},
		{25, "Alpha, Beta, Gamma, Delta"},
		{24, "Alpha, Beta and 2 more"},
		{16, "Alpha and 3 more"},
		{5, "Alpha and 3 more"},
	}
	for _, tt := range tests {
		if got := nameList(names, tt.room); got != tt.want {
			t.Errorf("room %d: %q, want %q", tt.room, got, tt.want)
		}
	}
}

func TestUnmappedFrom(t *testing.T) {
	t.Parallel()
	hand := reconcile.HandMatch
	none := reconcile.AccountMatch{State: reconcile.StateConfirmed, Evidence: reconcile.EvidenceHand}
	sugg := reconcile.AccountMatch{AccountID: "x", State: reconcile.StateSuggested, Score: 70}
	unm := reconcile.AccountMatch{State: reconcile.StateUnmapped}
	conflict := hand("c", "C")
	conflict.Conflict = true
	m := reconcile.Mappings{
		Accounts: []reconcile.AccountMapping{
			{TenantID: "1", Distributor: hand("a", "A"), PSA: hand("b", "B")},  // matched
			{TenantID: "2", Distributor: hand("a2", "A2"), PSA: none},          // matched: no PSA company
			{TenantID: "3", Distributor: none, PSA: none},                      // no account anywhere: unmapped
			{TenantID: "4", Distributor: hand("a4", "A4"), PSA: sugg},          // suggested
			{TenantID: "5", Distributor: unm, PSA: unm},                        // unmapped
			{TenantID: "6", Distributor: conflict, PSA: hand("b6", "B6")},      // conflict: unmapped
			{TenantID: "7", Excluded: true, Distributor: unm, PSA: unm},        // excluded
			{TenantID: "8", CustomerMissing: true, Distributor: unm, PSA: unm}, // gone from Partner Center
			{TenantID: "9", Distributor: hand("a9", "A9"), PSA: unm},           // PSA side unmapped
		},
		Products: []reconcile.ProductMatch{
			{ItemID: "i", State: reconcile.StateAuto},                        // matched
			{State: reconcile.StateConfirmed},                                // not billed
			{ItemID: "i", State: reconcile.StateSuggested, Score: 80},        // suggested
			{State: reconcile.StateUnmapped},                                 // unmapped
			{State: reconcile.StateUnmapped, FreeOrTrial: true},              // free: left out
			{ItemID: "gone", State: reconcile.StateConfirmed, Missing: true}, // kept: matched
		},
		Skus: []reconcile.SkuTie{
			{ProductID: "p1", SkuID: "s", State: reconcile.StateAuto},
			{ProductID: "p2", State: reconcile.StateUnmapped},
			{ProductID: "p3", State: reconcile.StateUnmapped, Missing: true},
		},
	}
	tests := []struct {
		name      string
		dist, psa bool
		want      Unmapped
	}{
		{"both connected", true, true, Unmapped{Accounts: 5, SuggestedAccounts: 1, Products: 2, SuggestedProducts: 1, UnknownProducts: 1}},
		// Only the distributor: 4's and 9's PSA sides ask for nothing; 3
		// has no account and 5 none found.
		{"no PSA", true, false, Unmapped{Accounts: 3, UnknownProducts: 1}},
		{"nothing connected", false, false, Unmapped{UnknownProducts: 1}},
	}
	for _, tt := range tests {
		if got := UnmappedFrom(m, tt.dist, tt.psa); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
