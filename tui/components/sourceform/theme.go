package sourceform

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/seats-msp/seats/tui/common"
)

// Theme returns a huh theme drawn from the wizard's styles, so that forms
// look like the rest of seats and change with tui/common. Every style here
// derives from one in st; none is built from scratch.
//
// Focus and errors carry text markers as well as colour, because NO_COLOR
// drops colour: the focused field has a ┃ bar at its left, errors start
// with ✗, and an inline choice shows ← → only while focused.
func Theme(st *common.Styles) *huh.Theme {
	var t huh.Theme
	t.Form.Base = st.Plain
	t.Group.Base = st.Plain
	t.Group.Title = st.Title
	t.Group.Description = st.Muted
	// One field per block with nothing between: the focus bar already
	// shows where one ends, and 80x24 has no line to spare.
	t.FieldSeparator = st.Plain.SetString("\n")
	t.Help = st.Help

	f := &t.Focused
	f.Base = st.Plain.PaddingLeft(1).BorderStyle(lipgloss.ThickBorder()).BorderLeft(true).
		BorderForeground(st.Palette.Accent)
	f.Card = f.Base
	f.Title = st.Bold
	f.NoteTitle = st.Bold
	f.Description = st.Muted
	f.ErrorIndicator = st.Bad.SetString(" ✗")
	f.ErrorMessage = st.Bad.SetString("✗")
	f.SelectSelector = st.Key.SetString("> ")
	f.Option = st.Text
	f.NextIndicator = st.Key.MarginLeft(1).SetString("→")
	f.PrevIndicator = st.Key.MarginRight(1).SetString("←")
	f.Directory = st.Text
	f.File = st.Text
	f.MultiSelectSelector = st.Key.SetString("> ")
	f.SelectedOption = st.Good
	f.SelectedPrefix = st.Good.SetString("[x] ")
	f.UnselectedOption = st.Text
	f.UnselectedPrefix = st.Muted.SetString("[ ] ")
	f.TextInput = huh.TextInputStyles{
		Cursor:      st.Key,
		CursorText:  st.Text,
		Placeholder: st.Muted,
		Prompt:      st.Key,
		Text:        st.Text,
	}
	f.FocusedButton = st.KeyHot.Padding(0, 2).MarginRight(1)
	f.BlurredButton = st.Muted.Padding(0, 2).MarginRight(1)
	f.Next = f.FocusedButton

	t.Blurred = t.Focused
	b := &t.Blurred
	b.Base = f.Base.BorderStyle(lipgloss.HiddenBorder())
	b.Card = b.Base
	b.Title = st.Text
	b.SelectedOption = st.Text
	b.SelectSelector = st.Plain.SetString("  ")
	b.MultiSelectSelector = st.Plain.SetString("  ")
	b.NextIndicator = st.Plain
	b.PrevIndicator = st.Plain
	b.TextInput.Prompt = st.Muted
	return &t
}

// NewKeyMap returns huh's keys for a form embedded in the wizard: enter on
// the last field is described by submitHelp ("test & save"), and huh's own
// quit key is off, since the root owns ctrl+c. Select fields do not filter:
// their lists are short, and / would only surprise.
func NewKeyMap(submitHelp string) *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	k.Quit = key.NewBinding(key.WithDisabled())
	k.Input.Submit = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", submitHelp))
	k.Input.Next = key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "next field"))
	k.Input.Prev = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field"))
	k.Select.Submit = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", submitHelp))
	k.Select.Next = key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "next field"))
	k.Select.Prev = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field"))
	k.Select.Left = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "change"))
	k.Select.Right = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "change"), key.WithDisabled())
	k.Select.Filter = key.NewBinding(key.WithDisabled())
	k.Select.SetFilter = key.NewBinding(key.WithDisabled())
	k.Select.ClearFilter = key.NewBinding(key.WithDisabled())
	return k
}
