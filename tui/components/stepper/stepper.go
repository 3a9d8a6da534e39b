// Package stepper draws the wizard's header: the program name, which step
// is in front, every step with a marker for done, current, to do or coming
// soon, and a SANDBOX badge when the data is not real.
package stepper

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
)

// State is where one step stands.
type State int

// The step states, each with a marker that reads without colour.
const (
	Todo State = iota
	Current
	Done
	Soon // the step has not landed in this version and cannot be entered
)

// Marker is the state's text marker.
func (s State) Marker() string {
	switch s {
	case Current:
		return "●"
	case Done:
		return "✓"
	case Soon:
		return "◌"
	default:
		return "○"
	}
}

// Step is one entry of the header.
type Step struct {
	ID    common.ScreenID
	State State
}

// View renders the header at width: a title line and a line of steps, with
// the header's bottom rule. It shortens itself to fit: first the "soon"
// labels go, then the spacing, then the legend.
func View(st *common.Styles, steps []Step, width int, sandbox bool) string {
	hs := st.Header
	cur, pos := common.ScreenNone, 0
	for i, s := range steps {
		if s.State == Current {
			cur, pos = s.ID, i+1
		}
	}
	title := hs.Title.Render("seats")
	if cur != common.ScreenNone {
		title += hs.Legend.Render(fmt.Sprintf(" · Step %d of %d · ", pos, len(steps))) + st.Title.Render(cur.Title())
	}
	badge := ""
	if sandbox {
		badge = hs.Badge.Render("[SANDBOX]")
	}

	row := ""
	compact := false
	for _, form := range []struct {
		soonLabel bool
		sep       string
	}{{true, "  "}, {false, "  "}, {false, " "}} {
		row = stepsRow(hs, steps, form.soonLabel, form.sep)
		compact = !form.soonLabel
		if lipgloss.Width(row) <= width {
			break
		}
	}
	row = ansi.Truncate(row, width, "…")

	legend := "✓ done  ● current  ○ to do  ◌ soon"
	if compact {
		legend = "◌ = coming soon"
	}
	line1 := title
	for _, l := range []string{legend, ""} {
		right := strings.TrimSpace(hs.Legend.Render(l) + " " + badge)
		if l == "" {
			right = badge
		}
		gap := width - lipgloss.Width(title) - lipgloss.Width(right)
		if gap >= 2 || right == "" {
			if gap < 1 {
				gap = 1
			}
			line1 = title + strings.Repeat(" ", gap) + right
			break
		}
	}
	line1 = ansi.Truncate(line1, width, "…")
	return hs.Bar.Width(width).Render(line1 + "\n" + row)
}

func stepsRow(hs common.HeaderStyles, steps []Step, soonLabel bool, sep string) string {
	parts := make([]string, 0, len(steps))
	for _, s := range steps {
		text := s.State.Marker() + " " + s.ID.Short()
		style := hs.StepTodo
		switch s.State {
		case Current:
			style = hs.StepCurrent
		case Done:
			style = hs.StepDone
		case Soon:
			style = hs.StepSoon
			if soonLabel {
				text += " (soon)"
			}
		}
		parts = append(parts, style.Render(text))
	}
	return strings.Join(parts, sep)
}
