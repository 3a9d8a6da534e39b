// Package summary is what a re-run of seats opens on once the home is set
// up: how many customers are Ready, what is still unmapped (accounts,
// products, distributor products not tied to a SKU), what changed since the
// last run (new customers, SKUs and PSA items, customers whose consent was
// Lost) and when each source was last read. One key opens the unmapped
// queue, one the licence tables, one runs a sync.
//
// The screen holds no store: the root fills Data from it, and a sync is a
// function the root passes in, which returns the new Data.
package summary

import (
	"context"
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// Data is what the summary shows. Every count is over what the store holds
// after the last sync.
type Data struct {
	// Distributor and PSA name the sources as people know them ("Pax8",
	// "ConnectWise PSA"); PSA is "" when none is connected.
	Distributor string
	PSA         string
	// Customers is every customer Partner Center lists; Ready those whose
	// licences seats can read.
	Customers int
	Ready     int
	Unmapped  Unmapped
	Since     SinceLastRun
	// Sources say when each source was last read, in the order shown.
	Sources []Source
}

// Unmapped counts what still needs a person on the matching steps.
type Unmapped struct {
	// Accounts are the customers not fully matched (excluded ones and
	// ones Partner Center no longer lists left out); SuggestedAccounts
	// those of them with a suggestion to confirm.
	Accounts          int
	SuggestedAccounts int
	// Products are the (SKU, term) pairs with no PSA item (free and trial
	// SKUs left out); SuggestedProducts those with a suggestion.
	Products          int
	SuggestedProducts int
	// UnknownProducts are the distributor products not tied to a SKU.
	UnknownProducts int
}

// Total is everything unmapped.
func (u Unmapped) Total() int { return u.Accounts + u.Products + u.UnknownProducts }

// SinceLastRun is what changed between the previous run and this one.
type SinceLastRun struct {
	// LastRun is when seats last ran on this home; zero when unknown.
	LastRun time.Time
	// The names of what is new, and of the customers whose consent was
	// Lost (seats can no longer read them), each in the order to show.
	NewCustomers  []string
	NewSkus       []string
	NewPSAItems   []string
	LostCustomers []string
}

// Source is one system seats reads.
type Source struct {
	Name string // "Partner Center", "Pax8", "ConnectWise PSA"
	// ReadAt is the last read that worked; zero when never.
	ReadAt time.Time
	// Failed says why the last read failed ("" when it worked): the data
	// shown is then from ReadAt, and no mapping was dropped.
	Failed string
}

// SyncFunc reads every source again and returns the new Data. It runs in a
// command; ctx ends when the user stops it or quits.
type SyncFunc func(ctx context.Context) (Data, error)

// Options are what the screen shows and can do.
type Options struct {
	// ID is the id the root files the summary under, since it is no step
	// of the wizard; results of its work come back addressed to it.
	ID   common.ScreenID
	Data Data
	// Sync runs a sync; nil hides the key.
	Sync SyncFunc
}

// OpenMsg asks the root to open a step: the accounts or products step on
// what still needs a person (ToDo), or the licence tables.
type OpenMsg = common.OpenStepMsg

// ErrNothingUnmapped is the status when the queue is empty.
var ErrNothingUnmapped = errors.New("Nothing unmapped: every customer and product is matched")

// taskSync is the status bar's task id of a sync.
const taskSync = "summary/sync"

// Model is the summary screen. Create it with New.
type Model struct {
	c      *common.Common
	id     common.ScreenID
	keys   keyMap
	data   Data
	sync   SyncFunc
	width  int
	height int

	syncing bool
	gen     int
	cancel  context.CancelFunc
}

var _ common.Screen = (*Model)(nil)

// New returns the summary of opts.Data.
func New(c *common.Common, opts Options) *Model {
	m := &Model{c: c, id: opts.ID, keys: defaultKeys(), data: opts.Data, sync: opts.Sync}
	m.syncKeys()
	return m
}

// ID implements common.Screen: the id given in Options.
func (m *Model) ID() common.ScreenID { return m.id }

// Typing implements common.Screen: the screen has no text input.
func (m *Model) Typing() bool { return false }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// Init implements common.Screen: the data came in with New.
func (m *Model) Init() tea.Cmd { return nil }

// Gate implements common.Screen: the summary never holds the wizard back.
func (m *Model) Gate() error { return nil }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return m.keys.short() }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.full() }

// Data returns what the screen shows now (after a sync, the new data).
func (m *Model) Data() Data { return m.data }

// QuitWarning implements common.QuitGuard: quitting stops a sync.
func (m *Model) QuitWarning() string {
	if m.syncing {
		return "A sync is running."
	}
	return ""
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.handleKey(msg)
	case syncedMsg:
		cmd = m.handleSynced(msg)
	}
	m.syncKeys()
	return m, cmd
}

func (m *Model) syncKeys() { m.keys.sync(m.sync != nil, m.syncing) }

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Queue):
		return m.openQueue()
	case key.Matches(msg, m.keys.Licences):
		return open(OpenMsg{Step: common.ScreenLicences})
	case key.Matches(msg, m.keys.Accounts):
		return open(OpenMsg{Step: common.ScreenAccounts, ToDo: m.data.Unmapped.Accounts > 0})
	case key.Matches(msg, m.keys.Products):
		u := m.data.Unmapped
		return open(OpenMsg{Step: common.ScreenProducts, ToDo: u.Products+u.UnknownProducts > 0})
	case key.Matches(msg, m.keys.Sync):
		return m.startSync()
	case key.Matches(msg, m.keys.Stop):
		return m.stopSync()
	}
	return nil
}

// openQueue opens the first step with something unmapped: accounts first,
// since product matches are read through the customers' accounts.
func (m *Model) openQueue() tea.Cmd {
	u := m.data.Unmapped
	switch {
	case u.Accounts > 0:
		return open(OpenMsg{Step: common.ScreenAccounts, ToDo: true})
	case u.Products+u.UnknownProducts > 0:
		return open(OpenMsg{Step: common.ScreenProducts, ToDo: true})
	}
	return common.Status(common.LevelInfo, ErrNothingUnmapped.Error())
}

func open(msg OpenMsg) tea.Cmd { return func() tea.Msg { return msg } }

func (m *Model) startSync() tea.Cmd {
	if m.syncing {
		return common.Status(common.LevelInfo, "Already syncing…")
	}
	m.syncing = true
	m.gen++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.cancel = cancel
	return tea.Batch(
		common.StartTask(taskSync, "Syncing every source…", 0),
		common.ForScreen(m.id, runSync(ctx, m.sync, m.gen)),
	)
}

func (m *Model) stopSync() tea.Cmd {
	if !m.syncing || m.cancel == nil {
		return nil
	}
	m.cancel()
	return common.Status(common.LevelInfo, "Stopping the sync…")
}

func (m *Model) handleSynced(msg syncedMsg) tea.Cmd {
	if msg.gen != m.gen || !m.syncing {
		return nil
	}
	m.syncing = false
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	if msg.err != nil {
		if connectors.KindOf(msg.err) == connectors.ErrCanceled || errors.Is(msg.err, context.Canceled) {
			return common.EndTask(taskSync, common.LevelInfo, "Sync stopped; what was read before is kept")
		}
		return tea.Batch(
			common.EndTask(taskSync, common.LevelFailure, "The sync failed; what was read before is kept"),
			common.ReportError(m.id, "Sync", msg.err))
	}
	m.data = msg.data
	return common.EndTask(taskSync, common.LevelSuccess, "Synced")
}

// UnmappedFrom counts what is unmapped in m the way the matching steps do:
// a customer is mapped when every connected side is matched or said to
// have no account, with one account at least; a product when it has an
// item or is said not to be billed; free and trial SKUs and excluded
// customers are left out. A side that is not connected asks for nothing.
func UnmappedFrom(m reconcile.Mappings, distributorConnected, psaConnected bool) Unmapped {
	var u Unmapped
	var sides []func(reconcile.AccountMapping) reconcile.AccountMatch
	if distributorConnected {
		sides = append(sides, func(a reconcile.AccountMapping) reconcile.AccountMatch { return a.Distributor })
	}
	if psaConnected {
		sides = append(sides, func(a reconcile.AccountMapping) reconcile.AccountMatch { return a.PSA })
	}
	if len(sides) > 0 {
		for _, a := range m.Accounts {
			if a.Excluded || a.CustomerMissing {
				continue
			}
			matched, settled, suggested := 0, 0, false
			for _, side := range sides {
				s := side(a)
				switch {
				case s.Matched():
					matched++
					settled++
				case s.State == reconcile.StateConfirmed && s.AccountID == "":
					settled++
				case s.State == reconcile.StateSuggested && s.AccountID != "":
					suggested = true
				}
			}
			if matched == 0 || settled < len(sides) {
				u.Accounts++
				if suggested {
					u.SuggestedAccounts++
				}
			}
		}
	}
	if psaConnected {
		for _, p := range m.Products {
			if p.FreeOrTrial || p.Matched() || (p.State == reconcile.StateConfirmed && p.ItemID == "") {
				continue
			}
			u.Products++
			if p.State == reconcile.StateSuggested && p.ItemID != "" {
				u.SuggestedProducts++
			}
		}
	}
	for _, t := range m.Skus {
		if !t.Tied() && !t.Missing {
			u.UnknownProducts++
		}
	}
	return u
}
