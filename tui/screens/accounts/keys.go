package accounts

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/seats-msp/seats/tui/components/picker"
)

// keyMap is every key of the accounts screen. Each mode enables its own
// keys, so a letter means one thing at a time and the footer shows only
// keys that work.
type keyMap struct {
	// Table.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Search   key.Binding
	Filter   key.Binding
	Refresh  key.Binding
	Confirm  key.Binding
	PickDist key.Binding
	PickPSA  key.Binding
	Exclude  key.Binding
	Continue key.Binding
	Back     key.Binding
	Clear    key.Binding // clears an applied search

	// Search input.
	SearchApply key.Binding
	SearchClear key.Binding

	picker.KeyMap // while the picker is open
}

func defaultKeys() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
		Search:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Filter:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "match again")),
		Confirm:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm suggestion")),
		PickDist: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "pick distributor account")),
		PickPSA:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pick PSA company")),
		Exclude:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "exclude/include")),
		Continue: key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "continue")),
		Back:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		SearchApply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		KeyMap: picker.DefaultKeyMap(),
	}
}

// sync enables the keys of mode; distLabel and psaLabel name the sides in
// the help ("" when that side is not connected: its key is off).
func (k *keyMap) sync(mode mode, loaded, searched bool, distLabel, psaLabel string) {
	table := mode == modeTable
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End,
		&k.Search, &k.Filter, &k.Refresh, &k.Continue, &k.Back} {
		b.SetEnabled(table)
	}
	for _, b := range []*key.Binding{&k.Confirm, &k.Exclude} {
		b.SetEnabled(table && loaded)
	}
	k.PickDist.SetEnabled(table && loaded && distLabel != "")
	k.PickDist.SetHelp("d", "pick "+distLabel+" account")
	k.PickPSA.SetEnabled(table && loaded && psaLabel != "")
	k.PickPSA.SetHelp("p", "pick "+psaLabel+" company")
	k.Clear.SetEnabled(table && searched)

	k.SearchApply.SetEnabled(mode == modeSearch)
	k.SearchClear.SetEnabled(mode == modeSearch)

	for _, b := range k.KeyMap.Bindings() {
		b.SetEnabled(mode == modePick)
	}
}

// short lists the footer's keys, most important first: the footer cuts
// from the end when the terminal is narrow.
func (k keyMap) short() []key.Binding {
	return []key.Binding{
		k.Confirm, k.PickDist, k.PickPSA, k.Exclude, k.Continue, k.Search, k.Filter, k.Clear,
		k.SearchApply, k.SearchClear,
		k.PickChoose, k.PickCancel,
	}
}

func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.PickUp, k.PickDown, k.PickPageUp, k.PickPageDown},
		{k.Search, k.Filter, k.Refresh, k.Clear, k.SearchApply, k.SearchClear},
		{k.Confirm, k.PickDist, k.PickPSA, k.Exclude, k.PickChoose, k.PickCancel},
		{k.Continue, k.Back},
	}
}
