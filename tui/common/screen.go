package common

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// ScreenID names one step of the wizard. The order of the constants is the
// order of the steps.
type ScreenID int

// The wizard's steps, in order.
const (
	ScreenNone ScreenID = iota
	ScreenDistributor
	ScreenConnect
	ScreenConsent
	ScreenAccounts
	ScreenProducts
	ScreenSettings
	ScreenLicences
	// ScreenSummary is not a step: a home already set up opens on it
	// (what changed, what is still unmapped) before the steps.
	ScreenSummary
)

// Steps returns every step of the wizard in order. It returns a new slice
// each time so that callers may keep or change it.
func Steps() []ScreenID {
	return []ScreenID{
		ScreenDistributor, ScreenConnect, ScreenConsent, ScreenAccounts,
		ScreenProducts, ScreenSettings, ScreenLicences,
	}
}

type stepInfo struct {
	id    string // saved in store.WizardProgress; never change a published one
	title string // shown in the body header and in messages
	short string // shown in the stepper, which must fit 80 columns
}

var stepInfos = map[ScreenID]stepInfo{
	ScreenDistributor: {"distributor", "Pick distributor and PSA", "Distributor"},
	ScreenConnect:     {"connect", "Connect to Microsoft", "Connect"},
	ScreenConsent:     {"consent", "Customers & consent", "Consent"},
	ScreenAccounts:    {"accounts", "Match accounts", "Accounts"},
	ScreenProducts:    {"products", "Match products", "Products"},
	ScreenSettings:    {"settings", "Settings", "Settings"},
	ScreenLicences:    {"licences", "Licences", "Licences"},
	ScreenSummary:     {"summary", "Since last time", "Summary"},
}

// String returns the step id saved in the store ("connect", "consent"...),
// or "none".
func (id ScreenID) String() string {
	if s, ok := stepInfos[id]; ok {
		return s.id
	}
	return "none"
}

// Title is the step's name as people read it ("Connect to Microsoft").
func (id ScreenID) Title() string {
	if s, ok := stepInfos[id]; ok {
		return s.title
	}
	return ""
}

// Short is the step's one-word name for the stepper ("Connect").
func (id ScreenID) Short() string {
	if s, ok := stepInfos[id]; ok {
		return s.short
	}
	return ""
}

// ParseStep turns a saved step id back into a ScreenID. ok is false for an
// unknown id (a newer or older seats wrote it).
func ParseStep(s string) (ScreenID, bool) {
	for id, info := range stepInfos {
		if info.id == s {
			return id, true
		}
	}
	return ScreenNone, false
}

// Screen is one step of the wizard. The root owns the order of the steps and
// moves between them; a screen only asks to move, with NextMsg or BackMsg.
//
// Screens are pointers: Update and SetSize change them in place and Update
// returns the screen itself (or its replacement), so the root needs no type
// assertions.
type Screen interface {
	// Init starts the screen's first work. The root calls it once, when the
	// screen is first entered.
	Init() tea.Cmd
	// Update handles one message: key presses while the screen is in front,
	// results of its own background work (ScreenMsg unwrapped, ErrMsg)
	// whether or not it is in front.
	Update(msg tea.Msg) (Screen, tea.Cmd)
	// View renders the body of the screen within the last SetSize.
	View() string
	// SetSize gives the screen the width and height of the body area (the
	// terminal minus the header, error box, status bar and footer).
	SetSize(width, height int)
	// ShortHelp and FullHelp list the screen's keys for the footer; the root
	// adds the global ones.
	help.KeyMap
	// Gate reports whether the wizard may go forward from this screen: nil
	// when it may, else an error whose text says why not and what to do.
	Gate() error
	// ID is the step the screen implements.
	ID() ScreenID
	// Typing reports whether a text input has focus, so that letter keys
	// such as q and ? go to the screen instead of the root.
	Typing() bool
}

// QuitGuard is what a screen may also implement to say that quitting now
// would stop work in progress (a bulk consent): QuitWarning names that work
// in a short sentence, or returns "" when there is none. The root then asks
// before q quits; ctrl+c still quits at once.
type QuitGuard interface {
	QuitWarning() string
}
