package workflow

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// ReportKeeper is what a reconcile reads; the store satisfies it.
type ReportKeeper interface {
	CustomerStatuses() ([]connectors.CustomerStatus, error)
	// SnapshotsWithoutUsers are every tenant's licences; a reconcile needs
	// no user.
	SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error)
	DistributorSnapshot() (connectors.DistributorSnapshot, bool, error)
	PSASnapshot() (connectors.PSASnapshot, bool, error)
	Mappings() (reconcile.Mappings, error)
}

// Reporting computes the licence tables, the findings and plans from what
// the store holds: the wizard's tables, `seats licenses`, `seats reconcile`
// and its plan all go through it, so they always agree.
type Reporting struct {
	Keep     ReportKeeper
	Settings reconcile.Settings
	Now      func() time.Time
	// Kept keeps the tables last computed (the store); nil computes them
	// every time.
	Kept TablesKeeper
	// Build names the seats build computing (see cmd/seats): tables kept
	// by another build, whose reconcile may differ, are not shown.
	Build string
}

// TablesKeeper keeps the licence tables last computed, with the data
// version of the store they were computed from; the store satisfies it.
type TablesKeeper interface {
	DataVersion() (uint64, error)
	Tables(key string) (reconcile.Tables, bool, error)
	SaveTables(key string, version uint64, t reconcile.Tables) (bool, error)
}

// Input gathers the reconcile's input: every customer with a licence
// snapshot, the distributor's and the PSA's snapshots (nil before their
// first sync), and the mappings.
func (r *Reporting) Input() (reconcile.ReconcileInput, error) {
	in := reconcile.ReconcileInput{Now: r.now(), Settings: r.Settings}
	// Five reads, each decoded after the store lets go of the file: two
	// at a time, so that one's decoding overlaps another's (at 10,000
	// customers the decoding is what the licence tables wait for) while
	// the copies of the raw values in flight stay few (all five at once
	// held 120 MB more at 10,000 customers).
	var (
		g        errgroup.Group
		statuses []connectors.CustomerStatus
		snaps    []connectors.LicenceSnapshot
		m        reconcile.Mappings
	)
	g.SetLimit(2)
	g.Go(func() (err error) { statuses, err = r.Keep.CustomerStatuses(); return err })
	g.Go(func() (err error) { snaps, err = r.Keep.SnapshotsWithoutUsers(); return err })
	g.Go(func() error {
		d, ok, err := r.Keep.DistributorSnapshot()
		if ok {
			in.Distributor = &d
		}
		return err
	})
	g.Go(func() error {
		p, ok, err := r.Keep.PSASnapshot()
		if ok {
			in.PSA = &p
		}
		return err
	})
	g.Go(func() (err error) { m, err = r.Keep.Mappings(); return err })
	if err := g.Wait(); err != nil {
		return in, err
	}
	byTenant := make(map[string]*connectors.LicenceSnapshot, len(snaps))
	for i := range snaps {
		byTenant[strings.ToLower(snaps[i].TenantID)] = &snaps[i]
	}
	for _, st := range statuses {
		lic := byTenant[strings.ToLower(st.TenantID)]
		if lic == nil && !st.Ready() {
			continue // never read and not Ready: nothing to show yet
		}
		in.Customers = append(in.Customers, reconcile.TenantLicences{Customer: st, Licences: lic})
	}
	in.Accounts, in.Ties, in.Products = m.Accounts, m.Skus, m.Products
	return in, nil
}

// Report reconciles what the store holds.
func (r *Reporting) Report() (reconcile.Report, reconcile.ReconcileInput, error) {
	in, err := r.Input()
	if err != nil {
		return reconcile.Report{}, in, err
	}
	return reconcile.Reconcile(in), in, nil
}

// Tables are the licence tables as the wizard shows them. Tables kept by
// the last computation are returned while they hold: the store's data,
// the settings and the seats build are what they were computed from, and
// no PSA line has started or ended since (reconcile.Tables.Current).
// Otherwise they are computed and kept for the next time; failing to keep
// them costs the next screen the computation, nothing else.
func (r *Reporting) Tables() (reconcile.Tables, error) {
	if r.Kept == nil {
		in, err := r.Input()
		if err != nil {
			return reconcile.Tables{}, err
		}
		return reconcile.TablesOf(in), nil
	}
	key := r.tablesKey()
	if t, ok, err := r.Kept.Tables(key); err == nil && ok && t.Current(r.now()) {
		return t, nil
	}
	// The version before the reads: when another seats writes while they
	// run, the tables are shown but not kept.
	version, verr := r.Kept.DataVersion()
	in, err := r.Input()
	if err != nil {
		return reconcile.Tables{}, err
	}
	t := reconcile.TablesOf(in)
	if verr == nil {
		_, _ = r.Kept.SaveTables(key, version, t)
	}
	return t, nil
}

// tablesKey is what kept tables were computed from besides the store's
// data: the settings and the build.
func (r *Reporting) tablesKey() string {
	settings, _ := json.Marshal(r.Settings)
	return r.Build + "\x00" + string(settings)
}

// PlanOptions say whose plan it is and how the PSA applies changes.
type PlanOptions struct {
	HomeID        string
	PSAKind       string
	Timing        connectors.ApplyTiming
	EffectiveDate time.Time
}

// Plan computes the PSA changes that fix the billing findings.
func (r *Reporting) Plan(o PlanOptions) (reconcile.Plan, error) {
	rep, in, err := r.Report()
	if err != nil {
		return reconcile.Plan{}, err
	}
	if in.PSA == nil {
		return reconcile.Plan{}, fmt.Errorf("no PSA has been read yet: connect one and sync first")
	}
	return reconcile.BuildPlan(reconcile.PlanInput{
		HomeID: o.HomeID, Now: r.now(), Report: rep, PSAKind: o.PSAKind,
		Timing: o.Timing, EffectiveDate: o.EffectiveDate, Snapshots: reconcile.SnapshotsOf(in),
	}), nil
}

func (r *Reporting) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
