package consent

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
)

// statusesMsg carries what the store knows: read at start, or reloaded
// (then says what to do with it) because another seats may have changed it.
type statusesMsg struct {
	list []connectors.CustomerStatus
	err  error
	then afterReload // zero at start: read Partner Center next
	// fresh says the list was read from Partner Center recently enough
	// (sync.customers_fresh_for) not to read it again at start.
	fresh bool
}

// afterReload is what a reload from the store was for.
type afterReload int

const (
	atStart     afterReload = iota // the first read: a refresh follows
	justShow                       // focus came back, or a job ended
	confirmBulk                    // a pressed: ask with fresh numbers
	startBulk                      // y pressed: consent who still needs it
)

// refreshedMsg ends a refresh from Partner Center. gen drops the answer of
// a refresh that a newer one replaced.
type refreshedMsg struct {
	gen  int
	list []connectors.CustomerStatus
	err  error
}

// consentedMsg ends one Option B consent. run is the bulk run it belongs
// to, or 0 for a single consent.
type consentedMsg struct {
	run      int
	tenantID string
	status   connectors.CustomerStatus
	err      error
}

// adminConsentMsg ends the wait for an Option A consent.
type adminConsentMsg struct {
	gen      int
	tenantID string
	status   connectors.CustomerStatus
	err      error
}

// openedMsg says whether the browser opened the Option A link.
type openedMsg struct{ err error }

// The commands capture a context, the dependency and ids, never the model.

func loadStatuses(c common.Customers) tea.Cmd { return reloadStatuses(c, atStart) }

func reloadStatuses(c common.Customers, then afterReload) tea.Cmd {
	return func() tea.Msg {
		list, err := c.Statuses()
		fresh := false
		if f, ok := c.(common.FreshCustomers); ok && then == atStart && err == nil && len(list) > 0 {
			fresh, _ = f.Fresh() // unknown freshness: read again, as before
		}
		return statusesMsg{list: list, err: err, then: then, fresh: fresh}
	}
}

func refresh(ctx context.Context, c common.Customers, gen int) tea.Cmd {
	return func() tea.Msg {
		list, err := c.Refresh(ctx)
		return refreshedMsg{gen: gen, list: list, err: err}
	}
}

func consentPartner(ctx context.Context, c common.Customers, run int, tenantID string) tea.Cmd {
	return func() tea.Msg {
		st, err := c.ConsentPartner(ctx, tenantID)
		return consentedMsg{run: run, tenantID: tenantID, status: st, err: err}
	}
}

func waitAdminConsent(ctx context.Context, c common.Customers, gen int, tenantID string) tea.Cmd {
	return func() tea.Msg {
		st, err := c.WaitAdminConsent(ctx, tenantID)
		return adminConsentMsg{gen: gen, tenantID: tenantID, status: st, err: err}
	}
}

func openURL(open func(string) error, url string) tea.Cmd {
	return func() tea.Msg { return openedMsg{err: open(url)} }
}
