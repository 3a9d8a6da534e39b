package pick

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// The list titles say what each source is for, so the choice is informed.
var listPurpose = [2]string{
	"what you are billed for",
	"what you bill your customers",
}

const intro = "seats compares what your distributor bills you, what Microsoft shows in each " +
	"customer tenant, and what your PSA bills your customers."

// View implements common.Screen. It always shows both lists whole; the
// intro and the details of the highlighted kind come when there is room.
func (m *Model) View() string {
	st := m.c.Styles
	lists := []string{m.listView(listDistributor), "", m.listView(listPSA)}
	hint := m.hintView()
	details := m.detailsView()

	head := []string{st.Title.Render("Pick your distributor and PSA"), ""}
	used := len(head) + lipgloss.Height(strings.Join(lists, "\n")) + 1 + lipgloss.Height(hint)
	fits := func(lines int) bool { return m.height <= 0 || used+lines <= m.height }
	if fits(lipgloss.Height(details) + 1) {
		used += lipgloss.Height(details) + 1
	} else {
		details = ""
	}
	if introText := m.wrapText(intro); fits(lipgloss.Height(introText) + 1) {
		head = append(head, st.Muted.Render(introText), "")
	}
	if !fits(0) {
		head = head[:1] // the title alone, when even the blank line is too much
	}

	lines := append(head, lists...)
	if details != "" {
		lines = append(lines, "", details)
	}
	lines = append(lines, "", hint)
	return strings.Join(lines, "\n")
}

// listView draws one list: its heading, then one row per kind.
func (m *Model) listView(which int) string {
	st := m.c.Styles
	l := &m.lists[which]
	focused := m.focus == which && !m.saving
	heading := st.Bold.Render(l.title) + st.Muted.Render(" — "+listPurpose[which])
	if focused {
		heading = st.Key.Render("▸ "+l.title) + st.Muted.Render(" — "+listPurpose[which])
	} else {
		heading = "  " + heading
	}
	rows := []string{heading}
	if len(l.kinds) == 0 {
		rows = append(rows, st.Warn.Render("    ! none in this version of seats"))
	}
	nameW := m.nameWidth()
	for i, k := range l.kinds {
		rows = append(rows, m.rowView(k, i == l.cursor && focused, i == l.chosen, nameW))
	}
	return strings.Join(rows, "\n")
}

// nameWidth is the widest name in both lists, so that the lists line up.
func (m *Model) nameWidth() int {
	w := 0
	for _, l := range m.lists {
		for _, k := range l.kinds {
			w = max(w, lipgloss.Width(k.DisplayName))
		}
	}
	return w
}

// rowView draws one kind: cursor, choice marker, name, then what it needs,
// cut to the width (the details line below shows it whole). Markers are
// text, so the choice reads without colour.
func (m *Model) rowView(k Kind, cursor, chosen bool, nameW int) string {
	st := m.c.Styles
	pointer := "  "
	if cursor {
		pointer = "› "
	}
	marker := "( ) "
	switch {
	case !k.Available:
		marker = " –  "
	case chosen:
		marker = "(•) "
	}
	name := k.DisplayName + strings.Repeat(" ", nameW-lipgloss.Width(k.DisplayName)) + "  "
	desc := k.Description
	if !k.Available {
		desc = "coming · " + desc
	}
	lead := "  " + pointer + marker + name
	if m.width > 0 {
		desc = ansi.Truncate(desc, max(m.width-lipgloss.Width(lead), 0), "…")
	}
	switch {
	case !k.Available:
		return st.Muted.Render(lead + desc)
	case cursor:
		return st.Table.Selected.Render(lead) + st.Text.Render(desc)
	case chosen:
		return st.Good.Render(lead) + st.Text.Render(desc)
	}
	return st.Text.Render(lead) + st.Muted.Render(desc)
}

// detailsView shows the highlighted kind's line whole, wrapped, for when
// the row had to cut it.
func (m *Model) detailsView() string {
	st := m.c.Styles
	l := &m.lists[m.focus]
	if len(l.kinds) == 0 || m.saving {
		return ""
	}
	k := l.kinds[l.cursor]
	text := k.DisplayName + ": " + k.Description
	if !k.Available {
		text = k.DisplayName + " is coming in a later version of seats. " + k.Description
	}
	return st.Muted.Render(m.wrapText(text))
}

// hintView says what is chosen and what enter does next.
func (m *Model) hintView() string {
	st := m.c.Styles
	if m.saving {
		return st.Muted.Render("Saving your choice…")
	}
	var lines []string
	if m.unknownSaved != "" {
		lines = append(lines, st.Warn.Render(m.wrapText("! The saved distributor.kind \""+m.unknownSaved+
			"\" is not one this version of seats knows: pick one below.")))
	}
	chosen := st.Bold.Render("Chosen: ") + st.Text.Render(m.choiceSentence()+".")
	next := "Press " + st.Key.Render("enter") + " to choose and go to the PSA list."
	if m.focus == listPSA {
		next = "Press " + st.Key.Render("enter") + " to choose, save and continue to Connect."
	}
	if m.width > 0 && lipgloss.Width(chosen+" "+next) > m.width {
		lines = append(lines, chosen, next)
	} else {
		lines = append(lines, chosen+" "+next)
	}
	return strings.Join(lines, "\n")
}

// wrapText wraps plain text to the screen width.
func (m *Model) wrapText(s string) string {
	if m.width <= 0 {
		return s
	}
	return ansi.Wordwrap(s, m.width, "")
}
