package common

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// SearchPrompt starts a search line while its input has focus.
const SearchPrompt = "/ "

// SearchLimit is the longest search, in characters.
const SearchLimit = 100

// NewSearchInput returns a one-line search input, blurred, in the wizard's
// styles, saying in its placeholder what it searches. The cursor does not
// blink: a blink is a message every half second through the root and a
// frame that differs between two goldens, for no gain in a one-line filter.
func NewSearchInput(st *Styles, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = SearchPrompt
	in.Placeholder = placeholder
	in.CharLimit = SearchLimit
	in.PromptStyle = st.Prompt
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Muted
	in.CompletionStyle = st.Muted
	in.Cursor.Style = st.Key
	in.Cursor.TextStyle = st.Text
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

// Search is a screen's search box and the search applied to its table: /
// opens the box on the applied search, typing filters at once, enter keeps
// it, esc drops it. The screen keeps its own mode and rebuilds its rows
// when a method reports the search changed.
type Search struct {
	input textinput.Model
	query string
}

// NewSearch returns a closed search over nothing, its placeholder saying
// what it searches.
func NewSearch(st *Styles, placeholder string) Search {
	return Search{input: NewSearchInput(st, placeholder)}
}

// Query is the search applied to the table ("" for none).
func (s *Search) Query() string { return s.query }

// View is the search line while the box is open.
func (s *Search) View() string { return s.input.View() }

// SetWidth lets a long search scroll inside the line instead of being cut:
// the prompt and the cursor take the rest of width.
func (s *Search) SetWidth(width int) { s.input.Width = max(1, width-len(SearchPrompt)-1) }

// Open gives the box focus with the applied search in it, so that / edits
// the current search rather than starting over.
func (s *Search) Open() tea.Cmd {
	s.input.SetValue(s.query)
	s.input.CursorEnd()
	return s.input.Focus()
}

// Close takes the focus away; keep says whether the search stays. changed
// reports that the applied search was dropped.
func (s *Search) Close(keep bool) (changed bool) {
	s.input.Blur()
	if keep {
		return false
	}
	return s.Clear()
}

// Clear drops the applied search; changed reports that there was one.
func (s *Search) Clear() (changed bool) {
	s.input.Reset()
	changed, s.query = s.query != "", ""
	return changed
}

// Update hands msg to the box (keys, and the clipboard's answer to ctrl+v);
// changed reports that the applied search moved with it.
func (s *Search) Update(msg tea.Msg) (cmd tea.Cmd, changed bool) {
	s.input, cmd = s.input.Update(msg)
	if v := s.input.Value(); v != s.query {
		s.query = v
		return cmd, true
	}
	return cmd, false
}

// Focused reports whether the box has focus.
func (s *Search) Focused() bool { return s.input.Focused() }

// Value is the text in the box (the applied search once typing stops).
func (s *Search) Value() string { return s.input.Value() }
