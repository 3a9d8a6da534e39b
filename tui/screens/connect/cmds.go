package connect

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/tui/common"
)

// accountMsg carries the cached sign-in found at start.
type accountMsg struct {
	account connectors.Account
	ok      bool
	err     error
}

// deviceCodeMsg carries a new device code, or why none came. gen ties it to
// the attempt that asked, so a late answer to a cancelled attempt is dropped.
type deviceCodeMsg struct {
	gen  int
	code *microsoft.DeviceCode
	err  error
}

// signedInMsg ends a sign-in attempt (device code or browser).
type signedInMsg struct {
	gen     int
	account connectors.Account
	err     error
}

// tickMsg re-draws the countdown once a second while a code is shown.
type tickMsg struct{ gen int }

// openedMsg says whether the browser opened.
type openedMsg struct{ err error }

// Each command below captures what it needs (context, session, ids), never
// the model: commands run on other goroutines.

func checkAccount(ctx context.Context, s common.Session) tea.Cmd {
	return func() tea.Msg {
		acct, ok, err := s.Account(ctx)
		return accountMsg{account: acct, ok: ok, err: err}
	}
}

func startDeviceCode(ctx context.Context, s common.Session, gen int) tea.Cmd {
	return func() tea.Msg {
		dc, err := s.StartDeviceCode(ctx)
		return deviceCodeMsg{gen: gen, code: dc, err: err}
	}
}

func waitDeviceCode(ctx context.Context, s common.Session, dc *microsoft.DeviceCode, gen int) tea.Cmd {
	return func() tea.Msg {
		acct, err := s.WaitDeviceCode(ctx, dc)
		return signedInMsg{gen: gen, account: acct, err: err}
	}
}

func signInBrowser(ctx context.Context, s common.Session, gen int) tea.Cmd {
	return func() tea.Msg {
		acct, err := s.SignInBrowser(ctx)
		return signedInMsg{gen: gen, account: acct, err: err}
	}
}

func tick(gen int) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

func openURL(open func(string) error, url string) tea.Cmd {
	return func() tea.Msg { return openedMsg{err: open(url)} }
}

// appCreatedMsg ends the setup that creates seats' application.
type appCreatedMsg struct {
	gen    int
	report microsoft.AppReport
	err    error
}

// appIDSavedMsg ends saving an application id the user typed.
type appIDSavedMsg struct {
	id  string
	err error
}

// readinessMsg carries the readiness check's lines.
type readinessMsg struct{ checks []workflow.Check }

func startAppCode(ctx context.Context, a common.AppSetup, gen int) tea.Cmd {
	return func() tea.Msg {
		dc, err := a.StartCreate(ctx)
		return deviceCodeMsg{gen: gen, code: dc, err: err}
	}
}

func finishAppCreate(ctx context.Context, a common.AppSetup, dc *microsoft.DeviceCode, gen int) tea.Cmd {
	return func() tea.Msg {
		rep, err := a.FinishCreate(ctx, dc)
		return appCreatedMsg{gen: gen, report: rep, err: err}
	}
}

func saveAppID(a common.AppSetup, id string) tea.Cmd {
	return func() tea.Msg { return appIDSavedMsg{id: id, err: a.UseClientID(id)} }
}

func readiness(ctx context.Context, check func(context.Context) []workflow.Check) tea.Cmd {
	return func() tea.Msg { return readinessMsg{checks: check(ctx)} }
}
