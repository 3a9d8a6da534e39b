package pick

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func distributors() []Kind {
	return []Kind{
		{Name: "pax8", DisplayName: "Pax8", Description: "an API client id and secret from the Pax8 app (Integrations → API credentials)", Available: true},
		{Name: "sherweb", DisplayName: "Sherweb", Description: "a client id, secret and subscription key from Sherweb's partner portal (Security → APIs)"},
		{Name: "tdsynnex", DisplayName: "TD SYNNEX StreamOne Ion", Description: "an API token from StreamOne Ion"},
		{Name: "partnercenter", DisplayName: "Microsoft direct bill", Description: "your Partner Center invoices, read with the Microsoft sign-in"},
		{Name: "csv", DisplayName: "CSV file", Description: "a CSV export of your subscriptions"},
	}
}

func psas() []Kind {
	return []Kind{
		{Name: "connectwise", DisplayName: "ConnectWise PSA", Description: "an API member's public and private key, your company id and a clientId", Available: true},
		{Name: "autotask", DisplayName: "Autotask", Description: "an API user's name and secret, and its integration code"},
		{Name: "halopsa", DisplayName: "HaloPSA", Description: "an API application's client id and secret"},
	}
}

// fakeSave records the choices saved and answers with err; with hold set,
// each save waits until the test sends on it.
type fakeSave struct {
	mu    sync.Mutex
	calls [][2]string
	err   error
	hold  chan struct{}
}

func (f *fakeSave) save(dist, psa string) error {
	if f.hold != nil {
		<-f.hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, [2]string{dist, psa})
	return f.err
}

func (f *fakeSave) saved() [][2]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][2]string(nil), f.calls...)
}

type fixture struct {
	model   *Model
	harness *tuitest.Harness
	driver  *tuitest.Driver
	save    *fakeSave
}

func newFixture(t *testing.T, opts Options, save *fakeSave) *fixture {
	t.Helper()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	if save == nil {
		save = &fakeSave{}
	}
	opts.Distributors, opts.PSAs = distributors(), psas()
	opts.Save = save.save
	m := New(c, opts)
	m.SetSize(tuitest.SmallWidth, tuitest.SmallHeight)
	h := tuitest.NewHarness(m)
	return &fixture{model: m, harness: h, driver: tuitest.NewDriver(t, h), save: save}
}

func (f *fixture) view() string { return ansi.Strip(f.model.View()) }

func TestFirstRunChoosesAndSaves(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		keys     []string
		wantPSA  string
		wantLine string
	}{
		{"distributor and PSA", []string{"enter", "enter"}, "connectwise", "Pax8 and ConnectWise PSA"},
		{"no PSA for now", []string{"enter", "up", "enter"}, "", "Pax8, no PSA for now"},
		{"space then tab", []string{" ", "tab", "down", "down", "down", " ", "enter"}, "", "Pax8, no PSA for now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Options{}, nil)
			if err := f.model.Gate(); !errors.Is(err, ErrNoDistributor) {
				t.Fatalf("Gate before any choice = %v, want ErrNoDistributor", err)
			}
			f.driver.Press(tt.keys...)
			f.driver.Until("the choice is saved and the step asks to go on", func() bool {
				return f.harness.Nexts == 1 && f.harness.LastStatus() != ""
			})
			if got := f.save.saved(); len(got) != 1 || got[0] != [2]string{"pax8", tt.wantPSA} {
				t.Errorf("saved %v, want one save of pax8, %q", got, tt.wantPSA)
			}
			if err := f.model.Gate(); err != nil {
				t.Errorf("Gate after saving = %v", err)
			}
			if !strings.Contains(f.harness.LastStatus(), tt.wantLine) {
				t.Errorf("status %q lacks %q", f.harness.LastStatus(), tt.wantLine)
			}
			if dist, psa, ok := f.model.Choice(); !ok || dist != "pax8" || psa != tt.wantPSA {
				t.Errorf("Choice() = %q, %q, %v", dist, psa, ok)
			}
		})
	}
}

func TestComingKindsCannotBeChosen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		keys []string
	}{
		{"space on Sherweb", []string{"down", " "}},
		{"enter on the CSV file", []string{"up", "enter"}},
		{"enter on HaloPSA", []string{"tab", "down", "down", "enter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Options{}, nil)
			focus := f.model.focus
			for _, k := range tt.keys {
				f.driver.Press(k)
				if k == "tab" {
					focus = f.model.focus
				}
			}
			f.driver.Until("the screen says the kind is coming", func() bool {
				return strings.Contains(f.harness.LastStatus(), "is coming in a later version")
			})
			if _, _, ok := f.model.Choice(); ok {
				t.Error("a coming kind was chosen")
			}
			for i := range f.model.lists {
				if k, ok := f.model.lists[i].chosenKind(); ok {
					t.Errorf("list %d chose %q", i, k.Name)
				}
			}
			if f.model.focus != focus {
				t.Error("enter on a coming kind moved on")
			}
			if len(f.save.saved()) != 0 || f.harness.Nexts != 0 {
				t.Error("a coming kind was saved")
			}
		})
	}
}

func TestEnterOnPSAListNeedsADistributor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{}, nil)
	f.driver.Press("tab", "enter")
	f.driver.Until("the screen asks for a distributor", func() bool {
		return f.harness.LastStatus() == ErrNoDistributor.Error()
	})
	if f.model.focus != listDistributor {
		t.Error("focus stayed on the PSA list")
	}
	if len(f.save.saved()) != 0 {
		t.Error("saved without a distributor")
	}
	if err := f.model.Gate(); !errors.Is(err, ErrNoDistributor) {
		t.Errorf("Gate = %v", err)
	}
}

func TestRerunShowsTheSavedChoice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		dist, psa  string
		wantChosen []string
		wantGate   error
		wantFocus  int
	}{
		{"both", "pax8", "connectwise", []string{"(•) Pax8", "(•) ConnectWise PSA"}, nil, listPSA},
		{"no PSA", "pax8", "", []string{"(•) Pax8", "(•) None for now"}, nil, listPSA},
		{"PSA kind no longer built", "pax8", "autotask", []string{"(•) Pax8"}, ErrNoPSA, listPSA},
		{"unknown distributor", "ingram", "connectwise", []string{"(•) ConnectWise PSA", `"ingram" is not one`}, ErrNoDistributor, listDistributor},
		{"nothing saved", "", "", nil, ErrNoDistributor, listDistributor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Options{Distributor: tt.dist, PSA: tt.psa}, nil)
			f.model.SetSize(120, 40)
			view := f.view()
			for _, w := range tt.wantChosen {
				if !strings.Contains(view, w) {
					t.Errorf("view lacks %q:\n%s", w, view)
				}
			}
			if got := strings.Count(view, "(•)"); got != len(tt.wantChosen)-strings.Count(strings.Join(tt.wantChosen, ""), "is not one") {
				t.Errorf("%d kinds shown chosen:\n%s", got, view)
			}
			if err := f.model.Gate(); !errors.Is(err, tt.wantGate) {
				t.Errorf("Gate = %v, want %v", err, tt.wantGate)
			}
			if f.model.focus != tt.wantFocus {
				t.Errorf("focus on list %d, want %d", f.model.focus, tt.wantFocus)
			}
		})
	}
}

func TestChangingTheChoiceNeedsASave(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Distributor: "pax8", PSA: "connectwise"}, nil)
	f.driver.Press("down", "down", "down", " ") // None for now
	if err := f.model.Gate(); !errors.Is(err, ErrNotSaved) {
		t.Fatalf("Gate after a change = %v, want ErrNotSaved", err)
	}
	f.driver.Press("enter")
	f.driver.Until("the new choice is saved", func() bool { return f.harness.Nexts == 1 })
	if got := f.save.saved(); len(got) != 1 || got[0] != [2]string{"pax8", ""} {
		t.Errorf("saved %v", got)
	}
}

func TestSaveFailureIsReportedAndKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{}, &fakeSave{err: errors.New("config.yaml is read-only: check its permissions")})
	f.driver.Press("enter", "enter")
	f.driver.Until("the failure is reported", func() bool { return len(f.harness.Errs) == 1 })
	e := f.harness.Errs[0]
	if e.Screen != common.ScreenDistributor || !strings.Contains(e.Error(), "read-only") {
		t.Errorf("error %+v", e)
	}
	if f.harness.Nexts != 0 {
		t.Error("went on after a failed save")
	}
	if err := f.model.Gate(); !errors.Is(err, ErrNotSaved) {
		t.Errorf("Gate = %v, want ErrNotSaved", err)
	}
	if _, _, ok := f.model.Choice(); !ok {
		t.Error("the choice was lost")
	}
	if !f.model.keys.Next.Enabled() {
		t.Error("keys stay off after the save ended")
	}
}

func TestKeysWaitWhileSaving(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	f := newFixture(t, Options{}, &fakeSave{hold: hold})
	f.driver.Press("enter", "enter")
	if !f.model.saving || !strings.Contains(f.view(), "Saving your choice") {
		t.Fatalf("not saving:\n%s", f.view())
	}
	cursor, chosen := f.model.lists[listPSA].cursor, f.model.lists[listPSA].chosen
	f.driver.Press("down", "tab", " ", "enter")
	if f.model.lists[listPSA].cursor != cursor || f.model.lists[listPSA].chosen != chosen || f.model.focus != listPSA {
		t.Error("keys changed the choice while it was being saved")
	}
	if len(f.model.ShortHelp()) == 0 || f.model.keys.Next.Enabled() {
		t.Error("the footer offers keys that do nothing while saving")
	}
	close(hold)
	f.driver.Until("the save ends", func() bool { return f.harness.Nexts == 1 })
	if got := f.save.saved(); len(got) != 1 {
		t.Errorf("%d saves, want 1", len(got))
	}
}

func TestCursorWrapsAndShowsDetails(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{}, nil)
	f.driver.Press("up")
	if got := f.model.lists[listDistributor].cursor; got != 4 {
		t.Errorf("up from the top went to %d, want the last (4)", got)
	}
	if v := f.view(); !strings.Contains(v, "CSV file is coming in a later version of seats.") {
		t.Errorf("details of the highlighted kind missing:\n%s", v)
	}
	f.driver.Press("down")
	if got := f.model.lists[listDistributor].cursor; got != 0 {
		t.Errorf("down from the last went to %d, want 0", got)
	}
}

// TestViewFits: whatever the size, the body never grows past the height
// and width the root gave it, and both lists stay whole.
func TestViewFits(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {80, 18}, {80, 16}, {120, 40}, {100, 30}, {60, 20}} {
		f := newFixture(t, Options{Distributor: "pax8", PSA: "connectwise"}, nil)
		f.model.SetSize(size[0], size[1])
		v := f.model.View()
		if h := lipgloss.Height(v); h > size[1] {
			t.Errorf("%dx%d: %d lines:\n%s", size[0], size[1], h, v)
		}
		for _, l := range strings.Split(v, "\n") {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%dx%d: line %q is %d wide", size[0], size[1], l, w)
			}
		}
		for _, k := range append(distributors(), psas()...) {
			if !strings.Contains(v, k.DisplayName) {
				t.Errorf("%dx%d: %s missing", size[0], size[1], k.DisplayName)
			}
		}
	}
}

// TestRerunOneEnterGoesOn: with a saved choice, the PSA list has focus, so
// enter keeps the choice and goes on.
func TestRerunOneEnterGoesOn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Distributor: "pax8", PSA: "connectwise"}, nil)
	f.driver.Press("enter")
	f.driver.Until("the step asks to go on", func() bool { return f.harness.Nexts == 1 })
	if got := f.save.saved(); len(got) != 1 || got[0] != [2]string{"pax8", "connectwise"} {
		t.Errorf("saved %v", got)
	}
}
