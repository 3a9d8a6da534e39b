package sandbox

import (
	"testing"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// TestFaultsReachEverySource: the sandbox's fault settings spoil the
// answers of every distributor and PSA, not only Microsoft's, and SetFaults
// stops them everywhere.
func TestFaultsReachEverySource(t *testing.T) {
	t.Parallel()
	o := testOptions(t.TempDir(), nil)
	o.Faults = msfake.Faults{Rate: 1, Kinds: []msfake.Fault{msfake.FaultDrop}, Seed: 5}
	s := start(t, o)
	c := trustingClient(t, s.CAFile())
	get := func(path string) error {
		resp, err := c.Get(s.URL() + path)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	paths := map[string]string{
		"Graph": "/graph/v1.0/tenantRelationships/delegatedAdminRelationships",
	}
	for _, prefix := range sourcePrefixes {
		paths[prefix] = prefix + "/any/path"
	}
	for name, path := range paths {
		if err := get(path); err == nil {
			t.Errorf("%s answered under drop faults at rate 1", name)
		}
	}
	s.SetFaults(msfake.Faults{})
	for name, path := range paths {
		if err := get(path); err != nil {
			t.Errorf("%s still faulty after SetFaults(zero): %v", name, err)
		}
	}
	if err := get(HealthPath); err != nil {
		t.Errorf("health: %v", err)
	}
}

func TestSourceFaultsKeepTheSettingsWithTheirOwnSeed(t *testing.T) {
	t.Parallel()
	f := msfake.Faults{Rate: 0.3, Kinds: []msfake.Fault{msfake.FaultCut}, Seed: 10}
	a, b := sourceFaults(f, 1), sourceFaults(f, 2)
	if a.Rate != 0.3 || len(a.Kinds) != 1 || string(a.Kinds[0]) != "cut" || a.Seed == b.Seed || a.Seed == 0 {
		t.Errorf("sourceFaults: %+v, %+v", a, b)
	}
	if sourceFaults(msfake.Faults{Rate: 1}, 3).Seed != 0 {
		t.Error("no seed given must stay no seed (the clock picks one)")
	}
}
