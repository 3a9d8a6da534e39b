package products

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/seats-msp/seats/tui/components/picker"
)

// keyMap is every key of the products screen. Each mode enables its own
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
	Free     key.Binding // shows or hides free and trial SKUs
	Refresh  key.Binding
	Confirm  key.Binding
	Pick     key.Binding // a SKU on an unknown distributor product, a PSA item on a product
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
		Free:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "show free/trial")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "match again")),
		Confirm:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm suggestion")),
		Pick:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pick")),
		Continue: key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "continue")),
		Back:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		SearchApply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		KeyMap: picker.DefaultKeyMap(),
	}
}

// keyState is what decides which keys work and how the help reads.
type keyState struct {
	mode     mode
	loaded   bool
	searched bool
	showFree bool
	// pick names what p picks for the selected row ("SKU", "PSA item"),
	// "" when it picks nothing (no PSA connected, no row).
	pick string
}

func (k *keyMap) sync(s keyState) {
	table := s.mode == modeTable
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End,
		&k.Search, &k.Filter, &k.Refresh, &k.Continue, &k.Back} {
		b.SetEnabled(table)
	}
	k.Free.SetEnabled(table && s.loaded)
	if s.showFree {
		k.Free.SetHelp("t", "hide free/trial")
	} else {
		k.Free.SetHelp("t", "show free/trial")
	}
	k.Confirm.SetEnabled(table && s.loaded)
	k.Pick.SetEnabled(table && s.pick != "")
	k.Pick.SetHelp("p", "pick "+s.pick)
	k.Clear.SetEnabled(table && s.searched)

	k.SearchApply.SetEnabled(s.mode == modeSearch)
	k.SearchClear.SetEnabled(s.mode == modeSearch)

	for _, b := range k.KeyMap.Bindings() {
		b.SetEnabled(s.mode == modePick)
	}
}

// short lists the footer's keys, most important first: the footer cuts
// from the end when the terminal is narrow.
func (k keyMap) short() []key.Binding {
	return []key.Binding{
		k.Confirm, k.Pick, k.Continue, k.Free, k.Search, k.Filter, k.Clear,
		k.SearchApply, k.SearchClear,
		k.PickChoose, k.PickCancel,
	}
}

func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.PickUp, k.PickDown, k.PickPageUp, k.PickPageDown},
		{k.Search, k.Filter, k.Free, k.Refresh, k.Clear, k.SearchApply, k.SearchClear},
		{k.Confirm, k.Pick, k.PickChoose, k.PickCancel},
		{k.Continue, k.Back},
	}
}
