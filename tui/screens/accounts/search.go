package accounts

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// searchLimit is the longest search, in characters.
const searchLimit = 100

// newSearchInput returns the table's one-line search input, blurred, in the
// wizard's styles. The cursor does not blink: a blink is a message every
// half second and a frame that differs between two goldens.
func newSearchInput(st *common.Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "customer, tenant id or account name · enter keeps · esc clears"
	in.CharLimit = searchLimit
	in.PromptStyle = st.Prompt
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Muted
	in.CompletionStyle = st.Muted
	in.Cursor.Style = st.Key
	in.Cursor.TextStyle = st.Text
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

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
