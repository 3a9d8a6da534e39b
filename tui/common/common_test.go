package common_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/seats-msp/seats/tui/common"
	// tuitest registers -update, so `go test ./tui/... -update` works here too.
	_ "github.com/seats-msp/seats/tui/tuitest"
)

func TestStepIDsRoundTrip(t *testing.T) {
	t.Parallel()
	want := []string{"distributor", "connect", "consent", "accounts", "products", "settings", "licences"}
	steps := common.Steps()
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(steps), len(want))
	}
	for i, id := range steps {
		if id.String() != want[i] {
			t.Errorf("step %d is %q, want %q: saved progress depends on these names", i, id, want[i])
		}
		back, ok := common.ParseStep(id.String())
		if !ok || back != id {
			t.Errorf("common.ParseStep(%q) = %v, %v", id, back, ok)
		}
		if id.Title() == "" || id.Short() == "" {
			t.Errorf("%v has no title", id)
		}
	}
	if _, ok := common.ParseStep("teleport"); ok {
		t.Error("an unknown step parsed")
	}
}

type resultMsg struct{}

func TestForScreen(t *testing.T) {
	t.Parallel()
	if common.ForScreen(common.ScreenConsent, nil) != nil {
		t.Error("a nil command should stay nil")
	}
	tests := []struct {
		name    string
		msg     tea.Msg
		wrapped bool
	}{
		{"screen result", resultMsg{}, true},
		{"error", common.ErrMsg{Screen: common.ScreenConsent, Err: errors.New("x")}, false},
		{"status", common.StatusMsg{Text: "x"}, false},
		{"task end", common.TaskDoneMsg{ID: "x"}, false},
		{"copy", common.CopyMsg{Text: "x"}, false},
		{"next", common.NextMsg{From: common.ScreenConsent}, false},
	}
	for _, tt := range tests {
		got := common.ForScreen(common.ScreenConsent, func() tea.Msg { return tt.msg })()
		sm, ok := got.(common.ScreenMsg)
		if ok != tt.wrapped {
			t.Errorf("%s: wrapped = %v, want %v", tt.name, ok, tt.wrapped)
		}
		if ok && (sm.To != common.ScreenConsent || sm.Msg != tt.msg) {
			t.Errorf("%s: %+v", tt.name, sm)
		}
	}
	if got := common.ForScreen(common.ScreenConsent, func() tea.Msg { return nil })(); got != nil {
		t.Errorf("a nil result became %#v", got)
	}
}

func TestLevelMarkers(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, l := range []common.Level{common.LevelInfo, common.LevelSuccess, common.LevelWarning, common.LevelFailure} {
		m := l.Marker()
		if m == "" || seen[m] {
			t.Errorf("level %d marker %q is empty or shared: NO_COLOR needs them distinct", l, m)
		}
		seen[m] = true
	}
}

// TestProgressBarColours checks that the progress bar, which takes colours
// as strings, draws in the palette for the background and profile of the
// renderer the styles were built on.
func TestProgressBarColours(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		profile termenv.Profile
		dark    bool
		want    []string // sequences expected in the bar
	}{
		// Accent and Border of DefaultPalette, as 24-bit colours (termenv
		// turns #5A3FD9 into 89;63;217).
		{"dark", termenv.TrueColor, true, []string{"38;2;167;139;250m█", "38;2;75;75;75m░"}},
		{"light", termenv.TrueColor, false, []string{"38;2;89;63;217m█", "38;2;189;189;189m░"}},
		{"no colour", termenv.Ascii, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(tt.profile)
			r.SetHasDarkBackground(tt.dark)
			bar := common.NewStyles(r, common.DefaultPalette()).NewProgressBar()
			bar.Width = 20
			v := bar.ViewAs(0.5)
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("bar %q lacks %q", v, w)
				}
			}
			if tt.want == nil && strings.Contains(v, "\x1b[") {
				t.Errorf("bar %q has escape codes without colour", v)
			}
			if plain := ansi.Strip(v); plain != strings.Repeat("█", 8)+strings.Repeat("░", 7)+"  50%" {
				t.Errorf("bar reads %q", plain)
			}
		})
	}
}
