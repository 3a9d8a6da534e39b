package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// DistributorCall names one kind of call a distributor connector makes, so
// that a harness can make it fail without the suite knowing URLs.
type DistributorCall string

// The calls the suite injects faults into. An API without one of them
// (Sherweb has no token per call, say) leaves it out of Calls and the
// subtests that need it are skipped.
const (
	DistCallToken              DistributorCall = "token"               // the sign-in (client credentials)
	DistCallAccounts           DistributorCall = "accounts"            // list customer accounts
	DistCallSubscriptions      DistributorCall = "subscriptions"       // list subscriptions
	DistCallSubscriptionDetail DistributorCall = "subscription detail" // one subscription's detail
)

// SubscriptionCase names a subscription situation the suite needs the
// world to hold.
type SubscriptionCase int

// The subscription situations.
const (
	// SubNonMicrosoft: a product of another vendor; kept, Microsoft false.
	SubNonMicrosoft SubscriptionCase = iota
	// SubUnknownStatus: a status the API spells in a way no connector
	// knows; kept as StatusUnknown with its raw value and a warning.
	SubUnknownStatus
	// SubUnknownTerm: a commitment term seats has no value for; kept as
	// TermUnknown with a warning.
	SubUnknownTerm
	// SubFractionalQuantity: a quantity that is not a whole number of
	// seats; kept and flagged.
	SubFractionalQuantity
	// SubWithoutPrice: the API gives no price: cost and price are the
	// unknown Money, never a made-up zero.
	SubWithoutPrice
)

func (c SubscriptionCase) String() string {
	switch c {
	case SubNonMicrosoft:
		return "of another vendor"
	case SubUnknownStatus:
		return "with an unknown status"
	case SubUnknownTerm:
		return "with an unknown term"
	case SubFractionalQuantity:
		return "with a fractional quantity"
	case SubWithoutPrice:
		return "without a price"
	}
	return fmt.Sprintf("SubscriptionCase(%d)", int(c))
}

// DistributorLevers is what the suite knows and pulls about the world
// behind one connector. Every connector from NewConnected has a world of
// its own, so subtests may change it freely.
type DistributorLevers interface {
	// Service is the service name the connector's errors carry ("pax8").
	Service() string
	// Secret is the client secret the connector holds, so the suite can
	// check that no error repeats it; "" when the API has none.
	Secret() string
	// Accounts and Subscriptions are what the connector must list, in any
	// order. Warnings of the expected subscriptions are compared only for
	// being present or absent, not word for word.
	Accounts() []connectors.DistributorAccount
	Subscriptions() []connectors.DistributorSubscription
	// Subscription returns the id of a subscription in situation c; ok is
	// false when the world has none (the subtest is skipped).
	Subscription(c SubscriptionCase) (id string, ok bool)
	// DateSamples maps each date spelling the API uses (a sample, e.g.
	// "2023-08-11T11:33:12.314-0600") to the id of a subscription whose
	// dates are written that way.
	DateSamples() map[string]string
	// Calls lists the kinds of call this API has.
	Calls() []DistributorCall
	// FailNext makes the next n calls of kind call answer status with body
	// ("" = the service's own error shape).
	FailNext(call DistributorCall, status int, body string, n int)
	// ThrottleNext makes the next call of kind call answer 429 with a
	// Retry-After header, and returns the wait that header asks for.
	ThrottleNext(call DistributorCall) (retryAfter time.Duration)
	// TruncateNext makes the next n calls of kind call answer 200 with
	// their JSON body cut short.
	TruncateNext(call DistributorCall, n int)
	// RetryWaits lists the waits the connector asked for so far, or nil
	// when the harness cannot observe them.
	RetryWaits() []time.Duration
	// TokenCalls counts the token requests the service has seen; ok is
	// false for an API without tokens (the token subtests are skipped).
	TokenCalls() (n int, ok bool)
	// TokenLifetime is how long the service's tokens live.
	TokenLifetime() time.Duration
	// Advance moves the clock of both the connector and the world forward.
	Advance(d time.Duration)
	// ExpireTokens ends every token issued so far before its time, as the
	// service does when it revokes them; calls with them answer 401.
	ExpireTokens()
	// RevokeSecret makes the service refuse the connector's client secret.
	RevokeSecret()
	// SetLatency adds d to every call from now on; the wait ends when the
	// caller gives up.
	SetLatency(d time.Duration)
}

// CredentialWorder is an optional ability of DistributorLevers: the words
// an error about a refused credential must contain, for an API whose
// credential is not a client secret ("the refresh token was refused").
// Without it the suite looks for "the client secret was refused".
type CredentialWorder interface {
	CredentialWords() string
}

// DistributorHarness builds connectors for the suite.
type DistributorHarness interface {
	// NewConnected returns a connector configured with valid credentials
	// over a fresh world, with no token yet, and that world's levers. It
	// cleans up with t.Cleanup.
	NewConnected(t *testing.T) (connectors.Distributor, DistributorLevers)
}

// RunDistributor runs the connectors.Distributor conformance suite.
// newHarness is called once per subtest; subtests run in parallel.
func RunDistributor(t *testing.T, newHarness func(t *testing.T) DistributorHarness) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, d connectors.Distributor, l DistributorLevers)
	}{
		{"AccountsAllPages", distTestAccountsAllPages},
		{"SubscriptionsAllPages", distTestSubscriptionsAllPages},
		{"NonMicrosoftKeptAndMarked", distTestCase(SubNonMicrosoft, distCheckNonMicrosoft)},
		{"UnknownStatusKeptAndFlagged", distTestCase(SubUnknownStatus, distCheckUnknownStatus)},
		{"UnknownTermKeptAndFlagged", distTestCase(SubUnknownTerm, distCheckUnknownTerm)},
		{"FractionalQuantityFlagged", distTestCase(SubFractionalQuantity, distCheckDoubtful)},
		{"MissingPriceIsBlank", distTestCase(SubWithoutPrice, distCheckBlankPrice)},
		{"EveryDateFormat", distTestDateFormats},
		{"SecretRefused", distTestSecretRefused},
		{"TokenReusedUntilExpiry", distTestTokenReused},
		{"TokenEndedEarlyRenewedOnce", distTestTokenEndedEarly},
		{"UnauthorizedAfterRenewal", distTestUnauthorizedAfterRenewal},
		{"Forbidden", distTestForbidden},
		{"RateLimitedWithRetryAfter", distTestRateLimited},
		{"ServerErrorRetried", distTestServerErrorRetried},
		{"ServerErrorReported", distTestServerErrorReported},
		{"DetailServerErrorReported", distTestDetailServerErrorReported},
		{"TruncatedJSONRetried", distTestTruncatedRetried},
		{"TruncatedJSONReported", distTestTruncatedReported},
		{"MalformedJSONReported", distTestMalformedReported},
		{"CancelledByContext", distTestCancelled},
		{"CallsCounted", distTestCallsCounted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, l := newHarness(t).NewConnected(t)
			tc.run(t, d, l)
		})
	}
}

func distNeedCall(t *testing.T, l DistributorLevers, c DistributorCall) {
	t.Helper()
	if !slices.Contains(l.Calls(), c) {
		t.Skipf("this API has no %s call", c)
	}
}

func distListSubs(t *testing.T, d connectors.Distributor) map[string]connectors.DistributorSubscription {
	t.Helper()
	subs, err := d.Subscriptions(ctxFor(t))
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	by := map[string]connectors.DistributorSubscription{}
	for _, s := range subs {
		if _, dup := by[s.ID]; dup {
			t.Errorf("subscription %s listed twice", s.ID)
		}
		by[s.ID] = s
	}
	return by
}

func distTestAccountsAllPages(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	got, err := d.Accounts(ctxFor(t))
	if err != nil {
		t.Fatalf("Accounts: %v", err)
	}
	want := l.Accounts()
	byID := func(as []connectors.DistributorAccount) {
		sort.Slice(as, func(i, j int) bool { return as[i].ID < as[j].ID })
	}
	byID(got)
	byID(want)
	if len(got) != len(want) {
		t.Fatalf("Accounts: got %d, want %d (every page to the last)", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("account %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func distTestSubscriptionsAllPages(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	got := distListSubs(t, d)
	want := l.Subscriptions()
	if len(got) != len(want) {
		t.Errorf("Subscriptions: got %d, want %d (every page to the last)", len(got), len(want))
	}
	for _, w := range want {
		g, ok := got[w.ID]
		if !ok {
			t.Errorf("subscription %s (%s) is missing", w.ID, w.Product.Name)
			continue
		}
		distCompareSubscription(t, g, w)
	}
}

// distCompareSubscription compares every field; Warnings only for presence.
func distCompareSubscription(t *testing.T, got, want connectors.DistributorSubscription) {
	t.Helper()
	gw, ww := got.Warnings, want.Warnings
	got.Warnings, want.Warnings = nil, nil
	if !distSameSubscription(got, want) {
		t.Errorf("subscription %s:\n got %+v\nwant %+v", want.ID, got, want)
	}
	if (len(gw) > 0) != (len(ww) > 0) {
		t.Errorf("subscription %s: warnings %q, want some=%v", want.ID, gw, len(ww) > 0)
	}
	if got.QuantityDoubtful && len(ww) == 0 {
		t.Errorf("subscription %s: a plain quantity %d is marked doubtful", want.ID, got.Quantity)
	}
}

func distSameSubscription(a, b connectors.DistributorSubscription) bool {
	times := a.CommitmentEnd.Equal(b.CommitmentEnd) && a.StartDate.Equal(b.StartDate) && a.EndDate.Equal(b.EndDate)
	a.CommitmentEnd, b.CommitmentEnd = time.Time{}, time.Time{}
	a.StartDate, b.StartDate = time.Time{}, time.Time{}
	a.EndDate, b.EndDate = time.Time{}, time.Time{}
	// Like Warnings, the doubt on a quantity is checked where the suite
	// knows the quantity is odd (FractionalQuantityFlagged).
	a.QuantityDoubtful, b.QuantityDoubtful = false, false
	return times && fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// distTestCase runs check on the subscription of situation c.
func distTestCase(c SubscriptionCase, check func(t *testing.T, s connectors.DistributorSubscription)) func(*testing.T, connectors.Distributor, DistributorLevers) {
	return func(t *testing.T, d connectors.Distributor, l DistributorLevers) {
		id, ok := l.Subscription(c)
		if !ok {
			t.Skipf("the world has no subscription %s", c)
		}
		s, found := distListSubs(t, d)[id]
		if !found {
			t.Fatalf("the subscription %s %s was dropped", id, c)
		}
		check(t, s)
	}
}

func distCheckNonMicrosoft(t *testing.T, s connectors.DistributorSubscription) {
	if s.Microsoft || s.MicrosoftSubscriptionID != "" || s.SkuID != "" {
		t.Errorf("another vendor's subscription is marked Microsoft or carries Microsoft ids: %+v", s)
	}
	if s.Product.Name == "" {
		t.Errorf("non-Microsoft subscription has no product name")
	}
}

func distCheckUnknownStatus(t *testing.T, s connectors.DistributorSubscription) {
	if s.Status != connectors.StatusUnknown || s.RawStatus == "" {
		t.Errorf("status %q raw %q, want unknown with the raw value kept", s.Status, s.RawStatus)
	}
	distCheckFlagged(t, s)
}

func distCheckUnknownTerm(t *testing.T, s connectors.DistributorSubscription) {
	if s.Term != connectors.TermUnknown {
		t.Errorf("term %q, want %q", s.Term, connectors.TermUnknown)
	}
	distCheckFlagged(t, s)
}

func distCheckFlagged(t *testing.T, s connectors.DistributorSubscription) {
	if len(s.Warnings) == 0 {
		t.Errorf("subscription %s has no warning", s.ID)
	}
	for _, w := range s.Warnings {
		if strings.TrimSpace(w) == "" || strings.ContainsAny(w, "\r\n") {
			t.Errorf("warning %q is not one line", w)
		}
	}
}

// distCheckDoubtful: an odd quantity is flagged and marked doubtful, so
// that no money is worked out from it.
func distCheckDoubtful(t *testing.T, s connectors.DistributorSubscription) {
	distCheckFlagged(t, s)
	if !s.QuantityDoubtful {
		t.Errorf("subscription %s: quantity %d read from an odd value is not marked doubtful", s.ID, s.Quantity)
	}
}

func distCheckBlankPrice(t *testing.T, s connectors.DistributorSubscription) {
	if s.UnitCost.Known() || s.UnitPrice.Known() {
		t.Errorf("cost %v price %v: a price the API did not give was made up", s.UnitCost, s.UnitPrice)
	}
}

func distTestDateFormats(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	samples := l.DateSamples()
	if len(samples) == 0 {
		t.Skip("the harness names no date formats")
	}
	got := distListSubs(t, d)
	want := map[string]connectors.DistributorSubscription{}
	for _, s := range l.Subscriptions() {
		want[s.ID] = s
	}
	for sample, id := range samples {
		g, w := got[id], want[id]
		if g.StartDate.IsZero() {
			t.Errorf("dates written like %q: start date not read (warnings %q)", sample, g.Warnings)
			continue
		}
		if !g.StartDate.Equal(w.StartDate) || !g.CommitmentEnd.Equal(w.CommitmentEnd) || !g.EndDate.Equal(w.EndDate) {
			t.Errorf("dates written like %q: start %v commitment end %v end %v; want %v %v %v",
				sample, g.StartDate, g.CommitmentEnd, g.EndDate, w.StartDate, w.CommitmentEnd, w.EndDate)
		}
	}
}

// distAsError returns err's *connectors.Error or fails.
func distAsError(t *testing.T, err error) *connectors.Error {
	t.Helper()
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T (%v) is not a *connectors.Error", err, err)
	}
	return ce
}

func distNoSecret(t *testing.T, l DistributorLevers, err error) {
	t.Helper()
	if s := l.Secret(); s != "" && err != nil && strings.Contains(fmt.Sprintf("%v %+v", err, err), s) {
		t.Errorf("the error repeats the client secret: %v", err)
	}
}

func distTokenCalls(t *testing.T, l DistributorLevers) int {
	t.Helper()
	n, ok := l.TokenCalls()
	if !ok {
		t.Skip("this API has no tokens")
	}
	return n
}

func distTestSecretRefused(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	distTokenCalls(t, l)
	l.RevokeSecret()
	_, err := d.Accounts(ctxFor(t))
	wantKind(t, "Accounts with a refused secret", err, connectors.ErrUnauthorized)
	words := "the client secret was refused"
	if cw, ok := l.(CredentialWorder); ok {
		words = cw.CredentialWords()
	}
	if !strings.Contains(err.Error(), words) {
		t.Errorf("error %q does not say in plain words that %s", err, words)
	}
	distNoSecret(t, l, err)
}

func distTestTokenReused(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	before := distTokenCalls(t, l)
	ctx := ctxFor(t)
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatalf("Accounts: %v", err)
	}
	if _, err := d.Subscriptions(ctx); err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	if n, _ := l.TokenCalls(); n-before != 1 {
		t.Fatalf("%d token requests for two listings, want 1 (the token is reused)", n-before)
	}
	l.Advance(l.TokenLifetime() / 2)
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatalf("Accounts at half the token's life: %v", err)
	}
	if n, _ := l.TokenCalls(); n-before != 1 {
		t.Fatalf("%d token requests at half the token's life, want 1", n-before)
	}
	l.Advance(l.TokenLifetime())
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatalf("Accounts after the token expired: %v", err)
	}
	if n, _ := l.TokenCalls(); n-before != 2 {
		t.Fatalf("%d token requests after expiry, want 2 (renewed once)", n-before)
	}
}

func distTestTokenEndedEarly(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	before := distTokenCalls(t, l)
	ctx := ctxFor(t)
	if _, err := d.Accounts(ctx); err != nil {
		t.Fatalf("Accounts: %v", err)
	}
	l.ExpireTokens()
	// Several listings at once all meet the ended token; one renewal must
	// serve them all.
	errs := make(chan error, 6)
	for range 3 {
		go func() { _, err := d.Accounts(ctx); errs <- err }()
		go func() { _, err := d.Subscriptions(ctx); errs <- err }()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatalf("listing after the token ended early: %v", err)
		}
	}
	if n, _ := l.TokenCalls(); n-before != 2 {
		t.Fatalf("%d token requests, want 2 (one renewal however many calls saw the 401)", n-before)
	}
}

func distTestUnauthorizedAfterRenewal(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	before := distTokenCalls(t, l)
	l.FailNext(DistCallAccounts, 401, "", 100)
	_, err := d.Accounts(ctxFor(t))
	wantKind(t, "Accounts answered 401 every time", err, connectors.ErrUnauthorized)
	if n, _ := l.TokenCalls(); n-before > 2 {
		t.Errorf("%d token requests for one refused call, want at most 2 (renew once, then report)", n-before)
	}
	distNoSecret(t, l, err)
}

func distTestForbidden(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	l.FailNext(DistCallSubscriptions, 403, "", 1)
	_, err := d.Subscriptions(ctxFor(t))
	wantKind(t, "Subscriptions answered 403", err, connectors.ErrForbidden)
}

func distTestRateLimited(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	retryAfter := l.ThrottleNext(DistCallSubscriptions)
	got := distListSubs(t, d)
	if len(got) != len(l.Subscriptions()) {
		t.Errorf("after one 429: %d subscriptions, want %d", len(got), len(l.Subscriptions()))
	}
	waits := l.RetryWaits()
	if waits == nil {
		return
	}
	honoured := false
	for _, w := range waits {
		honoured = honoured || w >= retryAfter
	}
	if !honoured {
		t.Errorf("waits %v: none honours Retry-After %v", waits, retryAfter)
	}
}

func distTestServerErrorRetried(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	l.FailNext(DistCallAccounts, 503, "", 1)
	l.FailNext(DistCallSubscriptions, 500, "", 1)
	if _, err := d.Accounts(ctxFor(t)); err != nil {
		t.Fatalf("Accounts after one 503: %v", err)
	}
	if got := distListSubs(t, d); len(got) != len(l.Subscriptions()) {
		t.Errorf("after one 500: %d subscriptions, want %d", len(got), len(l.Subscriptions()))
	}
}

// distReportsService checks that an unavailable service is named.
func distReportsService(t *testing.T, l DistributorLevers, what string, err error) {
	t.Helper()
	wantKind(t, what, err, connectors.ErrUnavailable)
	ce := distAsError(t, err)
	if ce.Service != l.Service() || !strings.Contains(err.Error(), l.Service()) {
		t.Errorf("error %q does not name the service %q", err, l.Service())
	}
}

// The 5xx are injected more often than any connector retries, so they
// surface once retries run out.
func distTestServerErrorReported(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	l.FailNext(DistCallAccounts, 503, "", 100)
	_, err := d.Accounts(ctxFor(t))
	distReportsService(t, l, "Accounts answered 503 every time", err)
	l.FailNext(DistCallSubscriptions, 502, "", 100)
	_, err = d.Subscriptions(ctxFor(t))
	distReportsService(t, l, "Subscriptions answered 502 every time", err)
}

func distTestDetailServerErrorReported(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	distNeedCall(t, l, DistCallSubscriptionDetail)
	l.FailNext(DistCallSubscriptionDetail, 500, "", 1000)
	_, err := d.Subscriptions(ctxFor(t))
	distReportsService(t, l, "Subscriptions whose detail calls answer 500", err)
}

func distTestTruncatedRetried(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	l.TruncateNext(DistCallAccounts, 1)
	l.TruncateNext(DistCallSubscriptions, 1)
	if got, err := d.Accounts(ctxFor(t)); err != nil || len(got) != len(l.Accounts()) {
		t.Fatalf("Accounts after one truncated answer: %d accounts, %v; want %d", len(got), err, len(l.Accounts()))
	}
	if got := distListSubs(t, d); len(got) != len(l.Subscriptions()) {
		t.Errorf("after one truncated answer: %d subscriptions, want %d", len(got), len(l.Subscriptions()))
	}
}

func distTestTruncatedReported(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	l.TruncateNext(DistCallSubscriptions, 100)
	_, err := d.Subscriptions(ctxFor(t))
	wantKind(t, "Subscriptions truncated every time", err, connectors.ErrBadResponse)
	if l.RetryWaits() != nil && len(l.RetryWaits()) == 0 {
		t.Errorf("a truncated answer to a GET was reported without a retry")
	}
}

func distTestMalformedReported(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	l.FailNext(DistCallAccounts, 200, "<html><body>Service temporarily down</body></html>", 100)
	_, err := d.Accounts(ctxFor(t))
	wantKind(t, "Accounts answered HTML with 200", err, connectors.ErrBadResponse)
	l.FailNext(DistCallSubscriptions, 200, `{"content": "not a list"}`, 100)
	_, err = d.Subscriptions(ctxFor(t))
	wantKind(t, "Subscriptions answered JSON of another shape", err, connectors.ErrBadResponse)
}

func distTestCancelled(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	checkCancelled(t, "Subscriptions", l.SetLatency, func(ctx context.Context) error {
		_, err := d.Subscriptions(ctx)
		return err
	})
}

func distTestCallsCounted(t *testing.T, d connectors.Distributor, l DistributorLevers) {
	checkCallsCounted(t, d, "Accounts", func(ctx context.Context) error {
		_, err := d.Accounts(ctx)
		return err
	})
}

// checkCancelled makes every call take a minute, far longer than the
// test's own deadline, so that only cancelling its context can end call
// in time, and it must end as ErrCanceled.
func checkCancelled(t *testing.T, name string, setLatency func(time.Duration), call func(context.Context) error) {
	t.Helper()
	setLatency(time.Minute)
	ctx, cancel := context.WithCancel(ctxFor(t))
	done := make(chan error, 1)
	go func() { done <- call(ctx) }()
	cancel()
	select {
	case err := <-done:
		wantKind(t, name+" cancelled", err, connectors.ErrCanceled)
	case <-ctxFor(t).Done():
		t.Fatalf("%s did not return after its context was cancelled", name)
	}
}

// checkCallsCounted: a connector that counts its calls counts the ones a
// listing made.
func checkCallsCounted(t *testing.T, conn any, name string, call func(context.Context) error) {
	t.Helper()
	cc, ok := conn.(connectors.CallCounter)
	if !ok {
		t.Skip("this connector does not count its calls")
	}
	before := cc.Calls()
	if err := call(ctxFor(t)); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if cc.Calls() <= before {
		t.Errorf("Calls() = %d after a listing, was %d", cc.Calls(), before)
	}
}
