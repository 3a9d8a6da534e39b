package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seatsWith runs the binary like seats() with stdin and extra environment.
func seatsWith(t *testing.T, home, stdin string, extraEnv []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, seatsBin, args...)
	cmd.Env = append(e2eEnv(home), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
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
	return result{code, out.String(), errb.String()}
}

// sandboxSecret reads a made-up secret of the sandbox's world files, the way
// an engineer would copy one from Pax8's or ConnectWise's screens.
func sandboxSecret(t *testing.T, home, file, field string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(home, "sandbox", file))
	if err != nil {
		t.Fatal(err)
	}
	var w map[string]any
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	s, _ := w[field].(string)
	if s == "" {
		t.Fatalf("%s has no %s", file, field)
	}
	return s
}

// TestSandboxWholeFlow drives the built binary from an empty home through
// every step of the CLI: sign in, consent, connect Pax8 and ConnectWise
// (secrets on stdin, as scripts do), sync every source, match, reconcile,
// plan, a refused apply while writes are off, apply, and a sync that sees
// the PSA corrected, with the audit log to show for it.
func TestSandboxWholeFlow(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	startServe(t, home)
	// The secrets are given on stdin here, which wins over the ones the
	// sandbox supplies through the environment.
	var noEnv []string
	run := func(stdin string, env []string, args ...string) result {
		t.Helper()
		return seatsWith(t, home, stdin, append(append([]string{}, noEnv...), env...), append([]string{"--sandbox"}, args...)...)
	}
	mustRun := func(args ...string) result {
		t.Helper()
		r := run("", nil, args...)
		if r.code != 0 {
			t.Fatalf("seats %v: exit %d\n%s", args, r.code, r.stderr)
		}
		return r
	}
	mustRun("login")
	if r := run("", nil, "consent", "--all", "--method", "partner"); r.code != 0 && r.code != exitPartial {
		t.Fatalf("consent: exit %d\n%s", r.code, r.stderr)
	}

	// A wrong secret is refused and nothing is kept.
	r := run("not-the-secret\n", nil, "connect", "distributor", "--kind", "pax8", "--secret-stdin")
	if r.code != exitError || !strings.Contains(r.stderr, "secret") {
		t.Fatalf("connect with a wrong secret: exit %d\n%s", r.code, r.stderr)
	}
	pax8Secret := sandboxSecret(t, home, "pax8.json", "client_secret")
	r = run(pax8Secret+"\n", nil, "connect", "distributor", "--kind", "pax8", "--secret-stdin")
	if r.code != 0 || !strings.Contains(r.stderr, "Pax8: 40 companies") {
		t.Fatalf("connect distributor: exit %d\n%s", r.code, r.stderr)
	}
	cwKey := sandboxSecret(t, home, "connectwise.json", "private_key")
	r = run(cwKey+"\n", nil, "connect", "psa", "--kind", "connectwise", "--secret-stdin")
	if r.code != 0 || !strings.Contains(r.stderr, "ConnectWise:") {
		t.Fatalf("connect psa: exit %d\n%s", r.code, r.stderr)
	}
	for _, secret := range []string{pax8Secret, cwKey} {
		cfg, _ := os.ReadFile(filepath.Join(home, "sandbox", "config.yaml"))
		if strings.Contains(string(cfg), secret) {
			t.Fatal("a secret reached config.yaml")
		}
	}

	// Sync reads all three sources; the secrets now come from the store.
	r = mustRun("sync", "--json")
	var rep struct {
		Succeeded      int `json:"succeeded"`
		MicrosoftCalls int `json:"microsoft_calls"`
		Sources        []struct {
			Source string         `json:"source"`
			OK     bool           `json:"ok"`
			Counts map[string]int `json:"counts"`
			Calls  int            `json:"calls"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("sync --json: %v\n%s", err, r.stdout)
	}
	if rep.Succeeded == 0 || len(rep.Sources) != 2 || rep.MicrosoftCalls < rep.Succeeded {
		t.Fatalf("sync report: %+v", rep)
	}
	for _, s := range rep.Sources {
		if !s.OK || s.Calls == 0 {
			t.Errorf("source %+v", s)
		}
	}

	// Matches, with the files round-tripping.
	r = mustRun("map")
	if !strings.Contains(r.stderr, "accounts") {
		t.Fatalf("map: %s", r.stderr)
	}
	exp := mustRun("map", "accounts", "export")
	if !strings.HasPrefix(exp.stdout, "tenantId,customer,distributorAccountId,distributorAccount,psaAccountId,psaAccount,excluded\n") {
		t.Fatalf("accounts export:\n%s", exp.stdout)
	}
	file := filepath.Join(t.TempDir(), "accounts.csv")
	if err := os.WriteFile(file, []byte(exp.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := mustRun("map", "accounts", "import", file, "--dry-run"); !strings.Contains(r.stderr, "0 change(s)") {
		t.Errorf("export then import changes something:\n%s", r.stderr)
	}

	// Findings, and --fail-on-findings for monitoring.
	r = mustRun("reconcile", "--format", "json")
	var findings struct {
		Findings []struct {
			Kind string `json:"kind"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &findings); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range findings.Findings {
		kinds[f.Kind]++
	}
	if kinds["under_billed"]+kinds["over_billed"] == 0 || kinds["unused_licenses"] == 0 {
		t.Fatalf("finding kinds %v", kinds)
	}
	if r := run("", nil, "reconcile", "--fail-on-findings"); r.code != exitFindings {
		t.Errorf("--fail-on-findings with findings: exit %d", r.code)
	}

	// Plan, then apply: refused while writes are off, then done.
	plan := filepath.Join(t.TempDir(), "plan.json")
	mustRun("reconcile", "plan", "-o", plan)
	if st, err := os.Stat(plan); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("plan file: %v %v", st, err)
	}
	r = run("", nil, "reconcile", "apply", plan, "--yes")
	if r.code != exitError || !strings.Contains(r.stderr, "psa.write_enabled is off") {
		t.Fatalf("apply with writes off: exit %d\n%s", r.code, r.stderr)
	}
	writes := []string{"SEATS_PSA_WRITE_ENABLED=true"}
	r = run("", writes, "reconcile", "apply", plan)
	if r.code != exitUsage || !strings.Contains(r.stderr, "apply writes to your PSA: confirm with --yes when there is no terminal to ask") {
		t.Fatalf("apply without a terminal or --yes: exit %d\n%s", r.code, r.stderr)
	}
	r = run("", writes, "reconcile", "apply", plan, "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, "Every change applied") {
		t.Fatalf("apply: exit %d\n%s", r.code, r.stderr)
	}
	var planned struct {
		Changes []json.RawMessage `json:"changes"`
	}
	raw, _ := os.ReadFile(plan)
	if err := json.Unmarshal(raw, &planned); err != nil {
		t.Fatal(err)
	}
	applied := len(planned.Changes)

	// The next sync reads the corrected PSA: no billing difference is left.
	mustRun("sync")
	r = mustRun("reconcile", "--format", "json")
	if strings.Contains(r.stdout, `"under_billed"`) || strings.Contains(r.stdout, `"over_billed"`) {
		t.Errorf("billing findings left after apply:\n%s", r.stdout)
	}
	r = mustRun("audit", "--json")
	var audit struct {
		Writes []struct {
			Outcome string `json:"outcome"`
			OSUser  string `json:"os_user"`
		} `json:"writes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &audit); err != nil {
		t.Fatal(err)
	}
	if len(audit.Writes) != applied || applied == 0 {
		t.Errorf("audit has %d writes for a plan of %d changes", len(audit.Writes), applied)
	}
	for _, w := range audit.Writes {
		if w.Outcome != "applied" || w.OSUser == "" {
			t.Errorf("audit entry %+v", w)
		}
	}

	// A plan from another home is refused before anything is written.
	other := t.TempDir()
	foreign := filepath.Join(other, "plan.json")
	if err := os.WriteFile(foreign, bytes.Replace(raw, []byte(`"homeId": "`), []byte(`"homeId": "x`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run("", writes, "reconcile", "apply", foreign, "--yes")
	if r.code != exitError || !strings.Contains(r.stderr, "another seats home") {
		t.Errorf("foreign plan: exit %d\n%s", r.code, r.stderr)
	}

	// status names both sources, connected and read; logout --all forgets
	// their secrets and connections.
	r = mustRun("status", "--json")
	var status struct {
		Sources []struct {
			Source    string `json:"source"`
			Kind      string `json:"kind"`
			Connected bool   `json:"connected"`
			Snapshot  *struct {
				Stale bool `json:"stale"`
			} `json:"snapshot"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil {
		t.Fatal(err)
	}
	if len(status.Sources) != 2 || !status.Sources[0].Connected || status.Sources[0].Kind != "pax8" ||
		status.Sources[1].Kind != "connectwise" || status.Sources[1].Snapshot == nil || status.Sources[1].Snapshot.Stale {
		t.Errorf("status sources = %+v", status.Sources)
	}
	if r := mustRun("status"); !strings.Contains(r.stderr, "Distributor: Pax8: 40 companies") {
		t.Errorf("status for people:\n%s", r.stderr)
	}
	mustRun("logout", "--all")
	secrets, _ := os.ReadFile(filepath.Join(home, "sandbox", "secrets"))
	if strings.Contains(string(secrets), pax8Secret) || strings.Contains(string(secrets), cwKey) {
		t.Error("logout --all left a distributor or PSA secret behind")
	}
	r = mustRun("status", "--json")
	if strings.Contains(r.stdout, `"connected": true`) {
		t.Errorf("still connected after logout --all:\n%s", r.stdout)
	}
}
