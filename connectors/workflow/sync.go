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
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt time.Time    `json:"finished_at"`
	Tenants    int          `json:"tenants"`
	Succeeded  int          `json:"succeeded"`
	Failed     int          `json:"failed"`
	Lost       []string     `json:"lost,omitempty"` // customers that stopped working this time
	Results    []SyncResult `json:"results"`
}

// SyncProgress is called after each tenant, never concurrently; done counts
// finished tenants.
type SyncProgress func(done, total int, r SyncResult)

// Sync re-checks GDAP (Refresh), then reads the licences of every Ready
// customer, at most concurrency tenants at a time. Successful reads replace
// the tenant's snapshot (saved snapshotBatch at a time as they come, so the
// store's lock is held briefly and an interrupted sync keeps what it read);
// a tenant that fails
// keeps its previous snapshot, marked stale with the reason. A tenant that
// stops working because consent was revoked or GDAP access was removed turns
// Lost with the reason.
func (c *Customers) Sync(ctx context.Context, concurrency int, progress SyncProgress) (SyncReport, error) {
	rep := SyncReport{StartedAt: c.now()}
	statuses, err := c.Refresh(ctx)
	if err != nil {
		return rep, err
	}
	var ready []connectors.CustomerStatus
	for _, st := range statuses {
		if st.Ready() {
			ready = append(ready, st)
		}
	}
	rep.Tenants = len(ready)
	if concurrency < 1 {
		concurrency = 8
	}
	type outcome struct {
		res  SyncResult
		snap *connectors.LicenceSnapshot
		err  error
		st   connectors.CustomerStatus
	}
	outcomes := make([]outcome, len(ready))
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		done    int
		pending []connectors.LicenceSnapshot // read, not saved yet
		errs    []error
	)
	save := func(batch []connectors.LicenceSnapshot) {
		if err := c.Keep.SaveSnapshots(batch); err != nil {
			mu.Lock()
			errs = append(errs, fmt.Errorf("save licence snapshots: %w", err))
			mu.Unlock()
		}
	}
	next := make(chan int)
	for w := 0; w < concurrency && w < len(ready); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				st := ready[i]
				o := outcome{st: st, res: SyncResult{TenantID: st.TenantID, Name: st.Name}}
				snap, err := c.MS.Licences(ctx, st.TenantID)
				if err != nil {
					o.err = err
					o.res.Error = VerifyReason(err)
				} else {
					o.snap = &snap
					o.res.OK = true
					o.res.Skus = len(snap.Skus)
					o.res.Users = len(snap.Users)
				}
				outcomes[i] = o
				// Progress is reported one call at a time, so callers
				// need no locking of their own.
				var batch []connectors.LicenceSnapshot
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(ready), o.res)
				}
				if o.snap != nil {
					pending = append(pending, *o.snap)
					if len(pending) >= snapshotBatch {
						batch, pending = pending, nil
					}
				}
				mu.Unlock()
				if batch != nil {
					save(batch)
				}
			}
		}()
	}
feed:
	for i := range ready {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	if len(pending) > 0 {
		save(pending)
	}
	now := c.now()
	for i, o := range outcomes {
		if o.res.TenantID == "" { // never started: cancelled
			o.res = SyncResult{TenantID: ready[i].TenantID, Name: ready[i].Name, Error: "cancelled"}
			o.err = ctx.Err()
			o.st = ready[i]
		}
		rep.Results = append(rep.Results, o.res)
		if o.snap != nil {
			rep.Succeeded++
			continue
		}
		rep.Failed++
		if err := c.Keep.MarkStale(o.st.TenantID, o.res.Error, now); err != nil {
			errs = append(errs, err)
		}
		if lost(o.err) {
			rec := o.st.Consent
			rec.State = connectors.ConsentLost
			rec.Reason = o.res.Error
			rec.UpdatedAt = now
			if err := c.Keep.SaveConsent(rec); err != nil {
				errs = append(errs, err)
			}
			rep.Lost = append(rep.Lost, o.st.TenantID)
		}
	}
	rep.FinishedAt = c.now()
	if ctx.Err() != nil {
		errs = append(errs, fmt.Errorf("sync interrupted: %w", connectors.ErrCanceled))
	}
	return rep, errors.Join(errs...)
}

// snapshotBatch is how many tenants' snapshots are saved in one write: large
// enough that a thousand tenants cost twenty writes, small enough that each
// holds the store's lock only briefly.
const snapshotBatch = 50

// lost reports whether a failure means the customer stopped working (as
// opposed to a passing outage): consent revoked, roles or GDAP removed.
func lost(err error) bool {
	switch connectors.KindOf(err) {
	case connectors.ErrConsentRequired, connectors.ErrForbidden:
		return true
	}
	return false
}
