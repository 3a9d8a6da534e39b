package common

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Calls asked for while one is out wait, and start one at a time, in order,
// as each answer comes back.
func TestSerialRunsOneAtATimeInOrder(t *testing.T) {
	t.Parallel()
	var s Serial
	call := func(name string) tea.Cmd { return func() tea.Msg { return name } }
	started := func(cmd tea.Cmd) string {
		t.Helper()
		if cmd == nil {
			return ""
		}
		msg := cmd()
		if m, ok := msg.(ScreenMsg); ok {
			return m.Msg.(string)
		}
		return msg.(string)
	}
	if got := started(s.Run(ScreenAccounts, call("a"))); got != "a" || !s.Busy() {
		t.Fatalf("first call started %q, busy %v", got, s.Busy())
	}
	if s.Run(ScreenAccounts, call("b")) != nil || s.Run(ScreenAccounts, call("c")) != nil {
		t.Fatal("a call started while another was out")
	}
	for _, want := range []string{"b", "c", ""} {
		if got := started(s.Next(ScreenAccounts)); got != want {
			t.Fatalf("next started %q, want %q", got, want)
		}
	}
	if !s.Idle() {
		t.Error("not idle after every call answered")
	}
}
