package accounts

import (
	"testing"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGateSaysWhyNotYet: continue pressed while the first pass still runs,
// or with nothing read from either side, says what to do; the root shows
// the gate's text as it is.
func TestGateSaysWhyNotYet(t *testing.T) {
	t.Parallel()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	s := New(c, newFakeMatcher(sample()))
	s.SetSize(120, 40)
	s.Init()
	if err := s.Gate(); err == nil || err.Error() != "Still matching accounts: wait for the automatic pass to finish" {
		t.Errorf("gate while matching: %v", err)
	}

	nothing := sample()
	nothing.PSAKind, nothing.DistributorKind = "", ""
	f := setup(t, nothing, 120, 40)
	if err := f.screen.Gate(); err == nil || err.Error() != "Nothing to match yet: seats has read no distributor accounts or PSA companies. Run a sync (seats sync), then press r here" {
		t.Errorf("gate with nothing read: %v", err)
	}
}
