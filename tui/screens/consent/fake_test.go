package consent

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// fakeCustomers is a Customers whose Option B outcome is decided per tenant
// and whose Option A wait blocks until the test answers or ctx ends.
type fakeCustomers struct {
	mu          sync.Mutex
	stored      []connectors.CustomerStatus
	refreshed   []connectors.CustomerStatus
	refreshErr  error
	failWith    map[string]error // Option B fails for these tenants
	delay       time.Duration    // Option B takes this long
	calls       []string
	inFlight    int
	maxInFlight int
	adminDone   chan connectors.CustomerStatus
	adminCancel chan string
}

func newFakeCustomers(list []connectors.CustomerStatus) *fakeCustomers {
	return &fakeCustomers{
		stored:      list,
		refreshed:   list,
		failWith:    map[string]error{},
		adminDone:   make(chan connectors.CustomerStatus, 1),
		adminCancel: make(chan string, 4),
	}
}

func (f *fakeCustomers) Statuses() ([]connectors.CustomerStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]connectors.CustomerStatus(nil), f.stored...), nil
}

func (f *fakeCustomers) Refresh(context.Context) ([]connectors.CustomerStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refreshErr != nil {
		return nil, f.refreshErr
	}
	return append([]connectors.CustomerStatus(nil), f.refreshed...), nil
}

func (f *fakeCustomers) find(tenantID string) connectors.CustomerStatus {
	for _, c := range f.refreshed {
		if c.TenantID == tenantID {
			return c
		}
	}
	return connectors.CustomerStatus{}
}

func (f *fakeCustomers) ConsentPartner(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	f.mu.Lock()
	f.calls = append(f.calls, tenantID)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	delay, failure, st := f.delay, f.failWith[tenantID], f.find(tenantID)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrCanceled, Err: ctx.Err()}
	}
	if failure != nil {
		st.Consent = connectors.ConsentRecord{TenantID: tenantID, State: connectors.ConsentFailed, Reason: failure.Error()}
		f.record(st)
		return st, failure
	}
	st.Consent = connectors.ConsentRecord{TenantID: tenantID, State: connectors.ConsentReady, Method: connectors.ConsentByPartner,
		VerifiedAt: tuitest.Epoch}
	f.record(st)
	return st, nil
}

// record keeps a consent's outcome in the store, as the workflow does, so
// that a reload from the store shows it.
func (f *fakeCustomers) record(st connectors.CustomerStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, list := range [][]connectors.CustomerStatus{f.stored, f.refreshed} {
		for i := range list {
			if list[i].TenantID == st.TenantID {
				list[i] = st
			}
		}
	}
}

// setStored changes the store behind the screen's back, as another seats
// process would.
func (f *fakeCustomers) setStored(list []connectors.CustomerStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stored = append([]connectors.CustomerStatus(nil), list...)
	f.refreshed = append([]connectors.CustomerStatus(nil), list...)
}

func (f *fakeCustomers) AdminConsentURL(tenantID string) string {
	return "https://login.microsoftonline.com/" + tenantID + "/adminconsent?client_id=seats-app"
}

func (f *fakeCustomers) WaitAdminConsent(ctx context.Context, tenantID string) (connectors.CustomerStatus, error) {
	select {
	case st := <-f.adminDone:
		f.record(st)
		return st, nil
	case <-ctx.Done():
		f.adminCancel <- tenantID
		return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrCanceled, Err: ctx.Err()}
	}
}

func (f *fakeCustomers) callCount() (calls, maxInFlight int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls), f.maxInFlight
}

var ends = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)

func gdap(status connectors.GDAPStatus, roles ...string) connectors.GDAPSummary {
	g := connectors.GDAPSummary{Status: status, Roles: roles, RolesAssigned: true}
	if status.Usable() {
		g.EndsAt = ends
		if status == connectors.GDAPExpiring {
			g.EndsAt = time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
		}
	}
	return g
}

var fullRoles = []string{connectors.RolePrivilegedRoleAdministrator, connectors.RoleApplicationAdministrator, connectors.RoleGlobalReader}

func customer(name, domain, tenant string, g connectors.GDAPSummary, state connectors.ConsentState, reason string) connectors.CustomerStatus {
	return connectors.CustomerStatus{
		Customer: connectors.Customer{TenantID: tenant, Name: name, PrimaryDomain: domain},
		GDAP:     g,
		Consent:  connectors.ConsentRecord{TenantID: tenant, State: state, Reason: reason},
	}
}

// sample is a small world with every state the table shows.
func sample() []connectors.CustomerStatus {
	return []connectors.CustomerStatus{
		customer("Contoso Ltd", "contoso.onmicrosoft.com", "t-contoso", gdap(connectors.GDAPActive, fullRoles...), connectors.ConsentReady, ""),
		customer("Fabrikam Inc", "fabrikam.com", "t-fabrikam", gdap(connectors.GDAPActive, fullRoles...), connectors.ConsentNone, ""),
		customer("Northwind Traders", "northwindtraders.com", "t-northwind", gdap(connectors.GDAPActive, connectors.RolePrivilegedRoleAdministrator, connectors.RoleGlobalReader), connectors.ConsentFailed, "GDAP lacks Application Administrator"),
		customer("Adventure Works", "adventure-works.com", "t-adventure", gdap(connectors.GDAPActive, fullRoles...), connectors.ConsentLost, "The consent was removed in the tenant"),
		customer("Tailspin Toys", "tailspintoys.com", "t-tailspin", gdap(connectors.GDAPActive, fullRoles...), connectors.ConsentVerifying, ""),
		customer("Wingtip Toys", "wingtiptoys.com", "t-wingtip", gdap(connectors.GDAPNone), connectors.ConsentNone, ""),
		customer("Litware Inc", "litware.com", "t-litware", gdap(connectors.GDAPExpiring, connectors.RoleGlobalAdministrator), connectors.ConsentNone, ""),
		customer("Proseware", "proseware.com", "t-proseware", gdap(connectors.GDAPPending), connectors.ConsentNone, ""),
		customer("Woodgrove Bank", "woodgrovebank.com", "t-woodgrove", gdap(connectors.GDAPExpired), connectors.ConsentNone, ""),
		customer("Alpine Ski House", "alpineskihouse.com", "t-alpine", gdap(connectors.GDAPActive, connectors.RoleDirectoryReaders), connectors.ConsentNone, ""),
	}
}

// many makes n customers with a spread of states, for scale tests.
func many(n int) []connectors.CustomerStatus {
	states := []connectors.ConsentState{connectors.ConsentNone, connectors.ConsentReady, connectors.ConsentFailed, connectors.ConsentLost, connectors.ConsentVerifying}
	out := make([]connectors.CustomerStatus, n)
	for i := range out {
		tenant := fmt.Sprintf("t-%05d", i)
		g := gdap(connectors.GDAPActive, fullRoles...)
		if i%7 == 0 {
			g = gdap(connectors.GDAPNone)
		}
		out[i] = customer(fmt.Sprintf("Customer %05d Holdings", n-i), fmt.Sprintf("c%05d.onmicrosoft.com", i), tenant, g, states[i%len(states)], "")
	}
	return out
}

type fixture struct {
	fake   *fakeCustomers
	screen *Model
	h      *tuitest.Harness
	d      *tuitest.Driver
	mu     *sync.Mutex
	opened *[]string
}

// openedURLs returns the links given to OpenURL so far.
func (f *fixture) openedURLs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), *f.opened...)
}

// flat is the view without colour, borders or line breaks, for checking
// sentences that wrap.
func (f *fixture) flat() string {
	v := strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(ansi.Strip(f.screen.View()))
	return strings.Join(strings.Fields(v), " ")
}

// setup starts the screen on list and waits until the refresh is done.
func setup(t testing.TB, list []connectors.CustomerStatus, configure func(*fakeCustomers), width, height int) *fixture {
	t.Helper()
	fake := newFakeCustomers(list)
	if configure != nil {
		configure(fake)
	}
	mu := &sync.Mutex{}
	opened := &[]string{}
	c, _ := tuitest.NewCommon(t, common.Deps{
		Customers: fake,
		OpenURL: func(u string) error {
			mu.Lock()
			defer mu.Unlock()
			*opened = append(*opened, u)
			return nil
		},
	})
	s := New(c)
	s.SetSize(width, height)
	h := tuitest.NewHarness(s)
	d := tuitest.NewDriver(t, h)
	d.Init()
	d.Until("the refresh ended", func() bool { return len(h.Ended) > 0 })
	return &fixture{fake: fake, screen: s, h: h, d: d, mu: mu, opened: opened}
}

// names lists the customers shown, in order.
func (f *fixture) names() []string {
	out := make([]string, len(f.screen.visible))
	for k, i := range f.screen.visible {
		out[k] = f.screen.all[i].Name
	}
	return out
}
