package main

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store"
)

// killSeedEnv sets the seed of the kill points, to replay a failed run (the
// seed is logged).
const killSeedEnv = "SEATS_E2E_KILL_SEED"

// writesOn lets apply write to the PSA.
var writesOn = []string{"SEATS_PSA_WRITE_ENABLED=true"}

// killHome is a sandbox home served by its own `seats sandbox serve`, so
// that the fakes, and the Autotask world they keep in the home, outlive
// every seats the test kills.
type killHome struct {
	t    *testing.T
	home string
}

// newKillHome signs in, consents, and connects Pax8 and Autotask (whose
// writes are deltas: one posted twice shows in its units). The sandbox
// supplies the secrets through the environment.
func newKillHome(t *testing.T) *killHome {
	t.Helper()
	h := &killHome{t: t, home: t.TempDir()}
	startServe(t, h.home)
	h.must("login")
	if r := h.run(nil, "consent", "--all", "--method", "partner"); r.code != 0 && r.code != exitPartial {
		t.Fatalf("consent: exit %d\n%s", r.code, r.stderr)
	}
	h.must("connect", "distributor", "--kind", "pax8")
	h.must("connect", "psa", "--kind", "autotask")
	return h
}

func (h *killHome) run(env []string, args ...string) result {
	h.t.Helper()
	return seatsWith(h.t, h.home, "", env, append([]string{"--sandbox"}, args...)...)
}

func (h *killHome) must(args ...string) result {
	h.t.Helper()
	r := h.run(nil, args...)
	if r.code != 0 {
		h.t.Fatalf("seats %v: exit %d\n%s", args, r.code, r.stderr)
	}
	return r
}

func (h *killHome) db() string { return filepath.Join(h.home, "sandbox", "seats.db") }

// killRun is how a run that the test meant to kill ended.
type killRun struct {
	killed bool // false: it ended on its own before the kill
	code   int
	stderr string
}

// killAt starts `seats --sandbox args...`, waits until ready holds for what
// it printed on stderr (at once when ready is nil), then for delay, and
// SIGKILLs it, unless it ended first.
func (h *killHome) killAt(env []string, ready func(stderr string) bool, delay time.Duration, args ...string) killRun {
	h.t.Helper()
	cmd := exec.Command(seatsBin, append([]string{"--sandbox"}, args...)...)
	cmd.Env = append(e2eEnv(h.home), env...)
	var errb safeBuffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	ended := func() killRun {
		s := errb.String()
		if strings.Contains(s, "WARNING: DATA RACE") {
			h.t.Fatalf("seats %v has a data race:\n%s", args, s)
		}
		code := cmd.ProcessState.ExitCode()
		return killRun{killed: code == -1, code: code, stderr: s}
	}
	guard := time.NewTimer(2 * time.Minute) // a deadlock guard only
	defer guard.Stop()
	for ready != nil && !ready(errb.String()) {
		select {
		case <-done:
			return ended()
		case <-guard.C:
			cmd.Process.Kill()
			<-done
			h.t.Fatalf("seats %v never got to the kill point:\n%s", args, errb.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	select {
	case <-done:
		return ended()
	case <-time.After(delay):
	}
	cmd.Process.Kill() // SIGKILL: no deferred function, no signal handler runs
	<-done
	return ended()
}

// homeContent is what a sound home holds after the first full sync: each
// snapshot's content without its times and stale marks, as JSON. The
// sandbox's world stands still between syncs, so every later snapshot,
// old or new, must read exactly so; anything else is a mix or a torn one.
type homeContent struct {
	tenants     map[string]string
	distributor string
	psa         string
	since       time.Time // no snapshot may be older
}

func contentJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tenantContent(t *testing.T, s connectors.LicenceSnapshot) string {
	s.TakenAt, s.Stale, s.StaleReason, s.StaleSince = time.Time{}, false, "", time.Time{}
	return contentJSON(t, s)
}

func distributorContent(t *testing.T, s connectors.DistributorSnapshot) string {
	s.TakenAt, s.Stale, s.StaleReason, s.StaleSince = time.Time{}, false, "", time.Time{}
	return contentJSON(t, s)
}

func psaContent(t *testing.T, s connectors.PSASnapshot) string {
	s.TakenAt, s.Stale, s.StaleReason, s.StaleSince = time.Time{}, false, "", time.Time{}
	return contentJSON(t, s)
}

// read reads every snapshot through the store's API, checking each against
// its meta on the way: a source snapshot's kind must be its meta's, and
// every snapshot must have a time.
func (h *killHome) read() homeContent {
	t := h.t
	t.Helper()
	st, err := store.Open(h.db(), store.Options{LockTimeout: time.Minute})
	if err != nil {
		t.Fatalf("store.Open after a kill: %v", err)
	}
	c := homeContent{tenants: map[string]string{}}
	snaps, err := st.Snapshots()
	if err != nil {
		t.Fatalf("tenant snapshots: %v", err)
	}
	for _, s := range snaps {
		if s.TenantID == "" || s.TakenAt.IsZero() {
			t.Errorf("a tenant snapshot without its tenant id or time: %q taken %v", s.TenantID, s.TakenAt)
		}
		c.tenants[s.TenantID] = tenantContent(t, s)
	}
	for _, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
		state, ok, err := st.SourceSnapshotState(side)
		if err != nil || !ok {
			t.Fatalf("%s snapshot meta: ok %v, %v", side, ok, err)
		}
		var kind string
		if side == connectors.KindDistributor {
			s, ok, err := st.DistributorSnapshot()
			if err != nil || !ok {
				t.Fatalf("distributor snapshot: ok %v, %v", ok, err)
			}
			kind, c.distributor = s.Kind, distributorContent(t, s)
		} else {
			s, ok, err := st.PSASnapshot()
			if err != nil || !ok {
				t.Fatalf("PSA snapshot: ok %v, %v", ok, err)
			}
			kind, c.psa = s.Kind, psaContent(t, s)
		}
		if kind == "" || kind != state.Kind || state.TakenAt.IsZero() {
			t.Errorf("%s snapshot of kind %q, its meta says kind %q taken %v", side, kind, state.Kind, state.TakenAt)
		}
		if c.since.IsZero() || state.TakenAt.Before(c.since) {
			c.since = state.TakenAt
		}
	}
	for _, s := range snaps {
		if s.TakenAt.Before(c.since) {
			c.since = s.TakenAt
		}
	}
	return c
}

// checkSound is what must hold after every kill: the file passes bbolt's
// consistency check, seats opens and reads it, the sign-in survived, and
// every snapshot reads whole, as it was after the first sync.
func (h *killHome) checkSound(want homeContent) {
	t := h.t
	t.Helper()
	if err := store.Check(h.db()); err != nil {
		t.Fatalf("consistency check after a kill: %v", err)
	}
	r := h.must("status", "--json")
	var status statusReport
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil {
		t.Fatalf("status --json after a kill: %v\n%s", err, r.stdout)
	}
	if !status.SignedIn || status.Ready == 0 {
		t.Fatalf("status after a kill: signed in %v, %d Ready", status.SignedIn, status.Ready)
	}
	r = h.must("licenses", "--format", "json")
	if !json.Valid([]byte(r.stdout)) {
		t.Fatalf("licenses --format json after a kill is not JSON:\n%s", r.stdout)
	}
	got := h.read()
	if len(got.tenants) != len(want.tenants) {
		t.Errorf("%d tenant snapshots, want %d", len(got.tenants), len(want.tenants))
	}
	for id, content := range got.tenants {
		if content != want.tenants[id] {
			t.Errorf("tenant %s: the snapshot is neither the old nor the new one:\n got %.300s\nwant %.300s", id, content, want.tenants[id])
		}
	}
	if got.distributor != want.distributor {
		t.Errorf("the distributor snapshot is neither the old nor the new one:\n got %.300s\nwant %.300s", got.distributor, want.distributor)
	}
	if got.psa != want.psa {
		t.Errorf("the PSA snapshot is neither the old nor the new one:\n got %.300s\nwant %.300s", got.psa, want.psa)
	}
	if got.since.Before(want.since) {
		t.Errorf("a snapshot from %v, older than the first sync's %v", got.since, want.since)
	}
	if t.Failed() {
		t.FailNow()
	}
}

func killRand(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(killSeedEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", killSeedEnv, s, err)
		}
		seed = n
	}
	t.Logf("kill points from seed %d (%s=%d replays them)", seed, killSeedEnv, seed)
	return rand.New(rand.NewPCG(seed, 16))
}

// TestSandboxKilledSeatsLosesNothing SIGKILLs seats at random points of
// sync, then of apply, against one `seats sandbox serve`. After every kill
// seats.db passes bbolt's consistency check, seats reads it, and each
// snapshot is whole; after the kills of apply, the next apply settles every
// recorded intent against the PSA, and Autotask's units show each planned
// change exactly once.
func TestSandboxKilledSeatsLosesNothing(t *testing.T) {
	t.Parallel()
	h := newKillHome(t)
	rng := killRand(t)

	h.must("sync")
	want := h.read()
	if len(want.tenants) == 0 {
		t.Fatal("the first sync kept no tenant snapshot")
	}
	// A second whole sync: how long one takes, and proof that the world
	// stands still, which the content checks rely on.
	began := time.Now()
	h.must("sync")
	syncTook := time.Since(began)
	h.checkSound(want)

	t.Run("sync", func(t *testing.T) {
		h := &killHome{t: t, home: h.home}
		killed := 0
		const kills = 8
		for i := range kills {
			delay := time.Duration(rng.Int64N(int64(syncTook)))
			r := h.killAt(nil, nil, delay, "sync")
			if r.killed {
				killed++
			} else if r.code != 0 {
				t.Fatalf("kill %d: a sync that ended on its own: exit %d\n%s", i+1, r.code, r.stderr)
			}
			h.checkSound(want)
		}
		t.Logf("%d of %d syncs killed (the others finished first)", killed, kills)
		if killed == 0 {
			t.Fatal("no sync was killed before it finished: the kill points never fell inside a sync")
		}
		h.must("sync")
		h.checkSound(want)
	})

	t.Run("apply", func(t *testing.T) {
		h := &killHome{t: t, home: h.home}
		planFile := filepath.Join(t.TempDir(), "plan.json")
		h.must("reconcile", "plan", "-o", planFile)
		plan := readPlan(t, planFile)
		n := len(plan.Changes)
		if n < 2 {
			t.Fatalf("the sandbox gave %d change(s) to apply; the kills need a few", n)
		}
		before := readAutotask(t, h.home)
		for _, c := range plan.Changes {
			cs, _ := strconv.Atoi(c.Line.LineID)
			if units, ok := atfake.UnitsAt(before, cs, c.EffectiveDate); !ok || units != c.OldQuantity {
				t.Fatalf("%s, %s: Autotask bills %d units before the apply (row found %v), the plan says %d", c.Customer, c.Product, units, ok, c.OldQuantity)
			}
		}

		killed, pending := 0, 0
		for i := range 8 {
			// Kill points spread over the run: at a random time from its
			// start (settling what the last kill left, checking the plan,
			// the first write), or in the change after its first fresh
			// write, which is the window between an intent and its outcome
			// that matters most (always the first time, so that a fast
			// machine cannot finish the plan before any kill).
			var ready func(string) bool
			delay := time.Duration(rng.Int64N(int64(600 * time.Millisecond)))
			if i == 0 || rng.IntN(3) > 0 {
				ready = func(s string) bool { return strings.Contains(s, ": applied\n") }
				delay = time.Duration(rng.Int64N(int64(120 * time.Millisecond)))
			}
			r := h.killAt(writesOn, ready, delay, "reconcile", "apply", planFile, "--yes")
			h.checkSound(want)
			if r.killed {
				killed++
				if h.pendingIntents() > 0 {
					pending++
				}
				continue
			}
			if strings.Contains(r.stderr, "plan refused") {
				// The plan no longer holds: make a new one, as a person would.
				h.must("reconcile", "plan", "-o", planFile)
				continue
			}
			if r.code != 0 && r.code != exitPartial {
				t.Fatalf("kill %d: an apply that ended on its own: exit %d\n%s", i+1, r.code, r.stderr)
			}
			break // it finished: every later run would write nothing
		}
		t.Logf("%d applies killed, %d of them between an intent and its outcome", killed, pending)
		if killed == 0 {
			t.Fatal("no apply was killed before it finished")
		}

		// Settle: the next apply resolves what the kills left pending and
		// writes what is left; a sync then reads the corrected PSA.
		r := h.run(writesOn, "reconcile", "apply", planFile, "--yes")
		if r.code != 0 && r.code != exitPartial {
			t.Fatalf("apply after the kills: exit %d\n%s", r.code, r.stderr)
		}
		h.must("sync")

		after := readAutotask(t, h.home)
		for _, c := range plan.Changes {
			cs, err := strconv.Atoi(c.Line.LineID)
			if err != nil {
				t.Fatalf("line id %q: %v", c.Line.LineID, err)
			}
			units, ok := atfake.UnitsAt(after, cs, c.EffectiveDate)
			if !ok || units != c.NewQuantity {
				t.Errorf("%s, %s (contract service %d): Autotask bills %d units on %s (row found %v), seats planned %d",
					c.Customer, c.Product, cs, units, c.EffectiveDate.Format(time.DateOnly), ok, c.NewQuantity)
			}
			if posted := adjustments(after, cs) - adjustments(before, cs); posted != 1 {
				t.Errorf("%s, %s (contract service %d): %d adjustments posted for one planned change", c.Customer, c.Product, cs, posted)
			}
		}

		r = h.must("audit", "--json")
		var audit auditReport
		if err := json.Unmarshal([]byte(r.stdout), &audit); err != nil {
			t.Fatalf("audit --json: %v\n%s", err, r.stdout)
		}
		applied := map[string]int{}
		for _, w := range audit.Writes {
			if w.Outcome == connectors.WritePending {
				t.Errorf("an intent is still pending after the settling apply: %s, %s (id %d)", w.Customer, w.Product, w.ID)
			}
			if w.Outcome == connectors.WriteApplied {
				applied[w.Line.LineID]++
			}
		}
		for _, c := range plan.Changes {
			if applied[c.Line.LineID] != 1 {
				t.Errorf("%s, %s: the audit records %d applied writes, want 1", c.Customer, c.Product, applied[c.Line.LineID])
			}
		}

		// Nothing is left to change on the lines that were planned.
		h.must("reconcile", "plan", "-o", planFile)
		for _, c := range readPlan(t, planFile).Changes {
			if applied[c.Line.LineID] > 0 {
				t.Errorf("after the apply and a sync, seats still plans %s, %s: %d -> %d", c.Customer, c.Product, c.OldQuantity, c.NewQuantity)
			}
		}
		if err := store.Check(h.db()); err != nil {
			t.Fatal(err)
		}
	})
}

// pendingIntents counts the PSA writes whose outcome a killed apply never
// recorded.
func (h *killHome) pendingIntents() int {
	h.t.Helper()
	st, err := store.Open(h.db(), store.Options{LockTimeout: time.Minute})
	if err != nil {
		h.t.Fatal(err)
	}
	pending, err := st.PSAWrites(true)
	if err != nil {
		h.t.Fatal(err)
	}
	return len(pending)
}

func readPlan(t *testing.T, path string) reconcile.Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := reconcile.ParsePlan(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// readAutotask reads the fake Autotask's world as the sandbox keeps it
// after every write.
func readAutotask(t *testing.T, home string) atfake.World {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(home, "sandbox", "autotask.json"))
	if err != nil {
		t.Fatal(err)
	}
	var w atfake.World
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatalf("autotask.json: %v", err)
	}
	return w
}

// adjustments counts the adjustments posted to one contract service.
func adjustments(w atfake.World, contractService int) int {
	n := 0
	for _, a := range w.Adjustments {
		if a.ContractServiceID == contractService {
			n++
		}
	}
	return n
}

// TestSandboxSyncWhileWizardIsOpen runs `seats sync` from the command line
// while the wizard, open on the same home, reads every source for its
// Accounts step: both finish, or the one that cannot have the file says
// that another seats is busy with this home; the file stays sound.
func TestSandboxSyncWhileWizardIsOpen(t *testing.T) {
	t.Parallel()
	h := newKillHome(t)
	env := append(e2eEnv(h.home), "NO_COLOR=1")
	term := newTmux(t, h.home, "busy", 100, 30, env, "--sandbox")
	term.waitFor("Pick your distributor and PSA", time.Minute)
	term.keys("Enter") // Pax8 and Autotask are chosen already
	term.waitFor("✓ Autotask:", time.Minute)
	term.keys("Enter")
	term.waitFor("Loaded 40 customers", time.Minute)

	const busy = "another seats is busy with this home"
	// Started here and waited for below: t.Fatal may not be called from
	// another goroutine, which seatsWith would on a timeout.
	cli := exec.Command(seatsBin, "--sandbox", "sync")
	cli.Env = e2eEnv(h.home)
	var syncErr safeBuffer
	cli.Stderr = &syncErr
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		cli.Wait()
		close(done)
	}()
	term.keys("Enter") // Accounts: the wizard reads and keeps every source
	s := term.waitUntil("the accounts, or that seats is busy", time.Minute, func(s string) bool {
		return strings.Contains(s, "Autotask 44 companies") || strings.Contains(s, busy)
	})
	select {
	case <-done:
	case <-time.After(2 * time.Minute): // a deadlock guard only
		cli.Process.Kill()
		<-done
		t.Fatalf("the sync never finished while the wizard was open:\n%s", syncErr.String())
	}
	code, stderr := cli.ProcessState.ExitCode(), syncErr.String()
	if strings.Contains(stderr, "WARNING: DATA RACE") {
		t.Fatalf("sync has a data race:\n%s", stderr)
	}
	if code != 0 && !(code == exitError && strings.Contains(stderr, busy)) {
		t.Errorf("sync while the wizard was open: exit %d, and it does not say seats is busy:\n%s", code, stderr)
	}
	if !strings.Contains(s, "Autotask 44 companies") && !strings.Contains(s, busy) {
		t.Errorf("the wizard's Accounts step while a sync ran neither finished nor said seats is busy:\n%s", s)
	}
	t.Logf("sync: exit %d; wizard finished its read: %v", code, strings.Contains(s, "Autotask 44 companies"))

	term.keys("C-c")
	term.waitFor("SEATS-EXITED 0", 30*time.Second)
	if err := store.Check(h.db()); err != nil {
		t.Fatal(err)
	}
	h.must("status", "--json")
}
