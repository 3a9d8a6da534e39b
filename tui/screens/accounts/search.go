package accounts

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// startSearch gives the input focus with the applied search in it, so
// that / edits the current search rather than starting over.
func (m *Model) startSearch() tea.Cmd {
	m.mode = modeSearch
	m.search.SetValue(m.query)
	m.search.CursorEnd()
	return m.search.Focus()
}

// endSearch takes the focus away; keep says whether the search stays.
func (m *Model) endSearch(keep bool) {
	m.mode = modeTable
	m.search.Blur()
	if keep {
		return
	}
	m.search.Reset()
	m.query = ""
	m.rebuild()
}

// updateSearch hands msg to the input and filters the table as the text
// changes.
func (m *Model) updateSearch(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	if v := m.search.Value(); v != m.query {
		m.query = v
		m.rebuild()
	}
	return common.ForScreen(m.ID(), cmd)
}
