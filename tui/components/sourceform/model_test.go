package sourceform

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func TestNewSourceTestsThenSaves(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	if !f.model().Typing() {
		t.Error("the form of a new source should take letter keys")
	}
	f.fill("  client-123 ", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("the source is saved, done, and its task ended", func() bool {
		return len(f.host.done) == 1 && len(f.harness.Started) == 1 && len(f.harness.Ended) == 1
	})

	wantValues := map[string]string{"distributor.pax8.client_id": "client-123", "distributor.pax8.url": "https://api.pax8.com/v1"}
	wantSecrets := map[string]string{"distributor.pax8.client_secret": typedSecret}
	for name, c := range map[string]call{"test": f.src.lastTest(), "save": f.src.lastSave()} {
		if !maps.Equal(c.values, wantValues) || !maps.Equal(c.secrets, wantSecrets) {
			t.Errorf("%s got values %v and %d secrets, want %v and the typed secret", name, c.values, len(c.secrets), wantValues)
		}
	}
	done := f.host.done[0]
	if done.ID != "distributor" || done.Summary != summary || !done.CheckedAt.Equal(tuitest.Epoch) {
		t.Errorf("done %+v", done)
	}
	conn, ok := f.model().Connected()
	if !ok || conn.Summary != summary {
		t.Errorf("Connected() = %+v, %v", conn, ok)
	}
	if err := f.host.Gate(); err != nil {
		t.Errorf("host gate: %v", err)
	}
	if v := f.view(); !strings.Contains(v, "✓ Connected — "+summary) {
		t.Errorf("view after saving:\n%s", v)
	}
	if f.model().Typing() {
		t.Error("the connection view takes no text, so q and ? should reach the root")
	}
	for _, v := range f.model().values {
		if v == typedSecret {
			t.Error("the secret is still held after it was stored")
		}
	}
	if len(f.harness.Started) != 1 || len(f.harness.Ended) != 1 || f.harness.Ended[0].Level != common.LevelSuccess {
		t.Errorf("status bar task: started %v, ended %v", f.harness.Started, f.harness.Ended)
	}
	f.noSecretShown()
}

func TestFailedTestKeepsTheForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.src.set(func(s *fakeSource) {
		s.testErr = errors.New("Pax8 refused the client secret: check it in the Pax8 app (Integrations → API credentials).")
	})
	f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("the failure shows", func() bool { return f.model().failure != "" })

	v := f.view()
	for _, want := range []string{"✗ Pax8 refused the client secret", "client-123", "https://api.pax8.com/v1"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if _, saves := f.src.counts(); saves != 0 {
		t.Error("saved a connection that failed its test")
	}
	if len(f.host.done) != 0 {
		t.Error("done after a failed test")
	}
	if !f.model().Typing() || f.model().state != stateEditing {
		t.Error("the form is not back for a fix")
	}
	f.noSecretShown()
	if f.model().values[1] != typedSecret {
		t.Error("the typed secret was lost: it should stay, masked, for another try")
	}

	// Fix and try again: everything typed is still there.
	f.src.set(func(s *fakeSource) { s.testErr = nil })
	f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("the second try is saved", func() bool { return len(f.host.done) == 1 })
	if tests, saves := f.src.counts(); tests != 2 || saves != 1 {
		t.Errorf("%d tests and %d saves, want 2 and 1", tests, saves)
	}
	if strings.Contains(f.view(), "refused") {
		t.Error("the old failure is still shown after success")
	}
}

func TestValidationStopsBeforeTheTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		values    []string
		wantField string
		wantText  string
	}{
		{"empty client id", []string{""}, "distributor.pax8.client_id", "type the client id"},
		{"blank client id", []string{"   "}, "distributor.pax8.client_id", "type the client id"},
		{"secret required for a new source", []string{"client-123", ""}, "distributor.pax8.client_secret", "type the client secret"},
		{"bad URL", []string{"client-123", typedSecret, "http://api.pax8.com"}, "distributor.pax8.url", "is not an https:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			for i, v := range tt.values {
				if i < len(tt.values)-1 {
					f.fill(v)
					continue
				}
				f.driver.Press("ctrl+u")
				f.driver.Type(v)
				f.driver.Press("enter")
				f.driver.Drain(50 * time.Millisecond)
			}
			if got := f.focused(); got != tt.wantField {
				t.Errorf("focus on %q, want it kept on %q", got, tt.wantField)
			}
			if v := f.view(); !strings.Contains(v, "✗ ") || !strings.Contains(v, tt.wantText) {
				t.Errorf("view lacks %q:\n%s", tt.wantText, v)
			}
			if tests, _ := f.src.counts(); tests != 0 {
				t.Error("tested invalid values")
			}
		})
	}
}

func TestConnectedSourceChangesAndKeepsItsSecret(t *testing.T) {
	t.Parallel()
	f := newFixture(t, &Connection{Summary: summary, CheckedAt: tuitest.Epoch.Add(-3 * time.Hour)})
	v := f.view()
	for _, want := range []string{"✓ Connected — " + summary, "Checked 2 Mar 2026 06:00 (3 h ago)", "Press c to change"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if f.model().Typing() {
		t.Error("Typing() while only the connection shows")
	}
	f.driver.Press("c")
	if f.model().state != stateEditing || f.focused() != "distributor.pax8.client_id" {
		t.Fatalf("c did not open the form:\n%s", f.view())
	}
	for _, want := range []string{"> client-123", "leave empty to keep the stored one", "> https://api.pax8.com/v1"} {
		if v := f.view(); !strings.Contains(v, want) {
			t.Errorf("form not pre-filled with %q:\n%s", want, v)
		}
	}
	// A new client id; the secret left empty.
	f.fill("client-456", "", "https://api.pax8.com/v1")
	f.driver.Until("saved", func() bool { return len(f.host.done) == 1 })
	got := f.src.lastSave()
	if _, ok := got.secrets["distributor.pax8.client_secret"]; ok || len(got.secrets) != 0 {
		t.Errorf("an empty secret was sent as %v: it must be absent so the stored one is kept", got.secrets)
	}
	if got.values["distributor.pax8.client_id"] != "client-456" {
		t.Errorf("values %v", got.values)
	}
	// A later change starts from what was saved.
	f.driver.Press("c")
	if v := f.view(); !strings.Contains(v, "client-456") {
		t.Errorf("the saved client id is not pre-filled:\n%s", v)
	}
}

func TestEscKeepsTheConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, &Connection{Summary: summary, CheckedAt: tuitest.Epoch})
	f.driver.Press("c")
	f.driver.Type("typed-then-abandoned")
	f.driver.Press("esc")
	if f.model().state != stateConnected {
		t.Fatalf("esc left state %d", f.model().state)
	}
	for _, v := range f.model().values {
		if v != "" {
			t.Errorf("abandoned text %q kept", v)
		}
	}
	if tests, saves := f.src.counts(); tests+saves != 0 {
		t.Error("esc tested or saved")
	}
	if f.host.left != 0 {
		t.Error("esc on a connected source left the host")
	}
}

func TestEscOnANewSourceLeaves(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.driver.Press("esc")
	f.driver.Until("the host hears the form was left", func() bool { return f.host.left == 1 })
}

func TestEscCancelsTheTestCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.src.set(func(s *fakeSource) { s.block = true })
	f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("the test runs", func() bool { return f.model().state == stateTesting })
	v := f.view()
	if !strings.Contains(v, "Testing the connection to Pax8") || !strings.Contains(v, secretShown) || !strings.Contains(v, "client-123") {
		t.Errorf("testing view:\n%s", v)
	}
	if f.model().Typing() {
		t.Error("Typing() while testing: nothing takes text")
	}
	f.driver.Press("esc")
	wait(t, f.src.cancelled, "the test call's context to end")
	f.driver.Drain(50 * time.Millisecond)
	if f.model().state != stateEditing || !strings.Contains(f.view(), "Test cancelled") {
		t.Errorf("after esc:\n%s", f.view())
	}
	if _, saves := f.src.counts(); saves != 0 || len(f.host.done) != 0 {
		t.Error("a cancelled test was saved")
	}
	if f.model().values[0] != "client-123" || f.model().values[1] != typedSecret {
		t.Error("what was typed was lost")
	}
	f.noSecretShown()
}

func TestSaveFailureIsReported(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.src.set(func(s *fakeSource) { s.saveErr = errors.New("the system keyring did not answer in 3s") })
	f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("the failure is reported", func() bool { return len(f.harness.Errs) == 1 })
	e := f.harness.Errs[0]
	if e.Screen != common.ScreenConnect || !strings.Contains(e.Op, "Pax8") {
		t.Errorf("error %+v", e)
	}
	if _, ok := f.model().Connected(); ok || len(f.host.done) != 0 {
		t.Error("connected although the save failed")
	}
	if v := f.view(); !strings.Contains(v, "✗ The connection works, but saving it failed: the system keyring") {
		t.Errorf("view:\n%s", v)
	}
}

// TestSecretsAreRedacted: a connector should never echo a secret, but if
// one does, the form and the error box still do not show it.
func TestSecretsAreRedacted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		testErr error
		saveErr error
	}{
		{"test error", errors.New("token request with secret " + typedSecret + " refused"), nil},
		{"save error", nil, errors.New("could not store " + typedSecret)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			f.src.set(func(s *fakeSource) { s.testErr, s.saveErr = tt.testErr, tt.saveErr })
			f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
			f.driver.Until("the failure shows", func() bool { return f.model().failure != "" })
			if !strings.Contains(f.view(), "[redacted]") {
				t.Errorf("view:\n%s", f.view())
			}
			f.noSecretShown()
		})
	}
}

// TestResultsOfAnotherFormAreIgnored: a screen holding two forms forwards
// every message to both; each takes only its own.
func TestResultsOfAnotherFormAreIgnored(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.src.set(func(s *fakeSource) { s.block = true })
	f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("testing", func() bool { return f.model().state == stateTesting })
	gen := f.model().gen
	f.driver.Send(testedMsg{id: "psa", gen: gen, summary: "ConnectWise: 1 company"})
	f.driver.Send(savedMsg{id: "psa", gen: gen})
	if f.model().state != stateTesting {
		t.Errorf("another form's result moved this one to state %d", f.model().state)
	}
	before := f.model().formGen
	f.driver.Send(formMsg{id: "psa", gen: before, msg: nil})
	f.src.set(func(s *fakeSource) { close(s.release) })
	f.driver.Until("saved", func() bool { return len(f.host.done) == 1 })
	if f.host.done[0].Summary != summary {
		t.Errorf("done %+v", f.host.done[0])
	}
}

func TestHelpFollowsTheState(t *testing.T) {
	t.Parallel()
	f := newFixture(t, &Connection{Summary: summary})
	has := func(desc string) bool {
		for _, b := range f.model().ShortHelp() {
			if b.Enabled() && b.Help().Desc == desc {
				return true
			}
		}
		return false
	}
	if !has("change connection") || has("test & save") {
		t.Error("connected: help should offer change only")
	}
	f.driver.Press("c")
	if !has("next field") || !has("keep current connection") || has("change connection") {
		t.Errorf("editing the first field: %v", f.model().ShortHelp())
	}
	f.fill("client-1", "")
	if !has("test & save") {
		t.Error("the last field should say enter tests and saves")
	}
	for _, b := range FormHelp(f.model().form) {
		if b.Help().Key == "" {
			t.Error("a key without help text in the footer")
		}
	}
}

func TestAgo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{5 * time.Minute, "5 min ago"},
		{3 * time.Hour, "3 h ago"},
		{47 * time.Hour, "47 h ago"},
		{72 * time.Hour, "3 days ago"},
	}
	for _, tt := range tests {
		if got := ago(tt.d); got != tt.want {
			t.Errorf("ago(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestSubmitChecksEveryField: huh checks a field when leaving it; submit
// checks them all again, and puts the one at fault in front. huh keeps its
// inputs and m.values in step, so the test calls submit directly.
func TestSubmitChecksEveryField(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.fill("client-123", typedSecret)
	f.model().values[2] = "ftp://api.pax8.com"
	if cmd := f.model().submit(); cmd != nil {
		t.Error("submit started work with a field at fault")
	}
	if got := f.focused(); got != "distributor.pax8.url" {
		t.Errorf("focus on %q, want the API URL", got)
	}
	if v := f.view(); !strings.Contains(v, `✗ API URL: "ftp://api.pax8.com" is not an https:// URL`) {
		t.Errorf("view:\n%s", v)
	}
	if f.model().state != stateEditing {
		t.Errorf("state %d", f.model().state)
	}
}

// TestViewFits: the form scrolls inside the room it is given instead of
// pushing the host's footer off the screen.
func TestViewFits(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {80, 18}, {80, 14}, {120, 40}, {60, 20}} {
		for _, connected := range []bool{false, true} {
			var conn *Connection
			if connected {
				conn = &Connection{Summary: summary, CheckedAt: tuitest.Epoch}
			}
			f := newFixture(t, conn)
			f.host.SetSize(size[0], size[1])
			if connected {
				f.driver.Press("c")
			}
			f.model().failure = "Pax8 refused the client secret: check it in the Pax8 app (Integrations → API credentials), or create a new one."
			f.model().layoutForm()
			v := f.host.View()
			if h := lipgloss.Height(v); h > size[1] {
				t.Errorf("%dx%d connected=%v: %d lines:\n%s", size[0], size[1], connected, h, v)
			}
			for _, l := range strings.Split(v, "\n") {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%dx%d: line %q is %d wide", size[0], size[1], l, w)
				}
			}
		}
	}
}

func TestWithoutTestOrSaveNothingRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.model().opts.Test = nil
	f.fill("client-123", typedSecret, "https://api.pax8.com/v1")
	f.driver.Until("the form says why", func() bool { return f.model().failure != "" })
	if !strings.Contains(f.view(), "seats was built without a way to test or save a Pax8 connection") {
		t.Errorf("view:\n%s", f.view())
	}
	if f.model().state != stateEditing {
		t.Errorf("state %d", f.model().state)
	}
}

// TestKnownSecretMayStayEmpty: a secret seats has already (the environment,
// the secret store) may be left empty; the test runs without one typed.
func TestKnownSecretMayStayEmpty(t *testing.T) {
	t.Parallel()
	clock := tuitest.NewClock(tuitest.Epoch)
	c, _ := tuitest.NewCommon(t, common.Deps{Now: clock.Now})
	src := newFakeSource()
	fields := pax8Fields()
	for i := range fields {
		if fields[i].Secret {
			fields[i].Known = true
		}
	}
	h := &host{form: New(c, Options{ID: "distributor", Screen: common.ScreenConnect, Kind: "Pax8", Fields: fields, Test: src.test, Save: src.save})}
	h.SetSize(tuitest.SmallWidth, tuitest.SmallHeight)
	harness := tuitest.NewHarness(h)
	f := &fixture{t: t, src: src, host: h, harness: harness, driver: tuitest.NewDriver(t, harness), clock: clock}
	f.fill("client-123", "", "https://api.pax8.com/v1")
	f.driver.Until("tested and saved", func() bool { return len(f.host.done) == 1 })
	if got := f.src.lastTest().secrets; len(got) != 0 {
		t.Errorf("the test got secrets %v, want none typed", len(got))
	}
}

// A kind with nothing to fill in (Microsoft direct bill) shows a note, and
// enter tests and saves it.
func TestNothingToFillIn(t *testing.T) {
	t.Parallel()
	clock := tuitest.NewClock(tuitest.Epoch)
	c, _ := tuitest.NewCommon(t, common.Deps{Now: clock.Now})
	src := newFakeSource()
	h := &host{form: New(c, Options{ID: "distributor", Screen: common.ScreenConnect, Kind: "Microsoft (direct bill)",
		Test: src.test, Save: src.save})}
	h.SetSize(tuitest.SmallWidth, tuitest.SmallHeight)
	harness := tuitest.NewHarness(h)
	driver := tuitest.NewDriver(t, harness)
	if v := ansi.Strip(h.View()); !strings.Contains(v, "Nothing to fill in") {
		t.Fatalf("view:\n%s", v)
	}
	driver.Press("enter")
	driver.Until("the connection is tested and saved", func() bool { return len(h.done) == 1 })
	if c := src.lastTest(); len(c.values) != 0 || len(c.secrets) != 0 {
		t.Errorf("test got values %v and secrets %v, want none", c.values, c.secrets)
	}
}
