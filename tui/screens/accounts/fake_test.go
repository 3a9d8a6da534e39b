package accounts

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	// The sources register their display names ("Pax8") as in the binary.
	_ "github.com/seats-msp/seats/connectors/connectwise"
	_ "github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// The real matcher is one the screen can use.
var _ Matcher = (*workflow.Matching)(nil)

// fakeMatcher holds a matching view as plain data and changes it the way
// workflow.Matching does: an account another customer holds is refused
// with ErrAccountTaken naming that customer; a pick of an account the
// side does not have is refused. It counts calls and how many ran at once;
// with hold set, each call waits until the test sends on it.
type fakeMatcher struct {
	mu          sync.Mutex
	view        workflow.MatchView
	refreshErr  error
	failWith    map[string]error // changes of these tenants fail
	hold        chan struct{}
	calls       []string
	inFlight    int
	maxInFlight int
}

func newFakeMatcher(v workflow.MatchView) *fakeMatcher {
	return &fakeMatcher{view: v, failWith: map[string]error{}}
}

// enter records a call and waits for the test when it holds calls.
func (f *fakeMatcher) enter(call string) {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
}

func (f *fakeMatcher) leave() {
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
}

func (f *fakeMatcher) Refresh() (workflow.MatchView, error) {
	f.enter("refresh")
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refreshErr != nil {
		return workflow.MatchView{}, f.refreshErr
	}
	v := f.view
	v.Accounts = slices.Clone(f.view.Accounts)
	return v, nil
}

func (f *fakeMatcher) SetAccount(tenantID string, side connectors.ConnectorKind, accountID string) (reconcile.AccountMapping, error) {
	f.enter(fmt.Sprintf("set %s %s %q", tenantID, side, accountID))
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.set(tenantID, side, accountID)
}

func (f *fakeMatcher) set(tenantID string, side connectors.ConnectorKind, accountID string) (reconcile.AccountMapping, error) {
	if err := f.failWith[tenantID]; err != nil {
		return reconcile.AccountMapping{}, err
	}
	i := slices.IndexFunc(f.view.Accounts, func(m reconcile.AccountMapping) bool { return m.TenantID == tenantID })
	if i < 0 {
		return reconcile.AccountMapping{}, fmt.Errorf("no customer with tenant id %s", tenantID)
	}
	match := reconcile.AccountMatch{State: reconcile.StateConfirmed, Evidence: reconcile.EvidenceHand, Reason: "no account, said by hand"}
	if accountID != "" {
		name, ok := f.accountName(side, accountID)
		if !ok {
			return reconcile.AccountMapping{}, fmt.Errorf("the %s has no account %s", side, accountID)
		}
		for j, other := range f.view.Accounts {
			if o := sideOf(other, side); j != i && o.AccountID == accountID && o.Matched() {
				return reconcile.AccountMapping{}, fmt.Errorf("%w: %s holds %s; unmatch it there first", workflow.ErrAccountTaken, other.Customer, name)
			}
		}
		match = reconcile.HandMatch(accountID, name)
	}
	if side == connectors.KindPSA {
		f.view.Accounts[i].PSA = match
	} else {
		f.view.Accounts[i].Distributor = match
	}
	return f.view.Accounts[i], nil
}

func (f *fakeMatcher) ConfirmAccount(tenantID string, side connectors.ConnectorKind) (reconcile.AccountMapping, error) {
	f.enter(fmt.Sprintf("confirm %s %s", tenantID, side))
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.view.Accounts, func(m reconcile.AccountMapping) bool { return m.TenantID == tenantID })
	if i < 0 {
		return reconcile.AccountMapping{}, fmt.Errorf("no customer with tenant id %s", tenantID)
	}
	cur := sideOf(f.view.Accounts[i], side)
	if cur.AccountID == "" {
		return f.view.Accounts[i], fmt.Errorf("%s has no suggestion to confirm", f.view.Accounts[i].Customer)
	}
	return f.set(tenantID, side, cur.AccountID)
}

func (f *fakeMatcher) Exclude(tenantID string, excluded bool) (reconcile.AccountMapping, error) {
	f.enter(fmt.Sprintf("exclude %s %v", tenantID, excluded))
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failWith[tenantID]; err != nil {
		return reconcile.AccountMapping{}, err
	}
	i := slices.IndexFunc(f.view.Accounts, func(m reconcile.AccountMapping) bool { return m.TenantID == tenantID })
	if i < 0 {
		return reconcile.AccountMapping{}, fmt.Errorf("no customer with tenant id %s", tenantID)
	}
	f.view.Accounts[i].Excluded = excluded
	return f.view.Accounts[i], nil
}

func (f *fakeMatcher) accountName(side connectors.ConnectorKind, id string) (string, bool) {
	if side == connectors.KindPSA {
		for _, c := range f.view.PSACompanies {
			if c.ID == id {
				return c.Name, true
			}
		}
		return "", false
	}
	for _, a := range f.view.DistributorAccounts {
		if a.ID == id {
			return a.Name, true
		}
	}
	return "", false
}

func (f *fakeMatcher) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeMatcher) mapping(tenantID string) reconcile.AccountMapping {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.view.Accounts {
		if m.TenantID == tenantID {
			return m
		}
	}
	return reconcile.AccountMapping{}
}

func auto(id, name string, ev reconcile.Evidence, reason string) reconcile.AccountMatch {
	return reconcile.AccountMatch{AccountID: id, AccountName: name, State: reconcile.StateAuto, Evidence: ev, Reason: reason}
}

func suggested(id, name string, score int, reason string) reconcile.AccountMatch {
	return reconcile.AccountMatch{AccountID: id, AccountName: name, State: reconcile.StateSuggested,
		Evidence: reconcile.EvidenceSimilarName, Score: score, Reason: reason}
}

func unmapped() reconcile.AccountMatch { return reconcile.AccountMatch{State: reconcile.StateUnmapped} }

// sample is a Pax8 and ConnectWise home with a customer in every state.
func sample() workflow.MatchView {
	conflict := suggested("c-toys", "Toys Company", 95, "same name after normalising (Inc); also claimed by 1 other customer(s), left for you")
	conflict.Evidence, conflict.Conflict, conflict.ConflictWith = reconcile.EvidenceNormalizedName, true, []string{"t-wingtip"}
	missing := reconcile.HandMatch("p-adventure", "Adventure Works")
	missing.Missing = true
	return workflow.MatchView{
		DistributorKind: "pax8",
		PSAKind:         "connectwise",
		DistributorAccounts: []connectors.DistributorAccount{
			{ID: "p-contoso", Name: "Contoso Ltd", Domain: "contoso.com", Active: true},
			{ID: "p-fabrikam", Name: "Fabrikam", Domain: "fabrikam.com", Active: true},
			{ID: "p-litware", Name: "Litware Inc", TenantID: "t-litware", TenantIDSource: "externalId", Active: true},
			{ID: "p-tailspin", Name: "Tailspin Toys", Active: true},
			{ID: "p-wingtip", Name: "Wingtip Toys", Active: true},
			{ID: "p-northwind-old", Name: "Northwind (old)", Active: false},
			{ID: "p-woodgrove", Name: "Woodgrove Bank", Active: true},
		},
		PSACompanies: []connectors.PSACompany{
			{ID: "c-contoso", Name: "Contoso", Identifier: "CONTOSO", Domain: "contoso.com", Active: true, Type: connectors.CompanyClient},
			{ID: "c-fabrikam", Name: "Fabrikam Inc", Identifier: "FABRIKAM", Active: true, Type: connectors.CompanyClient},
			{ID: "c-litware", Name: "Litware", Identifier: "LITWARE", Active: true, Type: connectors.CompanyClient},
			{ID: "c-toys", Name: "Toys Company", Identifier: "TOYS", Active: true, Type: connectors.CompanyClient},
			{ID: "c-northwind", Name: "Northwind Traders", Identifier: "NORTHWIND", Active: true, Type: connectors.CompanyProspect},
			{ID: "c-alpine", Name: "Alpine Ski House", Identifier: "ALPINE", Active: true, Type: connectors.CompanyClient},
			{ID: "c-msft", Name: "Microsoft", Identifier: "MSFT", Active: true, Type: connectors.CompanyVendor},
			{ID: "c-old", Name: "Old Customer", Identifier: "OLD", Active: false, Type: connectors.CompanyClient},
		},
		Mappings: reconcile.Mappings{Accounts: []reconcile.AccountMapping{
			{TenantID: "t-contoso", Customer: "Contoso Ltd",
				Distributor: auto("p-contoso", "Contoso Ltd", reconcile.EvidenceSubscriptionID, "same Microsoft subscription id 3f2a…9c1d on both sides"),
				PSA:         auto("c-contoso", "Contoso", reconcile.EvidenceDomain, "domain contoso.com = website")},
			{TenantID: "t-fabrikam", Customer: "Fabrikam Inc",
				Distributor: reconcile.HandMatch("p-fabrikam", "Fabrikam"),
				PSA:         reconcile.HandMatch("c-fabrikam", "Fabrikam Inc")},
			{TenantID: "t-litware", Customer: "Litware Inc",
				Distributor: auto("p-litware", "Litware Inc", reconcile.EvidenceTenantID, "tenant id in Pax8 externalId"),
				PSA:         suggested("c-litware", "Litware", 72, "similar name (72%)")},
			{TenantID: "t-northwind", Customer: "Northwind Traders", Distributor: unmapped(), PSA: suggested("c-northwind", "Northwind Traders", 95, "same name; not matched automatically: the company is a prospect")},
			{TenantID: "t-tailspin", Customer: "Tailspin Toys",
				Distributor: auto("p-tailspin", "Tailspin Toys", reconcile.EvidenceExactName, "same name"),
				PSA:         conflict},
			{TenantID: "t-wingtip", Customer: "Wingtip Toys",
				Distributor: auto("p-wingtip", "Wingtip Toys", reconcile.EvidenceExactName, "same name"),
				PSA:         reconcile.HandMatch("c-toys", "Toys Company")},
			{TenantID: "t-adventure", Customer: "Adventure Works", Distributor: missing, PSA: unmapped()},
			{TenantID: "t-proseware", Customer: "Proseware (internal)", Excluded: true,
				Distributor: reconcile.AccountMatch{State: reconcile.StateExcluded}, PSA: reconcile.AccountMatch{State: reconcile.StateExcluded}},
			{TenantID: "t-alpine", Customer: "Alpine Ski House",
				Distributor: reconcile.AccountMatch{State: reconcile.StateConfirmed, Evidence: reconcile.EvidenceHand, Reason: "no account, said by hand"},
				PSA:         auto("c-alpine", "Alpine Ski House", reconcile.EvidenceExactName, "same name")},
			{TenantID: "t-woodgrove", Customer: "Woodgrove Bank", CustomerMissing: true,
				Distributor: auto("p-woodgrove", "Woodgrove Bank", reconcile.EvidenceExactName, "same name"), PSA: unmapped()},
			{TenantID: "t-unmapped", Customer: "Margie's Travel", Distributor: unmapped(), PSA: unmapped()},
		}},
	}
}

// many is a home with n customers, a third of them matched, a third
// suggested and a third unmapped, against n accounts on each side.
func many(n int) workflow.MatchView {
	v := workflow.MatchView{DistributorKind: "pax8", PSAKind: "connectwise"}
	for i := range n {
		name := fmt.Sprintf("Customer %05d", i)
		v.DistributorAccounts = append(v.DistributorAccounts, connectors.DistributorAccount{ID: fmt.Sprintf("p-%d", i), Name: name, Active: true})
		v.PSACompanies = append(v.PSACompanies, connectors.PSACompany{ID: fmt.Sprintf("c-%d", i), Name: name, Active: true, Type: connectors.CompanyClient})
		m := reconcile.AccountMapping{TenantID: fmt.Sprintf("t-%d", i), Customer: name}
		switch i % 3 {
		case 0:
			m.Distributor = auto(fmt.Sprintf("p-%d", i), name, reconcile.EvidenceExactName, "same name")
			m.PSA = auto(fmt.Sprintf("c-%d", i), name, reconcile.EvidenceExactName, "same name")
		case 1:
			m.Distributor = suggested(fmt.Sprintf("p-%d", i), name, 80, "similar name (80%)")
			m.PSA = suggested(fmt.Sprintf("c-%d", i), name, 80, "similar name (80%)")
		default:
			m.Distributor, m.PSA = unmapped(), unmapped()
		}
		v.Accounts = append(v.Accounts, m)
	}
	return v
}

// fixture runs the screen the way the root does, commands and all.
type fixture struct {
	screen *Model
	h      *tuitest.Harness
	d      *tuitest.Driver
	mt     *fakeMatcher
}

func setup(tb testing.TB, v workflow.MatchView, width, height int) *fixture {
	tb.Helper()
	mt := newFakeMatcher(v)
	return setupWith(tb, mt, width, height)
}

func setupWith(tb testing.TB, mt *fakeMatcher, width, height int) *fixture {
	tb.Helper()
	c, _ := tuitest.NewCommon(tb, common.Deps{})
	s := New(c, mt)
	s.SetSize(width, height)
	h := tuitest.NewHarness(s)
	f := &fixture{screen: s, h: h, d: tuitest.NewDriver(tb, h), mt: mt}
	if mt.refreshErr == nil {
		f.d.Init()
		f.d.Until("loaded", func() bool { return s.loaded && !s.calls.Busy() })
	}
	return f
}

// names lists the customers shown, in order.
func (f *fixture) names() []string {
	var out []string
	for _, i := range f.screen.visible {
		out = append(out, f.screen.rows[i].m.Customer)
	}
	return out
}

// selectCustomer moves the cursor to a customer by searching for it.
func (f *fixture) selectCustomer(tb testing.TB, name string) {
	tb.Helper()
	for pos, i := range f.screen.visible {
		if f.screen.rows[i].m.Customer == name {
			f.screen.cursor = pos
			f.screen.clampScroll()
			return
		}
	}
	tb.Fatalf("%s is not shown: %v", name, f.names())
}

// waitStatus waits until the status line says want.
func (f *fixture) waitStatus(tb testing.TB, want string) {
	tb.Helper()
	f.d.Until("the status "+want, func() bool { return f.h.LastStatus() == want })
}

// idle waits until no call of the matcher is out.
func (f *fixture) idle(tb testing.TB) {
	tb.Helper()
	f.d.Until("the matcher is idle", func() bool { return f.screen.calls.Idle() })
}

func (f *fixture) view() string { return ansi.Strip(f.screen.View()) }

// lineWith returns the first line of the view holding s.
func (f *fixture) lineWith(tb testing.TB, s string) string {
	tb.Helper()
	for l := range strings.SplitSeq(f.view(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	tb.Fatalf("no line holds %q:\n%s", s, f.view())
	return ""
}
