package connect

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the Connect screen. Which of them are enabled
// depends on the state; disabled keys neither match nor show in the footer.
type keyMap struct {
	Continue key.Binding
	Switch   key.Binding
	Open     key.Binding
	Copy     key.Binding
	NewCode  key.Binding
	Browser  key.Binding
	Cancel   key.Binding
	// Switching account: the question, and going back to the old sign-in.
	Yes  key.Binding
	No   key.Binding
	Keep key.Binding
	// Without an application id: create it, or enter one.
	CreateApp key.Binding
	EnterID   key.Binding
	// Signed in: change the distributor's or the PSA's connection.
	Distributor key.Binding
	PSA         key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Continue: key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "continue")),
		Switch:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "switch account")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open link in browser")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy code")),
		NewCode:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new code")),
		Browser:  key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "browser sign-in")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "sign in with another account")),
		No:       key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "keep this one")),
		Keep:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep the old sign-in")),

		CreateApp: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "create the application")),
		EnterID:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "enter its id")),

		Distributor: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "distributor")),
		PSA:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "PSA")),
	}
}

// setState enables the keys that make sense in state s. canOpen and
// canCopy hide the keys whose ability this machine lacks: no b where no
// browser can be opened. switching says another account is signing in
// while the old sign-in stays.
func (k *keyMap) setState(s state, canOpen, canCopy, switching bool) {
	k.Continue.SetEnabled(s == stateSignedIn)
	k.Switch.SetEnabled(s == stateSignedIn)
	k.Open.SetEnabled(s == stateWaiting && canOpen)
	k.Copy.SetEnabled(s == stateWaiting && canCopy)
	k.NewCode.SetEnabled(s == stateWaiting || s == stateExpired || s == stateCancelled ||
		s == stateFailed || s == stateBrowser)
	k.Browser.SetEnabled(canOpen && (s == stateStarting || s == stateWaiting || s == stateExpired ||
		s == stateCancelled || s == stateFailed))
	k.Cancel.SetEnabled(!switching && (s == stateStarting || s == stateWaiting || s == stateBrowser))
	k.Yes.SetEnabled(s == stateConfirmSwitch)
	k.No.SetEnabled(s == stateConfirmSwitch)
	k.Keep.SetEnabled(switching && s != stateSignedIn && s != stateConfirmSwitch)
}

// short lists the footer's keys, most important first: a narrow footer
// cuts from the end.
func (k keyMap) short() []key.Binding {
	return []key.Binding{k.CreateApp, k.EnterID, k.Continue, k.Distributor, k.PSA, k.Switch, k.Yes, k.No, k.Keep, k.Open, k.Cancel, k.NewCode, k.Browser, k.Copy}
}
