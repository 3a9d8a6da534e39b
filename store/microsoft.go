package store

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
)

// errNoTenant is returned for a value without a tenant id, which could not be
// keyed.
var errNoTenant = errors.New("tenant id is empty")

// SaveAccount records the partner user signed in to Microsoft, replacing any
// earlier one. PartnerTenantID is stored lower-cased, like every tenant id.
func (s *Store) SaveAccount(a connectors.Account) error {
	a.PartnerTenantID = tenantKey(a.PartnerTenantID)
	return s.update("save account", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathAccount...)
		if err != nil {
			return err
		}
		return put(b, keyAccountCurrent, a)
	})
}

// Account returns the signed-in partner user; ok is false when nobody has
// signed in (or ClearAccount was called).
func (s *Store) Account() (a connectors.Account, ok bool, err error) {
	var data []byte
	err = s.view("read account", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathAccount...)
		if err != nil {
			return err
		}
		data = get(b, keyAccountCurrent)
		return nil
	})
	if err != nil || data == nil {
		return a, false, err
	}
	if err := s.decode("microsoft/account/current", data, &a); err != nil {
		return a, false, err
	}
	return a, true, nil
}

// ClearAccount forgets the signed-in partner user (sign-out). Customers,
// consents and snapshots stay: they describe the customers, not the session.
func (s *Store) ClearAccount() error {
	return s.update("clear account", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathAccount...)
		if err != nil {
			return err
		}
		return b.Delete(keyAccountCurrent)
	})
}

// ReplaceCustomers makes cs the customer list, in one write: customers not in
// cs are removed, with their GDAP summaries. gdap maps tenant ids (any case)
// to summaries; entries for tenants not in cs are ignored, and a customer
// without one gets no summary (CustomerStatuses shows it as GDAPNone).
// Consent records and licence snapshots are kept, so a customer that returns
// keeps its history. at is recorded as the refresh time, in UTC. A customer
// without a tenant id is an error and nothing is written; when a tenant id
// appears twice the later entry wins.
func (s *Store) ReplaceCustomers(cs []connectors.Customer, gdap map[string]connectors.GDAPSummary, at time.Time) error {
	customers := make(map[string]connectors.Customer, len(cs))
	customerKeys := make(map[string]bool, len(cs))
	for i, c := range cs {
		key := tenantKey(c.TenantID)
		if key == "" {
			return fmt.Errorf("store: the customer list was not saved: customer %d (%q): %w; check that customer in Partner Center, then refresh", i, c.Name, errNoTenant)
		}
		c.TenantID = key
		customers[key] = c
		customerKeys[key] = true
	}
	summaries := make(map[string]connectors.GDAPSummary, len(gdap))
	gdapKeys := make(map[string]bool, len(gdap))
	for id, sum := range gdap {
		key := tenantKey(id)
		if !customerKeys[key] {
			continue
		}
		sum.EndsAt = sum.EndsAt.UTC()
		summaries[key] = sum
		gdapKeys[key] = true
	}
	return s.update("replace customers", func(tx *bolt.Tx) error {
		cb, err := bucket(tx, pathCustomers...)
		if err != nil {
			return err
		}
		gb, err := bucket(tx, pathGDAP...)
		if err != nil {
			return err
		}
		if err := deleteKeysNotIn(cb, customerKeys); err != nil {
			return err
		}
		if err := deleteKeysNotIn(gb, gdapKeys); err != nil {
			return err
		}
		for key, c := range customers {
			if err := put(cb, []byte(key), c); err != nil {
				return err
			}
		}
		for key, sum := range summaries {
			if err := put(gb, []byte(key), sum); err != nil {
				return err
			}
		}
		ms, err := bucket(tx, bucketMicrosoft)
		if err != nil {
			return err
		}
		return put(ms, keyCustomersRefreshedAt, at.UTC())
	})
}

// deleteKeysNotIn removes every key of b that keep lacks. The keys are
// gathered first because deleting while a cursor walks can skip keys.
func deleteKeysNotIn(b *bolt.Bucket, keep map[string]bool) error {
	var gone [][]byte
	err := b.ForEach(func(k, _ []byte) error {
		if !keep[string(k)] {
			gone = append(gone, clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// CustomersRefreshedAt is when ReplaceCustomers last ran, in UTC; the zero
// time if never.
func (s *Store) CustomersRefreshedAt() (time.Time, error) {
	var data []byte
	err := s.view("read customers refresh time", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketMicrosoft)
		if err != nil {
			return err
		}
		data = get(b, keyCustomersRefreshedAt)
		return nil
	})
	var at time.Time
	if err != nil || data == nil {
		return at, err
	}
	if err := s.decode("microsoft/customers_refreshed_at", data, &at); err != nil {
		return time.Time{}, err
	}
	return at.UTC(), nil
}

// SaveConsent records where seats stands on consent in one tenant, replacing
// the earlier record. The tenant need not be in the customer list.
func (s *Store) SaveConsent(r connectors.ConsentRecord) error {
	key := tenantKey(r.TenantID)
	if key == "" {
		return fmt.Errorf("store: save consent: %w", errNoTenant)
	}
	r.TenantID = key
	r.UpdatedAt = r.UpdatedAt.UTC()
	r.VerifiedAt = r.VerifiedAt.UTC()
	r.LinkSentAt = r.LinkSentAt.UTC()
	return s.update("save consent", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathConsents...)
		if err != nil {
			return err
		}
		return put(b, []byte(key), r)
	})
}

// SaveConsents records many consent records in one write, as a refresh
// that re-checks every customer does. A record without a tenant id is an
// error and then nothing is written.
func (s *Store) SaveConsents(rs []connectors.ConsentRecord) error {
	keyed := make([]connectors.ConsentRecord, 0, len(rs))
	for _, r := range rs {
		key := tenantKey(r.TenantID)
		if key == "" {
			return fmt.Errorf("store: save consents: %w", errNoTenant)
		}
		r.TenantID = key
		r.UpdatedAt = r.UpdatedAt.UTC()
		r.VerifiedAt = r.VerifiedAt.UTC()
		r.LinkSentAt = r.LinkSentAt.UTC()
		keyed = append(keyed, r)
	}
	if len(keyed) == 0 {
		return nil
	}
	return s.update("save consents", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathConsents...)
		if err != nil {
			return err
		}
		for _, r := range keyed {
			if err := put(b, []byte(r.TenantID), r); err != nil {
				return err
			}
		}
		return nil
	})
}

// Consent returns the consent record of a tenant; ok is false when there is
// none (which means connectors.ConsentNone).
func (s *Store) Consent(tenantID string) (connectors.ConsentRecord, bool, error) {
	var r connectors.ConsentRecord
	ok, err := s.getTenantJSON("read consent", pathConsents, tenantID, &r)
	return r, ok, err
}

// CustomerStatuses joins every customer with its GDAP summary (Status
// GDAPNone when it has none) and consent record (State ConsentNone when it
// has none), sorted by name without case, then tenant id.
func (s *Store) CustomerStatuses() ([]connectors.CustomerStatus, error) {
	var rows []statusRow
	err := s.view("read customer statuses", func(tx *bolt.Tx) error {
		cb, err := bucket(tx, pathCustomers...)
		if err != nil {
			return err
		}
		gb, err := bucket(tx, pathGDAP...)
		if err != nil {
			return err
		}
		kb, err := bucket(tx, pathConsents...)
		if err != nil {
			return err
		}
		return cb.ForEach(func(k, v []byte) error {
			rows = append(rows, statusRow{key: clone(k), customer: clone(v), gdap: get(gb, k), consent: get(kb, k)})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// Decoded on every processor, as the snapshots are: at 10,000
	// customers this is most of the time the tables take to open.
	out := make([]connectors.CustomerStatus, len(rows))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, r := range rows {
		g.Go(func() (err error) {
			out[i], err = s.decodeStatus(r)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return sortedByName(out), nil
}

// sortedByName orders statuses by name without case, then by name, then by
// tenant id. Each name is lower-cased once, not at every comparison (at
// 10,000 customers that was 280,000 times, a tenth of opening the tables).
func sortedByName(statuses []connectors.CustomerStatus) []connectors.CustomerStatus {
	type keyed struct {
		lower string
		i     int
	}
	keys := make([]keyed, len(statuses))
	for i := range statuses {
		keys[i] = keyed{strings.ToLower(statuses[i].Name), i}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		x, y := &statuses[a.i], &statuses[b.i]
		return cmp.Or(strings.Compare(a.lower, b.lower), strings.Compare(x.Name, y.Name), strings.Compare(x.TenantID, y.TenantID))
	})
	out := make([]connectors.CustomerStatus, len(statuses))
	for j, k := range keys {
		out[j] = statuses[k.i]
	}
	return out
}

// CustomerStatus is CustomerStatuses for one customer, read without
// scanning the others; ok is false when the customer is not in the list.
func (s *Store) CustomerStatus(tenantID string) (connectors.CustomerStatus, bool, error) {
	key := tenantKey(tenantID)
	if key == "" {
		return connectors.CustomerStatus{}, false, fmt.Errorf("store: read customer status: %w", errNoTenant)
	}
	var r statusRow
	err := s.view("read customer status", func(tx *bolt.Tx) error {
		cb, err := bucket(tx, pathCustomers...)
		if err != nil {
			return err
		}
		gb, err := bucket(tx, pathGDAP...)
		if err != nil {
			return err
		}
		kb, err := bucket(tx, pathConsents...)
		if err != nil {
			return err
		}
		k := []byte(key)
		r = statusRow{key: k, customer: get(cb, k), gdap: get(gb, k), consent: get(kb, k)}
		return nil
	})
	if err != nil || r.customer == nil {
		return connectors.CustomerStatus{}, false, err
	}
	st, err := s.decodeStatus(r)
	return st, err == nil, err
}

// statusRow is one customer's three values, copied out of a transaction.
type statusRow struct{ key, customer, gdap, consent []byte }

// decodeStatus joins a row into a CustomerStatus, with GDAPNone and
// ConsentNone for what is missing.
func (s *Store) decodeStatus(r statusRow) (connectors.CustomerStatus, error) {
	key := string(r.key)
	st := connectors.CustomerStatus{
		GDAP:    connectors.GDAPSummary{Status: connectors.GDAPNone},
		Consent: connectors.ConsentRecord{TenantID: key, State: connectors.ConsentNone},
	}
	if err := s.decode(bucketName(pathCustomers)+"/"+key, r.customer, &st.Customer); err != nil {
		return st, err
	}
	if r.gdap != nil {
		if err := s.decode(bucketName(pathGDAP)+"/"+key, r.gdap, &st.GDAP); err != nil {
			return st, err
		}
	}
	if r.consent != nil {
		if err := s.decode(bucketName(pathConsents)+"/"+key, r.consent, &st.Consent); err != nil {
			return st, err
		}
		st.Consent = settleOrphan(st.Consent, time.Now())
	}
	return st, nil
}

// orphanAfter is how old a Verifying record without a process id may get
// before it reads as interrupted: far longer than any verification waits.
const orphanAfter = 30 * time.Minute

// settleOrphan reads a Verifying record left by a seats that no longer runs
// (killed mid-consent) as what it is: an interrupted consent, Failed with a
// reason that says so. Nothing is written; the next consent replaces it.
// Records of seats versions that kept no process id read so once they are
// older than orphanAfter.
func settleOrphan(r connectors.ConsentRecord, now time.Time) connectors.ConsentRecord {
	if r.State != connectors.ConsentVerifying {
		return r
	}
	switch {
	case r.PID == os.Getpid():
		return r
	case r.PID != 0 && processRunning(r.PID):
		return r
	case r.PID == 0 && now.Sub(r.UpdatedAt) < orphanAfter:
		return r
	}
	r.State = connectors.ConsentFailed
	r.Reason = "the consent was interrupted (the seats running it stopped): consent again to finish (an existing consent is not an error)"
	r.PID = 0
	return r
}

// SaveSnapshot records a tenant's latest good licence read, replacing the
// earlier one (and with it any stale mark, unless snap carries one).
func (s *Store) SaveSnapshot(snap connectors.LicenceSnapshot) error {
	return s.SaveSnapshots([]connectors.LicenceSnapshot{snap})
}

// SaveSnapshots records many snapshots in one write, as a sync of every
// tenant does. A snapshot without a tenant id is an error and then nothing
// is written.
func (s *Store) SaveSnapshots(snaps []connectors.LicenceSnapshot) error {
	keyed := make([]connectors.LicenceSnapshot, len(snaps))
	for i, snap := range snaps {
		snap = normaliseSnapshot(snap)
		if snap.TenantID == "" {
			return fmt.Errorf("store: save snapshots: snapshot %d: %w", i, errNoTenant)
		}
		keyed[i] = snap
	}
	if len(keyed) == 0 {
		return nil
	}
	return s.update("save snapshots", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathSnapshots...)
		if err != nil {
			return err
		}
		ub, err := bucket(tx, pathUsers...)
		if err != nil {
			return err
		}
		for _, snap := range keyed {
			users := snap.Users
			snap.Users = nil
			if err := put(b, []byte(snap.TenantID), snap); err != nil {
				return err
			}
			if err := put(ub, []byte(snap.TenantID), users); err != nil {
				return err
			}
		}
		return nil
	})
}

// normaliseSnapshot keys the tenant id and puts every time in UTC. It copies
// the subscriptions before changing them: the caller's slice is not ours.
func normaliseSnapshot(snap connectors.LicenceSnapshot) connectors.LicenceSnapshot {
	snap.TenantID = tenantKey(snap.TenantID)
	snap.TakenAt = snap.TakenAt.UTC()
	snap.StaleSince = snap.StaleSince.UTC()
	if snap.Subscriptions != nil {
		subs := slices.Clone(snap.Subscriptions)
		for i := range subs {
			subs[i].CreatedAt = subs[i].CreatedAt.UTC()
			subs[i].NextLifecycleAt = subs[i].NextLifecycleAt.UTC()
		}
		snap.Subscriptions = subs
	}
	return snap
}

// Snapshot returns a tenant's latest snapshot, its users included; ok is
// false when it has none.
func (s *Store) Snapshot(tenantID string) (connectors.LicenceSnapshot, bool, error) {
	key := tenantKey(tenantID)
	if key == "" {
		return connectors.LicenceSnapshot{}, false, fmt.Errorf("store: read snapshot: %w", errNoTenant)
	}
	all, err := s.snapshots("read snapshot", []byte(key), true)
	if err != nil || len(all) == 0 {
		return connectors.LicenceSnapshot{}, false, err
	}
	return all[0], true, nil
}

// Snapshots returns every tenant's latest snapshot, users included, ordered
// by tenant id.
func (s *Store) Snapshots() ([]connectors.LicenceSnapshot, error) {
	return s.snapshots("read snapshots", nil, true)
}

// SnapshotsWithoutUsers is Snapshots without each tenant's users, which
// are most of a snapshot and which no reader of every tenant needs (the
// licence tables, reconcile and matching use the SKUs, subscriptions and
// domains): the users are kept apart (schema 4), so at thousands of
// tenants the tables open without reading them.
func (s *Store) SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error) {
	return s.snapshots("read snapshots", nil, false)
}

// snapshots reads the snapshot of the tenant key (every tenant's when key
// is nil), with their users when withUsers. The values are copied out of
// the file and decoded after it is closed, on every processor.
func (s *Store) snapshots(op string, key []byte, withUsers bool) ([]connectors.LicenceSnapshot, error) {
	type row struct{ key, snap, users []byte }
	var rows []row
	err := s.view(op, func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathSnapshots...)
		if err != nil {
			return err
		}
		ub, err := bucket(tx, pathUsers...)
		if err != nil {
			return err
		}
		add := func(k, v []byte) {
			r := row{key: clone(k), snap: clone(v)}
			if withUsers {
				r.users = clone(ub.Get(k))
			}
			rows = append(rows, r)
		}
		if key != nil {
			if v := b.Get(key); v != nil {
				add(key, v)
			}
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			add(k, v)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := make([]connectors.LicenceSnapshot, len(rows))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, r := range rows {
		g.Go(func() error {
			if err := s.decode(bucketName(pathSnapshots)+"/"+string(r.key), r.snap, &out[i]); err != nil {
				return err
			}
			if r.users != nil {
				return s.decode(bucketName(pathUsers)+"/"+string(r.key), r.users, &out[i].Users)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// MarkStaleMany is MarkStale for many tenants in one write: reasons maps
// tenant ids to why each one's sync failed.
func (s *Store) MarkStaleMany(reasons map[string]string, at time.Time) error {
	if len(reasons) == 0 {
		return nil
	}
	keyed := make(map[string]string, len(reasons))
	for id, reason := range reasons {
		key := tenantKey(id)
		if key == "" {
			return fmt.Errorf("store: mark stale: %w", errNoTenant)
		}
		keyed[key] = reason
	}
	keys := make([]string, 0, len(keyed))
	for k := range keyed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return s.update("mark stale", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathSnapshots...)
		if err != nil {
			return err
		}
		for _, key := range keys {
			if err := s.markStaleIn(b, key, keyed[key], at); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkStale records that a tenant's sync failed at at, for reason. The
// previous snapshot is kept (it is still the best data there is) with Stale
// set and StaleReason replaced; StaleSince keeps the first failure's time
// while the tenant stays stale. A tenant with no snapshot gets an empty one
// marked stale, so the failure shows.
func (s *Store) MarkStale(tenantID, reason string, at time.Time) error {
	key := tenantKey(tenantID)
	if key == "" {
		return fmt.Errorf("store: mark stale: %w", errNoTenant)
	}
	return s.update("mark stale", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathSnapshots...)
		if err != nil {
			return err
		}
		return s.markStaleIn(b, key, reason, at)
	})
}

// markStaleIn marks one tenant's snapshot stale inside a write.
func (s *Store) markStaleIn(b *bolt.Bucket, key, reason string, at time.Time) error {
	snap := connectors.LicenceSnapshot{TenantID: key}
	if data := get(b, []byte(key)); data != nil {
		// Decoded inside the write: the change depends on it.
		if err := s.decode(bucketName(pathSnapshots)+"/"+key, data, &snap); err != nil {
			return err
		}
	}
	if !snap.Stale || snap.StaleSince.IsZero() {
		snap.StaleSince = at
	}
	snap.Stale = true
	snap.StaleReason = reason
	return put(b, []byte(key), normaliseSnapshot(snap))
}

// getTenantJSON decodes the value of a tenant in the bucket at path into
// out; ok is false when there is none.
func (s *Store) getTenantJSON(op string, path [][]byte, tenantID string, out any) (ok bool, err error) {
	key := tenantKey(tenantID)
	if key == "" {
		return false, fmt.Errorf("store: %s: %w", op, errNoTenant)
	}
	var data []byte
	err = s.view(op, func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		data = get(b, []byte(key))
		return nil
	})
	if err != nil || data == nil {
		return false, err
	}
	if err := s.decode(bucketName(path)+"/"+key, data, out); err != nil {
		return false, err
	}
	return true, nil
}

// SyncRun is one run of a sync, as `seats status` reports it.
type SyncRun struct {
	ID         uint64    `json:"id"`   // assigned by AddSyncRun, increasing
	Kind       string    `json:"kind"` // what was synced: SyncMicrosoft
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Tenants    int       `json:"tenants"` // tenants the run tried
	Failed     int       `json:"failed"`  // of which failed (and were marked stale)
	Error      string    `json:"error,omitempty"`
	// Interrupted is set when the run was stopped (Ctrl+C) before it had
	// read every tenant; Read says how many it had read. The tenants not
	// read are neither failed nor marked: they keep their data as it was.
	Interrupted bool `json:"interrupted,omitempty"`
	Read        int  `json:"read"`
	// Lost counts the customers that stopped working in this run.
	Lost int `json:"lost,omitempty"`
}

// AddSyncRun records a finished sync run and returns the id it was given
// (r.ID is ignored). Its times are stored in UTC. Kind must be a known sync
// kind (SyncMicrosoft).
func (s *Store) AddSyncRun(r SyncRun) (uint64, error) {
	path, ok := syncBuckets[r.Kind]
	if !ok {
		return 0, fmt.Errorf("store: add sync run: unknown sync kind %q", r.Kind)
	}
	r.StartedAt = r.StartedAt.UTC()
	r.FinishedAt = r.FinishedAt.UTC()
	err := s.update("add sync run", func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		return put(b, u64(id), r)
	})
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}

// LastSyncRun returns the latest run of a sync kind; ok is false when there
// was none yet.
func (s *Store) LastSyncRun(kind string) (SyncRun, bool, error) {
	var r SyncRun
	path, known := syncBuckets[kind]
	if !known {
		return r, false, fmt.Errorf("store: read last sync run: unknown sync kind %q", kind)
	}
	var key, data []byte
	err := s.view("read last sync run", func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		k, v := b.Cursor().Last()
		key, data = clone(k), clone(v)
		return nil
	})
	if err != nil || data == nil {
		return r, false, err
	}
	if err := s.decode(fmt.Sprintf("%s/%x", bucketName(path), key), data, &r); err != nil {
		return r, false, err
	}
	return r, true, nil
}
