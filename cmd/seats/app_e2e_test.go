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
	if r.code != exitError || !strings.Contains(r.stderr, "✗ Sign-in") || !strings.Contains(r.stderr, "fix: run `seats --sandbox login`") ||
		!strings.Contains(strings.ToLower(r.stderr), "some checks failed") {
		t.Fatalf("doctor before login: exit %d\n%s", r.code, r.stderr)
	}
}

// TestWizardSignsInWithTheCreatedApplication: after seats app create on the
// sandbox from an empty home, the wizard at 80x24 signs in as the created
// application (the readiness check names its id), and at 80x24 a letter
// pair read at once moves twice, q asks while a bulk consent runs.
func TestWizardSignsInWithTheCreatedApplication(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	r := seats(t, home, 2*time.Minute, "--sandbox", "app", "create")
	if r.code != 0 {
		t.Fatalf("app create: exit %d\n%s", r.code, r.stderr)
	}
	cfg, _ := os.ReadFile(filepath.Join(home, "sandbox", "config.yaml"))
	id := strings.TrimSpace(strings.SplitN(strings.SplitN(string(cfg), "client_id:", 2)[1], "\n", 2)[0])

	env := append(e2eEnv(home), "NO_COLOR=1", "SEATS_SANDBOX_LATENCY=300ms")
	term := newTmux(t, home, "created", 80, 24, env, "--sandbox")
	pickAndConnect(term)
	s := term.waitFor("client id "+id, time.Minute)
	if !strings.Contains(s, "Permissions · all 4 delegated permissions consented") {
		t.Fatalf("the readiness check after sign-in:\n%s", s)
	}
	term.keys("Enter")
	term.waitFor("Loaded 40 customers", time.Minute)
	term.keys("jj")
	s = term.waitUntil("the cursor on the third row", 10*time.Second, func(s string) bool {
		lines := strings.Split(s, "\n")
		return len(lines) > 9 && strings.HasPrefix(lines[9], "›")
	})
	term.keys("a")
	term.waitFor("yes, consent them", 10*time.Second)
	term.keys("y")
	term.waitFor("Consenting eligible customers", 10*time.Second)
	term.keys("q")
	term.waitFor("Quit? y quits", 10*time.Second)
	term.keys("n")
	term.waitFor("Bulk consent finished", 2*time.Minute)
	term.keys("Enter", "q")
	term.waitFor("SEATS-EXITED 0", 30*time.Second)
}
