package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"
	"github.com/pkg/browser"

	"github.com/seats-msp/seats/tui"
	"github.com/seats-msp/seats/tui/common"
)

// runWizard starts the terminal wizard with the real dependencies.
func runWizard(ctx context.Context, f *factory) error {
	if dumbTerminal(os.Getenv("TERM")) {
		return errors.New("this terminal (TERM=dumb) cannot show the wizard's full screen; run seats in a terminal such as xterm, or use seats login, consent, status and sync (seats --help lists them)")
	}
	if !isTerminal(f.stdin) || !isTerminal(f.stdout) {
		return errors.New("the wizard needs a terminal; in scripts use seats login, consent, status and sync (seats --help lists them)")
	}
	// What seats prints from here until the wizard takes the screen (the
	// keyring warning, the sandbox's world) would be hidden behind it: keep
	// it and show it inside the wizard instead.
	held := &heldWriter{w: f.stderr}
	realStderr := f.stderr
	f.stderr = held
	defer func() {
		f.stderr = realStderr
		held.release()
	}()
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
		Debug:     f.debug,
		Command:   strings.Trim(f.hint(""), "`"),
		Notices:   held.lines(),
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

// dumbTerminal reports whether TERM names a terminal that cannot move the
// cursor, where a full-screen program is unreadable.
func dumbTerminal(term string) bool { return term == "dumb" }

// heldWriter keeps what is written to it until release, which writes what
// came after lines() was taken to w. Lines written before the wizard starts
// go into it; anything later is printed once the wizard has ended.
type heldWriter struct {
	w        io.Writer
	mu       sync.Mutex
	buf      bytes.Buffer
	seen     int  // bytes already handed out by lines
	released bool // after release, writes go straight to w
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.released {
		return h.w.Write(p)
	}
	return h.buf.Write(p)
}

// lines returns the complete lines written so far and marks them shown.
func (h *heldWriter) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	text := h.buf.String()[h.seen:]
	h.seen = h.buf.Len()
	var out []string
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// release writes to w what lines did not hand out.
func (h *heldWriter) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rest := h.buf.Bytes()[h.seen:]; len(rest) > 0 {
		_, _ = h.w.Write(rest)
	}
	h.seen = h.buf.Len()
	h.released = true
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
