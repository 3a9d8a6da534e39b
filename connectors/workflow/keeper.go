package workflow

import (
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Keeper records what the workflows learn. *store.Store satisfies it; tests
// use an in-memory one.
type Keeper interface {
	SaveAccount(a connectors.Account) error
	ClearAccount() error
	ReplaceCustomers(cs []connectors.Customer, gdap map[string]connectors.GDAPSummary, at time.Time) error
	CustomerStatuses() ([]connectors.CustomerStatus, error)
	// CustomerStatus is one customer's status; ok is false when the
	// customer is not in the list.
	CustomerStatus(tenantID string) (st connectors.CustomerStatus, ok bool, err error)
	// CustomersRefreshedAt is when ReplaceCustomers last ran; zero if never.
	CustomersRefreshedAt() (time.Time, error)
	SaveConsent(r connectors.ConsentRecord) error
	// SaveConsents records many consent records in one write.
	SaveConsents(rs []connectors.ConsentRecord) error
	SaveSnapshots(snaps []connectors.LicenceSnapshot) error
	MarkStale(tenantID, reason string, at time.Time) error
	// MarkStaleMany marks many tenants' snapshots stale in one write;
	// reasons maps tenant ids to why.
	MarkStaleMany(reasons map[string]string, at time.Time) error
}
