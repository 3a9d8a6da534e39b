package settings

import "github.com/charmbracelet/bubbles/key"

// keyMap is the screen's own keys; the focused field's keys come from huh
// and join them in the footer.
type keyMap struct {
	// Save checks and saves every setting from any field.
	Save key.Binding
	// Back goes to the previous step without saving.
	Back key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Save: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save & continue")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// setSaving turns every key off while the settings are being saved.
func (k *keyMap) setSaving(saving bool) {
	k.Save.SetEnabled(!saving)
	k.Back.SetEnabled(!saving)
}

func (k keyMap) bindings() []key.Binding { return []key.Binding{k.Save, k.Back} }
