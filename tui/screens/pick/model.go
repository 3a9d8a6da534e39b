// Package pick is the wizard's first step, "Pick your distributor and PSA":
// two lists, one of distributor kinds (what the MSP is billed for) and one of
// PSA kinds (what the MSP bills its customers), each kind with one line on
// what connecting it needs. Kinds this version cannot connect yet are listed
// as coming and cannot be chosen. A distributor must be chosen; the PSA may
// be "none for now", and the licence tables then show billed blank.
//
// The kinds come in as data (Options), so that the root lists them from the
// connectors registry; the choice is saved through an injected function run
// in a command, and the saved choice is shown again when the wizard runs
// again.
package pick

import (
	"context"
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// Kind is one distributor or PSA kind in a list.
type Kind struct {
	// Name is the value saved as distributor.kind or psa.kind ("pax8").
	Name string
	// DisplayName is the kind as people know it ("Pax8").
	DisplayName string
	// Description is one line on what connecting it needs.
	Description string
	// Available is false for kinds not built yet: they are listed as
	// coming and cannot be chosen.
	Available bool
}

// SaveFunc saves the choice. psaKind is "" for "no PSA for now". It runs in
// a command, off the UI goroutine; its error's text is shown as it is.
type SaveFunc func(distributorKind, psaKind string) error

// Options are what the screen shows and where the choice goes.
type Options struct {
	Distributors []Kind
	PSAs         []Kind
	// Distributor and PSA are the choice saved before, shown again on
	// re-run; Distributor is "" when nothing was saved yet. With a
	// Distributor set, PSA "" means "none for now" was chosen.
	Distributor string
	PSA         string
	// Save saves the choice; required.
	Save SaveFunc
}

// NonePSA is the PSA entry for "no PSA for now". Its Name is "", the value
// SaveFunc receives for it.
var nonePSA = Kind{
	DisplayName: "None for now",
	Description: "licence tables show billed blank; run seats again to connect a PSA later",
	Available:   true,
}

// Errors the Gate returns: each says what to do.
var (
	ErrNoDistributor = errors.New("Continue needs a distributor: pick one with ↑/↓ and press enter")
	ErrNoPSA         = errors.New("Continue needs a PSA choice: pick one, or \"None for now\", and press enter")
	ErrNotSaved      = errors.New("Your choice is not saved yet: press enter on the PSA list to save it and go on")
)

// The two lists, in the order they are shown.
const (
	listDistributor = iota
	listPSA
)

// list is one column of kinds with its cursor and choice.
type list struct {
	title  string
	kinds  []Kind
	cursor int
	chosen int // index into kinds, -1 when nothing is chosen
}

func (l *list) chosenKind() (Kind, bool) {
	if l.chosen < 0 {
		return Kind{}, false
	}
	return l.kinds[l.chosen], true
}

// indexOf returns the index of the available kind named name, or -1.
func (l *list) indexOf(name string) int {
	for i, k := range l.kinds {
		if k.Name == name && k.Available {
			return i
		}
	}
	return -1
}

// Model is the Pick screen. Create it with New.
type Model struct {
	c      *common.Common
	keys   keyMap
	save   SaveFunc
	width  int
	height int

	lists [2]list
	focus int

	// savedDist and savedPSA are the choice known to be saved (passed in or
	// saved here); hasSaved is false until there is one.
	savedDist, savedPSA string
	hasSaved            bool
	// unknownSaved names a saved distributor.kind this version does not
	// list, so that the screen says why nothing is chosen.
	unknownSaved string

	saving bool
	gen    int
	cancel context.CancelFunc
}

var _ common.Screen = (*Model)(nil)

// New returns the Pick screen for opts.
func New(c *common.Common, opts Options) *Model {
	m := &Model{c: c, keys: defaultKeys(), save: opts.Save}
	m.lists[listDistributor] = list{title: "Distributor", kinds: opts.Distributors, chosen: -1}
	psas := append(append([]Kind(nil), opts.PSAs...), nonePSA)
	m.lists[listPSA] = list{title: "PSA", kinds: psas, chosen: -1}

	dist := &m.lists[listDistributor]
	psa := &m.lists[listPSA]
	if opts.Distributor != "" {
		dist.chosen = dist.indexOf(opts.Distributor)
		if dist.chosen < 0 {
			m.unknownSaved = opts.Distributor
		}
		psa.chosen = psa.indexOf(opts.PSA)
		if dist.chosen >= 0 && psa.chosen >= 0 {
			m.savedDist, m.savedPSA, m.hasSaved = opts.Distributor, opts.PSA, true
		}
	}
	for i := range m.lists {
		l := &m.lists[i]
		l.cursor = l.chosen
		if l.cursor < 0 {
			l.cursor = max(firstAvailable(l.kinds), 0)
		}
	}
	// Start where the work is: the PSA list once a distributor is chosen,
	// so that on re-run one enter keeps the choice and goes on.
	if dist.chosen >= 0 {
		m.focus = listPSA
	}
	m.syncKeys()
	return m
}

func firstAvailable(kinds []Kind) int {
	for i, k := range kinds {
		if k.Available {
			return i
		}
	}
	return -1
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenDistributor }

// Typing implements common.Screen: the screen has no text input.
func (m *Model) Typing() bool { return false }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// Init implements common.Screen: the screen needs no work to start.
func (m *Model) Init() tea.Cmd { return nil }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return m.keys.short() }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.full() }

// Gate implements common.Screen: the wizard goes on once a distributor and a
// PSA choice (possibly none) are chosen and saved.
func (m *Model) Gate() error {
	dist, okDist := m.lists[listDistributor].chosenKind()
	psa, okPSA := m.lists[listPSA].chosenKind()
	switch {
	case !okDist:
		return ErrNoDistributor
	case !okPSA:
		return ErrNoPSA
	case !m.hasSaved || dist.Name != m.savedDist || psa.Name != m.savedPSA:
		return ErrNotSaved
	}
	return nil
}

// Choice returns the chosen kinds; psaKind "" is "none for now". ok is
// false until a distributor and a PSA choice are made.
func (m *Model) Choice() (distributorKind, psaKind string, ok bool) {
	dist, okDist := m.lists[listDistributor].chosenKind()
	psa, okPSA := m.lists[listPSA].chosenKind()
	return dist.Name, psa.Name, okDist && okPSA
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case savedMsg:
		return m, m.handleSaved(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	l := &m.lists[m.focus]
	switch {
	case key.Matches(msg, m.keys.Up):
		l.cursor = (l.cursor - 1 + len(l.kinds)) % max(len(l.kinds), 1)
	case key.Matches(msg, m.keys.Down):
		l.cursor = (l.cursor + 1) % max(len(l.kinds), 1)
	case key.Matches(msg, m.keys.Switch):
		m.focus = 1 - m.focus
	case key.Matches(msg, m.keys.Choose):
		return m.choose()
	case key.Matches(msg, m.keys.Next):
		if cmd := m.choose(); cmd != nil {
			return cmd // a coming kind: say so and stay
		}
		return m.goOn()
	}
	m.syncKeys()
	return nil
}

// choose makes the highlighted kind the focused list's choice. It returns a
// status command, and changes nothing, when that kind is not built yet.
func (m *Model) choose() tea.Cmd {
	l := &m.lists[m.focus]
	if len(l.kinds) == 0 {
		return nil
	}
	k := l.kinds[l.cursor]
	if !k.Available {
		return common.Status(common.LevelWarning,
			fmt.Sprintf("%s is coming in a later version of seats: pick another for now", k.DisplayName))
	}
	l.chosen = l.cursor
	if m.focus == listDistributor {
		m.unknownSaved = ""
	}
	m.syncKeys()
	return nil
}

// goOn moves from the distributor list to the PSA list, and from the PSA
// list to saving, once a distributor is chosen.
func (m *Model) goOn() tea.Cmd {
	if m.focus == listDistributor {
		m.focus = listPSA
		m.syncKeys()
		return nil
	}
	if _, ok := m.lists[listDistributor].chosenKind(); !ok {
		m.focus = listDistributor
		m.syncKeys()
		return common.Status(common.LevelWarning, ErrNoDistributor.Error())
	}
	return m.startSave()
}

func (m *Model) startSave() tea.Cmd {
	dist, psa, _ := m.Choice()
	if m.save == nil {
		return common.ReportError(m.ID(), "Save your distributor and PSA choice",
			errors.New("seats was built without a place to save the choice"))
	}
	m.stop()
	m.gen++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel = cancel
	m.saving = true
	m.syncKeys()
	return common.ForScreen(m.ID(), saveChoice(ctx, m.save, dist, psa, m.gen))
}

func (m *Model) handleSaved(msg savedMsg) tea.Cmd {
	if msg.gen != m.gen || !m.saving {
		return nil
	}
	m.stop()
	m.saving = false
	m.syncKeys()
	if msg.err != nil {
		return common.ReportError(m.ID(), "Save your distributor and PSA choice", msg.err)
	}
	m.savedDist, m.savedPSA, m.hasSaved = msg.distributor, msg.psa, true
	// The Connect step builds its forms for the new choice (when it
	// started before: else its start builds them).
	return tea.Batch(
		common.Status(common.LevelSuccess, "Saved: "+m.choiceSentence()),
		func() tea.Msg { return common.SourcesChangedMsg{} },
		common.Next(m.ID()),
	)
}

// stop releases the running save's context, if any.
func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

func (m *Model) syncKeys() {
	help := "choose & go to PSA"
	if m.focus == listPSA {
		help = "choose & continue"
	}
	m.keys.setState(m.saving, help)
}

// choiceSentence says the choice as people read it: "Pax8 and ConnectWise
// PSA", "Pax8, no PSA for now".
func (m *Model) choiceSentence() string {
	dist, okDist := m.lists[listDistributor].chosenKind()
	psa, okPSA := m.lists[listPSA].chosenKind()
	switch {
	case !okDist && !okPSA:
		return "nothing chosen yet"
	case !okDist:
		return "no distributor yet"
	case !okPSA:
		return dist.DisplayName + ", PSA not chosen yet"
	case psa.Name == "":
		return dist.DisplayName + ", no PSA for now"
	}
	return dist.DisplayName + " and " + psa.DisplayName
}
