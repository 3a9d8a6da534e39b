package connect

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/sourceform"
	"github.com/seats-msp/seats/tui/tuitest"
)

// sourcesFixture is the screen signed in, with a distributor form whose
// test passes on the secret "right" only.
type sourcesFixture struct {
	*fixture
	builds atomic.Int32
	mu     sync.Mutex
	saved  map[string]string
}

func setupWithSources(t *testing.T) *sourcesFixture {
	t.Helper()
	sf := &sourcesFixture{}
	clockFixture := setup(t, false, func(fs *fakeSession) { fs.account, fs.signedIn = alex, true })
	sources := func() []sourceform.Options {
		sf.builds.Add(1)
		return []sourceform.Options{{
			ID: "distributor", Screen: common.ScreenConnect, Kind: "Pax8", Title: "Distributor: Pax8",
			Fields: []sourceform.Field{
				{Key: "distributor.pax8.client_id", Label: "Client id", Value: "abc"},
				{Key: "distributor.pax8.client_secret", Label: "Client secret", Secret: true},
			},
			Test: func(_ context.Context, _, secrets map[string]string) (string, error) {
				if secrets["distributor.pax8.client_secret"] != "right" {
					return "", errors.New("Pax8 refused the client secret")
				}
				return "Pax8: 3 companies, 9 subscriptions", nil
			},
			Save: func(values, _ map[string]string) error {
				sf.mu.Lock()
				defer sf.mu.Unlock()
				sf.saved = values
				return nil
			},
		}}
	}
	// A screen of the same session, now with the sources.
	c, _ := tuitest.NewCommon(t, common.Deps{Session: clockFixture.session, Now: clockFixture.clock.Now})
	s := New(c, sources)
	s.SetSize(tuitest.Width, tuitest.Height)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	sf.fixture = &fixture{session: clockFixture.session, clock: clockFixture.clock, screen: s, h: h, d: d}
	sf.until(stateSignedIn)
	return sf
}

func TestSourcesConnectAfterSignIn(t *testing.T) {
	t.Parallel()
	f := setupWithSources(t)
	if f.screen.front != 0 || !f.screen.Typing() {
		t.Fatalf("signed in: front %d, typing %v; want the distributor form in front", f.screen.front, f.screen.Typing())
	}
	var notConnected ErrSourceNotConnected
	if err := f.screen.Gate(); !errors.As(err, &notConnected) || !strings.Contains(err.Error(), "Pax8") {
		t.Fatalf("Gate before connecting = %v", err)
	}
	// A wrong secret: the test fails, the form stays, nothing saved.
	f.d.Press("tab")
	f.d.Until("the secret field has focus", func() bool { return strings.Contains(f.view(), "┃ Client secret") })
	f.d.Type("wrong")
	f.d.Press("enter")
	f.d.Until("the refusal shows", func() bool { return strings.Contains(f.view(), "refused the client secret") })
	if f.saved != nil {
		t.Fatal("a failed test saved the settings")
	}
	if strings.Contains(f.view(), "wrong") {
		t.Error("the typed secret is on the screen")
	}
	// The right one connects, and the gate opens. After a failed test the
	// form starts at its first field again.
	f.d.Press("tab")
	f.d.Until("the secret field has focus again", func() bool { return strings.Contains(f.view(), "┃ Client secret") })
	for range 5 {
		f.d.Press("backspace")
	}
	f.d.Type("right")
	f.d.Press("enter")
	f.d.Until("connected", func() bool { _, ok := f.screen.forms[0].Connected(); return ok })
	f.d.Until("the form leaves the front", func() bool { return f.screen.front == -1 })
	if err := f.screen.Gate(); err != nil {
		t.Fatalf("Gate after connecting = %v", err)
	}
	if v := ansi.Strip(f.screen.View()); !strings.Contains(v, "✓ Pax8: 3 companies, 9 subscriptions") {
		t.Errorf("the connected source is not summed up:\n%s", v)
	}
	// d brings it back to change it.
	f.d.Press("d")
	if f.screen.front != 0 || !f.screen.Typing() {
		t.Errorf("d: front %d typing %v", f.screen.front, f.screen.Typing())
	}
}

func TestSourcesRebuiltWhenTheChoiceChanges(t *testing.T) {
	t.Parallel()
	f := setupWithSources(t)
	before := f.builds.Load()
	f.d.Send(common.SourcesChangedMsg{})
	if f.builds.Load() != before+1 {
		t.Errorf("SourcesChangedMsg built the forms %d times, want once", f.builds.Load()-before)
	}
}
