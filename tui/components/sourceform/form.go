package sourceform

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// buildForm makes a new huh form over m.values, so that what was typed
// survives a failed test: huh forms end for good once submitted.
func (m *Model) buildForm() {
	fields := make([]huh.Field, 0, len(m.opts.Fields))
	for i, f := range m.opts.Fields {
		in := huh.NewInput().
			Key(f.Key).
			Title(f.Label).
			Description(f.Help).
			Value(&m.values[i]).
			Validate(m.fieldValidator(f))
		if f.Secret {
			in = in.EchoMode(huh.EchoModePassword)
			if m.connected != nil {
				in = in.Placeholder("leave empty to keep the stored one")
			}
		}
		fields = append(fields, in)
	}
	if len(fields) == 0 {
		// A kind with nothing to fill in (Microsoft direct bill uses the
		// sign-in seats already has): a note, and enter tests it.
		fields = append(fields, huh.NewNote().
			Title("Nothing to fill in").
			Description(m.opts.Kind+" needs no settings or secret of its own. Press enter to test the connection."))
	}
	theme := Theme(m.c.Styles)
	// A few fields: a blank line between them reads better.
	theme.FieldSeparator = m.c.Styles.Plain.SetString("\n\n")
	m.formGen++
	m.form = huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(theme).
		WithKeyMap(NewKeyMap("test & save")).
		WithShowHelp(false). // the host's footer shows the keys
		WithShowErrors(true)
	// Init focuses the first field at once; its command only asks the
	// terminal for its size and starts the cursor blinking, and the size
	// comes from SetSize instead.
	_ = m.form.Init()
	m.layoutForm()
}

// focusField moves the focus to field i, so that the field at fault is the
// one in front.
func (m *Model) focusField(i int) {
	for j := 0; j < i && m.form != nil; j++ {
		m.form.NextField()
	}
}

// fieldValidator is what huh calls when leaving a field.
func (m *Model) fieldValidator(f Field) func(string) error {
	return func(v string) error {
		if err := m.validate(f, strings.TrimSpace(v)); err != nil {
			return redactedError{text: m.redact(err.Error())}
		}
		return nil
	}
}

// redactedError is a validation error with any typed secret blanked.
type redactedError struct{ text string }

func (e redactedError) Error() string { return e.text }

// layoutForm gives the form the room left under the title and notes.
func (m *Model) layoutForm() {
	if m.form == nil || m.width <= 0 || m.height <= 0 {
		return
	}
	room := m.height - lipgloss.Height(m.headerView()) - 1
	if hint := m.hintView(); hint != "" {
		room -= lipgloss.Height(hint) + 1
	}
	m.form.Update(tea.WindowSizeMsg{Width: m.width, Height: max(room, 3)})
}

// route addresses the messages of a command from the form back to it.
func (m *Model) route(cmd tea.Cmd) tea.Cmd {
	return routeForm(m.opts.Screen, m.opts.ID, m.formGen, cmd)
}
