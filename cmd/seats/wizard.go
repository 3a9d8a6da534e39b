package main

import (
	"context"
	"errors"
	"os"
	"runtime"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"
	"github.com/pkg/browser"

	"github.com/seats-msp/seats/tui"
	"github.com/seats-msp/seats/tui/common"
)

// runWizard starts the terminal wizard with the real dependencies.
func runWizard(ctx context.Context, f *factory) error {
	if !isTerminal(f.stdin) || !isTerminal(f.stdout) {
		return errors.New("the wizard needs a terminal; in scripts use seats login, consent, status and sync (seats --help lists them)")
	}
	session, err := f.Session(ctx)
	if err != nil {
		return err
	}
	customers, err := f.Customers(ctx)
	if err != nil {
		return err
	}
	st, err := f.Store()
	if err != nil {
		return err
	}
	f.SecretsBackend() // settle keyring or file before the wizard takes the screen
	opener := browserOpener()
	session.OpenURL = opener
	deps := common.Deps{
		Session:   session,
		Customers: customers,
		Progress:  st,
		OpenURL:   opener,
		Sandbox:   f.sandbox,
	}
	c := common.New(ctx, deps, f.stdout)
	// NewProgram draws through c.Output, the same locked writer the clipboard
	// copy uses, so an OSC 52 sequence never lands inside a frame.
	p := tui.NewProgram(c, tea.WithInput(f.stdin))
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	if m, ok := final.(tui.Model); ok {
		return m.Err()
	}
	return nil
}

// isTerminal reports whether v is a file attached to a terminal.
func isTerminal(v any) bool {
	file, ok := v.(*os.File)
	return ok && isatty.IsTerminal(file.Fd())
}

// browserOpener returns a function that opens a link in the browser, or nil
// where no browser can be shown (a Linux server or an SSH session without a
// display): the screens then say to open the link on any device.
func browserOpener() func(string) error {
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil
	}
	return func(url string) error {
		browser.Stdout, browser.Stderr = nil, nil // keep the browser's chatter off the wizard's screen
		return browser.OpenURL(url)
	}
}
