package common_test

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

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
