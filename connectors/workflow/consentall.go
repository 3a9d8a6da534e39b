package workflow

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Outcome is how one customer ended in a bulk consent.
type Outcome string

// The outcomes of a bulk consent.
const (
	OutcomeConsented    Outcome = "consented"
	OutcomeAlreadyReady Outcome = "already_ready"
	OutcomeSkipped      Outcome = "skipped"
	OutcomeFailed       Outcome = "failed"
)

// ConsentResult is one customer's line in the consent report.
type ConsentResult struct {
	TenantID   string  `json:"tenant_id"`
	Name       string  `json:"name"`
	Outcome    Outcome `json:"outcome"`
	Reason     string  `json:"reason,omitempty"`
	ConsentURL string  `json:"consent_url,omitempty"` // Option A: the link sent to the customer's admin
	// Warning is set when the partner consent was tried although the GDAP
	// roles seen lack one it needs (it may still work through another group).
	Warning string `json:"warning,omitempty"`
}

// MissingRolesWarning is the warning given before a partner consent whose
// GDAP roles lack Privileged Role Administrator or Application
// Administrator, or "" when none is missing.
func MissingRolesWarning(st connectors.CustomerStatus) string {
	if st.GDAP.Status == connectors.GDAPUnavailable {
		return "" // no GDAP in this cloud: no roles to check
	}
	missing := st.GDAP.MissingConsentRoles()
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("the GDAP roles seen lack %s, which partner consent needs; Microsoft may refuse", strings.Join(missing, " and "))
}

// ConsentMany consents into the given customers (nil = every customer) with
// one method and reports every customer: consented, already Ready, skipped
// and why (GDAP not usable), or failed and why. At most parallel customers
// are worked on at once (0 = Parallel). onResult, if set, is called as each
// one finishes, never concurrently. The states are read from the store
// when it starts, so another seats's consents since are seen.
//
// With the partner method each customer is first checked (one token
// attempt): one consented already, elsewhere or earlier, turns Ready
// without asking Partner Center; only the others are consented.
//
// With the admin method nothing can be done for the customer; the link is
// reported at once (onBefore) and seats waits for the admins until ctx ends.
// With the partner method onBefore reports a warning when the GDAP roles
// lack one consent needs, before trying.
func (c *Customers) ConsentMany(ctx context.Context, tenantIDs []string, method connectors.ConsentMethod, parallel int, onBefore func(ConsentResult), onResult func(ConsentResult)) ([]ConsentResult, error) {
	statuses, err := c.Keep.CustomerStatuses()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range tenantIDs {
		want[normalise(id)] = true
	}
	if len(want) > 0 {
		found := map[string]bool{}
		for _, st := range statuses {
			found[normalise(st.TenantID)] = true
		}
		for id := range want {
			if !found[id] {
				return nil, fmt.Errorf("customer %s is not in the customer list: check the tenant id (seats status --json lists them): %w", id, connectors.ErrNotFound)
			}
		}
	}
	parallel = c.parallel(parallel)
	results := make([]ConsentResult, len(statuses))
	var mu sync.Mutex
	report := func(i int, r ConsentResult) {
		mu.Lock()
		defer mu.Unlock()
		results[i] = r
		if onResult != nil {
			onResult(r)
		}
	}
	if onBefore != nil {
		link := onBefore
		onBefore = func(r ConsentResult) {
			mu.Lock()
			defer mu.Unlock()
			link(r)
		}
	}
	n := 0
	var eligible []pendingConsent
	for _, st := range statuses {
		if len(want) > 0 && !want[normalise(st.TenantID)] {
			continue
		}
		idx := n
		n++
		switch {
		case st.Ready():
			report(idx, ConsentResult{TenantID: st.TenantID, Name: st.Name, Outcome: OutcomeAlreadyReady})
		case !st.GDAP.Status.AllowsAccess():
			report(idx, ConsentResult{TenantID: st.TenantID, Name: st.Name, Outcome: OutcomeSkipped,
				Reason: fmt.Sprintf("GDAP is %s: Ready needs an active GDAP relationship", st.GDAP.Status.Label())})
		default:
			eligible = append(eligible, pendingConsent{idx: idx, st: st})
		}
	}
	if method == connectors.ConsentByAdmin {
		c.waitAdmins(ctx, eligible, parallel, onBefore, report)
	} else {
		c.consentPartners(ctx, eligible, parallel, onBefore, report)
	}
	return results[:n], nil
}

// pendingConsent is one customer a bulk consent works on, with its place in
// the report.
type pendingConsent struct {
	idx int
	st  connectors.CustomerStatus
}

// consentPartners runs Option B for each customer, parallel at a time.
func (c *Customers) consentPartners(ctx context.Context, todo []pendingConsent, parallel int, onBefore func(ConsentResult), report func(int, ConsentResult)) {
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, p := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := ConsentResult{TenantID: p.st.TenantID, Name: p.st.Name}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				res.Outcome, res.Reason = OutcomeFailed, "cancelled before it started"
				report(p.idx, res)
				return
			}
			defer func() { <-sem }()
			st := p.st
			cerr := c.check(ctx, st.TenantID)
			if cerr == nil {
				// Consented already: no Partner Center call needed.
				if err := c.recordSettled(&st, checkGranted, connectors.ConsentByPartner, nil); err != nil {
					res.Outcome, res.Reason = OutcomeFailed, err.Error()
				} else if st.Ready() {
					res.Outcome = OutcomeAlreadyReady
				} else {
					res.Outcome, res.Reason = OutcomeFailed, st.Consent.Reason
				}
				report(p.idx, res)
				return
			}
			if connectors.KindOf(cerr) == connectors.ErrSignInRequired || ctx.Err() != nil {
				res.Outcome, res.Reason = OutcomeFailed, VerifyReason(cerr)
				report(p.idx, res)
				return
			}
			res.Warning = MissingRolesWarning(st)
			if res.Warning != "" && onBefore != nil {
				onBefore(res)
			}
			if st, err := c.consentPartner(ctx, st); err != nil {
				res.Outcome, res.Reason = OutcomeFailed, reasonOf(st, err)
			} else {
				res.Outcome = OutcomeConsented
			}
			report(p.idx, res)
		}()
	}
	wg.Wait()
}

// waitAdmins is Option A for many customers: every link is handed out at
// once (onBefore), then all the tenants are checked every AdminPollEvery,
// parallel checks at a time, until each has consented or failed, or ctx
// ends. Waiting never holds a slot, so a thousand links cost no more than
// their checks.
func (c *Customers) waitAdmins(ctx context.Context, todo []pendingConsent, parallel int, onBefore func(ConsentResult), report func(int, ConsentResult)) {
	links := make(map[int]string, len(todo))
	for i := range todo {
		p := &todo[i]
		links[p.idx] = c.AdminConsentURL(p.st.TenantID)
		// Noted, so that a refresh or sync after seats stops waiting
		// still looks for the acceptance.
		_ = c.linkSent(&p.st)
		if onBefore != nil {
			onBefore(ConsentResult{TenantID: p.st.TenantID, Name: p.st.Name, ConsentURL: links[p.idx]})
		}
	}
	pending := todo
	for len(pending) > 0 {
		var (
			mu    sync.Mutex
			still []pendingConsent
			wg    sync.WaitGroup
			sem   = make(chan struct{}, parallel)
		)
		for _, p := range pending {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				st := p.st
				done, err := c.checkAdmin(ctx, &st)
				if !done {
					mu.Lock()
					still = append(still, p)
					mu.Unlock()
					return
				}
				res := ConsentResult{TenantID: st.TenantID, Name: st.Name, ConsentURL: links[p.idx], Outcome: OutcomeConsented}
				if err != nil {
					res.Outcome, res.Reason = OutcomeFailed, reasonOf(st, err)
				}
				report(p.idx, res)
			}()
		}
		wg.Wait()
		pending = still
		if len(pending) == 0 {
			return
		}
		if err := c.sleep(ctx, orDefault(c.AdminPollEvery, 5*time.Second)); err != nil || ctx.Err() != nil {
			for _, p := range pending {
				report(p.idx, ConsentResult{TenantID: p.st.TenantID, Name: p.st.Name, ConsentURL: links[p.idx],
					Outcome: OutcomeFailed, Reason: stoppedWaiting(p.st).Error()})
			}
			return
		}
	}
}

// reasonOf prefers the reason just recorded for the customer (one
// sentence) over the raw error chain.
func reasonOf(st connectors.CustomerStatus, err error) string {
	if st.Consent.State == connectors.ConsentFailed && st.Consent.Reason != "" {
		return st.Consent.Reason
	}
	return err.Error()
}
