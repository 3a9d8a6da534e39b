package workflow_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// releasingMS records the sync's release of the tenants' tokens.
type releasingMS struct {
	*microsoft.Client
	released atomic.Int32
}

func (m *releasingMS) ReleaseTenantTokens() {
	m.released.Add(1)
	m.Client.ReleaseTenantTokens()
}

// TestSyncReleasesTenantTokens: a sync lets go of the tenants' tokens it
// used, once every tenant is read, and reads them all.
func TestSyncReleasesTenantTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	h.readyAll(t)
	ms := &releasingMS{Client: h.customers.MS.(*microsoft.Client)}
	h.customers.MS = ms
	rep, err := h.customers.Sync(context.Background(), 4, nil)
	if err != nil || rep.Failed != 0 || rep.Succeeded == 0 {
		t.Fatalf("Sync = %+v, %v", rep, err)
	}
	if n := ms.released.Load(); n != 1 {
		t.Errorf("the sync released the tenants' tokens %d times, want once", n)
	}
}
