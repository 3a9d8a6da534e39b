package reconcile

import (
	"strings"
)

// BillingBasis says which quantity a customer should be billed for.
type BillingBasis string

// The billing bases, spelled as config.yaml's billing.basis spells them.
const (
	// BasisDistributor bills what the distributor sells the customer
	// (purchased seats): the MSP passes on what it pays for.
	BasisDistributor BillingBasis = "distributor"
	// BasisAssigned bills the licences assigned to users in the tenant.
	BasisAssigned BillingBasis = "assigned"
)

// Settings are the reconcile rules the engineer chose (config.yaml's
// billing.* and reconcile.* keys). The zero Settings are the defaults:
// basis distributor, no trials, no free SKUs, tolerance 0, nothing ignored.
type Settings struct {
	BillingBasis  BillingBasis // "" means BasisDistributor
	IncludeTrials bool         // count distributor trial subscriptions as purchased
	IncludeFree   bool         // show free and trial SKUs and report findings on them
	// Tolerance is the difference in seats that is ignored: a finding needs
	// a difference greater than it. Negative values count as 0.
	Tolerance int
	// IgnoreProducts are SKU ids (any case) that never produce findings;
	// their rows are still shown, marked ignored.
	IgnoreProducts []string
}

func (s Settings) basis() BillingBasis {
	if s.BillingBasis == BasisAssigned {
		return BasisAssigned
	}
	return BasisDistributor
}

func (s Settings) tolerance() int {
	if s.Tolerance < 0 {
		return 0
	}
	return s.Tolerance
}

func (s Settings) ignored() map[string]bool {
	m := make(map[string]bool, len(s.IgnoreProducts))
	for _, id := range s.IgnoreProducts {
		m[idKey(id)] = true
	}
	return m
}

// idKey is how ids are compared: GUIDs come in either case from different
// APIs, and with stray white space from CSV files.
// Most ids arrive clean; those are returned as they are, without the
// copies ToLower and TrimSpace would scan for.
func idKey(id string) string {
	for i := 0; i < len(id); i++ {
		if c := id[i]; c >= 0x80 || 'A' <= c && c <= 'Z' || c <= ' ' {
			return strings.ToLower(strings.TrimSpace(id))
		}
	}
	return id
}
