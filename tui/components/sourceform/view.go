package sourceform

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// secretShown stands for a typed secret: fixed, so not even its length
// shows.
const secretShown = "••••••••"

// View draws the connection, the form, or the running test.
func (m *Model) View() string {
	parts := []string{m.headerView()}
	switch m.state {
	case stateConnected:
		parts = append(parts, "", m.connectedView())
	case stateEditing:
		if m.form != nil {
			parts = append(parts, "", m.form.View())
		}
	case stateTesting, stateSaving:
		parts = append(parts, "", m.valuesView(m.values, "(the stored one)"))
	}
	if hint := m.hintView(); hint != "" {
		parts = append(parts, "", hint)
	}
	return strings.Join(parts, "\n")
}

// headerView is the title and, over the form, the last failure or note.
func (m *Model) headerView() string {
	st := m.c.Styles
	title := m.opts.Title
	if title == "" {
		title = m.opts.Kind
	}
	lines := []string{st.Title.Render(title)}
	switch {
	case m.state == stateTesting:
		lines = append(lines, st.Text.Render(m.wrap("Testing the connection to "+m.opts.Kind+"…")))
	case m.state == stateSaving:
		lines = append(lines, st.Good.Render(m.wrap("✓ The connection works. Saving it…")))
	case m.state == stateEditing && m.failure != "":
		lines = append(lines, st.Bad.Render(m.wrap("✗ "+m.failure)))
	case m.state == stateEditing && m.notice != "":
		lines = append(lines, st.Muted.Render(m.wrap(m.notice)))
	}
	return strings.Join(lines, "\n")
}

func (m *Model) connectedView() string {
	st := m.c.Styles
	c := m.connected
	lines := []string{
		st.Good.Render("✓ Connected") + st.Text.Render(" — "+m.wrap(c.Summary)),
	}
	if !c.CheckedAt.IsZero() {
		lines = append(lines, st.Muted.Render("  Checked "+c.CheckedAt.Format("2 Jan 2006 15:04")+
			" ("+ago(m.c.Now().Sub(c.CheckedAt))+")"))
	}
	lines = append(lines, "", m.valuesView(m.current, "(stored)"))
	return strings.Join(lines, "\n")
}

// valuesView lists values, one per field, secrets masked; storedSecret
// stands for a secret not typed.
func (m *Model) valuesView(values []string, storedSecret string) string {
	st := m.c.Styles
	labelW := 0
	for _, f := range m.opts.Fields {
		labelW = max(labelW, lipgloss.Width(f.Label))
	}
	lines := make([]string, 0, len(m.opts.Fields))
	for i, f := range m.opts.Fields {
		v := strings.TrimSpace(values[i])
		switch {
		case f.Secret && v == "":
			v = storedSecret
		case f.Secret:
			v = secretShown
		case v == "":
			v = "(empty)"
		}
		label := f.Label + strings.Repeat(" ", labelW-lipgloss.Width(f.Label))
		line := "  " + label + "  " + v
		if m.width > 0 {
			line = ansi.Truncate(line, m.width, "…")
		}
		lines = append(lines, st.Muted.Render(line))
	}
	return strings.Join(lines, "\n")
}

// hintView says what the keys do now.
func (m *Model) hintView() string {
	st := m.c.Styles
	k := st.Key.Render
	var s string
	switch m.state {
	case stateConnected:
		s = "Press " + k("c") + " to change the connection."
	case stateEditing:
		s = "Press " + k("enter") + " on the last field to test the connection; it is saved only if the test passes."
	case stateTesting:
		s = "Press " + k("esc") + " to cancel the test."
	}
	if s == "" {
		return ""
	}
	return m.wrap(s)
}

func (m *Model) wrap(s string) string {
	if m.width <= 0 {
		return s
	}
	return ansi.Wordwrap(s, m.width, "")
}

// ago says how long ago something happened, roughly.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}
