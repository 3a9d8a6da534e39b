package microsoft_test

import (
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// TestTenantIDForDomain: a verified domain names its tenant through the
// sign-in service, without a sign-in; a domain nobody verified is not found.
func TestTenantIDForDomain(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	cu := f.world.Customers[0]
	id, err := c.TenantIDForDomain(testCtx(t), cu.Domain)
	if err != nil || id != cu.TenantID {
		t.Fatalf("TenantIDForDomain(%s) = %q, %v; want %s", cu.Domain, id, err, cu.TenantID)
	}
	if _, err := c.TenantIDForDomain(testCtx(t), "nobody-verified-this.example"); connectors.KindOf(err) != connectors.ErrNotFound {
		t.Fatalf("unknown domain: %v, want ErrNotFound", err)
	}
}
