package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"
	"github.com/pkg/browser"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/workflow"
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
	cfg, err := f.Config(ctx)
	if err != nil {
		return err
	}
	st, err := f.Store()
	if err != nil {
		return err
	}
	f.SecretsBackend() // settle keyring or file before the wizard takes the screen
	opener := browserOpener()
	// Session and Customers are built when first used: without an
	// application id the Connect step first creates the application (or
	// takes its id), and only then can the Microsoft client exist.
	lazy := &lazyDeps{f: f, opener: opener}
	deps := common.Deps{
		Session:   lazySession{lazy},
		Customers: lazyCustomers{lazy},
		Progress:  st,
		OpenURL:   opener,
		Sandbox:   f.sandbox,
		Debug:     f.debug,
		Command:   strings.Trim(f.hint(""), "`"),
		Readiness: func(ctx context.Context) []workflow.Check {
			lazy.mu.Lock()
			defer lazy.mu.Unlock()
			checks, err := readiness(ctx, f)
			if err != nil {
				return []workflow.Check{{Name: "Readiness", Status: workflow.CheckFail, Detail: err.Error(), Fix: "run `seats doctor`"}}
			}
			return checks
		},
	}
	if cfg.Settings().Microsoft.ClientID == "" {
		deps.AppSetup = &wizardAppSetup{lazy: lazy}
	} else if _, err := lazy.session(ctx); err != nil {
		return err // a client id that cannot make a client: say so now
	}
	opts := f.wizardOptions(ctx)
	deps.Notices = warnings(held.lines())
	c := common.New(ctx, deps, f.stdout)
	// NewProgram draws through c.Output, the same locked writer the clipboard
	// copy uses, so an OSC 52 sequence never lands inside a frame.
	p := tui.NewProgram(c, opts, tea.WithInput(f.stdin))
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	if m, ok := final.(tui.Model); ok {
		return m.Err()
	}
	return nil
}

// lazyDeps builds the Microsoft dependencies on first use, one caller at a
// time (the wizard's commands run on goroutines of their own, and the
// factory builds each thing once, without locks of its own).
type lazyDeps struct {
	f      *factory
	opener func(string) error
	mu     sync.Mutex
}

func (l *lazyDeps) session(ctx context.Context) (*workflow.Session, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, err := l.f.Session(ctx)
	if err != nil {
		return nil, err
	}
	s.OpenURL = l.opener
	return s, nil
}

func (l *lazyDeps) customers(ctx context.Context) (*workflow.Customers, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Customers(ctx)
}

// lazySession is common.Session over lazyDeps.
type lazySession struct{ l *lazyDeps }

func (s lazySession) Account(ctx context.Context) (connectors.Account, bool, error) {
	ss, err := s.l.session(ctx)
	if err != nil {
		return connectors.Account{}, false, err
	}
	return ss.Account(ctx)
}

func (s lazySession) StartDeviceCode(ctx context.Context) (*microsoft.DeviceCode, error) {
	ss, err := s.l.session(ctx)
	if err != nil {
		return nil, err
	}
	return ss.StartDeviceCode(ctx)
}

func (s lazySession) WaitDeviceCode(ctx context.Context, dc *microsoft.DeviceCode) (connectors.Account, error) {
	ss, err := s.l.session(ctx)
	if err != nil {
		return connectors.Account{}, err
	}
	return ss.WaitDeviceCode(ctx, dc)
}

func (s lazySession) SignInBrowser(ctx context.Context) (connectors.Account, error) {
	ss, err := s.l.session(ctx)
	if err != nil {
		return connectors.Account{}, err
	}
	return ss.SignInBrowser(ctx)
}

func (s lazySession) SignOut(ctx context.Context) error {
	ss, err := s.l.session(ctx)
	if err != nil {
		return err
	}
	return ss.SignOut(ctx)
}

// lazyCustomers is common.Customers over lazyDeps.
type lazyCustomers struct{ l *lazyDeps }

func (c lazyCustomers) Statuses() ([]connectors.CustomerStatus, error) {
	cs, err := c.l.customers(context.Background())
	if err != nil {
		return nil, err
	}
	return cs.Statuses()
}

func (c lazyCustomers) Refresh(ctx context.Context) ([]connectors.CustomerStatus, error) {
	cs, err := c.l.customers(ctx)
	if err != nil {
		return nil, err
	}
	return cs.Refresh(ctx)
}

func (c lazyCustomers) ConsentPartner(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	cs, err := c.l.customers(ctx)
	if err != nil {
		return connectors.CustomerStatus{}, err
	}
	return cs.ConsentPartner(ctx, tenantID)
}

func (c lazyCustomers) AdminConsentURL(tenantID string) string {
	cs, err := c.l.customers(context.Background())
	if err != nil {
		return ""
	}
	return cs.AdminConsentURL(tenantID)
}

func (c lazyCustomers) WaitAdminConsent(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	cs, err := c.l.customers(ctx)
	if err != nil {
		return connectors.CustomerStatus{}, err
	}
	return cs.WaitAdminConsent(ctx, tenantID)
}

// wizardAppSetup is common.AppSetup over the factory: the Connect step's
// way to create seats' application or take its id.
type wizardAppSetup struct {
	lazy  *lazyDeps
	mu    sync.Mutex
	admin *microsoft.AppAdmin
}

func (w *wizardAppSetup) StartCreate(ctx context.Context) (*microsoft.DeviceCode, error) {
	w.lazy.mu.Lock()
	admin, err := w.lazy.f.AppAdmin(ctx)
	w.lazy.mu.Unlock()
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.admin = admin
	w.mu.Unlock()
	return admin.StartDeviceCode(ctx)
}

func (w *wizardAppSetup) FinishCreate(ctx context.Context, dc *microsoft.DeviceCode) (microsoft.AppReport, error) {
	w.mu.Lock()
	admin := w.admin
	w.mu.Unlock()
	if admin == nil {
		return microsoft.AppReport{}, errors.New("the setup sign-in was not started")
	}
	if _, err := admin.WaitDeviceCode(ctx, dc); err != nil {
		return microsoft.AppReport{}, err
	}
	rep, err := admin.EnsureApp(ctx, nil)
	if err != nil {
		return rep, err
	}
	w.lazy.mu.Lock()
	defer w.lazy.mu.Unlock()
	return rep, w.lazy.f.UseClientID(ctx, rep.State.AppID)
}

func (w *wizardAppSetup) UseClientID(id string) error {
	if !appIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not an application id: it looks like 00000000-0000-0000-0000-000000000000", id)
	}
	w.lazy.mu.Lock()
	defer w.lazy.mu.Unlock()
	return w.lazy.f.UseClientID(context.Background(), id)
}

// appIDPattern is the shape of an application (client) id, a GUID.
var appIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

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

// warnings keeps the lines that warn (a missing keyring, a sandbox world
// kept although another seed was asked for); the rest (the sandbox saying
// where it serves) is chatter the wizard's own screen already covers.
func warnings(lines []string) []string {
	var out []string
	for _, l := range lines {
		low := strings.ToLower(l)
		if strings.Contains(low, "warning") || strings.Contains(low, "keeping the existing world") || strings.Contains(low, "cannot") || strings.Contains(low, "could not") {
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
