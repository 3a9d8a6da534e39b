package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// fakeScreen records what the root gives it.
type fakeScreen struct {
	id     common.ScreenID
	gate   error
	typing bool
	inits  int
	msgs   []tea.Msg
	width  int
	height int
}

func (f *fakeScreen) Init() tea.Cmd { f.inits++; return nil }
func (f *fakeScreen) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	f.msgs = append(f.msgs, msg)
	return f, nil
}
func (f *fakeScreen) View() string              { return "body of " + f.id.String() }
func (f *fakeScreen) SetSize(w, h int)          { f.width, f.height = w, h }
func (f *fakeScreen) ShortHelp() []key.Binding  { return nil }
func (f *fakeScreen) FullHelp() [][]key.Binding { return nil }
func (f *fakeScreen) Gate() error               { return f.gate }
func (f *fakeScreen) ID() common.ScreenID       { return f.id }
func (f *fakeScreen) Typing() bool              { return f.typing }

// got reports whether the screen received msg.
func (f *fakeScreen) got(msg tea.Msg) bool {
	for _, m := range f.msgs {
		if reflect.DeepEqual(m, msg) {
			return true
		}
	}
	return false
}

// fakeProgress keeps progress in memory.
type fakeProgress struct {
	mu      sync.Mutex
	saved   store.WizardProgress
	saves   []store.WizardProgress
	loadErr error
	saveErr error
	// hold, when set, makes the next save wait until it is closed, like a
	// store waiting for the file lock another seats holds; the save
	// reports on holding once it waits.
	hold    chan struct{}
	holding chan struct{}
}

func (p *fakeProgress) WizardProgress() (store.WizardProgress, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.saved, p.loadErr
}

func (p *fakeProgress) SaveWizardProgress(w store.WizardProgress) error {
	p.mu.Lock()
	hold, holding := p.hold, p.holding
	p.hold = nil
	p.mu.Unlock()
	if hold != nil {
		close(holding)
		<-hold
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.saveErr != nil {
		return p.saveErr
	}
	p.saved = w
	p.saves = append(p.saves, w)
	return nil
}

func (p *fakeProgress) last() store.WizardProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.saved
}

func (p *fakeProgress) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.saves)
}

// holdNextSave makes the next save wait until release is called; the
// returned channel closes once that save is waiting.
func (p *fakeProgress) holdNextSave() (waiting <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold, p.holding = make(chan struct{}), make(chan struct{})
	hold := p.hold
	var once sync.Once
	return p.holding, func() { once.Do(func() { close(hold) }) }
}

type rootFixture struct {
	m        Model
	connect  *fakeScreen
	consent  *fakeScreen
	progress *fakeProgress
	c        *common.Common
	out      *tuitest.Buffer
}

func newRoot(t *testing.T, saved store.WizardProgress) *rootFixture {
	t.Helper()
	p := &fakeProgress{saved: saved}
	base, out := tuitest.NewCommon(t, common.Deps{Progress: p})
	c, cancel := rootCommon(base)
	t.Cleanup(cancel)
	conn := &fakeScreen{id: common.ScreenConnect}
	cons := &fakeScreen{id: common.ScreenConsent}
	m := newModel(c, cancel, conn, cons)
	m.Init()
	return &rootFixture{m: m, connect: conn, consent: cons, progress: p, c: c, out: out}
}

// send updates the root with msg and returns the command.
func (f *rootFixture) send(msg tea.Msg) tea.Cmd {
	m, cmd := f.m.Update(msg)
	f.m = m.(Model)
	return cmd
}

// sendAll sends msg and then, recursively, every message its command
// returns (batches included), as a program would.
func (f *rootFixture) sendAll(msg tea.Msg) {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if batch, ok := next.(tea.BatchMsg); ok {
			for _, c := range batch {
				if c != nil {
					queue = append(queue, c())
				}
			}
			continue
		}
		if next == nil {
			continue
		}
		if cmd := f.send(next); cmd != nil {
			// Status results schedule their clearing with a 4 s tick; the
			// tests do not wait for it.
			if _, isClear := next.(common.StatusMsg); isClear {
				continue
			}
			if _, isDone := next.(common.TaskDoneMsg); isDone {
				continue
			}
			queue = append(queue, cmd())
		}
	}
}

func (f *rootFixture) status() string {
	text, _, _ := f.m.status.Result()
	return text
}

func TestResume(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		saved    store.WizardProgress
		want     common.ScreenID
		done     []common.ScreenID
		finished bool
	}{
		{"first run", store.WizardProgress{}, common.ScreenConnect, nil, false},
		{"saved step", store.WizardProgress{Current: "consent", Done: []string{"connect"}}, common.ScreenConsent, []common.ScreenID{common.ScreenConnect}, false},
		{"saved step is coming soon", store.WizardProgress{Current: "accounts", Done: []string{"connect"}}, common.ScreenConsent, []common.ScreenID{common.ScreenConnect}, false},
		{"unknown step", store.WizardProgress{Current: "teleport"}, common.ScreenConnect, nil, false},
		{"all landed steps done", store.WizardProgress{Current: "consent", Done: []string{"connect", "consent"}}, common.ScreenConsent,
			[]common.ScreenID{common.ScreenConnect, common.ScreenConsent}, true},
		{"done but no current", store.WizardProgress{Done: []string{"connect", "consent"}}, common.ScreenConsent,
			[]common.ScreenID{common.ScreenConnect, common.ScreenConsent}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newRoot(t, tt.saved)
			if got := f.m.Current(); got != tt.want {
				t.Errorf("resumed at %v, want %v", got, tt.want)
			}
			for _, id := range tt.done {
				if !f.m.Done(id) {
					t.Errorf("%v should be done", id)
				}
			}
			if got := f.m.finished(); got != tt.finished {
				t.Errorf("finished = %v, want %v", got, tt.finished)
			}
			want := map[common.ScreenID]int{tt.want: 1}
			if f.connect.inits != want[common.ScreenConnect] || f.consent.inits != want[common.ScreenConsent] {
				t.Errorf("inits connect %d consent %d: only the resumed screen starts", f.connect.inits, f.consent.inits)
			}
		})
	}
}

func TestResumeLoadError(t *testing.T) {
	t.Parallel()
	p := &fakeProgress{loadErr: store.ErrBusy}
	base, _ := tuitest.NewCommon(t, common.Deps{Progress: p})
	c, cancel := rootCommon(base)
	t.Cleanup(cancel)
	m := newModel(c, cancel, &fakeScreen{id: common.ScreenConnect}, &fakeScreen{id: common.ScreenConsent})
	if m.Current() != common.ScreenConnect {
		t.Errorf("current %v", m.Current())
	}
	e, ok := m.errbox.Err()
	if !ok || !errors.Is(e.Err, store.ErrBusy) {
		t.Errorf("the load failure should be in the error box, got %v %v", e, ok)
	}
}

func TestNextChecksGate(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.connect.gate = errors.New("Continue needs a sign-in to Microsoft")
	f.sendAll(common.NextMsg{From: common.ScreenConnect})
	if f.m.Current() != common.ScreenConnect || f.m.Done(common.ScreenConnect) {
		t.Fatalf("moved on although the gate refused")
	}
	if got := f.status(); got != "Continue needs a sign-in to Microsoft" {
		t.Errorf("status = %q, want the gate's reason", got)
	}
	if len(f.progress.saves) != 0 {
		t.Errorf("a refused move saved progress")
	}

	f.connect.gate = nil
	f.sendAll(common.NextMsg{From: common.ScreenConnect})
	if f.m.Current() != common.ScreenConsent || !f.m.Done(common.ScreenConnect) {
		t.Fatalf("current %v, connect done %v", f.m.Current(), f.m.Done(common.ScreenConnect))
	}
	if f.consent.inits != 1 {
		t.Errorf("consent started %d times, want once", f.consent.inits)
	}
	want := store.WizardProgress{Current: "consent", Done: []string{"connect"}, UpdatedAt: tuitest.Epoch}
	if got := f.progress.last(); got.Current != want.Current || !slices.Equal(got.Done, want.Done) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("saved %+v, want %+v", got, want)
	}
}

func TestComingStepsCannotBeEntered(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{Current: "consent", Done: []string{"connect"}})
	f.m.shrinkAfter = time.Millisecond
	f.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	shrink := f.send(common.NextMsg{From: common.ScreenConsent})
	if f.m.Current() != common.ScreenConsent {
		t.Fatalf("current %v: the next steps are coming soon and cannot be entered", f.m.Current())
	}
	if !f.m.Done(common.ScreenConsent) || !f.m.finished() {
		t.Error("consent should be done, with the what's-next panel")
	}
	v := ansi.Strip(f.m.View())
	flat := strings.Join(strings.Fields(strings.ReplaceAll(v, "│", " ")), " ")
	for _, w := range []string{"✓ Customers & consent is done.", "Next come Match accounts, Match products, Settings and Licences: they arrive in later versions of seats.",
		"Your progress is saved", "◌ Accounts", "✓ Connect", "● Consent"} {
		if !strings.Contains(flat, w) {
			t.Errorf("view lacks %q:\n%s", w, v)
		}
	}
	// A few seconds later the panel shrinks to one line, giving the
	// table its room back.
	full := lipgloss.Height(f.m.nextPanelView())
	for _, msg := range messages(shrink) {
		f.sendAll(msg)
	}
	if short := f.m.nextPanelView(); lipgloss.Height(short) != 1 || full < 3 || !strings.Contains(ansi.Strip(short), "✓ Customers & consent done") {
		t.Errorf("the done panel did not shrink to one line (was %d lines): %q", full, ansi.Strip(short))
	}
	if got := f.progress.last(); got.Current != "consent" || !slices.Equal(got.Done, []string{"connect", "consent"}) {
		t.Errorf("saved %+v", got)
	}
	// Pressing Continue again neither moves nor repeats the message.
	f.sendAll(common.NextMsg{From: common.ScreenConsent})
	if f.m.Current() != common.ScreenConsent {
		t.Error("moved into a coming step")
	}
}

func TestStaleNextIgnored(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{Current: "consent"})
	f.sendAll(common.NextMsg{From: common.ScreenConnect})
	if f.m.Current() != common.ScreenConsent || f.m.Done(common.ScreenConnect) {
		t.Error("a NextMsg from a screen not in front moved the wizard")
	}
}

func TestBack(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{Current: "consent", Done: []string{"connect"}})
	f.sendAll(common.BackMsg{From: common.ScreenConsent})
	if f.m.Current() != common.ScreenConnect {
		t.Fatalf("back went to %v", f.m.Current())
	}
	if got := f.progress.last(); got.Current != "connect" || !slices.Equal(got.Done, []string{"connect"}) {
		t.Errorf("saved %+v", got)
	}
	f.sendAll(common.BackMsg{From: common.ScreenConnect})
	if f.m.Current() != common.ScreenConnect {
		t.Error("went back before the first step")
	}
	if got := f.status(); got != "Connect to Microsoft is the first step in this version of seats" {
		t.Errorf("status %q", got)
	}
}

type probeMsg struct{ n int }

func TestResultsReachScreenNotInFront(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{Current: "consent", Done: []string{"connect"}})
	f.send(common.ScreenMsg{To: common.ScreenConnect, Msg: probeMsg{1}})
	if !f.connect.got(probeMsg{1}) || f.consent.got(probeMsg{1}) {
		t.Error("a result for connect should reach connect only, although consent is in front")
	}
	errMsg := common.ErrMsg{Screen: common.ScreenConnect, Op: "Sign in", Err: &connectors.Error{Kind: connectors.ErrUnavailable}}
	f.send(errMsg)
	if !f.connect.got(errMsg) {
		t.Error("the error should reach the screen whose work failed")
	}
	if !f.m.errbox.Visible() {
		t.Error("the error should be in the error box")
	}
	// Anything else goes to the screen in front.
	f.send(probeMsg{2})
	if !f.consent.got(probeMsg{2}) || f.connect.got(probeMsg{2}) {
		t.Error("an unaddressed message should reach the screen in front only")
	}
}

func TestResizeReachesEveryScreen(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	header, footer := 3, 1
	for _, s := range []*fakeScreen{f.connect, f.consent} {
		if s.width != 100 || s.height != 30-header-footer {
			t.Errorf("%v got %d×%d, want 100×%d", s.id, s.width, s.height, 30-header-footer)
		}
	}
	// The error box takes room from every screen, and gives it back.
	f.send(common.ErrMsg{Screen: common.ScreenConnect, Op: "Sign in", Err: errors.New("x")})
	boxed := f.consent.height
	if boxed >= 30-header-footer {
		t.Errorf("with the error box the body should shrink; height %d", boxed)
	}
	if f.connect.height != boxed {
		t.Errorf("screens disagree on the body height: %d vs %d", f.connect.height, boxed)
	}
	f.send(tuitest.Key("esc"))
	if f.consent.height != 30-header-footer {
		t.Errorf("closing the box should give the room back; height %d", f.consent.height)
	}
	if f.connect.got(tuitest.Key("esc")) {
		t.Error("the esc that closed the box reached the screen")
	}
}

func TestErrorBoxKeyGoesOn(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.send(common.ErrMsg{Screen: common.ScreenConnect, Op: "Sign in", Err: &connectors.Error{Kind: connectors.ErrConditionalAccess}})
	f.send(tuitest.Key("b"))
	if f.m.errbox.Visible() {
		t.Error("a key should close the box")
	}
	if !f.connect.got(tuitest.Key("b")) {
		t.Error("the b named in the box should reach the screen")
	}
}

func TestCtrlCSavesProgressAndQuits(t *testing.T) {
	t.Parallel()
	for _, typing := range []bool{false, true} {
		f := newRoot(t, store.WizardProgress{Current: "consent", Done: []string{"connect"}})
		f.consent.typing = typing
		cmd := f.send(tuitest.Key("ctrl+c"))
		if cmd == nil {
			t.Fatal("ctrl+c returned no command")
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("typing=%v: ctrl+c should quit", typing)
		}
		if got := f.progress.last(); got.Current != "consent" || !slices.Equal(got.Done, []string{"connect"}) {
			t.Errorf("saved %+v on quit", got)
		}
		select {
		case <-f.c.Ctx.Done():
		default:
			t.Error("quitting should cancel the screens' work")
		}
		if f.m.View() != "" {
			t.Error("the last frame should be empty so the terminal is left clean")
		}
	}
}

func TestQAndHelpWhileTyping(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.connect.typing = true
	if cmd := f.send(tuitest.Key("q")); cmd != nil {
		t.Error("q quit while typing")
	}
	if !f.connect.got(tuitest.Key("q")) {
		t.Error("q should reach the text input")
	}
	f.send(tuitest.Key("?"))
	if f.m.help.ShowAll || !f.connect.got(tuitest.Key("?")) {
		t.Error("? should reach the text input while typing")
	}

	f.connect.typing = false
	f.send(tuitest.Key("?"))
	if !f.m.help.ShowAll {
		t.Error("? should show the full help")
	}
	cmd := f.send(tuitest.Key("q"))
	if cmd == nil {
		t.Fatal("q did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q should quit when not typing")
	}
}

func TestCopyUsesOSC52(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	cmd := f.send(common.CopyMsg{Text: "HKQ7T2RLM", What: "Code"})
	if cmd == nil {
		t.Fatal("no copy command")
	}
	msg := cmd()
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("HKQ7T2RLM")) + "\x07"
	if !strings.Contains(f.out.String(), want) {
		t.Errorf("output %q lacks the OSC 52 sequence %q", f.out.String(), want)
	}
	if st, ok := msg.(common.StatusMsg); !ok || st.Text != "Code sent to your terminal's clipboard (OSC 52)" {
		t.Errorf("copy answered %#v", msg)
	}
}

func TestSaveFailureReported(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.progress.saveErr = store.ErrBusy
	f.sendAll(common.NextMsg{From: common.ScreenConnect})
	if !errors.Is(f.m.Err(), store.ErrBusy) {
		t.Errorf("Err() = %v", f.m.Err())
	}
	if e, ok := f.m.errbox.Err(); !ok || e.Op != "Save the wizard's progress" {
		t.Errorf("error box %v %v", e, ok)
	}
}

func TestFooterShowsScreenAndGlobalKeys(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	v := ansi.Strip(f.m.footerView())
	for _, w := range []string{"? more", "q quit"} {
		if !strings.Contains(v, w) {
			t.Errorf("footer %q lacks %q", v, w)
		}
	}
	f.send(tuitest.Key("?"))
	if v := ansi.Strip(f.m.footerView()); !strings.Contains(v, "ctrl+c quit") {
		t.Errorf("full help %q lacks ctrl+c", v)
	}
}

func tuitestSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func itoa(n int) string { return strconv.Itoa(n) }

func TestFooterWhileTyping(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	f.connect.typing = true
	v := ansi.Strip(f.m.footerView())
	if strings.Contains(v, "q quit") || strings.Contains(v, "? full help") || !strings.Contains(v, "ctrl+c quit") {
		t.Errorf("while typing the footer should offer only ctrl+c: %q", v)
	}
}

// messages runs cmd and the commands of its batches, in order, on the
// test's goroutine, and returns their messages.
func messages(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	}
	var out []tea.Msg
	for _, c := range batch {
		out = append(out, messages(c)...)
	}
	return out
}

// TestStepChangeDoesNotWaitForTheStore checks that a store waiting for its
// file lock (another seats holds it) cannot freeze the screen: Update
// returns at once and the save runs in the command.
func TestStepChangeDoesNotWaitForTheStore(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	waiting, release := f.progress.holdNextSave()
	t.Cleanup(release)

	type result struct {
		m   tea.Model
		cmd tea.Cmd
	}
	done := make(chan result, 1)
	go func(m Model) {
		next, cmd := m.Update(common.NextMsg{From: common.ScreenConnect})
		done <- result{next, cmd}
	}(f.m)
	var r result
	select {
	case r = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Update waited for the store: the screen froze while saving")
	}
	f.m = r.m.(Model)
	if f.m.Current() != common.ScreenConsent {
		t.Fatalf("current %v, want consent at once", f.m.Current())
	}
	if f.progress.count() != 0 {
		t.Fatal("the save ran inside Update")
	}

	msgs := make(chan []tea.Msg, 1)
	go func() { msgs <- messages(r.cmd) }()
	<-waiting
	release()
	for _, msg := range <-msgs {
		f.sendAll(msg)
	}
	if got := f.progress.last(); got.Current != "consent" || !slices.Equal(got.Done, []string{"connect"}) {
		t.Errorf("saved %+v", got)
	}
	if f.m.Err() != nil || f.m.errbox.Visible() {
		t.Errorf("a save that worked reported %v", f.m.Err())
	}
}

// TestLateSaveDoesNotOverwriteNewer runs the saves of two step changes in
// the wrong order: the older one must not replace the newer progress.
func TestLateSaveDoesNotOverwriteNewer(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	older := f.send(common.NextMsg{From: common.ScreenConnect}) // saves consent
	newer := f.send(common.BackMsg{From: common.ScreenConsent}) // saves connect
	for _, msg := range messages(newer) {
		f.sendAll(msg)
	}
	for _, msg := range messages(older) {
		f.sendAll(msg)
	}
	if got := f.progress.last(); got.Current != "connect" {
		t.Errorf("saved %+v: the older save overwrote the newer one", got)
	}
	if n := f.progress.count(); n != 1 {
		t.Errorf("%d saves reached the store, want only the newer one", n)
	}
}

// TestSavesReachTheStoreOneAtATime holds the first save in the store while
// the second starts: the second must wait, so the newer progress is last.
func TestSavesReachTheStoreOneAtATime(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	older := f.send(common.NextMsg{From: common.ScreenConnect})
	newer := f.send(common.BackMsg{From: common.ScreenConsent})
	waiting, release := f.progress.holdNextSave()
	t.Cleanup(release)

	olderDone, newerDone := make(chan []tea.Msg, 1), make(chan []tea.Msg, 1)
	go func() { olderDone <- messages(older) }()
	select {
	case <-waiting:
	case <-time.After(2 * time.Second):
		t.Fatal("the older save never reached the store from its command")
	}
	go func() { newerDone <- messages(newer) }()
	select {
	case <-newerDone:
		t.Fatal("the newer save did not wait for the older one still in the store")
	case <-time.After(50 * time.Millisecond):
	}
	release()
	for _, msg := range append(<-olderDone, <-newerDone...) {
		f.sendAll(msg)
	}
	if got := f.progress.last(); got.Current != "connect" {
		t.Errorf("saved %+v, want the newer progress", got)
	}
}

// TestQuitSavesBeforeEndingAndWinsOverPendingSaves quits while the save of
// a step change has not run yet: quitting saves at once, and the pending
// save, run late, changes nothing.
func TestQuitSavesBeforeEndingAndWinsOverPendingSaves(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	pending := f.send(common.NextMsg{From: common.ScreenConnect})
	if f.progress.count() != 0 {
		t.Fatal("the step change saved inside Update")
	}
	f.send(tuitest.Key("q"))
	if got := f.progress.last(); got.Current != "consent" || f.progress.count() != 1 {
		t.Fatalf("quit did not save before returning: %+v (%d saves)", got, f.progress.count())
	}
	for _, msg := range messages(pending) {
		if _, ok := msg.(progressSavedMsg); ok {
			t.Errorf("the save pending at quit still ran: %#v", msg)
		}
	}
	if n := f.progress.count(); n != 1 {
		t.Errorf("%d saves, want the one of quitting", n)
	}
}

// TestOlderSaveResultIgnored: a failure of an older save, arriving after a
// newer save worked, is not the progress's state.
func TestOlderSaveResultIgnored(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{})
	f.sendAll(progressSavedMsg{seq: 2, screen: common.ScreenConnect})
	f.sendAll(progressSavedMsg{seq: 1, screen: common.ScreenConnect, err: store.ErrBusy})
	if f.m.Err() != nil || f.m.errbox.Visible() {
		t.Errorf("a late failure of an older save was reported: %v", f.m.Err())
	}
}

// TestCopyWaitsForTheFrame: the OSC 52 copy runs in a command while the
// renderer may be writing a frame to the same output; it must wait for the
// frame rather than land inside it.
func TestCopyWaitsForTheFrame(t *testing.T) {
	t.Parallel()
	w := tuitest.NewHeldWriter()
	t.Cleanup(w.Release)
	base := common.New(context.Background(), common.Deps{Progress: &fakeProgress{}}, w)
	c, cancel := rootCommon(base)
	t.Cleanup(cancel)
	m := newModel(c, cancel, &fakeScreen{id: common.ScreenConnect}, &fakeScreen{id: common.ScreenConsent})
	_, cmd := m.Update(common.CopyMsg{Text: "HKQ7T2RLM", What: "Code"})
	if cmd == nil {
		t.Fatal("no copy command")
	}

	go func() { _, _ = c.Output.Write([]byte("[frame]")) }() // the renderer, through tea.WithOutput(c.Output)
	<-w.Writing
	copied := make(chan tea.Msg, 1)
	go func() { copied <- cmd() }()
	select {
	case <-copied:
		t.Fatal("the copy wrote to the terminal while a frame was being written")
	case <-time.After(50 * time.Millisecond):
	}
	w.Release()
	msg := <-copied
	if st, ok := msg.(common.StatusMsg); !ok || st.Text != "Code sent to your terminal's clipboard (OSC 52)" {
		t.Errorf("copy answered %#v", msg)
	}
	want := "[frame]\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("HKQ7T2RLM")) + "\x07"
	if got := w.String(); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if w.Overlapped() {
		t.Error("the copy and the frame were written at once")
	}
}

// TestRootWithoutOutput: tests and callers may build the root without an
// output; copying is then off and nothing breaks.
func TestRootWithoutOutput(t *testing.T) {
	t.Parallel()
	c, cancel := rootCommon(common.New(context.Background(), common.Deps{}, nil))
	t.Cleanup(cancel)
	m := newModel(c, cancel, &fakeScreen{id: common.ScreenConnect})
	if _, cmd := m.Update(common.CopyMsg{Text: "x", What: "Code"}); cmd != nil {
		t.Error("a copy without an output should do nothing")
	}
	if _, cmd := m.Update(common.NextMsg{From: common.ScreenConnect}); cmd == nil {
		t.Error("without a store the step still ends with its status")
	}
}

// guardScreen is a fakeScreen with work that quitting would stop.
type guardScreen struct {
	*fakeScreen
	warning string
}

func (g *guardScreen) QuitWarning() string { return g.warning }

// TestLettersReadTogetherEachCount: "jj" arriving in one read reaches the
// screen as two j presses; once a letter gives a text input the focus, the
// rest arrive as text.
func TestLettersReadTogetherEachCount(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{Current: "connect"})
	f.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	var singles int
	for _, m := range f.connect.msgs {
		if k, ok := m.(tea.KeyMsg); ok && k.String() == "j" {
			singles++
		}
	}
	if singles != 2 {
		t.Fatalf("the screen got %d single j presses, want 2: %v", singles, f.connect.msgs)
	}
	f.connect.typing = true
	f.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("qq")})
	if f.m.quitting || !f.connect.got(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("qq")}) {
		t.Fatal("while typing, letters read together are text for the input")
	}
}

// TestQAsksWhileWorkRuns: q with a bulk consent running asks first; any
// other key keeps working, y quits.
func TestQAsksWhileWorkRuns(t *testing.T) {
	t.Parallel()
	p := &fakeProgress{}
	base, _ := tuitest.NewCommon(t, common.Deps{Progress: p})
	c, cancel := rootCommon(base)
	t.Cleanup(cancel)
	g := &guardScreen{fakeScreen: &fakeScreen{id: common.ScreenConnect}, warning: "A bulk consent is running (3 of 40 done)."}
	m := newModel(c, cancel, g)
	m.Init()
	next, cmd := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = next.(Model)
	next, cmd = m.Update(tuitest.Key("q"))
	m = next.(Model)
	if cmd != nil || m.quitting || !strings.Contains(ansi.Strip(m.View()), "Quit? y quits") {
		t.Fatalf("q quit without asking:\n%s", ansi.Strip(m.View()))
	}
	next, _ = m.Update(tuitest.Key("n"))
	m = next.(Model)
	if m.quitting || strings.Contains(ansi.Strip(m.View()), "Quit? y quits") {
		t.Fatal("n should keep working")
	}
	next, _ = m.Update(tuitest.Key("q"))
	m = next.(Model)
	next, cmd = m.Update(tuitest.Key("y"))
	m = next.(Model)
	if cmd == nil || !m.quitting {
		t.Fatal("y should quit")
	}
	g.warning = ""
	m2 := newModel(c, cancel, g)
	if _, cmd := m2.Update(tuitest.Key("q")); cmd == nil {
		t.Fatal("with nothing running q quits at once")
	}
}

// TestNoticesShowInsideTheWizard: lines printed before the wizard took the
// screen are shown in it until a key is pressed.
func TestNoticesShowInsideTheWizard(t *testing.T) {
	t.Parallel()
	base, _ := tuitest.NewCommon(t, common.Deps{Notices: []string{"warning: no OS keyring; secrets go to /home/x/secrets"}})
	c, cancel := rootCommon(base)
	t.Cleanup(cancel)
	conn := &fakeScreen{id: common.ScreenConnect}
	m := newModel(c, cancel, conn)
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = next.(Model)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "no OS keyring") {
		t.Fatalf("the notice is not shown:\n%s", v)
	}
	next, _ = m.Update(tuitest.Key("j"))
	m = next.(Model)
	if v := ansi.Strip(m.View()); strings.Contains(v, "no OS keyring") || !conn.got(tuitest.Key("j")) {
		t.Fatalf("a key should dismiss the notice and still count:\n%s", v)
	}
}

// TestFullHelpFitsEightyColumns: the full help wraps its groups into rows
// instead of cutting the ones that do not fit.
func TestFullHelpFitsEightyColumns(t *testing.T) {
	t.Parallel()
	f := newRoot(t, store.WizardProgress{Current: "connect"})
	f.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	k := func(keys, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, help))
	}
	groups := [][]key.Binding{
		{k("up", "move up one row"), k("down", "move down one row"), k("pgup", "page up")},
		{k("/", "search by name, domain or id"), k("f", "filter by state"), k("s", "sort")},
		{k("c", "consent the selected customer"), k("a", "consent every eligible customer")},
		{k("enter", "continue to the next step"), k("shift+tab", "back")},
	}
	v := ansi.Strip(f.m.fullHelpView(groups))
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
	for _, w := range []string{"move up one row", "search by name", "consent every eligible customer", "continue to the next step"} {
		if !strings.Contains(v, w) {
			t.Errorf("full help at 80 columns lacks %q:\n%s", w, v)
		}
	}
}

// todoScreen records ShowToDo.
type todoScreen struct {
	*fakeScreen
	todo bool
}

func (s *todoScreen) ShowToDo() { s.todo = true }

// TestSetUpHomeOpensOnTheSummary: once the settings were saved, seats opens
// on the summary, which opens a step (narrowed to what needs a person).
func TestSetUpHomeOpensOnTheSummary(t *testing.T) {
	t.Parallel()
	p := &fakeProgress{saved: store.WizardProgress{Current: "licences", Done: []string{"distributor", "connect", "consent", "accounts", "products", "settings"}}}
	base, _ := tuitest.NewCommon(t, common.Deps{Progress: p})
	c, cancel := rootCommon(base)
	t.Cleanup(cancel)
	accounts := &todoScreen{fakeScreen: &fakeScreen{id: common.ScreenAccounts}}
	m := newModel(c, cancel, &fakeScreen{id: common.ScreenSettings}, accounts,
		&fakeScreen{id: common.ScreenLicences}, &fakeScreen{id: common.ScreenSummary})
	if m.Current() != common.ScreenSummary {
		t.Fatalf("a set-up home opens on %v, want the summary", m.Current())
	}
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = next.(Model)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "body of summary") {
		t.Fatalf("view:\n%s", v)
	}
	next, _ = m.Update(common.OpenStepMsg{Step: common.ScreenAccounts, ToDo: true})
	m = next.(Model)
	if m.Current() != common.ScreenAccounts || !accounts.todo || accounts.inits != 1 {
		t.Errorf("open: current %v, todo %v, inits %d", m.Current(), accounts.todo, accounts.inits)
	}
	// A home not set up yet resumes where it was.
	p2 := &fakeProgress{saved: store.WizardProgress{Current: "accounts", Done: []string{"distributor", "connect", "consent"}}}
	base2, _ := tuitest.NewCommon(t, common.Deps{Progress: p2})
	c2, cancel2 := rootCommon(base2)
	t.Cleanup(cancel2)
	m2 := newModel(c2, cancel2, &fakeScreen{id: common.ScreenAccounts}, &fakeScreen{id: common.ScreenSummary})
	if m2.Current() != common.ScreenAccounts {
		t.Errorf("a home mid-setup opens on %v", m2.Current())
	}
}
