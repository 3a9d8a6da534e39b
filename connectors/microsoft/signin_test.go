package microsoft_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

func TestDeviceCodeSignIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	ctx := testCtx(t)

	if _, ok, err := c.Account(ctx); err != nil || ok {
		t.Fatalf("Account before sign-in = ok %t, err %v; want not signed in", ok, err)
	}
	dc, err := c.StartDeviceCode(ctx)
	if err != nil {
		t.Fatalf("StartDeviceCode: %v", err)
	}
	if dc.UserCode == "" || dc.VerificationURL == "" || !strings.Contains(dc.Message, dc.UserCode) {
		t.Errorf("device code %+v: want a user code, a URL and a message quoting the code", dc)
	}
	if !dc.ExpiresOn.After(time.Now()) {
		t.Errorf("ExpiresOn %v is not in the future", dc.ExpiresOn)
	}
	acct, err := c.WaitDeviceCode(ctx, dc)
	if err != nil {
		t.Fatalf("WaitDeviceCode: %v", err)
	}
	user, partner := f.world.Partner.Users[0], f.world.Partner.TenantID
	want := connectors.Account{Username: user.UPN, Name: user.Name, HomeAccountID: user.ObjectID + "." + partner, PartnerTenantID: partner}
	if acct != want {
		t.Fatalf("account %+v, want %+v", acct, want)
	}
	got, ok, err := c.Account(ctx)
	if err != nil || !ok || got != want {
		t.Fatalf("Account after sign-in = %+v, %t, %v; want %+v", got, ok, err, want)
	}
}

func TestDeviceCodeFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		outcome     msfake.DeviceCodeOutcome
		opts        msfake.Options
		wantKind    connectors.Kind
		wantContain string
		wantIs      error
	}{
		{name: "declined", outcome: msfake.Decline, wantKind: connectors.ErrCanceled, wantContain: "declined"},
		{name: "expired", outcome: msfake.Expire, wantKind: connectors.ErrCanceled, wantContain: "expired", wantIs: microsoft.ErrDeviceCodeExpired},
		{name: "conditional access", outcome: msfake.BlockConditionalAccess, wantKind: connectors.ErrConditionalAccess, wantContain: "seats login --browser"},
		// The code runs out while nobody approves it: MSAL's wait ends at
		// the code's expiry.
		{name: "expiry passes", opts: msfake.Options{ApproveAfter: time.Hour, DeviceCodeTTL: time.Second},
			wantKind: connectors.ErrCanceled, wantContain: "expired", wantIs: microsoft.ErrDeviceCodeExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tc.opts)
			f.ms.SetDeviceCodeOutcome(tc.outcome)
			c := f.client(t)
			ctx := testCtx(t)
			dc, err := c.StartDeviceCode(ctx)
			if err != nil {
				t.Fatalf("StartDeviceCode: %v", err)
			}
			_, err = c.WaitDeviceCode(ctx, dc)
			if got := connectors.KindOf(err); got != tc.wantKind {
				t.Fatalf("WaitDeviceCode: kind %q (%v), want %q", got, err, tc.wantKind)
			}
			var ce *connectors.Error
			if !errors.As(err, &ce) || !strings.Contains(ce.Message, tc.wantContain) {
				t.Fatalf("error %v: message should mention %q", err, tc.wantContain)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Fatalf("errors.Is(%v, %v) = false", err, tc.wantIs)
			}
			if tc.wantIs == microsoft.ErrDeviceCodeExpired && (ce.Err == nil || ce.Err.Error() != "device code expired") {
				t.Fatalf("error %v: its cause %v should say the device code expired", err, ce.Err)
			}
			if _, ok, _ := c.Account(ctx); ok {
				t.Fatalf("signed in after a failed sign-in")
			}
		})
	}
}

func TestWaitDeviceCodeCancel(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{ApproveAfter: time.Hour})
	c := f.client(t)
	dc, err := c.StartDeviceCode(testCtx(t))
	if err != nil {
		t.Fatalf("StartDeviceCode: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.WaitDeviceCode(ctx, dc)
	if connectors.KindOf(err) != connectors.ErrCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitDeviceCode after cancel: %v, want kind canceled wrapping context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cancel took %v to end the wait", d)
	}
}

func TestWaitDeviceCodeNil(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	if _, err := f.client(t).WaitDeviceCode(testCtx(t), nil); err == nil {
		t.Fatalf("WaitDeviceCode(nil) succeeded")
	}
}

func TestSilentTenantTokensComeFromCache(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	signIn(t, c)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	ctx := testCtx(t)

	before := f.spy.tokenRequests.Load()
	if err := c.Verify(ctx, consented); err != nil {
		t.Fatalf("first Verify: %v", err)
	}
	if n := f.spy.tokenRequests.Load() - before; n != 1 {
		t.Fatalf("first Verify made %d token requests, want 1 (refresh grant for the tenant)", n)
	}
	calls := f.ms.Calls()
	if err := c.Verify(ctx, consented); err != nil {
		t.Fatalf("second Verify: %v", err)
	}
	if n := f.spy.tokenRequests.Load() - before; n != 1 {
		t.Fatalf("second Verify made a token request; the tenant's token should come from the cache")
	}
	if n := f.ms.Calls() - calls; n != 1 {
		t.Fatalf("Verify made %d Graph calls, want 1", n)
	}
}

func TestRevokedRefreshTokenNeedsSignIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	signIn(t, c)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	f.ms.RevokeRefreshTokens()
	// A tenant not asked for yet needs the refresh token.
	err := c.Verify(testCtx(t), consented)
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrSignInRequired {
		t.Fatalf("Verify after revocation: %v, want kind sign-in required", err)
	}
	if ce.Message != "your Microsoft sign-in has expired or was revoked; run `seats login` again." {
		t.Fatalf("message %q", ce.Message)
	}
}

func TestNotSignedIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	ctx := testCtx(t)
	calls := []struct {
		name string
		run  func() error
	}{
		{"Customers", func() error { _, err := c.Customers(ctx); return err }},
		{"GDAPRelationships", func() error { _, _, err := c.GDAPRelationships(ctx); return err }},
		{"Verify", func() error { return c.Verify(ctx, f.world.Customers[0].TenantID) }},
		{"Licences", func() error { _, err := c.Licences(ctx, f.world.Customers[0].TenantID); return err }},
		{"ConsentPartner", func() error { return c.ConsentPartner(ctx, f.world.Customers[0].TenantID) }},
	}
	for _, call := range calls {
		err := call.run()
		var ce *connectors.Error
		if !errors.As(err, &ce) || ce.Kind != connectors.ErrSignInRequired || !strings.Contains(ce.Message, "seats login") {
			t.Errorf("%s before sign-in: %v, want sign-in required naming `seats login`", call.name, err)
		}
	}
	if n := f.ms.Calls(); n != 0 {
		t.Errorf("%d API calls without a sign-in", n)
	}
}

func TestTokenCachePersistsSignIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	store := newMemSecrets()
	tc := microsoft.NewTokenCache(store)
	c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = tc })
	want := signIn(t, c)
	if _, sets, _ := store.counts(); sets != 1 {
		t.Fatalf("sign-in wrote the secret store %d times, want 1", sets)
	}

	// Many token writes: Partner Center, GDAP, and the consented tenant.
	ctx := testCtx(t)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	if _, err := c.Customers(ctx); err != nil {
		t.Fatalf("Customers: %v", err)
	}
	if _, _, err := c.GDAPRelationships(ctx); err != nil {
		t.Fatalf("GDAPRelationships: %v", err)
	}
	if _, err := c.Licences(ctx, consented); err != nil {
		t.Fatalf("Licences: %v", err)
	}
	if _, sets, _ := store.counts(); sets != 1 {
		t.Fatalf("token writes reached the secret store before Flush (%d writes)", sets)
	}
	if err := tc.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if _, sets, _ := store.counts(); sets != 2 {
		t.Fatalf("%d secret-store writes after Flush, want 2 (sign-in, then one Flush)", sets)
	}
	if v, _ := store.value(microsoft.TokenCacheSecret); len(v) == 0 {
		t.Fatalf("stored cache is empty")
	}

	// The saved sign-in holds the partner's tokens, none of a customer
	// tenant's: those live in memory for the command that asked for them.
	saved, _ := store.value(microsoft.TokenCacheSecret)
	var contract struct {
		AccessToken map[string]struct {
			Realm string `json:"realm"`
		}
	}
	if err := json.Unmarshal(saved, &contract); err != nil || len(contract.AccessToken) == 0 {
		t.Fatalf("saved cache: %v, %d access tokens", err, len(contract.AccessToken))
	}
	for _, at := range contract.AccessToken {
		if strings.EqualFold(at.Realm, consented) {
			t.Errorf("the saved sign-in holds an access token for the customer tenant %s", consented)
		}
	}

	// A second command: a new Client over the same secret store is signed
	// in; the partner's token comes from the saved cache, the tenant's from
	// its saved refresh token, without a sign-in.
	c2 := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) })
	got, ok, err := c2.Account(ctx)
	if err != nil || !ok || got != want {
		t.Fatalf("second client Account = %+v, %t, %v; want %+v", got, ok, err, want)
	}
	before := f.spy.tokenRequests.Load()
	if _, err := c2.Customers(ctx); err != nil {
		t.Fatalf("second client Customers: %v", err)
	}
	if n := f.spy.tokenRequests.Load() - before; n != 0 {
		t.Fatalf("second client made %d token requests for Partner Center, want 0 (saved cache)", n)
	}
	if err := c2.Verify(ctx, consented); err != nil {
		t.Fatalf("second client Verify: %v", err)
	}
	if n := f.spy.tokenRequests.Load() - before; n != 1 {
		t.Fatalf("second client made %d token requests for the tenant, want 1 (its saved refresh token redeemed)", n)
	}
}

func TestTokenCacheReadFailureKeepsSavedSignIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	store := newMemSecrets()
	signIn(t, f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) }))
	saved, _ := store.value(microsoft.TokenCacheSecret)

	locked := errors.New("keyring is locked")
	store.setGetErr(locked)
	tc := microsoft.NewTokenCache(store)
	c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = tc })
	ctx := testCtx(t)
	if _, _, err := c.Account(ctx); !errors.Is(err, locked) {
		t.Fatalf("Account with a failing store: %v, want the store's error", err)
	}
	if _, err := c.Customers(ctx); !errors.Is(err, locked) {
		t.Fatalf("Customers with a failing store: %v, want the store's error", err)
	}
	if err := tc.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if v, _ := store.value(microsoft.TokenCacheSecret); string(v) != string(saved) {
		t.Fatalf("the saved sign-in was overwritten after a failed read")
	}
	store.setGetErr(nil)
	if _, ok, err := c.Account(ctx); err != nil || !ok {
		t.Fatalf("Account once the store works: %t, %v; want signed in", ok, err)
	}
}

func TestSignOutAndClear(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		forget func(t *testing.T, c *microsoft.Client, tc *microsoft.TokenCache)
	}{
		{"SignOut", func(t *testing.T, c *microsoft.Client, _ *microsoft.TokenCache) {
			if err := c.SignOut(testCtx(t)); err != nil {
				t.Fatalf("SignOut: %v", err)
			}
		}},
		{"Clear", func(t *testing.T, _ *microsoft.Client, tc *microsoft.TokenCache) {
			if err := tc.Clear(); err != nil {
				t.Fatalf("Clear: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, msfake.Options{})
			store := newMemSecrets()
			tc := microsoft.NewTokenCache(store)
			c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = tc })
			signIn(t, c)
			tt.forget(t, c, tc)
			ctx := testCtx(t)
			if _, ok, err := c.Account(ctx); err != nil || ok {
				t.Fatalf("same client after %s: signed in %t, %v", tt.name, ok, err)
			}
			c2 := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) })
			if _, ok, err := c2.Account(ctx); err != nil || ok {
				t.Fatalf("next command after %s: signed in %t, %v", tt.name, ok, err)
			}
		})
	}
}

// formPost matches the page that posts the authorization code back to
// MSAL's redirect listener, as Entra's does for response_mode=form_post.
var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	formInput  = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
)

// browser returns an openURL func that behaves as a browser would: it
// opens the sign-in page with the fake's trust and submits the page's
// form to MSAL's local listener.
func browser(f *fake) func(string) error {
	return func(authURL string) error {
		resp, err := f.srv.Client().Get(authURL)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		m := formAction.FindSubmatch(page)
		if m == nil {
			return fmt.Errorf("sign-in page (HTTP %d) has no form to submit", resp.StatusCode)
		}
		form := url.Values{}
		for _, in := range formInput.FindAllSubmatch(page, -1) {
			form.Add(html.UnescapeString(string(in[1])), html.UnescapeString(string(in[2])))
		}
		// MSAL's listener is plain HTTP on localhost.
		post, err := http.PostForm(html.UnescapeString(string(m[1])), form)
		if err != nil {
			return err
		}
		_ = post.Body.Close()
		if post.StatusCode != http.StatusOK {
			return fmt.Errorf("redirect listener answered %d", post.StatusCode)
		}
		return nil
	}
}

func TestSignInBrowser(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	acct, err := c.SignInBrowser(testCtx(t), browser(f))
	if err != nil {
		t.Fatalf("SignInBrowser: %v", err)
	}
	user := f.world.Partner.Users[0]
	if acct.Username != user.UPN || acct.PartnerTenantID != f.world.Partner.TenantID || acct.Name != user.Name {
		t.Fatalf("account %+v, want %s of tenant %s", acct, user.UPN, f.world.Partner.TenantID)
	}
	if _, err := c.Customers(testCtx(t)); err != nil {
		t.Fatalf("Customers after browser sign-in: %v", err)
	}
}

func TestSignInBrowserCancel(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	// The user never comes back from the browser.
	_, err := c.SignInBrowser(ctx, func(string) error { cancel(); return nil })
	if connectors.KindOf(err) != connectors.ErrCanceled {
		t.Fatalf("SignInBrowser cancelled: %v, want kind canceled", err)
	}
}

// TestSignInBrowserWithoutBrowser: where no browser can be opened, the
// error says so and points to the device code, instead of calling it an
// answer seats cannot read.
func TestSignInBrowserWithoutBrowser(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	_, err := c.SignInBrowser(testCtx(t), func(string) error { return errors.New("exec: \"xdg-open\": executable file not found in $PATH") })
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrUnavailable || ce.Message != microsoft.MsgNoBrowser {
		t.Fatalf("SignInBrowser without a browser: %v", err)
	}
}

// tenantWhere returns the first customer of the fake's world for which
// pick holds, or fails the test.
func tenantWhere(t *testing.T, f *fake, pick func(c msfake.Customer, roles map[string]bool, usable bool) bool) string {
	t.Helper()
	for _, c := range f.world.Customers {
		roles, usable := usableRoles(c, time.Now())
		if pick(c, roles, usable) {
			return c.TenantID
		}
	}
	t.Fatalf("SmallWorld has no such customer")
	return ""
}

// TestAccountAfterExpiredSignIn is the next command days later: the access
// tokens in the saved cache have expired and the refresh token was revoked
// (or idled out), so there is no sign-in any more, and Account says so.
func TestAccountAfterExpiredSignIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	ctx := testCtx(t)
	store := newMemSecrets()
	tc := microsoft.NewTokenCache(store)
	signIn(t, f.client(t, func(cfg *microsoft.Config) { cfg.Cache = tc }))
	if err := tc.Flush(); err != nil {
		t.Fatal(err)
	}
	// Days later: no access token in the cache is still valid.
	saved, _ := store.value(microsoft.TokenCacheSecret)
	var cache map[string]json.RawMessage
	if err := json.Unmarshal(saved, &cache); err != nil {
		t.Fatal(err)
	}
	delete(cache, "AccessToken")
	aged, _ := json.Marshal(cache)
	if err := store.Set(microsoft.TokenCacheSecret, aged); err != nil {
		t.Fatal(err)
	}
	later := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) })
	if _, ok, err := later.Account(ctx); !ok || err != nil {
		t.Fatalf("with a good refresh token: ok=%v err=%v", ok, err)
	}

	f.ms.RevokeRefreshTokens()
	expired := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) })
	_, ok, err := expired.Account(ctx)
	if ok || !errors.Is(err, connectors.ErrSignInRequired) {
		t.Fatalf("after revocation: ok=%v err=%v, want not signed in with ErrSignInRequired", ok, err)
	}
}

// TestTokenRequestsRetryFaultsNotRefusals: a token request that fails on
// the way (503, or a drop) is made again with backoff; a refusal is not.
func TestTokenRequestsRetryFaultsNotRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		consented    bool
		fail         int // 503s injected on the tenant's token endpoint
		wantKind     connectors.Kind
		wantRequests int64
	}{
		{name: "503 twice, then a token", consented: true, fail: 2, wantRequests: 3},
		{name: "503 every time", consented: true, fail: 100, wantKind: connectors.ErrUnavailable, wantRequests: 4},
		{name: "consent_required is final", consented: false, wantKind: connectors.ErrConsentRequired, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, msfake.Options{})
			c := f.client(t)
			signIn(t, c)
			tenant := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
				return usable && hasReadRole(roles) && (c.Consent != nil) == tt.consented
			})
			f.ms.FailNext("POST", "/"+tenant+"/oauth2/v2.0/token", 503, "", tt.fail)
			before := f.spy.tokenRequests.Load()
			err := c.Verify(testCtx(t), tenant)
			if connectors.KindOf(err) != tt.wantKind || (tt.wantKind == connectors.KindUnknown) != (err == nil) {
				t.Fatalf("Verify: %v, want kind %v", err, tt.wantKind)
			}
			if n := f.spy.tokenRequests.Load() - before; n != tt.wantRequests {
				t.Fatalf("%d token requests, want %d", n, tt.wantRequests)
			}
		})
	}
}

// TestSwitchAccountKeepsTheOldUntilTheNewSucceeds: a second sign-in that is
// cancelled leaves the first account signed in; one that succeeds replaces
// it, and the client then knows only the new account.
func TestSwitchAccountKeepsTheOldUntilTheNewSucceeds(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	ctx := testCtx(t)
	first := f.world.Partner.Users[0]
	signIn(t, c)

	// A switch that the user cancels keeps the first account.
	dc, err := c.StartDeviceCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.WaitDeviceCode(cctx, dc); connectors.KindOf(err) != connectors.ErrCanceled {
		t.Fatalf("cancelled switch: %v", err)
	}
	if got, ok, err := c.Account(ctx); err != nil || !ok || got.Username != first.UPN {
		t.Fatalf("after a cancelled switch: %+v, %t, %v; want %s still signed in", got, ok, err, first.UPN)
	}

	// Another partner user signs in: the new account replaces the old one.
	second := msfake.PartnerUser{ObjectID: "0b7a8c6d-1111-4222-8333-944455556666", UPN: "sam@northwindit.onmicrosoft.com", Name: "Sam"}
	f.ms.Mutate(func(w *msfake.World) { w.Partner.Users = append([]msfake.PartnerUser{second}, w.Partner.Users...) })
	signIn(t, c)
	// MSAL lists cached accounts in no fixed order: ask often enough that
	// a leftover first account would show.
	for i := 0; i < 16; i++ {
		got, ok, err := c.Account(ctx)
		if err != nil || !ok || got.Username != second.UPN {
			t.Fatalf("after switching: %+v, %t, %v; want %s only", got, ok, err, second.UPN)
		}
	}
}
