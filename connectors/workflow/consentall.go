package workflow

import (
	"context"
	"fmt"
	"strings"
	"sync"

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
// are worked on at once. onResult, if set, is called as each one finishes,
// never concurrently.
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
	if parallel < 1 {
		parallel = 4
	}
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
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	n := 0
	for _, st := range statuses {
		if len(want) > 0 && !want[normalise(st.TenantID)] {
			continue
		}
		results[n] = ConsentResult{TenantID: st.TenantID, Name: st.Name}
		idx := n
		n++
		switch {
		case st.Ready():
			report(idx, ConsentResult{TenantID: st.TenantID, Name: st.Name, Outcome: OutcomeAlreadyReady})
			continue
		case !st.GDAP.Status.AllowsAccess():
			report(idx, ConsentResult{TenantID: st.TenantID, Name: st.Name, Outcome: OutcomeSkipped,
				Reason: fmt.Sprintf("GDAP is %s: Ready needs an active GDAP relationship", st.GDAP.Status.Label())})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				report(idx, ConsentResult{TenantID: st.TenantID, Name: st.Name, Outcome: OutcomeFailed, Reason: "cancelled before it started"})
				return
			}
			defer func() { <-sem }()
			report(idx, c.consentOne(ctx, st, method, onBefore))
		}()
	}
	wg.Wait()
	return results[:n], nil
}

func (c *Customers) consentOne(ctx context.Context, st connectors.CustomerStatus, method connectors.ConsentMethod, onLink func(ConsentResult)) ConsentResult {
	res := ConsentResult{TenantID: st.TenantID, Name: st.Name}
	var err error
	if method == connectors.ConsentByAdmin {
		res.ConsentURL = c.AdminConsentURL(st.TenantID)
		if onLink != nil {
			onLink(res)
		}
		_, err = c.WaitAdminConsent(ctx, st.TenantID)
	} else {
		res.Warning = MissingRolesWarning(st)
		if res.Warning != "" && onLink != nil {
			onLink(res)
		}
		_, err = c.ConsentPartner(ctx, st.TenantID)
	}
	if err != nil {
		res.Outcome = OutcomeFailed
		res.Reason = reasonOf(c, st.TenantID, err)
		return res
	}
	res.Outcome = OutcomeConsented
	return res
}

// reasonOf prefers the reason recorded in the store (one sentence) over the
// raw error chain.
func reasonOf(c *Customers, tenantID string, err error) string {
	if st, serr := c.status(tenantID); serr == nil && st.Consent.Reason != "" && st.Consent.State == connectors.ConsentFailed {
		return st.Consent.Reason
	}
	return err.Error()
}
