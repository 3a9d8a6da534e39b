// Package tuitest holds the helpers of the wizard's tests: a Common with a
// fixed clock and a captured output, a Harness that runs one screen the way
// the root does, a Driver that runs commands for Update-level tests, and
// teatest helpers (fixed size, ASCII colour profile, WaitForText, goldens
// of View()).
//
// Importing it sets lipgloss to the ASCII profile, so goldens hold text
// only, whatever the terminal running the tests.
package tuitest

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/seats-msp/seats/tui/common"
)

func init() {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
}

// Golden sizes: the size goldens are taken at, and the smallest supported.
const (
	Width       = 100
	Height      = 30
	SmallWidth  = 80
	SmallHeight = 24
)

// Epoch is the fixed "now" of tests.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Clock is a settable clock for Deps.Now; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Buffer is a bytes.Buffer safe for concurrent use: the program's output.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// HeldWriter is an output whose first Write does not return until Release,
// like a large frame still being written to a slow terminal; Writing closes
// once that Write is under way. It records whether two writes ran at once.
type HeldWriter struct {
	Writing chan struct{}
	hold    chan struct{}
	once    sync.Once

	mu          sync.Mutex
	buf         bytes.Buffer
	writes      int
	inFlight    int
	maxInFlight int
}

// NewHeldWriter returns a HeldWriter; call Release (t.Cleanup too) so that
// the first Write ends.
func NewHeldWriter() *HeldWriter {
	return &HeldWriter{Writing: make(chan struct{}), hold: make(chan struct{})}
}

// Write appends p; the first call waits for Release.
func (w *HeldWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.writes++
	first := w.writes == 1
	w.inFlight++
	w.maxInFlight = max(w.maxInFlight, w.inFlight)
	w.mu.Unlock()
	if first {
		close(w.Writing)
		<-w.hold
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inFlight--
	return w.buf.Write(p)
}

// Release lets the first Write end; calling it again does nothing.
func (w *HeldWriter) Release() { w.once.Do(func() { close(w.hold) }) }

// String returns everything written so far.
func (w *HeldWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Overlapped reports whether two writes ever ran at the same time.
func (w *HeldWriter) Overlapped() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.maxInFlight > 1
}

// NewCommon returns a Common for tests: a context cancelled when the test
// ends, deps.Now set to Epoch when nil, and a Buffer as output so that
// clipboard writes can be checked.
func NewCommon(tb testing.TB, deps common.Deps) (*common.Common, *Buffer) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	if deps.Now == nil {
		deps.Now = func() time.Time { return Epoch }
	}
	out := &Buffer{}
	c := common.New(ctx, deps, out)
	c.Multiplexer = "" // tests must not depend on running inside tmux
	return c, out
}

// Key turns a key name ("enter", "esc", "up", "ctrl+c", "shift+tab", "a")
// into the message Bubble Tea sends for it. Any other string is typed as
// runes.
func Key(name string) tea.KeyMsg {
	types := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, " ": tea.KeySpace,
	}
	if t, ok := types[name]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// Harness runs one screen as a tea.Model the way the root does: window
// sizes go to SetSize, ScreenMsg is unwrapped, ErrMsg is recorded and
// delivered. It records what the screen asks of the root.
type Harness struct {
	Screen   common.Screen
	Errs     []common.ErrMsg
	Statuses []common.StatusMsg
	Copies   []common.CopyMsg
	Started  []common.TaskStartMsg
	Progress []common.TaskProgressMsg
	Ended    []common.TaskDoneMsg
	Nexts    int
	Backs    int
}

// NewHarness wraps s.
func NewHarness(s common.Screen) *Harness { return &Harness{Screen: s} }

// Init implements tea.Model.
func (h *Harness) Init() tea.Cmd { return h.Screen.Init() }

// Update implements tea.Model.
func (h *Harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.Screen.SetSize(msg.Width, msg.Height)
		return h, nil
	case common.ScreenMsg:
		return h.deliver(msg.Msg)
	case common.ErrMsg:
		h.Errs = append(h.Errs, msg)
		return h.deliver(msg)
	case common.StatusMsg:
		h.Statuses = append(h.Statuses, msg)
		return h, nil
	case common.CopyMsg:
		h.Copies = append(h.Copies, msg)
		return h, nil
	case common.TaskStartMsg:
		h.Started = append(h.Started, msg)
		return h, nil
	case common.TaskProgressMsg:
		h.Progress = append(h.Progress, msg)
		return h, nil
	case common.TaskDoneMsg:
		h.Ended = append(h.Ended, msg)
		return h, nil
	case common.NextMsg:
		h.Nexts++
		return h, nil
	case common.BackMsg:
		h.Backs++
		return h, nil
	}
	return h.deliver(msg)
}

func (h *Harness) deliver(msg tea.Msg) (tea.Model, tea.Cmd) {
	s, cmd := h.Screen.Update(msg)
	h.Screen = s
	return h, cmd
}

// View implements tea.Model.
func (h *Harness) View() string { return h.Screen.View() }

// LastStatus returns the newest status text, or "".
func (h *Harness) LastStatus() string {
	if len(h.Statuses) == 0 {
		return ""
	}
	return h.Statuses[len(h.Statuses)-1].Text
}

// Driver runs a model for Update-level tests: each command runs on its own
// goroutine, like in a program, and its message comes back to the test's
// goroutine, which alone touches the model. Until pumps those messages.
type Driver struct {
	tb    testing.TB
	model tea.Model
	msgs  chan tea.Msg
	done  chan struct{}
}

// NewDriver returns a driver of m. Commands still running when the test
// ends are abandoned; cancel their contexts (NewCommon does) so they end.
func NewDriver(tb testing.TB, m tea.Model) *Driver {
	d := &Driver{tb: tb, model: m, msgs: make(chan tea.Msg, 256), done: make(chan struct{})}
	tb.Cleanup(func() { close(d.done) })
	return d
}

// Model returns the model as it is now.
func (d *Driver) Model() tea.Model { return d.model }

// Init runs the model's Init command.
func (d *Driver) Init() { d.run(d.model.Init()) }

// Send updates the model with msg and runs the command it returns.
func (d *Driver) Send(msg tea.Msg) {
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			d.run(c)
		}
		return
	}
	m, cmd := d.model.Update(msg)
	d.model = m
	d.run(cmd)
}

// Press sends key presses by name (see Key).
func (d *Driver) Press(keys ...string) {
	for _, k := range keys {
		d.Send(Key(k))
	}
}

// Type sends each rune of s as a key press.
func (d *Driver) Type(s string) {
	for _, r := range s {
		d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (d *Driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if msg == nil {
			return
		}
		// Like a program, run a batch's commands at once rather than
		// queueing the batch behind other messages.
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				d.run(c)
			}
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

// Until handles messages from running commands until cond holds, and fails
// the test after a few seconds. what names the condition in the failure.
func (d *Driver) Until(what string, cond func() bool) {
	d.tb.Helper()
	deadline := time.After(5 * time.Second)
	// Conditions may watch fakes that change without a message: re-check
	// them on a short tick too.
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.Send(msg)
		case <-poll.C:
		case <-deadline:
			d.tb.Fatalf("timed out waiting until %s; view:\n%s", what, d.model.View())
		}
	}
}

// Drain handles the messages that arrive within d, for checking that
// nothing else happens.
func (d *Driver) Drain(wait time.Duration) {
	deadline := time.After(wait)
	for {
		select {
		case msg := <-d.msgs:
			d.Send(msg)
		case <-deadline:
			return
		}
	}
}

// NewTestModel starts m in a teatest program at width × height.
func NewTestModel(tb testing.TB, m tea.Model, width, height int) *teatest.TestModel {
	tb.Helper()
	return teatest.NewTestModel(tb, m, teatest.WithInitialTermSize(width, height))
}

// WaitForText waits until the program's output shows every text. Output is
// drained by each wait, so wait for text that is new since the last one.
func WaitForText(tb testing.TB, tm *teatest.TestModel, texts ...string) {
	tb.Helper()
	teatest.WaitFor(tb, tm.Output(), func(b []byte) bool {
		for _, t := range texts {
			if !bytes.Contains(b, []byte(t)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// FinalView quits the program and returns the final model's View.
func FinalView(tb testing.TB, tm *teatest.TestModel) string {
	tb.Helper()
	if err := tm.Quit(); err != nil {
		tb.Fatal(err)
	}
	return tm.FinalModel(tb, teatest.WithFinalTimeout(5*time.Second)).View()
}

// RequireGolden compares view with testdata/<test name>.golden; run the
// tests with -update to rewrite it. Trailing spaces are trimmed from each
// line so that editors cannot break the files.
func RequireGolden(tb testing.TB, view string) {
	tb.Helper()
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	golden.RequireEqual(tb, []byte(strings.Join(lines, "\n")+"\n"))
}
