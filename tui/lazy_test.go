package tui

import (
	"testing"

	"github.com/seats-msp/seats/tui/common"
)

func TestLazyBuildsOnFirstEntry(t *testing.T) {
	t.Parallel()
	builds := 0
	l := Lazy(common.ScreenLicences, func() common.Screen {
		builds++
		return &fakeScreen{id: common.ScreenLicences}
	})
	l.SetSize(80, 20)
	if builds != 0 || l.Gate() == nil || l.View() != "" || l.ID() != common.ScreenLicences {
		t.Fatalf("before Init: %d builds, gate %v", builds, l.Gate())
	}
	if s, _ := l.Update(nil); s != l {
		t.Error("Update before Init replaced the step")
	}
	l.Init()
	l.Init()
	if builds != 1 {
		t.Errorf("built %d times, want once", builds)
	}
	if s, _ := l.Update(nil); s != l {
		t.Error("Update replaced the step: the root would lose the wrapper")
	}
}
