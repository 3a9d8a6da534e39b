// Package settings is the wizard's step 5, "Settings": one form, built on
// huh, with one line of help per setting, for how seats computes and shows
// the numbers (billing.basis, billing.include_trials, billing.include_free,
// reconcile.tolerance, reconcile.ignore_products), how it syncs
// (sync.concurrency, sync.stale_after) and whether it may write to the PSA
// (psa.write_enabled, off by default; psa.effective_date). The values saved
// before are shown again on re-run, unset ones as the safe defaults.
//
// Saving checks every value, then hands the changes to an injected
// function in a command, typed as config.(*Config).Save takes them; once it
// succeeds the screen sends common.NextMsg, and the root runs the first
// full sync and opens the licence tables. The gate passes once the values
// shown are the values saved.
//
// Wiring, in the root:
//
//	cfg, _ := config.Load(home, nil)
//	screen := settings.New(c, cfg.Settings(), cfg.Save)
package settings

import (
	"context"
	"errors"
	"maps"
	"reflect"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/common"
)

// SaveFunc saves changed settings, keyed by config key with typed values
// (string, bool, int, []string): config.(*Config).Save fits. It runs in a
// command; its error's text is shown as it is.
type SaveFunc func(changes map[string]any) error

// Errors the Gate returns: each says what to do.
var (
	ErrNotSaved = errors.New("Save the settings first: press ctrl+s, or enter on the last field")
	ErrChanged  = errors.New("Your changes are not saved yet: press ctrl+s to save them")
)

// Model is the Settings screen. Create it with New.
type Model struct {
	c      *common.Common
	keys   keyMap
	save   SaveFunc
	width  int
	height int

	vals      values
	form      *huh.Form
	formGen   int
	fieldKeys []string // config key of each form field, in order

	saving  bool
	saved   map[string]any // the changes last saved, nil until then
	failure string

	gen    int
	cancel context.CancelFunc
}

var _ common.Screen = (*Model)(nil)

// New returns the Settings screen showing current; save stores the
// changes.
func New(c *common.Common, current config.Settings, save SaveFunc) *Model {
	m := &Model{c: c, keys: defaultKeys(), save: save, vals: valuesFrom(current)}
	m.buildForm()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenSettings }

// Typing implements common.Screen: the form takes letters, except while
// saving.
func (m *Model) Typing() bool { return !m.saving }

// Init implements common.Screen: the form is ready at once.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layoutForm()
}

// ShortHelp implements help.KeyMap: the screen's keys, then the focused
// field's.
func (m *Model) ShortHelp() []key.Binding {
	keys := m.keys.bindings()
	if !m.saving {
		keys = append(keys, formHelp(m.form)...)
	}
	return keys
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.bindings(), formHelp(m.form)}
}

// Gate implements common.Screen: the wizard goes on once the values shown
// are saved.
func (m *Model) Gate() error {
	if m.saved == nil {
		return ErrNotSaved
	}
	changes, err := m.vals.changes()
	if err != nil || !sameChanges(changes, m.saved) {
		return ErrChanged
	}
	return nil
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case formMsg:
		if msg.gen != m.formGen || m.saving {
			return m, nil
		}
		return m, m.updateForm(msg.msg)
	case savedMsg:
		return m, m.handleSaved(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if m.saving {
		return nil // the save is quick; keys wait for it
	}
	switch {
	case key.Matches(msg, m.keys.Save):
		return m.submit()
	case key.Matches(msg, m.keys.Back):
		return common.Back(m.ID())
	}
	// The failure was about the last save; once the engineer types, the
	// field's own check speaks.
	m.failure = ""
	return m.updateForm(msg)
}

// updateForm hands msg to the form and saves once huh says it is complete
// (enter on the last field).
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	_, cmd := m.form.Update(msg)
	cmd = routeForm(m.ID(), m.formGen, cmd)
	m.layoutForm() // the header grows when PSA writes are turned on
	if m.form.State == huh.StateCompleted {
		return tea.Batch(cmd, m.submit())
	}
	return cmd
}

// submit checks every value and starts the save; a value at fault is shown
// with its field in front, and nothing is saved.
func (m *Model) submit() tea.Cmd {
	changes, err := m.vals.changes()
	if err != nil {
		m.failure = err.Error()
		if fe, ok := asFieldError(err); ok {
			m.failure = fe.key + ": " + fe.err.Error()
		}
		m.buildForm()
		if fe, ok := asFieldError(err); ok {
			m.focusKey(fe.key)
		}
		return nil
	}
	if m.save == nil {
		m.failure = "seats was built without a place to save the settings"
		m.buildForm()
		return nil
	}
	m.failure = ""
	m.stop()
	m.gen++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel = cancel
	m.saving = true
	m.keys.setSaving(true)
	return common.ForScreen(m.ID(), saveSettings(ctx, m.save, changes, m.gen))
}

func (m *Model) handleSaved(msg savedMsg) tea.Cmd {
	if msg.gen != m.gen || !m.saving {
		return nil
	}
	m.stop()
	m.saving = false
	m.keys.setSaving(false)
	// The form ended when it was submitted: a new one, with the values, is
	// ready for a change or for coming back to this step.
	m.buildForm()
	if msg.err != nil {
		m.failure = "The settings were not saved: " + msg.err.Error()
		m.layoutForm()
		return common.ReportError(m.ID(), "Save the settings", msg.err)
	}
	m.saved = msg.changes
	return tea.Batch(
		common.Status(common.LevelSuccess, "Settings saved"),
		common.Next(m.ID()),
	)
}

func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

// sameChanges compares two sets of changes value by value (lists too).
func sameChanges(a, b map[string]any) bool {
	return maps.EqualFunc(a, b, func(x, y any) bool { return reflect.DeepEqual(x, y) })
}
