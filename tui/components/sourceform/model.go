// Package sourceform is the wizard's connect form for one source, a
// distributor or a PSA, reused for every kind: the fields come in as data,
// secrets are typed masked and never shown, a test call proves the
// connection ("Pax8: 142 companies, 1,310 subscriptions") before anything
// is saved, and its error is shown as what to fix, with the form kept as
// typed. Once the test passes, an injected save stores the settings and the
// secret, and the component reports DoneMsg with the summary.
//
// A source connected before shows as connected, with its summary and when
// it was checked, and a key to change it: the form then opens pre-filled
// with the settings, and a secret left empty keeps the stored one.
//
// The component is not a screen: a screen (Connect) hosts it. The host
// forwards every message to Update (the component ignores what is not its
// own: results carry its ID, and huh's messages are wrapped with it), but
// keys only to the component in front; it shows View, and adds ShortHelp to
// its own keys. Test and save run as commands addressed to Options.Screen.
//
// Wiring, as the Connect screen would do it for Pax8:
//
//	form := sourceform.New(c, sourceform.Options{
//		ID:     "distributor",
//		Screen: common.ScreenConnect,
//		Kind:   "Pax8",
//		Fields: []sourceform.Field{
//			{Key: "distributor.pax8.client_id", Label: "Client id",
//				Help: "From the Pax8 app: Integrations → API credentials", Value: cur.ClientID,
//				Validate: requireValue},
//			{Key: "distributor.pax8.client_secret", Label: "Client secret",
//				Help: "Shown once when the credential is created", Secret: true},
//			{Key: "distributor.pax8.url", Label: "API URL", Help: "Change only for a test environment",
//				Value: cur.URL, Validate: httpsURL},
//		},
//		Connected: connected, // nil until a test passed once
//		Test: func(ctx context.Context, values, secrets map[string]string) (string, error) {
//			return workflow.TestPax8(ctx, values, secrets) // secrets lacks a key left empty: use the stored one
//		},
//		Save: func(values, secrets map[string]string) error {
//			return saveSettingsAndSecret(values, secrets)
//		},
//	})
//
// and in the host's Update, `case sourceform.DoneMsg:` moves on.
package sourceform

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seats-msp/seats/tui/common"
)

// Field is one setting of the form.
type Field struct {
	// Key names the value in the maps Test and Save receive: the config
	// key ("distributor.pax8.client_id"), or the secret's name.
	Key string
	// Label is the field's title; Help is one line under it.
	Label string
	Help  string
	// Value is the default or current value. Secrets never have one: the
	// stored secret is never read back into the form.
	Value string
	// Secret fields are typed masked, never shown, and go to Test and Save
	// in the secrets map, not values.
	Secret bool
	// Known marks a secret seats has already (in the environment or the
	// secret store): it may be left empty, and the test uses that one.
	Known bool
	// Validate checks a value, trimmed of spaces, before the test; its error
	// text is shown as it is, so it should say what to type. Nil accepts
	// anything, even empty. A secret is required until the source is
	// connected, then empty means "keep the stored one" and Validate is
	// not called for it.
	Validate func(string) error
}

// Connection is a source that passed its test call.
type Connection struct {
	Summary   string    // what the test call found, as Test returned it
	CheckedAt time.Time // when that test passed
}

// TestFunc proves a connection with the values typed: it returns a one-line
// summary ("Pax8: 142 companies, 1,310 subscriptions") or an error whose
// text says what to fix. values holds every non-secret field; secrets holds
// the secrets typed in this form only: a secret left empty on a connected
// source is absent, and TestFunc must use the stored one. It runs in a
// command; ctx ends when the engineer cancels.
type TestFunc func(ctx context.Context, values, secrets map[string]string) (summary string, err error)

// SaveFunc stores the settings and the secrets that passed the test (the
// maps as TestFunc received them). It runs in a command.
type SaveFunc func(values, secrets map[string]string) error

// Options configure one form.
type Options struct {
	// ID tells this form's messages from those of another form in the same
	// screen ("distributor", "psa"); it also names its status bar task.
	ID string
	// Screen is the screen hosting the form: results come back to it.
	Screen common.ScreenID
	// Kind is the source as people know it ("Pax8"); Title heads the form
	// ("Distributor: Pax8"), Kind when empty.
	Kind  string
	Title string
	// Fields are shown in order.
	Fields []Field
	// Connected is the working connection, nil when there is none yet.
	Connected *Connection
	// Test and Save are required.
	Test TestFunc
	Save SaveFunc
}

// DoneMsg says that a form's source passed its test and was saved. It
// reaches the host screen as a result of its own work.
type DoneMsg struct {
	ID        string
	Summary   string
	CheckedAt time.Time
}

// LeftMsg says that the engineer pressed esc on the form of a source not
// connected yet: the host decides what that means.
type LeftMsg struct{ ID string }

// state is where the form stands.
type state int

const (
	stateConnected state = iota // a working connection is shown
	stateEditing                // the form is in front
	stateTesting                // the test call runs
	stateSaving                 // the test passed; saving
)

// Model is one source's connect form. Create it with New.
type Model struct {
	c      *common.Common
	opts   Options
	keys   keyMap
	width  int
	height int

	state     state
	connected *Connection

	// values holds what is typed, one per field, bound to the form's
	// inputs; current holds the non-secret values last saved (or passed
	// in), restored when a change is abandoned.
	values  []string
	current []string

	form    *huh.Form
	formGen int // numbers forms; messages of a replaced form are dropped
	// failure is the last test or save error, as shown (secrets redacted).
	failure string
	// notice is a one-line note over the form ("Test cancelled").
	notice string

	gen    int // numbers test calls and saves
	cancel context.CancelFunc
}

// New returns the form for opts. It shows the connection when
// opts.Connected is set, the form otherwise.
func New(c *common.Common, opts Options) *Model {
	m := &Model{c: c, opts: opts, keys: defaultKeys(), connected: opts.Connected}
	m.current = make([]string, len(opts.Fields))
	for i, f := range opts.Fields {
		if !f.Secret {
			m.current[i] = f.Value
		}
	}
	m.values = make([]string, len(opts.Fields))
	if m.connected != nil {
		m.setState(stateConnected)
	} else {
		m.edit()
	}
	return m
}

// Init implements the Bubble Tea contract for hosts that call it; the form
// needs no work to start.
func (m *Model) Init() tea.Cmd { return nil }

// ID returns Options.ID.
func (m *Model) ID() string { return m.opts.ID }

// Connected returns the working connection; ok is false until one passed
// its test.
func (m *Model) Connected() (Connection, bool) {
	if m.connected == nil {
		return Connection{}, false
	}
	return *m.connected, true
}

// Typing reports whether a text input has focus, so that the host passes
// letter keys on instead of treating them as commands.
func (m *Model) Typing() bool { return m.state == stateEditing }

// Busy reports whether a test call or a save runs.
func (m *Model) Busy() bool { return m.state == stateTesting || m.state == stateSaving }

// SetSize gives the component its width and height.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layoutForm()
}

// ShortHelp lists the keys that work now: the component's, then the
// focused field's.
func (m *Model) ShortHelp() []key.Binding {
	keys := m.keys.bindings()
	if m.state == stateEditing {
		keys = append(keys, FormHelp(m.form)...)
	}
	return keys
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update handles keys (when the host has the form in front) and every
// result of the component's own work; it ignores other messages.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case formMsg:
		if msg.id != m.opts.ID || msg.gen != m.formGen || m.state != stateEditing {
			return m, nil
		}
		return m, m.updateForm(msg.msg)
	case testedMsg:
		if msg.id != m.opts.ID {
			return m, nil
		}
		return m, m.handleTested(msg)
	case savedMsg:
		if msg.id != m.opts.ID {
			return m, nil
		}
		return m, m.handleSaved(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch m.state {
	case stateConnected:
		if key.Matches(msg, m.keys.Change) {
			m.edit()
		}
		return nil
	case stateTesting:
		if key.Matches(msg, m.keys.CancelTest) {
			return m.cancelTest()
		}
		return nil
	case stateSaving:
		return nil // a save is quick and must not be cut in half
	}
	switch {
	case key.Matches(msg, m.keys.Keep):
		m.values = make([]string, len(m.values)) // drop what was typed, secrets first
		m.failure, m.notice = "", ""
		m.setState(stateConnected)
		return nil
	case key.Matches(msg, m.keys.Leave):
		id := m.opts.ID
		return common.ForScreen(m.opts.Screen, func() tea.Msg { return LeftMsg{ID: id} })
	}
	return m.updateForm(msg)
}

// edit opens the form pre-filled with the current settings; secrets start
// empty.
func (m *Model) edit() {
	copy(m.values, m.current)
	m.failure, m.notice = "", ""
	m.buildForm()
	m.setState(stateEditing)
}

// updateForm hands msg to the form and submits once huh says it is
// complete (enter on the last field, every field valid).
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	if m.form == nil {
		return nil
	}
	_, cmd := m.form.Update(msg)
	cmd = m.route(cmd)
	if m.form.State == huh.StateCompleted {
		return tea.Batch(cmd, m.submit())
	}
	return cmd
}

// submit checks every field again (huh checks a field only when leaving
// it) and starts the test call.
func (m *Model) submit() tea.Cmd {
	values, secrets := m.collect()
	for i, f := range m.opts.Fields {
		if err := m.validate(f, strings.TrimSpace(m.values[i])); err != nil {
			m.failure = f.Label + ": " + m.redact(err.Error())
			m.buildForm()
			m.focusField(i)
			return nil
		}
	}
	if m.opts.Test == nil || m.opts.Save == nil {
		m.failure = "seats was built without a way to test or save a " + m.opts.Kind + " connection"
		m.buildForm()
		return nil
	}
	m.failure, m.notice = "", ""
	m.stop()
	m.gen++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel = cancel
	m.setState(stateTesting)
	return tea.Batch(
		common.StartTask(m.taskID(), "Testing the connection to "+m.opts.Kind, 0),
		common.ForScreen(m.opts.Screen, runTest(ctx, m.opts.Test, m.opts.ID, m.gen, values, secrets)),
	)
}

func (m *Model) handleTested(msg testedMsg) tea.Cmd {
	if msg.gen != m.gen || m.state != stateTesting {
		return nil // cancelled, or an older test
	}
	m.stop()
	if msg.err != nil {
		m.failure = m.redact(msg.err.Error())
		m.buildForm()
		m.setState(stateEditing)
		return common.EndTask(m.taskID(), common.LevelFailure, m.opts.Kind+": the test failed")
	}
	m.setState(stateSaving)
	// The form is closed while testing, so these are the values tested.
	values, secrets := m.collect()
	summary := m.redact(msg.summary)
	return common.ForScreen(m.opts.Screen, runSave(m.opts.Save, m.opts.ID, m.gen, summary, values, secrets))
}

func (m *Model) handleSaved(msg savedMsg) tea.Cmd {
	if msg.gen != m.gen || m.state != stateSaving {
		return nil
	}
	if msg.err != nil {
		text := m.redact(msg.err.Error())
		m.failure = "The connection works, but saving it failed: " + text
		m.buildForm()
		m.setState(stateEditing)
		err := msg.err
		if text != msg.err.Error() {
			err = errors.New(text) // never hand a secret to the error box
		}
		return tea.Batch(
			common.EndTask(m.taskID(), common.LevelFailure, ""),
			common.ReportError(m.opts.Screen, "Save the "+m.opts.Kind+" connection", err),
		)
	}
	conn := Connection{Summary: msg.summary, CheckedAt: m.c.Now()}
	m.connected = &conn
	for i, f := range m.opts.Fields {
		if !f.Secret {
			m.current[i] = strings.TrimSpace(m.values[i])
		}
	}
	m.values = make([]string, len(m.values)) // the secret is stored; forget it here
	m.form = nil
	m.failure, m.notice = "", ""
	m.setState(stateConnected)
	id := m.opts.ID
	return tea.Batch(
		common.EndTask(m.taskID(), common.LevelSuccess, conn.Summary),
		common.ForScreen(m.opts.Screen, func() tea.Msg {
			return DoneMsg{ID: id, Summary: conn.Summary, CheckedAt: conn.CheckedAt}
		}),
	)
}

func (m *Model) cancelTest() tea.Cmd {
	m.stop()
	m.gen++ // the cancelled call's late answer is not news
	m.notice = "Test cancelled: nothing was saved."
	m.buildForm()
	m.setState(stateEditing)
	return common.EndTask(m.taskID(), common.LevelInfo, "")
}

// collect returns the typed values, trimmed: non-secrets all, secrets only
// when typed.
func (m *Model) collect() (values, secrets map[string]string) {
	values, secrets = map[string]string{}, map[string]string{}
	for i, f := range m.opts.Fields {
		v := strings.TrimSpace(m.values[i])
		switch {
		case !f.Secret:
			values[f.Key] = v
		case v != "":
			secrets[f.Key] = v
		}
	}
	return values, secrets
}

// validate applies f's rules to v (trimmed).
func (m *Model) validate(f Field, v string) error {
	if f.Secret && v == "" {
		if m.connected != nil || f.Known {
			return nil // keeps the secret seats has already
		}
		return errors.New("type the " + strings.ToLower(f.Label) + " (kept in the secret store, never in config.yaml)")
	}
	if f.Validate == nil {
		return nil
	}
	return f.Validate(v)
}

// redact blanks any typed secret in text: a connector should never echo
// one, and this keeps it so even if one does.
func (m *Model) redact(text string) string {
	for i, f := range m.opts.Fields {
		if s := strings.TrimSpace(m.values[i]); f.Secret && len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return text
}

func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

func (m *Model) setState(s state) {
	m.state = s
	m.keys.setState(s, m.connected != nil)
	m.layoutForm()
}

func (m *Model) taskID() string { return "sourceform/" + m.opts.ID + "/test" }
