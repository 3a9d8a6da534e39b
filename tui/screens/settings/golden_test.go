package settings

import (
	"testing"
	"time"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGolden pins the screen's look at 80x24 and 120x40 with the ASCII
// profile. Run `go test ./tui/... -update` after an intended change.
func TestGolden(t *testing.T) {
	t.Parallel()
	var rerun config.Settings
	rerun.Billing.Basis = config.BasisAssigned
	rerun.Reconcile.Tolerance = 1
	rerun.Reconcile.IgnoreProducts = []string{skuA}
	rerun.Sync.Concurrency = 4
	rerun.Sync.StaleAfter = 12 * time.Hour
	rerun.PSA.WriteEnabled = true
	rerun.PSA.EffectiveDate = config.EffectiveNextMonth
	tests := []struct {
		name          string
		width, height int
		current       config.Settings
		waitFor       string
	}{
		{"defaults_80x24", 80, 24, config.Settings{}, "Bill customers for"},
		{"defaults_120x40", 120, 40, config.Settings{}, "PSA changes take effect"},
		{"rerun_120x40", 120, 40, rerun, "PSA changes take effect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := tuitest.NewCommon(t, common.Deps{})
			m := New(c, tt.current, func(map[string]any) error { return nil })
			tm := tuitest.NewTestModel(t, tuitest.NewHarness(m), tt.width, tt.height)
			tuitest.WaitForText(t, tm, tt.waitFor)
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}

// TestGoldenBadValue pins a value refused on save: the failure, naming the
// setting, over the form, and the field in front.
func TestGoldenBadValue(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		f := newFixture(t, config.Settings{}, nil)
		f.model.SetSize(size[0], size[1])
		f.focus(config.KeyStaleAfter)
		f.retype("2 days")
		f.driver.Press("ctrl+s")
		t.Run(map[int]string{80: "80x24", 120: "120x40"}[size[0]], func(t *testing.T) {
			tuitest.RequireGolden(t, f.model.View())
		})
	}
}
