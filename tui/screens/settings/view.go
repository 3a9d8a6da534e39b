package settings

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

const intro = "How seats counts and compares. Each setting is saved to config.yaml under the key shown; " +
	"run seats again to change them."

// View implements common.Screen.
func (m *Model) View() string {
	parts := []string{m.headerView(), ""}
	if m.saving {
		parts = append(parts, m.c.Styles.Muted.Render("Saving the settings…"))
	} else {
		parts = append(parts, m.form.View())
	}
	if hint := m.hintView(); hint != "" {
		parts = append(parts, "", hint)
	}
	return strings.Join(parts, "\n")
}

// headerView is the title, the intro when there is room, where PSA writes
// stand (always: it is the setting with money at stake), and the last
// failure.
func (m *Model) headerView() string {
	st := m.c.Styles
	lines := []string{st.Title.Render("Settings")}
	if m.height <= 0 || m.height >= 30 {
		lines = append(lines, st.Muted.Render(m.wrap(intro)))
	}
	if m.vals.writeEnabled {
		lines = append(lines, st.Warn.Render(m.wrap("! PSA writes are on: seats may change quantities in your PSA, only those you approve.")))
	} else {
		lines = append(lines, st.Good.Render("✓ PSA writes are off: seats only reads your PSA."))
	}
	if m.failure != "" {
		lines = append(lines, st.Bad.Render(m.wrap("✗ "+m.failure)))
	}
	return strings.Join(lines, "\n")
}

func (m *Model) hintView() string {
	st := m.c.Styles
	if m.saving {
		return ""
	}
	return m.wrap("Press " + st.Key.Render("ctrl+s") + " to save and run the first full sync, then see the licence tables.")
}

func (m *Model) wrap(s string) string {
	if m.width <= 0 {
		return s
	}
	return ansi.Wordwrap(s, m.width, "")
}
