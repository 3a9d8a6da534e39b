package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
)

// ProductKey is what a PSA catalogue item is matched for: one Microsoft SKU
// on one term. Monthly and annual seats of one SKU are usually billed as
// different PSA items (or on different agreements), so they are matched
// apart.
type ProductKey struct {
	SkuID string          `json:"skuId"` // lower case
	Term  connectors.Term `json:"term"`
}

func productKeyOf(skuID string, term connectors.Term) ProductKey {
	return ProductKey{SkuID: idKey(skuID), Term: term}
}

// ProductSeen is one (SKU, term) the data holds, for the product screen.
type ProductSeen struct {
	ProductKey
	SkuPartNumber string
	// TermAssumed is set for a SKU that only the tenants show (bought
	// elsewhere, or no distributor connected): no subscription gives its
	// term, so monthly is assumed, as seats bought outside a commitment
	// are billed.
	TermAssumed bool
}

// ProductsSeen lists every (SKU, term) in the data: the terms of the
// distributor subscriptions tied to each SKU, and monthly for SKUs only the
// tenants show. Sorted by SKU name, then term.
func ProductsSeen(ties []SkuTie, subs []connectors.DistributorSubscription, licences []connectors.LicenceSnapshot) []ProductSeen {
	tix := tieIndex(ties)
	seen := map[ProductKey]ProductSeen{}
	fromDist := map[string]bool{}
	for _, s := range subs {
		sku := skuOf(s, tix)
		if sku == "" || s.Term == connectors.TermUnknown || s.Term == "" {
			continue
		}
		fromDist[sku] = true
		k := productKeyOf(sku, s.Term)
		_, part := skuDisplay(sku, tix[idKey(productID(s.Product))].SkuPartNumber)
		seen[k] = ProductSeen{ProductKey: k, SkuPartNumber: part}
	}
	for _, l := range licences {
		for _, s := range l.Skus {
			sku := idKey(s.SkuID)
			if sku == "" || fromDist[sku] {
				continue
			}
			k := productKeyOf(sku, connectors.TermMonthly)
			seen[k] = ProductSeen{ProductKey: k, SkuPartNumber: s.SkuPartNumber, TermAssumed: true}
		}
	}
	out := make([]ProductSeen, 0, len(seen))
	for _, p := range seen {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b ProductSeen) int {
		an, _ := skuDisplay(a.SkuID, a.SkuPartNumber)
		bn, _ := skuDisplay(b.SkuID, b.SkuPartNumber)
		return cmp.Or(strings.Compare(an, bn), strings.Compare(a.SkuID, b.SkuID), termOrder(a.Term)-termOrder(b.Term))
	})
	return out
}

func termOrder(t connectors.Term) int {
	if i := slices.Index(connectors.Terms(), t); i >= 0 {
		return i
	}
	return len(connectors.Terms())
}

// ProductMatch is the PSA catalogue item one (SKU, term) is billed as.
type ProductMatch struct {
	ProductKey
	SkuPartNumber string `json:"skuPartNumber,omitempty"`
	Product       string `json:"product"` // the SKU's catalogue name
	// ItemID is the PSA catalogue item; "" while unmapped.
	ItemID   string     `json:"psaProductId,omitempty"`
	ItemName string     `json:"psaProduct,omitempty"`
	State    MatchState `json:"state"`
	Evidence Evidence   `json:"evidence,omitempty"`
	Reason   string     `json:"reason,omitempty"`
	Score    int        `json:"score,omitempty"`
	// Missing marks a kept match whose item the latest catalogue lacks.
	Missing bool `json:"missing,omitempty"`
	// Kind is the PSA's registry name ("connectwise"): a match of another
	// PSA names an item of that system and is set aside.
	Kind string `json:"kind,omitempty"`
	// FreeOrTrial marks free and trial SKUs, which the screen hides unless
	// asked.
	FreeOrTrial bool `json:"freeOrTrial,omitempty"`
	TermAssumed bool `json:"termAssumed,omitempty"`
}

// Matched reports whether the match counts (auto or confirmed).
func (m ProductMatch) Matched() bool {
	return m.ItemID != "" && (m.State == StateAuto || m.State == StateConfirmed)
}

// HandProductMatch is the match a person made for one (SKU, term).
func HandProductMatch(key ProductKey, itemID, itemName string) ProductMatch {
	name, part := skuDisplay(key.SkuID, "")
	return ProductMatch{ProductKey: productKeyOf(key.SkuID, key.Term), SkuPartNumber: part, Product: name,
		ItemID: itemID, ItemName: itemName, State: StateConfirmed, Evidence: EvidenceHand, Reason: "matched by hand",
		FreeOrTrial: skus.FreeOrTrial(key.SkuID, part)}
}

// Confirm turns a suggestion or automatic match into one made by hand.
func (m ProductMatch) Confirm() ProductMatch {
	if m.ItemID != "" {
		m.State = StateConfirmed
	}
	return m
}

// ProductMatchInput is what product matching looks at.
type ProductMatchInput struct {
	Seen     []ProductSeen
	PSAKind  string // the registry name of the PSA the catalogue is from
	Catalog  []connectors.CatalogItem
	Previous []ProductMatch
}

// MatchProducts matches every (SKU, term) seen to a PSA catalogue item. A
// catalogue item whose vendor SKU or manufacturer part number equals the
// SKU's part number (or id) is matched automatically when it is active and
// the only such item for the term (an item naming no term serves every
// term); names only give scored suggestions. Confirmed matches are kept as
// they are, and kept matches of keys no longer seen stay listed. Results
// follow in.Seen, then the kept ones.
func MatchProducts(in ProductMatchInput) []ProductMatch {
	items := map[string]connectors.CatalogItem{}
	byVendor := map[string][]int{}
	names := make([]NormalizedName, len(in.Catalog))
	terms := make([]connectors.Term, len(in.Catalog))
	for i, it := range in.Catalog {
		items[idKey(it.ID)] = it
		if v := strings.ToLower(strings.TrimSpace(it.VendorSKU)); v != "" {
			byVendor[v] = append(byVendor[v], i)
		}
		names[i] = productKey(it.Description)
		terms[i] = nameTerm(it.Description + " " + it.Identifier)
	}
	ix := newNameIndex(names)
	prev := map[ProductKey]ProductMatch{}
	var previous []ProductMatch
	for _, p := range in.Previous {
		if otherKind(p.Kind, in.PSAKind) {
			continue // an item of another PSA says nothing about this one
		}
		prev[productKeyOf(p.SkuID, p.Term)] = p
		previous = append(previous, p)
	}
	refresh := func(m ProductMatch) ProductMatch {
		if m.ItemID == "" {
			return m
		}
		it, ok := items[idKey(m.ItemID)]
		m.Missing = !ok
		if ok {
			m.ItemName = it.Description
			if m.Kind == "" {
				m.Kind = in.PSAKind
			}
		}
		return m
	}
	done := map[ProductKey]bool{}
	var out []ProductMatch
	for _, s := range in.Seen {
		k := productKeyOf(s.SkuID, s.Term)
		if done[k] {
			continue
		}
		done[k] = true
		name, part := skuDisplay(k.SkuID, s.SkuPartNumber)
		base := ProductMatch{ProductKey: k, SkuPartNumber: part, Product: name,
			FreeOrTrial: skus.FreeOrTrial(k.SkuID, part), TermAssumed: s.TermAssumed, State: StateUnmapped}
		p, had := prev[k]
		switch {
		case had && p.State == StateConfirmed:
			base.ItemID, base.ItemName, base.State, base.Evidence, base.Reason, base.Score, base.Kind = p.ItemID, p.ItemName, p.State, p.Evidence, p.Reason, p.Score, p.Kind
			out = append(out, refresh(base))
			continue
		}
		m := proposeProduct(base, in.Catalog, byVendor, ix, terms)
		if had && p.State == StateAuto && p.ItemID != "" && m.State != StateAuto {
			base.ItemID, base.ItemName, base.State, base.Evidence, base.Reason, base.Kind = p.ItemID, p.ItemName, p.State, p.Evidence, p.Reason, p.Kind
			m = base
		}
		out = append(out, refresh(m))
	}
	var kept []ProductMatch
	for _, p := range previous {
		k := productKeyOf(p.SkuID, p.Term)
		if !done[k] {
			done[k] = true
			kept = append(kept, refresh(p))
		}
	}
	slices.SortFunc(kept, func(a, b ProductMatch) int {
		return cmp.Or(strings.Compare(a.SkuID, b.SkuID), termOrder(a.Term)-termOrder(b.Term))
	})
	return append(out, kept...)
}

func proposeProduct(m ProductMatch, catalog []connectors.CatalogItem, byVendor map[string][]int, ix *nameIndex, terms []connectors.Term) ProductMatch {
	// Part number or SKU id in the item's vendor SKU: strong evidence.
	var hits []int
	for _, v := range []string{strings.ToLower(m.SkuPartNumber), m.SkuID} {
		if v != "" {
			hits = append(hits, byVendor[v]...)
		}
	}
	if len(hits) > 0 {
		exact, neutral := filterByTerm(hits, terms, m.Term)
		pick := exact
		if len(pick) == 0 {
			pick = neutral
		}
		if len(pick) > 0 {
			it := catalog[pick[0]]
			m.ItemID, m.ItemName, m.Evidence = it.ID, it.Description, EvidencePartNumber
			m.Reason = fmt.Sprintf("vendor SKU %s = part number", strings.TrimSpace(it.VendorSKU))
			switch {
			case len(pick) > 1:
				m.State, m.Score = StateSuggested, 90
				m.Reason += fmt.Sprintf("; %d items fit, pick one", len(pick))
			case !it.Active:
				m.State, m.Score = StateSuggested, 90
				m.Reason += "; not matched automatically: the item is inactive"
			default:
				m.State = StateAuto
			}
			return m
		}
	}
	// Names only suggest.
	if m.Product == "" {
		return m
	}
	q := productKey(m.Product)
	for _, s := range ix.similar(q, 8) {
		score := s.score
		if t := terms[s.index]; t != "" && t != m.Term {
			score -= 40 // the item names another term
		}
		if !catalog[s.index].Active {
			score -= 20
		}
		if score < minSuggestScore || (m.State == StateSuggested && score <= m.Score) {
			continue
		}
		it := catalog[s.index]
		m.ItemID, m.ItemName, m.State, m.Evidence, m.Score = it.ID, it.Description, StateSuggested, EvidenceSimilarName, score
		m.Reason = fmt.Sprintf("similar name (%d%%)", score)
	}
	return m
}

// filterByTerm splits items into those naming the term and those naming
// none (they serve any term); items naming another term are dropped.
func filterByTerm(hits []int, terms []connectors.Term, term connectors.Term) (exact, neutral []int) {
	slices.Sort(hits)
	hits = slices.Compact(hits)
	for _, i := range hits {
		switch terms[i] {
		case term:
			exact = append(exact, i)
		case "":
			neutral = append(neutral, i)
		}
	}
	return exact, neutral
}

// productIndex maps each (SKU, term) to its counted match.
func productIndex(ms []ProductMatch) map[ProductKey]ProductMatch {
	m := make(map[ProductKey]ProductMatch, len(ms))
	for _, p := range ms {
		if p.Matched() {
			m[productKeyOf(p.SkuID, p.Term)] = p
		}
	}
	return m
}
