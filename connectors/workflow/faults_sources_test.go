package workflow_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/halopsa"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/partnercenter"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/sherweb"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
	"github.com/seats-msp/seats/connectors/tdsynnex"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store"
)

// This file runs sync, consent, plan and apply against every distributor
// and PSA fake under each random fault kind and under the scenarios a long
// sync meets (a token that expires, a credential revoked, a write whose
// answer is lost), and checks what a person would: the right data, or a
// clear error naming the tenant or the source, with every earlier
// snapshot, mapping and audit entry intact, and no PSA line written twice.

// sourceFaultRate is the share of answers spoiled: high enough that every
// kind hits many calls of a small world, low enough that retries win.
const sourceFaultRate = 0.25

// noSleep is every client's Sleep: retries never wait for real.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// serveTLS serves h on a loopback TLS server for the test's life.
func serveTLS(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := fakekit.StartTLS(h)
	t.Cleanup(srv.Close)
	return srv
}

func randomFaults(kind fakekit.FaultKind, seed uint64) fakekit.RandomFaults {
	return fakekit.RandomFaults{Rate: sourceFaultRate, Kinds: []fakekit.FaultKind{kind}, Seed: seed, Slow: time.Millisecond}
}

func msFaults(kind fakekit.FaultKind, seed uint64) msfake.Faults {
	return msfake.Faults{Rate: sourceFaultRate, Kinds: []msfake.Fault{msfake.Fault(kind)}, Seed: seed, Slow: time.Millisecond}
}

// The Microsoft fault kinds are the fakes' own, by name.
func TestFaultKindsAreMicrosofts(t *testing.T) {
	t.Parallel()
	ms := msfake.AllFaults()
	all := fakekit.AllFaultKinds()
	if len(ms) != len(all) {
		t.Fatalf("msfake has %d kinds, fakekit %d", len(ms), len(all))
	}
	for i := range ms {
		if string(ms[i]) != string(all[i]) {
			t.Errorf("kind %d: msfake %q, fakekit %q", i, ms[i], all[i])
		}
	}
}

// distributorRig is one distributor kind: its fake on a TLS server, a way
// to build a new client (with no token yet), and its levers.
type distributorRig struct {
	kind string
	// names are what its errors may call it (lower case).
	names     []string
	setFaults func(kind fakekit.FaultKind, seed uint64) // "" stops them
	client    func(t *testing.T) connectors.Distributor
	// revoke refuses the credential from now on and ends the tokens issued,
	// as after the secret was deleted at the distributor; nil where the
	// credential is Microsoft's sign-in.
	revoke func()
}

// psaRig is one PSA kind, like distributorRig, with its write counters.
type psaRig struct {
	kind      string
	names     []string
	setFaults func(kind fakekit.FaultKind, seed uint64)
	client    func(t *testing.T) psaClient
	applied   func() int64 // writes that changed the world
	dropNext  func(n int)  // DropAnswerAfterWrite
	revoke    func()
}

type psaClient interface {
	connectors.PSA
	connectors.QuantityWriter
}

func fakeFaults(set func(fakekit.RandomFaults)) func(fakekit.FaultKind, uint64) {
	return func(kind fakekit.FaultKind, seed uint64) {
		if kind == "" {
			set(fakekit.RandomFaults{})
			return
		}
		set(randomFaults(kind, seed))
	}
}

func pax8Rig(t *testing.T, wrap func(http.Handler) http.Handler) *distributorRig {
	w := pax8fake.SmallWorld()
	fake := pax8fake.New(w, pax8fake.Options{PageSize: 2})
	srv := serveTLS(t, wrap(fake))
	ep := pax8fake.EndpointsFor(srv.URL)
	return &distributorRig{kind: "pax8", names: []string{"pax8"}, setFaults: fakeFaults(fake.SetFaults),
		client: func(t *testing.T) connectors.Distributor {
			c, err := pax8.New(pax8.Config{BaseURL: ep.BaseURL, TokenURL: ep.TokenURL, ClientID: w.ClientID,
				ClientSecret: w.ClientSecret, HTTPClient: srv.Client(), Sleep: noSleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		revoke: func() { fake.RevokeSecret(); fake.ExpireTokens() }}
}

func sherwebRig(t *testing.T, wrap func(http.Handler) http.Handler) *distributorRig {
	w := sherwebfake.SmallWorld()
	fake := sherwebfake.New(w, sherwebfake.Options{})
	srv := serveTLS(t, wrap(fake))
	ep := sherwebfake.EndpointsFor(srv.URL)
	return &distributorRig{kind: "sherweb", names: []string{"sherweb"}, setFaults: fakeFaults(fake.SetFaults),
		client: func(t *testing.T) connectors.Distributor {
			c, err := sherweb.New(sherweb.Config{BaseURL: ep.BaseURL, TokenURL: ep.TokenURL, ClientID: w.ClientID,
				ClientSecret: w.ClientSecret, SubscriptionKey: w.SubscriptionKey, HTTPClient: srv.Client(), Sleep: noSleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		revoke: func() { fake.RevokeSecret(); fake.ExpireTokens() }}
}

// tdsynnexRig keeps the refresh token the client last saved, as the secret
// store would, so that every new client starts from the newest.
func tdsynnexRig(t *testing.T, wrap func(http.Handler) http.Handler) *distributorRig {
	w := tdsynnexfake.SmallWorld()
	fake := tdsynnexfake.New(w, tdsynnexfake.Options{PageSize: 2})
	srv := serveTLS(t, wrap(fake))
	ep := tdsynnexfake.EndpointsFor(srv.URL)
	var saved atomic.Value
	saved.Store(fake.World().RefreshToken)
	return &distributorRig{kind: "tdsynnex", names: []string{"td synnex", "tdsynnex", "ion"}, setFaults: fakeFaults(fake.SetFaults),
		client: func(t *testing.T) connectors.Distributor {
			c, err := tdsynnex.New(tdsynnex.Config{BaseURL: ep.BaseURL, TokenURL: ep.TokenURL, AccountID: w.AccountID,
				RefreshToken: saved.Load().(string), HTTPClient: srv.Client(), Sleep: noSleep,
				SaveRefreshToken: func(_ context.Context, tok string) error { saved.Store(tok); return nil }})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		revoke: func() { fake.RevokeSecret(); fake.ExpireTokens() }}
}

// partnerCenterRig is Partner Center direct bill over the harness's fake
// Microsoft and its signed-in client.
func partnerCenterRig(h *harness) *distributorRig {
	return &distributorRig{kind: "partnercenter", names: []string{"partner center"},
		setFaults: func(kind fakekit.FaultKind, seed uint64) {
			if kind == "" {
				h.fake.SetFaults(msfake.Faults{})
				return
			}
			h.fake.SetFaults(msFaults(kind, seed))
		},
		client: func(t *testing.T) connectors.Distributor {
			c, err := partnercenter.New(partnercenter.Config{BaseURL: h.endpoints.PartnerCenterURL, Tokens: h.client,
				HTTPClient: h.http, Sleep: noSleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}}
}

var psaNow = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

func psaClock() time.Time { return psaNow }

func connectWiseRig(t *testing.T, wrap func(http.Handler) http.Handler) *psaRig {
	w := cwfake.SmallWorld(psaNow)
	fake := cwfake.New(w, cwfake.Options{Now: psaClock, PageSize: 2})
	srv := serveTLS(t, wrap(fake))
	url := fake.Endpoints(srv.URL).URL
	return &psaRig{kind: "connectwise", names: []string{"connectwise"}, setFaults: fakeFaults(fake.SetFaults),
		client: func(t *testing.T) psaClient {
			c, err := connectwise.New(connectwise.Config{URL: url, CompanyID: w.CompanyID, PublicKey: w.PublicKey,
				PrivateKey: w.PrivateKey, ClientID: "0d8f3c2a-5d59-4f6e-9d1e-1a2b3c4d5e6f", WriteEnabled: true,
				HTTPClient: srv.Client(), Now: psaClock, Sleep: noSleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		applied: fake.Applied, dropNext: fake.DropAnswerAfterWrite, revoke: fake.RevokeKeys}
}

func autotaskRig(t *testing.T, wrap func(http.Handler) http.Handler) *psaRig {
	w := atfake.SmallWorldAt(psaNow)
	fake := atfake.New(w, atfake.Options{Now: psaClock, PageSize: 2})
	srv := serveTLS(t, wrap(fake))
	zone := atfake.EndpointsFor(srv.URL).ZoneLookupURL
	return &psaRig{kind: "autotask", names: []string{"autotask"}, setFaults: fakeFaults(fake.SetFaults),
		client: func(t *testing.T) psaClient {
			c, err := autotask.New(autotask.Config{UserName: w.UserName, Secret: w.Secret, IntegrationCode: w.IntegrationCode,
				ZoneLookupURL: zone, WriteEnabled: true, HTTPClient: srv.Client(), Now: psaClock, Sleep: noSleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		applied: fake.Applied, dropNext: fake.DropAnswerAfterWrite, revoke: fake.RevokeSecret}
}

func haloRig(t *testing.T, wrap func(http.Handler) http.Handler) *psaRig {
	w := halofake.SmallWorldAt(psaNow)
	fake := halofake.New(w, halofake.Options{Now: psaClock, PageSize: 2})
	srv := serveTLS(t, wrap(fake))
	url := halofake.EndpointsFor(srv.URL).URL
	return &psaRig{kind: "halopsa", names: []string{"halo"}, setFaults: fakeFaults(fake.SetFaults),
		client: func(t *testing.T) psaClient {
			c, err := halopsa.New(halopsa.Config{URL: url, Tenant: w.Tenant, ClientID: w.ClientID, ClientSecret: w.ClientSecret,
				WriteEnabled: true, HTTPClient: srv.Client(), Now: psaClock, Sleep: noSleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		applied: fake.Applied, dropNext: fake.DropAnswerAfterWrite, revoke: func() { fake.RevokeSecret(); fake.ExpireTokens() }}
}

func plain(h http.Handler) http.Handler { return h }

// distributorRigs builds every distributor kind, in turn order.
func distributorRigs(t *testing.T, h *harness) []*distributorRig {
	return []*distributorRig{pax8Rig(t, plain), sherwebRig(t, plain), tdsynnexRig(t, plain), partnerCenterRig(h)}
}

func psaRigs(t *testing.T) []*psaRig {
	return []*psaRig{connectWiseRig(t, plain), autotaskRig(t, plain), haloRig(t, plain)}
}

// names reports whether msg names one of names (case-insensitive).
func names(msg string, names []string) bool {
	msg = strings.ToLower(msg)
	return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(msg, n) })
}

// earlier is what a store held before a faulty run: every snapshot, the
// mappings and the audit log, as JSON to compare.
type earlier struct {
	dist, psa, mappings, audit string
	tenants                    map[string]connectors.LicenceSnapshot
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func remember(t *testing.T, st *store.Store) earlier {
	t.Helper()
	e := earlier{tenants: map[string]connectors.LicenceSnapshot{}}
	d, _, err := st.DistributorSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := st.PSASnapshot()
	if err != nil {
		t.Fatal(err)
	}
	d.TakenAt, d.Stale, d.StaleReason, d.StaleSince = time.Time{}, false, "", time.Time{}
	p.TakenAt, p.Stale, p.StaleReason, p.StaleSince = time.Time{}, false, "", time.Time{}
	e.dist, e.psa = jsonOf(t, d), jsonOf(t, p)
	m, err := st.Mappings()
	if err != nil {
		t.Fatal(err)
	}
	e.mappings = jsonOf(t, m)
	writes, err := st.PSAWrites(false)
	if err != nil {
		t.Fatal(err)
	}
	e.audit = jsonOf(t, writes)
	snaps, err := st.Snapshots()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps {
		e.tenants[s.TenantID] = s
	}
	return e
}

// seedHistory puts a mapping and an audit entry in the store, as earlier
// runs of seats would have, for the faulty run to leave alone.
func seedHistory(t *testing.T, st *store.Store) {
	t.Helper()
	if err := st.UpdateMappings(func(m *reconcile.Mappings) error {
		m.Accounts = append(m.Accounts, reconcile.AccountMapping{TenantID: "11111111-2222-3333-4444-555555555555", Customer: "Earlier Ltd",
			Distributor: reconcile.AccountMatch{AccountID: "earlier", AccountName: "Earlier Ltd", State: reconcile.MatchState("confirmed")}})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordFinishedWrite(connectors.PSAWrite{PlanID: "earlier", PSA: "connectwise", Customer: "Earlier Ltd", Product: "M365",
		Line: connectors.LineRef{CompanyID: "1", LineID: "1"}, Before: 1, After: 2, Outcome: connectors.WriteApplied,
		StartedAt: psaNow, FinishedAt: psaNow}); err != nil {
		t.Fatal(err)
	}
}

// checkSources checks a sync's distributor and PSA results against what
// the store held before: a source read OK holds the same data (the world
// did not change); a source that failed says which, and its previous
// snapshot is kept, marked stale with that reason.
func checkSources(t *testing.T, st *store.Store, rep workflow.SyncAllReport, before earlier, distNames, psaNames []string) {
	t.Helper()
	after := remember(t, st)
	if after.mappings != before.mappings {
		t.Errorf("mappings changed:\n%s\n%s", before.mappings, after.mappings)
	}
	if after.audit != before.audit {
		t.Errorf("audit log changed:\n%s\n%s", before.audit, after.audit)
	}
	if len(rep.Sources) != 2 {
		t.Fatalf("sources reported: %+v", rep.Sources)
	}
	for _, r := range rep.Sources {
		was, now, who := before.dist, after.dist, distNames
		state, _, _ := st.SourceSnapshotState(r.Source)
		if r.Source == connectors.KindPSA {
			was, now, who = before.psa, after.psa, psaNames
		}
		if now != was {
			t.Errorf("%s %s: data differs from the clean read (ok=%v, error %q)", r.Source, r.Kind, r.OK, r.Error)
		}
		if r.OK {
			if state.Stale {
				t.Errorf("%s %s read but marked stale: %q", r.Source, r.Kind, state.StaleReason)
			}
			continue
		}
		t.Logf("%s %s failed: %s", r.Source, r.Kind, r.Error)
		if r.Interrupted || r.Error == "" || !names(r.Error, who) {
			t.Errorf("%s %s failed without naming it: %q", r.Source, r.Kind, r.Error)
		}
		if !state.Stale || state.StaleReason != r.Error {
			t.Errorf("%s %s failed but is not marked stale with the reason: %+v", r.Source, r.Kind, state)
		}
	}
}

// checkTenants checks the Microsoft side of a sync: every tenant read
// again or failed with a reason of its own, its previous snapshot kept;
// nobody turned Lost over a fault.
func checkTenants(t *testing.T, h *harness, rep workflow.SyncAllReport, before earlier) {
	t.Helper()
	after := remember(t, h.store).tenants
	for _, r := range rep.Results {
		a, b := after[r.TenantID], before.tenants[r.TenantID]
		if len(a.Users) != len(b.Users) || len(a.Skus) != len(b.Skus) {
			t.Errorf("%s: data changed from %d users to %d", r.Name, len(b.Users), len(a.Users))
		}
		if r.OK {
			continue
		}
		if r.Error == "" || !namesAService(r.Error) {
			t.Errorf("%s failed without a clear reason: %q", r.Name, r.Error)
		}
		if !a.Stale || !a.TakenAt.Equal(b.TakenAt) {
			t.Errorf("%s failed but its previous snapshot is not kept, marked stale", r.Name)
		}
	}
	statuses, _ := h.customers.Statuses()
	for _, s := range statuses {
		if s.Consent.State == connectors.ConsentLost || s.Consent.State == connectors.ConsentVerifying {
			t.Errorf("%s is %s after a sync under faults", s.Name, s.Consent.State)
		}
	}
}

// TestSourcesSyncUnderFaults syncs everything (Microsoft, a distributor, a
// PSA) under each fault kind, every distributor kind and every PSA kind in
// turn, after a clean sync of the same world.
func TestSourcesSyncUnderFaults(t *testing.T) {
	t.Parallel()
	for i, kind := range fakekit.AllFaultKinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, msfake.SmallWorld(), msfake.Options{PageSize: 3})
			h.readyAll(t)
			seedHistory(t, h.store)
			dists, psas := distributorRigs(t, h), psaRigs(t)
			for j, d := range dists {
				p := psas[j%len(psas)]
				t.Run(d.kind+"+"+p.kind, func(t *testing.T) {
					ctx := context.Background()
					all := &workflow.Everything{Customers: h.customers, Sources: h.store,
						Distributor: d.client(t), DistributorKind: d.kind, PSA: p.client(t), PSAKind: p.kind}
					clean, err := all.Sync(ctx, workflow.SyncAllProgress{})
					if err != nil || clean.SourceFailed() || clean.Failed != 0 {
						t.Fatalf("clean sync: %+v, %v", clean.Sources, err)
					}
					before := remember(t, h.store)

					seed := uint64(100*i + 10*j)
					h.fake.SetFaults(msFaults(kind, seed+1))
					d.setFaults(kind, seed+2)
					p.setFaults(kind, seed+3)
					// New clients: every token is fetched again, under faults.
					faulty := &workflow.Everything{Customers: h.customers, Sources: h.store,
						Distributor: d.client(t), DistributorKind: d.kind, PSA: p.client(t), PSAKind: p.kind}
					rep, err := faulty.Sync(ctx, workflow.SyncAllProgress{})
					h.fake.SetFaults(msfake.Faults{})
					d.setFaults("", 0)
					p.setFaults("", 0)
					if err != nil && !namesAService(workflow.Explain(err)) {
						t.Errorf("sync error does not say what failed: %v", err)
					}
					checkSources(t, h.store, rep, before, d.names, p.names)
					checkTenants(t, h, rep, before)

					// Faults gone, the next sync reads everything again.
					again, err := faulty.Sync(ctx, workflow.SyncAllProgress{})
					if err != nil || again.SourceFailed() {
						t.Errorf("sync after the faults: %+v, %v", again.Sources, err)
					}
				})
			}
		})
	}
}

// TestSourcesConsentUnderFaults consents every customer under each fault
// kind while the distributor and the PSA are read under the same faults:
// each customer ends Ready or with a reason; the sources' data is right or
// their failure named.
func TestSourcesConsentUnderFaults(t *testing.T) {
	t.Parallel()
	for i, kind := range fakekit.AllFaultKinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, msfake.SmallWorld(), msfake.Options{PageSize: 3})
			ctx := context.Background()
			if _, err := h.customers.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			h.fake.SetFaults(msFaults(kind, uint64(i)+50))
			results, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, 4, nil, nil)
			h.fake.SetFaults(msfake.Faults{})
			if err != nil {
				t.Fatalf("ConsentMany: %v", err)
			}
			st := byName(mustStatuses(t, h))
			for _, r := range results {
				s := st[r.TenantID]
				switch r.Outcome {
				case workflow.OutcomeConsented, workflow.OutcomeAlreadyReady:
					if !s.Ready() {
						t.Errorf("%s %s but %s", r.Name, r.Outcome, s.Consent.State)
					}
				case workflow.OutcomeFailed, workflow.OutcomeSkipped:
					if r.Reason == "" {
						t.Errorf("%s %s without a reason", r.Name, r.Outcome)
					}
				}
				if s.Consent.State == connectors.ConsentVerifying || s.Consent.State == connectors.ConsentLost {
					t.Errorf("%s left %s", r.Name, s.Consent.State)
				}
			}
		})
	}
}

func mustStatuses(t *testing.T, h *harness) []connectors.CustomerStatus {
	t.Helper()
	s, err := h.customers.Statuses()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writablePlan plans +1 on every line of the PSA seats may change, as
// BuildPlan would, from the lines as the client reads them now.
func writablePlan(t *testing.T, c psaClient, kind string) reconcile.Plan {
	t.Helper()
	lines, err := c.Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := reconcile.Plan{SchemaVersion: reconcile.PlanSchemaVersion, HomeID: "h", PSAKind: kind}
	for _, l := range lines {
		// Lines a PSA refuses to change whatever the faults (fractional,
		// on an ended agreement, not in effect yet) stay out: their
		// refusal is another test's business.
		if l.ReadOnly || l.Quantity <= 0 || !l.Billed || len(l.Warnings) > 0 || l.AgreementState != connectors.AgreementActive ||
			!l.CancelledOn.IsZero() || l.EffectiveFrom.After(psaNow) {
			continue
		}
		p.Changes = append(p.Changes, reconcile.PlannedChange{Customer: "Customer " + l.CompanyID, Product: "Item " + l.ItemID,
			Line: l, OldQuantity: l.Quantity, NewQuantity: l.Quantity + 1, Timing: connectors.ApplyAtOnce})
	}
	if len(p.Changes) < 2 {
		t.Fatalf("%s: only %d writable lines", kind, len(p.Changes))
	}
	return p
}

// liveQuantity re-reads a line, faults off.
func liveQuantity(t *testing.T, c psaClient, ref connectors.LineRef) int {
	t.Helper()
	l, err := c.Line(context.Background(), ref)
	if err != nil {
		t.Fatalf("re-read line %s: %v", ref.LineID, err)
	}
	return l.Quantity
}

// checkApplied checks a plan's lines after an apply: each holds its old or
// its new quantity (never more: nothing written twice), the PSA applied
// exactly the writes of the lines that moved, and the audit log says what
// the PSA holds: applied where the line moved, failed where it did not.
func checkApplied(t *testing.T, p *psaRig, c psaClient, st *store.Store, plan reconcile.Plan, results []workflow.ApplyResult) (moved int) {
	t.Helper()
	outcome := map[string]connectors.WriteOutcome{}
	for _, r := range results {
		outcome[r.Change.Line.LineID] = r.Outcome
		if r.Outcome != connectors.WriteApplied && r.Outcome != connectors.WriteSkipped && r.Reason == "" {
			t.Errorf("line %s %s without a reason", r.Change.Line.LineID, r.Outcome)
		}
	}
	for _, ch := range plan.Changes {
		q := liveQuantity(t, c, ch.Line.LineRef)
		switch {
		case q == ch.NewQuantity:
			moved++
			if o := outcome[ch.Line.LineID]; o == connectors.WriteFailed || o == connectors.WriteSkipped && !strings.Contains(resultReason(results, ch), "already") {
				t.Errorf("line %s moved to %d but the outcome says %s", ch.Line.LineID, q, o)
			}
		case q == ch.OldQuantity:
			if outcome[ch.Line.LineID] == connectors.WriteApplied {
				t.Errorf("line %s recorded applied but holds %d still", ch.Line.LineID, q)
			}
		default:
			t.Errorf("line %s holds %d: neither %d nor %d (written twice?)", ch.Line.LineID, q, ch.OldQuantity, ch.NewQuantity)
		}
	}
	if got := p.applied(); got != int64(moved) {
		t.Errorf("%s applied %d writes for %d lines moved: a line was written twice", p.kind, got, moved)
	}
	writes, err := st.PSAWrites(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range writes {
		if w.PlanID != workflow.PlanID(plan) {
			continue
		}
		if w.Outcome == connectors.WriteApplied && outcome[w.Line.LineID] == "" {
			t.Errorf("audit entry for line %s the run did not report", w.Line.LineID)
		}
	}
	return moved
}

func resultReason(results []workflow.ApplyResult, ch reconcile.PlannedChange) string {
	for _, r := range results {
		if r.Change.Line.LineID == ch.Line.LineID {
			return r.Reason
		}
	}
	return ""
}

// TestSourcesPlanAndApplyUnderFaults plans a change of every writable line
// of each PSA and applies it under each fault kind, then again without
// faults: every line ends at its new quantity, written exactly once, and
// the audit log matches the PSA all along.
func TestSourcesPlanAndApplyUnderFaults(t *testing.T) {
	t.Parallel()
	for i, kind := range fakekit.AllFaultKinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			st, err := store.Open(t.TempDir()+"/seats.db", store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			seedHistory(t, st)
			earlierAudit, _ := st.PSAWrites(false)
			for j, p := range psaRigs(t) {
				t.Run(p.kind, func(t *testing.T) {
					ctx := context.Background()
					c := p.client(t)
					plan := writablePlan(t, c, p.kind)
					applier := &workflow.Applier{PSA: c, PSAKind: p.kind, Keep: st, Who: workflow.Who{OSUser: "alex"}}

					p.setFaults(kind, uint64(1000+10*i+j))
					results, err := applier.Apply(ctx, plan, nil, nil)
					p.setFaults("", 0)
					if err != nil {
						t.Fatalf("apply under %s: %v", kind, err)
					}
					if len(results) != len(plan.Changes) {
						t.Fatalf("%d results for %d changes", len(results), len(plan.Changes))
					}
					count := map[connectors.WriteOutcome]int{}
					for _, r := range results {
						count[r.Outcome]++
					}
					t.Logf("%s under %s: %v", p.kind, kind, count)
					checkApplied(t, p, c, st, plan, results)

					// The same plan again, faults gone: what is left is
					// written, what was written is not written again.
					if _, err := applier.Resolve(ctx); err != nil {
						t.Fatalf("resolve: %v", err)
					}
					results, err = applier.Apply(ctx, plan, nil, nil)
					if err != nil {
						t.Fatal(err)
					}
					if moved := checkApplied(t, p, c, st, plan, results); moved != len(plan.Changes) {
						t.Errorf("after a clean second apply %d of %d lines moved", moved, len(plan.Changes))
					}
				})
			}
			// The earlier audit entry is still there, unchanged.
			writes, _ := st.PSAWrites(false)
			kept := 0
			for _, w := range writes {
				for _, e := range earlierAudit {
					if w.ID == e.ID {
						kept++
						if jsonOf(t, w) != jsonOf(t, e) {
							t.Errorf("earlier audit entry changed:\n%s\n%s", jsonOf(t, e), jsonOf(t, w))
						}
					}
				}
			}
			if kept != len(earlierAudit) {
				t.Errorf("%d of %d earlier audit entries kept", kept, len(earlierAudit))
			}
		})
	}
}

// TestApplyWhenThePSATakesTheWriteButNeverAnswers: every PSA takes a write,
// then the connection drops before the answer. The change is recorded as
// applied (or left for a person to confirm), never as failed, and the same
// plan applied again writes nothing twice.
func TestApplyWhenThePSATakesTheWriteButNeverAnswers(t *testing.T) {
	t.Parallel()
	for _, p := range psaRigs(t) {
		t.Run(p.kind, func(t *testing.T) {
			t.Parallel()
			st, err := store.Open(t.TempDir()+"/seats.db", store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			c := p.client(t)
			plan := writablePlan(t, c, p.kind)
			applier := &workflow.Applier{PSA: c, PSAKind: p.kind, Keep: st}
			p.dropNext(len(plan.Changes))
			results, err := applier.Apply(ctx, plan, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				if r.Outcome == connectors.WriteFailed {
					t.Errorf("line %s taken by %s but recorded failed: %s", r.Change.Line.LineID, p.kind, r.Reason)
				}
			}
			checkApplied(t, p, c, st, plan, results)
			if _, err := applier.Resolve(ctx); err != nil {
				t.Fatal(err)
			}
			results, err = applier.Apply(ctx, plan, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if moved := checkApplied(t, p, c, st, plan, results); moved != len(plan.Changes) {
				t.Errorf("%d of %d lines moved", moved, len(plan.Changes))
			}
		})
	}
}

// afterRequests wraps a fake so that fn runs once, when the n-th request
// arrives (before it is served): a lever pulled mid-sync.
func afterRequests(n int64, fn func()) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		var seen atomic.Int64
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1) == n {
				fn()
			}
			h.ServeHTTP(w, r)
		})
	}
}

// TestCredentialRevokedMidSync revokes each distributor's and each PSA's
// credential in the middle of a sync: the source fails with an error that
// names it and says the credential was refused, and keeps its previous
// snapshot, marked stale.
func TestCredentialRevokedMidSync(t *testing.T) {
	t.Parallel()
	type rig struct {
		name  string
		build func(t *testing.T, h *harness) (connectors.Distributor, connectors.PSA, []string, string)
	}
	rigs := []rig{}
	for _, mk := range []func(*testing.T, func(http.Handler) http.Handler) *distributorRig{pax8Rig, sherwebRig, tdsynnexRig} {
		rigs = append(rigs, rig{build: func(t *testing.T, h *harness) (connectors.Distributor, connectors.PSA, []string, string) {
			var r *distributorRig
			r = mk(t, afterRequests(4, func() { r.revoke() }))
			return r.client(t), nil, r.names, r.kind
		}})
	}
	for _, mk := range []func(*testing.T, func(http.Handler) http.Handler) *psaRig{connectWiseRig, autotaskRig, haloRig} {
		rigs = append(rigs, rig{build: func(t *testing.T, h *harness) (connectors.Distributor, connectors.PSA, []string, string) {
			var r *psaRig
			r = mk(t, afterRequests(4, func() { r.revoke() }))
			return nil, r.client(t), r.names, r.kind
		}})
	}
	for _, rg := range rigs {
		st, err := store.Open(t.TempDir()+"/seats.db", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		d, p, who, kind := rg.build(t, nil)
		t.Run(kind, func(t *testing.T) {
			// An earlier good snapshot to keep.
			var side connectors.ConnectorKind
			var res workflow.SourceResult
			if d != nil {
				side = connectors.KindDistributor
				if _, err := st.SaveDistributorSnapshot(connectors.DistributorSnapshot{Kind: kind, TakenAt: psaNow,
					Accounts: []connectors.DistributorAccount{{ID: "earlier", Name: "Earlier Ltd"}}}); err != nil {
					t.Fatal(err)
				}
				res, err = workflow.SyncDistributor(context.Background(), kind, d, st, time.Now)
			} else {
				side = connectors.KindPSA
				if _, err := st.SavePSASnapshot(connectors.PSASnapshot{Kind: kind, TakenAt: psaNow,
					Companies: []connectors.PSACompany{{ID: "earlier", Name: "Earlier Ltd"}}}); err != nil {
					t.Fatal(err)
				}
				res, err = workflow.SyncPSA(context.Background(), kind, p, st, time.Now)
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.OK {
				t.Fatalf("%s read whole after its credential was revoked mid-sync", kind)
			}
			t.Logf("%s: %s", kind, res.Error)
			if !names(res.Error, who) {
				t.Errorf("the error does not name %s: %q", kind, res.Error)
			}
			state, _, _ := st.SourceSnapshotState(side)
			if !state.Stale || !state.TakenAt.Equal(psaNow) {
				t.Errorf("previous snapshot not kept, marked stale: %+v", state)
			}
		})
	}
}

// shiftClock is the fake Microsoft's clock, moved forward on demand.
type shiftClock struct{ shift atomic.Int64 }

func (c *shiftClock) Now() time.Time { return time.Now().Add(time.Duration(c.shift.Load())) }

// TestMicrosoftTokenExpiresMidSync: the access tokens seats holds expire,
// as Microsoft sees it, while a sync runs (the fake's clock jumps two hours
// after the first tenant, while seats' token cache still holds them good).
// Seats renews a refused token past its cache and reads again: every
// tenant is read, none turns Lost, no snapshot is lost, and the next sync
// reads them all too.
func TestMicrosoftTokenExpiresMidSync(t *testing.T) {
	t.Parallel()
	clock := &shiftClock{}
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{Now: clock.Now})
	h.readyAll(t)
	ctx := context.Background()
	if rep, err := h.customers.Sync(ctx, 2, nil); err != nil || rep.Failed != 0 {
		t.Fatalf("clean sync: %+v, %v", rep, err)
	}
	before := remember(t, h.store)
	var once atomic.Bool
	rep, err := h.customers.Sync(ctx, 1, func(done, total int, r workflow.SyncResult) {
		if once.CompareAndSwap(false, true) {
			clock.shift.Store(int64(2 * time.Hour))
		}
	})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("tokens expired mid-sync: %d read, %d failed (%v); want every tenant read with renewed tokens", rep.Succeeded, rep.Failed, err)
	}
	checkTenants(t, h, workflow.SyncAllReport{SyncReport: rep}, before)

	before = remember(t, h.store)
	again, err := h.customers.Sync(ctx, 1, nil)
	if err != nil || again.Failed != 0 {
		t.Fatalf("the sync after: %+v, %v", again, err)
	}
	checkTenants(t, h, workflow.SyncAllReport{SyncReport: again}, before)
}

// TestRevokedRefreshToken: Microsoft's and TD SYNNEX's refresh tokens are
// revoked; the next sync fails with an error that says to sign in (or
// reconnect) again, naming the service, and changes no snapshot.
func TestRevokedRefreshToken(t *testing.T) {
	t.Parallel()
	t.Run("microsoft", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
		h.readyAll(t)
		ctx := context.Background()
		if _, err := h.customers.Sync(ctx, 2, nil); err != nil {
			t.Fatal(err)
		}
		before := remember(t, h.store)
		h.fake.RevokeRefreshTokens()
		rep, err := h.customers.Sync(ctx, 2, nil)
		msg := ""
		if err != nil {
			msg = workflow.Explain(err)
		}
		for _, r := range rep.Results {
			if !r.OK && msg == "" {
				msg = r.Error
			}
		}
		t.Logf("revoked: %v; %s", err, msg)
		if err == nil && rep.Failed == 0 {
			t.Fatal("a sync with a revoked refresh token read everything")
		}
		if !strings.Contains(strings.ToLower(msg), "sign") || strings.Contains(msg, "try again later") {
			t.Errorf("the error does not say to sign in again, or says to wait: %q", msg)
		}
		after := remember(t, h.store)
		for id, b := range before.tenants {
			if a := after.tenants[id]; len(a.Users) != len(b.Users) || !a.TakenAt.Equal(b.TakenAt) {
				t.Errorf("%s changed by a sync that could not sign in", id)
			}
		}
	})
	t.Run("tdsynnex", func(t *testing.T) {
		t.Parallel()
		r := tdsynnexRig(t, plain)
		st, err := store.Open(t.TempDir()+"/seats.db", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if res, err := workflow.SyncDistributor(ctx, r.kind, r.client(t), st, time.Now); err != nil || !res.OK {
			t.Fatalf("clean: %+v %v", res, err)
		}
		d, _, _ := st.DistributorSnapshot()
		r.revoke()
		res, err := workflow.SyncDistributor(ctx, r.kind, r.client(t), st, time.Now)
		if err != nil || res.OK {
			t.Fatalf("after revoking: %+v %v", res, err)
		}
		t.Logf("revoked: %s", res.Error)
		if !names(res.Error, r.names) {
			t.Errorf("the error does not name TD SYNNEX: %q", res.Error)
		}
		after, _, _ := st.DistributorSnapshot()
		if !after.Stale || len(after.Accounts) != len(d.Accounts) || !after.TakenAt.Equal(d.TakenAt) {
			t.Errorf("previous snapshot not kept, marked stale: stale=%v %d accounts", after.Stale, len(after.Accounts))
		}
	})
}
