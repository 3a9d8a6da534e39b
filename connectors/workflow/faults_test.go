package workflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/sandbox"
	"github.com/seats-msp/seats/connectors/workflow"
)

// faultRate is the share of answers spoiled in the fault suite: high enough
// that every kind hits many calls, low enough that retries usually win.
const faultRate = 0.25

// namesAService reports whether a per-tenant error says which service
// failed, as every one must.
func namesAService(reason string) bool {
	for _, s := range []string{"Graph", "Partner Center", "sign-in", "GDAP", "consent"} {
		if strings.Contains(reason, s) {
			return true
		}
	}
	return false
}

// TestSyncUnderFaults runs a sync under each fault kind after a clean one:
// every tenant ends with fresh data or a clear error of its own, with its
// previous snapshot intact (marked stale); nobody turns Lost over a fault;
// and a sync that cannot run at all says why and changes nothing.
func TestSyncUnderFaults(t *testing.T) {
	t.Parallel()
	for _, kind := range msfake.AllFaults() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			w := sandbox.Generate(sandbox.GenerateOptions{Seed: 11, Customers: 40, Now: time.Now()})
			readyWorld(w, time.Now())
			h := newHarness(t, w, msfake.Options{})
			h.readyAll(t)
			ctx := context.Background()
			clean, err := h.customers.Sync(ctx, 8, nil)
			if err != nil || clean.Failed != 0 {
				t.Fatalf("clean sync: %+v, %v", clean, err)
			}
			before := map[string]connectors.LicenceSnapshot{}
			snaps, _ := h.store.Snapshots()
			for _, s := range snaps {
				before[s.TenantID] = s
			}

			h.fake.SetFaults(msfake.Faults{Rate: faultRate, Kinds: []msfake.Fault{kind}, Seed: 42, Slow: 20 * time.Millisecond})
			// A new client: tokens must be fetched again, under faults too.
			faulty := newHarnessOver(t, h)
			h.fake.SetFaults(msfake.Faults{Rate: faultRate, Kinds: []msfake.Fault{kind}, Seed: 43, Slow: 20 * time.Millisecond})
			rep, err := faulty.customers.Sync(ctx, 8, nil)
			h.fake.SetFaults(msfake.Faults{})

			after := map[string]connectors.LicenceSnapshot{}
			snaps, _ = h.store.Snapshots()
			for _, s := range snaps {
				after[s.TenantID] = s
			}
			if err != nil {
				// The sync could not start (the customer list kept failing):
				// it says so, and nothing changed.
				if !namesAService(workflow.Explain(err)) && !strings.Contains(err.Error(), "list") {
					t.Fatalf("sync error does not say what failed: %v", err)
				}
				for id, b := range before {
					if a := after[id]; a.Stale || len(a.Users) != len(b.Users) {
						t.Errorf("%s changed by a sync that could not run", id)
					}
				}
				return
			}
			if len(rep.Lost) != 0 {
				t.Errorf("faults turned customers Lost: %+v", rep.Lost)
			}
			t.Logf("under %s: %d read, %d failed", kind, rep.Succeeded, rep.Failed)
			for _, r := range rep.Results {
				if !r.OK {
					t.Logf("  %s", r.Error)
					break
				}
			}
			if rep.Succeeded+rep.Failed != rep.Tenants || rep.Tenants != len(before) {
				t.Fatalf("report: %d read + %d failed of %d, %d before", rep.Succeeded, rep.Failed, rep.Tenants, len(before))
			}
			for _, r := range rep.Results {
				a, b := after[r.TenantID], before[r.TenantID]
				if len(a.Users) != len(b.Users) || len(a.Skus) != len(b.Skus) {
					t.Errorf("%s: data changed from %d users to %d", r.Name, len(b.Users), len(a.Users))
				}
				if r.OK {
					if a.Stale || !a.TakenAt.After(b.TakenAt) && !a.TakenAt.Equal(b.TakenAt) {
						t.Errorf("%s read but its snapshot is stale or old: %+v", r.Name, a.StaleReason)
					}
					continue
				}
				if r.Error == "" || !namesAService(r.Error) || strings.Contains(r.Error, "verification failed") || strings.Contains(r.Error, "Microsoft did not answer") {
					t.Errorf("%s failed without a clear reason: %q", r.Name, r.Error)
				}
				if !a.Stale || a.StaleReason != r.Error || !a.TakenAt.Equal(b.TakenAt) {
					t.Errorf("%s failed but its previous snapshot is not kept, marked stale: %+v", r.Name, a)
				}
			}
			statuses, _ := h.customers.Statuses()
			for _, s := range statuses {
				if s.Consent.State == connectors.ConsentLost || s.Consent.State == connectors.ConsentVerifying {
					t.Errorf("%s is %s after a sync under faults", s.Name, s.Consent.State)
				}
			}
		})
	}
}

// TestConsentUnderFaults consents every customer under each fault kind:
// each ends Ready, or Failed (or skipped) with a reason of its own; none is
// left Verifying, none turns Lost.
func TestConsentUnderFaults(t *testing.T) {
	t.Parallel()
	for _, kind := range msfake.AllFaults() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			w := sandbox.Generate(sandbox.GenerateOptions{Seed: 12, Customers: 40, Now: time.Now()})
			h := newHarness(t, w, msfake.Options{})
			ctx := context.Background()
			if _, err := h.customers.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			h.fake.SetFaults(msfake.Faults{Rate: faultRate, Kinds: []msfake.Fault{kind}, Seed: 44, Slow: 20 * time.Millisecond})
			results, err := h.customers.ConsentMany(ctx, nil, connectors.ConsentByPartner, 8, nil, nil)
			h.fake.SetFaults(msfake.Faults{})
			if err != nil {
				t.Fatalf("ConsentMany: %v", err)
			}
			statuses, _ := h.customers.Statuses()
			st := byName(statuses)
			count := map[workflow.Outcome]int{}
			for _, r := range results {
				count[r.Outcome]++
			}
			t.Logf("under %s: %v", kind, count)
			for _, r := range results {
				s := st[r.TenantID]
				switch r.Outcome {
				case workflow.OutcomeConsented, workflow.OutcomeAlreadyReady:
					if !s.Ready() {
						t.Errorf("%s %s but %s", r.Name, r.Outcome, s.Consent.State)
					}
				case workflow.OutcomeFailed, workflow.OutcomeSkipped:
					if r.Reason == "" || strings.Contains(r.Reason, "verification failed") {
						t.Errorf("%s %s without a clear reason: %q", r.Name, r.Outcome, r.Reason)
					}
				}
				if s.Consent.State == connectors.ConsentVerifying || s.Consent.State == connectors.ConsentLost {
					t.Errorf("%s left %s", r.Name, s.Consent.State)
				}
			}
		})
	}
}
