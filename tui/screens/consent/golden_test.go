package consent

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
		keys          []string
		waitFor       string
	}{
		{"table", tuitest.Width, tuitest.Height, nil, "10 customers"},
		{"table_80x24", tuitest.SmallWidth, tuitest.SmallHeight, nil, "10 customers"},
		{"table_200x60", 200, 60, nil, "10 customers"},
		{"choose_option", tuitest.Width, tuitest.Height, []string{"down", "down", "down", "c"}, "Consent seats in"},
		{"filtered_by_status", tuitest.Width, tuitest.Height, []string{"s", "f"}, "Sort status"},
		{"search_empty", tuitest.Width, tuitest.Height, []string{"/"}, "/ name, domain or tenant id"},
		{"search_typing", tuitest.Width, tuitest.Height, []string{"/", "t", "o", "y", "s"}, "/ toys"},
		{"search_typing_80x24", tuitest.SmallWidth, tuitest.SmallHeight, []string{"/", "t", "o", "y", "s"}, "/ toys"},
		{"search_kept_200x60", 200, 60, []string{"/", "t", "o", "y", "s", "enter"}, `Search "toys"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tuitest.NewCommon(t, common.Deps{
				Customers: newFakeCustomers(sample()),
				OpenURL:   func(string) error { return nil },
			})
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(New(c)), tt.width, tt.height)
			tuitest.WaitForText(t, tm, "10 customers")
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
