package sherweb_test

import (
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
)

// TestConformance runs the connectors.Distributor suite against the real
// client talking to sherwebfake over SmallWorld. Sherweb pages nothing, so
// "all pages" is the whole list; the suite's "subscriptions" call is the
// per-customer details list and its "subscription detail" the
// per-customer pricing information.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunDistributor(t, func(t *testing.T) conformance.DistributorHarness {
		return sherwebHarness{}
	})
}

type sherwebHarness struct{}

func (sherwebHarness) NewConnected(t *testing.T) (connectors.Distributor, conformance.DistributorLevers) {
	f := newFake(t, sherwebfake.SmallWorldAt(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)), sherwebfake.Options{})
	return f.client(t), &sherwebLevers{f: f}
}

type sherwebLevers struct{ f *fake }

func (l *sherwebLevers) Service() string { return "sherweb" }

// Secret is the client secret; TestSubscriptionKeyNeverInErrors checks the
// other secret, the subscription key.
func (l *sherwebLevers) Secret() string { return l.f.world.ClientSecret }

func (l *sherwebLevers) Accounts() []connectors.DistributorAccount {
	var out []connectors.DistributorAccount
	for _, c := range l.f.world.Customers {
		out = append(out, expectedAccount(c))
	}
	return out
}

func (l *sherwebLevers) Subscriptions() []connectors.DistributorSubscription {
	return expectedSubscriptions(l.f.world)
}

var smallCases = map[conformance.SubscriptionCase]string{
	conformance.SubNonMicrosoft:       sherwebfake.SmallSubNonMicrosoft,
	conformance.SubUnknownStatus:      sherwebfake.SmallSubUnknownStatus,
	conformance.SubUnknownTerm:        sherwebfake.SmallSubUnknownTerm,
	conformance.SubFractionalQuantity: sherwebfake.SmallSubFractional,
	conformance.SubWithoutPrice:       sherwebfake.SmallSubTrial,
}

func (l *sherwebLevers) Subscription(c conformance.SubscriptionCase) (string, bool) {
	id, ok := smallCases[c]
	return id, ok
}

func (l *sherwebLevers) DateSamples() map[string]string {
	sample := time.Date(2023, 11, 21, 20, 27, 5, 761388800, time.UTC)
	out := map[string]string{}
	for _, style := range sherwebfake.DateStyles() {
		for _, s := range l.f.world.Subscriptions {
			if s.DateStyle == style && !s.PurchaseDate.IsZero() {
				out[style.Format(sample)] = s.ID
				break
			}
		}
	}
	return out
}

var fakeCalls = map[conformance.DistributorCall]sherwebfake.Call{
	conformance.DistCallToken:              sherwebfake.CallToken,
	conformance.DistCallAccounts:           sherwebfake.CallCustomers,
	conformance.DistCallSubscriptions:      sherwebfake.CallDetails,
	conformance.DistCallSubscriptionDetail: sherwebfake.CallPricing,
}

func (l *sherwebLevers) Calls() []conformance.DistributorCall {
	return []conformance.DistributorCall{conformance.DistCallToken, conformance.DistCallAccounts,
		conformance.DistCallSubscriptions, conformance.DistCallSubscriptionDetail}
}

func fakeCall(c conformance.DistributorCall) sherwebfake.Call {
	fc, ok := fakeCalls[c]
	if !ok {
		panic("sherwebLevers: no fake call for " + string(c))
	}
	return fc
}

func (l *sherwebLevers) FailNext(c conformance.DistributorCall, status int, body string, n int) {
	l.f.sw.FailNext(fakeCall(c), status, body, n)
}

func (l *sherwebLevers) ThrottleNext(c conformance.DistributorCall) time.Duration {
	return l.f.sw.ThrottleNext(fakeCall(c), 1)
}

func (l *sherwebLevers) TruncateNext(c conformance.DistributorCall, n int) {
	l.f.sw.TruncateNext(fakeCall(c), n)
}

func (l *sherwebLevers) RetryWaits() []time.Duration  { return l.f.waits.All() }
func (l *sherwebLevers) TokenCalls() (int, bool)      { return int(l.f.sw.TokenCalls()), true }
func (l *sherwebLevers) TokenLifetime() time.Duration { return sherwebfake.DefaultTokenLifetime }
func (l *sherwebLevers) Advance(d time.Duration)      { l.f.clock.Advance(d) }
func (l *sherwebLevers) ExpireTokens()                { l.f.sw.ExpireTokens() }
func (l *sherwebLevers) RevokeSecret()                { l.f.sw.RevokeSecret() }
func (l *sherwebLevers) SetLatency(d time.Duration)   { l.f.sw.SetLatency(d) }
