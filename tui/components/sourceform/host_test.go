package sourceform

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// host is the smallest screen hosting a form, the way Connect does: every
// message goes to the form, and its DoneMsg and LeftMsg are recorded.
type host struct {
	form *Model
	done []DoneMsg
	left int
}

var _ common.Screen = (*host)(nil)

func (h *host) Init() tea.Cmd { return h.form.Init() }

func (h *host) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case DoneMsg:
		h.done = append(h.done, msg)
		return h, nil
	case LeftMsg:
		h.left++
		return h, nil
	}
	f, cmd := h.form.Update(msg)
	h.form = f
	return h, cmd
}

func (h *host) View() string              { return h.form.View() }
func (h *host) SetSize(width, height int) { h.form.SetSize(width, height) }
func (h *host) ShortHelp() []key.Binding  { return h.form.ShortHelp() }
func (h *host) FullHelp() [][]key.Binding { return h.form.FullHelp() }
func (h *host) ID() common.ScreenID       { return common.ScreenConnect }
func (h *host) Typing() bool              { return h.form.Typing() }
func (h *host) Gate() error {
	if _, ok := h.form.Connected(); ok {
		return nil
	}
	return errors.New("connect the distributor first")
}

const (
	typedSecret = "pX8-s3cr3t-Zq"
	summary     = "Pax8: 142 companies, 1,310 subscriptions"
)

func requireValue(label string) func(string) error {
	return func(v string) error {
		if v == "" {
			return fmt.Errorf("type the %s", label)
		}
		return nil
	}
}

func httpsURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https:// URL", v)
	}
	return nil
}

func pax8Fields() []Field {
	return []Field{
		{Key: "distributor.pax8.client_id", Label: "Client id", Help: "From the Pax8 app: Integrations → API credentials", Validate: requireValue("client id")},
		{Key: "distributor.pax8.client_secret", Label: "Client secret", Help: "Shown once, when the API credential is created", Secret: true},
		{Key: "distributor.pax8.url", Label: "API URL", Help: "Change only for a Pax8 test environment", Value: "https://api.pax8.com/v1", Validate: httpsURL},
	}
}

type call struct {
	values, secrets map[string]string
}

// fakeSource answers test calls and saves. With block set, a test call
// waits for its context or for release.
type fakeSource struct {
	mu        sync.Mutex
	tests     []call
	saves     []call
	testErr   error
	saveErr   error
	block     bool
	release   chan struct{}
	cancelled chan struct{}
}

func newFakeSource() *fakeSource {
	return &fakeSource{release: make(chan struct{}), cancelled: make(chan struct{}, 4)}
}

func (f *fakeSource) test(ctx context.Context, values, secrets map[string]string) (string, error) {
	f.mu.Lock()
	f.tests = append(f.tests, call{values, secrets})
	block, err := f.block, f.testErr
	f.mu.Unlock()
	if block {
		select {
		case <-ctx.Done():
			f.cancelled <- struct{}{}
			return "", ctx.Err()
		case <-f.release:
		}
	}
	if err != nil {
		return "", err
	}
	return summary, nil
}

func (f *fakeSource) save(values, secrets map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves = append(f.saves, call{values, secrets})
	return f.saveErr
}

func (f *fakeSource) counts() (tests, saves int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tests), len(f.saves)
}

func (f *fakeSource) lastTest() call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tests[len(f.tests)-1]
}

func (f *fakeSource) lastSave() call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.saves[len(f.saves)-1]
}

func (f *fakeSource) set(fn func(f *fakeSource)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

type fixture struct {
	t       *testing.T
	src     *fakeSource
	host    *host
	harness *tuitest.Harness
	driver  *tuitest.Driver
	clock   *tuitest.Clock
}

func newFixture(t *testing.T, connected *Connection) *fixture {
	t.Helper()
	clock := tuitest.NewClock(tuitest.Epoch)
	c, _ := tuitest.NewCommon(t, common.Deps{Now: clock.Now})
	src := newFakeSource()
	fields := pax8Fields()
	if connected != nil {
		fields[0].Value = "client-123" // the setting saved with the connection
	}
	form := New(c, Options{
		ID:        "distributor",
		Screen:    common.ScreenConnect,
		Kind:      "Pax8",
		Title:     "Distributor: Pax8",
		Fields:    fields,
		Connected: connected,
		Test:      src.test,
		Save:      src.save,
	})
	h := &host{form: form}
	h.SetSize(tuitest.SmallWidth, tuitest.SmallHeight)
	harness := tuitest.NewHarness(h)
	return &fixture{t: t, src: src, host: h, harness: harness, driver: tuitest.NewDriver(t, harness), clock: clock}
}

func (f *fixture) model() *Model { return f.host.form }

func (f *fixture) view() string { return ansi.Strip(f.host.View()) }

func (f *fixture) focused() string {
	if f.model().form == nil {
		return ""
	}
	return f.model().form.GetFocusedField().GetKey()
}

// fill types each value into the focused field (after clearing it) and
// presses enter, waiting each time for the form to move on.
func (f *fixture) fill(values ...string) {
	f.t.Helper()
	for _, v := range values {
		from := f.focused()
		tests, _ := f.src.counts()
		f.driver.Press("ctrl+u")
		f.driver.Type(v)
		f.driver.Press("enter")
		f.driver.Until("the form moves on from "+from, func() bool {
			n, _ := f.src.counts()
			return f.focused() != from || n > tests || f.model().state != stateEditing
		})
		f.noSecretShown()
	}
}

// noSecretShown fails the test when the typed secret appears anywhere the
// engineer or the error box could see it.
func (f *fixture) noSecretShown() {
	f.t.Helper()
	if strings.Contains(f.host.View(), typedSecret) {
		f.t.Fatalf("the secret is on screen:\n%s", f.view())
	}
	for _, e := range f.harness.Errs {
		if strings.Contains(e.Error(), typedSecret) {
			f.t.Fatalf("the secret is in an error: %v", e)
		}
	}
	for _, s := range f.harness.Statuses {
		if strings.Contains(s.Text, typedSecret) {
			f.t.Fatalf("the secret is in a status: %q", s.Text)
		}
	}
	for _, e := range f.harness.Ended {
		if strings.Contains(e.Result, typedSecret) {
			f.t.Fatalf("the secret is in a task result: %q", e.Result)
		}
	}
}

func wait(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
