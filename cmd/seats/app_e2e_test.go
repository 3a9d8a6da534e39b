package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAppCreateOnSandboxFromEmptyHome: seats app create registers the
// application from an empty home and saves its id; seats then signs in as
// that application and works with it; app show finds nothing missing; a
// second create reuses it; doctor passes.
func TestAppCreateOnSandboxFromEmptyHome(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	r := seats(t, home, 2*time.Minute, "--sandbox", "app", "create")
	if r.code != 0 || !strings.Contains(r.stderr, "created the application seats") || !strings.Contains(r.stderr, "Next: `seats --sandbox login`") {
		t.Fatalf("app create: exit %d\n%s", r.code, r.stderr)
	}
	cfg, err := os.ReadFile(filepath.Join(home, "sandbox", "config.yaml"))
	if err != nil || !strings.Contains(string(cfg), "client_id:") {
		t.Fatalf("config.yaml after app create: %v\n%s", err, cfg)
	}
	id := strings.TrimSpace(strings.SplitN(strings.SplitN(string(cfg), "client_id:", 2)[1], "\n", 2)[0])

	if r = seats(t, home, 2*time.Minute, "--sandbox", "login"); r.code != 0 {
		t.Fatalf("login with the created application: exit %d\n%s", r.code, r.stderr)
	}
	if r = seats(t, home, 2*time.Minute, "--sandbox", "status", "--refresh"); r.code != 0 || !strings.Contains(r.stderr, "Customers: 40") {
		t.Fatalf("status with the created application: exit %d\n%s", r.code, r.stderr)
	}
	if r = seats(t, home, 2*time.Minute, "--sandbox", "app", "show"); r.code != 0 || !strings.Contains(r.stderr, id) || !strings.Contains(r.stderr, "Nothing missing") {
		t.Fatalf("app show: exit %d\n%s", r.code, r.stderr)
	}
	if r = seats(t, home, 2*time.Minute, "--sandbox", "app", "create"); r.code != 0 || !strings.Contains(r.stderr, "reused the existing application seats (client id "+id) {
		t.Fatalf("second app create: exit %d\n%s", r.code, r.stderr)
	}
	r = seats(t, home, 2*time.Minute, "--sandbox", "doctor")
	if r.code != 0 || !strings.Contains(r.stderr, "✓ Permissions") || !strings.Contains(r.stderr, "✓ Clock") {
		t.Fatalf("doctor: exit %d\n%s", r.code, r.stderr)
	}
}

// TestDoctorSaysHowToFix: with nobody signed in, doctor fails and names
// the command that fixes it.
func TestDoctorSaysHowToFix(t *testing.T) {
	t.Parallel()
	r := seats(t, t.TempDir(), time.Minute, "--sandbox", "doctor")
	if r.code != exitError || !strings.Contains(r.stderr, "✗ Sign-in") || !strings.Contains(r.stderr, "fix: run `seats --sandbox login`") {
		t.Fatalf("doctor before login: exit %d\n%s", r.code, r.stderr)
	}
}
