package licences

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the Licences screen. Each view (and each step of
// the Changes view) enables its own keys, so that a key means one thing at
// a time and the footer shows only keys that work.
type keyMap struct {
	// Moving in any list.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding

	// Portfolio.
	Open   key.Binding
	Search key.Binding
	Filter key.Binding
	Order  key.Binding
	Clear  key.Binding // clears an applied search
	Back   key.Binding // to the Settings step

	// Search input.
	SearchApply key.Binding
	SearchClear key.Binding

	// Every view.
	Sync    key.Binding
	Changes key.Binding
	Audit   key.Binding

	// Customer, Changes and Audit: back to the portfolio.
	Close key.Binding
	// Customer: a larger "where from" pane.
	Expand key.Binding

	// Changes.
	Toggle key.Binding
	All    key.Binding
	Review key.Binding
	Yes    key.Binding
	No     key.Binding
	Done   key.Binding // closes the results of an apply

	// Audit.
	Reload key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),

		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open customer")),
		Search: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Filter: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		Order:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "order")),
		Clear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		Back:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "settings")),

		SearchApply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		Sync:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sync")),
		Changes: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "PSA changes")),
		Audit:   key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "audit log")),

		Close:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Expand: key.NewBinding(key.WithKeys("enter", "w"), key.WithHelp("enter", "where from")),

		Toggle: key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "select")),
		All:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "select all/none")),
		Review: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "review & apply")),
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, apply")),
		No:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),
		Done:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "close results")),

		Reload: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}
}

// keyState is what decides which keys work.
type keyState struct {
	view      view
	searching bool
	searched  bool // a search is applied
	changes   bool // a planner is wired
	audit     bool // an audit log is wired
	canSync   bool // a sync is wired and none runs
	step      changesStep
	writable  bool // psa.write_enabled and a writer
	hasPlan   bool // the plan on show has changes
}

// sync enables the keys of the state.
func (k *keyMap) sync(s keyState) {
	list := !s.searching && (s.view != viewChanges || s.step == stepList)
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(list || (s.view == viewChanges && s.step == stepResults))
	}
	portfolio := s.view == viewPortfolio && !s.searching
	for _, b := range []*key.Binding{&k.Open, &k.Search, &k.Filter, &k.Order, &k.Back} {
		b.SetEnabled(portfolio)
	}
	k.Clear.SetEnabled(portfolio && s.searched)
	k.SearchApply.SetEnabled(s.searching)
	k.SearchClear.SetEnabled(s.searching)

	calm := !s.searching && (s.view != viewChanges || s.step == stepList)
	k.Sync.SetEnabled(calm && s.canSync)
	k.Changes.SetEnabled(calm && s.changes && s.view != viewChanges)
	k.Audit.SetEnabled(calm && s.audit && s.view != viewAudit)

	k.Close.SetEnabled(!s.searching && (s.view == viewCustomer || s.view == viewAudit ||
		s.view == viewChanges && s.step == stepList))
	k.Expand.SetEnabled(s.view == viewCustomer)

	inList := s.view == viewChanges && s.step == stepList
	k.Toggle.SetEnabled(inList && s.writable && s.hasPlan)
	k.All.SetEnabled(inList && s.writable && s.hasPlan)
	k.Review.SetEnabled(inList && s.writable && s.hasPlan)
	k.Yes.SetEnabled(s.view == viewChanges && s.step == stepConfirm)
	k.No.SetEnabled(s.view == viewChanges && s.step == stepConfirm)
	k.Done.SetEnabled(s.view == viewChanges && s.step == stepResults)

	k.Reload.SetEnabled(s.view == viewAudit)
}

// short lists the footer's keys, most important first: a narrow footer
// cuts from the end.
func (k keyMap) short() []key.Binding {
	return []key.Binding{
		k.Open, k.Expand, k.Review, k.Yes, k.No, k.Done, k.Toggle, k.All,
		k.SearchApply, k.SearchClear,
		k.Close, k.Changes, k.Audit, k.Sync, k.Search, k.Filter, k.Order, k.Clear, k.Reload,
	}
}

func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Search, k.Filter, k.Order, k.Clear, k.SearchApply, k.SearchClear, k.Expand},
		{k.Toggle, k.All, k.Review, k.Yes, k.No, k.Done},
		{k.Sync, k.Changes, k.Audit, k.Reload, k.Close, k.Back},
	}
}
