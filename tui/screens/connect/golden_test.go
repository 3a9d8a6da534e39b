package connect

import (
	"testing"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins the screen's look at fixed sizes with the ASCII profile.
// Run `go test ./tui/... -update` after an intended change.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		width, height int
		signedIn      bool
		waitFor       string
	}{
		{"code_shown", tuitest.Width, tuitest.Height, false, "Expires in 15:00"},
		{"code_shown_80x24", tuitest.SmallWidth, tuitest.SmallHeight, false, "Expires in 15:00"},
		{"signed_in", tuitest.Width, tuitest.Height, true, "Signed in as"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := tuitest.NewClock(tuitest.Epoch)
			fs := newFakeSession(clock.Now)
			if tt.signedIn {
				fs.account, fs.signedIn = alex, true
			}
			c, _ := tuitest.NewCommon(t, common.Deps{
				Session: fs,
				Now:     clock.Now,
				OpenURL: func(string) error { return nil },
			})
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(New(c, nil)), tt.width, tt.height)
			tuitest.WaitForText(t, tm, tt.waitFor)
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}
