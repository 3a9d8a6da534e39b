package sandbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// testLog collects Logf output, safe for the server's goroutines.
type testLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *testLog) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *testLog) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// testOptions are small, quick sandbox options in dir.
func testOptions(dir string, log *testLog) Options {
	o := Options{Dir: dir, Seed: 3, Customers: 8, ApproveAfter: -1}
	if log != nil {
		o.Logf = log.logf
	}
	return o
}

func start(t *testing.T, o Options) *Sandbox {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// trustingClient is what seats does with tls.ca_file: trust ca.pem only.
func trustingClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func getJSON(t *testing.T, c *http.Client, url string, dst any) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(dst); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func TestStartServesHTTPSTrustedThroughCAFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "sandbox")
	s := start(t, testOptions(dir, nil))
	if s.External() || s.Fake() == nil {
		t.Fatalf("first Start: External=%v Fake=%v, want this process serving", s.External(), s.Fake())
	}
	if s.ClientID() != SandboxClientID {
		t.Errorf("ClientID = %q, want SandboxClientID", s.ClientID())
	}
	if s.CAFile() != filepath.Join(dir, "ca.pem") {
		t.Errorf("CAFile = %q", s.CAFile())
	}
	ep := s.Endpoints()
	u, err := url.Parse(ep.AuthorityHost)
	if err != nil || u.Scheme != "https" || u.Hostname() != "127.0.0.1" || u.Port() == "" {
		t.Fatalf("AuthorityHost = %q, want https://127.0.0.1:N", ep.AuthorityHost)
	}
	if ep.GraphURL != ep.AuthorityHost+"/graph" || ep.PartnerCenterURL != ep.AuthorityHost+"/partnercenter" {
		t.Errorf("endpoints = %+v", ep)
	}
	if strings.Contains(ep.AuthorityHost, "token") {
		t.Errorf("authority host %q contains \"token\"", ep.AuthorityHost)
	}

	client := trustingClient(t, s.CAFile())
	var h health
	getJSON(t, client, ep.AuthorityHost+HealthPath, &h)
	if h.Service != healthService || h.WorldID != s.WorldID() || h.WorldID == "" {
		t.Errorf("health = %+v, want world %s", h, s.WorldID())
	}
	var oidc struct {
		TokenEndpoint string `json:"token_endpoint"`
		Issuer        string `json:"issuer"`
	}
	getJSON(t, client, ep.AuthorityHost+"/organizations/v2.0/.well-known/openid-configuration", &oidc)
	if oidc.TokenEndpoint != ep.AuthorityHost+"/organizations/oauth2/v2.0/token" || !strings.HasPrefix(oidc.Issuer, ep.AuthorityHost+"/") {
		t.Errorf("openid-configuration = %+v", oidc)
	}

	// The same request through the default trust store fails: the server
	// really is behind the sandbox's own CA.
	if resp, err := http.Get(ep.AuthorityHost + HealthPath); err == nil {
		resp.Body.Close()
		t.Error("a client not trusting ca.pem reached the sandbox")
	}

	for name, want := range map[string]os.FileMode{"world.json": 0o600, "ca-key.pem": 0o600, "ca.pem": 0o644} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}
	st, err := loadState(filepath.Join(dir, "sandbox.json"))
	if err != nil || strconv.Itoa(st.Port) != u.Port() || st.WorldID != s.WorldID() {
		t.Errorf("sandbox.json = %+v (%v), want port %s and world %s", st, err, u.Port(), s.WorldID())
	}
}

func TestHealthAnswersOnlyReads(t *testing.T) {
	t.Parallel()
	s := start(t, testOptions(t.TempDir(), nil))
	client := trustingClient(t, s.CAFile())
	tests := []struct {
		method string
		want   int
	}{
		{http.MethodGet, http.StatusOK},
		{http.MethodHead, http.StatusOK},
		{http.MethodPost, http.StatusMethodNotAllowed},
		{http.MethodDelete, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, s.URL()+HealthPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, HealthPath, resp.StatusCode, tt.want)
		}
	}
}

// acceptAdminConsent does what a customer admin does on the sandbox's
// consent page: POST accept=1. It reports with t.Error, so that it may run
// in any goroutine.
func acceptAdminConsent(t *testing.T, client *http.Client, s *Sandbox, tenantID string) bool {
	t.Helper()
	q := url.Values{"client_id": {s.ClientID()}, "scope": {s.Endpoints().GraphURL + "/.default"}}
	u := s.Endpoints().AuthorityHost + "/" + tenantID + "/v2.0/adminconsent?" + q.Encode()
	resp, err := client.PostForm(u, url.Values{"accept": {"1"}})
	if err != nil {
		t.Errorf("admin consent in %s: %v", tenantID, err)
		return false
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Consent granted") {
		t.Errorf("admin consent in %s: %s: %s", tenantID, resp.Status, body)
		return false
	}
	return true
}

func TestSandboxSharedAcrossProcessesAndRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := &testLog{}
	first := start(t, testOptions(dir, log))

	// A second seats process on the same home uses the running server.
	second := start(t, testOptions(dir, log))
	if !second.External() || second.Fake() != nil {
		t.Fatalf("second Start: External=%v Fake=%v, want the first one's server", second.External(), second.Fake())
	}
	if second.Endpoints() != first.Endpoints() || second.ClientID() != first.ClientID() || second.WorldID() != first.WorldID() {
		t.Errorf("second Start: %+v %s, want %+v %s", second.Endpoints(), second.WorldID(), first.Endpoints(), first.WorldID())
	}
	// The sources' credentials and addresses too, without their worlds.
	if second.Credentials() != first.Credentials() || second.SourceEndpoints() != first.SourceEndpoints() {
		t.Errorf("second Start: %+v %+v, want %+v %+v", second.Credentials(), second.SourceEndpoints(), first.Credentials(), first.SourceEndpoints())
	}
	if n := len(second.sources.pax8.Companies) + len(second.sources.cw.Companies) + len(second.sources.at.Companies); n != 0 {
		t.Errorf("the process using another's sandbox holds %d of its companies, want none", n)
	}
	if err := second.Wait(); err != nil {
		t.Errorf("Wait of an external sandbox = %v, want nil at once", err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	client := trustingClient(t, first.CAFile())
	var h health
	getJSON(t, client, first.URL()+HealthPath, &h) // still served after the external one closed

	// Consent made through the first process is written to world.json.
	world := first.Fake().World()
	var target msfake.Customer
	for _, c := range world.Customers {
		if c.Consent == nil {
			target = c
			break
		}
	}
	if target.TenantID == "" {
		t.Fatal("no customer without consent in the test world")
	}
	if !acceptAdminConsent(t, client, first, target.TenantID) {
		t.FailNow()
	}
	waitForConsentOnDisk(t, dir, target.TenantID)

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Errorf("Wait after Close = %v, want nil", err)
	}
	if err := first.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}

	// A later process serves again on the same port, the same world.
	third := start(t, testOptions(dir, log))
	if third.External() {
		t.Fatal("third Start is External, but nobody serves")
	}
	if third.Endpoints() != first.Endpoints() || third.WorldID() != first.WorldID() {
		t.Errorf("third Start at %s world %s, want %s world %s", third.URL(), third.WorldID(), first.URL(), first.WorldID())
	}
	w3 := third.Fake().World()
	if c := findCustomer(&w3, target.TenantID); c == nil || c.Consent == nil {
		t.Errorf("the consent made through the first process is gone: %+v", c)
	}
	if !log.contains("using the sandbox already serving") {
		t.Errorf("log %q does not say the second process used the running sandbox", log.lines)
	}
}

// waitForConsentOnDisk waits for world.json to record the customer's
// consent: the sandbox writes changes off the request path, at once.
func waitForConsentOnDisk(t *testing.T, dir, tenantID string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		w, err := loadWorld(filepath.Join(dir, "world.json"))
		if err != nil {
			t.Fatal(err)
		}
		c := findCustomer(w, tenantID)
		if c != nil && c.Consent != nil && c.Consent.Method == "admin" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("world.json still has %+v, want an admin consent", c)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func portOf(t *testing.T, s *Sandbox) int {
	t.Helper()
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("sandbox URL %q has no port", s.URL())
	}
	return port
}

func findCustomer(w *msfake.World, tenantID string) *msfake.Customer {
	for i := range w.Customers {
		if w.Customers[i].TenantID == tenantID {
			return &w.Customers[i]
		}
	}
	return nil
}

func TestConcurrentStartsServeOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 4
	var wg sync.WaitGroup
	results := make([]*Sandbox, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			results[i], errs[i] = Start(ctx, testOptions(dir, nil))
		}()
	}
	wg.Wait()
	serving := 0
	for i, s := range results {
		if errs[i] != nil {
			t.Fatalf("Start %d: %v", i, errs[i])
		}
		t.Cleanup(func() { s.Close() })
		if !s.External() {
			serving++
		}
		if s.WorldID() != results[0].WorldID() || s.Endpoints() != results[0].Endpoints() {
			t.Errorf("Start %d serves world %s at %s, Start 0 world %s at %s", i, s.WorldID(), s.URL(), results[0].WorldID(), results[0].URL())
		}
	}
	if serving != 1 {
		t.Errorf("%d of %d concurrent Starts serve, want exactly 1", serving, n)
	}
}

func TestStartRefusesAPortHeldByOthers(t *testing.T) {
	t.Parallel()

	t.Run("another program", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := start(t, testOptions(dir, nil))
		port := strconv.Itoa(portOf(t, s))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		squatter, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Skipf("port %s was taken by someone else meanwhile: %v", port, err)
		}
		defer squatter.Close()
		go func() { // speaks no TLS: accept and hang up
			for {
				c, err := squatter.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		_, err = Start(context.Background(), testOptions(dir, nil))
		statePath := filepath.Join(dir, "sandbox.json")
		if err == nil || !strings.Contains(err.Error(), "sandbox: port "+port+", recorded in "+statePath+", is in use by another program (") ||
			!strings.Contains(err.Error(), "); free it, or delete "+statePath+" so that the sandbox picks a new port") {
			t.Fatalf("err = %v, want one naming port %s and sandbox.json", err, port)
		}
	})

	t.Run("another sandbox world", func(t *testing.T) {
		t.Parallel()
		a := start(t, testOptions(t.TempDir(), nil))
		other := t.TempDir()
		// Same CA (so the health check verifies), other world, same port.
		for _, name := range []string{"ca.pem", "ca-key.pem"} {
			data, err := os.ReadFile(filepath.Join(filepath.Dir(a.CAFile()), name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(other, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		port := portOf(t, a)
		if err := saveState(filepath.Join(other, "sandbox.json"), state{Port: port, WorldID: "elsewhere"}); err != nil {
			t.Fatal(err)
		}
		o := testOptions(other, nil)
		o.Seed = 99
		_, err := Start(context.Background(), o)
		statePath := filepath.Join(other, "sandbox.json")
		want := fmt.Sprintf("sandbox: port %d, recorded in %s, serves another sandbox world; stop it, or delete %s so that this one picks a new port", port, statePath, statePath)
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v, want one saying port %d serves another sandbox world", err, port)
		}
	})
}

func TestStartKeepsAnExistingWorld(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, testOptions(dir, nil))
	id := s.WorldID()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	log := &testLog{}
	o := testOptions(dir, log)
	o.Seed, o.Customers = 4, 12
	again := start(t, o)
	if again.WorldID() != id || len(again.Fake().World().Customers) != 8 {
		t.Errorf("the world was regenerated: id %s (was %s), %d customers", again.WorldID(), id, len(again.Fake().World().Customers))
	}
	if !log.contains("reset") {
		t.Errorf("log %q does not tell to reset for another seed", log.lines)
	}
}

// TestDefaultsKeepTheWorldQuietly: starting an existing world with the
// defaults (no seed or size given) says nothing about keeping it; that
// note is for a seed or size that was actually asked for.
func TestDefaultsKeepTheWorldQuietly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, testOptions(dir, nil)) // 8 customers, seed 3
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	log := &testLog{}
	o := DefaultOptions(dir)
	o.ApproveAfter, o.ThrottleOnce, o.Logf = -1, false, log.logf
	start(t, o)
	if log.contains("keeping the existing world") {
		t.Errorf("log %q talks about keeping the world although no seed or size was given", log.lines)
	}
}

func TestStartRejectsADamagedWorld(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "world.json"), []byte("{half a world"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), testOptions(dir, nil))
	if err == nil || !strings.Contains(err.Error(), "seats sandbox reset") {
		t.Fatalf("err = %v, want one pointing at seats sandbox reset", err)
	}
}

func TestResetRefusesWhileServedAndWorksAfter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, testOptions(dir, nil))
	id := s.WorldID()
	err := Reset(dir)
	want := fmt.Sprintf("sandbox: the sandbox in %s is being served on port %d; stop that seats process (`seats sandbox serve` or a running wizard) first", dir, portOf(t, s))
	if err == nil || err.Error() != want {
		t.Fatalf("Reset while serving = %v, want a refusal", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "world.json")); err != nil {
		t.Fatalf("the refused Reset removed the world: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Reset(dir); err != nil {
		t.Fatalf("Reset after Close: %v", err)
	}
	for _, name := range []string{"world.json", "sandbox.json", "ca.pem", "ca-key.pem"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s still there after Reset (%v)", name, err)
		}
	}
	fresh := start(t, testOptions(dir, nil))
	if fresh.WorldID() == id {
		t.Error("the world after Reset has the old world's id")
	}
	if err := Reset(filepath.Join(t.TempDir(), "never-created")); err != nil {
		t.Errorf("Reset of a missing directory = %v, want nil", err)
	}
}

// net/http reports handshake failures through the server's ErrorLog; they
// must reach Logf, not stderr under a full-screen UI.
func TestServerErrorsGoToLogf(t *testing.T) {
	t.Parallel()
	log := &testLog{}
	s := start(t, testOptions(t.TempDir(), log))
	tr := &http.Transport{} // trusts only the system roots: the handshake fails
	defer tr.CloseIdleConnections()
	if resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(s.URL() + HealthPath); err == nil {
		resp.Body.Close()
		t.Fatal("a client not trusting ca.pem reached the sandbox")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !log.contains("TLS handshake error") {
		if time.Now().After(deadline) {
			t.Fatalf("log %q has no TLS handshake error", log.lines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartNeedsADirectory(t *testing.T) {
	t.Parallel()
	if _, err := Start(context.Background(), Options{}); err == nil {
		t.Fatal("Start without a directory succeeded")
	}
}

// Consents that land in a burst, or just before Close, all reach world.json.
func TestWorldWriterLosesNoChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := testOptions(dir, nil)
	o.Customers = 30
	s := start(t, o)
	client := trustingClient(t, s.CAFile())
	var tenants []string
	for _, c := range s.Fake().World().Customers {
		if c.Consent == nil {
			tenants = append(tenants, c.TenantID)
		}
	}
	var wg sync.WaitGroup
	for _, id := range tenants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acceptAdminConsent(t, client, s, id)
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := loadWorld(filepath.Join(dir, "world.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range tenants {
		if c := findCustomer(w, id); c == nil || c.Consent == nil {
			t.Errorf("consent in %s is missing from world.json after Close", id)
		}
	}
}

// TestJoiningReadsNoWorld: a process joining the server of its home does
// not read world.json (tens of MB at 10,000 customers, half a second before
// the wizard's first frame): it goes by sandbox.json and the health check.
func TestJoiningReadsNoWorld(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := &testLog{}
	first := start(t, testOptions(dir, log))
	path := filepath.Join(dir, worldFileName)
	if err := os.WriteFile(path, []byte("not a world"), 0o600); err != nil {
		t.Fatal(err)
	}
	second := start(t, testOptions(dir, log))
	if !second.External() || second.ClientID() != first.ClientID() || second.WorldID() != first.WorldID() {
		t.Fatalf("second Start: External=%v client %q world %q; want the first one's", second.External(), second.ClientID(), second.WorldID())
	}
}
