package pax8_test

import (
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

// TestConformance runs the connectors.Distributor suite against the real
// client talking to pax8fake over SmallWorld, with pages of 2 so that
// every listing pages.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunDistributor(t, func(t *testing.T) conformance.DistributorHarness {
		return pax8Harness{}
	})
}

type pax8Harness struct{}

func (pax8Harness) NewConnected(t *testing.T) (connectors.Distributor, conformance.DistributorLevers) {
	f := newFake(t, pax8fake.SmallWorldAt(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)), pax8fake.Options{PageSize: 2})
	return f.client(t), &pax8Levers{f: f}
}

// pax8Levers answers the suite from the fake's world and pulls its levers.
type pax8Levers struct{ f *fake }

func (l *pax8Levers) Service() string { return "pax8" }
func (l *pax8Levers) Secret() string  { return l.f.world.ClientSecret }

func (l *pax8Levers) Accounts() []connectors.DistributorAccount {
	var out []connectors.DistributorAccount
	for _, c := range l.f.world.Companies {
		out = append(out, expectedAccount(c))
	}
	return out
}

func (l *pax8Levers) Subscriptions() []connectors.DistributorSubscription {
	return expectedSubscriptions(l.f.world)
}

var smallCases = map[conformance.SubscriptionCase]string{
	conformance.SubNonMicrosoft:       pax8fake.SmallSubNonMicrosoft,
	conformance.SubUnknownStatus:      pax8fake.SmallSubUnknownStatus,
	conformance.SubUnknownTerm:        pax8fake.SmallSubUnknownTerm,
	conformance.SubFractionalQuantity: pax8fake.SmallSubFractional,
	conformance.SubWithoutPrice:       pax8fake.SmallSubTrial,
}

func (l *pax8Levers) Subscription(c conformance.SubscriptionCase) (string, bool) {
	id, ok := smallCases[c]
	return id, ok
}

func (l *pax8Levers) DateSamples() map[string]string {
	sample := time.Date(2023, 8, 11, 17, 33, 12, 314e6, time.UTC)
	out := map[string]string{}
	for _, style := range pax8fake.DateStyles() {
		for _, s := range l.f.world.Subscriptions {
			if s.DateStyle == style && !s.StartDate.IsZero() {
				out[style.Format(sample)] = s.ID
				break
			}
		}
	}
	return out
}

var fakeCalls = map[conformance.DistributorCall]pax8fake.Call{
	conformance.DistCallToken:              pax8fake.CallToken,
	conformance.DistCallAccounts:           pax8fake.CallCompanies,
	conformance.DistCallSubscriptions:      pax8fake.CallSubscriptions,
	conformance.DistCallSubscriptionDetail: pax8fake.CallSubscription,
}

func (l *pax8Levers) Calls() []conformance.DistributorCall {
	return []conformance.DistributorCall{conformance.DistCallToken, conformance.DistCallAccounts,
		conformance.DistCallSubscriptions, conformance.DistCallSubscriptionDetail}
}

func fakeCall(c conformance.DistributorCall) pax8fake.Call {
	fc, ok := fakeCalls[c]
	if !ok {
		panic("pax8Levers: no fake call for " + string(c))
	}
	return fc
}

func (l *pax8Levers) FailNext(c conformance.DistributorCall, status int, body string, n int) {
	l.f.pax8.FailNext(fakeCall(c), status, body, n)
}

func (l *pax8Levers) ThrottleNext(c conformance.DistributorCall) time.Duration {
	return l.f.pax8.ThrottleNext(fakeCall(c), 1)
}

func (l *pax8Levers) TruncateNext(c conformance.DistributorCall, n int) {
	l.f.pax8.TruncateNext(fakeCall(c), n)
}

func (l *pax8Levers) RetryWaits() []time.Duration  { return l.f.waits.All() }
func (l *pax8Levers) TokenCalls() (int, bool)      { return int(l.f.pax8.TokenCalls()), true }
func (l *pax8Levers) TokenLifetime() time.Duration { return pax8fake.DefaultTokenLifetime }
func (l *pax8Levers) Advance(d time.Duration)      { l.f.clock.Advance(d) }
func (l *pax8Levers) ExpireTokens()                { l.f.pax8.ExpireTokens() }
func (l *pax8Levers) RevokeSecret()                { l.f.pax8.RevokeSecret() }
func (l *pax8Levers) SetLatency(d time.Duration)   { l.f.pax8.SetLatency(d) }
