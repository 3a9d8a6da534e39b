package consent

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the Customers & consent screen. Each mode enables
// its own keys, so a letter means one thing at a time and the footer shows
// only keys that work.
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
	Sort     key.Binding
	Consent  key.Binding
	All      key.Binding
	Refresh  key.Binding
	Continue key.Binding
	Back     key.Binding
	Stop     key.Binding // stops a running bulk consent
	Clear    key.Binding // clears an applied search

	// Search input.
	SearchApply key.Binding
	SearchClear key.Binding

	// Option A or B.
	OptionA key.Binding
	OptionB key.Binding
	Cancel  key.Binding

	// Option A: link shown, waiting.
	OpenLink key.Binding
	CopyLink key.Binding
	StopWait key.Binding

	// Bulk confirmation.
	Yes key.Binding
	No  key.Binding

	// Bulk results.
	Close key.Binding
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
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Consent:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "consent")),
		All:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "consent all")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Continue: key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "continue")),
		Back:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		Stop:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop bulk consent")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		SearchApply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		OptionA: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "Option A (admin link)")),
		OptionB: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "Option B (partner account)")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

		OpenLink: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open link")),
		CopyLink: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy link")),
		StopWait: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop waiting")),

		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, consent them")),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),

		Close: key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "close")),
	}
}

// sync enables the keys of mode. bulkRunning, searched, canOpen and canCopy
// refine the table and link keys.
func (k *keyMap) sync(mode mode, bulkRunning, searched, canOpen, canCopy bool) {
	table := mode == modeTable
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(table || mode == modeResults)
	}
	for _, b := range []*key.Binding{&k.Search, &k.Filter, &k.Sort, &k.Refresh, &k.Continue, &k.Back, &k.Consent} {
		b.SetEnabled(table)
	}
	k.All.SetEnabled(table && !bulkRunning)
	k.Stop.SetEnabled(table && bulkRunning)
	k.Clear.SetEnabled(table && !bulkRunning && searched)

	k.SearchApply.SetEnabled(mode == modeSearch)
	k.SearchClear.SetEnabled(mode == modeSearch)

	k.OptionA.SetEnabled(mode == modeChoose)
	k.OptionB.SetEnabled(mode == modeChoose)
	k.Cancel.SetEnabled(mode == modeChoose)

	k.OpenLink.SetEnabled(mode == modeAdminWait && canOpen)
	k.CopyLink.SetEnabled(mode == modeAdminWait && canCopy)
	k.StopWait.SetEnabled(mode == modeAdminWait)

	k.Yes.SetEnabled(mode == modeConfirmBulk)
	k.No.SetEnabled(mode == modeConfirmBulk)

	k.Close.SetEnabled(mode == modeResults)
}

// short lists the footer's keys, most important first: the footer cuts
// from the end when the terminal is narrow.
func (k keyMap) short() []key.Binding {
	return []key.Binding{
		k.Consent, k.All, k.Stop, k.Continue, k.Search, k.Filter, k.Sort, k.Clear,
		k.SearchApply, k.SearchClear,
		k.OptionA, k.OptionB, k.Cancel,
		k.OpenLink, k.CopyLink, k.StopWait,
		k.Yes, k.No, k.Close,
	}
}

func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Search, k.Filter, k.Sort, k.Refresh, k.Clear, k.SearchApply, k.SearchClear},
		{k.Consent, k.All, k.Stop, k.OptionA, k.OptionB, k.Cancel, k.OpenLink, k.CopyLink, k.StopWait, k.Yes, k.No, k.Close},
		{k.Continue, k.Back},
	}
}
