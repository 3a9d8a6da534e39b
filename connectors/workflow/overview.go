package workflow

import (
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// OverviewKeeper is what the summary of a set-up home reads; the store
// satisfies it.
type OverviewKeeper interface {
	CustomerStatuses() ([]connectors.CustomerStatus, error)
	Mappings() (reconcile.Mappings, error)
	SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error)
	PSACatalog() ([]connectors.CatalogItem, bool, error)
	Inventory() (reconcile.Inventory, error)
}

// Overview is what the summary of a set-up home shows, as read from the
// store: every customer's status, the matches, the inventory of what the
// store holds now and the one the last run kept.
type Overview struct {
	Statuses []connectors.CustomerStatus
	Mappings reconcile.Mappings
	// Now is the inventory taken at the time given to ReadOverview;
	// Previous is what the last run kept (zero on a first run).
	Now, Previous reconcile.Inventory
}

// Ready counts the customers that are Ready.
func (o Overview) Ready() int {
	n := 0
	for _, c := range o.Statuses {
		if c.Ready() {
			n++
		}
	}
	return n
}

// Changes is what changed since the last run's inventory.
func (o Overview) Changes() reconcile.ChangesSince {
	return reconcile.CompareInventories(o.Previous, o.Now)
}

// ReadOverview reads the overview, its five reads at once: each is
// decoded after the store lets go of the file, so one's decoding overlaps
// the others' (at 10,000 customers the decoding is what opening seats
// waits for). Of the PSA snapshot only the catalogue is read.
func ReadOverview(keep OverviewKeeper, now time.Time) (Overview, error) {
	var (
		o       Overview
		snaps   []connectors.LicenceSnapshot
		catalog []connectors.CatalogItem
		g       errgroup.Group
	)
	g.Go(func() (err error) { o.Statuses, err = keep.CustomerStatuses(); return err })
	g.Go(func() (err error) { o.Mappings, err = keep.Mappings(); return err })
	g.Go(func() (err error) { snaps, err = keep.SnapshotsWithoutUsers(); return err })
	// A PSA snapshot that cannot be read leaves its items out of the
	// inventory, as when no PSA is connected: the summary still opens.
	g.Go(func() error { catalog, _, _ = keep.PSACatalog(); return nil })
	g.Go(func() (err error) { o.Previous, err = keep.Inventory(); return err })
	if err := g.Wait(); err != nil {
		return o, err
	}
	var psa *connectors.PSASnapshot
	if catalog != nil {
		psa = &connectors.PSASnapshot{Catalog: catalog}
	}
	o.Now = reconcile.TakeInventory(now, o.Statuses, snaps, psa)
	return o, nil
}
