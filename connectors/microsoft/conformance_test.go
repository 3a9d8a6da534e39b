package microsoft_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// TestConformance runs the connectors.Microsoft suite against the real
// client talking to msfake, with pages of 2 so that every listing pages.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunMicrosoft(t, func(t *testing.T) conformance.MicrosoftHarness {
		return msHarness{}
	})
}

type msHarness struct{}

func (msHarness) NewSignedIn(t *testing.T) (connectors.Microsoft, conformance.MicrosoftLevers) {
	now := time.Now()
	f := newFake(t, msfake.Options{PageSize: 2, Now: func() time.Time { return now }})
	c := f.client(t)
	signIn(t, c)
	return c, &msLevers{f: f, now: now}
}

// msLevers answers the suite from the fake's world and pulls its levers.
type msLevers struct {
	f   *fake
	now time.Time
}

func (l *msLevers) Now() time.Time { return l.now }

func (l *msLevers) Customers() []connectors.Customer {
	var out []connectors.Customer
	for _, c := range l.f.world.Customers {
		out = append(out, connectors.Customer{TenantID: c.TenantID, Name: c.Name, PrimaryDomain: c.Domain, Relationship: c.Relationship})
	}
	return out
}

func (l *msLevers) GDAPStatuses() map[string]connectors.GDAPStatus {
	out := map[string]connectors.GDAPStatus{}
	for _, c := range l.f.world.Customers {
		var rels []connectors.GDAPRelationship
		for _, r := range c.GDAP {
			rels = append(rels, connectors.GDAPRelationship{Status: r.Status, Roles: r.Roles, EndsAt: r.EndAt})
		}
		out[c.TenantID] = connectors.SummarizeGDAP(rels, l.now).Status
	}
	return out
}

func (l *msLevers) Tenant(want conformance.TenantCase) (string, bool) {
	for _, c := range l.f.world.Customers {
		roles, usable := usableRoles(c, l.now)
		var is bool
		switch want {
		case conformance.TenantConsented:
			is = usable && hasReadRole(roles) && c.Consent != nil
		case conformance.TenantConsentable:
			is = usable && hasReadRole(roles) && hasConsentRoles(roles) && c.Consent == nil
		case conformance.TenantMissingConsentRole:
			is = usable && !hasConsentRoles(roles) && c.Consent == nil
		case conformance.TenantWithoutGDAP:
			is = !usable
		}
		if is {
			return c.TenantID, true
		}
	}
	return "", false
}

func (l *msLevers) Licences(tenantID string) connectors.LicenceSnapshot {
	snap := connectors.LicenceSnapshot{TenantID: tenantID}
	for _, c := range l.f.world.Customers {
		if c.TenantID != tenantID {
			continue
		}
		snap.Domains = []string{strings.ToLower(c.Domain)}
		for _, s := range c.Skus {
			consumed := 0
			for _, u := range c.Users {
				for _, id := range u.Licenses {
					if id == s.SkuID {
						consumed++
					}
				}
			}
			snap.Skus = append(snap.Skus, connectors.SubscribedSku{
				SkuID: s.SkuID, SkuPartNumber: s.SkuPartNumber, ConsumedUnits: consumed,
				PrepaidUnits: connectors.PrepaidUnits{Enabled: s.Enabled},
			})
		}
		for _, s := range c.Subscriptions {
			snap.Subscriptions = append(snap.Subscriptions, connectors.DirectorySubscription{
				ID: s.ID, CommerceSubscriptionID: s.CommerceSubscriptionID, SkuID: s.SkuID,
				TotalLicenses: s.TotalLicenses, IsTrial: s.IsTrial,
			})
		}
		for _, u := range c.Users {
			user := connectors.User{ID: u.ID, UserPrincipalName: u.UPN, AccountEnabled: u.AccountEnabled}
			for _, id := range u.Licenses {
				user.Licenses = append(user.Licenses, connectors.AssignedLicense{SkuID: id})
			}
			snap.Users = append(snap.Users, user)
		}
	}
	return snap
}

// callPaths are the fake's request paths of each kind of call.
var callPaths = map[conformance.Call]struct{ method, prefix string }{
	conformance.CallCustomers:      {http.MethodGet, "/partnercenter/v1/customers"},
	conformance.CallConsent:        {http.MethodPost, "/partnercenter/v1/customers/"},
	conformance.CallGDAP:           {http.MethodGet, "/graph/v1.0/tenantRelationships/delegatedAdminRelationships"},
	conformance.CallSubscribedSkus: {http.MethodGet, "/graph/v1.0/subscribedSkus"},
	conformance.CallUsers:          {http.MethodGet, "/graph/v1.0/users"},
}

func (l *msLevers) FailNext(call conformance.Call, status int, body string, n int) {
	p, ok := callPaths[call]
	if !ok {
		panic("msLevers: no path for call " + string(call))
	}
	l.f.ms.FailNext(p.method, p.prefix, status, body, n)
}

// ThrottleNext uses the fake's 429, which always says Retry-After: 1.
func (l *msLevers) ThrottleNext(call conformance.Call) time.Duration {
	l.FailNext(call, http.StatusTooManyRequests, "", 1)
	return time.Second
}

func (l *msLevers) RetryWaits() []time.Duration { return l.f.waits.all() }
