package summary

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the summary.
type keyMap struct {
	Queue    key.Binding // the unmapped queue
	Licences key.Binding
	Accounts key.Binding
	Products key.Binding
	Sync     key.Binding
	Stop     key.Binding // stops a running sync
}

func defaultKeys() keyMap {
	return keyMap{
		Queue:    key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unmapped queue")),
		Licences: key.NewBinding(key.WithKeys("l", "enter"), key.WithHelp("l", "licence tables")),
		Accounts: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accounts")),
		Products: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "products")),
		Sync:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sync now")),
		Stop:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop sync")),
	}
}

// sync enables the sync keys: s when a sync can run, esc while one runs.
func (k *keyMap) sync(canSync, syncing bool) {
	k.Sync.SetEnabled(canSync && !syncing)
	k.Stop.SetEnabled(syncing)
}

func (k keyMap) short() []key.Binding {
	return []key.Binding{k.Queue, k.Licences, k.Sync, k.Stop, k.Accounts, k.Products}
}

func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{{k.Queue, k.Accounts, k.Products}, {k.Licences, k.Sync, k.Stop}}
}
