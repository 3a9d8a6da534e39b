package partnercenter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/partnercenter"
)

func TestNewNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	_, err := partnercenter.New(partnercenter.Config{})
	if err == nil || !strings.Contains(err.Error(), "seats login") {
		t.Errorf("New without a sign-in: %v, want an error saying to run seats login", err)
	}
	_, err = partnercenter.New(partnercenter.Config{Tokens: staticTokens("t"), BaseURL: "http://api.partnercenter.microsoft.com"})
	if err == nil || !strings.Contains(err.Error(), "microsoft.partner_center_url") {
		t.Errorf("New with an http URL: %v, want an error naming microsoft.partner_center_url", err)
	}
	if _, err := partnercenter.New(partnercenter.Config{Tokens: staticTokens("t")}); err != nil {
		t.Errorf("New with defaults: %v", err)
	}
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	info, ok := connectors.Default.Lookup("partnercenter")
	if !ok || info.DisplayName != "Microsoft (direct bill)" || info.Kind != connectors.KindDistributor {
		t.Fatalf("registry entry %+v, %v", info, ok)
	}
}

// staticTokens is a TokenSource that always gives the same token.
type staticTokens string

func (s staticTokens) PartnerCenterToken(context.Context) (string, error) { return string(s), nil }

// failingTokens is a TokenSource whose sign-in is gone.
type failingTokens struct{ err error }

func (f failingTokens) PartnerCenterToken(context.Context) (string, error) { return "", f.err }

// Every listing follows links.next to the end: the customer list (pages of
// 2) and a customer's subscriptions, whose next link lacks /v1 and carries
// the continuation token in a header. Every call carries Partner Center's
// headers.
func TestPagingAndHeaders(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{PageSize: 2})
	subs, err := f.client(t).Subscriptions(testCtx(t))
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	if want := len(expectedSubscriptions(f.world)); len(subs) != want {
		t.Errorf("%d subscriptions, want %d", len(subs), want)
	}
	proseware := f.customer(t, msfake.SmallProseware)
	var customerPages, prosewarePages int
	for _, r := range f.seen() {
		for _, h := range []string{"Authorization", "Accept", "MS-RequestId", "MS-CorrelationId"} {
			if r.Header.Get(h) == "" {
				t.Errorf("%s %s without %s", r.Method, r.URL.Path, h)
			}
		}
		next := r.URL.Query().Get("seekOperation") == "Next"
		if next && r.Header.Get("MS-ContinuationToken") == "" {
			t.Errorf("%s asks for the next page without MS-ContinuationToken", r.URL)
		}
		switch r.URL.Path {
		case "/partnercenter/v1/customers":
			customerPages++
		case subscriptionsPath(proseware.TenantID):
			prosewarePages++
		}
	}
	if customerPages != 3 || prosewarePages != 2 {
		t.Errorf("%d customer pages and %d of Proseware's subscriptions, want 3 and 2", customerPages, prosewarePages)
	}
}

// A customer the partner does not resell to refuses its subscriptions
// (403) and one Partner Center no longer finds answers 404: both are
// skipped, the customers stay in Accounts, and the rest is read.
func TestCustomersWithNothingBilledAreSkipped(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorldAt(time.Now())
	w.Customers[3].Relationship = "advisor" // Woodgrove
	f := newFake(t, w, msfake.Options{})
	litware := f.customer(t, msfake.SmallLitware)
	f.ms.FailNext("GET", subscriptionsPath(litware.TenantID), 404, "", 1)
	c := f.client(t)
	ctx := testCtx(t)
	accounts, err := c.Accounts(ctx)
	if err != nil || len(accounts) != len(w.Customers) {
		t.Fatalf("Accounts: %d, %v; want %d", len(accounts), err, len(w.Customers))
	}
	subs, err := c.Subscriptions(ctx)
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	woodgrove := f.customer(t, msfake.SmallWoodgrove)
	want := 0
	for _, cu := range f.world.Customers {
		if cu.TenantID != woodgrove.TenantID && cu.TenantID != litware.TenantID {
			want += len(cu.Subscriptions)
		}
	}
	if len(subs) != want {
		t.Errorf("%d subscriptions, want %d (all but Woodgrove's and Litware's)", len(subs), want)
	}
	for _, s := range subs {
		if s.AccountID == woodgrove.TenantID || s.AccountID == litware.TenantID {
			t.Errorf("subscription %s of a skipped customer", s.ID)
		}
	}
}

// A 403 for a customer the partner resells to is the user's missing role:
// it fails the read, saying what to do, instead of hiding billed seats.
func TestForbiddenResellerFails(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorldAt(time.Now())
	w.Partner.Users[0].Groups = []string{"BillingAdmins"} // no Partner Center agent role
	f := newFake(t, w, msfake.Options{})
	_, err := f.client(t).Subscriptions(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrForbidden {
		t.Fatalf("Subscriptions by a user without a role: %v, want %v", err, connectors.ErrForbidden)
	}
	if !strings.Contains(err.Error(), "Admin agent") {
		t.Errorf("error %q does not say which role to give", err)
	}
}

// A token Partner Center refuses (here: expired by the fake's clock, while
// the sign-in still holds it) is ErrUnauthorized telling the user to sign
// in again, and never repeats the token.
func TestExpiredTokenSaysSignInAgain(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{})
	c := f.client(t)
	ctx := testCtx(t)
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatalf("Accounts: %v", err)
	}
	tok, _ := f.signIn.PartnerCenterToken(ctx)
	f.clock.Advance(2 * time.Hour)
	_, err := c.Accounts(ctx)
	if connectors.KindOf(err) != connectors.ErrUnauthorized {
		t.Fatalf("Accounts with an expired token: %v, want %v", err, connectors.ErrUnauthorized)
	}
	if !strings.Contains(err.Error(), "seats login") {
		t.Errorf("error %q does not say to sign in again", err)
	}
	if tok != "" && strings.Contains(err.Error(), tok) {
		t.Errorf("the error repeats the token")
	}
	_, err = c.Subscriptions(ctx)
	if connectors.KindOf(err) != connectors.ErrUnauthorized {
		t.Errorf("Subscriptions with an expired token: %v, want %v", err, connectors.ErrUnauthorized)
	}
}

// rotatingTokens hands out a token that Partner Center refuses first, then
// the sign-in's good one: a token that ended before its time.
type rotatingTokens struct {
	good  partnercenter.TokenSource
	calls int
}

func (r *rotatingTokens) PartnerCenterToken(ctx context.Context) (string, error) {
	r.calls++
	if r.calls == 1 {
		return "ended-early", nil
	}
	return r.good.PartnerCenterToken(ctx)
}

// When the sign-in gives another token after a 401, the call is made once
// more with it and succeeds.
func TestRefusedTokenRenewedOnce(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{})
	rt := &rotatingTokens{good: f.signIn}
	c := f.client(t, func(cfg *partnercenter.Config) { cfg.Tokens = rt })
	accounts, err := c.Accounts(testCtx(t))
	if err != nil || len(accounts) != len(f.world.Customers) {
		t.Fatalf("Accounts after one refused token: %d, %v", len(accounts), err)
	}
	if rt.calls != 2 {
		t.Errorf("%d token requests, want 2", rt.calls)
	}
}

// The sign-in's own errors reach the caller as they are: they already say
// to run seats login.
func TestSignInErrorsPassThrough(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{})
	want := &connectors.Error{Kind: connectors.ErrSignInRequired, Service: "sign-in", Message: "not signed in: run `seats login`"}
	c := f.client(t, func(cfg *partnercenter.Config) { cfg.Tokens = failingTokens{err: want} })
	_, err := c.Subscriptions(testCtx(t))
	if !errors.Is(err, connectors.ErrSignInRequired) || !strings.Contains(err.Error(), "seats login") {
		t.Errorf("Subscriptions without a sign-in: %v", err)
	}
	c = f.client(t, func(cfg *partnercenter.Config) { cfg.Tokens = failingTokens{err: errors.New("keyring locked")} })
	_, err = c.Accounts(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrSignInRequired || !strings.Contains(err.Error(), "seats login") {
		t.Errorf("Accounts with a broken sign-in: %v, want sign-in required saying seats login", err)
	}
	if len(f.seen()) != 0 {
		t.Errorf("%d calls to Partner Center without a token, want 0", len(f.seen()))
	}
}

// Customers are read at most Concurrency at a time.
func TestConcurrencyBounded(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{})
	f.latency.Store(int64(30 * time.Millisecond))
	c := f.client(t, func(cfg *partnercenter.Config) { cfg.Concurrency = 2 })
	if _, err := c.Subscriptions(testCtx(t)); err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	if p := f.peak.Load(); p > 2 || p < 2 {
		t.Errorf("peak of %d calls in flight, want 2 (the bound, reached)", p)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{PageSize: 2})
	c := f.client(t)
	res, err := c.Check(testCtx(t))
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	want := "Microsoft (direct bill): 6 customers, 13 subscriptions"
	if res.String() != want {
		t.Errorf("Check = %q, want %q", res.String(), want)
	}
	if c.Calls() == 0 {
		t.Errorf("Calls() = 0 after a check")
	}
}

// A URL that is not Partner Center's is named in Check's error.
func TestCheckWrongURL(t *testing.T) {
	t.Parallel()
	f := newFake(t, nil, msfake.Options{})
	for _, path := range []string{"/graph", "/nowhere"} {
		c := f.client(t, func(cfg *partnercenter.Config) { cfg.BaseURL = f.srv.URL + path })
		_, err := c.Check(testCtx(t))
		if err == nil || !strings.Contains(err.Error(), "microsoft.partner_center_url") {
			t.Errorf("Check against %s: %v, want an error naming microsoft.partner_center_url", path, err)
		}
	}
}
