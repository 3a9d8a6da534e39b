package consent

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func TestFilterCycles(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	want := []struct {
		filter string
		names  []string
	}{
		{"Not consented", []string{"Alpine Ski House", "Fabrikam Inc", "Litware Inc", "Proseware", "Wingtip Toys", "Woodgrove Bank"}},
		{"Ready", []string{"Contoso Ltd"}},
		{"Failed", []string{"Northwind Traders"}},
		{"Lost", []string{"Adventure Works"}},
		{"Verifying", []string{"Tailspin Toys"}},
		{"No GDAP", []string{"Proseware", "Wingtip Toys", "Woodgrove Bank"}},
		{"All", []string{"Adventure Works", "Alpine Ski House", "Contoso Ltd", "Fabrikam Inc", "Litware Inc", "Northwind Traders", "Proseware", "Tailspin Toys", "Wingtip Toys", "Woodgrove Bank"}},
	}
	for _, w := range want {
		f.d.Press("f")
		if got := f.screen.filter.String(); got != w.filter {
			t.Fatalf("filter = %q, want %q", got, w.filter)
		}
		if got := f.names(); !slices.Equal(got, w.names) {
			t.Errorf("filter %s shows %v, want %v", w.filter, got, w.names)
		}
		if v := ansi.Strip(f.screen.View()); !strings.Contains(v, "Filter "+w.filter+" f") {
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
		{"by domain", "northwindtraders.com", []string{"Northwind Traders"}},
		{"by tenant id", "t-alpine", []string{"Alpine Ski House"}},
		{"no match", "zzz", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
			f.d.Press("/")
			if !f.screen.Typing() {
				t.Fatal("Typing() is false in the search box")
			}
			f.d.Type(tt.typed)
			if got := f.names(); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows %v, want %v", tt.typed, got, tt.want)
			}
			f.d.Press("enter")
			if f.screen.Typing() {
				t.Error("enter should leave the search box")
			}
			if got := f.names(); !slices.Equal(got, tt.want) {
				t.Errorf("enter should keep the search; shows %v", got)
			}
			f.d.Press("esc")
			if got := len(f.names()); got != len(sample()) {
				t.Errorf("esc in the table should clear the search; %d shown", got)
			}
		})
	}
}

func TestSearchKeysAreText(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.d.Press("/")
	// Letters that are commands in the table are text while typing.
	f.d.Type("fca")
	if f.screen.search.Query() != "fca" || f.screen.mode != modeSearch || f.screen.filter != filterAll {
		t.Errorf("query %q mode %v filter %v: letters leaked to the table", f.screen.search.Query(), f.screen.mode, f.screen.filter)
	}
	f.d.Press("backspace", "backspace")
	if f.screen.search.Query() != "f" {
		t.Errorf("backspace left %q", f.screen.search.Query())
	}
	f.d.Press("esc")
	if f.screen.search.Query() != "" || f.screen.mode != modeTable {
		t.Errorf("esc in the search box should clear and leave it")
	}
}

// TestSearchFiltersAsYouType checks that the table follows every edit of
// the input, not only the end of typing.
func TestSearchFiltersAsYouType(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	// matching lists the sample customers a search for q shows, by name.
	matching := func(q string) []string {
		var out []string
		for _, c := range sample() {
			if strings.Contains(strings.ToLower(c.Name+" "+c.PrimaryDomain+" "+c.TenantID), q) {
				out = append(out, c.Name)
			}
		}
		slices.Sort(out)
		return out
	}
	check := func(step, q string) {
		t.Helper()
		if f.screen.search.Query() != q {
			t.Fatalf("after %s the query is %q, want %q", step, f.screen.search.Query(), q)
		}
		got := f.names()
		slices.Sort(got)
		if want := matching(strings.ToLower(q)); !slices.Equal(got, want) {
			t.Errorf("after %s (%q) the table shows %v, want %v", step, q, got, want)
		}
	}

	f.d.Press("/")
	typed := ""
	for _, r := range "toys" {
		f.d.Type(string(r))
		typed += string(r)
		check("typing "+string(r), typed)
	}
	f.d.Press("backspace")
	check("backspace", "toy")
	// Editing inside the text, which the input allows.
	f.d.Press("left", "left", "backspace")
	check("left left backspace", "oy")
	f.d.Press("end")
	f.d.Type("s")
	check("end s", "oys")
	f.d.Press("ctrl+u")
	check("ctrl+u", "")
	// A bracketed paste arrives as one key message.
	f.d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Wingtip"), Paste: true})
	check("a paste", "Wingtip")
	if v := ansi.Strip(f.screen.View()); !strings.Contains(v, "/ Wingtip") {
		t.Errorf("the search line should show the text typed:\n%s", v)
	}
}

func TestSearchEscLeaves(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.d.Press("/")
	if !f.screen.search.Focused() {
		t.Fatal("/ should focus the search input")
	}
	if v := ansi.Strip(f.screen.View()); !strings.Contains(v, "/ name, domain or tenant id · enter keeps · esc clears") {
		t.Errorf("an empty search should show its placeholder:\n%s", v)
	}
	f.d.Type("toys")
	f.d.Press("esc")
	if f.screen.Typing() || f.screen.search.Focused() {
		t.Error("esc should leave the search input")
	}
	if f.screen.search.Query() != "" || f.screen.search.Value() != "" || len(f.names()) != len(sample()) {
		t.Errorf("esc should clear the search: query %q, input %q, %d shown", f.screen.search.Query(), f.screen.search.Value(), len(f.names()))
	}
	if v := ansi.Strip(f.screen.View()); !strings.Contains(v, "Search none /") {
		t.Errorf("after esc the filter line should be back:\n%s", v)
	}

	// Enter keeps the search; / edits it again, with the cursor at its end.
	f.d.Press("/")
	f.d.Type("toy")
	f.d.Press("enter")
	if f.screen.Typing() || f.screen.search.Focused() {
		t.Error("enter should leave the search input")
	}
	f.d.Press("/")
	if !f.screen.Typing() || f.screen.search.Value() != "toy" {
		t.Fatalf("/ should reopen the kept search: typing %v, input %q", f.screen.Typing(), f.screen.search.Value())
	}
	f.d.Type("s")
	if f.screen.search.Query() != "toys" {
		t.Errorf("typing after / should extend the kept search; query %q", f.screen.search.Query())
	}
}

// TestSearchTakesQAndHelp checks the Typing contract the root relies on:
// while the input has focus, q and ? are text.
func TestSearchTakesQAndHelp(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	if f.screen.Typing() {
		t.Fatal("Typing() before /")
	}
	f.d.Press("/")
	if !f.screen.Typing() {
		t.Fatal("Typing() is false while the search input has focus")
	}
	f.d.Type("q?")
	if f.screen.search.Query() != "q?" {
		t.Errorf("q and ? should be typed into the search; query %q", f.screen.search.Query())
	}
}

func TestSearchLimit(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.SmallWidth, tuitest.SmallHeight)
	f.d.Press("/")
	f.d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("x", 2*common.SearchLimit)), Paste: true})
	if n := len([]rune(f.screen.search.Query())); n != common.SearchLimit {
		t.Errorf("the search holds %d characters, want at most %d", n, common.SearchLimit)
	}
	// A long search scrolls inside the line rather than widening it.
	for _, l := range strings.Split(ansi.Strip(f.screen.View()), "\n") {
		if w := ansi.StringWidth(l); w > tuitest.SmallWidth {
			t.Errorf("line %d cells wide at %d columns: %q", w, tuitest.SmallWidth, l)
		}
	}
}

func TestSortToggles(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.d.Press("s")
	if f.screen.sort != sortByStatus {
		t.Fatalf("sort = %v, want status", f.screen.sort)
	}
	want := []string{"Northwind Traders", "Adventure Works", "Tailspin Toys", "Alpine Ski House", "Fabrikam Inc", "Litware Inc", "Proseware", "Wingtip Toys", "Woodgrove Bank", "Contoso Ltd"}
	if got := f.names(); !slices.Equal(got, want) {
		t.Errorf("by status: %v, want %v", got, want)
	}
	f.d.Press("s")
	if got := f.names(); got[0] != "Adventure Works" || got[len(got)-1] != "Woodgrove Bank" {
		t.Errorf("by name: %v", got)
	}
}

func TestSortKeepsSelection(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.d.Press("down", "down") // Contoso Ltd
	if c, _ := f.screen.selected(); c.Name != "Contoso Ltd" {
		t.Fatalf("selected %q", c.Name)
	}
	f.d.Press("s")
	if c, _ := f.screen.selected(); c.Name != "Contoso Ltd" {
		t.Errorf("after sorting the cursor moved to %q", c.Name)
	}
}

func TestGate(t *testing.T) {
	t.Parallel()
	notReady := sample()
	notReady[0].Consent.State = connectors.ConsentNone
	readyButNoGDAP := sample()[:1]
	readyButNoGDAP[0].GDAP = gdap(connectors.GDAPExpired)
	tests := []struct {
		name string
		list []connectors.CustomerStatus
		want error
	}{
		{"one ready", sample(), nil},
		{"none ready", notReady, ErrNoneReady},
		{"consented but GDAP ended", readyButNoGDAP, ErrNoneReady},
		{"no customers", nil, ErrNoneReady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.list, nil, tuitest.Width, tuitest.Height)
			if err := f.screen.Gate(); !errors.Is(err, tt.want) {
				t.Errorf("Gate() = %v, want %v", err, tt.want)
			}
		})
	}
	if want := "Continue needs at least one Ready customer: consent one with c, or all eligible with a"; ErrNoneReady.Error() != want {
		t.Errorf("the refusal reads %q", ErrNoneReady)
	}
}

func TestContinueAndBack(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.d.Press("enter")
	f.d.Until("NextMsg", func() bool { return f.h.Nexts == 1 })
	f.d.Press("shift+tab")
	f.d.Until("BackMsg", func() bool { return f.h.Backs == 1 })
}

// selectTenant moves the cursor to a customer by name.
func (f *fixture) selectTenant(t *testing.T, name string) {
	t.Helper()
	f.d.Press("home")
	for range f.screen.visible {
		if c, _ := f.screen.selected(); c.Name == name {
			return
		}
		f.d.Press("down")
	}
	t.Fatalf("%s is not in the table", name)
}

func TestConsentOptionB(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fail       error
		wantState  connectors.ConsentState
		wantReady  bool
		wantStatus string
		wantErrs   int
	}{
		{"success", nil, connectors.ConsentReady, true, "Fabrikam Inc is Ready", 0},
		{"failure", &connectors.Error{Kind: connectors.ErrForbidden, Service: "partner center", Message: "the partner account lacks Application Administrator"},
			connectors.ConsentFailed, false, "Fabrikam Inc: partner center: forbidden: the partner account lacks Application Administrator", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, sample(), func(fc *fakeCustomers) {
				if tt.fail != nil {
					fc.failWith["t-fabrikam"] = tt.fail
				}
				fc.delay = 20 * time.Millisecond
			}, tuitest.Width, tuitest.Height)
			f.selectTenant(t, "Fabrikam Inc")
			f.d.Press("c")
			if f.screen.mode != modeChoose {
				t.Fatalf("c should ask Option A or B; mode %v", f.screen.mode)
			}
			v := f.flat()
			for _, w := range []string{
				"a Option A — the customer's own admin accepts a link; slower when you have many customers.",
				"b Option B — your partner account with Privileged Role Administrator and Application Administrator through GDAP; fastest at scale.",
			} {
				if !strings.Contains(v, w) {
					t.Errorf("the choice lacks %q:\n%s", w, v)
				}
			}
			f.d.Press("b")
			if st := f.screen.state(f.screen.index["t-fabrikam"]); st != connectors.ConsentVerifying {
				t.Errorf("while consenting the row shows %v, want Verifying", st)
			}
			f.d.Until("the consent ended", func() bool { return len(f.h.Ended) == 2 })
			if got := f.h.Ended[1].Result; got != tt.wantStatus {
				t.Errorf("result = %q, want %q", got, tt.wantStatus)
			}
			c := f.screen.all[f.screen.index["t-fabrikam"]]
			if c.Consent.State != tt.wantState || c.Ready() != tt.wantReady {
				t.Errorf("row state %v ready %v, want %v %v", c.Consent.State, c.Ready(), tt.wantState, tt.wantReady)
			}
			f.d.Until("errors reported", func() bool { return len(f.h.Errs) == tt.wantErrs })
			if tt.fail != nil && !strings.Contains(ansi.Strip(f.screen.View()), "✗ Failed") {
				t.Errorf("the row should show the failure:\n%s", ansi.Strip(f.screen.View()))
			}
		})
	}
}

func TestConsentOptionAShowsLinkAndWaits(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.selectTenant(t, "Alpine Ski House")
	f.d.Press("c", "a")
	if f.screen.mode != modeAdminWait {
		t.Fatalf("mode %v, want waiting for the admin", f.screen.mode)
	}
	link := "https://login.microsoftonline.com/t-alpine/adminconsent?client_id=seats-app"
	v := ansi.Strip(f.screen.View())
	for _, w := range []string{link, "sent to your terminal's clipboard (OSC 52)", "press enter to open it in the browser", "… Waiting for the consent to show up"} {
		if !strings.Contains(v, w) {
			t.Errorf("view lacks %q:\n%s", w, v)
		}
	}
	f.d.Until("the link copied", func() bool { return len(f.h.Copies) == 1 })
	if f.h.Copies[0].Text != link {
		t.Errorf("copied %q", f.h.Copies[0].Text)
	}
	f.d.Press("enter")
	f.d.Until("the link opened", func() bool { return len(f.openedURLs()) == 1 })
	if got := f.openedURLs()[0]; got != link {
		t.Errorf("opened %q", got)
	}

	ready := sample()[9]
	ready.Consent = connectors.ConsentRecord{TenantID: "t-alpine", State: connectors.ConsentReady, Method: connectors.ConsentByAdmin}
	f.fake.adminDone <- ready
	f.d.Until("the consent showed up", func() bool { return f.screen.mode == modeTable })
	if c := f.screen.all[f.screen.index["t-alpine"]]; c.Consent.State != connectors.ConsentReady {
		t.Errorf("Alpine Ski House is %v, want Ready", c.Consent.State)
	}
	f.d.Until("the status said", func() bool { return strings.Contains(f.h.LastStatus(), "Alpine Ski House is Ready") })
}

func TestConsentOptionAEscStopsWaiting(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.selectTenant(t, "Fabrikam Inc")
	f.d.Press("c", "a", "esc")
	if f.screen.mode != modeTable {
		t.Fatalf("esc should go back to the table; mode %v", f.screen.mode)
	}
	select {
	case id := <-f.fake.adminCancel:
		if id != "t-fabrikam" {
			t.Errorf("cancelled the wait of %s", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not cancel the wait")
	}
	f.d.Drain(50 * time.Millisecond)
	if len(f.h.Errs) != 0 {
		t.Errorf("stopping the wait is not an error: %v", f.h.Errs)
	}
}

func TestChooseEscCancels(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.d.Press("c", "esc")
	if f.screen.mode != modeTable {
		t.Errorf("mode %v", f.screen.mode)
	}
	if calls, _ := f.fake.callCount(); calls != 0 {
		t.Errorf("%d consents ran", calls)
	}
}

func TestBulkConsent(t *testing.T) {
	t.Parallel()
	list := many(40)
	f := setup(t, list, func(fc *fakeCustomers) {
		fc.delay = 5 * time.Millisecond
		fc.failWith["t-00002"] = errors.New("GDAP lacks Application Administrator")
	}, tuitest.Width, tuitest.Height)
	var eligible int
	for _, c := range list {
		if c.Eligible() {
			eligible++
		}
	}
	f.d.Press("a")
	f.d.Until("a asks first", func() bool { return f.screen.mode == modeConfirmBulk })
	if v := f.flat(); !strings.Contains(v, itoa(eligible)+" customers have active GDAP and are not Ready yet. seats consents them 4 at a time") {
		t.Errorf("the confirmation should give the count:\n%s", v)
	}
	f.d.Press("y")
	f.d.Until("the bulk consent finished", func() bool { return f.screen.mode == modeResults })

	calls, maxInFlight := f.fake.callCount()
	if calls != eligible {
		t.Errorf("%d consents ran, want %d (every eligible customer)", calls, eligible)
	}
	if maxInFlight > BulkConcurrency {
		t.Errorf("%d consents ran at once, want at most %d", maxInFlight, BulkConcurrency)
	}
	if i := slices.IndexFunc(f.h.Started, func(s common.TaskStartMsg) bool { return s.ID == taskBulk }); i < 0 || f.h.Started[i].Total != eligible {
		t.Errorf("the bulk task should start with a total: %+v", f.h.Started)
	}
	maxDone := 0
	for _, p := range f.h.Progress {
		if p.ID != taskBulk || p.Total != eligible {
			t.Errorf("progress %+v, want of %s out of %d", p, taskBulk, eligible)
		}
		maxDone = max(maxDone, p.Done)
	}
	if maxDone < eligible-BulkConcurrency {
		t.Errorf("progress reached %d of %d before the end", maxDone, eligible)
	}
	f.d.Until("the bulk task ended", func() bool {
		return len(f.h.Ended) > 0 && f.h.Ended[len(f.h.Ended)-1].ID == taskBulk
	})

	v := ansi.Strip(f.screen.View())
	for _, w := range []string{
		"Bulk consent finished: " + itoa(eligible-1) + " Ready · 1 not",
		"✗ Customer 00038 Holdings — GDAP lacks Application Administrator",
		"✓ Customer",
	} {
		if !strings.Contains(v, w) {
			t.Errorf("results lack %q:\n%s", w, v)
		}
	}
	if err := f.screen.Gate(); err != nil {
		t.Errorf("Gate() = %v after the bulk consent", err)
	}
	f.d.Press("enter")
	if f.screen.mode != modeTable {
		t.Errorf("enter should close the results")
	}
	if len(f.screen.eligible()) != 1 {
		t.Errorf("only the failed customer should stay eligible, got %v", f.screen.eligible())
	}
}

// sovereign is a customer in a cloud without a GDAP API: its roles cannot
// be read, so nothing is said about them.
func sovereign() connectors.CustomerStatus {
	return customer("Contoso Gov", "contosogov.us", "t-gov", gdap(connectors.GDAPUnavailable), connectors.ConsentNone, "")
}

// TestBulkConfirmWarnsAboutMissingRoles: before trying, the confirmation
// says how many eligible customers lack a role Option B needs; they are
// still tried.
func TestBulkConfirmWarnsAboutMissingRoles(t *testing.T) {
	t.Parallel()
	withRole := func(name, tenant string, roles ...string) connectors.CustomerStatus {
		return customer(name, name+".example", tenant, gdap(connectors.GDAPActive, roles...), connectors.ConsentNone, "")
	}
	tests := []struct {
		name  string
		list  []connectors.CustomerStatus
		warn  string // "" when no warning is due
		tried []string
	}{
		{"two lack roles", append(sample(), sovereign()),
			"! 2 of them lack Privileged Role Administrator or Application Administrator in GDAP, which Option B needs: " +
				"Microsoft will likely refuse them. Option A (c on the customer, then a) works without these roles. " +
				"seats still tries them, in case it cannot see every role you hold.",
			[]string{"t-northwind", "t-alpine", "t-gov"}},
		{"one lacks one role", []connectors.CustomerStatus{
			withRole("Fourth Coffee", "t-coffee", connectors.RolePrivilegedRoleAdministrator),
			withRole("Lucerne Publishing", "t-lucerne", fullRoles...),
		}, "! 1 of them lacks Application Administrator in GDAP, which Option B needs: Microsoft will likely refuse them.",
			[]string{"t-coffee", "t-lucerne"}},
		{"every role there", many(40), "", nil},
		{"no GDAP API to check", []connectors.CustomerStatus{sovereign()}, "", []string{"t-gov"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.list, nil, tuitest.Width, tuitest.Height)
			f.d.Press("a")
			f.d.Until("the confirmation", func() bool { return f.screen.mode == modeConfirmBulk })
			v := f.flat()
			if tt.warn == "" {
				if strings.Contains(v, "Microsoft will likely refuse") {
					t.Errorf("a warning without a missing role:\n%s", v)
				}
			} else if !strings.Contains(v, tt.warn) {
				t.Errorf("the confirmation lacks %q:\n%s", tt.warn, v)
			}
			f.d.Press("y")
			f.d.Until("the bulk consent finished", func() bool { return f.screen.mode == modeResults })
			f.fake.mu.Lock()
			calls := slices.Clone(f.fake.calls)
			f.fake.mu.Unlock()
			for _, id := range tt.tried {
				if !slices.Contains(calls, id) {
					t.Errorf("%s was not tried; tried %v", id, calls)
				}
			}
		})
	}
}

// TestChooseNamesMissingRoles: the Option A or B question names the roles
// Option B needs and the customer's GDAP lacks, before anything runs.
func TestChooseNamesMissingRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		customer string
		want     string
		not      []string
	}{
		{"both missing", "Alpine Ski House",
			"! GDAP here lacks Privileged Role Administrator and Application Administrator, which Option B needs: " +
				"Microsoft will likely refuse it, so use Option A. b still tries, in case seats cannot see every role you hold.",
			nil},
		{"one missing", "Northwind Traders", "! GDAP here lacks Application Administrator, which Option B needs", nil},
		{"global administrator covers both", "Litware Inc", "", []string{"GDAP here lacks"}},
		{"no GDAP API", "Contoso Gov", "This cloud has no GDAP API: seats cannot check your roles here before Option B tries.",
			[]string{"GDAP here lacks", "No active GDAP"}},
		{"no GDAP", "Wingtip Toys", "! No active GDAP here: seats reads customers through GDAP, so neither option can make it Ready", []string{"GDAP here lacks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, append(sample(), sovereign()), nil, tuitest.Width, tuitest.Height)
			f.selectTenant(t, tt.customer)
			f.d.Press("c")
			v := f.flat()
			if tt.want != "" && !strings.Contains(v, tt.want) {
				t.Errorf("the choice lacks %q:\n%s", tt.want, v)
			}
			for _, n := range tt.not {
				if strings.Contains(v, n) {
					t.Errorf("the choice says %q:\n%s", n, v)
				}
			}
			if calls, _ := f.fake.callCount(); calls != 0 {
				t.Errorf("%d consents ran before the choice", calls)
			}
		})
	}
}

func TestOptionBStillTriedWithoutRoles(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.selectTenant(t, "Alpine Ski House")
	f.d.Press("c", "b")
	f.d.Until("the consent ended", func() bool { return len(f.h.Ended) == 2 })
	if calls, _ := f.fake.callCount(); calls != 1 {
		t.Errorf("%d consents ran, want Option B tried once", calls)
	}
}

func TestBulkStop(t *testing.T) {
	t.Parallel()
	f := setup(t, many(40), func(fc *fakeCustomers) { fc.delay = time.Hour }, tuitest.Width, tuitest.Height)
	f.d.Press("a")
	f.d.Until("the confirmation", func() bool { return f.screen.mode == modeConfirmBulk })
	f.d.Press("y")
	f.d.Until("4 consents in flight", func() bool { _, n := f.fake.callCount(); return n == BulkConcurrency })
	f.d.Press("esc")
	f.d.Until("the bulk consent stopped", func() bool { return f.screen.mode == modeResults })
	v := ansi.Strip(f.screen.View())
	if !strings.Contains(v, "not started (stopped)") || !strings.Contains(v, "stopped before it finished") {
		t.Errorf("the results should say it stopped:\n%s", v)
	}
	if calls, _ := f.fake.callCount(); calls != BulkConcurrency {
		t.Errorf("%d consents started, want only the first %d", calls, BulkConcurrency)
	}
}

func TestBulkNothingEligible(t *testing.T) {
	t.Parallel()
	f := setup(t, sample()[:1], nil, tuitest.Width, tuitest.Height)
	f.d.Press("a")
	if f.screen.mode != modeTable {
		t.Errorf("with nobody eligible there is nothing to confirm")
	}
	f.d.Until("the status said", func() bool { return strings.HasPrefix(f.h.LastStatus(), "No eligible customer") })
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.fake.mu.Lock()
	f.fake.refreshed = sample()[:3]
	f.fake.mu.Unlock()
	f.d.Press("r")
	f.d.Until("the second refresh ended", func() bool { return len(f.h.Ended) == 2 })
	if got := len(f.screen.all); got != 3 {
		t.Errorf("%d customers after refresh, want 3", got)
	}

	f.fake.mu.Lock()
	f.fake.refreshErr = &connectors.Error{Kind: connectors.ErrSignInRequired, Service: "partner center"}
	f.fake.mu.Unlock()
	f.d.Press("r")
	f.d.Until("the failure reported", func() bool { return len(f.h.Errs) == 1 })
	if got := len(f.screen.all); got != 3 {
		t.Errorf("a failed refresh must keep the data; %d customers", got)
	}
	if f.h.Errs[0].Op != "Load customers from Partner Center" {
		t.Errorf("op = %q", f.h.Errs[0].Op)
	}
}

func TestStoredStatusesShowBeforeRefresh(t *testing.T) {
	t.Parallel()
	fake := newFakeCustomers(sample())
	fake.refreshErr = &connectors.Error{Kind: connectors.ErrUnavailable}
	f := setup(t, sample(), func(fc *fakeCustomers) { fc.refreshErr = fake.refreshErr }, tuitest.Width, tuitest.Height)
	if len(f.screen.all) != len(sample()) {
		t.Errorf("the stored customers should show although the refresh failed; %d", len(f.screen.all))
	}
}

func TestNavigationScrolls(t *testing.T) {
	t.Parallel()
	f := setup(t, many(2000), nil, tuitest.Width, tuitest.Height)
	rows := f.screen.tableRows()
	f.d.Press("end")
	if f.screen.cursor != 1999 || f.screen.offset != 2000-rows {
		t.Errorf("end: cursor %d offset %d", f.screen.cursor, f.screen.offset)
	}
	f.d.Press("pgup")
	if f.screen.cursor != 1999-rows {
		t.Errorf("pgup: cursor %d", f.screen.cursor)
	}
	f.d.Press("home", "pgdown", "down")
	if f.screen.cursor != rows+1 || f.screen.offset != 2 {
		t.Errorf("home pgdown down: cursor %d offset %d", f.screen.cursor, f.screen.offset)
	}
	f.d.Press("up", "up", "up")
	if f.screen.cursor != rows-2 {
		t.Errorf("up: cursor %d", f.screen.cursor)
	}
	lines := strings.Split(f.screen.View(), "\n")
	if len(lines) != tuitest.Height {
		t.Errorf("the view has %d lines, want exactly the height %d", len(lines), tuitest.Height)
	}
}

func TestWidths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		width              int
		domain, reason     bool
		wideGDAP           bool
		wantHeader, notHdr []string
	}{
		{80, false, false, false, []string{"Customer", "GDAP", "Roles", "Consent"}, []string{"Domain", "Reason"}},
		{100, false, false, false, []string{"Customer", "GDAP", "Roles", "Consent"}, []string{"Domain", "Reason"}},
		{120, true, false, false, []string{"Customer", "Domain", "GDAP", "Roles", "Consent"}, []string{"Reason"}},
		{200, true, true, true, []string{"Customer", "Domain", "GDAP", "Roles", "Consent", "Reason"}, nil},
	}
	for _, tt := range tests {
		t.Run(itoa(tt.width), func(t *testing.T) {
			t.Parallel()
			cols := layoutFor(tt.width, 40, 40)
			if (cols.domain > 0) != tt.domain || (cols.reason > 0) != tt.reason || cols.wideGDAP != tt.wideGDAP {
				t.Errorf("layout %+v", cols)
			}
			f := setup(t, sample(), nil, tt.width, 24)
			v := ansi.Strip(f.screen.View())
			for _, l := range strings.Split(v, "\n") {
				if w := ansi.StringWidth(l); w > tt.width {
					t.Errorf("line wider (%d) than %d: %q", w, tt.width, l)
				}
			}
			header := strings.Split(v, "\n")[topLines]
			for _, h := range tt.wantHeader {
				if !strings.Contains(header, h) {
					t.Errorf("header %q lacks %s", header, h)
				}
			}
			for _, h := range tt.notHdr {
				if strings.Contains(header, h) {
					t.Errorf("header %q should drop %s", header, h)
				}
			}
			// Dropped columns are still told for the selected customer.
			if !strings.Contains(v, "Adventure Works · adventure-works.com") || !strings.Contains(v, "Why not Ready: The consent was removed in the tenant") {
				t.Errorf("the detail lines should carry domain and reason:\n%s", v)
			}
		})
	}
}

// TestWiderNeverCutsNamesMore: as the terminal widens, no column that was
// there shrinks; at 140 columns names are cut no more than at 120.
func TestWiderNeverCutsNamesMore(t *testing.T) {
	t.Parallel()
	for _, longest := range []int{12, 30, 40} {
		prev := layoutFor(60, longest, longest)
		for w := 61; w <= 260; w++ {
			c := layoutFor(w, longest, longest)
			if c.name < prev.name || c.domain < prev.domain && prev.domain > 0 {
				t.Fatalf("longest %d: at %d columns name %d domain %d, at %d name %d domain %d", longest, w, c.name, c.domain, w-1, prev.name, prev.domain)
			}
			if fixed := cursorWidth + c.name + c.gdap + rolesWidth + consentWidth + 3*len(colSep); c.domain+c.reason > 0 && fixed+c.domain+c.reason+len(colSep)*btoi(c.domain > 0)+len(colSep)*btoi(c.reason > 0) > w {
				t.Fatalf("at %d columns the layout %+v is too wide", w, c)
			}
			prev = c
		}
		if a, b := layoutFor(120, longest, 30), layoutFor(140, longest, 30); b.name < a.name {
			t.Fatalf("names cut more at 140 (%d) than at 120 (%d)", b.name, a.name)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestMarkersWithoutColour(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, 200, 30)
	v := ansi.Strip(f.screen.View())
	for _, w := range []string{"✓ Ready", "! Lost", "✗ Failed", "… Verifying", "· Not consented",
		"✓PRA ✓AppAdm ✓Read", "✓PRA ✗AppAdm ✓Read", "Active · ends 2027-03-01", "Expiring · ends 2026-03-20",
		"GDAP lacks Application Administrator", "No GDAP relationship: set one up in Partner Center"} {
		if !strings.Contains(v, w) {
			t.Errorf("view lacks %q:\n%s", w, v)
		}
	}
}

func TestReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    connectors.CustomerStatus
		want string
	}{
		{"ready", sample()[0], ""},
		{"recorded reason", sample()[2], "GDAP lacks Application Administrator"},
		{"no gdap", sample()[5], "No GDAP relationship: set one up in Partner Center"},
		{"pending", sample()[7], "GDAP relationship awaits the customer's approval"},
		{"expired", sample()[8], "GDAP relationship has ended: renew it in Partner Center"},
		{"missing roles", sample()[9], "GDAP lacks Privileged Role Administrator and Application Administrator: use Option A"},
		{"global admin covers both", sample()[6], "Not consented yet: press c"},
		{"lost without reason", customer("X", "x", "t-x", gdap(connectors.GDAPActive, fullRoles...), connectors.ConsentLost, ""), "Consent stopped working: press c to consent again"},
	}
	for _, tt := range tests {
		if got := reason(tt.c); got != tt.want {
			t.Errorf("%s: reason = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// BenchmarkView renders the table of 2,000 customers: it must stay well
// under a frame (16 ms) because only the visible rows are drawn.
func BenchmarkView(b *testing.B) {
	f := setup(b, many(2000), nil, tuitest.Width, tuitest.Height)
	f.d.Press("end")
	b.ResetTimer()
	for b.Loop() {
		_ = f.screen.View()
	}
}

// BenchmarkKeypress measures one cursor move plus a redraw with 2,000
// customers: the cost of a key press the user feels.
func BenchmarkKeypress(b *testing.B) {
	f := setup(b, many(2000), nil, tuitest.Width, tuitest.Height)
	down, up := tuitest.Key("down"), tuitest.Key("up")
	b.ResetTimer()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		f.screen.Update(k)
		_ = f.screen.View()
		i++
	}
}

// freshCustomers says the customer list was read moments ago, and counts
// refreshes.
type freshCustomers struct {
	*fakeCustomers
	refreshes atomic.Int32
}

func (f *freshCustomers) Fresh() (bool, error) { return true, nil }

func (f *freshCustomers) Refresh(ctx context.Context) ([]connectors.CustomerStatus, error) {
	f.refreshes.Add(1)
	return f.fakeCustomers.Refresh(ctx)
}

// TestFreshListIsNotReadAgainOnStart: a customer list read within the
// freshness window shows as stored, with no re-read from Partner Center;
// r still reads it.
func TestFreshListIsNotReadAgainOnStart(t *testing.T) {
	t.Parallel()
	fake := &freshCustomers{fakeCustomers: newFakeCustomers(sample())}
	c, _ := tuitest.NewCommon(t, common.Deps{Customers: fake})
	s := New(c)
	s.SetSize(tuitest.Width, tuitest.Height)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("the stored customers show", func() bool { return len(s.all) == len(sample()) })
	if n := fake.refreshes.Load(); n != 0 {
		t.Fatalf("%d refreshes on start with a fresh list, want 0", n)
	}
	d.Press("r")
	d.Until("r read the list", func() bool { return fake.refreshes.Load() == 1 })
}

// TestReloadsWhatAnotherSeatsChanged: with the screen open, another seats
// consents customers; focus coming back shows it, and a bulk consent asks
// and acts on the states as they are now, not as the screen last showed.
func TestReloadsWhatAnotherSeatsChanged(t *testing.T) {
	t.Parallel()
	list := many(20)
	f := setup(t, list, func(fc *fakeCustomers) { fc.delay = time.Millisecond }, tuitest.Width, tuitest.Height)
	before := f.screen.counts.ready
	elsewhere := slices.Clone(list)
	for i := range elsewhere {
		if elsewhere[i].Eligible() && i%2 == 0 {
			elsewhere[i].Consent = connectors.ConsentRecord{TenantID: elsewhere[i].TenantID, State: connectors.ConsentReady}
		}
	}
	f.fake.setStored(elsewhere)
	wantReady := 0
	eligible := 0
	for _, c := range elsewhere {
		if c.Ready() {
			wantReady++
		}
		if c.Eligible() {
			eligible++
		}
	}
	if wantReady == before {
		t.Fatal("the test world did not change")
	}
	f.d.Send(tea.FocusMsg{})
	f.d.Until("focus reloads the store", func() bool { return f.screen.counts.ready == wantReady })

	// Changed again while the screen shows the old numbers: the bulk
	// consent reads the store before asking and again before acting.
	f.fake.setStored(list)
	f.d.Press("a")
	f.d.Until("the confirmation", func() bool { return f.screen.mode == modeConfirmBulk })
	f.fake.setStored(elsewhere)
	f.d.Press("y")
	f.d.Until("the bulk consent finished", func() bool { return f.screen.mode == modeResults })
	if calls, _ := f.fake.callCount(); calls != eligible {
		t.Fatalf("%d consents ran, want %d: the ones consented elsewhere must not be consented again", calls, eligible)
	}
}

// TestLoadingIsNotEmpty: while the first read runs with nothing stored,
// the screen says it is loading, not that Partner Center lists nobody.
func TestLoadingIsNotEmpty(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.screen.setData(nil)
	f.screen.refreshing = true
	v := ansi.Strip(f.screen.View())
	if strings.Contains(v, "lists no customer") || !strings.Contains(v, "Loading customers") {
		t.Fatalf("loading with nothing stored:\n%s", v)
	}
}

// TestOptionAWithoutGDAPSaysSoFirst: Option A on a customer without GDAP
// says GDAP is missing and sends no link.
func TestOptionAWithoutGDAPSaysSoFirst(t *testing.T) {
	t.Parallel()
	f := setup(t, sample(), nil, tuitest.Width, tuitest.Height)
	f.selectTenant(t, "Wingtip Toys")
	f.d.Press("c", "a")
	f.d.Until("the status said", func() bool { return strings.Contains(f.h.LastStatus(), "Wingtip Toys has GDAP None") })
	f.d.Drain(30 * time.Millisecond)
	if f.screen.mode == modeAdminWait || len(f.h.Copies) != 0 {
		t.Fatalf("a link went out for a customer without GDAP (mode %v, copies %v)", f.screen.mode, f.h.Copies)
	}
}

// TestNarrowScreenKeepsWhatMatters: at 80x24 the detail line keeps the
// tenant id whole, the Option A link sits whole below the panel's border,
// and the bulk results keep the role a refusal names.
func TestNarrowScreenKeepsWhatMatters(t *testing.T) {
	t.Parallel()
	long := customer("The Very Long Customer Name Holdings International", "very-long-customer-name-holdings.onmicrosoft.com",
		"0f8fad5b-d9cb-469f-a165-70867728950e", gdap(connectors.GDAPActive, connectors.RoleGlobalReader), connectors.ConsentNone, "")
	refusal := errors.New("Partner Center refused consent: the GDAP relationship lacks Privileged Role Administrator and Application Administrator")
	f := setup(t, []connectors.CustomerStatus{long}, func(fc *fakeCustomers) { fc.failWith[long.TenantID] = refusal }, 80, 24)
	if v := ansi.Strip(f.screen.View()); !strings.Contains(v, "tenant 0f8fad5b-d9cb-469f-a165-70867728950e") {
		t.Fatalf("the detail line cut the tenant id:\n%s", v)
	}
	f.d.Press("c", "a")
	lines := strings.Split(ansi.Strip(f.screen.View()), "\n")
	joined := ""
	for _, l := range lines {
		if strings.HasPrefix(l, "https://") || joined != "" && !strings.ContainsAny(l, "│╰╭ ") && l != "" {
			joined += l
		}
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("line wider than 80: %q", l)
		}
	}
	if want := f.fake.AdminConsentURL(long.TenantID); joined != want {
		t.Fatalf("the link is not whole on its own lines: got %q, want %q", joined, want)
	}
	f.d.Press("esc", "a")
	f.d.Until("the confirmation", func() bool { return f.screen.mode == modeConfirmBulk })
	f.d.Press("y")
	f.d.Until("the results", func() bool { return f.screen.mode == modeResults })
	if v := f.flat(); !strings.Contains(v, "lacks Privileged Role Administrator and Application Administrator") {
		t.Fatalf("the results cut the role name:\n%s", ansi.Strip(f.screen.View()))
	}
}

// TestQuitWarningWhileBulkRuns: the screen tells the root that quitting
// stops a running bulk consent.
func TestQuitWarningWhileBulkRuns(t *testing.T) {
	t.Parallel()
	f := setup(t, many(10), func(fc *fakeCustomers) { fc.delay = time.Hour }, tuitest.Width, tuitest.Height)
	if w := f.screen.QuitWarning(); w != "" {
		t.Fatalf("idle screen warns %q", w)
	}
	f.d.Press("a")
	f.d.Until("the confirmation", func() bool { return f.screen.mode == modeConfirmBulk })
	f.d.Press("y")
	f.d.Until("the bulk runs", func() bool { return f.screen.bulk != nil })
	if w := f.screen.QuitWarning(); !strings.Contains(w, "Bulk consent running") {
		t.Fatalf("QuitWarning = %q", w)
	}
}
