package pick

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the Pick screen. Keys that do nothing in the
// current state are disabled, so they neither match nor show in the footer.
type keyMap struct {
	Up     key.Binding
	Down   key.Binding
	Switch key.Binding
	Choose key.Binding
	// Next chooses the highlighted kind and goes on: from the distributor
	// list to the PSA list, from the PSA list to saving and the next step.
	Next key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Switch: key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "other list")),
		Choose: key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "choose")),
		Next:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose & go on")),
	}
}

// setState enables the keys that work: none while the choice is being
// saved. nextHelp says what enter does from the focused list.
func (k *keyMap) setState(saving bool, nextHelp string) {
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Switch, &k.Choose, &k.Next} {
		b.SetEnabled(!saving)
	}
	k.Next.SetHelp("enter", nextHelp)
}

// short lists the footer's keys, most important first: a narrow footer
// cuts from the end.
func (k keyMap) short() []key.Binding {
	return []key.Binding{k.Next, k.Choose, k.Up, k.Down, k.Switch}
}

func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Switch}, {k.Choose, k.Next}}
}
