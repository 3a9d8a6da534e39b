package licences

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/seats-msp/seats/tui/common"
)

// TestViewsFit: in colour as without, every line of every view fits the
// width, and no view is taller than the screen, so the root's layout holds.
func TestViewsFit(t *testing.T) {
	t.Parallel()
	views := []struct {
		name  string
		setup func(f *fixture)
	}{
		{"portfolio", func(*fixture) {}},
		{"customer", func(f *fixture) { f.openCustomer("Contoso Ltd") }},
		{"customer expanded", func(f *fixture) {
			f.openCustomer("Contoso Ltd")
			f.press("down", "down", "down", "enter")
		}},
		{"microsoft only", func(f *fixture) { f.openCustomer("Northwind Traders") }},
		{"changes", func(f *fixture) { f.openChanges() }},
		{"confirm", func(f *fixture) {
			f.openChanges()
			f.press("a", "enter")
		}},
		{"results", func(f *fixture) {
			f.applier.outcomes = mixedOutcomes()
			f.openChanges()
			f.press("a", "enter", "y")
			f.driver.Until("the results", func() bool { return f.model.changes.step == stepResults })
		}},
		{"audit", func(f *fixture) {
			f.press("A")
			f.driver.Until("the log", func() bool { return f.model.audit.loaded })
		}},
	}
	for _, colour := range []bool{false, true} {
		for _, size := range []struct{ w, h int }{{80, 24}, {100, 30}, {120, 40}, {200, 60}} {
			for _, v := range views {
				t.Run(fmt.Sprintf("%s_%dx%d_colour=%v", v.name, size.w, size.h, colour), func(t *testing.T) {
					t.Parallel()
					f := newFixture(t, size.w, size.h)
					if colour {
						r := lipgloss.NewRenderer(io.Discard)
						r.SetColorProfile(termenv.TrueColor)
						f.model.c.Styles = common.NewStyles(r, common.DefaultPalette())
					}
					v.setup(f)
					view := f.model.View()
					if colour && !strings.Contains(view, "\x1b[") {
						t.Fatal("no colour in the colour view")
					}
					lines := strings.Split(view, "\n")
					if len(lines) > size.h {
						t.Errorf("%d lines on a screen of %d", len(lines), size.h)
					}
					for i, l := range lines {
						if w := ansi.StringWidth(l); w > size.w {
							t.Errorf("line %d is %d wide, over %d: %q", i, w, size.w, ansi.Strip(l))
						}
					}
				})
			}
		}
	}
}
