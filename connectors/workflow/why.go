package workflow

import (
	"strings"

	"github.com/seats-msp/seats/connectors"
)

// WhyNotReady says in one short sentence why a customer is not Ready, or ""
// when it is: the consent's own recorded reason first, else what its GDAP
// or consent state says.
func WhyNotReady(c connectors.CustomerStatus) string {
	if c.Ready() {
		return ""
	}
	if c.Consent.State != connectors.ConsentReady && c.Consent.Reason != "" {
		return c.Consent.Reason
	}
	switch c.GDAP.Status {
	case connectors.GDAPPending:
		return "the GDAP relationship awaits the customer's approval"
	case connectors.GDAPExpired:
		return "the GDAP relationship has ended: renew it in Partner Center"
	case connectors.GDAPActive, connectors.GDAPExpiring, connectors.GDAPUnavailable:
	default:
		return "no GDAP relationship: set one up in Partner Center"
	}
	switch c.Consent.State {
	case connectors.ConsentLost:
		return "the consent stopped working: consent again"
	case connectors.ConsentFailed:
		return "the last consent failed: consent again"
	case connectors.ConsentVerifying:
		return "waiting for the consent to reach the tenant"
	}
	if missing := c.GDAP.MissingConsentRoles(); len(missing) > 0 && c.GDAP.Status != connectors.GDAPUnavailable {
		return "not consented; GDAP lacks " + strings.Join(missing, " and ") + ", so use --method admin"
	}
	return "not consented yet"
}
