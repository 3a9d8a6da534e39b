package picker

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap are the keys of an open picker. A screen embeds it in its own key
// map, so that its help lists them and they can be enabled with the
// picker.
type KeyMap struct {
	PickUp       key.Binding
	PickDown     key.Binding
	PickPageUp   key.Binding
	PickPageDown key.Binding
	PickChoose   key.Binding
	PickCancel   key.Binding
}

// DefaultKeyMap are the picker's keys: the arrows (and ctrl+p/ctrl+n, since
// letters go to the search box), the page keys, enter and esc.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		PickUp:       key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		PickDown:     key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		PickPageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PickPageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		PickChoose:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick")),
		PickCancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Bindings are every key of the map, for enabling them together.
func (k *KeyMap) Bindings() []*key.Binding {
	return []*key.Binding{&k.PickUp, &k.PickDown, &k.PickPageUp, &k.PickPageDown, &k.PickChoose, &k.PickCancel}
}

// Action is what a key asked of an open picker, beyond moving and typing.
type Action int

// The actions.
const (
	ActionNone   Action = iota // moved, or typed into the search
	ActionChoose               // pick the option under the cursor (see Selected)
	ActionCancel               // close without picking
)

// HandleKey moves on the arrow and page keys and hands every other key to
// the search box; it reports a choice or a cancel for the screen to act on.
func (p *Model) HandleKey(k KeyMap, msg tea.KeyMsg) (Action, tea.Cmd) {
	switch {
	case key.Matches(msg, k.PickUp):
		p.Move(-1)
	case key.Matches(msg, k.PickDown):
		p.Move(1)
	case key.Matches(msg, k.PickPageUp):
		p.Move(-max(1, p.PageRows()))
	case key.Matches(msg, k.PickPageDown):
		p.Move(max(1, p.PageRows()))
	case key.Matches(msg, k.PickCancel):
		return ActionCancel, nil
	case key.Matches(msg, k.PickChoose):
		return ActionChoose, nil
	default:
		return ActionNone, p.Update(msg)
	}
	return ActionNone, nil
}
