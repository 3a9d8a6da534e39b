package sourceform

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
)

// keyMap is the component's own keys; the form's field keys come from huh
// (NewKeyMap) and join them in the help.
type keyMap struct {
	// Change opens the form over a working connection.
	Change key.Binding
	// Keep closes the form and keeps the working connection.
	Keep key.Binding
	// Leave closes the form of a source not connected yet: the host
	// decides what that means (skip it, go back).
	Leave key.Binding
	// CancelTest stops a running test call.
	CancelTest key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Change:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "change connection")),
		Keep:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep current connection")),
		Leave:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave")),
		CancelTest: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel test")),
	}
}

// setState enables the keys that work in s.
func (k *keyMap) setState(s state, connected bool) {
	k.Change.SetEnabled(s == stateConnected)
	k.Keep.SetEnabled(s == stateEditing && connected)
	k.Leave.SetEnabled(s == stateEditing && !connected)
	k.CancelTest.SetEnabled(s == stateTesting)
}

func (k keyMap) bindings() []key.Binding {
	return []key.Binding{k.Change, k.CancelTest, k.Keep, k.Leave}
}

// FormHelp returns the keys of the form's focused field that work, without
// repeats (huh lists ← and → apart; NewKeyMap describes both on ←), for a
// host's footer.
func FormHelp(f *huh.Form) []key.Binding {
	if f == nil {
		return nil
	}
	var out []key.Binding
	seen := map[string]bool{}
	for _, b := range f.KeyBinds() {
		h := b.Help()
		if !b.Enabled() || h.Key == "" || seen[h.Desc] {
			continue
		}
		seen[h.Desc] = true
		out = append(out, b)
	}
	return out
}
