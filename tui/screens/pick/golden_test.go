package pick

import (
	"testing"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins the screen's look at 80x24 and 120x40 with the ASCII
// profile. Run `go test ./tui/... -update` after an intended change.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		width, height int
		opts          Options
		keys          []string
		waitFor       string
	}{
		{"first_run_80x24", 80, 24, Options{}, nil, "Chosen: nothing chosen yet"},
		{"first_run_120x40", 120, 40, Options{}, nil, "Chosen: nothing chosen yet"},
		{"coming_highlighted_80x24", 80, 24, Options{}, []string{"down", "down"}, "is coming in a later version"},
		{"psa_list_80x24", 80, 24, Options{}, []string{"enter"}, "Chosen: Pax8, PSA not chosen yet"},
		{"rerun_120x40", 120, 40, Options{Distributor: "pax8", PSA: ""}, nil, "Chosen: Pax8, no PSA for now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tuitest.NewCommon(t, common.Deps{})
			opts := tt.opts
			opts.Distributors, opts.PSAs = distributors(), psas()
			opts.Save = func(string, string) error { return nil }
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(New(c, opts)), tt.width, tt.height)
			for _, k := range tt.keys {
				tm.Send(tuitest.Key(k))
			}
			tuitest.WaitForText(t, tm, tt.waitFor)
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}
