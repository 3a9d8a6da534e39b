package microsoft_test

import (
	"testing"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// TestReleaseTenantTokensKeepsThePartners: once released, a tenant's token
// is asked for again (one request, from the refresh token: no sign-in);
// the partner's is still held.
func TestReleaseTenantTokensKeepsThePartners(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	signIn(t, c)
	ctx := testCtx(t)
	tenant := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	if _, err := c.Customers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Licences(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	requests := func(what string, call func() error, want int64) {
		t.Helper()
		before := f.spy.tokenRequests.Load()
		if err := call(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n := f.spy.tokenRequests.Load() - before; n != want {
			t.Errorf("%s made %d token requests, want %d", what, n, want)
		}
	}
	licences := func() error { _, err := c.Licences(ctx, tenant); return err }
	customers := func() error { _, err := c.Customers(ctx); return err }
	requests("the tenant's read while its token is held", licences, 0)
	c.ReleaseTenantTokens()
	requests("the partner's read after the release", customers, 0)
	requests("the tenant's read after the release", licences, 1)
	requests("the tenant's next read", licences, 0)
}
