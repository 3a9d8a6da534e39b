package tdsynnex_test

import (
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

// TestConformance runs the connectors.Distributor suite against the real
// client talking to tdsynnexfake over SmallWorld, with pages of 2 so that
// every listing pages.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunDistributor(t, func(t *testing.T) conformance.DistributorHarness {
		return ionHarness{}
	})
}

type ionHarness struct{}

func (ionHarness) NewConnected(t *testing.T) (connectors.Distributor, conformance.DistributorLevers) {
	f := smallFake(t, tdsynnexfake.Options{})
	return f.client(t), &ionLevers{f: f}
}

// ionLevers answers the suite from the fake's world and pulls its levers.
type ionLevers struct{ f *fake }

func (l *ionLevers) Service() string { return "tdsynnex" }

// Secret is the refresh token the connector holds now: it rotates at
// every exchange.
func (l *ionLevers) Secret() string { return l.f.inUse() }

// CredentialWords: Ion's credential is a refresh token, not a client secret.
func (l *ionLevers) CredentialWords() string { return "the refresh token was refused" }

func (l *ionLevers) Accounts() []connectors.DistributorAccount { return expectedAccounts(l.f.world) }

func (l *ionLevers) Subscriptions() []connectors.DistributorSubscription {
	return expectedSubscriptions(l.f.world)
}

var smallCases = map[conformance.SubscriptionCase]string{
	conformance.SubNonMicrosoft:       tdsynnexfake.SmallSubNonMicrosoft,
	conformance.SubUnknownStatus:      tdsynnexfake.SmallSubUnknownStatus,
	conformance.SubUnknownTerm:        tdsynnexfake.SmallSubUnknownTerm,
	conformance.SubFractionalQuantity: tdsynnexfake.SmallSubFractional,
	conformance.SubWithoutPrice:       tdsynnexfake.SmallSubTrial,
}

func (l *ionLevers) Subscription(c conformance.SubscriptionCase) (string, bool) {
	id, ok := smallCases[c]
	return id, ok
}

func (l *ionLevers) DateSamples() map[string]string {
	sample := time.Date(2024, 3, 1, 10, 11, 12, 123456e3, time.UTC)
	out := map[string]string{}
	for _, style := range tdsynnexfake.DateStyles() {
		for _, s := range l.f.world.Subscriptions {
			if s.DateStyle == style && !s.StartDate.IsZero() {
				out[style.Format(sample)] = s.ID
				break
			}
		}
	}
	return out
}

var fakeCalls = map[conformance.DistributorCall]tdsynnexfake.Call{
	conformance.DistCallToken:         tdsynnexfake.CallToken,
	conformance.DistCallAccounts:      tdsynnexfake.CallCustomers,
	conformance.DistCallSubscriptions: tdsynnexfake.CallSubscriptions,
}

// Calls: Ion's list has every field seats reads, so there is no detail call.
func (l *ionLevers) Calls() []conformance.DistributorCall {
	return []conformance.DistributorCall{conformance.DistCallToken, conformance.DistCallAccounts, conformance.DistCallSubscriptions}
}

func fakeCall(c conformance.DistributorCall) tdsynnexfake.Call {
	fc, ok := fakeCalls[c]
	if !ok {
		panic("ionLevers: no fake call for " + string(c))
	}
	return fc
}

func (l *ionLevers) FailNext(c conformance.DistributorCall, status int, body string, n int) {
	l.f.ion.FailNext(fakeCall(c), status, body, n)
}

func (l *ionLevers) ThrottleNext(c conformance.DistributorCall) time.Duration {
	return l.f.ion.ThrottleNext(fakeCall(c), 1)
}

func (l *ionLevers) TruncateNext(c conformance.DistributorCall, n int) {
	l.f.ion.TruncateNext(fakeCall(c), n)
}

func (l *ionLevers) RetryWaits() []time.Duration  { return l.f.waits.All() }
func (l *ionLevers) TokenCalls() (int, bool)      { return int(l.f.ion.TokenCalls()), true }
func (l *ionLevers) TokenLifetime() time.Duration { return tdsynnexfake.DefaultTokenLifetime }
func (l *ionLevers) Advance(d time.Duration)      { l.f.clock.Advance(d) }
func (l *ionLevers) ExpireTokens()                { l.f.ion.ExpireTokens() }
func (l *ionLevers) RevokeSecret()                { l.f.ion.RevokeSecret() }
func (l *ionLevers) SetLatency(d time.Duration)   { l.f.ion.SetLatency(d) }
