// Package statusbar is the line above the footer that shows running work
// (a spinner, or a progress bar when the work is counted) and then a short
// result that clears itself after a few seconds.
package statusbar

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
)

// ResultTTL is how long a result stays on show.
const ResultTTL = 4 * time.Second

// percentWidth is the room of the percentage after a bar, " 100%":
// bubbles/progress counts it in the bar's width.
const percentWidth = 5

// ClearMsg removes the result numbered Seq, unless a newer one replaced it.
// The status bar schedules it itself; the root routes it here.
type ClearMsg struct{ Seq int }

// Task is one running piece of work.
type Task struct {
	ID    string
	Label string
	Done  int
	Total int // > 0: shown with a progress bar
}

type result struct {
	text  string
	level common.Level
	seq   int
}

// Model is the status bar.
type Model struct {
	styles  *common.Styles
	spinner spinner.Model
	ticking bool // a spinner tick is in flight
	// bar draws counted tasks. It is drawn with ViewAs, without its
	// animation: progress arrives in steps from concurrent work and the bar
	// shows where the work is, so it needs no frame messages.
	bar   progress.Model
	tasks []Task
	// endedEarly holds tasks whose end came before their start: a screen
	// returns both commands at once and they race. The late start is then
	// dropped instead of spinning for ever.
	endedEarly map[string]bool
	result     *result
	seq        int
	ttl        time.Duration
}

// New returns an idle status bar.
func New(styles *common.Styles) Model {
	return Model{
		styles: styles,
		spinner: spinner.New(
			spinner.WithSpinner(spinner.Dot),
			spinner.WithStyle(styles.Spinner),
		),
		bar: styles.NewProgressBar(),
		ttl: ResultTTL,
	}
}

// Tasks returns the running tasks, oldest first.
func (m Model) Tasks() []Task { return append([]Task(nil), m.tasks...) }

// Result returns the result on show, if any.
func (m Model) Result() (text string, level common.Level, ok bool) {
	if m.result == nil {
		return "", common.LevelInfo, false
	}
	return m.result.text, m.result.level, true
}

// Update handles task, status, spinner and clear messages; it ignores the
// rest.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.TaskStartMsg:
		if m.endedEarly[msg.ID] {
			delete(m.endedEarly, msg.ID)
			return m, nil
		}
		m.removeTask(msg.ID)
		m.tasks = append(m.tasks, Task{ID: msg.ID, Label: msg.Label, Total: msg.Total})
		return m, m.startTicking()
	case common.TaskProgressMsg:
		// Progress messages come from concurrent commands and may arrive
		// out of order: the bar only moves forward.
		for i := range m.tasks {
			if m.tasks[i].ID == msg.ID {
				m.tasks[i].Done = max(m.tasks[i].Done, msg.Done)
				m.tasks[i].Total = msg.Total
			}
		}
		return m, nil
	case common.TaskDoneMsg:
		if !m.removeTask(msg.ID) {
			if m.endedEarly == nil {
				m.endedEarly = map[string]bool{}
			}
			m.endedEarly[msg.ID] = true
		}
		if msg.Result == "" {
			return m, nil
		}
		return m, m.show(msg.Result, msg.Level)
	case common.StatusMsg:
		return m, m.show(msg.Text, msg.Level)
	case ClearMsg:
		if m.result != nil && m.result.seq == msg.Seq {
			m.result = nil
		}
		return m, nil
	case spinner.TickMsg:
		if msg.ID != m.spinner.ID() {
			return m, nil
		}
		if len(m.tasks) == 0 {
			// Let the tick chain end; the next task starts a new one.
			m.ticking = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) startTicking() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	return m.spinner.Tick
}

// removeTask drops the task id and reports whether it was running. It
// builds a new slice: Model is a value and copies share the old array.
func (m *Model) removeTask(id string) bool {
	var out []Task
	found := false
	for _, t := range m.tasks {
		if t.ID == id {
			found = true
			continue
		}
		out = append(out, t)
	}
	m.tasks = out
	return found
}

func (m *Model) show(text string, level common.Level) tea.Cmd {
	m.seq++
	seq := m.seq
	m.result = &result{text: text, level: level, seq: seq}
	return tea.Tick(m.ttl, func(time.Time) tea.Msg { return ClearMsg{Seq: seq} })
}

// View renders the bar at width: the newest task (with a count of the
// others), then the result. A long result wraps rather than being cut, so
// that a refusal is always readable.
func (m Model) View(width int) string {
	st := m.styles.Status
	var task string
	if n := len(m.tasks); n > 0 {
		t := m.tasks[n-1]
		task = m.taskView(t, width)
		if n > 1 {
			task += st.Task.Render(fmt.Sprintf(" (+%d more)", n-1))
		}
	}
	res := ""
	if m.result != nil {
		res = m.resultStyle(m.result.level).Render(m.result.level.Marker() + " " + m.result.text)
	}
	switch {
	case task == "" && res == "":
		return ""
	case res == "":
		return ansi.Truncate(task, width, "…")
	case task == "":
		return m.wrap(res, width)
	}
	if lipgloss.Width(task)+3+lipgloss.Width(res) <= width {
		return task + st.Task.Render(" │ ") + res
	}
	return ansi.Truncate(task, width, "…") + "\n" + m.wrap(res, width)
}

func (m Model) taskView(t Task, width int) string {
	st := m.styles.Status
	if t.Total <= 0 {
		return m.spinner.View() + " " + st.Task.Render(t.Label)
	}
	// The count says how far the work is without colour, and when the
	// line is too narrow for a bar.
	label := st.Task.Render(fmt.Sprintf("%s %d/%d ", t.Label, t.Done, t.Total))
	barWidth := min(width/3, 40)
	if barWidth < 10 {
		return label
	}
	bar := m.bar
	bar.Width = barWidth + percentWidth
	return label + bar.ViewAs(float64(min(t.Done, t.Total))/float64(t.Total))
}

func (m Model) resultStyle(l common.Level) lipgloss.Style {
	st := m.styles.Status
	switch l {
	case common.LevelSuccess:
		return st.Success
	case common.LevelWarning:
		return st.Warning
	case common.LevelFailure:
		return st.Failure
	}
	return st.Info
}

func (m Model) wrap(s string, width int) string {
	if width <= 0 || lipgloss.Width(s) <= width {
		return s
	}
	return strings.TrimRight(m.styles.Plain.Width(width).Render(s), " ")
}
