package partnercenter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/skus"
)

// TestConformance runs the connectors.Distributor suite against the real
// client talking to msfake over its SmallWorld (with one subscription of an
// unknown status and one of an unknown term), with pages of 2 so that
// both the customer list and the subscription lists page.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunDistributor(t, func(t *testing.T) conformance.DistributorHarness {
		return pcHarness{}
	})
}

// The odd values the conformance world gives two subscriptions.
const (
	oddStatus = "transferring" // not in Partner Center's enum today
	oddTerm   = "P2Y"          // a term seats has no value for
)

// conformanceWorld is SmallWorld with the suite's cases added.
func conformanceWorld(now time.Time) *msfake.World {
	w := msfake.SmallWorldAt(now)
	w.Customers[1].Subscriptions[0].PCStatus = oddStatus
	w.Customers[2].Subscriptions[1].TermDuration = oddTerm
	return w
}

type pcHarness struct{}

func (pcHarness) NewConnected(t *testing.T) (connectors.Distributor, conformance.DistributorLevers) {
	f := newFake(t, conformanceWorld(time.Now()), msfake.Options{PageSize: 2})
	return f.client(t), &pcLevers{f: f}
}

// pcLevers answers the suite from the fake's world and pulls its levers.
// Partner Center has no secret and no token request of its own (the
// Microsoft sign-in makes them), so the token levers report ok=false and
// the suite skips their subtests; client_test.go checks the refused token.
type pcLevers struct{ f *fake }

func (l *pcLevers) Service() string { return "partner center" }
func (l *pcLevers) Secret() string  { return "" }

func (l *pcLevers) Accounts() []connectors.DistributorAccount {
	var out []connectors.DistributorAccount
	for _, c := range l.f.world.Customers {
		out = append(out, expectedAccount(c))
	}
	return out
}

func (l *pcLevers) Subscriptions() []connectors.DistributorSubscription {
	return expectedSubscriptions(l.f.world)
}

func (l *pcLevers) Subscription(c conformance.SubscriptionCase) (string, bool) {
	w := l.f.world
	switch c {
	case conformance.SubUnknownStatus:
		return wantID(w.Customers[1].Subscriptions[0]), true
	case conformance.SubUnknownTerm:
		return wantID(w.Customers[2].Subscriptions[1]), true
	case conformance.SubWithoutPrice:
		// Partner Center subscriptions never carry a price.
		return wantID(w.Customers[0].Subscriptions[0]), true
	}
	// A fractional quantity and another publisher's product: the fake
	// has neither (parse_internal_test.go covers both).
	return "", false
}

// DateSamples names a subscription for each of the two date spellings the
// fake uses (by position in its customer's list).
func (l *pcLevers) DateSamples() map[string]string {
	sample := time.Date(2019, 1, 9, 0, 21, 45, 926372700, time.UTC)
	c := l.f.world.Customers[0]
	return map[string]string{
		msfake.PartnerCenterTime(sample, 0): wantID(c.Subscriptions[0]),
		msfake.PartnerCenterTime(sample, 1): wantID(c.Subscriptions[1]),
	}
}

func (l *pcLevers) Calls() []conformance.DistributorCall {
	return []conformance.DistributorCall{conformance.DistCallAccounts, conformance.DistCallSubscriptions}
}

// prefix is the request path a call kind's faults are injected on. The
// fake matches rules by path prefix, so the customer list's prefix also
// covers the subscription reads under it; subscription faults go to the
// first customer's reads, which the suite cannot tell from all of them.
func (l *pcLevers) prefix(c conformance.DistributorCall) string {
	switch c {
	case conformance.DistCallAccounts:
		return "/partnercenter/v1/customers"
	case conformance.DistCallSubscriptions:
		return subscriptionsPath(l.f.world.Customers[0].TenantID)
	}
	panic("pcLevers: no call " + string(c))
}

func (l *pcLevers) FailNext(c conformance.DistributorCall, status int, body string, n int) {
	l.f.ms.FailNext("GET", l.prefix(c), status, body, n)
}

func (l *pcLevers) ThrottleNext(c conformance.DistributorCall) time.Duration {
	l.f.ms.FailNextFault("GET", l.prefix(c), msfake.FaultThrottle, 1)
	return time.Second // the fake's Retry-After
}

func (l *pcLevers) TruncateNext(c conformance.DistributorCall, n int) {
	l.f.ms.FailNextFault("GET", l.prefix(c), msfake.FaultTruncated, n)
}

func (l *pcLevers) RetryWaits() []time.Duration  { return l.f.waits.All() }
func (l *pcLevers) TokenCalls() (int, bool)      { return 0, false }
func (l *pcLevers) TokenLifetime() time.Duration { return time.Hour }
func (l *pcLevers) Advance(d time.Duration)      { l.f.clock.Advance(d) }

// ExpireTokens and RevokeSecret have nothing to act on: the tokens are the
// Microsoft sign-in's and there is no secret (their subtests are skipped).
func (l *pcLevers) ExpireTokens() {}
func (l *pcLevers) RevokeSecret() {}

func (l *pcLevers) SetLatency(d time.Duration) { l.f.latency.Store(int64(d)) }

// What the connector must read from a world, derived here from the world
// and Partner Center's documented meaning, independently of parse.go.

func expectedAccount(c msfake.Customer) connectors.DistributorAccount {
	return connectors.DistributorAccount{
		ID:             c.TenantID,
		Name:           c.Name,
		TenantID:       c.TenantID,
		TenantIDSource: "Partner Center customer id",
		Domain:         strings.ToLower(c.Domain),
		Active:         true,
	}
}

// wantID is the id the connector gives a subscription: Partner Center's
// (the commerce id), in lower case.
func wantID(s msfake.Subscription) string {
	return strings.ToLower(msfake.PartnerCenterSubscriptionID(s))
}

func expectedSubscriptions(w msfake.World) []connectors.DistributorSubscription {
	var out []connectors.DistributorSubscription
	for _, c := range w.Customers {
		if c.Relationship != "" && c.Relationship != "reseller" {
			continue
		}
		for _, s := range msfake.PartnerCenterSubscriptions(c, w.Partner.TenantID) {
			out = append(out, expectedSubscription(c, s))
		}
	}
	return out
}

func expectedSubscription(c msfake.Customer, s msfake.Subscription) connectors.DistributorSubscription {
	offer := msfake.PartnerCenterOfferID(s)
	name := s.OfferName
	if name == "" {
		name = skus.DisplayName(s.SkuID, s.SkuPartNumber)
	}
	want := connectors.DistributorSubscription{
		ID:        wantID(s),
		AccountID: c.TenantID,
		Product: connectors.DistributorProduct{
			ID: offer, Name: name, VendorSKU: offer, Vendor: "Microsoft Corporation",
		},
		MicrosoftSubscriptionID: wantID(s),
		Quantity:                s.TotalLicenses,
		RawStatus:               msfake.PartnerCenterStatus(s),
		StartDate:               s.CreatedAt.UTC().Truncate(24 * time.Hour),
		CommitmentEnd:           s.NextLifecycleAt.UTC(),
		Microsoft:               true,
	}
	switch msfake.PartnerCenterStatus(s) {
	case "active":
		want.Status = connectors.StatusActive
		if s.IsTrial {
			want.Status = connectors.StatusTrial
		}
	case "expired", "deleted":
		want.Status = connectors.StatusCancelled
	case "suspended", "disabled":
		want.Status = connectors.StatusSuspended
	default:
		want.Status = connectors.StatusUnknown
		want.Warnings = append(want.Warnings, "unknown status")
	}
	switch msfake.PartnerCenterTermDuration(s) {
	case "P1M":
		want.Term = connectors.TermMonthly
	case "P1Y":
		want.Term = connectors.TermAnnual
	case "P3Y":
		want.Term = connectors.TermTriennial
	default:
		want.Term = connectors.TermUnknown
		want.Warnings = append(want.Warnings, "unknown term")
	}
	switch msfake.PartnerCenterBillingCycle(s) {
	case "monthly":
		want.BillingFrequency = connectors.BillMonthly
	case "annual":
		want.BillingFrequency = connectors.BillAnnual
	default:
		want.BillingFrequency = connectors.BillUnknown
	}
	// A subscription that will not renew ends with its commitment.
	if !msfake.PartnerCenterAutoRenew(s) && !want.CommitmentEnd.IsZero() && msfake.PartnerCenterStatus(s) != "deleted" {
		want.EndDate = want.CommitmentEnd
	}
	return want
}
