package microsoft_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// TestSecretStoreFailuresSaySo: a secret store (the OS keyring) that
// cannot be read or written fails the command that needs it, saying which,
// instead of losing or overwriting the saved sign-in.
func TestSecretStoreFailuresSaySo(t *testing.T) {
	t.Parallel()
	t.Run("read", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, msfake.Options{})
		store := newMemSecrets()
		store.getErr = errors.New("the keyring is locked")
		c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) })
		_, _, err := c.Account(testCtx(t))
		if connectors.KindOf(err) != connectors.ErrUnavailable || !strings.Contains(err.Error(), "the secret store could not be read") {
			t.Fatalf("Account over a locked keyring: %v, want unavailable saying the secret store could not be read", err)
		}
	})
	t.Run("write at sign-in", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, msfake.Options{})
		store := newMemSecrets()
		store.setErr = errors.New("the keyring refused the write")
		c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = microsoft.NewTokenCache(store) })
		ctx := testCtx(t)
		dc, err := c.StartDeviceCode(ctx)
		if err != nil {
			t.Fatalf("StartDeviceCode: %v", err)
		}
		_, err = c.WaitDeviceCode(ctx, dc)
		if connectors.KindOf(err) != connectors.ErrUnavailable || !strings.Contains(err.Error(), "the secret store could not be written") {
			t.Fatalf("WaitDeviceCode over a read-only keyring: %v, want unavailable saying the secret store could not be written", err)
		}
	})
	t.Run("write at sign-out", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, msfake.Options{})
		store := newMemSecrets()
		cache := microsoft.NewTokenCache(store)
		c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = cache })
		signIn(t, c)
		store.mu.Lock()
		store.deleteErr = errors.New("the keyring refused the delete")
		store.mu.Unlock()
		err := cache.Clear()
		if connectors.KindOf(err) != connectors.ErrUnavailable || !strings.Contains(err.Error(), "the secret store could not be written") {
			t.Fatalf("Clear over a keyring that refuses: %v, want unavailable saying the secret store could not be written", err)
		}
		if _, ok := store.value(microsoft.TokenCacheSecret); !ok {
			t.Fatal("the saved sign-in is gone although the delete failed")
		}
	})
}

// TestEnsureAppOverAnOddPartnerTenant: the application setup says what is
// wrong when Graph does not show what every partner tenant holds.
func TestEnsureAppOverAnOddPartnerTenant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(f *fake)
		kind  connectors.Kind
		says  string
	}{
		{name: "no Microsoft Graph service principal", setup: func(f *fake) {
			// The first service principal EnsureApp looks up is Graph's.
			f.ms.FailNext(http.MethodGet, "/graph/v1.0/servicePrincipals", http.StatusOK, `{"value":[]}`, 1)
		}, kind: connectors.ErrNotFound, says: "the partner tenant has no Microsoft Graph service principal"},
		{name: "Partner Center without its permission", setup: func(f *fake) {
			f.ms.Mutate(func(w *msfake.World) {
				w.ServicePrincipals = append(w.ServicePrincipals, msfake.ServicePrincipal{ID: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
					AppID: microsoft.PartnerCenterAppID, DisplayName: "Microsoft Partner Center"})
			})
		}, kind: connectors.ErrNotFound, says: "Microsoft Partner Center offers no delegated permission user_impersonation in the partner tenant"},
		{name: "service principal made meanwhile but not listed yet", setup: func(f *fake) {
			f.ms.FailNext(http.MethodPost, "/graph/v1.0/servicePrincipals", http.StatusConflict, "", 1)
		}, kind: connectors.ErrBadResponse, says: "Graph says the service principal exists but does not list it; try again in a minute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, msfake.Options{})
			tt.setup(f)
			a := appAdmin(t, f)
			_, err := a.EnsureApp(testCtx(t), nil)
			if connectors.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("EnsureApp: %v, want %v saying %q", err, tt.kind, tt.says)
			}
			if n := len(f.ms.World().Applications); n != 0 {
				t.Errorf("%d applications created", n)
			}
		})
	}
}

// TestBatchAnswerWithoutReplies: a Graph batch answered without a reply
// for a request fails the read of that listing as a bad response.
func TestBatchAnswerWithoutReplies(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	signIn(t, c)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	f.ms.FailNext(http.MethodPost, "/graph/v1.0/$batch", http.StatusOK, `{"responses":[]}`, 1)
	_, err := c.Licences(testCtx(t), consented)
	if connectors.KindOf(err) != connectors.ErrBadResponse || !strings.Contains(err.Error(), "the batch answer has no reply for this request") {
		t.Fatalf("Licences: %v, want a bad response saying the batch has no reply", err)
	}
}

// TestOpaqueTokenShowsNoScopes: when Microsoft issues access tokens seats
// cannot read, ConsentedScopes says so rather than guessing.
func TestOpaqueTokenShowsNoScopes(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{OpaqueAccessTokens: true})
	c := f.client(t)
	signIn(t, c)
	scopes, err := c.ConsentedScopes(testCtx(t), "graph")
	if !errors.Is(err, microsoft.ErrOpaqueToken) || !strings.Contains(err.Error(), "the access token does not show its scopes") || scopes != nil {
		t.Fatalf("ConsentedScopes over an opaque token: %q, %v; want none and ErrOpaqueToken", scopes, err)
	}
	// The fake's APIs take its opaque tokens: only reading them fails.
	if _, err := c.Customers(testCtx(t)); err != nil {
		t.Fatalf("Customers with an opaque token: %v", err)
	}
}
