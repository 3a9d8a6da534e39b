package consent

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// startSearch opens the search box on the applied search, so that / edits
// the current search rather than starting over.
func (m *Model) startSearch() tea.Cmd {
	m.mode = modeSearch
	return m.search.Open()
}

// endSearch takes the focus away; keep says whether the search stays.
func (m *Model) endSearch(keep bool) {
	m.mode = modeTable
	if m.search.Close(keep) {
		m.rebuild()
	}
}

// updateSearch hands msg to the box and filters the table as the text
// changes.
func (m *Model) updateSearch(msg tea.Msg) tea.Cmd {
	cmd, changed := m.search.Update(msg)
	if changed {
		m.rebuild()
	}
	return common.ForScreen(m.ID(), cmd)
}
