package common

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
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
