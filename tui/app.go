// Package tui is the seats wizard: one root model that knows every step in
// order, shows the stepper header, the active screen, one error box, the
// status bar and the footer of keys, and moves between steps only when the
// screen's gate passes. Progress is saved in the store on every step change
// (in a command, so a busy store never freezes the screen) and on quit
// (before the program ends), so that running seats again resumes at the
// same step.
//
// Routing follows a fixed order (see Update): ctrl+c always quits; q and ?
// only when no text input has focus; window sizes reach every screen;
// results of background work reach the screen that asked, in front or not;
// everything else goes to the screen in front.
package tui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/errorbox"
	"github.com/seats-msp/seats/tui/components/sourceform"
	"github.com/seats-msp/seats/tui/components/statusbar"
	"github.com/seats-msp/seats/tui/components/stepper"
	"github.com/seats-msp/seats/tui/screens/connect"
	"github.com/seats-msp/seats/tui/screens/consent"
)

// Model is the root of the wizard. It is a tea.Model; run it with
// NewProgram or Run, or with tea.NewProgram(tui.New(c, o), tea.WithAltScreen(),
// c.ProgramOutput()): the program must draw to c.Output, whose lock the
// clipboard copies share.
type Model struct {
	c      *common.Common
	cancel context.CancelFunc

	steps   []common.ScreenID
	screens map[common.ScreenID]common.Screen // only the steps that landed
	current common.ScreenID
	done    map[common.ScreenID]bool
	started map[common.ScreenID]bool

	width, height int
	bodyW, bodyH  int

	errbox  errorbox.Model
	status  statusbar.Model
	help    help.Model
	saver   *progressSaver
	saveErr error
	// answered is the sequence number of the newest save whose result
	// came back: an older save's result arriving late is not news.
	answered uint64
	quitting bool
	// confirmQuit is what quitting would stop, while the root asks whether
	// to quit anyway; "" when not asking.
	confirmQuit string
	// notices are the lines printed before the wizard took the screen; they
	// show until a key is pressed.
	notices []string
	// panelShort shrinks the "what's next" panel to one line: shrinkAfter
	// after the step was done, or at once when resumed done.
	panelShort  bool
	shrinkAfter time.Duration
}

// panelShrinkAfter is how long the "what's next" panel shows whole.
const panelShrinkAfter = 5 * time.Second

// panelShrinkMsg shrinks the "what's next" panel.
type panelShrinkMsg struct{}

// Options are the wizard's dependencies beyond common.Deps: the connect
// forms of the chosen distributor and PSA, and the screens of the other
// steps, each built with the root's Common (whose context quitting
// cancels). cmd/seats builds them from the real connectors and the store;
// a zero Options gives the Microsoft steps only.
type Options struct {
	Sources func() []sourceform.Options
	Screens []func(c *common.Common) common.Screen
}

// New builds the wizard with Connect, Customers & consent and the screens
// of o, and resumes from the progress saved in the store.
func New(c *common.Common, o Options) Model {
	cc, cancel := rootCommon(c)
	screens := []common.Screen{connect.New(cc, o.Sources), consent.New(cc)}
	for _, build := range o.Screens {
		screens = append(screens, build(cc))
	}
	return newModel(cc, cancel, screens...)
}

// rootCommon copies c with a context of the root's own, from which every
// screen derives its contexts, so that quitting cancels all their work.
func rootCommon(c *common.Common) (*common.Common, context.CancelFunc) {
	cc := *c
	if cc.Ctx == nil {
		cc.Ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(cc.Ctx)
	cc.Ctx = ctx
	return &cc, cancel
}

// newModel builds the root around the given screens, which must have been
// built with c. Steps without a screen are shown as coming soon and cannot
// be entered. cancel cancels c.Ctx.
func newModel(c *common.Common, cancel context.CancelFunc, screens ...common.Screen) Model {
	m := Model{
		c:       c,
		cancel:  cancel,
		steps:   common.Steps(),
		screens: map[common.ScreenID]common.Screen{},
		done:    map[common.ScreenID]bool{},
		started: map[common.ScreenID]bool{},
		errbox:  errorbox.New(c.Styles, c.Keys.Dismiss),
		status:  statusbar.New(c.Styles),
		help:    help.New(),
		saver:   &progressSaver{progress: c.Deps.Progress},
		notices: c.Deps.Notices,
		// Resumed on a finished step: the one-line panel is enough.
		panelShort:  true,
		shrinkAfter: panelShrinkAfter,
	}
	m.errbox.SetDebug(c.Deps.Debug)
	m.errbox.SetHint(c.Hint)
	m.help.Styles = c.Styles.Help
	for _, s := range screens {
		m.screens[s.ID()] = s
	}
	m.resume()
	return m
}

// resume loads the saved progress: the saved step if it can be entered,
// else the first step that can be entered and is not done.
func (m *Model) resume() {
	var saved store.WizardProgress
	if m.c.Deps.Progress != nil {
		p, err := m.c.Deps.Progress.WizardProgress()
		if err != nil {
			m.errbox.Set(common.ErrMsg{Op: "Load the saved progress", Err: err})
		} else {
			saved = p
		}
	}
	for _, s := range saved.Done {
		if id, ok := common.ParseStep(s); ok {
			m.done[id] = true
		}
	}
	// A home set up before (its settings saved) opens on the summary: what
	// changed since, and what still needs a person.
	if m.done[common.ScreenSettings] && m.enterable(common.ScreenSummary) {
		m.current = common.ScreenSummary
		return
	}
	if id, ok := common.ParseStep(saved.Current); ok && m.enterable(id) {
		m.current = id
		return
	}
	for _, id := range m.steps {
		if m.enterable(id) && !m.done[id] {
			m.current = id
			return
		}
	}
	// Everything that can be entered is done: stay on the last of them.
	for _, id := range m.steps {
		if m.enterable(id) {
			m.current = id
		}
	}
}

// enterable reports whether a step has landed in this version.
func (m *Model) enterable(id common.ScreenID) bool {
	_, ok := m.screens[id]
	return ok
}

// Current returns the step in front.
func (m Model) Current() common.ScreenID { return m.current }

// Done reports whether a step's gate passed.
func (m Model) Done(id common.ScreenID) bool { return m.done[id] }

// Err returns the last failure to save progress, so that the caller can
// report it after the program ended (the screen is gone by then).
func (m Model) Err() error { return m.saveErr }

// Init starts the screen in front.
func (m Model) Init() tea.Cmd {
	return m.enter(m.current)
}

// enter runs a screen's Init the first time it comes to front.
func (m *Model) enter(id common.ScreenID) tea.Cmd {
	s, ok := m.screens[id]
	if !ok || m.started[id] {
		return nil
	}
	m.started[id] = true
	return s.Init()
}

// Update routes one message; see the package doc for the order.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.route(msg)
	m.layout()
	return m, cmd
}

func (m *Model) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		m.bodyW, m.bodyH = -1, -1 // force SetSize on every screen
		return nil
	case common.SourcesChangedMsg:
		return m.toScreen(common.ScreenConnect, msg)
	case common.OpenStepMsg:
		return m.open(msg)
	case common.ScreenMsg:
		return m.toScreen(msg.To, msg.Msg)
	case common.ErrMsg:
		m.errbox.Set(msg)
		return m.toScreen(msg.Screen, msg)
	case common.NextMsg:
		return m.next(msg.From)
	case common.BackMsg:
		return m.back(msg.From)
	case common.CopyMsg:
		return m.copy(msg)
	case progressSavedMsg:
		return m.saved(msg)
	case panelShrinkMsg:
		m.panelShort = true
		return nil
	case common.TaskStartMsg, common.TaskProgressMsg, common.TaskDoneMsg,
		common.StatusMsg, statusbar.ClearMsg, spinner.TickMsg:
		var cmd tea.Cmd
		m.status, cmd = m.status.Update(msg)
		return cmd
	}
	return m.toScreen(m.current, msg)
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	keys := m.c.Keys
	if key.Matches(msg, keys.ForceQuit) {
		return m.quit()
	}
	if m.confirmQuit != "" {
		// Asking whether to quit: y (or q again) quits, anything else
		// goes back to the work.
		m.confirmQuit = ""
		if s := msg.String(); s == "y" || s == "Y" || key.Matches(msg, keys.Quit) {
			return m.quit()
		}
		return common.Status(common.LevelInfo, "Not quitting; the work goes on")
	}
	if len(m.notices) > 0 {
		// Like the error box: esc only closes the notices, any other key
		// closes them and still counts.
		m.notices = nil
		if key.Matches(msg, keys.Dismiss) {
			return nil
		}
	}
	if m.errbox.HandleKey(msg) {
		return nil
	}
	active := m.screens[m.current]
	typing := active != nil && active.Typing()
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !typing {
		return m.splitKeys(msg)
	}
	if !typing {
		switch {
		case key.Matches(msg, keys.Quit):
			if g, ok := active.(common.QuitGuard); ok {
				if warning := g.QuitWarning(); warning != "" {
					m.confirmQuit = warning
					return nil
				}
			}
			return m.quit()
		case key.Matches(msg, keys.Help):
			m.help.ShowAll = !m.help.ShowAll
			return nil
		}
	}
	return m.toScreen(m.current, msg)
}

// splitKeys handles letters that arrived together in one read ("jj" typed
// fast, or over SSH) one at a time, so that each counts. Once a letter
// gives a text input the focus (/ starts a search), the rest are text.
func (m *Model) splitKeys(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if s := m.screens[m.current]; s != nil && s.Typing() {
			rest := msg
			rest.Runes = msg.Runes[i:]
			cmds = append(cmds, m.toScreen(m.current, rest))
			break
		}
		one := msg
		one.Runes = []rune{r}
		cmds = append(cmds, m.handleKey(one))
		if m.quitting {
			break
		}
	}
	return tea.Batch(cmds...)
}

// toScreen hands msg to one screen, in front or not.
func (m *Model) toScreen(id common.ScreenID, msg tea.Msg) tea.Cmd {
	s, ok := m.screens[id]
	if !ok {
		return nil
	}
	s, cmd := s.Update(msg)
	m.screens[id] = s
	return cmd
}

// open brings a step to the front at the summary's request, narrowed to
// what still needs a person when asked.
func (m *Model) open(msg common.OpenStepMsg) tea.Cmd {
	if !m.enterable(msg.Step) {
		return common.Status(common.LevelInfo, msg.Step.Title()+" comes in a later version")
	}
	m.current = msg.Step
	cmd := m.enter(msg.Step)
	if t, ok := m.screens[msg.Step].(common.ToDoShower); ok && msg.ToDo {
		t.ShowToDo()
	}
	return tea.Batch(m.save(""), cmd)
}

// next moves forward from the screen from once its gate passes. The next
// step that can be entered comes to front; when the rest are coming soon,
// the step stays in front, done, with the "what's next" panel.
func (m *Model) next(from common.ScreenID) tea.Cmd {
	s, ok := m.screens[from]
	if !ok || from != m.current {
		return nil // a stale request from a screen no longer in front
	}
	if err := s.Gate(); err != nil {
		return common.Status(common.LevelWarning, err.Error())
	}
	wasDone := m.done[from]
	m.done[from] = true
	for _, id := range m.stepsAfter(from) {
		if m.enterable(id) {
			m.current = id
			return tea.Batch(m.save(""), m.enter(id))
		}
	}
	if wasDone {
		return m.save("")
	}
	m.panelShort = false
	shrink := tea.Tick(m.shrinkAfter, func(time.Time) tea.Msg { return panelShrinkMsg{} })
	return tea.Batch(m.save(from.Title()+" done; progress saved"), shrink)
}

// back moves to the previous step that can be entered.
func (m *Model) back(from common.ScreenID) tea.Cmd {
	if from != m.current {
		return nil
	}
	before := m.stepsBefore(from)
	for i := len(before) - 1; i >= 0; i-- {
		if m.enterable(before[i]) {
			m.current = before[i]
			return tea.Batch(m.save(""), m.enter(before[i]))
		}
	}
	return common.Status(common.LevelInfo, from.Title()+" is the first step in this version of seats")
}

func (m *Model) stepsAfter(id common.ScreenID) []common.ScreenID {
	i := slices.Index(m.steps, id)
	if i < 0 {
		return nil
	}
	return m.steps[i+1:]
}

func (m *Model) stepsBefore(id common.ScreenID) []common.ScreenID {
	i := slices.Index(m.steps, id)
	if i < 0 {
		return nil
	}
	return m.steps[:i]
}

// finished reports whether the step in front is done and every later step
// is still coming: then the "what's next" panel shows.
func (m *Model) finished() bool {
	if !m.done[m.current] {
		return false
	}
	for _, id := range m.stepsAfter(m.current) {
		if m.enterable(id) {
			return false
		}
	}
	return true
}

// progress is the wizard's position as the store keeps it.
func (m *Model) progress() store.WizardProgress {
	p := store.WizardProgress{Current: m.current.String(), UpdatedAt: m.c.Now().UTC()}
	for _, id := range m.steps {
		if m.done[id] {
			p.Done = append(p.Done, id.String())
		}
	}
	return p
}

// save returns a command that writes the progress to the store. It runs
// in a command, not in Update: the store may wait seconds for its file
// lock when another seats holds it, and the screen must not freeze
// meanwhile. The position is taken now; the result comes back as
// progressSavedMsg, and note, if any, is said once the save worked.
func (m *Model) save(note string) tea.Cmd {
	if m.c.Deps.Progress == nil {
		if note == "" {
			return nil
		}
		return common.Status(common.LevelSuccess, note)
	}
	saver, p, screen := m.saver, m.progress(), m.current
	seq := saver.ticket()
	return func() tea.Msg {
		written, err := saver.write(seq, p)
		if !written && err == nil {
			return nil // a newer save came first; its result is what counts
		}
		return progressSavedMsg{seq: seq, screen: screen, err: err, note: note}
	}
}

// saved takes the result of a save. Failures go to the error box and to
// Err, as the newest word on whether the progress is kept.
func (m *Model) saved(msg progressSavedMsg) tea.Cmd {
	if msg.seq < m.answered {
		return nil
	}
	m.answered = msg.seq
	if msg.err != nil {
		m.saveErr = msg.err
		return common.ReportError(msg.screen, "Save the wizard's progress", msg.err)
	}
	m.saveErr = nil
	if msg.note == "" {
		return nil
	}
	return common.Status(common.LevelSuccess, msg.note)
}

// saveNow writes the progress before returning: quitting must not end the
// program before the progress is kept. It waits for a save still running.
func (m *Model) saveNow() {
	if m.c.Deps.Progress == nil {
		return
	}
	seq := m.saver.ticket()
	_, err := m.saver.write(seq, m.progress())
	m.answered = seq
	m.saveErr = err
}

// quit saves progress, cancels every running call and ends the program.
func (m *Model) quit() tea.Cmd {
	m.saveNow()
	m.cancel()
	m.quitting = true
	return tea.Quit
}

// progressSavedMsg is the result of a save started by save.
type progressSavedMsg struct {
	seq    uint64
	screen common.ScreenID // in front when the save started
	err    error
	note   string
}

// progressSaver writes the progress one save at a time, and never lets an
// older save overwrite a newer one: save commands run on goroutines of
// their own and may reach the store in any order.
type progressSaver struct {
	progress common.Progress
	issued   atomic.Uint64 // the last sequence number handed out

	mu        sync.Mutex // held while writing
	attempted uint64     // the newest save that reached the store
}

// ticket numbers a save; take it in Update, in the order of the changes.
func (s *progressSaver) ticket() uint64 { return s.issued.Add(1) }

// write saves p unless a newer save already reached the store. written is
// false when it skipped p.
func (s *progressSaver) write(seq uint64, p store.WizardProgress) (written bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq < s.attempted {
		return false, nil
	}
	s.attempted = seq
	return true, s.progress.SaveWizardProgress(p)
}

// copy writes text to the clipboard with OSC 52. Inside tmux it sends the
// sequence both plainly (tmux with set-clipboard on takes it) and wrapped
// for passthrough (tmux with allow-passthrough on forwards it).
func (m *Model) copy(msg common.CopyMsg) tea.Cmd {
	out, mux := m.c.Output, m.c.Multiplexer
	if out == nil {
		return nil
	}
	return func() tea.Msg {
		seqs := []osc52.Sequence{osc52.New(msg.Text)}
		switch mux {
		case "tmux":
			seqs = append(seqs, osc52.New(msg.Text).Tmux())
		case "screen":
			seqs = []osc52.Sequence{osc52.New(msg.Text).Screen()}
		}
		for _, s := range seqs {
			if _, err := s.WriteTo(out); err != nil {
				return common.StatusMsg{Level: common.LevelWarning, Text: "Could not send it to the clipboard: select the text instead"}
			}
		}
		// Whether the terminal took the sequence cannot be known: say what
		// was done, not that the clipboard holds it.
		return common.StatusMsg{Level: common.LevelInfo, Text: msg.What + " sent to your terminal's clipboard (OSC 52)"}
	}
}

// layout gives every screen the body size: the terminal minus the header,
// the "what's next" panel, the error box, the status bar and the footer.
// It runs after every message because those heights change with content.
func (m *Model) layout() {
	if m.width == 0 && m.height == 0 {
		return
	}
	used := lipgloss.Height(m.headerView())
	for _, part := range m.belowBody() {
		if part != "" {
			used += lipgloss.Height(part)
		}
	}
	used += lipgloss.Height(m.footerView())
	w, h := m.width, max(0, m.height-used)
	if w == m.bodyW && h == m.bodyH {
		return
	}
	m.bodyW, m.bodyH = w, h
	for _, s := range m.screens {
		s.SetSize(w, h)
	}
}

// View draws the wizard.
func (m Model) View() string {
	if m.quitting {
		return ""
	}
	parts := []string{m.headerView(), m.bodyView()}
	for _, p := range m.belowBody() {
		if p != "" {
			parts = append(parts, p)
		}
	}
	parts = append(parts, m.footerView())
	return strings.Join(parts, "\n")
}

func (m Model) headerView() string {
	steps := make([]stepper.Step, 0, len(m.steps))
	for _, id := range m.steps {
		st := stepper.Todo
		switch {
		case !m.enterable(id):
			st = stepper.Soon
		case id == m.current:
			st = stepper.Current
		case m.done[id]:
			st = stepper.Done
		}
		steps = append(steps, stepper.Step{ID: id, State: st})
	}
	return stepper.View(m.c.Styles, steps, m.width, m.c.Deps.Sandbox)
}

// bodyView is the screen in front, cut to the body size so that the status
// bar and footer never move off screen.
func (m Model) bodyView() string {
	s, ok := m.screens[m.current]
	if !ok || m.bodyH <= 0 {
		return ""
	}
	lines := strings.Split(s.View(), "\n")
	if len(lines) > m.bodyH {
		lines = lines[:m.bodyH]
	}
	for i, l := range lines {
		if m.bodyW > 0 && ansi.StringWidth(l) > m.bodyW {
			lines[i] = ansi.Truncate(l, m.bodyW, "…")
		}
	}
	for len(lines) < m.bodyH {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// belowBody are the parts between the body and the footer, in order:
// the "what's next" panel, the notices, the error box, the quit question
// and the status bar. Empty parts take no line.
func (m Model) belowBody() []string {
	return []string{m.nextPanelView(), m.noticesView(), m.errbox.View(m.width), m.confirmQuitView(), m.status.View(m.width)}
}

// nextPanelView says what comes after the last step of this version: in a
// panel while the step is fresh, then in one line, so that it stops taking
// the table's room.
func (m Model) nextPanelView() string {
	if !m.finished() {
		return ""
	}
	st := m.c.Styles
	var coming []string
	for _, id := range m.stepsAfter(m.current) {
		coming = append(coming, id.Title())
	}
	if m.panelShort {
		line := st.Good.Render("✓ "+m.current.Title()+" done") +
			st.Muted.Render(" · "+joinAnd(coming)+" come in later versions; progress saved")
		return ansi.Truncate(line, max(1, m.width), "…")
	}
	text := st.Good.Render("✓ "+m.current.Title()+" is done.") + " " +
		st.Text.Render("Next come "+joinAnd(coming)+": they arrive in later versions of seats. "+
			"Your progress is saved; run seats again any time to continue from here.")
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	return st.Panel.Width(m.width - st.Panel.GetHorizontalBorderSize()).Render(st.Plain.Width(inner).Render(text))
}

// noticesView shows what seats printed before the wizard took the screen.
func (m Model) noticesView() string {
	if len(m.notices) == 0 {
		return ""
	}
	st := m.c.Styles
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	lines := make([]string, 0, len(m.notices)+1)
	for _, n := range m.notices {
		lines = append(lines, st.Plain.Width(inner).Render(st.Warn.Render("! ")+st.Text.Render(n)))
	}
	lines = append(lines, st.Muted.Render("esc dismisses · any other key dismisses and goes on"))
	return st.Panel.Width(m.width - st.Panel.GetHorizontalBorderSize()).Render(strings.Join(lines, "\n"))
}

// confirmQuitView asks whether to quit while work is running.
func (m Model) confirmQuitView() string {
	if m.confirmQuit == "" {
		return ""
	}
	st := m.c.Styles
	line := st.Warn.Render("! "+m.confirmQuit+" Quit? ") + st.Key.Render("y") + st.Text.Render(" quits, any other key goes on")
	return st.Plain.Width(max(1, m.width)).Render(line)
}

func (m Model) footerView() string {
	keys := m.c.Keys
	s, ok := m.screens[m.current]
	if m.help.ShowAll {
		var groups [][]key.Binding
		if ok {
			groups = s.FullHelp()
		}
		groups = append(groups, []key.Binding{keys.Help, keys.Quit, keys.ForceQuit})
		return m.fullHelpView(groups)
	}
	// The screen's keys come first and get the line; the global ones
	// shrink to "? more" and "q quit", and ? lists whatever did not fit.
	h := m.help
	globals := []key.Binding{moreKey(keys.Help), keys.Quit}
	if ok && s.Typing() {
		// q and ? are text while typing; only ctrl+c still quits.
		globals = []key.Binding{keys.ForceQuit}
	}
	global := h.ShortHelpView(globals)
	if !ok {
		return global
	}
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	h.Width = max(0, m.width-lipgloss.Width(global)-lipgloss.Width(sep))
	local := h.ShortHelpView(s.ShortHelp())
	if local == "" {
		return global
	}
	return local + sep + global
}

// moreKey is the help key as the footer shows it: "? more".
func moreKey(help key.Binding) key.Binding {
	k := help
	k.SetHelp(help.Help().Key, "more")
	return k
}

// fullHelpView lays the key groups out side by side while they fit the
// width, then starts a new row, so that no group is cut at 80 columns.
func (m Model) fullHelpView(groups [][]key.Binding) string {
	h := m.help
	h.Width = 0 // measure whole; rows are made to fit below
	var rows []string
	var row [][]key.Binding
	for _, g := range groups {
		try := append(append([][]key.Binding(nil), row...), g)
		if len(row) > 0 && m.width > 0 && lipgloss.Width(h.FullHelpView(try)) > m.width {
			rows = append(rows, h.FullHelpView(row))
			row = [][]key.Binding{g}
			continue
		}
		row = try
	}
	if len(row) > 0 {
		rows = append(rows, h.FullHelpView(row))
	}
	var out []string
	for _, r := range rows {
		if r != "" {
			out = append(out, r)
		}
	}
	return strings.Join(out, "\n")
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return "more steps"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// NewProgram builds the wizard's program: alternate screen, c.Ctx as its
// context, opts, and last c.ProgramOutput(), so that the program always
// draws to c.Output through the lock that the clipboard copies share (an
// output in opts is overridden when c.Output is set).
func NewProgram(c *common.Common, o Options, opts ...tea.ProgramOption) *tea.Program {
	// Focus reports let a screen reload what another seats changed while
	// the terminal was elsewhere.
	all := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(c.Ctx), tea.WithReportFocus()}
	all = append(all, opts...)
	all = append(all, c.ProgramOutput())
	return tea.NewProgram(New(c, o), all...)
}

// Run runs the wizard built by NewProgram until the user quits, drawing to
// c.Output (Bubble Tea's default, stdout, when nil). It returns the
// program's error, else the last failure to save progress.
func Run(c *common.Common, o Options, opts ...tea.ProgramOption) error {
	final, err := NewProgram(c, o, opts...).Run()
	if err != nil {
		return err
	}
	if m, ok := final.(Model); ok {
		return m.Err()
	}
	return nil
}
