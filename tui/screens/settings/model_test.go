package settings

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

const (
	skuA = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	skuB = "05e9a617-0261-4cee-bb44-138d3ef5d965"
)

// fakeSave records each save and answers with err; with hold set, a save
// waits until the test closes it.
type fakeSave struct {
	mu    sync.Mutex
	calls []map[string]any
	err   error
	hold  chan struct{}
}

func (f *fakeSave) save(changes map[string]any) error {
	if f.hold != nil {
		<-f.hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, changes)
	return f.err
}

func (f *fakeSave) saved() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.calls...)
}

type fixture struct {
	t       *testing.T
	model   *Model
	harness *tuitest.Harness
	driver  *tuitest.Driver
	save    *fakeSave
}

func newFixture(t *testing.T, current config.Settings, save *fakeSave) *fixture {
	t.Helper()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	if save == nil {
		save = &fakeSave{}
	}
	m := New(c, current, save.save)
	m.SetSize(120, 40)
	h := tuitest.NewHarness(m)
	return &fixture{t: t, model: m, harness: h, driver: tuitest.NewDriver(t, h), save: save}
}

func (f *fixture) view() string { return ansi.Strip(f.model.View()) }

func (f *fixture) focused() string { return f.model.form.GetFocusedField().GetKey() }

// focus tabs forward to the field of config key k, waiting for each move.
func (f *fixture) focus(k string) {
	f.t.Helper()
	for i := 0; f.focused() != k; i++ {
		if i > len(f.model.fieldKeys) {
			f.t.Fatalf("no field %q", k)
		}
		from := f.focused()
		f.driver.Press("tab")
		f.driver.Until("focus leaves "+from, func() bool { return f.focused() != from })
	}
}

// retype clears the focused input and types s.
func (f *fixture) retype(s string) {
	f.driver.Press("ctrl+u")
	f.driver.Type(s)
}

func defaults() map[string]any {
	return map[string]any{
		config.KeyBillingBasis:   config.BasisDistributor,
		config.KeyIncludeTrials:  false,
		config.KeyIncludeFree:    false,
		config.KeyTolerance:      0,
		config.KeyIgnoreProducts: []string{},
		config.KeyConcurrency:    8,
		config.KeyStaleAfter:     "24h",
		config.KeyWriteEnabled:   false,
		config.KeyEffectiveDate:  config.EffectiveToday,
	}
}

func TestSafeDefaultsSave(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	if err := f.model.Gate(); !errors.Is(err, ErrNotSaved) {
		t.Fatalf("Gate before saving = %v", err)
	}
	if !strings.Contains(f.view(), "✓ PSA writes are off: seats only reads your PSA.") {
		t.Errorf("the read-only default is not said:\n%s", f.view())
	}
	f.driver.Press("ctrl+s")
	f.driver.Until("saved and asked to go on", func() bool { return f.harness.Nexts == 1 })
	got := f.save.saved()
	if len(got) != 1 || !reflect.DeepEqual(got[0], defaults()) {
		t.Errorf("saved %#v,\nwant %#v", got, defaults())
	}
	if err := f.model.Gate(); err != nil {
		t.Errorf("Gate after saving = %v", err)
	}
}

func TestRerunShowsAndKeepsCurrentValues(t *testing.T) {
	t.Parallel()
	var s config.Settings
	s.Billing.Basis = config.BasisAssigned
	s.Billing.IncludeTrials = true
	s.Reconcile.Tolerance = 2
	s.Reconcile.IgnoreProducts = []string{skuA, skuB}
	s.Sync.Concurrency = 4
	s.Sync.StaleAfter = 90 * time.Minute
	s.PSA.WriteEnabled = true
	s.PSA.EffectiveDate = config.EffectiveNextMonth
	f := newFixture(t, s, nil)
	v := f.view()
	for _, want := range []string{
		"the licences assigned to users (assigned)", "> 2", "> " + skuA + ", " + skuB, "> 4", "> 1h30m",
		"on: write the corrections you approve", "> first-of-next-month", "! PSA writes are on",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	f.driver.Press("ctrl+s")
	f.driver.Until("saved", func() bool { return f.harness.Nexts == 1 })
	want := map[string]any{
		config.KeyBillingBasis:   config.BasisAssigned,
		config.KeyIncludeTrials:  true,
		config.KeyIncludeFree:    false,
		config.KeyTolerance:      2,
		config.KeyIgnoreProducts: []string{skuA, skuB},
		config.KeyConcurrency:    4,
		config.KeyStaleAfter:     "1h30m",
		config.KeyWriteEnabled:   true,
		config.KeyEffectiveDate:  config.EffectiveNextMonth,
	}
	if got := f.save.saved(); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("saved %#v,\nwant %#v", got, want)
	}
}

// TestSavedByConfig wires the real config.Save, as the root does, so that
// the keys and typed values the screen sends are ones config takes, and a
// second run shows what the first saved.
func TestSavedByConfig(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cfg, err := config.Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := tuitest.NewCommon(t, common.Deps{})
	m := New(c, cfg.Settings(), cfg.Save)
	m.SetSize(120, 40)
	h := tuitest.NewHarness(m)
	f := &fixture{t: t, model: m, harness: h, driver: tuitest.NewDriver(t, h)}

	f.driver.Press("right") // billing.basis: assigned
	f.focus(config.KeyTolerance)
	f.retype("3")
	f.focus(config.KeyIgnoreProducts)
	f.retype(strings.ToUpper(skuA) + "; " + skuB + ", " + skuA)
	f.focus(config.KeyStaleAfter)
	f.retype("48h")
	f.focus(config.KeyEffectiveDate)
	f.retype("2026-04-01")
	f.driver.Press("ctrl+s")
	f.driver.Until("saved", func() bool { return h.Nexts == 1 || len(h.Errs) > 0 })
	if len(h.Errs) > 0 {
		t.Fatalf("config refused the settings: %v", h.Errs[0])
	}

	again, err := config.Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := again.Settings()
	if s.Billing.Basis != config.BasisAssigned || s.Reconcile.Tolerance != 3 || s.Sync.StaleAfter != 48*time.Hour ||
		!reflect.DeepEqual(s.Reconcile.IgnoreProducts, []string{skuA, skuB}) || s.PSA.EffectiveDate != "2026-04-01" ||
		s.PSA.WriteEnabled || s.Sync.Concurrency != cfg.Settings().Sync.Concurrency {
		t.Errorf("config holds %+v", s)
	}
	rerun := New(c, s, cfg.Save)
	rerun.SetSize(120, 40)
	for _, want := range []string{"(assigned)", "> 3", "> " + skuA + ", " + skuB, "> 48h", "> 2026-04-01"} {
		if v := ansi.Strip(rerun.View()); !strings.Contains(v, want) {
			t.Errorf("re-run view lacks %q:\n%s", want, v)
		}
	}
}

func TestBadValuesAreNotSaved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, typed, want string
	}{
		{config.KeyTolerance, "20000", `type a whole number of seats from 0 to 10000, not "20000"`},
		{config.KeyTolerance, "-1", "from 0 to 10000"},
		{config.KeyIgnoreProducts, "Microsoft 365 E3", `"microsoft" is not a Microsoft SKU id`},
		{config.KeyConcurrency, "0", `type a whole number of calls from 1 to 64, not "0"`},
		{config.KeyStaleAfter, "1d", `type a duration such as 24h, 90m or 168h (a week), not "1d"`},
		{config.KeyStaleAfter, "-5m", "type a duration"},
		{config.KeyEffectiveDate, "2026-02-30", `type today, first-of-next-month or a date as YYYY-MM-DD, not "2026-02-30"`},
		{config.KeyEffectiveDate, "next month", "type today, first-of-next-month"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.typed, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, config.Settings{}, nil)
			f.focus(tt.field)
			f.retype(tt.typed)
			// ctrl+s from the field: the form is rebuilt with the failure
			// over it and the field in front.
			f.driver.Press("ctrl+s")
			if got := f.focused(); got != tt.field {
				t.Errorf("focus on %q, want %q", got, tt.field)
			}
			if v := f.view(); !strings.Contains(v, "✗ ") || !strings.Contains(v, tt.want) {
				t.Errorf("view lacks %q:\n%s", tt.want, v)
			}
			// enter: huh checks the field and stays on it.
			f.driver.Press("enter")
			f.driver.Drain(30 * time.Millisecond)
			if got := f.focused(); got != tt.field {
				t.Errorf("enter left the bad field for %q", got)
			}
			if len(f.save.saved()) != 0 || f.harness.Nexts != 0 {
				t.Error("a bad value was saved")
			}
			if got := f.model.vals; !strings.Contains(f.view(), tt.typed) {
				t.Errorf("what was typed is gone: %+v", got)
			}
		})
	}
}

func TestEnterThroughEveryFieldSaves(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	for _, k := range f.model.fieldKeys {
		if got := f.focused(); got != k {
			t.Fatalf("focus on %q, want %q", got, k)
		}
		f.driver.Press("enter")
		f.driver.Until("the form moves on from "+k, func() bool { return f.focused() != k || f.model.saving })
	}
	f.driver.Until("saved and asked to go on", func() bool { return f.harness.Nexts == 1 })
	if got := f.save.saved(); len(got) != 1 || !reflect.DeepEqual(got[0], defaults()) {
		t.Errorf("saved %#v", got)
	}
}

func TestTurningWritesOnIsSaidAtTheTop(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	f.focus(config.KeyWriteEnabled)
	f.driver.Press("right")
	if v := f.view(); !strings.Contains(v, "! PSA writes are on") {
		t.Errorf("view:\n%s", v)
	}
	f.driver.Press("ctrl+s")
	f.driver.Until("saved", func() bool { return f.harness.Nexts == 1 })
	if got := f.save.saved(); got[0][config.KeyWriteEnabled] != true {
		t.Errorf("psa.write_enabled saved as %v", got[0][config.KeyWriteEnabled])
	}
}

func TestSaveFailureKeepsTheForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, &fakeSave{err: errors.New("config.yaml: permission denied: check who owns the seats folder")})
	f.focus(config.KeyTolerance)
	f.retype("5")
	f.driver.Press("ctrl+s")
	f.driver.Until("the failure is reported", func() bool { return len(f.harness.Errs) == 1 })
	if e := f.harness.Errs[0]; e.Screen != common.ScreenSettings || e.Op != "Save the settings" {
		t.Errorf("error %+v", e)
	}
	if v := f.view(); !strings.Contains(v, "✗ The settings were not saved: config.yaml: permission denied") || !strings.Contains(v, "> 5") {
		t.Errorf("view:\n%s", v)
	}
	if f.harness.Nexts != 0 {
		t.Error("went on after a failed save")
	}
	if err := f.model.Gate(); !errors.Is(err, ErrNotSaved) {
		t.Errorf("Gate = %v", err)
	}
	if !f.model.Typing() || !f.model.keys.Save.Enabled() {
		t.Error("the form is not back for another try")
	}
}

func TestChangeAfterSavingNeedsASave(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	f.driver.Press("ctrl+s")
	f.driver.Until("saved", func() bool { return f.harness.Nexts == 1 })
	f.driver.Press("right") // billing.basis: assigned
	if err := f.model.Gate(); !errors.Is(err, ErrChanged) {
		t.Errorf("Gate after a change = %v, want ErrChanged", err)
	}
	f.driver.Press("left")
	if err := f.model.Gate(); err != nil {
		t.Errorf("Gate with the saved values back = %v", err)
	}
}

func TestKeysWaitWhileSaving(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	f := newFixture(t, config.Settings{}, &fakeSave{hold: hold})
	f.driver.Press("ctrl+s")
	if !f.model.saving || f.model.Typing() || !strings.Contains(f.view(), "Saving the settings") {
		t.Fatalf("not saving:\n%s", f.view())
	}
	f.driver.Press("ctrl+s", "esc", "right")
	if f.harness.Backs != 0 || f.model.vals.basis != config.BasisDistributor {
		t.Error("keys acted while saving")
	}
	for _, k := range f.model.ShortHelp() {
		if k.Enabled() {
			t.Errorf("footer offers %q while saving", k.Help().Key)
		}
	}
	close(hold)
	f.driver.Until("saved", func() bool { return f.harness.Nexts == 1 })
	if n := len(f.save.saved()); n != 1 {
		t.Errorf("%d saves, want 1", n)
	}
}

func TestEscGoesBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	f.driver.Press("esc")
	f.driver.Until("back", func() bool { return f.harness.Backs == 1 })
	if len(f.save.saved()) != 0 {
		t.Error("back saved")
	}
}

func TestHelpHasOneLinePerSetting(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	v := f.view()
	for _, k := range []string{
		config.KeyBillingBasis, config.KeyIncludeTrials, config.KeyIncludeFree, config.KeyTolerance,
		config.KeyIgnoreProducts, config.KeyConcurrency, config.KeyStaleAfter, config.KeyWriteEnabled, config.KeyEffectiveDate,
	} {
		if !strings.Contains(v, k+": ") {
			t.Errorf("no help line names %s:\n%s", k, v)
		}
	}
	if !strings.Contains(v, "psa.write_enabled: seats never writes to your PSA until you turn this on") {
		t.Error("the write setting does not say seats is read-only until turned on")
	}
}

// TestViewFits: the form scrolls inside the body instead of pushing the
// footer off the screen.
func TestViewFits(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {80, 18}, {80, 14}, {120, 40}, {100, 30}} {
		f := newFixture(t, config.Settings{}, nil)
		f.model.SetSize(size[0], size[1])
		f.focus(config.KeyEffectiveDate)
		f.model.failure = "The settings were not saved: config.yaml: permission denied: check who owns the seats folder"
		f.model.layoutForm()
		v := f.model.View()
		if h := lipgloss.Height(v); h > size[1] {
			t.Errorf("%dx%d: %d lines:\n%s", size[0], size[1], h, v)
		}
		for _, l := range strings.Split(v, "\n") {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%dx%d: line %q is %d wide", size[0], size[1], l, w)
			}
		}
		if !strings.Contains(ansi.Strip(v), "PSA changes take effect") {
			t.Errorf("%dx%d: the focused field is scrolled out:\n%s", size[0], size[1], v)
		}
	}
}

// TestChecksAgreeWithConfig: every value the form lets through, config
// takes, and what the form refuses, config refuses too, so that a save
// never fails on a value the form said was fine.
func TestChecksAgreeWithConfig(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key   string
		typed []string
		check func(string) (any, error)
	}{
		{config.KeyTolerance, []string{"0", "10000", "10001", "-1", "3", " 7 ", "x"}, func(s string) (any, error) { return checkTolerance(s) }},
		{config.KeyConcurrency, []string{"1", "64", "65", "0", "8"}, func(s string) (any, error) { return checkConcurrency(s) }},
		{config.KeyStaleAfter, []string{"24h", "90m", "1h30m", "0s", "-1h", "1d", "", "45s"}, func(s string) (any, error) { return checkDuration(s) }},
		{config.KeyEffectiveDate, []string{"today", "first-of-next-month", "2026-04-01", "2026-02-30", "tomorrow", "", "01/04/2026"}, func(s string) (any, error) { return checkEffectiveDate(s) }},
		{config.KeyIgnoreProducts, []string{"", skuA, strings.ToUpper(skuB), skuA + "," + skuB, "e3", skuA + ",nope"}, func(s string) (any, error) { return parseSkuIDs(s) }},
	}
	for _, tt := range tests {
		for _, typed := range tt.typed {
			v, formErr := tt.check(typed)
			if formErr != nil {
				v = typed // what config would be handed if the form let it through
			}
			cfgErr := cfg.Save(map[string]any{tt.key: v})
			if (formErr == nil) != (cfgErr == nil) {
				t.Errorf("%s = %q: form says %v, config says %v", tt.key, typed, formErr, cfgErr)
			}
		}
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{24 * time.Hour, "24h"},
		{90 * time.Minute, "1h30m"},
		{time.Minute, "1m"},
		{45 * time.Second, "45s"},
		{time.Hour + time.Second, "1h0m1s"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
		if d, err := time.ParseDuration(formatDuration(tt.d)); err != nil || d != tt.d {
			t.Errorf("%q does not parse back to %v", formatDuration(tt.d), tt.d)
		}
	}
}

// FuzzParseSkuIDs: whatever is typed, the parser either refuses it with a
// sentence or returns lower-case GUIDs without repeats that parse back to
// themselves.
func FuzzParseSkuIDs(f *testing.F) {
	for _, s := range []string{"", skuA, skuA + ", " + strings.ToUpper(skuA), skuA + ";" + skuB, "x,,y", " , ", "\t" + skuB + "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := parseSkuIDs(s)
		if err != nil {
			if err.Error() == "" {
				t.Error("an error without a sentence")
			}
			return
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if id != strings.ToLower(id) || seen[id] || !guidPattern.MatchString(id) {
				t.Errorf("bad id %q in %v", id, ids)
			}
			seen[id] = true
		}
		again, err := parseSkuIDs(strings.Join(ids, ", "))
		if err != nil || !slices.Equal(again, ids) {
			t.Errorf("%v parsed back as %v, %v", ids, again, err)
		}
	})
}
