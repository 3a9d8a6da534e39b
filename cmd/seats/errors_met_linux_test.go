package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openTerminal opens a pseudo-terminal: seats reads from tty as from a
// person's terminal, and what is written to keys arrives there as typed.
func openTerminal(t *testing.T) (keys, tty *os.File) {
	t.Helper()
	keys, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { keys.Close() })
	if err := unix.IoctlSetPointerInt(int(keys.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(keys.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return keys, tty
}

// TestConnectAtATerminalWithNothingTyped: asked for a setting or a secret
// at a terminal, a person who only presses enter changes nothing.
func TestConnectAtATerminalWithNothingTyped(t *testing.T) {
	p := newInProcess(t)
	tests := []struct {
		args   []string
		prompt string
		want   string
	}{
		{[]string{"connect", "distributor", "--kind", "sherweb"}, "Client id (", "nothing typed: nothing was changed"},
		{[]string{"connect", "distributor", "--kind", "sherweb", "--client-id", "my-app"}, "Client secret (typed, not shown): ", "no client secret typed: nothing was changed"},
	}
	for _, tt := range tests {
		keys, tty := openTerminal(t)
		enter := &onText{text: tt.prompt, do: func() {
			if _, err := keys.Write([]byte("\r")); err != nil {
				t.Error(err)
			}
		}}
		r := p.run(context.Background(), tty, enter, tt.args...)
		if r.code != exitError || !says(r.stderr, tt.want) {
			t.Errorf("seats %s, enter pressed: exit %d, want it to say %q:\n%s", strings.Join(tt.args, " "), r.code, tt.want, r.stderr)
		}
		if _, err := os.Stat(p.home + "/config.yaml"); err == nil {
			t.Errorf("seats %s saved settings with nothing typed", strings.Join(tt.args, " "))
		}
	}
}
