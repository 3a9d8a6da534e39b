package sourceform

import (
	"errors"
	"testing"
	"time"

	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins the form's look at 80x24 and 120x40 with the ASCII
// profile. Run `go test ./tui/... -update` after an intended change.
func TestGolden(t *testing.T) {
	t.Parallel()
	connected := &Connection{Summary: summary, CheckedAt: tuitest.Epoch.Add(-26 * time.Hour)}
	tests := []struct {
		name          string
		width, height int
		connected     *Connection
		waitFor       string
	}{
		{"new_80x24", 80, 24, nil, "Client secret"},
		{"new_120x40", 120, 40, nil, "Client secret"},
		{"connected_80x24", 80, 24, connected, "Press c to change"},
		{"connected_120x40", 120, 40, connected, "Press c to change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tt.connected)
			tm := tuitest.NewTestModel(t, f.harness, tt.width, tt.height)
			tuitest.WaitForText(t, tm, tt.waitFor)
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}

// TestGoldenAfterTyping pins the states reached by typing: the test
// failed (secret masked, the error as what to fix), the test running, and
// a change of a connected source. Typing moves between fields with
// commands, so the Driver waits for each.
func TestGoldenAfterTyping(t *testing.T) {
	t.Parallel()
	refused := errors.New("Pax8 refused the client secret: check it in the Pax8 app (Integrations → API credentials), or create a new one.")
	tests := []struct {
		name          string
		width, height int
		connected     bool
		testErr       error
		block         bool
		keys          []string
		values        []string
	}{
		{"failed_80x24", 80, 24, false, refused, false, nil, []string{"client-123", typedSecret, "https://api.pax8.com/v1"}},
		{"failed_120x40", 120, 40, false, refused, false, nil, []string{"client-123", typedSecret, "https://api.pax8.com/v1"}},
		{"testing_80x24", 80, 24, false, nil, true, nil, []string{"client-123", typedSecret, "https://api.pax8.com/v1"}},
		{"change_80x24", 80, 24, true, nil, false, []string{"c"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var conn *Connection
			if tt.connected {
				conn = &Connection{Summary: summary, CheckedAt: tuitest.Epoch}
			}
			f := newFixture(t, conn)
			f.host.SetSize(tt.width, tt.height)
			f.src.set(func(s *fakeSource) { s.testErr, s.block = tt.testErr, tt.block })
			f.driver.Press(tt.keys...)
			f.fill(tt.values...)
			switch {
			case tt.testErr != nil:
				f.driver.Until("the failure shows", func() bool { return f.model().failure != "" })
			case tt.block:
				f.driver.Until("the test runs", func() bool { return f.model().state == stateTesting })
			}
			f.noSecretShown()
			tuitest.RequireGolden(t, f.host.View())
		})
	}
}
