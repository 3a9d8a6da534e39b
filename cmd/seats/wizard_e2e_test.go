package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxTerm drives the built binary in a real terminal (tmux), reading the
// screen as a person would.
type tmuxTerm struct {
	t      *testing.T
	socket string
	target string
}

func newTmux(t *testing.T, home, name string, width, height int, env []string, args ...string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("SEATS_E2E_REQUIRE_TMUX") != "" {
			t.Fatal("tmux is required for the wizard end-to-end test (SEATS_E2E_REQUIRE_TMUX is set)")
		}
		t.Skip("tmux not installed")
	}
	// One tmux server per run and test: other test processes (go test -count,
	// a second checkout) must never meet this one's sessions.
	socket := fmt.Sprintf("seats-e2e-%d-%s-%s", os.Getpid(), filepath.Base(filepath.Dir(home)), name)
	term := &tmuxTerm{t: t, socket: socket, target: "wizard"}
	script := filepath.Join(home, name+".sh")
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	for _, kv := range env {
		fmt.Fprintf(&b, "export %q\n", kv)
	}
	fmt.Fprintf(&b, "exec %q", seatsBin)
	for _, a := range args {
		fmt.Fprintf(&b, " %q", a)
	}
	b.WriteString("\n")
	if err := os.WriteFile(script, []byte(b.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	term.run("new-session", "-d", "-s", term.target, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), script+"; echo SEATS-EXITED $?; sleep 600")
	t.Cleanup(func() { exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *tmuxTerm) run(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (term *tmuxTerm) screen() string { return term.run("capture-pane", "-p", "-t", term.target) }

func (term *tmuxTerm) keys(keys ...string) {
	term.run(append([]string{"send-keys", "-t", term.target}, keys...)...)
}

// waitFor waits until the screen shows text, and returns the screen.
func (term *tmuxTerm) waitFor(text string, timeout time.Duration) string {
	term.t.Helper()
	return term.waitUntil(fmt.Sprintf("%q", text), timeout, func(s string) bool { return strings.Contains(s, text) })
}

// waitUntil waits until ok holds for the screen (a redraw may take a
// moment), and returns the screen.
func (term *tmuxTerm) waitUntil(what string, timeout time.Duration, ok func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := term.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %s; it shows:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pickAndConnect takes the wizard from step 1 through the Connect step:
// Pax8 and ConnectWise chosen, the Microsoft sign-in (approved by the
// sandbox), then both connect forms, whose secrets the sandbox supplies.
func pickAndConnect(term *tmuxTerm) {
	term.t.Helper()
	s := term.waitFor("Pick your distributor and PSA", time.Minute)
	for _, want := range []string{"Step 1 of 7", "Sherweb", "TD SYNNEX StreamOne Ion", "CSV file", "Autotask", "HaloPSA"} {
		if !strings.Contains(s, want) {
			term.t.Fatalf("step 1 lacks %q:\n%s", want, s)
		}
	}
	cursorTo(term, "Pax8")
	term.keys("Enter")
	term.waitFor("Chosen: Pax8", 10*time.Second)
	cursorTo(term, "ConnectWise PSA")
	term.keys("Enter")
	s = term.waitFor("Enter this code", time.Minute)
	if !strings.Contains(s, "Step 2 of 7") || !strings.Contains(s, "/devicelogin") {
		term.t.Fatalf("Connect screen:\n%s", s)
	}
	term.waitFor("Distributor: Pax8", time.Minute)
	enterThrough(term, 4, "✓ Pax8: 40 companies")
	term.waitFor("PSA: ConnectWise", 10*time.Second)
	enterThrough(term, 6, "✓ ConnectWise:")
}

// cursorTo moves the picker's cursor down to the kind named.
func cursorTo(term *tmuxTerm, name string) {
	term.t.Helper()
	for range 10 {
		if strings.Contains(term.screen(), "› ( ) "+name) {
			return
		}
		term.keys("Down")
		time.Sleep(150 * time.Millisecond)
	}
	term.t.Fatalf("the cursor never reached %s:\n%s", name, term.screen())
}

// enterThrough presses enter on each of a form's fields, the last one
// testing the connection, and waits for what the test shows.
func enterThrough(term *tmuxTerm, fields int, want string) {
	term.t.Helper()
	for range fields {
		term.keys("Enter")
		time.Sleep(300 * time.Millisecond)
	}
	term.waitFor(want, time.Minute)
}

// TestWizardOnSandbox runs the wizard from an empty home through every
// step by keyboard (pick, connect, consent, accounts, products, settings)
// to the licence tables, checks they read at 80x24 and 200x60, quits with
// Ctrl+C, and checks the next run opens on the summary of a set-up home.
func TestWizardOnSandbox(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	env := append(e2eEnv(home), "NO_COLOR=1")
	term := newTmux(t, home, "first", 100, 30, env, "--sandbox")
	pickAndConnect(term)
	term.keys("Enter") // Continue

	s := term.waitFor("Loaded 40 customers", time.Minute)
	// The refresh looks at every customer with usable GDAP: the two the
	// sandbox consented long ago are Ready at once, the others are not.
	for _, want := range []string{"Customers & consent", "Ready 2", "Not consented 38", "GDAP"} {
		if !strings.Contains(s, want) {
			t.Fatalf("customer screen lacks %q:\n%s", want, s)
		}
	}
	term.keys("a")
	term.waitFor("yes, consent them", 10*time.Second)
	term.keys("y")
	s = term.waitFor("Bulk consent finished", 2*time.Minute)
	if !strings.Contains(s, "✓") || !strings.Contains(s, "refused consent") {
		t.Fatalf("bulk consent result:\n%s", s)
	}
	term.keys("Enter") // close the results
	term.waitFor("✓ Ready", 10*time.Second)
	term.keys("Enter") // Continue

	// Accounts: every source is read first, then matched with evidence.
	s = term.waitFor("Pax8 40 accounts", 2*time.Minute)
	for _, want := range []string{"Step 4 of 7", "✓ auto", "tenant id", "conflict"} {
		if !strings.Contains(s, want) {
			t.Fatalf("accounts screen lacks %q:\n%s", want, s)
		}
	}
	term.keys("Enter")
	s = term.waitFor("Match products", time.Minute)
	term.waitFor("✓ auto", time.Minute)
	term.keys("y") // confirm the suggestion on the first row
	time.Sleep(500 * time.Millisecond)
	term.keys("Enter")
	s = term.waitFor("PSA writes are off", time.Minute)
	if !strings.Contains(s, "Step 6 of 7") {
		t.Fatalf("settings:\n%s", s)
	}
	term.keys("C-s")
	s = term.waitFor("money found", 2*time.Minute)
	if !strings.Contains(s, "Step 7 of 7") || !strings.Contains(s, "USD a month") {
		t.Fatalf("licence tables:\n%s", s)
	}

	// Readable at 80×24 and at 200×60: the header, the table and the footer
	// each still say what they should, whole, on their own lines.
	term.run("resize-window", "-t", term.target, "-x", "80", "-y", "24")
	term.waitUntil("a whole screen at 80×24", 10*time.Second, func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return len(lines) == 24 &&
			strings.Contains(lines[0], "Step 7 of 7") && strings.Contains(lines[0], "[SANDBOX]") &&
			strings.HasSuffix(strings.TrimSpace(lines[len(lines)-1]), "q quit") &&
			strings.Contains(s, "Customer") && strings.Contains(s, "found")
	})
	term.run("resize-window", "-t", term.target, "-x", "200", "-y", "60")
	term.waitFor("Owed back", 10*time.Second)

	// A customer, where its numbers come from, and the planned changes,
	// read-only while writes are off.
	term.keys("Enter")
	term.waitFor("Where from", 10*time.Second)
	term.keys("Escape")
	// An escape followed at once by a key reads as alt+key, so the next key
	// waits until the escape has been taken: back on the customer list.
	term.waitUntil("the customer list again", 10*time.Second, func(s string) bool {
		return !strings.Contains(s, "Where from")
	})
	term.keys("c")
	s = term.waitFor("Planned PSA changes", 30*time.Second)
	if !strings.Contains(s, "Read-only") {
		t.Fatalf("changes with writes off:\n%s", s)
	}

	term.keys("C-c")
	term.waitFor("SEATS-EXITED 0", 10*time.Second)

	// The next run opens on the summary of a set-up home.
	again := newTmux(t, home, "again", 100, 30, env, "--sandbox")
	s = again.waitFor("Welcome back", time.Minute)
	if !strings.Contains(s, "Ready customers 26") || !strings.Contains(s, "Pax8") {
		t.Fatalf("summary:\n%s", s)
	}
	again.keys("l")
	again.waitFor("money found", time.Minute)
	again.keys("q")
	again.waitFor("SEATS-EXITED 0", 10*time.Second)
}
