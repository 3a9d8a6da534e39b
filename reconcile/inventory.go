package reconcile

import (
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
)

// Inventory is what seats saw at one time, reduced to what a returning
// engineer asks about: which customers, which are Lost, which SKUs the
// tenants hold, which PSA items exist. The store keeps the one taken at the
// last run, so the next run can say what changed since.
type Inventory struct {
	TakenAt   time.Time         `json:"takenAt"`
	Customers map[string]string `json:"customers"` // tenant id -> name
	Lost      []string          `json:"lost"`      // tenant ids
	Skus      []string          `json:"skus"`      // SKU ids any tenant holds
	PSAItems  map[string]string `json:"psaItems"`  // catalogue item id -> description
}

// TakeInventory builds the inventory of what the store holds now.
func TakeInventory(now time.Time, customers []connectors.CustomerStatus, licences []connectors.LicenceSnapshot, psa *connectors.PSASnapshot) Inventory {
	inv := Inventory{TakenAt: now.UTC(), Customers: map[string]string{}, PSAItems: map[string]string{}}
	for _, c := range customers {
		inv.Customers[idKey(c.TenantID)] = c.Name
		if c.Consent.State == connectors.ConsentLost {
			inv.Lost = append(inv.Lost, idKey(c.TenantID))
		}
	}
	seen := map[string]bool{}
	for _, l := range licences {
		for _, s := range l.Skus {
			if id := idKey(s.SkuID); id != "" && !seen[id] {
				seen[id] = true
				inv.Skus = append(inv.Skus, id)
			}
		}
	}
	slices.Sort(inv.Skus)
	slices.Sort(inv.Lost)
	if psa != nil {
		for _, it := range psa.Catalog {
			inv.PSAItems[it.ID] = it.Description
		}
	}
	return inv
}

// ChangesSince is what changed between two inventories, named for people.
type ChangesSince struct {
	Since        time.Time `json:"since"`
	NewCustomers []string  `json:"newCustomers"`
	NewSkus      []string  `json:"newSkus"` // catalogue names
	NewPSAItems  []string  `json:"newPsaItems"`
	NowLost      []string  `json:"nowLost"` // customers that turned Lost since
}

// Empty reports whether nothing changed.
func (c ChangesSince) Empty() bool {
	return len(c.NewCustomers)+len(c.NewSkus)+len(c.NewPSAItems)+len(c.NowLost) == 0
}

// CompareInventories says what is new in now against prev. With no previous
// inventory (a zero TakenAt), nothing counts as new: a first run has no
// "since".
func CompareInventories(prev, now Inventory) ChangesSince {
	out := ChangesSince{Since: prev.TakenAt, NewCustomers: []string{}, NewSkus: []string{}, NewPSAItems: []string{}, NowLost: []string{}}
	if prev.TakenAt.IsZero() {
		return out
	}
	// What the last run had not read at all (no SKUs because no licence was
	// read yet, no PSA connected) is not new: it was unknown.
	for id, name := range now.Customers {
		if _, ok := prev.Customers[id]; !ok && len(prev.Customers) > 0 {
			out.NewCustomers = append(out.NewCustomers, name)
		}
	}
	for _, id := range now.Skus {
		if !slices.Contains(prev.Skus, id) && len(prev.Skus) > 0 {
			out.NewSkus = append(out.NewSkus, skus.DisplayName(id, ""))
		}
	}
	for id, name := range now.PSAItems {
		if _, ok := prev.PSAItems[id]; !ok && len(prev.PSAItems) > 0 {
			out.NewPSAItems = append(out.NewPSAItems, name)
		}
	}
	for _, id := range now.Lost {
		if !slices.Contains(prev.Lost, id) {
			out.NowLost = append(out.NowLost, now.Customers[id])
		}
	}
	for _, l := range [][]string{out.NewCustomers, out.NewSkus, out.NewPSAItems, out.NowLost} {
		slices.SortFunc(l, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	}
	return out
}
