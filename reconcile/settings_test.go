package reconcile

import (
	"testing"
	"time"
)

// TestZeroSettingsAreTheDefaults: basis distributor, tolerance 0.
func TestZeroSettingsAreTheDefaults(t *testing.T) {
	t.Parallel()
	if (Settings{Tolerance: -3}).tolerance() != 0 || (Settings{}).basis() != BasisDistributor {
		t.Error("zero settings are not the defaults")
	}
}

func TestSourceString(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		s    Source
		want string
	}{
		{Source{}, ""},
		{Source{System: "pax8", What: "subscriptions", IDs: []string{"s1", "s2"}, TakenAt: at, Note: "annual price / 12"},
			"pax8 subscriptions s1, s2 (read 2025-03-01 09:00 UTC; annual price / 12)"},
		{Source{System: "psa", What: "billing lines", IDs: []string{"1", "2", "3", "4", "5", "6", "7"}},
			"psa billing lines 1, 2, 3, 4, 5 and 2 more"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestAccountMappingState(t *testing.T) {
	t.Parallel()
	auto := AccountMatch{AccountID: "a", State: StateAuto}
	tests := []struct {
		m    AccountMapping
		want MatchState
	}{
		{AccountMapping{}, StateUnmapped},
		{AccountMapping{Distributor: auto, PSA: HandMatch("c", "C")}, StateAuto},
		{AccountMapping{Distributor: auto, PSA: AccountMatch{AccountID: "c", State: StateSuggested}}, StateSuggested},
		{AccountMapping{Distributor: HandMatch("d", "D"), PSA: AccountMatch{State: StateConfirmed}}, StateUnmapped}, // confirmed "no account"
		{AccountMapping{Excluded: true, Distributor: auto, PSA: auto}, StateExcluded},
	}
	for _, tt := range tests {
		if got := tt.m.State(); got != tt.want {
			t.Errorf("State() of %+v = %s, want %s", tt.m, got, tt.want)
		}
	}
}
