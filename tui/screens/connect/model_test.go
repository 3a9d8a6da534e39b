package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

const testCode = "HKQ7T2RLM"

var alex = connectors.Account{
	Username:        "alex@msp.example",
	Name:            "Alex Admin",
	HomeAccountID:   "oid.tid",
	PartnerTenantID: "7d3c6a52-1f7e-4c1b-9a54-0c7f5e2b9d11",
}

type waitOutcome struct {
	account connectors.Account
	err     error
}

// fakeSession is a Session whose waits block until the test answers or the
// context is cancelled, which it reports on cancelled.
type fakeSession struct {
	mu          sync.Mutex
	account     connectors.Account
	signedIn    bool
	accountErr  error
	startErr    error
	startErrs   []error // given out one per start, before startErr
	expiresIn   time.Duration
	now         func() time.Time
	starts      int
	browsers    int
	signOuts    int
	signOutErr  error
	browserOut  waitOutcome
	waitAnswers chan waitOutcome
	cancelled   chan struct{}
}

func newFakeSession(now func() time.Time) *fakeSession {
	return &fakeSession{
		expiresIn:   15 * time.Minute,
		now:         now,
		waitAnswers: make(chan waitOutcome, 4),
		cancelled:   make(chan struct{}, 8),
		browserOut:  waitOutcome{account: alex},
	}
}

func (f *fakeSession) Account(context.Context) (connectors.Account, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.account, f.signedIn, f.accountErr
}

func (f *fakeSession) StartDeviceCode(context.Context) (*microsoft.DeviceCode, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts++
	if len(f.startErrs) > 0 {
		err := f.startErrs[0]
		f.startErrs = f.startErrs[1:]
		return nil, err
	}
	if f.startErr != nil {
		return nil, f.startErr
	}
	return &microsoft.DeviceCode{
		UserCode:        testCode,
		VerificationURL: "https://microsoft.com/devicelogin",
		Message:         "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code " + testCode + " to authenticate.",
		ExpiresOn:       f.now().Add(f.expiresIn),
	}, nil
}

func (f *fakeSession) WaitDeviceCode(ctx context.Context, _ *microsoft.DeviceCode) (connectors.Account, error) {
	select {
	case out := <-f.waitAnswers:
		return out.account, out.err
	case <-ctx.Done():
		f.cancelled <- struct{}{}
		return connectors.Account{}, &connectors.Error{Kind: connectors.ErrCanceled, Service: "sign-in", Err: ctx.Err()}
	}
}

func (f *fakeSession) SignInBrowser(context.Context) (connectors.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.browsers++
	return f.browserOut.account, f.browserOut.err
}

func (f *fakeSession) SignOut(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signOuts++
	if f.signOutErr == nil {
		f.signedIn = false
	}
	return f.signOutErr
}

func (f *fakeSession) counts() (starts, browsers, signOuts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.starts, f.browsers, f.signOuts
}

type fixture struct {
	session *fakeSession
	clock   *tuitest.Clock
	opened  *[]string
	screen  *Model
	h       *tuitest.Harness
	d       *tuitest.Driver
}

// setup builds the screen around a fake session; configure changes the
// fake before Init. withBrowser gives the machine a browser.
func setup(t *testing.T, withBrowser bool, configure func(*fakeSession)) *fixture {
	t.Helper()
	clock := tuitest.NewClock(tuitest.Epoch)
	fs := newFakeSession(clock.Now)
	if configure != nil {
		configure(fs)
	}
	var mu sync.Mutex
	opened := &[]string{}
	deps := common.Deps{Session: fs, Now: clock.Now}
	if withBrowser {
		deps.OpenURL = func(u string) error {
			mu.Lock()
			defer mu.Unlock()
			*opened = append(*opened, u)
			return nil
		}
	}
	c, _ := tuitest.NewCommon(t, deps)
	s := New(c, nil)
	s.SetSize(tuitest.Width, tuitest.Height)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	return &fixture{session: fs, clock: clock, opened: opened, screen: s, h: h, d: d}
}

func (f *fixture) until(s state) {
	f.d.Until("state "+s.String(), func() bool { return f.screen.state == s })
}

func (f *fixture) view() string { return ansi.Strip(f.screen.View()) }

func enabledHelp(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return out
}

func TestDeviceCodeShown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		withBrowser bool
		wantText    []string
		wantKeys    []string
		notKeys     []string
	}{
		{
			name:        "with a browser",
			withBrowser: true,
			wantText:    []string{"H K Q 7 T 2 R L M", "1. Open: https://microsoft.com/devicelogin", "Expires in 15:00", "Sent to your clipboard (OSC 52)", "Press enter to open the link"},
			wantKeys:    []string{"enter open link in browser", "c copy code", "n new code", "b browser sign-in", "esc cancel"},
		},
		{
			name:        "headless",
			withBrowser: false,
			wantText:    []string{"H K Q 7 T 2 R L M", "Open this link on any device: https://microsoft.com/devicelogin"},
			wantKeys:    []string{"n new code", "esc cancel"},
			// No browser here: b could only fail.
			notKeys: []string{"enter open link in browser", "b browser sign-in"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.withBrowser, nil)
			f.until(stateWaiting)
			f.d.Until("the code copied", func() bool { return len(f.h.Copies) > 0 })
			v := f.view()
			for _, w := range tt.wantText {
				if !strings.Contains(v, w) {
					t.Errorf("view lacks %q:\n%s", w, v)
				}
			}
			keys := strings.Join(enabledHelp(f.screen.ShortHelp()), "|")
			for _, k := range tt.wantKeys {
				if !strings.Contains(keys, k) {
					t.Errorf("footer keys %q lack %q", keys, k)
				}
			}
			for _, k := range tt.notKeys {
				if strings.Contains(keys, k) {
					t.Errorf("footer keys %q show %q, which cannot work here", keys, k)
				}
			}
			if len(f.h.Copies) != 1 || f.h.Copies[0].Text != testCode {
				t.Errorf("copies = %+v, want the code copied once", f.h.Copies)
			}
			if err := f.screen.Gate(); !errors.Is(err, ErrNotSignedIn) {
				t.Errorf("Gate() = %v, want ErrNotSignedIn", err)
			}
		})
	}
}

func TestEnterOpensBrowser(t *testing.T) {
	t.Parallel()
	f := setup(t, true, nil)
	f.until(stateWaiting)
	f.d.Press("enter")
	f.d.Until("the browser opened", func() bool { return f.h.LastStatus() == "Opened the sign-in page in your browser" })
	if got := *f.opened; len(got) != 1 || got[0] != "https://microsoft.com/devicelogin" {
		t.Errorf("opened %v, want the verification URL once", got)
	}
}

func TestCountdownAndExpiry(t *testing.T) {
	t.Parallel()
	f := setup(t, false, nil)
	f.until(stateWaiting)
	gen := f.screen.gen

	f.clock.Advance(61 * time.Second)
	f.d.Send(tickMsg{gen: gen})
	if v := f.view(); !strings.Contains(v, "Expires in 13:59") {
		t.Fatalf("after 61 s the countdown should read 13:59:\n%s", v)
	}
	f.clock.Advance(13*time.Minute + 30*time.Second)
	f.d.Send(tickMsg{gen: gen})
	if v := f.view(); !strings.Contains(v, "! Expires in 0:29") {
		t.Fatalf("under a minute the countdown should warn:\n%s", v)
	}

	f.clock.Advance(30 * time.Second)
	f.d.Send(tickMsg{gen: gen})
	if f.screen.state != stateExpired {
		t.Fatalf("state = %v after expiry, want expired", f.screen.state)
	}
	select {
	case <-f.session.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the wait for the expired code was not cancelled")
	}
	if v := f.view(); !strings.Contains(v, "The sign-in code expired") || !strings.Contains(v, "Press n for a new code") {
		t.Errorf("expiry should offer a new code:\n%s", v)
	}
	f.d.Until("the expiry said in the status bar", func() bool { return strings.Contains(f.h.LastStatus(), "expired") })

	f.d.Press("n")
	f.until(stateWaiting)
	if starts, _, _ := f.session.counts(); starts != 2 {
		t.Errorf("StartDeviceCode called %d times, want 2", starts)
	}
	if v := f.view(); !strings.Contains(v, "Expires in 15:00") {
		t.Errorf("the new code should count down from 15:00:\n%s", v)
	}
}

func TestStaleTickIgnored(t *testing.T) {
	t.Parallel()
	f := setup(t, false, nil)
	f.until(stateWaiting)
	f.clock.Advance(20 * time.Minute)
	f.d.Send(tickMsg{gen: f.screen.gen - 1})
	if f.screen.state != stateWaiting {
		t.Errorf("a tick of an older attempt changed the state to %v", f.screen.state)
	}
}

func TestEscCancelsSignIn(t *testing.T) {
	t.Parallel()
	f := setup(t, false, nil)
	f.until(stateWaiting)
	f.d.Press("esc")
	select {
	case <-f.session.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not cancel the wait's context")
	}
	// The cancelled wait answers late; it must not undo the cancellation.
	f.d.Drain(100 * time.Millisecond)
	if f.screen.state != stateCancelled {
		t.Fatalf("state = %v, want cancelled", f.screen.state)
	}
	if v := f.view(); !strings.Contains(v, "Sign-in cancelled — press n for a new code.") {
		t.Errorf("view should say how to start again:\n%s", v)
	}
	if len(f.h.Errs) != 0 {
		t.Errorf("cancelling is not an error, got %v", f.h.Errs)
	}
}

func TestSignInCompletes(t *testing.T) {
	t.Parallel()
	f := setup(t, false, nil)
	f.until(stateWaiting)
	f.session.waitAnswers <- waitOutcome{account: alex}
	f.until(stateSignedIn)
	f.d.Until("the status said", func() bool { return f.h.LastStatus() != "" })
	if err := f.screen.Gate(); err != nil {
		t.Errorf("Gate() = %v after sign-in, want nil", err)
	}
	if got := f.h.LastStatus(); got != "Signed in as Alex Admin <alex@msp.example>" {
		t.Errorf("status = %q", got)
	}
	f.d.Press("enter")
	f.d.Until("NextMsg sent", func() bool { return f.h.Nexts > 0 })
	if f.h.Nexts != 1 {
		t.Errorf("enter sent %d NextMsg, want 1", f.h.Nexts)
	}
}

func TestSignInFailures(t *testing.T) {
	t.Parallel()
	caErr := &connectors.Error{Kind: connectors.ErrConditionalAccess, Service: "sign-in", Op: "device code",
		Code: "AADSTS53003", Message: "Access has been blocked by Conditional Access policies."}
	tests := []struct {
		name      string
		err       error
		wantState state
		wantText  []string
		wantCA    bool
	}{
		{
			name:     "conditional access",
			err:      caErr,
			wantText: []string{"AADSTS53003", "Conditional Access policy in your tenant blocks sign-in with a device code", "→ Press  b  to sign in with the browser instead.", "The browser sign-in is for tenants whose Conditional Access blocks device code."},
			wantCA:   true,
		},
		{
			name:     "declined",
			err:      &connectors.Error{Kind: connectors.ErrUnauthorized, Service: "sign-in", Code: "authorization_declined"},
			wantText: []string{"✗ Sign-in failed.", "Microsoft refused the sign-in", "Press n for a new code, or b to sign in with the browser"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, true, nil)
			f.until(stateWaiting)
			f.session.waitAnswers <- waitOutcome{err: tt.err}
			f.until(stateFailed)
			f.d.Until("the error reported", func() bool { return len(f.h.Errs) > 0 })
			v := f.view()
			for _, w := range tt.wantText {
				if !strings.Contains(v, w) {
					t.Errorf("view lacks %q:\n%s", w, v)
				}
			}
			if f.screen.blockedByCA != tt.wantCA {
				t.Errorf("blockedByCA = %v, want %v", f.screen.blockedByCA, tt.wantCA)
			}
			if len(f.h.Errs) != 1 || !errors.Is(f.h.Errs[0].Err, tt.err) {
				t.Fatalf("errors reported = %v, want the sign-in error once", f.h.Errs)
			}
			f.d.Press("b")
			f.until(stateSignedIn)
			if _, browsers, _ := f.session.counts(); browsers != 1 {
				t.Errorf("SignInBrowser called %d times, want 1", browsers)
			}
		})
	}
}

func TestMicrosoftEndsTheWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		wantState state
		wantText  string
	}{
		{"declined", &connectors.Error{Kind: connectors.ErrCanceled, Service: "sign-in", Code: "authorization_declined", Message: "the sign-in was declined"},
			stateCancelled, "Sign-in stopped: the sign-in was declined — press n for a new code."},
		{"expired early", &connectors.Error{Kind: connectors.ErrCanceled, Service: "sign-in", Code: "expired_token", Err: microsoft.ErrDeviceCodeExpired},
			stateExpired, "The sign-in code expired before the sign-in finished."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, false, nil)
			f.until(stateWaiting)
			f.session.waitAnswers <- waitOutcome{err: tt.err}
			f.until(tt.wantState)
			if v := f.view(); !strings.Contains(v, tt.wantText) {
				t.Errorf("view lacks %q:\n%s", tt.wantText, v)
			}
			f.d.Drain(20 * time.Millisecond)
			if len(f.h.Errs) != 0 {
				t.Errorf("no error box for this: %v", f.h.Errs)
			}
		})
	}
}

func TestStartFailureOffersRetry(t *testing.T) {
	t.Parallel()
	f := setup(t, false, func(fs *fakeSession) {
		fs.startErr = &connectors.Error{Kind: connectors.ErrUnavailable, Service: "sign-in", Status: 503}
	})
	f.until(stateFailed)
	f.d.Until("the error reported", func() bool { return len(f.h.Errs) > 0 })
	if len(f.h.Errs) != 1 || f.h.Errs[0].Op != "Get a sign-in code from Microsoft" {
		t.Fatalf("errors = %v", f.h.Errs)
	}
	f.session.mu.Lock()
	f.session.startErr = nil
	f.session.mu.Unlock()
	f.d.Press("n")
	f.until(stateWaiting)
}

func TestAlreadySignedIn(t *testing.T) {
	t.Parallel()
	f := setup(t, false, func(fs *fakeSession) { fs.account, fs.signedIn = alex, true })
	f.until(stateSignedIn)
	v := f.view()
	for _, w := range []string{"✓ Signed in as Alex Admin <alex@msp.example>", "Partner tenant  " + alex.PartnerTenantID, "s to switch account"} {
		if !strings.Contains(v, w) {
			t.Errorf("view lacks %q:\n%s", w, v)
		}
	}
	if starts, _, _ := f.session.counts(); starts != 0 {
		t.Errorf("a device code was requested although signed in")
	}
	if err := f.screen.Gate(); err != nil {
		t.Errorf("Gate() = %v, want nil", err)
	}

	// Switching asks first; n keeps the sign-in.
	f.d.Press("s")
	f.until(stateConfirmSwitch)
	if !strings.Contains(f.view(), "stays until the new one succeeds") {
		t.Errorf("the question does not say the sign-in stays:\n%s", f.view())
	}
	f.d.Press("n")
	f.until(stateSignedIn)

	// y starts a new sign-in without signing out; esc goes back to the old.
	f.d.Press("s", "y")
	f.until(stateWaiting)
	if _, _, signOuts := f.session.counts(); signOuts != 0 {
		t.Errorf("SignOut called %d times: the old sign-in must stay until the new one succeeds", signOuts)
	}
	f.d.Press("esc")
	f.until(stateSignedIn)
	if acct, ok := f.screen.Account(); !ok || acct != alex {
		t.Errorf("after esc: %+v, %t; want still signed in as alex", acct, ok)
	}
	if err := f.screen.Gate(); err != nil {
		t.Errorf("Gate() = %v after keeping the sign-in", err)
	}
}

// TestSwitchAccountFailureKeepsSignIn: a new sign-in that fails leaves the
// old one, and esc returns to it.
func TestSwitchAccountFailureKeepsSignIn(t *testing.T) {
	t.Parallel()
	f := setup(t, false, func(fs *fakeSession) { fs.account, fs.signedIn = alex, true })
	f.until(stateSignedIn)
	f.d.Press("s", "y")
	f.until(stateWaiting)
	f.session.waitAnswers <- waitOutcome{err: &connectors.Error{Kind: connectors.ErrUnauthorized, Service: "sign-in", Code: "authorization_declined"}}
	f.until(stateFailed)
	if !strings.Contains(f.view(), "esc keeps the sign-in of Alex Admin") {
		t.Errorf("the failure does not offer the old sign-in:\n%s", f.view())
	}
	f.d.Press("esc")
	f.until(stateSignedIn)
	if acct, _ := f.screen.Account(); acct != alex {
		t.Errorf("account %+v, want alex", acct)
	}
	bob := connectors.Account{Username: "bob@msp.example", PartnerTenantID: alex.PartnerTenantID}
	f.d.Press("s", "y")
	f.until(stateWaiting)
	f.session.waitAnswers <- waitOutcome{account: bob}
	f.until(stateSignedIn)
	if acct, _ := f.screen.Account(); acct != bob {
		t.Errorf("after a successful switch: %+v, want bob", acct)
	}
}

func TestAccountErrorStillStartsDeviceCode(t *testing.T) {
	t.Parallel()
	f := setup(t, false, func(fs *fakeSession) { fs.accountErr = errors.New("token cache unreadable") })
	f.until(stateWaiting)
	f.d.Until("the error reported", func() bool { return len(f.h.Errs) > 0 })
	if len(f.h.Errs) != 1 || f.h.Errs[0].Op != "Read the saved sign-in" {
		t.Errorf("errors = %v, want the cache error reported", f.h.Errs)
	}
}

func TestClockFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Duration
		want string
	}{
		{15 * time.Minute, "15:00"},
		{61 * time.Second, "1:01"},
		{1500 * time.Millisecond, "0:02"},
		{0, "0:00"},
	}
	for _, tt := range tests {
		if got := clock(tt.in); got != tt.want {
			t.Errorf("clock(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLapsedSignInStartsANewCode: a saved sign-in that expired or was
// revoked is no failure to show in the error box: a new code starts and
// the screen says why.
func TestLapsedSignInStartsANewCode(t *testing.T) {
	t.Parallel()
	lapsed := fmt.Errorf("read the saved sign-in: %w", &connectors.Error{Kind: connectors.ErrSignInRequired,
		Service: "sign-in", Op: "use the cached sign-in", Message: "AADSTS700082: the refresh token has expired"})
	f := setup(t, false, func(fs *fakeSession) { fs.accountErr = lapsed })
	f.until(stateWaiting)
	f.d.Until("the status said", func() bool { return f.h.LastStatus() != "" })
	if got, want := f.h.LastStatus(), "Your Microsoft sign-in has expired or was revoked: sign in again"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if v := f.view(); !strings.Contains(v, "! Your Microsoft sign-in has expired or was revoked: sign in again.") ||
		!strings.Contains(v, "H K Q 7 T 2 R L M") {
		t.Errorf("the new code should say why it is asked for:\n%s", v)
	}
	f.d.Drain(20 * time.Millisecond)
	if len(f.h.Errs) != 0 {
		t.Errorf("an expired sign-in is not an error to show: %v", f.h.Errs)
	}
	if starts, _, _ := f.session.counts(); starts != 1 {
		t.Errorf("StartDeviceCode called %d times, want 1", starts)
	}

	f.session.waitAnswers <- waitOutcome{account: alex}
	f.until(stateSignedIn)
	if f.screen.lapsed {
		t.Error("signing in again should clear the note")
	}
}

// fakeAppSetup creates the application at once, or refuses ids that are
// not GUIDs.
type fakeAppSetup struct {
	mu      sync.Mutex
	now     func() time.Time
	created int
	saved   []string
	fail    error
}

func (a *fakeAppSetup) StartCreate(context.Context) (*microsoft.DeviceCode, error) {
	return &microsoft.DeviceCode{UserCode: "SETUPCODE", VerificationURL: "https://microsoft.com/devicelogin", ExpiresOn: a.now().Add(15 * time.Minute)}, nil
}

func (a *fakeAppSetup) FinishCreate(context.Context, *microsoft.DeviceCode) (microsoft.AppReport, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return microsoft.AppReport{}, a.fail
	}
	a.created++
	return microsoft.AppReport{State: microsoft.AppState{Found: true, AppID: "687964f6-260c-4e69-99af-defd267b7cf6"}}, nil
}

func (a *fakeAppSetup) UseClientID(id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(id) != 36 {
		return fmt.Errorf("%q is not an application id", id)
	}
	a.saved = append(a.saved, id)
	return nil
}

func setupNoApp(t *testing.T, app *fakeAppSetup) *fixture {
	t.Helper()
	clock := tuitest.NewClock(tuitest.Epoch)
	app.now = clock.Now
	fs := newFakeSession(clock.Now)
	c, _ := tuitest.NewCommon(t, common.Deps{Session: fs, Now: clock.Now, AppSetup: app})
	s := New(c, nil)
	s.SetSize(80, 24)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	return &fixture{session: fs, clock: clock, screen: s, h: h, d: d}
}

// TestNoApplicationOffersToCreateIt: without an application id the
// Connect step offers to create the application or enter its id; creating
// shows the setup code, then the usual sign-in follows.
func TestNoApplicationOffersToCreateIt(t *testing.T) {
	t.Parallel()
	app := &fakeAppSetup{}
	f := setupNoApp(t, app)
	f.until(stateNoApp)
	v := f.view()
	for _, w := range []string{"Create the seats application in my partner tenant", "I have one: enter its id"} {
		if !strings.Contains(v, w) {
			t.Errorf("the choice lacks %q:\n%s", w, v)
		}
	}
	if starts, _, _ := f.session.counts(); starts != 0 {
		t.Fatal("a sign-in to seats started before there is an application")
	}
	f.d.Press("c")
	f.d.Until("the setup code", func() bool { return strings.Contains(f.view(), "S E T U P C O D E") })
	if !strings.Contains(f.view(), "To create seats' application, sign in as an administrator") {
		t.Errorf("the setup code does not say what it is for:\n%s", f.view())
	}
	f.until(stateWaiting)
	f.d.Until("the usual sign-in follows", func() bool { starts, _, _ := f.session.counts(); return starts == 1 })
	if app.created != 1 || f.screen.appFlow {
		t.Fatalf("created %d, appFlow %v", app.created, f.screen.appFlow)
	}
}

// TestNoApplicationEnterItsID: i takes an id, refuses one that is not an
// application id, and saves a good one.
func TestNoApplicationEnterItsID(t *testing.T) {
	t.Parallel()
	app := &fakeAppSetup{}
	f := setupNoApp(t, app)
	f.until(stateNoApp)
	f.d.Press("i")
	if !f.screen.Typing() {
		t.Fatal("entering the id should take the keys as text")
	}
	f.d.Type("nope")
	f.d.Press("enter")
	f.d.Until("the refusal shown", func() bool { return strings.Contains(f.view(), "is not an application id") })
	for range 4 {
		f.d.Press("backspace")
	}
	f.d.Type("687964f6-260c-4e69-99af-defd267b7cf6")
	f.d.Press("enter")
	f.d.Until("the usual sign-in follows", func() bool { starts, _, _ := f.session.counts(); return starts == 1 })
	if len(app.saved) != 1 || app.saved[0] != "687964f6-260c-4e69-99af-defd267b7cf6" {
		t.Fatalf("saved %q", app.saved)
	}
}

// TestNewApplicationIsTriedAgain: right after the application was created,
// Microsoft may not know it yet; the sign-in is tried again, saying why,
// instead of failing.
func TestNewApplicationIsTriedAgain(t *testing.T) {
	t.Parallel()
	app := &fakeAppSetup{}
	f := setupNoApp(t, app)
	unknown := &connectors.Error{Kind: connectors.ErrBadRequest, Service: "sign-in", Code: "invalid_client",
		Message: "AADSTS700016: Application with identifier 'x' was not found in the directory"}
	f.session.mu.Lock()
	f.session.startErrs = []error{unknown}
	f.session.mu.Unlock()
	f.until(stateNoApp)
	f.d.Press("c")
	f.d.Until("the status says it tries again", func() bool { return strings.Contains(f.h.LastStatus(), "does not know the new application yet") })
	if f.screen.state == stateFailed || len(f.h.Errs) != 0 {
		t.Fatalf("a new application unknown for a moment is a failure: %v", f.h.Errs)
	}
	// The retry comes after appRetryEvery; send it now.
	f.d.Send(appRetryMsg{gen: f.screen.gen})
	f.until(stateWaiting)
	if starts, _, _ := f.session.counts(); starts != 2 {
		t.Fatalf("%d starts, want 2", starts)
	}
}
