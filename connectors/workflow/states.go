package workflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// One rule decides a customer's consent state from what a check of its
// tenant found, for every path: Option A and B, one customer or many, a
// consent just given or a refresh that looks again. The reason is always
// about now: what the check just found, never an older sentence.
//
//   - The tenant answered: Ready (Failed when GDAP no longer grants access,
//     or the GDAP roles seen cannot read licences).
//   - No consent there: a customer that was consented before (Ready or
//     Lost) is Lost, because the consent was removed; a consent just given
//     that has not shown yet is Failed ("has not reached the tenant yet");
//     otherwise the customer keeps its state (Not consented, Failed) with
//     the current reason (an admin link still waiting, or no consent).
//   - Access refused (GDAP roles, no GDAP access): Lost for a customer that
//     was Ready, Failed otherwise.
//   - Anything else (an outage, throttling) changes no state: the last one
//     known stands, and the caller reports the failure.

// checkKind says what led to a check, which decides what "no consent
// there" means.
type checkKind int

const (
	checkAgain   checkKind = iota // a refresh or sync looking again
	checkGranted                  // right after consent was given (Option B, or an accepted link)
)

// settle applies the rule. changed is false when the check says nothing
// about consent (an outage): then the record is returned as it was.
func settle(st connectors.CustomerStatus, kind checkKind, err error) (rec connectors.ConsentRecord, changed bool) {
	rec = st.Consent
	rec.TenantID = st.TenantID
	was := rec.State
	switch {
	case err == nil && !st.GDAP.Status.AllowsAccess():
		rec.State = connectors.ConsentFailed
		rec.Reason = fmt.Sprintf("consented, but GDAP is %s: Ready needs an active GDAP relationship", st.GDAP.Status.Label())
	case err == nil && !canRead(st.GDAP):
		rec.State = connectors.ConsentFailed
		rec.Reason = "consented, but the GDAP roles cannot read licences: assign Global Reader or Directory Readers through GDAP"
	case err == nil:
		rec.State, rec.Reason = connectors.ConsentReady, ""
		rec.LinkSentAt = time.Time{} // the link, if any, was accepted
	case connectors.KindOf(err) == connectors.ErrConsentRequired:
		switch {
		case was == connectors.ConsentReady || was == connectors.ConsentLost:
			rec.State = connectors.ConsentLost
			rec.Reason = "the consent for seats was removed from this tenant: consent again"
		case kind == checkGranted:
			rec.State = connectors.ConsentFailed
			rec.Reason = "consent has not reached the tenant yet: try again in a few minutes"
		case !rec.LinkSentAt.IsZero():
			rec.Reason = fmt.Sprintf("waiting for the customer's admin to accept the consent link sent %s", rec.LinkSentAt.Format("2006-01-02 15:04 MST"))
		default:
			rec.Reason = "seats is not consented in this tenant: consent with your partner account, or send the customer's admin a link"
		}
		if rec.State == connectors.ConsentVerifying {
			rec.State = connectors.ConsentFailed
		}
	case connectors.KindOf(err) == connectors.ErrForbidden:
		rec.State = connectors.ConsentFailed
		if was == connectors.ConsentReady {
			rec.State = connectors.ConsentLost
		}
		rec.Reason = forbiddenReason(err)
	default:
		return st.Consent, false
	}
	if rec.State != connectors.ConsentVerifying {
		rec.PID = 0
	}
	return rec, rec.State != st.Consent.State || rec.Reason != st.Consent.Reason || !rec.LinkSentAt.Equal(st.Consent.LinkSentAt)
}

// canRead reports whether the GDAP roles seen let seats read licences;
// unknown roles (no GDAP in this cloud) are given the benefit of the doubt.
func canRead(g connectors.GDAPSummary) bool {
	return g.Status == connectors.GDAPUnavailable || len(g.Roles) == 0 || g.HasReadRole()
}

// forbiddenReason explains a refused access in one sentence.
func forbiddenReason(err error) string {
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Message != "" && !strings.Contains(ce.Message, "Insufficient privileges") {
		return strings.TrimSuffix(ce.Message, ".")
	}
	return "the GDAP roles do not allow reading licences: assign Global Reader or Directory Readers through GDAP"
}

// VerifyReason explains a failed verification in one sentence.
func VerifyReason(err error) string {
	switch connectors.KindOf(err) {
	case connectors.ErrConsentRequired:
		return "consent has not reached the tenant yet: try again in a few minutes"
	case connectors.ErrForbidden:
		return forbiddenReason(err)
	case connectors.ErrSignInRequired:
		return "the Microsoft sign-in has expired: run seats login"
	default:
		return Explain(err)
	}
}

// Explain says in one sentence which service failed at what, and how:
// "Graph answered HTTP 503 4 times for the subscribed SKUs: try again
// later". It is for the failures that are nobody's doing (outages,
// throttling, answers cut short), which a person can only retry later.
func Explain(err error) string { return explainFor("", err) }

// explainFor is Explain naming whose data it was: "for Contoso's
// subscribed SKUs", "for a token for Contoso".
func explainFor(name string, err error) string {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err.Error()
	}
	service := serviceName(ce.Service)
	what := callName(ce.Op, name)
	var se *httpx.StatusError
	times := ""
	if errors.As(err, &se) && se.Attempts > 1 {
		times = fmt.Sprintf(" %d times", se.Attempts)
	}
	detail := ""
	if ce.Message != "" && !strings.Contains(ce.Message, "could not be reached") {
		detail = " (" + strings.TrimSuffix(ce.Message, ".") + ")"
	}
	switch {
	case ce.Kind == connectors.ErrCanceled:
		return fmt.Sprintf("stopped while asking %s for %s", service, what)
	case refusal(ce.Kind):
		// Waiting does not help a refusal: its message says what to do
		// (sign in again, fix the key, ask for the role).
		if detail == "" && ce.Kind == connectors.ErrSignInRequired {
			detail = " (run seats login again)"
		}
		return fmt.Sprintf("%s refused %s%s", service, what, detail)
	case ce.Kind == connectors.ErrRateLimited:
		return fmt.Sprintf("%s kept throttling (HTTP 429%s) when asked for %s: try again later", service, times, what)
	case ce.Kind == connectors.ErrBadResponse:
		return fmt.Sprintf("%s's answer for %s could not be read%s: try again later", service, what, detail)
	case ce.Status != 0:
		return fmt.Sprintf("%s answered HTTP %d%s for %s%s: try again later", service, ce.Status, times, what, detail)
	case ce.Kind == connectors.ErrUnavailable:
		return fmt.Sprintf("%s could not be reached for %s%s: try again later", service, what, detail)
	default:
		return fmt.Sprintf("%s refused %s%s", service, what, detail)
	}
}

// refusal reports whether a kind is the service saying no, which trying
// again later does not change.
func refusal(k connectors.Kind) bool {
	switch k {
	case connectors.ErrSignInRequired, connectors.ErrUnauthorized, connectors.ErrForbidden,
		connectors.ErrConsentRequired, connectors.ErrConditionalAccess:
		return true
	}
	return false
}

// callName phrases a connector's Op for a sentence, with whose data it is.
func callName(op, name string) string {
	owner := ""
	if name != "" {
		owner = name + "'s "
	}
	switch {
	case strings.HasPrefix(op, "token for tenant"), strings.HasPrefix(op, "token for a customer"):
		if name != "" {
			return "a token for " + name
		}
		return "a token for the customer tenant"
	case strings.HasPrefix(op, "token for "):
		return "a " + op
	case strings.HasPrefix(op, "list "):
		return owner + strings.TrimPrefix(op, "list ")
	case op == "":
		return owner + "data"
	}
	return owner + op
}

// serviceName is a connector's service as people name it.
func serviceName(s string) string {
	switch s {
	case "graph":
		return "Graph"
	case "partner center":
		return "Partner Center"
	case "sign-in":
		return "the Microsoft sign-in service"
	case "":
		return "Microsoft"
	}
	return s
}
