package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/sandbox"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
)

// harness is a signed-in Microsoft client against the fake, over a real
// store in a temp dir.
type harness struct {
	endpoints msfake.Endpoints
	http      *http.Client
	fake      *msfake.Server
	client    *microsoft.Client
	store     *store.Store
	customers *workflow.Customers
}

func newHarness(t testing.TB, w *msfake.World, o msfake.Options) *harness {
	t.Helper()
	srv, fake := msfake.NewTLSServer(w, o)
	t.Cleanup(srv.Close)
	ep := msfake.EndpointsFor(srv.URL)
	client, err := microsoft.New(microsoft.Config{
		ClientID:         w.ClientID,
		AuthorityHost:    ep.AuthorityHost,
		GraphURL:         ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL,
		GDAP:             true,
		HTTPClient:       srv.Client(),
		Concurrency:      8,
		Sleep:            func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	session := &workflow.Session{Client: client, Keep: st}
	dc, err := session.StartDeviceCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := session.WaitDeviceCode(ctx, dc); err != nil {
		t.Fatal(err)
	}
	return &harness{
		endpoints: ep, http: srv.Client(), fake: fake, client: client, store: st,
		customers: &workflow.Customers{
			MS: client, Keep: st,
			VerifyFor: 50 * time.Millisecond, VerifyEvery: time.Millisecond, AdminPollEvery: time.Millisecond,
		},
	}
}

func byName(statuses []connectors.CustomerStatus) map[string]connectors.CustomerStatus {
	m := map[string]connectors.CustomerStatus{}
	for _, s := range statuses {
		m[s.TenantID] = s
	}
	return m
}

func TestSessionRecordsAccount(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorld()
	h := newHarness(t, w, msfake.Options{})
	acct, ok, err := h.store.Account()
	if err != nil || !ok {
		t.Fatalf("account not recorded: ok=%v err=%v", ok, err)
	}
	if acct.Username != w.Partner.Users[0].UPN || acct.PartnerTenantID != w.Partner.TenantID {
		t.Fatalf("account %+v, want %s in %s", acct, w.Partner.Users[0].UPN, w.Partner.TenantID)
	}
}

func TestRefreshSummarisesGDAPAndKeepsConsent(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorld()
	h := newHarness(t, w, msfake.Options{PageSize: 2})
	statuses, err := h.customers.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(statuses) != len(w.Customers) {
		t.Fatalf("%d statuses, world has %d customers", len(statuses), len(w.Customers))
	}
	seen := map[connectors.GDAPStatus]bool{}
	for _, s := range statuses {
		seen[s.GDAP.Status] = true
	}
	for _, want := range []connectors.GDAPStatus{connectors.GDAPActive, connectors.GDAPExpiring, connectors.GDAPPending, connectors.GDAPExpired, connectors.GDAPNone} {
		if !seen[want] {
			t.Errorf("no customer with GDAP %s after refresh (seen %v)", want, seen)
		}
	}
}

func TestConsentManyPartner(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorld()
	h := newHarness(t, w, msfake.Options{})
	ctx := context.Background()
	if _, err := h.customers.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	results, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, 4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(w.Customers) {
		t.Fatalf("report names %d customers, world has %d", len(results), len(w.Customers))
	}
	statuses, err := h.customers.Statuses()
	if err != nil {
		t.Fatal(err)
	}
	st := byName(statuses)
	for _, r := range results {
		s := st[r.TenantID]
		switch r.Outcome {
		case workflow.OutcomeConsented:
			if !s.Ready() {
				t.Errorf("%s consented but not Ready: %+v", r.Name, s.Consent)
			}
		case workflow.OutcomeSkipped:
			if s.GDAP.Status.Usable() || r.Reason == "" {
				t.Errorf("%s skipped with GDAP %s, reason %q", r.Name, s.GDAP.Status, r.Reason)
			}
		case workflow.OutcomeFailed:
			if s.Consent.State != connectors.ConsentFailed || r.Reason == "" {
				t.Errorf("%s failed but recorded %+v, reason %q", r.Name, s.Consent, r.Reason)
			}
			if s.GDAP.MissingConsentRoles() != nil && !strings.Contains(r.Reason, "Privileged Role Administrator") && !strings.Contains(r.Reason, "Application Administrator") {
				t.Errorf("%s refused without naming the missing role: %q", r.Name, r.Reason)
			}
		case workflow.OutcomeAlreadyReady:
			if !s.Ready() {
				t.Errorf("%s already Ready but not Ready", r.Name)
			}
		default:
			t.Errorf("%s: outcome %q", r.Name, r.Outcome)
		}
	}
	count := map[workflow.Outcome]int{}
	for _, r := range results {
		count[r.Outcome]++
	}
	if count[workflow.OutcomeConsented] == 0 || count[workflow.OutcomeFailed] == 0 || count[workflow.OutcomeSkipped] == 0 {
		t.Fatalf("small world should give consented, failed and skipped customers: %v", count)
	}

	// A second run finds them Ready and consents nobody again.
	again, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, 4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Outcome == workflow.OutcomeConsented {
			t.Errorf("%s consented twice", r.Name)
		}
	}
}

func TestConsentUnknownTenantIsClearError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	ctx := context.Background()
	if _, err := h.customers.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := h.customers.ConsentMany(ctx, []string{"00000000-0000-0000-0000-00000000dead"}, connectors.ConsentByPartner, 1, nil, nil)
	if !errors.Is(err, connectors.ErrNotFound) || !strings.HasPrefix(err.Error(),
		"customer 00000000-0000-0000-0000-00000000dead is not in the customer list: check the tenant id (seats status --json lists them): ") {
		t.Fatalf("err = %v", err)
	}
}

func TestAdminConsentWaitsUntilAccepted(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorld()
	h := newHarness(t, w, msfake.Options{})
	ctx := context.Background()
	statuses, err := h.customers.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var target connectors.CustomerStatus
	for _, s := range statuses {
		if s.Eligible() {
			target = s
			break
		}
	}
	if target.TenantID == "" {
		t.Fatal("no eligible customer in the small world")
	}
	link := h.customers.AdminConsentURL(target.TenantID)
	if !strings.Contains(link, "/"+target.TenantID+"/v2.0/adminconsent?") || !strings.Contains(link, "client_id="+w.ClientID) {
		t.Fatalf("link %q", link)
	}

	// Nobody accepts: the wait ends with the context and records nothing.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = h.customers.WaitAdminConsent(short, target.TenantID)
	if !errors.Is(err, connectors.ErrCanceled) || !strings.HasPrefix(err.Error(), "stopped waiting for "+target.Name+"'s admin: ") {
		t.Fatalf("wait without acceptance: %v", err)
	}

	// The admin opens the link and accepts; the wait then turns Ready.
	accept := make(chan error, 1)
	go func() { accept <- h.acceptAdminConsent(link) }()
	st, err := h.customers.WaitAdminConsent(ctx, target.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	if aerr := <-accept; aerr != nil {
		t.Fatal(aerr)
	}
	if !st.Ready() || st.Consent.Method != connectors.ConsentByAdmin {
		t.Fatalf("after admin consent: %+v", st.Consent)
	}
}

func TestSyncReadsReadyAndMarksFailuresStale(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorld()
	h := newHarness(t, w, msfake.Options{ThrottleOnce: true, PageSize: 2})
	ctx := context.Background()
	if _, err := h.customers.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, 4, nil, nil); err != nil {
		t.Fatal(err)
	}
	var progressCalls int
	rep, err := h.customers.Sync(ctx, 4, func(done, total int, r workflow.SyncResult) { progressCalls++ })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tenants == 0 || rep.Succeeded != rep.Tenants || progressCalls != rep.Tenants {
		t.Fatalf("report %+v, progress calls %d", rep, progressCalls)
	}
	for _, r := range rep.Results {
		snap, ok, err := h.store.Snapshot(r.TenantID)
		if err != nil || !ok {
			t.Fatalf("no snapshot for %s: %v", r.Name, err)
		}
		if len(snap.Skus) != r.Skus || snap.Stale {
			t.Fatalf("snapshot of %s: %d skus stale=%v, report %+v", r.Name, len(snap.Skus), snap.Stale, r)
		}
	}

	// Graph fails for every call now: each tenant keeps its snapshot, marked stale.
	h.fake.FailNext("GET", "/graph/v1.0/subscribedSkus", 503, "", 1000)
	rep2, err := h.customers.Sync(ctx, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Failed != rep.Tenants {
		t.Fatalf("second sync: %+v", rep2)
	}
	for _, r := range rep.Results {
		snap, _, _ := h.store.Snapshot(r.TenantID)
		if !snap.Stale || snap.StaleReason == "" || len(snap.Skus) != r.Skus {
			t.Fatalf("after a failed sync %s: stale=%v reason=%q skus=%d (had %d)", r.Name, snap.Stale, snap.StaleReason, len(snap.Skus), r.Skus)
		}
	}
}

// acceptAdminConsent does what the customer's admin does: open the link and
// press Accept.
func (h *harness) acceptAdminConsent(link string) error {
	page, err := h.http.Get(link)
	if err != nil {
		return err
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		return fmt.Errorf("consent page: HTTP %d", page.StatusCode)
	}
	// Accepting redirects to the app's redirect URI (http://localhost), where
	// no browser is listening here: stop at the redirect.
	noFollow := *h.http
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(link, url.Values{"accept": {"1"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("accept: HTTP %d", resp.StatusCode)
	}
	return nil
}

// readyAll refreshes and consents every eligible customer, returning the
// statuses afterwards.
func (h *harness) readyAll(t *testing.T) []connectors.CustomerStatus {
	t.Helper()
	ctx := context.Background()
	if _, err := h.customers.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, 4, nil, nil); err != nil {
		t.Fatal(err)
	}
	statuses, err := h.customers.Statuses()
	if err != nil {
		t.Fatal(err)
	}
	return statuses
}

func TestCustomersThatStopWorkingTurnLost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	var ready []connectors.CustomerStatus
	for _, s := range h.readyAll(t) {
		if s.Ready() {
			ready = append(ready, s)
		}
	}
	if len(ready) < 2 {
		t.Fatalf("need two Ready customers, have %d", len(ready))
	}
	// A consent revoked by the customer shows only when the cached access
	// token expires (as with Microsoft); a removed GDAP role shows at once.
	expired, revoked := ready[0].TenantID, ready[1].TenantID
	h.fake.Mutate(func(w *msfake.World) {
		for i := range w.Customers {
			c := &w.Customers[i]
			switch c.TenantID {
			case expired: // the GDAP relationship ended
				for j := range c.GDAP {
					c.GDAP[j].Status = connectors.RelExpired
				}
			case revoked: // the MSP removed the read roles from the relationship
				for j := range c.GDAP {
					c.GDAP[j].Roles = []string{connectors.RolePrivilegedRoleAdministrator, connectors.RoleApplicationAdministrator}
					if c.GDAP[j].AssignedRoles != nil {
						c.GDAP[j].AssignedRoles = c.GDAP[j].Roles
					}
				}
			}
		}
	})
	rep, err := h.customers.Sync(context.Background(), 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	statuses, _ := h.customers.Statuses()
	st := byName(statuses)
	if s := st[expired]; s.Consent.State != connectors.ConsentLost || !strings.Contains(s.Consent.Reason, "GDAP is Expired") {
		t.Errorf("expired GDAP: %+v", s.Consent)
	}
	if s := st[revoked]; s.Consent.State != connectors.ConsentLost || !strings.Contains(s.Consent.Reason, "Global Reader") {
		t.Errorf("read role removed: %+v", s.Consent)
	}
	if rep.Failed != 1 || len(rep.Lost) != 2 || rep.Lost[0].TenantID != expired || rep.Lost[1].TenantID != revoked || rep.Lost[1].Reason == "" {
		t.Errorf("sync report: failed %d, lost %+v (want the expired one from the refresh, then the one without a read role)", rep.Failed, rep.Lost)
	}
	if snap, ok, _ := h.store.Snapshot(revoked); !ok || !snap.Stale {
		t.Errorf("the failed tenant's snapshot should be kept and marked stale: ok=%v %+v", ok, snap)
	}
}

func TestSovereignCloudHasNoGDAP(t *testing.T) {
	t.Parallel()
	w := msfake.SmallWorld()
	h := newHarness(t, w, msfake.Options{})
	sovereign, err := microsoft.New(microsoft.Config{
		ClientID: w.ClientID, AuthorityHost: h.endpoints.AuthorityHost, GraphURL: h.endpoints.GraphURL,
		PartnerCenterURL: h.endpoints.PartnerCenterURL, GDAP: false, HTTPClient: h.http,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &workflow.Customers{MS: sovereign, Keep: h.store}
	// The sovereign client has its own (empty) token cache: sign it in.
	dc, err := sovereign.StartDeviceCode(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sovereign.WaitDeviceCode(context.Background(), dc); err != nil {
		t.Fatal(err)
	}
	statuses, err := c.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statuses {
		if s.GDAP.Status != connectors.GDAPUnavailable || s.GDAP.Status.Label() != "not available in this cloud" {
			t.Fatalf("%s: GDAP %q (%s)", s.Name, s.GDAP.Status, s.GDAP.Status.Label())
		}
		// Without GDAP the refresh's check alone decides: a consented
		// customer is Ready at once, every other one is eligible.
		if s.Ready() != (w.Customers[indexOf(w, s.TenantID)].Consent != nil) {
			t.Fatalf("%s: Ready %v, consented %v", s.Name, s.Ready(), w.Customers[indexOf(w, s.TenantID)].Consent != nil)
		}
		if !s.Ready() && (!s.Eligible() || workflow.MissingRolesWarning(s) != "") {
			t.Fatalf("%s: without GDAP every customer not Ready is eligible and no role warning is given", s.Name)
		}
	}
}

func TestInterruptedVerificationIsNotLeftVerifying(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	statuses, err := h.customers.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var target connectors.CustomerStatus
	for _, s := range statuses {
		if s.Eligible() && s.GDAP.MissingConsentRoles() == nil {
			target = s
			break
		}
	}
	// Consent succeeds but the tenant keeps refusing tokens (propagation),
	// and the engineer presses Esc while seats waits.
	h.fake.FailNext("POST", "/"+target.TenantID+"/oauth2/v2.0/token", 400,
		`{"error":"invalid_grant","error_description":"AADSTS65001: not consented yet","error_codes":[65001],"suberror":"consent_required"}`, 1000)
	h.customers.VerifyFor = time.Hour
	h.customers.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	_, err = h.customers.ConsentPartner(ctx, target.TenantID)
	if !errors.Is(err, connectors.ErrCanceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	st, _ := h.customers.Statuses()
	if got := byName(st)[target.TenantID].Consent; got.State != connectors.ConsentFailed || !strings.Contains(got.Reason, "interrupted") {
		t.Fatalf("after an interrupted verification: %+v", got)
	}
}

func TestConsentManyAdminHandsOutEveryLinkFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	statuses, err := h.customers.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eligible := 0
	for _, s := range statuses {
		if s.Eligible() {
			eligible++
		}
	}
	if eligible < 2 {
		t.Fatalf("need two eligible customers, have %d", eligible)
	}
	var links []workflow.ConsentResult
	polls := 0
	h.customers.Sleep = func(ctx context.Context, d time.Duration) error {
		polls++
		switch polls {
		case 1: // every link is out before anyone waits; the first admin accepts
			if len(links) != eligible {
				t.Errorf("%d links handed out before the first wait, want %d", len(links), eligible)
			}
			if err := h.acceptAdminConsent(links[0].ConsentURL); err != nil {
				t.Error(err)
			}
		default: // nobody else does: the engineer stops waiting
			cancel()
		}
		return ctx.Err()
	}
	onBefore := func(r workflow.ConsentResult) { links = append(links, r) }
	results, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByAdmin, 2, onBefore, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := map[workflow.Outcome]int{}
	for _, r := range results {
		count[r.Outcome]++
		if r.Outcome == workflow.OutcomeFailed && !strings.Contains(r.Reason, "stopped waiting") {
			t.Errorf("%s failed with %q", r.Name, r.Reason)
		}
		if r.TenantID == links[0].TenantID && r.Outcome != workflow.OutcomeConsented {
			t.Errorf("%s accepted the link but ended %s", r.Name, r.Outcome)
		}
	}
	// The small world has one customer consented long ago, which answers at
	// the first check; everyone else but the accepting admin is still waited for.
	if count[workflow.OutcomeFailed] == 0 || count[workflow.OutcomeConsented]+count[workflow.OutcomeFailed] != eligible {
		t.Fatalf("outcomes %v with %d eligible, one admin accepting", count, eligible)
	}
}

// countingKeeper counts snapshot writes.
type countingKeeper struct {
	*store.Store
	mu     sync.Mutex
	writes []int // tenants per SaveSnapshots call
}

func (k *countingKeeper) SaveSnapshots(snaps []connectors.LicenceSnapshot) error {
	k.mu.Lock()
	k.writes = append(k.writes, len(snaps))
	k.mu.Unlock()
	return k.Store.SaveSnapshots(snaps)
}

func TestSyncSavesSnapshotsInBatches(t *testing.T) {
	t.Parallel()
	w := sandbox.Generate(sandbox.GenerateOptions{Seed: 3, Customers: 120, Now: time.Now()})
	readyWorld(w, time.Now())
	h := newHarness(t, w, msfake.Options{})
	keeper := &countingKeeper{Store: h.store}
	h.customers.Keep = keeper
	h.readyAll(t)
	rep, err := h.customers.Sync(context.Background(), 8, nil)
	if err != nil || rep.Succeeded != 120 {
		t.Fatalf("sync: %+v, %v", rep.Succeeded, err)
	}
	total := 0
	for _, n := range keeper.writes {
		if n > 50 {
			t.Fatalf("one write saved %d snapshots; batches hold at most 50", n)
		}
		total += n
	}
	if total != 120 || len(keeper.writes) != 3 {
		t.Fatalf("writes %v: want 120 snapshots in 3 writes", keeper.writes)
	}
}

func indexOf(w *msfake.World, tenantID string) int {
	for i, c := range w.Customers {
		if strings.EqualFold(c.TenantID, tenantID) {
			return i
		}
	}
	return -1
}

// TestSyncInterruptedMarksNothing: Ctrl+C during a sync ends it within a
// second; the tenants read are saved, the others keep their data unmarked,
// and the report says it was interrupted, not that they failed.
func TestSyncInterruptedMarksNothing(t *testing.T) {
	t.Parallel()
	w := sandbox.Generate(sandbox.GenerateOptions{Seed: 5, Customers: 300, Now: time.Now()})
	readyWorld(w, time.Now())
	h := newHarness(t, w, msfake.Options{Latency: 20 * time.Millisecond})
	h.readyAll(t)
	ctx, cancel := context.WithCancel(context.Background())
	var cancelledAt time.Time
	rep, err := h.customers.Sync(ctx, 8, func(done, total int, r workflow.SyncResult) {
		if done == 20 {
			cancelledAt = time.Now()
			cancel()
		}
	})
	took := time.Since(cancelledAt)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if took > time.Second {
		t.Errorf("the sync ended %v after Ctrl+C, want within 1s", took)
	}
	if !rep.Interrupted || rep.Failed != 0 || rep.Succeeded < 20 || rep.Succeeded >= rep.Tenants {
		t.Fatalf("report: interrupted %v, failed %d, read %d of %d", rep.Interrupted, rep.Failed, rep.Succeeded, rep.Tenants)
	}
	snaps, err := h.store.Snapshots()
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != rep.Succeeded {
		t.Errorf("%d snapshots saved, %d read", len(snaps), rep.Succeeded)
	}
	for _, s := range snaps {
		if s.Stale {
			t.Errorf("%s marked stale: %s", s.TenantID, s.StaleReason)
		}
	}
	statuses, _ := h.customers.Statuses()
	for _, s := range statuses {
		if !s.Ready() {
			t.Errorf("%s is %s after an interrupted sync", s.Name, s.Consent.State)
		}
	}
}

// TestAdminLinkAcceptedLaterIsSeenOnRefresh: the engineer stops waiting
// for an admin; the admin accepts hours later; the next refresh sees it
// (one token attempt) and the customer turns Ready, with no old reason.
func TestAdminLinkAcceptedLaterIsSeenOnRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	ctx := context.Background()
	statuses, err := h.customers.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var target connectors.CustomerStatus
	for _, s := range statuses {
		if s.Eligible() && s.GDAP.HasReadRole() {
			target = s
			break
		}
	}
	if target.TenantID == "" {
		t.Fatal("no eligible customer")
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := h.customers.WaitAdminConsent(short, target.TenantID); !errors.Is(err, connectors.ErrCanceled) {
		t.Fatalf("wait: %v", err)
	}
	st, _, _ := h.store.CustomerStatus(target.TenantID)
	if st.Consent.LinkSentAt.IsZero() || !strings.Contains(st.Consent.Reason, "waiting for the customer's admin") {
		t.Fatalf("after the wait stopped: %+v", st.Consent)
	}
	if err := h.acceptAdminConsent(h.customers.AdminConsentURL(target.TenantID)); err != nil {
		t.Fatal(err)
	}
	after, err := h.customers.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := byName(after)[target.TenantID]
	if !got.Ready() || got.Consent.Reason != "" || !got.Consent.LinkSentAt.IsZero() {
		t.Fatalf("after the admin accepted and a refresh: %+v", got.Consent)
	}
}

// TestRevokedConsentSaysRemoved: a Ready customer whose consent is removed
// is Lost with a reason that says so, in the sync report too; never "has
// not reached the tenant yet".
func TestRevokedConsentSaysRemoved(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	var ready connectors.CustomerStatus
	for _, s := range h.readyAll(t) {
		if s.Ready() {
			ready = s
			break
		}
	}
	h.fake.Mutate(func(w *msfake.World) {
		for i := range w.Customers {
			if w.Customers[i].TenantID == ready.TenantID {
				w.Customers[i].Consent = nil
			}
		}
	})
	// A new client: the old one's cached token for the tenant would hide
	// the revocation for its lifetime, as with Microsoft.
	fresh := newHarnessOver(t, h)
	rep, err := fresh.customers.Sync(context.Background(), 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lost *workflow.LostCustomer
	for i := range rep.Lost {
		if rep.Lost[i].TenantID == ready.TenantID {
			lost = &rep.Lost[i]
		}
	}
	if lost == nil || !strings.Contains(lost.Reason, "removed") || strings.Contains(lost.Reason, "reached") {
		t.Fatalf("lost %+v", rep.Lost)
	}
	st, _, _ := fresh.store.CustomerStatus(ready.TenantID)
	if st.Consent.State != connectors.ConsentLost || strings.Contains(st.Consent.Reason, "reached") {
		t.Fatalf("recorded %+v", st.Consent)
	}
}

// newHarnessOver is a second client, signed in afresh, over h's fake and
// store: the next command, with an empty token cache.
func newHarnessOver(t *testing.T, h *harness) *harness {
	t.Helper()
	w := h.fake.World()
	client, err := microsoft.New(microsoft.Config{
		ClientID: w.ClientID, AuthorityHost: h.endpoints.AuthorityHost, GraphURL: h.endpoints.GraphURL,
		PartnerCenterURL: h.endpoints.PartnerCenterURL, GDAP: true, HTTPClient: h.http,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := client.StartDeviceCode(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.WaitDeviceCode(context.Background(), dc); err != nil {
		t.Fatal(err)
	}
	c := *h.customers
	c.MS = client
	return &harness{endpoints: h.endpoints, http: h.http, fake: h.fake, client: client, store: h.store, customers: &c}
}
