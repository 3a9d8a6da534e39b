package products

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
	noPSA.PSAKind, noPSA.Catalog = "", nil
	down := func(n int) []string {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = "down"
		}
		return keys
	}
	tests := []struct {
		name          string
		width, height int
		view          workflow.MatchView
		keys          []string
		waitFor       string
	}{
		{"table_80x24", 80, 24, sample(), nil, "7 products"},
		{"table_120x40", 120, 40, sample(), nil, "7 products"},
		{"suggested_selected_120x40", 120, 40, sample(), down(5), "y confirms"},
		{"free_shown_80x24", 80, 24, sample(), []string{"t"}, "Free/trial shown"},
		{"item_picker_80x24", 80, 24, sample(), append(down(5), "p"), "Pick the ConnectWise PSA item"},
		{"item_picker_120x40", 120, 40, sample(), append(down(6), "p"), "Pick the ConnectWise PSA item"},
		{"sku_picker_120x40", 120, 40, sample(), []string{"p", "b", "u", "s", "i", "n", "e", "s", "s"}, "/ business"},
		{"no_psa_80x24", 80, 24, noPSA, nil, "PSA not connected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tuitest.NewCommon(t, common.Deps{})
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(New(c, newFakeMatcher(tt.view))), tt.width, tt.height)
			tuitest.WaitForText(t, tm, "7 products")
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
