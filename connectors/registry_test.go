package connectors

import "testing"

// The picker lists the services by name, and a fallback (a CSV file) after
// them, whatever the order they registered in.
func TestRegistryListsFallbacksLast(t *testing.T) {
	r := NewRegistry()
	r.Register(Info{Name: "csv", DisplayName: "CSV file", Kind: KindDistributor, Fallback: true})
	r.Register(Info{Name: "sherweb", DisplayName: "Sherweb", Kind: KindDistributor})
	r.Register(Info{Name: "pax8", DisplayName: "Pax8", Kind: KindDistributor})
	r.Register(Info{Name: "connectwise", DisplayName: "ConnectWise PSA", Kind: KindPSA})
	var got []string
	for _, info := range r.List(KindDistributor) {
		got = append(got, info.Name)
	}
	if len(got) != 3 || got[0] != "pax8" || got[1] != "sherweb" || got[2] != "csv" {
		t.Errorf("distributors listed %v; want pax8, sherweb, then csv", got)
	}
}

func TestRegistryDisplayName(t *testing.T) {
	r := NewRegistry()
	r.Register(Info{Name: "pax8", DisplayName: "Pax8", Kind: KindDistributor})
	for _, tt := range []struct{ name, fallback, want string }{
		{"pax8", "distributor", "Pax8"},
		{"ingram", "distributor", "ingram"}, // not built in: as given
		{"", "the PSA", "the PSA"},          // none chosen
	} {
		if got := r.DisplayName(tt.name, tt.fallback); got != tt.want {
			t.Errorf("DisplayName(%q, %q) = %q, want %q", tt.name, tt.fallback, got, tt.want)
		}
	}
}
