package statusbar

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	_ "github.com/seats-msp/seats/tui/tuitest" // ASCII colour profile
)

func TestTasksAndResults(t *testing.T) {
	t.Parallel()
	m := New(common.DefaultStyles())
	if v := m.View(80); v != "" {
		t.Fatalf("idle bar shows %q", v)
	}
	m, cmd := m.Update(common.TaskStartMsg{ID: "refresh", Label: "Loading customers…"})
	if cmd == nil {
		t.Fatal("the first task should start the spinner")
	}
	if _, again := m.Update(common.TaskStartMsg{ID: "other", Label: "Other"}); again != nil {
		t.Error("a second task must not start a second spinner chain")
	}
	if v := ansi.Strip(m.View(80)); !strings.Contains(v, "Loading customers…") {
		t.Errorf("view %q lacks the task", v)
	}

	m, _ = m.Update(common.TaskStartMsg{ID: "bulk", Label: "Consenting", Total: 10})
	m, _ = m.Update(common.TaskProgressMsg{ID: "bulk", Done: 5, Total: 10})
	m, _ = m.Update(common.TaskProgressMsg{ID: "bulk", Done: 3, Total: 10}) // late, out of order
	v := ansi.Strip(m.View(100))
	for _, w := range []string{"Consenting 5/10", "█", "░", " 50%", "(+1 more)"} {
		if !strings.Contains(v, w) {
			t.Errorf("view %q lacks %q", v, w)
		}
	}

	m, clear := m.Update(common.TaskDoneMsg{ID: "bulk", Result: "Bulk consent: 9 Ready, 1 not", Level: common.LevelWarning})
	if clear == nil {
		t.Fatal("a result should schedule its clearing")
	}
	if v := ansi.Strip(m.View(100)); !strings.Contains(v, "! Bulk consent: 9 Ready, 1 not") || !strings.Contains(v, "Loading customers…") {
		t.Errorf("view %q should show the remaining task and the result with its marker", v)
	}
	text, level, ok := m.Result()
	if !ok || level != common.LevelWarning || text != "Bulk consent: 9 Ready, 1 not" {
		t.Errorf("Result() = %q %v %v", text, level, ok)
	}

	// A newer result survives the clearing of an older one.
	m, _ = m.Update(common.StatusMsg{Text: "Code copied", Level: common.LevelSuccess})
	m, _ = m.Update(ClearMsg{Seq: 1})
	if _, _, ok := m.Result(); !ok {
		t.Error("clearing an old result removed the new one")
	}
	m, _ = m.Update(ClearMsg{Seq: 2})
	if _, _, ok := m.Result(); ok {
		t.Error("the result did not clear")
	}
}

func TestSpinnerStopsWhenIdle(t *testing.T) {
	t.Parallel()
	m := New(common.DefaultStyles())
	m, _ = m.Update(common.TaskStartMsg{ID: "a", Label: "A"})
	m, _ = m.Update(common.TaskDoneMsg{ID: "a"})
	m, cmd := m.Update(spinner.TickMsg{ID: m.spinner.ID()})
	if cmd != nil {
		t.Error("the spinner kept ticking with no task")
	}
	if _, cmd := m.Update(common.TaskStartMsg{ID: "b", Label: "B"}); cmd == nil {
		t.Error("a new task after idling should restart the spinner")
	}
}

func TestLongResultWraps(t *testing.T) {
	t.Parallel()
	m := New(common.DefaultStyles())
	long := "Continue needs at least one Ready customer: consent one with c, or all eligible with a"
	m, _ = m.Update(common.StatusMsg{Text: long, Level: common.LevelWarning})
	v := ansi.Strip(m.View(60))
	if strings.Count(v, "\n") < 1 {
		t.Errorf("a long result should wrap at 60 columns: %q", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Errorf("line wider than 60: %q", l)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(v), " "), "! "+long) {
		t.Errorf("the whole text should be there: %q", v)
	}
}

func TestEndBeforeStart(t *testing.T) {
	t.Parallel()
	m := New(common.DefaultStyles())
	// The work answered before the start message was handled.
	m, _ = m.Update(common.TaskDoneMsg{ID: "refresh", Result: "Loaded 3 customers", Level: common.LevelSuccess})
	m, _ = m.Update(common.TaskStartMsg{ID: "refresh", Label: "Loading customers…"})
	if n := len(m.Tasks()); n != 0 {
		t.Errorf("%d tasks running: a late start must not spin for ever", n)
	}
	// The next run of the same task works as usual.
	m, _ = m.Update(common.TaskStartMsg{ID: "refresh", Label: "Loading customers…"})
	if n := len(m.Tasks()); n != 1 {
		t.Errorf("%d tasks running, want 1", n)
	}
}

func TestProgressBar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		done, total int
		width       int
		full, empty int // cells of █ and ░
		percent     string
	}{
		// At 100 columns the bar takes a third: 33 cells and " nnn%".
		{"none yet", 0, 30, 100, 0, 33, "   0%"},
		{"under way", 12, 30, 100, 13, 20, "  40%"},
		{"done", 30, 30, 100, 33, 0, " 100%"},
		{"more done than counted", 31, 30, 100, 33, 0, " 100%"},
		{"at most 40 cells", 15, 30, 200, 20, 20, "  50%"},
		{"too narrow for a bar", 12, 30, 24, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := New(common.DefaultStyles())
			m, _ = m.Update(common.TaskStartMsg{ID: "bulk", Label: "Consenting", Total: tt.total})
			m, _ = m.Update(common.TaskProgressMsg{ID: "bulk", Done: tt.done, Total: tt.total})
			raw := m.View(tt.width)
			// The test profile is ASCII, as under NO_COLOR: no escape
			// codes, and the characters and the count carry the meaning.
			if strings.Contains(raw, "\x1b[") {
				t.Errorf("escape codes under the ASCII profile: %q", raw)
			}
			count := "Consenting " + strconv.Itoa(tt.done) + "/" + strconv.Itoa(tt.total)
			if !strings.HasPrefix(raw, count) {
				t.Errorf("view %q should start with the count %q", raw, count)
			}
			if n := strings.Count(raw, "█"); n != tt.full {
				t.Errorf("%d cells done, want %d: %q", n, tt.full, raw)
			}
			if n := strings.Count(raw, "░"); n != tt.empty {
				t.Errorf("%d cells to do, want %d: %q", n, tt.empty, raw)
			}
			if !strings.HasSuffix(raw, tt.percent) {
				t.Errorf("view %q should end with %q", raw, tt.percent)
			}
			if w := ansi.StringWidth(raw); w > tt.width {
				t.Errorf("view %d cells wide at %d columns: %q", w, tt.width, raw)
			}
		})
	}
}
