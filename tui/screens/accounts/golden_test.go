package accounts

import (
	"testing"

	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins the screen's look at 80x24 and 120x40 with the ASCII
// profile. Run `go test ./tui/... -update` after an intended change.
func TestGolden(t *testing.T) {
	t.Parallel()
	noPSA := sample()
	noPSA.PSAKind, noPSA.PSACompanies = "", nil
	tests := []struct {
		name          string
		width, height int
		view          workflow.MatchView
		keys          []string
		waitFor       string
	}{
		{"table_80x24", 80, 24, sample(), nil, "11 customers"},
		{"table_120x40", 120, 40, sample(), nil, "11 customers"},
		{"todo_80x24", 80, 24, sample(), []string{"f"}, "Filter To do"},
		{"suggested_selected_120x40", 120, 40, sample(), []string{"down", "down", "down", "down"}, "y confirms"},
		{"picker_80x24", 80, 24, sample(), []string{"down", "down", "down", "down", "p"}, "Pick the ConnectWise PSA company of Litware Inc"},
		{"picker_search_120x40", 120, 40, sample(), []string{"p", "t", "o", "y", "s"}, "/ toys"},
		{"search_typing_80x24", 80, 24, sample(), []string{"/", "t", "o", "y", "s"}, "/ toys"},
		{"no_psa_120x40", 120, 40, noPSA, nil, "PSA not connected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tuitest.NewCommon(t, common.Deps{})
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(New(c, newFakeMatcher(tt.view))), tt.width, tt.height)
			tuitest.WaitForText(t, tm, "11 customers")
			for _, k := range tt.keys {
				tm.Send(tuitest.Key(k))
			}
			if len(tt.keys) > 0 {
				tuitest.WaitForText(t, tm, tt.waitFor)
			}
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}
