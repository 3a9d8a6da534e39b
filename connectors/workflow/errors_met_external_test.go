package workflow_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
)

// fillingKeeper is the store on a disk that fills up once full is set:
// the writes a sync makes after reading tenants fail as bbolt's would.
type fillingKeeper struct {
	*store.Store
	full atomic.Bool
}

var diskFull = &fs.PathError{Op: "write", Path: "seats.db", Err: syscall.ENOSPC}

func (k *fillingKeeper) SaveSnapshots(snaps []connectors.LicenceSnapshot) error {
	if k.full.Load() {
		return diskFull
	}
	return k.Store.SaveSnapshots(snaps)
}

func (k *fillingKeeper) MarkStaleMany(reasons map[string]string, at time.Time) error {
	if k.full.Load() {
		return diskFull
	}
	return k.Store.MarkStaleMany(reasons, at)
}

func (k *fillingKeeper) SaveConsents(rs []connectors.ConsentRecord) error {
	if k.full.Load() {
		return diskFull
	}
	return k.Store.SaveConsents(rs)
}

// TestSyncOnAFillingDiskSaysWhatWasNotSaved: the disk fills up while a
// sync reads tenants (one of which lost its read role): the sync says
// which of its records could not be saved.
func TestSyncOnAFillingDiskSaysWhatWasNotSaved(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	keeper := &fillingKeeper{Store: h.store}
	h.customers.Keep = keeper
	var revoked string
	for _, s := range h.readyAll(t) {
		if s.Ready() {
			revoked = s.TenantID
			break
		}
	}
	h.fake.Mutate(func(w *msfake.World) {
		for i := range w.Customers {
			if c := &w.Customers[i]; c.TenantID == revoked {
				for j := range c.GDAP {
					c.GDAP[j].Roles = []string{connectors.RolePrivilegedRoleAdministrator, connectors.RoleApplicationAdministrator}
					if c.GDAP[j].AssignedRoles != nil {
						c.GDAP[j].AssignedRoles = c.GDAP[j].Roles
					}
				}
			}
		}
	})
	rep, err := h.customers.Sync(context.Background(), 4, func(int, int, workflow.SyncResult) { keeper.full.Store(true) })
	if err == nil {
		t.Fatalf("a sync on a full disk reported no error: %+v", rep)
	}
	for _, want := range []string{
		"save licence snapshots: write seats.db: no space left on device",
		"mark failed tenants stale: write seats.db: no space left on device",
		"record lost customers: write seats.db: no space left on device",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to say %q", err, want)
		}
	}
}

// TestRefreshSaysWhatItCouldNotRead: Graph refuses the GDAP relationships
// (the account lost the role to read them): the refresh says which list
// failed.
func TestRefreshSaysWhatItCouldNotRead(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	h.fake.FailNext("GET", "/graph/v1.0/tenantRelationships/delegatedAdminRelationships", 403,
		`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`, 1)
	_, err := h.customers.Refresh(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "list GDAP relationships: ") || !errors.Is(err, connectors.ErrForbidden) {
		t.Errorf("err = %v, want one saying the GDAP relationships could not be listed, and why", err)
	}
}

// TestRefreshInterruptedWhileCheckingConsent: Ctrl+C while the refresh
// checks consent in each customer ends it, saying so.
func TestRefreshInterruptedWhileCheckingConsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.customers.Progress = func(step string, done, total int) {
		if step == "Checking consent" {
			cancel()
		}
	}
	_, err := h.customers.Refresh(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "checking consent was interrupted: ") || !errors.Is(err, connectors.ErrCanceled) {
		t.Errorf("err = %v, want one saying the consent check was interrupted", err)
	}
}

// TestConsentToACustomerNoLongerListed: the wizard shows a customer; the
// customer leaves the MSP in Partner Center and another seats refreshes the
// list; consenting from the wizard then says the customer is gone.
func TestConsentToACustomerNoLongerListed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	ctx := context.Background()
	statuses, err := h.customers.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var gone connectors.CustomerStatus
	for _, s := range statuses {
		if s.Eligible() {
			gone = s
			break
		}
	}
	h.fake.Mutate(func(w *msfake.World) {
		for i := range w.Customers {
			if w.Customers[i].TenantID == gone.TenantID {
				w.Customers = append(w.Customers[:i], w.Customers[i+1:]...)
				break
			}
		}
	})
	if _, err := newHarnessOver(t, h).customers.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	want := "customer " + gone.TenantID + " is not in the customer list: refresh customers (seats status) and check the tenant id: "
	for name, consent := range map[string]func(context.Context, string) (connectors.CustomerStatus, error){
		"partner": h.customers.ConsentPartner, "admin": h.customers.WaitAdminConsent,
	} {
		_, err := consent(ctx, gone.TenantID)
		if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, connectors.ErrNotFound) {
			t.Errorf("%s consent: err = %v\nwant it to start %q", name, err, want)
		}
	}
}
