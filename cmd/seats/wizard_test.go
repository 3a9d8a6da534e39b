package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestHeldWriterShowsEarlyLinesInside: lines written before the wizard
// starts are handed to it; what comes later reaches stderr after the
// wizard ends, and nothing is lost or printed twice.
func TestHeldWriterShowsEarlyLinesInside(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	h := &heldWriter{w: &stderr}
	fmt.Fprintln(h, "warning: no OS keyring; secrets go to /home/x/secrets")
	fmt.Fprintln(h, "sandbox: serving 40 customers")
	if got := h.lines(); !slices.Equal(got, []string{"warning: no OS keyring; secrets go to /home/x/secrets", "sandbox: serving 40 customers"}) {
		t.Fatalf("lines = %q", got)
	}
	if stderr.Len() != 0 {
		t.Fatalf("printed behind the wizard: %q", stderr.String())
	}
	fmt.Fprintln(h, "during the wizard")
	h.release()
	fmt.Fprintln(h, "after")
	if stderr.String() != "during the wizard\nafter\n" {
		t.Fatalf("stderr = %q", stderr.String())
	}
}

func TestWarningsKeepOnlyWarnings(t *testing.T) {
	t.Parallel()
	got := warnings([]string{"sandbox: serving 40 customers at https://127.0.0.1:1", "warning: no OS keyring; secrets go to /x/secrets",
		"sandbox: keeping the existing world in /x (seed 3, 8 customers): a seed or size applies to a new world only"})
	if len(got) != 2 || !strings.HasPrefix(got[0], "warning:") || !strings.Contains(got[1], "keeping the existing world") {
		t.Fatalf("warnings = %q", got)
	}
}

// TestDumbTerminalGetsPlainText: TERM=dumb gets a message, not a full
// screen it cannot draw.
func TestDumbTerminalGetsPlainText(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cmd := exec.Command(seatsBin, "--sandbox")
	cmd.Env = append(e2eEnv(home), "TERM=dumb")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitError || !strings.Contains(stderr.String(), "TERM=dumb") {
		t.Fatalf("TERM=dumb: %v\n%s", err, stderr.String())
	}
}
