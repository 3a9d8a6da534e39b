package stepper

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func steps() []Step {
	return []Step{
		{common.ScreenDistributor, Soon},
		{common.ScreenConnect, Done},
		{common.ScreenConsent, Current},
		{common.ScreenAccounts, Soon},
		{common.ScreenProducts, Soon},
		{common.ScreenSettings, Soon},
		{common.ScreenLicences, Soon},
	}
}

func TestView(t *testing.T) {
	t.Parallel()
	styles := common.DefaultStyles()
	tests := []struct {
		name    string
		width   int
		sandbox bool
		want    []string
		not     []string
	}{
		{"wide", 200, true, []string{"seats · Step 3 of 7 · Customers & consent", "✓ done  ● current  ○ to do  ◌ soon", "[SANDBOX]",
			"◌ Distributor (soon)  ✓ Connect  ● Consent  ◌ Accounts (soon)"}, nil},
		{"100 columns", 100, false, []string{"Step 3 of 7", "◌ Distributor  ✓ Connect  ● Consent  ◌ Accounts  ◌ Products  ◌ Settings  ◌ Licences", "◌ = coming soon"}, []string{"[SANDBOX]", "(soon)"}},
		{"80 columns with badge", 80, true, []string{"[SANDBOX]", "◌ Distributor ✓ Connect ● Consent ◌ Accounts ◌ Products ◌ Settings ◌ Licences"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := ansi.Strip(View(styles, steps(), tt.width, tt.sandbox))
			for _, l := range strings.Split(v, "\n") {
				if w := ansi.StringWidth(l); w > tt.width {
					t.Errorf("line of %d cells in %d: %q", w, tt.width, l)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("header lacks %q:\n%s", w, v)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(v, n) {
					t.Errorf("header should not have %q:\n%s", n, v)
				}
			}
		})
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	tuitest.RequireGolden(t, View(common.DefaultStyles(), steps(), tuitest.Width, true))
}
