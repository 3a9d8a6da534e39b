package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// seatsBin is the binary built once for the end-to-end tests.
var seatsBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "seats-e2e-")
	if err != nil {
		panic(err)
	}
	seatsBin = filepath.Join(dir, "seats")
	// -race: the real binary is race-checked too, in every end-to-end run.
	build := exec.Command("go", "build", "-race", "-o", seatsBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building seats: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// e2eEnv is the environment every end-to-end run gets: its own home, the
// secret file instead of the OS keyring, and a sandbox that approves fast.
func e2eEnv(home string) []string {
	env := []string{
		"SEATS_HOME=" + home,
		"SEATS_SECRET_BACKEND=file",
		"SEATS_SANDBOX_APPROVE_AFTER=1s",
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"TERM=xterm-256color",
		// A race in the binary ends it at once with exit 66 and the report
		// on stderr, which seats() turns into a failure. atexit_sleep_ms=0
		// spares every run the second the race runtime sleeps at exit by
		// default (the tests start seats a few hundred times).
		"GORACE=halt_on_error=1 exitcode=66 atexit_sleep_ms=0",
	}
	return env
}

type result struct {
	code           int
	stdout, stderr string
}

func seats(t *testing.T, home string, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, seatsBin, args...)
	cmd.Env = e2eEnv(home)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("seats %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("seats %v timed out; stderr:\n%s", args, errb.String())
	}
	if strings.Contains(errb.String(), "WARNING: DATA RACE") {
		t.Fatalf("seats %v has a data race:\n%s", args, errb.String())
	}
	// A JWT starts with eyJ: no token may ever reach what seats prints.
	if strings.Contains(out.String(), "eyJ") || strings.Contains(errb.String(), "eyJ") {
		t.Fatalf("seats %v printed something that looks like a token", args)
	}
	return result{code, out.String(), errb.String()}
}

func TestHelpListsCommands(t *testing.T) {
	t.Parallel()
	r := seats(t, t.TempDir(), time.Minute, "--help")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, c := range []string{"login", "logout", "consent", "status", "sync", "sandbox"} {
		if !strings.Contains(r.stdout, "  "+c) {
			t.Errorf("--help does not list %q:\n%s", c, r.stdout)
		}
	}
}

func TestBadFlagIsUsageError(t *testing.T) {
	t.Parallel()
	r := seats(t, t.TempDir(), time.Minute, "consent", "--all", "--method", "carrier-pigeon")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--method must be partner or admin") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestSandboxLoginConsentStatusSync is the Microsoft half from a fresh home,
// one process per command, as an engineer would type it.
func TestSandboxLoginConsentStatusSync(t *testing.T) {
	t.Parallel()
	home := t.TempDir()

	r := seats(t, home, 2*time.Minute, "--sandbox", "login")
	if r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "enter the code") || !strings.Contains(r.stderr, "Signed in as") {
		t.Fatalf("login said:\n%s", r.stderr)
	}

	r = seats(t, home, 3*time.Minute, "--sandbox", "consent", "--all", "--method", "partner", "--json")
	if r.code != exitPartial && r.code != 0 {
		t.Fatalf("consent: exit %d\n%s", r.code, r.stderr)
	}
	var consent struct {
		Method  string `json:"method"`
		Results []struct {
			TenantID, Name, Outcome, Reason string
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &consent); err != nil {
		t.Fatalf("consent --json is not JSON: %v\n%s", err, r.stdout)
	}
	outcomes := map[string]int{}
	for _, res := range consent.Results {
		outcomes[res.Outcome]++
		if (res.Outcome == "failed" || res.Outcome == "skipped") && res.Reason == "" {
			t.Errorf("%s %s without a reason", res.Name, res.Outcome)
		}
	}
	if outcomes["consented"] == 0 || outcomes["skipped"] == 0 || outcomes["failed"] == 0 {
		t.Fatalf("the sandbox world should give consented, skipped and failed customers; got %v", outcomes)
	}
	if r.code != exitPartial {
		t.Fatalf("some customers failed, so exit should be %d, got %d", exitPartial, r.code)
	}

	r = seats(t, home, time.Minute, "--sandbox", "status", "--json")
	if r.code != 0 {
		t.Fatalf("status: exit %d\n%s", r.code, r.stderr)
	}
	var status struct {
		SignedIn  bool           `json:"signed_in"`
		Customers int            `json:"customers"`
		Ready     int            `json:"ready"`
		Consent   map[string]int `json:"consent"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if !status.SignedIn || status.Customers == 0 || status.Ready < outcomes["consented"] {
		t.Fatalf("status after consent: %+v (consented %d)", status, outcomes["consented"])
	}

	r = seats(t, home, 3*time.Minute, "--sandbox", "sync", "--json")
	if r.code != 0 {
		t.Fatalf("sync: exit %d\n%s", r.code, r.stderr)
	}
	var sync struct {
		Tenants, Succeeded, Failed int
		Results                    []struct {
			OK    bool
			Skus  int
			Users int
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sync); err != nil {
		t.Fatalf("sync --json: %v\n%s", err, r.stdout)
	}
	if sync.Tenants != status.Ready || sync.Succeeded != sync.Tenants || sync.Failed != 0 {
		t.Fatalf("sync report %+v, Ready %d", sync, status.Ready)
	}
	skus := 0
	for _, res := range sync.Results {
		skus += res.Skus
	}
	if skus == 0 {
		t.Fatalf("sync read no SKUs: %+v", sync)
	}
	if !strings.Contains(r.stderr, "[1/") {
		t.Fatalf("sync printed no progress on stderr:\n%s", r.stderr)
	}

	// Nothing secret in the config file or in what seats printed.
	if b, err := os.ReadFile(filepath.Join(home, "sandbox", "config.yaml")); err == nil && bytes.Contains(bytes.ToLower(b), []byte("token")) {
		t.Fatalf("config.yaml mentions a token:\n%s", b)
	}
	st, err := os.Stat(filepath.Join(home, "sandbox", "secrets"))
	if err != nil {
		t.Fatalf("the sign-in was not kept in <home>/sandbox/secrets: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("secrets mode %v, want 0600", st.Mode().Perm())
	}
	// The token cache is a sealed file of its own; the secrets hold its key.
	cacheFile := filepath.Join(home, "sandbox", "token-cache")
	if st, err := os.Stat(cacheFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token cache file %s: %v (want it, mode 0600)", cacheFile, err)
	}
	if data, _ := os.ReadFile(cacheFile); strings.Contains(string(data), "RefreshToken") {
		t.Fatalf("the token cache file is not encrypted")
	}

	// logout removes the token cache: the next sync asks to sign in again.
	if r := seats(t, home, time.Minute, "--sandbox", "logout"); r.code != 0 {
		t.Fatalf("logout: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(cacheFile); !os.IsNotExist(err) {
		t.Fatalf("logout left the token cache file: %v", err)
	}
	r = seats(t, home, time.Minute, "--sandbox", "sync")
	// The hint is spelled as this run was typed, so that copying it works.
	if r.code != exitError || !strings.Contains(r.stderr, "seats --sandbox login") {
		t.Fatalf("sync after logout: exit %d\n%s", r.code, r.stderr)
	}
	r = seats(t, home, time.Minute, "--sandbox", "status", "--json")
	if strings.Contains(r.stdout, `"signed_in": true`) {
		t.Fatalf("status after logout still signed in:\n%s", r.stdout)
	}
}

// startServe runs `seats sandbox serve` in its own process and waits until it
// says it is serving; the process is stopped when the test ends.
func startServe(t *testing.T, home string) {
	t.Helper()
	cmd := exec.Command(seatsBin, "sandbox", "serve")
	cmd.Env = e2eEnv(home)
	var errb safeBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(errb.String(), "Sandbox serving") {
		if time.Now().After(deadline) {
			t.Fatalf("sandbox serve did not start:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// safeBuffer is a bytes.Buffer safe for a process writing while the test reads.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSandboxServeOutlivesKilledSeats kills seats in the middle of a sign-in
// while `seats sandbox serve` keeps the fakes alive; the next commands carry
// on against the same world, two of them at the same time.
func TestSandboxServeOutlivesKilledSeats(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	startServe(t, home)

	// A sign-in killed while it waits for the code to be used.
	cmd := exec.Command(seatsBin, "--sandbox", "login")
	cmd.Env = append(e2eEnv(home), "SEATS_SANDBOX_APPROVE_AFTER=1h")
	var errb safeBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(errb.String(), "Waiting for you to sign in") {
		if time.Now().After(deadline) {
			t.Fatalf("login never waited:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()

	if r := seats(t, home, 2*time.Minute, "--sandbox", "login"); r.code != 0 {
		t.Fatalf("login after a killed one: exit %d\n%s", r.code, r.stderr)
	}
	if r := seats(t, home, 2*time.Minute, "--sandbox", "consent", "--all", "--method", "partner"); r.code != exitPartial {
		t.Fatalf("consent: exit %d\n%s", r.code, r.stderr)
	}

	// Two syncs at once on one home: both finish, neither is refused.
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = seats(t, home, 2*time.Minute, "--sandbox", "sync")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("sync %d of 2 at once: exit %d\n%s", i+1, r.code, r.stderr)
		}
	}
	r := seats(t, home, time.Minute, "--sandbox", "status", "--json")
	var status struct {
		LastSync *struct{ Tenants, Failed int } `json:"last_sync"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil || status.LastSync == nil || status.LastSync.Tenants == 0 {
		t.Fatalf("status after two syncs: %v %s", err, r.stdout)
	}
}

// TestSandboxAdminConsent is Option A from the binary: seats prints the link,
// the customer's admin (this test) opens it and accepts, and seats, which has
// been waiting, reports the customer Ready.
func TestSandboxAdminConsent(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if r := seats(t, home, 2*time.Minute, "--sandbox", "login"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	startServe(t, home) // keeps the world served while consent waits
	if r := seats(t, home, time.Minute, "--sandbox", "status", "--refresh", "--json"); r.code != 0 {
		t.Fatalf("status --refresh: exit %d\n%s", r.code, r.stderr)
	}
	r := seats(t, home, time.Minute, "--sandbox", "status", "--json")
	var status struct {
		CustomerList []struct {
			TenantID string `json:"tenant_id"`
			GDAP     struct {
				Status string `json:"status"`
			} `json:"gdap"`
			Consent struct {
				State string `json:"state"`
			} `json:"consent"`
		} `json:"customer_list"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil {
		t.Fatal(err)
	}
	tenant := ""
	for _, c := range status.CustomerList {
		if c.GDAP.Status == "active" && c.Consent.State != "ready" {
			tenant = c.TenantID
			break
		}
	}
	if tenant == "" {
		t.Fatal("no active, unconsented customer in the sandbox world")
	}

	cmd := exec.Command(seatsBin, "--sandbox", "consent", "--tenant", tenant, "--method", "admin", "--json")
	cmd.Env = e2eEnv(home)
	var out bytes.Buffer
	var errb safeBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var link string
	deadline := time.Now().Add(time.Minute)
	for link == "" {
		for _, line := range strings.Split(errb.String(), "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "https://") && strings.Contains(l, "adminconsent") {
				link = l
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no consent link printed:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	acceptAsAdmin(t, home, link)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("consent --method admin: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), `"outcome": "consented"`) {
		t.Fatalf("report:\n%s", out.String())
	}
}

// acceptAsAdmin opens the consent link and presses Accept, trusting the
// sandbox's CA as the admin's browser would after accepting its warning.
func acceptAsAdmin(t *testing.T, home, link string) {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(home, "sandbox", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	page, err := client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(body), "Accept") {
		t.Fatalf("consent page: HTTP %d\n%s", page.StatusCode, body)
	}
	resp, err := client.PostForm(link, url.Values{"accept": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("accept: HTTP %d", resp.StatusCode)
	}
}

func TestSandboxResetRefusedWhileServed(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if r := seats(t, home, 2*time.Minute, "--sandbox", "login"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	startServe(t, home)
	// Refused while the sandbox is served: it would pull the world from under it.
	if r := seats(t, home, time.Minute, "sandbox", "reset"); r.code == 0 {
		t.Fatalf("reset while serving succeeded:\n%s", r.stderr)
	}
}

func TestSandboxResetAfterUse(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if r := seats(t, home, 2*time.Minute, "--sandbox", "login"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	r := seats(t, home, time.Minute, "sandbox", "reset")
	if r.code != 0 || !strings.Contains(r.stderr, "empty again") {
		t.Fatalf("reset: exit %d\n%s", r.code, r.stderr)
	}
	for _, name := range []string{"world.json", "seats.db", "secrets", "ca.pem"} {
		if _, err := os.Stat(filepath.Join(home, "sandbox", name)); !os.IsNotExist(err) {
			t.Errorf("%s survived the reset (%v)", name, err)
		}
	}
	r = seats(t, home, time.Minute, "--sandbox", "status", "--json")
	if !strings.Contains(r.stdout, `"signed_in": false`) {
		t.Fatalf("status after reset:\n%s", r.stdout)
	}
}

func TestWizardWithoutTerminalSaysSo(t *testing.T) {
	t.Parallel()
	r := seats(t, t.TempDir(), time.Minute, "--sandbox")
	if r.code != exitError || !strings.Contains(r.stderr, "wizard needs a terminal") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// TestBadConfigStopsEveryCommand: nothing starts half-configured, and the
// message names the key and the file.
func TestBadConfigStopsEveryCommand(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	file := filepath.Join(home, "config.yaml")
	if err := os.WriteFile(file, []byte("microsoft:\n  cloud: mars\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"sync"}, {"login"}, {"consent", "--all", "--method", "partner"}} {
		r := seats(t, home, time.Minute, args...)
		if r.code != exitError || !strings.Contains(r.stderr, file) || !strings.Contains(r.stderr, "microsoft.cloud") {
			t.Errorf("seats %v with a bad config: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	before, _ := os.ReadFile(file)
	if string(before) != "microsoft:\n  cloud: mars\n" {
		t.Fatalf("the bad config file was changed:\n%s", before)
	}
}
