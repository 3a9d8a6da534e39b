package pick

import (
	"testing"
)

// TestGateSaysWhatToChoose: continue pressed before a distributor is
// chosen, with a saved PSA this build no longer has, or with a changed
// choice not saved, says what to do; the root shows the gate's text as it
// is, and enter on the PSA list with no distributor says it too.
func TestGateSaysWhatToChoose(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{}, nil)
	want := "Continue needs a distributor: pick one with ↑/↓ and press enter"
	if err := f.model.Gate(); err == nil || err.Error() != want {
		t.Errorf("gate before any choice: %v", err)
	}
	f.driver.Press("tab", "enter")
	f.driver.Until("enter on the PSA list says a distributor is needed", func() bool { return f.harness.LastStatus() == want })

	f = newFixture(t, Options{Distributor: "pax8", PSA: "autotask"}, nil)
	if err := f.model.Gate(); err == nil || err.Error() != `Continue needs a PSA choice: pick one, or "None for now", and press enter` {
		t.Errorf("gate with a PSA no longer built: %v", err)
	}

	f = newFixture(t, Options{Distributor: "pax8", PSA: "connectwise"}, nil)
	f.driver.Press("down", "down", "down", " ") // None for now
	if err := f.model.Gate(); err == nil || err.Error() != "Your choice is not saved yet: press enter on the PSA list to save it and go on" {
		t.Errorf("gate after a change: %v", err)
	}
}
