package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Customers refreshes customers and consents seats into them. It implements
// the wizard's customer screen dependencies and backs `seats consent`.
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
	// Sleep waits for d or until ctx ends; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
}

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

// Refresh reads the customer list from Partner Center and every GDAP
// relationship from Graph, stores them in one write, and turns customers
// that were Ready but whose GDAP no longer grants access into Lost.
func (c *Customers) Refresh(ctx context.Context) ([]connectors.CustomerStatus, error) {
	customers, err := c.MS.Customers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	rels, available, err := c.MS.GDAPRelationships(ctx)
	if err != nil {
		return nil, fmt.Errorf("list GDAP relationships: %w", err)
	}
	now := c.now()
	byTenant := map[string][]connectors.GDAPRelationship{}
	for _, r := range rels {
		key := strings.ToLower(r.CustomerTenantID)
		byTenant[key] = append(byTenant[key], r)
	}
	gdap := make(map[string]connectors.GDAPSummary, len(customers))
	for _, cu := range customers {
		if !available {
			gdap[cu.TenantID] = connectors.GDAPSummary{Status: connectors.GDAPUnavailable}
			continue
		}
		gdap[cu.TenantID] = connectors.SummarizeGDAP(byTenant[strings.ToLower(cu.TenantID)], now)
	}
	if err := c.Keep.ReplaceCustomers(customers, gdap, now); err != nil {
		return nil, err
	}
	statuses, err := c.Keep.CustomerStatuses()
	if err != nil {
		return nil, err
	}
	for i, st := range statuses {
		if st.Consent.State != connectors.ConsentReady || st.GDAP.Status.AllowsAccess() {
			continue
		}
		rec := st.Consent
		rec.State = connectors.ConsentLost
		rec.Reason = fmt.Sprintf("GDAP is %s: renew the relationship in Partner Center", st.GDAP.Status.Label())
		rec.UpdatedAt = now
		if err := c.Keep.SaveConsent(rec); err != nil {
			return nil, err
		}
		statuses[i].Consent = rec
	}
	return statuses, nil
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
	if state == connectors.ConsentReady {
		rec.VerifiedAt = now
	}
	st.Consent = rec
	return c.Keep.SaveConsent(rec)
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
// propagates, and records Ready or Failed.
func (c *Customers) verify(ctx context.Context, st connectors.CustomerStatus, method connectors.ConsentMethod) (connectors.CustomerStatus, error) {
	if err := c.record(&st, connectors.ConsentVerifying, method, "waiting for the consent to reach the tenant"); err != nil {
		return st, err
	}
	deadline := c.now().Add(orDefault(c.VerifyFor, 2*time.Minute))
	for {
		err := c.MS.Verify(ctx, st.TenantID)
		if err == nil {
			if !st.GDAP.Status.AllowsAccess() {
				reason := fmt.Sprintf("consented, but GDAP is %s: Ready needs an active GDAP relationship", st.GDAP.Status.Label())
				if rerr := c.record(&st, connectors.ConsentFailed, method, reason); rerr != nil {
					return st, rerr
				}
				return st, &connectors.Error{Kind: connectors.ErrGDAPRequired, Service: "seats", Op: "verify " + st.Name, Message: reason}
			}
			return st, c.record(&st, connectors.ConsentReady, method, "")
		}
		if ctx.Err() != nil {
			return st, c.interrupted(&st, method, err)
		}
		propagating := connectors.KindOf(err) == connectors.ErrConsentRequired
		if !propagating || !c.now().Before(deadline) {
			reason := VerifyReason(err)
			if rerr := c.record(&st, connectors.ConsentFailed, method, reason); rerr != nil {
				return st, rerr
			}
			return st, fmt.Errorf("%s: %s: %w", st.Name, reason, err)
		}
		if serr := c.sleep(ctx, orDefault(c.VerifyEvery, 5*time.Second)); serr != nil {
			return st, c.interrupted(&st, method, serr)
		}
	}
}

// interrupted records a verification cut short (Esc, Ctrl+C), so the
// customer is not left Verifying with nothing verifying it.
func (c *Customers) interrupted(st *connectors.CustomerStatus, method connectors.ConsentMethod, cause error) error {
	reason := "verification was interrupted: consent again to finish (an existing consent is not an error)"
	return errors.Join(c.record(st, connectors.ConsentFailed, method, reason),
		fmt.Errorf("%s: %s: %w", st.Name, reason, connectors.ErrCanceled), cause)
}

// VerifyReason explains a failed verification in one sentence.
func VerifyReason(err error) string {
	switch connectors.KindOf(err) {
	case connectors.ErrConsentRequired:
		return "consent has not reached the tenant yet: try again in a few minutes"
	case connectors.ErrForbidden:
		var ce *connectors.Error
		if errors.As(err, &ce) && ce.Message != "" && !strings.Contains(ce.Message, "Insufficient privileges") {
			return strings.TrimSuffix(ce.Message, ".")
		}
		return "the GDAP roles do not allow reading licences: assign Global Reader or Directory Readers through GDAP"
	case connectors.ErrSignInRequired:
		return "the Microsoft sign-in has expired: run seats login"
	case connectors.ErrRateLimited:
		return "Microsoft is throttling requests: try again later"
	case connectors.ErrUnavailable:
		return "Microsoft did not answer: try again later"
	default:
		return "verification failed: " + err.Error()
	}
}

// AdminConsentURL is the link the customer's own admin opens (Option A).
func (c *Customers) AdminConsentURL(tenantID string) string {
	return c.MS.AdminConsentURL(tenantID)
}

// WaitAdminConsent waits for the customer's admin to accept the link
// (Option A): it checks every AdminPollEvery until the tenant answers, then
// records Ready. When ctx ends first the customer is left as it was.
func (c *Customers) WaitAdminConsent(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	st, err := c.status(tenantID)
	if err != nil {
		return st, err
	}
	before := st.Consent
	for {
		done, err := c.checkAdmin(ctx, &st)
		if done {
			return st, err
		}
		if serr := c.sleep(ctx, orDefault(c.AdminPollEvery, 5*time.Second)); serr != nil || ctx.Err() != nil {
			st.Consent = before
			return st, stoppedWaiting(st)
		}
	}
}

// checkAdmin checks once whether a customer's admin has consented. done is
// false while the tenant still answers "consent required" (keep waiting);
// otherwise the outcome is recorded and err says why it is not Ready.
func (c *Customers) checkAdmin(ctx context.Context, st *connectors.CustomerStatus) (done bool, err error) {
	verr := c.MS.Verify(ctx, st.TenantID)
	switch {
	case verr == nil && !st.GDAP.Status.AllowsAccess():
		reason := fmt.Sprintf("the admin consented, but GDAP is %s: Ready needs an active GDAP relationship", st.GDAP.Status.Label())
		return true, errors.Join(c.record(st, connectors.ConsentFailed, connectors.ConsentByAdmin, reason),
			&connectors.Error{Kind: connectors.ErrGDAPRequired, Service: "seats", Op: "verify " + st.Name, Message: reason})
	case verr == nil:
		return true, c.record(st, connectors.ConsentReady, connectors.ConsentByAdmin, "")
	case ctx.Err() != nil || connectors.KindOf(verr) == connectors.ErrConsentRequired:
		return false, nil
	default:
		reason := VerifyReason(verr)
		return true, errors.Join(c.record(st, connectors.ConsentFailed, connectors.ConsentByAdmin, reason), fmt.Errorf("%s: %s: %w", st.Name, reason, verr))
	}
}

func stoppedWaiting(st connectors.CustomerStatus) error {
	return fmt.Errorf("stopped waiting for %s's admin: %w", st.Name, connectors.ErrCanceled)
}
