package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// SyncResult is one tenant's line in the sync report.
type SyncResult struct {
	TenantID string `json:"tenant_id"`
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Skus     int    `json:"skus"`
	Users    int    `json:"users"`
	Error    string `json:"error,omitempty"`
}

// SyncReport is what one Microsoft sync did.
type SyncReport struct {
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Customers is how many customers Partner Center lists; Tenants how
	// many of them were Ready and so read.
	Customers int `json:"customers"`
	Tenants   int `json:"tenants"`
	Succeeded int `json:"succeeded"`
	Failed    int `json:"failed"`
	// Interrupted is set when the sync was stopped (Ctrl+C) before every
	// Ready tenant was read. Tenants not read then are neither failed nor
	// marked: their data stays as it was.
	Interrupted bool `json:"interrupted,omitempty"`
	// Lost are the customers that stopped working in this run (GDAP ended,
	// consent or roles removed), each with why.
	Lost    []LostCustomer `json:"lost"`
	Results []SyncResult   `json:"results"`
}

// SyncProgress is called after each tenant, never concurrently; done counts
// finished tenants.
type SyncProgress func(done, total int, r SyncResult)

// snapshotBatch is how many tenants' snapshots are saved in one write: large
// enough that a thousand tenants cost twenty writes, small enough that each
// holds the store's lock only briefly, and that a sync holds no more than a
// few batches of snapshots in memory at any time.
const snapshotBatch = 50

// Sync refreshes customers and GDAP (Refresh, which also looks again at
// customers not Ready), then reads the licences of every Ready customer,
// concurrency tenants at a time (0 = Parallel). Snapshots are saved
// snapshotBatch at a time as they come and not kept afterwards, so memory
// does not grow with the tenants. A tenant that fails keeps its previous
// snapshot, marked stale with a reason that names the service, the call
// and what happened; one whose consent or roles were removed also turns
// Lost. When ctx ends (Ctrl+C) the sync stops at once: what was read is
// saved, nothing else is marked, and the report says Interrupted.
//
// The error is nil for a sync that ran, even when tenants failed (the
// report says which); it is set when the sync could not run (the sign-in
// is gone, Partner Center is down) or the store could not be written.
func (c *Customers) Sync(ctx context.Context, concurrency int, progress SyncProgress) (SyncReport, error) {
	rep := SyncReport{StartedAt: c.now(), Lost: []LostCustomer{}, Results: []SyncResult{}}
	rr, err := c.refresh(ctx)
	rep.Lost = append(rep.Lost, rr.lost...)
	if err != nil {
		rep.FinishedAt = c.now()
		if ctx.Err() != nil {
			rep.Interrupted = true
			return rep, nil
		}
		return rep, err
	}
	rep.Customers = len(rr.statuses)
	var ready []connectors.CustomerStatus
	for _, st := range rr.statuses {
		if st.Ready() {
			ready = append(ready, st)
		}
	}
	rep.Tenants = len(ready)
	rep.Results = make([]SyncResult, 0, len(ready))
	r := &syncRun{c: c, progress: progress, total: len(ready), stale: map[string]string{}}

	next := make(chan connectors.CustomerStatus)
	var wg sync.WaitGroup
	for range min(c.parallel(concurrency), len(ready)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for st := range next {
				r.read(ctx, st)
			}
		}()
	}
feed:
	for _, st := range ready {
		select {
		case next <- st:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	r.flush()
	// Each tenant's token has served its one read: held on, 10,000 of
	// them weigh on what follows the sync (the licence tables).
	if t, ok := c.MS.(tenantTokenReleaser); ok {
		t.ReleaseTenantTokens()
	}

	now := c.now()
	var errs []error
	errs = append(errs, r.errs...)
	if err := c.Keep.MarkStaleMany(r.stale, now); err != nil {
		errs = append(errs, fmt.Errorf("mark failed tenants stale: %w", err))
	}
	for i := range r.lost {
		r.lost[i].UpdatedAt = now
	}
	if err := c.Keep.SaveConsents(r.lost); err != nil {
		errs = append(errs, fmt.Errorf("record lost customers: %w", err))
	}
	rep.Results = append(rep.Results, r.results...)
	rep.Succeeded, rep.Failed = r.succeeded, r.failed
	rep.Lost = append(rep.Lost, r.lostCustomers...)
	rep.Interrupted = ctx.Err() != nil
	rep.FinishedAt = c.now()
	return rep, errors.Join(errs...)
}

// tenantTokenReleaser is a Microsoft connector that can drop the customer
// tenants' tokens it holds (microsoft.Client).
type tenantTokenReleaser interface{ ReleaseTenantTokens() }

// syncRun is the state one Sync shares between its workers.
type syncRun struct {
	c        *Customers
	progress SyncProgress
	total    int

	mu            sync.Mutex
	done          int
	pending       []connectors.LicenceSnapshot // read, not saved yet
	results       []SyncResult
	succeeded     int
	failed        int
	stale         map[string]string // tenant -> why its read failed
	lost          []connectors.ConsentRecord
	lostCustomers []LostCustomer
	errs          []error
}

// read reads one tenant and records the outcome. A read cut short by ctx
// is not an outcome: that tenant keeps its data as it was.
func (r *syncRun) read(ctx context.Context, st connectors.CustomerStatus) {
	snap, err := r.c.MS.Licences(ctx, st.TenantID)
	if err != nil && ctx.Err() != nil {
		return
	}
	res := SyncResult{TenantID: st.TenantID, Name: st.Name}
	var batch []connectors.LicenceSnapshot
	r.mu.Lock()
	if err == nil {
		res.OK, res.Skus, res.Users = true, len(snap.Skus), len(snap.Users)
		r.succeeded++
		r.pending = append(r.pending, snap)
		if len(r.pending) >= snapshotBatch {
			batch, r.pending = r.pending, nil
		}
	} else {
		res.Error = SyncReason(st, err)
		r.failed++
		r.stale[st.TenantID] = res.Error
		if lostBy(err) {
			rec, _ := settle(st, checkAgain, err)
			if rec.State != connectors.ConsentLost {
				rec.State = connectors.ConsentLost
			}
			rec.Reason = res.Error
			r.lost = append(r.lost, rec)
			r.lostCustomers = append(r.lostCustomers, LostCustomer{TenantID: st.TenantID, Name: st.Name, Reason: res.Error})
		}
	}
	r.results = append(r.results, res)
	r.done++
	if r.progress != nil {
		// One call at a time, so callers need no locking of their own.
		r.progress(r.done, r.total, res)
	}
	r.mu.Unlock()
	if batch != nil {
		r.save(batch)
	}
}

// save writes a batch of snapshots; the batch is dropped afterwards.
func (r *syncRun) save(batch []connectors.LicenceSnapshot) {
	if err := r.c.Keep.SaveSnapshots(batch); err != nil {
		r.mu.Lock()
		r.errs = append(r.errs, fmt.Errorf("save licence snapshots: %w", err))
		r.mu.Unlock()
	}
}

// flush saves what is still pending, once the workers are done.
func (r *syncRun) flush() {
	r.mu.Lock()
	batch := r.pending
	r.pending = nil
	r.mu.Unlock()
	if len(batch) > 0 {
		r.save(batch)
	}
}

// lostBy reports whether a failed read means the customer stopped working
// (as opposed to a passing outage): consent removed, roles or GDAP access
// removed.
func lostBy(err error) bool {
	switch connectors.KindOf(err) {
	case connectors.ErrConsentRequired, connectors.ErrForbidden:
		return true
	}
	return false
}

// SyncReason says in one sentence why a tenant's licences could not be
// read: which service, which call, what happened, and what to do. It never
// says "verification failed" (nothing was being verified) nor "Microsoft
// did not answer" for everything.
func SyncReason(st connectors.CustomerStatus, err error) string {
	switch connectors.KindOf(err) {
	case connectors.ErrConsentRequired:
		return "the consent for seats was removed from this tenant: consent again"
	case connectors.ErrForbidden:
		return forbiddenReason(err)
	case connectors.ErrSignInRequired:
		return "the Microsoft sign-in has expired: run seats login"
	}
	return explainFor(st.Name, err)
}
