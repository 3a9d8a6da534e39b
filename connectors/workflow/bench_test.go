package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime/metrics"
	"strconv"
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

// The benchmarks of issue "Microsoft at 10,000 tenants": each runs against
// the fake with benchLatency added to every answer (Graph, Partner Center,
// the token endpoint, the OpenID configuration), with seats' default
// settings, and prints its row beside its goal. The fake runs in the same
// process, so CPU and memory rows include its share; the memory row counts
// what the sync adds to the heap on top of the fake's world.
const benchLatency = 50 * time.Millisecond

// benchCeiling is sync.concurrency's default: the ceiling over the
// per-service defaults.
const benchCeiling = 64

// row prints one line of the table: what, the measure, the goal, and
// whether the goal is met.
func row(b *testing.B, what string, got, goal float64, unit string) {
	b.Helper()
	verdict := "meets the goal"
	if got > goal {
		verdict = "MISSES the goal"
	}
	fmt.Printf("%-62s %8.2f %-4s (goal ≤ %g %s): %s\n", what, got, unit, goal, unit, verdict)
}

// memSecrets is an in-memory secret store for the token cache, shared by
// the clients of one benchmark as the home's file is by commands.
type memSecrets struct {
	mu   sync.Mutex
	vals map[string][]byte
}

func (m *memSecrets) Get(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vals[name]
	if !ok {
		return nil, connectors.ErrNotFound
	}
	return v, nil
}

func (m *memSecrets) Set(name string, v []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.vals[name] = v
	return nil
}

func (m *memSecrets) Delete(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.vals, name)
	return nil
}

// benchEnv is one fake world served with latency, one store and one saved
// token cache, like a home that successive seats commands share.
type benchEnv struct {
	b       *testing.B
	fake    *msfake.Server
	ep      msfake.Endpoints
	http    func() *microsoft.Config
	store   *store.Store
	secrets *memSecrets
	world   *msfake.World
}

func newBenchEnv(b *testing.B, tenants int) *benchEnv {
	b.Helper()
	w := sandbox.Generate(sandbox.GenerateOptions{Seed: 7, Customers: tenants, Now: time.Now()})
	readyWorld(w, time.Now())
	srv, fake := msfake.NewTLSServer(w, msfake.Options{Latency: benchLatency})
	b.Cleanup(srv.Close)
	ep := msfake.EndpointsFor(srv.URL)
	st, err := store.Open(filepath.Join(b.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e := &benchEnv{b: b, fake: fake, ep: ep, store: st, secrets: &memSecrets{vals: map[string][]byte{}}}
	world := fake.World()
	e.world = &world
	e.http = func() *microsoft.Config {
		return &microsoft.Config{
			ClientID: world.ClientID, AuthorityHost: ep.AuthorityHost, GraphURL: ep.GraphURL,
			PartnerCenterURL: ep.PartnerCenterURL, GDAP: true, HTTPClient: srv.Client(), Concurrency: benchCeiling,
		}
	}
	return e
}

// command is what one seats command builds: a client over the saved token
// cache (read as a new process reads it) and the customers workflow.
func (e *benchEnv) command() (*workflow.Customers, *microsoft.TokenCache) {
	e.b.Helper()
	cfg := e.http()
	tc := microsoft.NewTokenCache(e.secrets)
	cfg.Cache = tc
	client, err := microsoft.New(*cfg)
	if err != nil {
		e.b.Fatal(err)
	}
	return &workflow.Customers{MS: client, Keep: e.store, Parallel: benchCeiling}, tc
}

// login signs in with a device code and saves the cache, as seats login.
func (e *benchEnv) login() {
	e.b.Helper()
	cfg := e.http()
	tc := microsoft.NewTokenCache(e.secrets)
	cfg.Cache = tc
	client, err := microsoft.New(*cfg)
	if err != nil {
		e.b.Fatal(err)
	}
	ctx := context.Background()
	dc, err := client.StartDeviceCode(ctx)
	if err != nil {
		e.b.Fatal(err)
	}
	if _, err := client.WaitDeviceCode(ctx, dc); err != nil {
		e.b.Fatal(err)
	}
	if err := tc.Flush(); err != nil {
		e.b.Fatal(err)
	}
}

// readyAll records every tenant Ready, as seats consent --all does, and
// saves the tokens it got.
func (e *benchEnv) readyAll() {
	e.b.Helper()
	c, tc := e.command()
	ctx := context.Background()
	if _, err := c.Refresh(ctx); err != nil {
		e.b.Fatal(err)
	}
	if _, err := c.ConsentMany(ctx, nil, connectors.ConsentByPartner, 0, nil, nil); err != nil {
		e.b.Fatal(err)
	}
	if err := tc.Flush(); err != nil {
		e.b.Fatal(err)
	}
}

// expireAccessTokens moves every saved access token's expiry an hour into
// the past, as the next day finds them; the refresh token stays good.
func (e *benchEnv) expireAccessTokens() {
	e.b.Helper()
	raw, err := e.secrets.Get(microsoft.TokenCacheSecret)
	if err != nil {
		e.b.Fatal(err)
	}
	var cache map[string]json.RawMessage
	if err := json.Unmarshal(raw, &cache); err != nil {
		e.b.Fatal(err)
	}
	var ats map[string]map[string]any
	if err := json.Unmarshal(cache["AccessToken"], &ats); err != nil {
		e.b.Fatal(err)
	}
	past := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	for _, at := range ats {
		at["expires_on"] = past
		at["extended_expires_on"] = past
		delete(at, "refresh_on")
	}
	if cache["AccessToken"], err = json.Marshal(ats); err != nil {
		e.b.Fatal(err)
	}
	if raw, err = json.Marshal(cache); err != nil {
		e.b.Fatal(err)
	}
	if err := e.secrets.Set(microsoft.TokenCacheSecret, raw); err != nil {
		e.b.Fatal(err)
	}
}

// timedSync runs one sync as a new command and checks it read every tenant.
func (e *benchEnv) timedSync(tenants int) (wall, cpu time.Duration) {
	e.b.Helper()
	c, tc := e.command()
	cpuBefore := processCPU()
	start := time.Now()
	rep, err := c.Sync(context.Background(), 0, nil)
	if ferr := tc.Flush(); err == nil {
		err = ferr
	}
	wall, cpu = time.Since(start), processCPU()-cpuBefore
	if err != nil || rep.Succeeded != tenants {
		e.b.Fatalf("sync read %d of %d tenants (%d failed): %v", rep.Succeeded, tenants, rep.Failed, err)
	}
	return wall, cpu
}

// BenchmarkSync1000TokensFresh: the sync of 1,000 tenants a command runs
// when the saved sign-in is still good (a second sync within the hour):
// the partner's tokens come from it; each tenant's token is asked for
// again from the saved refresh token, since tenants' tokens live in
// memory for one command (microsoft/tenantclients.go).
func BenchmarkSync1000TokensFresh(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newBenchEnv(b, 1000)
		e.login()
		e.readyAll()
		b.StartTimer()
		wall, _ := e.timedSync(1000)
		b.ReportMetric(wall.Seconds(), "wall-s")
		row(b, "sync of 1,000 tenants, tokens fresh, at 50 ms per call", wall.Seconds(), 5, "s")
	}
}

// BenchmarkSync1000TokensExpired: the next day's sync of 1,000 tenants,
// every access token expired: a token for each tenant first.
func BenchmarkSync1000TokensExpired(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newBenchEnv(b, 1000)
		e.login()
		e.readyAll()
		e.expireAccessTokens()
		b.StartTimer()
		wall, cpu := e.timedSync(1000)
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		row(b, "sync of 1,000 tenants, tokens expired, at 50 ms per call", wall.Seconds(), 8, "s")
	}
}

// BenchmarkConsent1000AllConsented: consent --all --method partner of
// 1,000 tenants that are all consented already, from a fresh sign-in and
// a store that has never seen them Ready: the customer list, then one
// check per tenant, and no Partner Center consent at all.
func BenchmarkConsent1000AllConsented(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newBenchEnv(b, 1000)
		e.login()
		c, _ := e.command()
		ctx := context.Background()
		b.StartTimer()
		start := time.Now()
		if _, err := c.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		results, err := c.ConsentMany(ctx, nil, connectors.ConsentByPartner, 0, nil, nil)
		wall := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range results {
			if r.Outcome != workflow.OutcomeAlreadyReady {
				b.Fatalf("%s: %s %s", r.Name, r.Outcome, r.Reason)
			}
		}
		b.ReportMetric(wall.Seconds(), "wall-s")
		row(b, "consent --all --method partner of 1,000 tenants, all consented", wall.Seconds(), 10, "s")
	}
}

// BenchmarkSync10000Memory: the heap a sync of 10,000 tenants adds at its
// peak, sampled every 20 ms, on top of what was in use before it (the
// fake's world and the store live in this process too).
func BenchmarkSync10000Memory(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newBenchEnv(b, 10000)
		e.login()
		e.readyAll()
		c, tc := e.command()
		b.StartTimer()
		peak, base := watchHeap(func() {
			rep, err := c.Sync(context.Background(), 0, nil)
			if ferr := tc.Flush(); err == nil {
				err = ferr
			}
			if err != nil || rep.Succeeded != 10000 {
				b.Fatalf("sync read %d of 10,000: %v", rep.Succeeded, err)
			}
		})
		b.StopTimer()
		mb := float64(peak-base) / (1 << 20)
		b.ReportMetric(mb, "peak-MB")
		row(b, "peak memory a sync of 10,000 tenants adds to the heap", mb, 300, "MB")
	}
}

// BenchmarkSyncCPUGrowth: the CPU of the next day's sync (tokens expired,
// where the cost used to grow with the square of the tenants) at 1,000 and
// 2,000 tenants: linear growth doubles it, no more.
func BenchmarkSyncCPUGrowth(b *testing.B) {
	for range b.N {
		var cpu [2]time.Duration
		for i, n := range []int{1000, 2000} {
			b.StopTimer()
			e := newBenchEnv(b, n)
			e.login()
			e.readyAll()
			e.expireAccessTokens()
			b.StartTimer()
			_, cpu[i] = e.timedSync(n)
			b.StopTimer()
			row(b, fmt.Sprintf("CPU of the sync of %d tenants, tokens expired (fake included)", n), cpu[i].Seconds(), float64(n)/1000*5, "s")
		}
		ratio := cpu[1].Seconds() / max(cpu[0].Seconds(), 0.001)
		b.ReportMetric(ratio, "cpu-2000/1000")
		row(b, "CPU growth from 1,000 to 2,000 tenants (2 = linear)", ratio, 2.5, "x")
	}
}

// watchHeap runs fn and returns the peak of the heap's live objects while
// it ran, and their size before.
func watchHeap(fn func()) (peak, base uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base = read()
	peak = base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return max(peak, read()), base
}

// readyWorld gives every customer an active GDAP relationship with a read
// role and a consent, so that every tenant is Ready for the benchmark.
func readyWorld(w *msfake.World, now time.Time) {
	for i := range w.Customers {
		c := &w.Customers[i]
		c.GDAP = []msfake.Relationship{{
			ID: fmt.Sprintf("rel-%d", i), DisplayName: "bench", Status: connectors.RelActive,
			Roles:    []string{connectors.RoleGlobalReader, connectors.RolePrivilegedRoleAdministrator, connectors.RoleApplicationAdministrator},
			Duration: "P730D", CreatedAt: now.AddDate(0, -1, 0), ActivatedAt: now.AddDate(0, -1, 0), EndAt: now.AddDate(1, 0, 0),
		}}
		c.Consent = &msfake.Consent{Method: "partner", Scopes: []string{"Organization.Read.All", "User.Read.All"}, GrantedAt: now}
	}
}
