// Package benchflow builds the whole-flow benchmark home of issue 16: a
// sandbox of many tenants (every one Ready, with a set average of users),
// its Pax8 accounts and ConnectWise companies generated from it, and a
// seats home (store, signed-in Microsoft client, Pax8 and ConnectWise
// clients) that syncs all three at once, as `seats sync` does. Only
// benchmarks use it (connectors/workflow and tui); no test and nothing
// that ships imports it.
package benchflow

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/sandbox"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
)

// Ceiling is sync.concurrency's default (the ceiling over the per-service
// defaults), and Customers.Parallel as seats sets it.
const Ceiling = 64

// Options say which home Build makes.
type Options struct {
	// Dir holds the sandbox (Dir/sandbox) and seats.db; a temporary
	// directory of the benchmark.
	Dir string
	// Tenants is the number of customer tenants, every one Ready.
	Tenants int
	// Latency delays every answer of every fake.
	Latency time.Duration
	Seed    int64
}

// Flow is a seats home over a running sandbox.
type Flow struct {
	Sandbox   *sandbox.Sandbox
	Store     *store.Store
	StorePath string
	Calls     *Calls
	All       *workflow.Everything
	// Users is how many users the world's tenants have in all.
	Users int
	// server is the `seats sandbox serve` process.
	server *exec.Cmd
	// Accounts and Companies are how many Pax8 companies and ConnectWise
	// companies the sandbox generated.
	Accounts, Companies int
}

// Calls counts the HTTP calls seats made, by service, as the transport
// sees them (retries included).
type Calls struct {
	// Token counts the authority's POSTs (bounded by TokenConcurrency);
	// AuthorityDocs its GETs (the OpenID configuration, not bounded).
	Token, AuthorityDocs, PartnerCenter, Graph, Pax8, ConnectWise atomic.Int64
	// Listing pages on the critical path before the tenants are read:
	// Partner Center's customer list and the GDAP relationship list.
	CustomerPages, GDAPPages atomic.Int64
}

// CallCounts is a copy of the counts.
type CallCounts struct {
	Token, AuthorityDocs, PartnerCenter, Graph, Pax8, ConnectWise, CustomerPages, GDAPPages int
}

// Now copies the counts.
func (c *Calls) Now() CallCounts {
	return CallCounts{Token: int(c.Token.Load()), AuthorityDocs: int(c.AuthorityDocs.Load()), PartnerCenter: int(c.PartnerCenter.Load()), Graph: int(c.Graph.Load()),
		Pax8: int(c.Pax8.Load()), ConnectWise: int(c.ConnectWise.Load()),
		CustomerPages: int(c.CustomerPages.Load()), GDAPPages: int(c.GDAPPages.Load())}
}

// Minus is the calls made since before.
func (c CallCounts) Minus(before CallCounts) CallCounts {
	return CallCounts{Token: c.Token - before.Token, AuthorityDocs: c.AuthorityDocs - before.AuthorityDocs, PartnerCenter: c.PartnerCenter - before.PartnerCenter,
		Graph: c.Graph - before.Graph, Pax8: c.Pax8 - before.Pax8, ConnectWise: c.ConnectWise - before.ConnectWise,
		CustomerPages: c.CustomerPages - before.CustomerPages, GDAPPages: c.GDAPPages - before.GDAPPages}
}

// countingTransport counts each request by the service its path names on
// the sandbox's one address.
type countingTransport struct {
	base  http.RoundTripper
	calls *Calls
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	p := r.URL.Path
	c := t.calls
	switch {
	case strings.HasPrefix(p, "/pax8/"):
		c.Pax8.Add(1)
	case strings.HasPrefix(p, "/connectwise/"):
		c.ConnectWise.Add(1)
	case strings.HasPrefix(p, "/partnercenter/"):
		c.PartnerCenter.Add(1)
		if r.Method == http.MethodGet && strings.HasSuffix(p, "/customers") {
			c.CustomerPages.Add(1)
		}
	case strings.HasPrefix(p, "/graph/"):
		c.Graph.Add(1)
		if r.Method == http.MethodGet && strings.HasSuffix(p, "/delegatedAdminRelationships") {
			c.GDAPPages.Add(1)
		}
	case r.Method == http.MethodPost: // the authority's tokens and device codes
		c.Token.Add(1)
	default: // the OpenID configuration MSAL reads once per tenant, unbounded
		c.AuthorityDocs.Add(1)
	}
	return t.base.RoundTrip(r)
}

// Build generates the world, starts the sandbox in a process of its own
// (`seats sandbox serve`, as an MSP's sandbox or the real services are:
// elsewhere), signs in and records every tenant Ready (as consent --all
// would have); nothing is synced yet. The fakes' worlds and their answers
// therefore weigh on neither this process's heap nor its collector, and
// the heap the benchmarks read is seats' alone.
func Build(ctx context.Context, o Options) (*Flow, error) {
	now := time.Now().UTC().Truncate(time.Second)
	dir := filepath.Join(o.Dir, "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	w := sandbox.Generate(sandbox.GenerateOptions{Seed: o.Seed, Customers: o.Tenants, Now: now})
	if _, err := rand.Read(w.SigningKey); err != nil {
		return nil, err
	}
	readyAll(w, now)
	f := &Flow{Calls: &Calls{}}
	tenants := make([]string, len(w.Customers))
	for i, c := range w.Customers {
		tenants[i] = c.TenantID
		f.Users += len(c.Users)
	}
	data, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "world.json"), data, 0o600); err != nil {
		return nil, err
	}
	w, data = nil, nil // the sandbox reads its own copy

	if f.server, err = serve(ctx, o); err != nil {
		return nil, err
	}
	// Joins the sandbox the other process serves: endpoints, CA and the
	// sources' credentials from its files, no world in this process.
	if f.Sandbox, err = sandbox.Start(ctx, sandbox.Options{Dir: dir}); err != nil {
		f.Close()
		return nil, err
	}
	if !f.Sandbox.External() {
		f.Close()
		return nil, errors.New("benchflow: the sandbox is served by this process, not by seats sandbox serve")
	}
	if f.Accounts, f.Companies, err = sourceSizes(dir); err != nil {
		f.Close()
		return nil, err
	}
	hc, err := f.httpClient(f.Sandbox.CAFile())
	if err != nil {
		f.Close()
		return nil, err
	}
	f.StorePath = filepath.Join(o.Dir, "seats.db")
	if f.Store, err = store.Open(f.StorePath, store.Options{}); err != nil {
		f.Close()
		return nil, err
	}
	if f.All, err = f.home(ctx, hc, tenants, now); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// serve builds seats and runs `seats sandbox serve` on the home o.Dir
// (whose world.json it loads rather than generates), until the flow is
// closed. The device code is approved at the first poll.
func serve(ctx context.Context, o Options) (*exec.Cmd, error) {
	bin := filepath.Join(o.Dir, "seats")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/seats-msp/seats/cmd/seats")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("benchflow: build seats: %w\n%s", err, out)
	}
	cmd := exec.Command(bin, "--home", o.Dir, "sandbox", "serve", "--latency", o.Latency.String(), "--approve-after", "0s")
	cmd.Env = append(os.Environ(), "SEATS_SECRET_BACKEND=file", "HOME="+o.Dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("benchflow: start seats sandbox serve: %w", err)
	}
	// It logs what it makes, then says that it serves (or why it could
	// not, and ends); the rest is drained so that it never blocks writing.
	lines := bufio.NewScanner(stderr)
	var said []string
	for lines.Scan() {
		said = append(said, lines.Text())
		if strings.HasPrefix(lines.Text(), "Sandbox serving") {
			go func() {
				for lines.Scan() {
				}
			}()
			return cmd, nil
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, fmt.Errorf("benchflow: seats sandbox serve did not start:\n%s", strings.Join(said, "\n"))
}

// sourceSizes counts the Pax8 companies and ConnectWise companies the
// serving process generated from the world.
func sourceSizes(dir string) (accounts, companies int, err error) {
	var p8 pax8fake.World
	var cw cwfake.World
	for name, v := range map[string]any{"pax8.json": &p8, "connectwise.json": &cw} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return 0, 0, err
		}
		if err := json.Unmarshal(data, v); err != nil {
			return 0, 0, fmt.Errorf("benchflow: %s: %w", name, err)
		}
	}
	return len(p8.Companies), len(cw.Companies), nil
}

// httpClient trusts the sandbox's CA and counts calls; its transport keeps
// enough idle connections for every client's calls in flight.
func (f *Flow) httpClient(caFile string) (*http.Client, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("benchflow: no certificate in %s", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	tr.Proxy = nil
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 0, 2*Ceiling
	return &http.Client{Transport: &countingTransport{base: tr, calls: f.Calls}, Timeout: 60 * time.Second}, nil
}

// home signs in, records every tenant Ready and builds the sync of every
// source over the store.
func (f *Flow) home(ctx context.Context, hc *http.Client, tenants []string, now time.Time) (*workflow.Everything, error) {
	ep := f.Sandbox.Endpoints()
	ms, err := microsoft.New(microsoft.Config{ClientID: f.Sandbox.ClientID(), AuthorityHost: ep.AuthorityHost, GraphURL: ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL, GDAP: true, HTTPClient: hc, Concurrency: Ceiling})
	if err != nil {
		return nil, err
	}
	session := &workflow.Session{Client: ms, Keep: f.Store}
	dc, err := session.StartDeviceCode(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := session.WaitDeviceCode(ctx, dc); err != nil {
		return nil, err
	}
	// What consent --all leaves: every tenant Ready. Its one check per
	// tenant is left out (the consent benchmark measures it), so the
	// sync gets every tenant's token itself, as the next day's does.
	recs := make([]connectors.ConsentRecord, len(tenants))
	for i, t := range tenants {
		recs[i] = connectors.ConsentRecord{TenantID: t, State: connectors.ConsentReady, Method: connectors.ConsentByPartner, UpdatedAt: now, VerifiedAt: now}
	}
	if err := f.Store.SaveConsents(recs); err != nil {
		return nil, err
	}
	sep, cred := f.Sandbox.SourceEndpoints(), f.Sandbox.Credentials()
	p8, err := pax8.New(pax8.Config{BaseURL: sep.Pax8URL, TokenURL: sep.Pax8TokenURL, ClientID: cred.Pax8ClientID,
		ClientSecret: cred.Pax8ClientSecret, HTTPClient: hc, Concurrency: pax8.DefaultConcurrency})
	if err != nil {
		return nil, err
	}
	cw, err := connectwise.New(connectwise.Config{URL: sep.ConnectWiseURL, CompanyID: cred.ConnectWiseCompanyID,
		PublicKey: cred.ConnectWisePublicKey, PrivateKey: cred.ConnectWisePrivateKey, ClientID: cred.ConnectWiseClientID,
		HTTPClient: hc, Concurrency: connectwise.DefaultConcurrency})
	if err != nil {
		return nil, err
	}
	return &workflow.Everything{
		Customers:   &workflow.Customers{MS: ms, Keep: f.Store, Parallel: Ceiling},
		Distributor: p8, DistributorKind: "pax8",
		PSA: cw, PSAKind: "connectwise",
		Sources: f.Store,
	}, nil
}

// Sync runs the sync of every source and checks that it read every tenant
// and both sources.
func (f *Flow) Sync(ctx context.Context, tenants int) (workflow.SyncAllReport, error) {
	rep, err := f.All.Sync(ctx, workflow.SyncAllProgress{})
	if err != nil {
		return rep, err
	}
	if rep.Succeeded != tenants || rep.SourceFailed() || len(rep.Sources) != 2 {
		return rep, fmt.Errorf("benchflow: the sync read %d of %d tenants (%d failed), sources %+v", rep.Succeeded, tenants, rep.Failed, rep.Sources)
	}
	return rep, nil
}

// Close stops the sandbox's process (the store opens its file per
// operation). It may be called more than once.
func (f *Flow) Close() {
	if f.server != nil {
		f.server.Process.Signal(os.Interrupt)
		f.server.Wait()
		f.server = nil
	}
}

// readyAll gives every customer an active GDAP relationship with the roles
// seats needs and the app's consent, as the Microsoft benchmarks do.
func readyAll(w *msfake.World, now time.Time) {
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
