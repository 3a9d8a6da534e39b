package products

import (
	"slices"
	"testing"

	"github.com/seats-msp/seats/reconcile"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestGateSaysWhyNotYet: continue pressed while the first pass still runs,
// with no product seen, or with none matched, says what to do; the root
// shows the gate's text as it is.
func TestGateSaysWhyNotYet(t *testing.T) {
	t.Parallel()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	s := New(c, newFakeMatcher(sample()))
	s.SetSize(140, 40)
	s.Init()
	if err := s.Gate(); err == nil || err.Error() != "Still matching products: wait for the automatic pass to finish" {
		t.Errorf("gate while matching: %v", err)
	}

	empty := sample()
	empty.Products = nil
	if err := setup(t, empty, 140, 40).screen.Gate(); err == nil ||
		err.Error() != "No Microsoft products seen yet: run a sync (seats sync) so seats reads the tenants' licences and the distributor's subscriptions, then press r here" {
		t.Errorf("gate with no products: %v", err)
	}

	unmatchedAll := sample()
	unmatchedAll.Products = slices.DeleteFunc(slices.Clone(unmatchedAll.Products), func(p reconcile.ProductMatch) bool { return p.Matched() })
	if err := setup(t, unmatchedAll, 140, 40).screen.Gate(); err == nil ||
		err.Error() != "Continue needs one product matched to a PSA catalogue item: confirm a suggestion with y, or pick an item with p" {
		t.Errorf("gate with none matched: %v", err)
	}
}
