package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Customers refreshes customers and consents seats into them. It implements
// the wizard's customer screen dependencies and backs `seats consent`,
// `seats status --refresh` and `seats sync`.
type Customers struct {
	MS   connectors.Microsoft
	Keep Keeper
	Now  func() time.Time
	// VerifyFor bounds how long a fresh consent may take to propagate before
	// Verify's failure is final; VerifyEvery is the pause between tries.
	VerifyFor   time.Duration
	VerifyEvery time.Duration
	// AdminPollEvery is the pause between checks while waiting for a
	// customer's admin to accept the consent link.
	AdminPollEvery time.Duration
	// FreshFor is how long a customer list read from Partner Center counts
	// as fresh: RefreshIfStale reads it again only when it is older (the
	// setting sync.customers_fresh_for). 0 = DefaultFreshFor.
	FreshFor time.Duration
	// Parallel bounds the customers worked on at once when many are
	// checked or consented (the setting sync.concurrency); the client
	// bounds each service's calls below it. 0 = DefaultParallel.
	Parallel int
	// Progress, if set, hears how a long step goes: what is being done,
	// how many of how many. Calls never overlap.
	Progress func(step string, done, total int)
	// Sleep waits for d or until ctx ends; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultFreshFor is how long a customer list counts as fresh when
// Customers.FreshFor is 0.
const DefaultFreshFor = 5 * time.Minute

// DefaultParallel is how many customers are worked on at once when
// Customers.Parallel is 0.
const DefaultParallel = 64

func (c *Customers) now() time.Time {
	if c.Now != nil {
		return c.Now().UTC()
	}
	return time.Now().UTC()
}

func (c *Customers) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return httpx.Sleep(ctx, d)
}

func (c *Customers) parallel(n int) int {
	switch {
	case n > 0:
		return n
	case c.Parallel > 0:
		return c.Parallel
	}
	return DefaultParallel
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Statuses returns what the store knows, without calling anyone.
func (c *Customers) Statuses() ([]connectors.CustomerStatus, error) {
	return c.Keep.CustomerStatuses()
}

// Fresh reports whether the customer list was read from Partner Center
// within FreshFor, so that it need not be read again now.
func (c *Customers) Fresh() (bool, error) {
	at, err := c.Keep.CustomersRefreshedAt()
	if err != nil || at.IsZero() {
		return false, err
	}
	age := c.now().Sub(at)
	return age >= 0 && age < orDefault(c.FreshFor, DefaultFreshFor), nil
}

// RefreshIfStale is Refresh when the customer list is older than FreshFor
// (or was never read), else what the store knows. refreshed says which.
func (c *Customers) RefreshIfStale(ctx context.Context) (statuses []connectors.CustomerStatus, refreshed bool, err error) {
	fresh, err := c.Fresh()
	if err != nil {
		return nil, false, err
	}
	if fresh {
		statuses, err = c.Statuses()
		return statuses, false, err
	}
	statuses, err = c.Refresh(ctx)
	return statuses, true, err
}

// LostCustomer is a customer that stopped working in this run, and why.
type LostCustomer struct {
	TenantID string `json:"tenant_id"`
	Name     string `json:"name"`
	Reason   string `json:"reason"`
}

// refreshResult is what a refresh learnt.
type refreshResult struct {
	statuses []connectors.CustomerStatus
	lost     []LostCustomer // turned Lost in this refresh
}

// Refresh reads the customer list from Partner Center and every GDAP
// relationship from Graph (at the same time), stores them in one write,
// turns customers that were Ready but whose GDAP no longer grants access
// into Lost, and looks again at every customer with usable GDAP that is not
// Ready (an admin link accepted since, a consent given elsewhere): one
// token attempt each, Ready when the consent is there, and the current
// reason when not.
func (c *Customers) Refresh(ctx context.Context) ([]connectors.CustomerStatus, error) {
	res, err := c.refresh(ctx)
	return res.statuses, err
}

func (c *Customers) refresh(ctx context.Context) (refreshResult, error) {
	var res refreshResult
	prev, err := c.Keep.CustomerStatuses()
	if err != nil {
		return res, err
	}
	c.progress("Reading customers and GDAP relationships", 0, 0)
	var (
		customers []connectors.Customer
		rels      []connectors.GDAPRelationship
		available bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if customers, err = c.MS.Customers(gctx); err != nil {
			return fmt.Errorf("list customers: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		var err error
		if rels, available, err = c.MS.GDAPRelationships(gctx); err != nil {
			return fmt.Errorf("list GDAP relationships: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return res, err
	}
	now := c.now()
	gdap := summarise(customers, rels, available, prev, now)
	if err := c.Keep.ReplaceCustomers(customers, gdap, now); err != nil {
		return res, err
	}
	statuses, err := c.Keep.CustomerStatuses()
	if err != nil {
		return res, err
	}
	var changed []connectors.ConsentRecord
	for i, st := range statuses {
		if st.Consent.State != connectors.ConsentReady || st.GDAP.Status.AllowsAccess() {
			continue
		}
		rec := st.Consent
		rec.State = connectors.ConsentLost
		rec.Reason = fmt.Sprintf("GDAP is %s: renew the relationship in Partner Center", st.GDAP.Status.Label())
		rec.UpdatedAt = now
		changed = append(changed, rec)
		statuses[i].Consent = rec
		res.lost = append(res.lost, LostCustomer{TenantID: st.TenantID, Name: st.Name, Reason: rec.Reason})
	}
	rechecked, lost, err := c.recheck(ctx, statuses)
	changed = append(changed, rechecked...)
	res.lost = append(res.lost, lost...)
	if serr := c.Keep.SaveConsents(changed); serr != nil {
		return res, serr
	}
	res.statuses = statuses
	return res, err
}

// summarise folds the relationships into one GDAP summary per customer. A
// customer one of whose relationships could not be read whole keeps the
// summary read before, marked stale with the reason (a first read marks
// what it could read).
func summarise(customers []connectors.Customer, rels []connectors.GDAPRelationship, available bool, prev []connectors.CustomerStatus, now time.Time) map[string]connectors.GDAPSummary {
	byTenant := map[string][]connectors.GDAPRelationship{}
	for _, r := range rels {
		key := normalise(r.CustomerTenantID)
		byTenant[key] = append(byTenant[key], r)
	}
	before := make(map[string]connectors.GDAPSummary, len(prev))
	for _, st := range prev {
		before[normalise(st.TenantID)] = st.GDAP
	}
	gdap := make(map[string]connectors.GDAPSummary, len(customers))
	for _, cu := range customers {
		if !available {
			gdap[cu.TenantID] = connectors.GDAPSummary{Status: connectors.GDAPUnavailable}
			continue
		}
		key := normalise(cu.TenantID)
		mine := byTenant[key]
		sum := connectors.SummarizeGDAP(mine, now)
		for _, r := range mine {
			if r.AssignmentsError == "" {
				continue
			}
			if old, ok := before[key]; ok {
				sum = old
			}
			sum.Stale, sum.StaleReason = true, r.AssignmentsError
			break
		}
		gdap[cu.TenantID] = sum
	}
	return gdap
}

// consentChecker is the cheap check of consent in a tenant: one token
// attempt, no read. *microsoft.Client has it; a connector without it is
// checked with Verify.
type consentChecker interface {
	CheckConsent(ctx context.Context, tenantID string) error
}

func (c *Customers) check(ctx context.Context, tenantID string) error {
	if cc, ok := c.MS.(consentChecker); ok {
		return cc.CheckConsent(ctx, tenantID)
	}
	return c.MS.Verify(ctx, tenantID)
}

// recheckable reports whether a customer is looked at again on refresh: its
// GDAP grants access and it is not Ready, nor being verified right now.
func recheckable(st connectors.CustomerStatus) bool {
	if !st.GDAP.Status.AllowsAccess() {
		return false
	}
	switch st.Consent.State {
	case connectors.ConsentNone, connectors.ConsentFailed, connectors.ConsentLost:
		return true
	}
	return false
}

// recheck checks again, Parallel at a time, every customer in statuses
// that is recheckable, updates statuses in place and returns the records
// that changed and the customers that turned Lost. A sign-in that is gone
// stops it with that error; so does ctx.
func (c *Customers) recheck(ctx context.Context, statuses []connectors.CustomerStatus) ([]connectors.ConsentRecord, []LostCustomer, error) {
	var todo []int
	for i, st := range statuses {
		if recheckable(st) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil, nil, nil
	}
	var (
		mu      sync.Mutex
		changed []connectors.ConsentRecord
		lost    []LostCustomer
		done    int
	)
	now := c.now()
	c.progress("Checking consent", 0, len(todo))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallel(0))
	for _, i := range todo {
		g.Go(func() error {
			st := statuses[i]
			err := c.check(gctx, st.TenantID)
			if connectors.KindOf(err) == connectors.ErrSignInRequired {
				return err
			}
			if gctx.Err() != nil {
				return gctx.Err()
			}
			rec, ok := settle(st, checkAgain, err)
			mu.Lock()
			defer mu.Unlock()
			done++
			c.progress("Checking consent", done, len(todo))
			if !ok {
				return nil
			}
			rec.UpdatedAt = now
			if rec.State == connectors.ConsentReady {
				rec.VerifiedAt = now
			}
			if rec.State == connectors.ConsentLost && st.Consent.State != connectors.ConsentLost {
				lost = append(lost, LostCustomer{TenantID: st.TenantID, Name: st.Name, Reason: rec.Reason})
			}
			statuses[i].Consent = rec
			changed = append(changed, rec)
			return nil
		})
	}
	err := g.Wait()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("checking consent was interrupted: %w", connectors.ErrCanceled)
	}
	return changed, lost, err
}

// progress reports a step, if anyone listens; calls are serialised by the
// callers.
func (c *Customers) progress(step string, done, total int) {
	if c.Progress != nil {
		c.Progress(step, done, total)
	}
}

// status finds one customer in the store.
func (c *Customers) status(tenantID string) (connectors.CustomerStatus, error) {
	st, ok, err := c.Keep.CustomerStatus(tenantID)
	if err != nil || ok {
		return st, err
	}
	return connectors.CustomerStatus{}, fmt.Errorf("customer %s is not in the customer list: refresh customers (seats status) and check the tenant id: %w", tenantID, connectors.ErrNotFound)
}

func (c *Customers) record(st *connectors.CustomerStatus, state connectors.ConsentState, method connectors.ConsentMethod, reason string) error {
	now := c.now()
	rec := st.Consent
	rec.TenantID = st.TenantID
	rec.State = state
	if method != "" {
		rec.Method = method
	}
	rec.Reason = reason
	rec.UpdatedAt = now
	rec.PID = 0
	switch state {
	case connectors.ConsentReady:
		rec.VerifiedAt = now
		rec.LinkSentAt = time.Time{}
	case connectors.ConsentVerifying:
		// So that a Verifying left behind by a seats that is killed
		// reads as interrupted (see store).
		rec.PID = os.Getpid()
	}
	st.Consent = rec
	return c.Keep.SaveConsent(rec)
}

// recordSettled records what the one consent rule (settle) makes of a
// check; a check that says nothing about consent (an outage) records
// Failed with its reason, since a consent attempt ended there.
func (c *Customers) recordSettled(st *connectors.CustomerStatus, kind checkKind, method connectors.ConsentMethod, err error) error {
	rec, ok := settle(*st, kind, err)
	if !ok {
		return c.record(st, connectors.ConsentFailed, method, VerifyReason(err))
	}
	return c.record(st, rec.State, method, rec.Reason)
}

// ConsentPartner consents seats into one customer with the signed-in partner
// account (Option B), then verifies until the consent has propagated. The
// returned status is recorded; a non-nil error says in one sentence why the
// customer is not Ready.
func (c *Customers) ConsentPartner(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	st, err := c.status(tenantID)
	if err != nil {
		return st, err
	}
	return c.consentPartner(ctx, st)
}

// consentPartner is ConsentPartner for a customer already read from the
// store (the bulk consent has them all at hand).
func (c *Customers) consentPartner(ctx context.Context, st connectors.CustomerStatus) (connectors.CustomerStatus, error) {
	if !st.GDAP.Status.AllowsAccess() {
		return st, &connectors.Error{Kind: connectors.ErrGDAPRequired, Service: "seats", Op: "consent " + st.Name,
			Message: fmt.Sprintf("%s has GDAP %s: partner consent needs an active GDAP relationship", st.Name, st.GDAP.Status.Label())}
	}
	missing := st.GDAP.MissingConsentRoles()
	if err := c.MS.ConsentPartner(ctx, st.TenantID); err != nil {
		if errors.Is(err, connectors.ErrCanceled) || ctx.Err() != nil {
			return st, err
		}
		reason := consentRefusal(err, missing)
		if rerr := c.record(&st, connectors.ConsentFailed, connectors.ConsentByPartner, reason); rerr != nil {
			return st, rerr
		}
		return st, fmt.Errorf("%s: %s: %w", st.Name, reason, err)
	}
	return c.verify(ctx, st, connectors.ConsentByPartner)
}

// consentRefusal turns a refused partner consent into one sentence, naming
// the missing GDAP role when the relationship lacks one.
func consentRefusal(err error, missing []string) string {
	if len(missing) > 0 && connectors.KindOf(err) == connectors.ErrForbidden {
		return fmt.Sprintf("Partner Center refused consent: the GDAP relationship lacks %s", strings.Join(missing, " and "))
	}
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Message != "" {
		return "Partner Center refused consent: " + strings.TrimSuffix(ce.Message, ".")
	}
	return "consent failed: " + err.Error()
}

// verify records Verifying, then retries Verify while the consent
// propagates, and records what the one consent rule makes of the outcome.
func (c *Customers) verify(ctx context.Context, st connectors.CustomerStatus, method connectors.ConsentMethod) (connectors.CustomerStatus, error) {
	if err := c.record(&st, connectors.ConsentVerifying, method, "waiting for the consent to reach the tenant"); err != nil {
		return st, err
	}
	deadline := c.now().Add(orDefault(c.VerifyFor, 2*time.Minute))
	for {
		err := c.MS.Verify(ctx, st.TenantID)
		if err != nil && ctx.Err() != nil {
			return st, c.interrupted(&st, method, err)
		}
		propagating := connectors.KindOf(err) == connectors.ErrConsentRequired
		if err == nil || !propagating || !c.now().Before(deadline) {
			if rerr := c.recordSettled(&st, checkGranted, method, err); rerr != nil {
				return st, rerr
			}
			return st, notReady(st, err)
		}
		if serr := c.sleep(ctx, orDefault(c.VerifyEvery, 5*time.Second)); serr != nil {
			return st, c.interrupted(&st, method, serr)
		}
	}
}

// notReady is the error for a customer that a check left not Ready, with
// its recorded reason first; nil when it is Ready.
func notReady(st connectors.CustomerStatus, cause error) error {
	if st.Consent.State == connectors.ConsentReady {
		return nil
	}
	if cause == nil {
		return &connectors.Error{Kind: connectors.ErrGDAPRequired, Service: "seats", Op: "verify " + st.Name, Message: st.Consent.Reason}
	}
	return fmt.Errorf("%s: %s: %w", st.Name, st.Consent.Reason, cause)
}

// interrupted records a verification cut short (Esc, Ctrl+C), so the
// customer is not left Verifying with nothing verifying it.
func (c *Customers) interrupted(st *connectors.CustomerStatus, method connectors.ConsentMethod, cause error) error {
	reason := "verification was interrupted: consent again to finish (an existing consent is not an error)"
	return errors.Join(c.record(st, connectors.ConsentFailed, method, reason),
		fmt.Errorf("%s: %s: %w", st.Name, reason, connectors.ErrCanceled), cause)
}

// AdminConsentURL is the link the customer's own admin opens (Option A).
func (c *Customers) AdminConsentURL(tenantID string) string {
	return c.MS.AdminConsentURL(tenantID)
}

// WaitAdminConsent waits for the customer's admin to accept the link
// (Option A): it records that a link is out, checks every AdminPollEvery
// until the tenant answers, then records what the one consent rule makes of
// it. When ctx ends first the customer keeps its state, with the link noted
// as still waiting, so that a later refresh or sync sees the acceptance.
func (c *Customers) WaitAdminConsent(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	st, err := c.status(tenantID)
	if err != nil {
		return st, err
	}
	if err := c.linkSent(&st); err != nil {
		return st, err
	}
	for {
		done, err := c.checkAdmin(ctx, &st)
		if done {
			return st, err
		}
		if serr := c.sleep(ctx, orDefault(c.AdminPollEvery, 5*time.Second)); serr != nil || ctx.Err() != nil {
			return st, stoppedWaiting(st)
		}
	}
}

// linkSent records that an admin-consent link is out for the customer,
// keeping its state.
func (c *Customers) linkSent(st *connectors.CustomerStatus) error {
	if st.Ready() {
		return nil
	}
	now := c.now()
	rec := st.Consent
	rec.TenantID = st.TenantID
	rec.Method = connectors.ConsentByAdmin
	rec.LinkSentAt = now
	rec.UpdatedAt = now
	rec.Reason = fmt.Sprintf("waiting for the customer's admin to accept the consent link sent %s", now.Format("2006-01-02 15:04 MST"))
	st.Consent = rec
	return c.Keep.SaveConsent(rec)
}

// checkAdmin checks once whether a customer's admin has consented. done is
// false while the tenant still answers "consent required" (keep waiting);
// otherwise the outcome is recorded and err says why it is not Ready.
func (c *Customers) checkAdmin(ctx context.Context, st *connectors.CustomerStatus) (done bool, err error) {
	verr := c.MS.Verify(ctx, st.TenantID)
	if ctx.Err() != nil || connectors.KindOf(verr) == connectors.ErrConsentRequired {
		return false, nil
	}
	if rerr := c.recordSettled(st, checkGranted, connectors.ConsentByAdmin, verr); rerr != nil {
		return true, rerr
	}
	return true, notReady(*st, verr)
}

func stoppedWaiting(st connectors.CustomerStatus) error {
	return fmt.Errorf("stopped waiting for %s's admin: %w", st.Name, connectors.ErrCanceled)
}
