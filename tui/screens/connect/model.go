// Package connect is the "Connect to Microsoft" step: the partner signs in
// with a device code (shown large, copied to the clipboard, counted down to
// its expiry) or, where Conditional Access blocks device code, with the
// browser. Already signed in, it says who and offers to switch account.
package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/sourceform"
)

// newAppIDInput is the one-line input for an application id.
func newAppIDInput(st *common.Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "Application (client) id: "
	in.Placeholder = "00000000-0000-0000-0000-000000000000"
	in.CharLimit = 64
	in.PromptStyle = st.Prompt
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Muted
	return in
}

// state is where the sign-in stands.
type state int

const (
	stateChecking      state = iota // looking for a cached sign-in
	stateStarting                   // asking Microsoft for a device code
	stateWaiting                    // code shown, waiting for the user
	stateExpired                    // the code expired; a new one is offered
	stateCancelled                  // the user pressed esc
	stateFailed                     // starting or waiting failed; see failure
	stateBrowser                    // browser sign-in running
	stateConfirmSwitch              // signed in, asking whether to sign in with another account
	stateNoApp                      // no application id: create it, or enter one
	stateEnterAppID                 // typing an application id
	stateSignedIn
)

var stateNames = map[state]string{
	stateChecking: "checking", stateStarting: "starting", stateWaiting: "waiting",
	stateExpired: "expired", stateCancelled: "cancelled", stateFailed: "failed",
	stateBrowser: "browser", stateConfirmSwitch: "confirm switch", stateNoApp: "no application", stateEnterAppID: "entering an application id",
	stateSignedIn: "signed in",
}

func (s state) String() string { return stateNames[s] }

// signInLapsed says why a new code is shown although seats was signed in.
const signInLapsed = "Your Microsoft sign-in has expired or was revoked: sign in again"

// ErrNotSignedIn is the Gate's answer until someone signs in.
var ErrNotSignedIn = errors.New("Continue needs a sign-in to Microsoft: enter the code at the link shown, or press b to sign in with the browser")

// Model is the Connect screen. Create it with New.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int

	state   state
	account connectors.Account
	code    *microsoft.DeviceCode
	copied  bool // the code went to the clipboard
	failure error
	// blockedByCA is set when Microsoft refused device code because of
	// Conditional Access (AADSTS53003): the screen then recommends b.
	blockedByCA bool
	// lapsed is set when the saved sign-in had expired or been revoked, so
	// the new code says why it is asked for; signing in clears it.
	lapsed bool
	// switching is set while another account signs in: the old sign-in
	// (previous) stays until the new one succeeds, and esc goes back to it.
	switching bool
	previous  connectors.Account
	// appFlow is set while the device code shown is the setup sign-in that
	// creates seats' application, not the sign-in to seats itself.
	appFlow bool
	appID   textinput.Model
	appErr  string // why the entered id was refused
	// checks are the readiness check's lines, shown once signed in.
	checks []workflow.Check
	// freshApp is set after the application was created or its id entered
	// here: Microsoft may not know a new application for up to a minute,
	// so a sign-in it refuses as unknown is tried again (appRetries times).
	freshApp   bool
	appRetries int

	// gen numbers sign-in attempts. Every result carries the gen of the
	// attempt that asked, and results of older attempts are dropped, so a
	// cancelled wait that returns late cannot undo a newer state.
	gen    int
	cancel context.CancelFunc

	// sources builds the forms of the distributor and the PSA chosen in
	// step 1 (nil: the screen connects Microsoft only). They are built
	// anew at Init and whenever the choice changes (SourcesChangedMsg).
	sources func() []sourceform.Options
	forms   []*sourceform.Model
	titles  []string // each form's title, for the gate and one-line summaries
	// front is the form keys go to, -1 when none: the first one not
	// connected comes to the front by itself once signed in.
	front int
}

var _ common.Screen = (*Model)(nil)

// New returns the Connect screen. It does nothing until Init. sources,
// when not nil, gives the connect forms of the chosen distributor and PSA,
// shown below the Microsoft sign-in once signed in.
func New(c *common.Common, sources func() []sourceform.Options) *Model {
	m := &Model{c: c, keys: defaultKeys(), state: stateChecking, appID: newAppIDInput(c.Styles), sources: sources, front: -1}
	m.syncKeys()
	return m
}

// buildForms makes the connect forms of the sources chosen now.
func (m *Model) buildForms() {
	m.forms, m.titles, m.front = nil, nil, -1
	if m.sources == nil {
		return
	}
	for _, o := range m.sources() {
		f := sourceform.New(m.c, o)
		f.SetSize(m.width, m.formHeight())
		m.forms = append(m.forms, f)
		m.titles = append(m.titles, o.Title)
	}
	m.pickFront()
}

// pickFront brings the first source not connected yet to the front, once
// signed in to Microsoft.
func (m *Model) pickFront() {
	m.front = -1
	if m.state != stateSignedIn {
		return
	}
	for i, f := range m.forms {
		if _, ok := f.Connected(); !ok {
			m.front = i
			return
		}
	}
}

// formHeight is the height a form may take below the sign-in lines.
func (m *Model) formHeight() int { return max(m.height-8, 6) }

// ErrSourceNotConnected is the Gate's answer while a chosen distributor or
// PSA is not connected.
type ErrSourceNotConnected struct{ Title string }

func (e ErrSourceNotConnected) Error() string {
	return "Continue needs " + e.Title + " connected: fill in its form below and press enter to test it (or go back to step 1 and choose another)"
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenConnect }

// Typing implements common.Screen: true while an application id is typed.
func (m *Model) Typing() bool {
	return m.state == stateEnterAppID || (m.front >= 0 && m.forms[m.front].Typing())
}

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	for _, f := range m.forms {
		f.SetSize(width, m.formHeight())
	}
}

// Gate implements common.Screen: the wizard goes on once someone is signed
// in to Microsoft and every chosen source is connected.
func (m *Model) Gate() error {
	if m.state != stateSignedIn {
		return ErrNotSignedIn
	}
	for i, f := range m.forms {
		if _, ok := f.Connected(); !ok {
			return ErrSourceNotConnected{Title: m.titles[i]}
		}
	}
	return nil
}

// Account returns the signed-in account; ok is false until sign-in.
func (m *Model) Account() (connectors.Account, bool) {
	return m.account, m.state == stateSignedIn
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.front >= 0 {
		return m.forms[m.front].ShortHelp()
	}
	return m.keys.short()
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Init looks for a cached sign-in; without an application id it first
// offers to create the application or enter its id.
func (m *Model) Init() tea.Cmd {
	m.buildForms()
	if m.c.Deps.AppSetup != nil {
		m.setState(stateNoApp)
		return nil
	}
	m.setState(stateChecking)
	return common.ForScreen(m.ID(), checkAccount(m.c.Ctx, m.c.Deps.Session))
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.state == stateEnterAppID {
			return m, m.appIDKey(msg)
		}
		if m.front >= 0 {
			return m, m.formKey(msg)
		}
		return m, m.handleKey(msg)
	case common.SourcesChangedMsg:
		m.buildForms()
		return m, nil
	case sourceform.DoneMsg:
		m.pickFront()
		m.syncKeys()
		return m, common.Status(common.LevelSuccess, msg.Summary)
	case sourceform.LeftMsg:
		m.front = -1
		m.syncKeys()
		return m, nil
	case appCreatedMsg:
		return m, m.handleAppCreated(msg)
	case appIDSavedMsg:
		return m, m.handleAppIDSaved(msg)
	case readinessMsg:
		m.checks = msg.checks
		return m, nil
	case appRetryMsg:
		if msg.gen != m.gen || m.state != stateStarting {
			return m, nil
		}
		return m, m.startDeviceCode()
	case accountMsg:
		return m, m.handleAccount(msg)
	case deviceCodeMsg:
		return m, m.handleDeviceCode(msg)
	case signedInMsg:
		return m, m.handleSignedIn(msg)
	case tickMsg:
		return m, m.handleTick(msg)
	case openedMsg:
		if msg.err != nil {
			return m, common.ReportError(m.ID(), "Open the browser", msg.err)
		}
		return m, common.Status(common.LevelInfo, "Opened the sign-in page in your browser")
	}
	// Everything else may be a form's own result (its test call, its save,
	// its fields' messages): each form takes only what is its own.
	var cmds []tea.Cmd
	for i, f := range m.forms {
		var cmd tea.Cmd
		m.forms[i], cmd = f.Update(msg)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// formKey gives a key to the form in front; enter on a connected form
// goes on, as on the rest of the screen.
func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	f := m.forms[m.front]
	if _, ok := f.Connected(); ok && !f.Typing() && !f.Busy() {
		if key.Matches(msg, m.keys.Continue) {
			m.front = -1
			return common.Next(m.ID())
		}
	}
	var cmd tea.Cmd
	m.forms[m.front], cmd = f.Update(msg)
	return cmd
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Continue):
		return common.Next(m.ID())
	case key.Matches(msg, m.keys.Distributor), key.Matches(msg, m.keys.PSA):
		return m.openForm(msg)
	case key.Matches(msg, m.keys.Switch):
		m.setState(stateConfirmSwitch)
		return nil
	case key.Matches(msg, m.keys.Yes):
		// The old sign-in stays until the new one succeeds.
		m.switching, m.previous = true, m.account
		return m.startDeviceCode()
	case key.Matches(msg, m.keys.No):
		m.setState(stateSignedIn)
		return nil
	case key.Matches(msg, m.keys.Keep):
		return m.keepPrevious()
	case key.Matches(msg, m.keys.CreateApp):
		return m.startAppCreate()
	case key.Matches(msg, m.keys.EnterID):
		m.appErr = ""
		m.setState(stateEnterAppID)
		return m.appID.Focus()
	case key.Matches(msg, m.keys.Open):
		return m.openLink()
	case key.Matches(msg, m.keys.Copy):
		return common.Copy(m.code.UserCode, "Code")
	case key.Matches(msg, m.keys.NewCode):
		return m.startDeviceCode()
	case key.Matches(msg, m.keys.Browser):
		return m.startBrowser()
	case key.Matches(msg, m.keys.Cancel):
		if m.switching {
			return m.keepPrevious()
		}
		if m.appFlow {
			m.stop()
			m.appFlow, m.code = false, nil
			m.setState(stateNoApp)
			return common.Status(common.LevelInfo, "Creating the application cancelled")
		}
		m.stop()
		m.failure = nil
		m.setState(stateCancelled)
		return common.Status(common.LevelInfo, "Sign-in cancelled")
	}
	return nil
}

// openForm brings the distributor's (d) or the PSA's (p) form to the front
// to change its connection.
func (m *Model) openForm(msg tea.KeyMsg) tea.Cmd {
	id := "distributor"
	if key.Matches(msg, m.keys.PSA) {
		id = "psa"
	}
	for i, f := range m.forms {
		if f.ID() != id {
			continue
		}
		m.front = i
		m.syncKeys()
		if _, ok := f.Connected(); ok {
			var cmd tea.Cmd
			m.forms[i], cmd = f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'c'}})
			return cmd
		}
		return nil
	}
	return nil
}

func (m *Model) handleAccount(msg accountMsg) tea.Cmd {
	if m.state != stateChecking {
		return nil
	}
	if msg.err == nil && msg.ok {
		m.account = msg.account
		m.setState(stateSignedIn)
		return m.checkReadiness()
	}
	start := m.startDeviceCode()
	switch {
	case msg.err == nil:
		return start
	case errors.Is(msg.err, connectors.ErrSignInRequired):
		// Sign-ins lapse (expiry, a revoked token, a changed password):
		// nothing failed, the partner just signs in again.
		m.lapsed = true
		return tea.Batch(common.Status(common.LevelWarning, signInLapsed), start)
	}
	return tea.Batch(common.ReportError(m.ID(), "Read the saved sign-in", msg.err), start)
}

func (m *Model) handleDeviceCode(msg deviceCodeMsg) tea.Cmd {
	if msg.gen != m.gen || m.state != stateStarting {
		return nil
	}
	if msg.err != nil {
		if m.freshApp && m.appRetries < maxAppRetries && microsoft.KindOfAppError(msg.err) == connectors.ErrNotFound {
			m.appRetries++
			gen := m.gen
			return tea.Batch(
				common.Status(common.LevelInfo, fmt.Sprintf("Microsoft does not know the new application yet (it can take a minute): trying again in %s (%d of %d)",
					appRetryEvery, m.appRetries, maxAppRetries)),
				tea.Tick(appRetryEvery, func(time.Time) tea.Msg { return appRetryMsg{gen: gen} }))
		}
		return m.fail("Get a sign-in code from Microsoft", msg.err)
	}
	m.freshApp = false
	if msg.code == nil {
		return m.fail("Get a sign-in code from Microsoft",
			&connectors.Error{Kind: connectors.ErrBadResponse, Service: "sign-in", Op: "device code", Message: "no code in the answer"})
	}
	m.code = msg.code
	m.copied = m.c.CanCopy()
	m.setState(stateWaiting)
	if m.expired() {
		m.stop()
		m.setState(stateExpired)
		return nil
	}
	ctx := m.attemptContext()
	wait := waitDeviceCode(ctx, m.c.Deps.Session, msg.code, m.gen)
	if m.appFlow {
		wait = finishAppCreate(ctx, m.c.Deps.AppSetup, msg.code, m.gen)
	}
	cmds := []tea.Cmd{common.ForScreen(m.ID(), wait), common.ForScreen(m.ID(), tick(m.gen))}
	if m.copied {
		cmds = append(cmds, common.Copy(msg.code.UserCode, "Code"))
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleSignedIn(msg signedInMsg) tea.Cmd {
	if msg.gen != m.gen || (m.state != stateWaiting && m.state != stateBrowser) {
		return nil
	}
	if msg.err == nil {
		m.stop()
		m.switching, m.previous = false, connectors.Account{}
		m.account = msg.account
		m.failure = nil
		m.blockedByCA = false
		m.lapsed = false
		m.setState(stateSignedIn)
		return tea.Batch(common.Status(common.LevelSuccess, "Signed in as "+accountName(msg.account)), m.checkReadiness())
	}
	switch {
	case errors.Is(msg.err, microsoft.ErrDeviceCodeExpired), m.state == stateWaiting && m.expired():
		m.stop()
		m.setState(stateExpired)
		return nil
	case connectors.KindOf(msg.err) == connectors.ErrCanceled:
		// Not our esc (that result was dropped above): Microsoft ended it,
		// e.g. the user declined in the browser. Say what it said.
		m.stop()
		m.failure = msg.err
		m.setState(stateCancelled)
		return nil
	}
	op := "Sign in to Microsoft"
	if m.state == stateBrowser {
		op = "Sign in to Microsoft with the browser"
	}
	return m.fail(op, msg.err)
}

func (m *Model) handleTick(msg tickMsg) tea.Cmd {
	if msg.gen != m.gen || m.state != stateWaiting {
		return nil
	}
	if m.expired() {
		m.stop()
		m.setState(stateExpired)
		return common.Status(common.LevelWarning, "The sign-in code expired: press n for a new one")
	}
	return common.ForScreen(m.ID(), tick(m.gen))
}

// startAppCreate starts the setup sign-in that creates seats' application.
func (m *Model) startAppCreate() tea.Cmd {
	m.stop()
	m.appFlow = true
	m.code, m.copied, m.failure, m.blockedByCA = nil, false, nil, false
	m.setState(stateStarting)
	ctx := m.attemptContext()
	return common.ForScreen(m.ID(), startAppCode(ctx, m.c.Deps.AppSetup, m.gen))
}

// handleAppCreated ends the setup: on success the application's id is
// saved and the usual sign-in follows, now as that application.
func (m *Model) handleAppCreated(msg appCreatedMsg) tea.Cmd {
	if msg.gen != m.gen || m.state != stateWaiting || !m.appFlow {
		return nil
	}
	m.stop()
	if msg.err != nil {
		if connectors.KindOf(msg.err) == connectors.ErrCanceled && !errors.Is(msg.err, microsoft.ErrDeviceCodeExpired) {
			m.appFlow, m.code = false, nil
			m.setState(stateNoApp)
			return nil
		}
		return m.fail("Create the seats application", msg.err)
	}
	return m.appReady("Created the seats application (client id " + msg.report.State.AppID + ") and saved its id in config.yaml; now sign in to seats")
}

// Retrying the first sign-in with a new application.
const (
	maxAppRetries = 6
	appRetryEvery = 10 * time.Second
)

// appRetryMsg tries the first sign-in with a new application again.
type appRetryMsg struct{ gen int }

// appReady leaves the setup and starts the usual sign-in.
func (m *Model) appReady(note string) tea.Cmd {
	m.freshApp, m.appRetries = true, 0
	m.appFlow, m.code, m.failure = false, nil, nil
	m.c.Deps.AppSetup = nil
	m.setState(stateChecking)
	return tea.Batch(common.Status(common.LevelSuccess, note),
		common.ForScreen(m.ID(), checkAccount(m.c.Ctx, m.c.Deps.Session)))
}

// appIDKey handles the keys of the application id input.
func (m *Model) appIDKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		m.appID.Blur()
		m.setState(stateNoApp)
		return nil
	case tea.KeyEnter:
		id := strings.TrimSpace(m.appID.Value())
		return common.ForScreen(m.ID(), saveAppID(m.c.Deps.AppSetup, id))
	}
	var cmd tea.Cmd
	m.appID, cmd = m.appID.Update(msg)
	m.appErr = ""
	return common.ForScreen(m.ID(), cmd)
}

func (m *Model) handleAppIDSaved(msg appIDSavedMsg) tea.Cmd {
	if m.state != stateEnterAppID {
		return nil
	}
	if msg.err != nil {
		m.appErr = msg.err.Error()
		return nil
	}
	m.appID.Blur()
	return m.appReady("Saved the application id " + msg.id + " in config.yaml; now sign in to seats")
}

// checkReadiness runs the readiness check once signed in.
func (m *Model) checkReadiness() tea.Cmd {
	if m.c.Deps.Readiness == nil {
		return nil
	}
	return common.ForScreen(m.ID(), readiness(m.c.Ctx, m.c.Deps.Readiness))
}

// keepPrevious ends a switch of account: the attempt stops and the account
// signed in before is in front again, as it never left.
func (m *Model) keepPrevious() tea.Cmd {
	if !m.switching {
		return nil
	}
	m.stop()
	m.switching = false
	m.account, m.previous = m.previous, connectors.Account{}
	m.code, m.failure, m.blockedByCA = nil, nil, false
	m.setState(stateSignedIn)
	return common.Status(common.LevelInfo, "Still signed in as "+accountName(m.account))
}

// startDeviceCode drops any running attempt and asks for a new code.
func (m *Model) startDeviceCode() tea.Cmd {
	if m.appFlow {
		return m.startAppCreate()
	}
	m.stop()
	m.code = nil
	m.copied = false
	m.failure = nil
	m.blockedByCA = false
	m.setState(stateStarting)
	ctx := m.attemptContext()
	return common.ForScreen(m.ID(), startDeviceCode(ctx, m.c.Deps.Session, m.gen))
}

// startBrowser drops any running attempt and signs in with the browser.
func (m *Model) startBrowser() tea.Cmd {
	m.stop()
	m.failure = nil
	m.setState(stateBrowser)
	ctx := m.attemptContext()
	return common.ForScreen(m.ID(), signInBrowser(ctx, m.c.Deps.Session, m.gen))
}

func (m *Model) openLink() tea.Cmd {
	if m.code == nil || m.c.Deps.OpenURL == nil {
		return nil
	}
	return common.ForScreen(m.ID(), openURL(m.c.Deps.OpenURL, m.code.VerificationURL))
}

// fail records a failed attempt and reports it to the error box.
func (m *Model) fail(op string, err error) tea.Cmd {
	m.stop()
	m.failure = err
	m.blockedByCA = connectors.KindOf(err) == connectors.ErrConditionalAccess
	m.setState(stateFailed)
	return common.ReportError(m.ID(), op, err)
}

// attemptContext starts a new attempt: a new gen and a context that stop
// cancels.
func (m *Model) attemptContext() context.Context {
	m.gen++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel = cancel
	return ctx
}

// stop cancels the running attempt, if any. Its late result is dropped by
// gen or state.
func (m *Model) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

func (m *Model) setState(s state) {
	was := m.state
	m.state = s
	if s == stateSignedIn && was != stateSignedIn {
		m.pickFront()
	}
	if s != stateSignedIn {
		m.front = -1
	}
	m.syncKeys()
}

func (m *Model) syncKeys() {
	m.keys.setState(m.state, m.c.CanOpenURL() && !m.appFlow, m.c.CanCopy(), m.switching)
	m.keys.CreateApp.SetEnabled(m.state == stateNoApp || m.appFlow && (m.state == stateFailed || m.state == stateExpired))
	m.keys.EnterID.SetEnabled(m.state == stateNoApp || m.appFlow && m.state == stateFailed)
	if m.appFlow {
		m.keys.Browser.SetEnabled(false)
	}
	has := map[string]bool{}
	for _, f := range m.forms {
		has[f.ID()] = true
	}
	m.keys.Distributor.SetEnabled(m.state == stateSignedIn && has["distributor"])
	m.keys.PSA.SetEnabled(m.state == stateSignedIn && has["psa"])
}

// remaining is how long the shown code stays valid.
func (m *Model) remaining() time.Duration {
	if m.code == nil {
		return 0
	}
	return m.code.ExpiresOn.Sub(m.c.Now())
}

func (m *Model) expired() bool { return m.code != nil && m.remaining() <= 0 }

func accountName(a connectors.Account) string {
	if a.Name != "" && a.Username != "" {
		return a.Name + " <" + a.Username + ">"
	}
	if a.Username != "" {
		return a.Username
	}
	return a.Name
}
