package summary

import (
	"testing"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins the screen's look at 80x24 and 120x40 with the ASCII
// profile. Run `go test ./tui/... -update` after an intended change.
func TestGolden(t *testing.T) {
	t.Parallel()
	calm := sample()
	calm.Unmapped = Unmapped{}
	calm.Since = SinceLastRun{LastRun: calm.Since.LastRun}
	calm.PSA = ""
	calm.Sources = calm.Sources[:2]
	tests := []struct {
		name          string
		width, height int
		data          Data
	}{
		{"full_80x24", 80, 24, sample()},
		{"full_120x40", 120, 40, sample()},
		{"nothing_to_do_80x24", 80, 24, calm},
		{"nothing_to_do_120x40", 120, 40, calm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tuitest.NewCommon(t, common.Deps{})
			s := New(c, Options{ID: screenID, Data: tt.data, Sync: (&fakeSync{data: tt.data}).sync})
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(s), tt.width, tt.height)
			tuitest.WaitForText(t, tm, "Welcome back")
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}
