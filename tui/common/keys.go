package common

import "github.com/charmbracelet/bubbles/key"

// GlobalKeyMap holds the keys the root handles on every screen.
type GlobalKeyMap struct {
	// ForceQuit always quits, even while typing; progress is saved first.
	ForceQuit key.Binding
	// Quit quits when no text input has focus.
	Quit key.Binding
	// Help toggles the full help in the footer when no text input has focus.
	Help key.Binding
	// Dismiss closes the error box.
	Dismiss key.Binding
}

// DefaultGlobalKeys returns the global keys.
func DefaultGlobalKeys() GlobalKeyMap {
	return GlobalKeyMap{
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "full help")),
		Dismiss:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "dismiss")),
	}
}

// Bindings lists the global keys shown in the footer, after the screen's.
func (k GlobalKeyMap) Bindings() []key.Binding {
	return []key.Binding{k.Help, k.Quit}
}
