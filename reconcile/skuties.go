package reconcile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
)

// SkuTie ties one distributor product to the Microsoft SKU it sells, so that
// what the distributor bills can be set beside what the tenant shows.
type SkuTie struct {
	ProductID   string `json:"distributorProductId"`
	ProductName string `json:"distributorProduct"`
	// SkuID is the Graph skuId; "" while the product is not tied (shown as
	// unknown, for the engineer to tie).
	SkuID         string     `json:"skuId,omitempty"`
	SkuPartNumber string     `json:"skuPartNumber,omitempty"`
	State         MatchState `json:"state"` // auto, confirmed or unmapped
	Evidence      Evidence   `json:"evidence,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	// Missing marks a tie kept from an earlier run for a product the
	// latest distributor snapshot does not sell any more.
	Missing bool `json:"missing,omitempty"`
	// Kind is the distributor's registry name ("pax8"): a tie of another
	// distributor's product is set aside.
	Kind string `json:"kind,omitempty"`
}

// Tied reports whether the tie names a SKU that counts (auto or confirmed).
func (t SkuTie) Tied() bool {
	return t.SkuID != "" && (t.State == StateAuto || t.State == StateConfirmed)
}

// HandTie is the tie a person made.
func HandTie(productID, productName, skuID string) SkuTie {
	_, part := skuDisplay(skuID, "")
	return SkuTie{ProductID: productID, ProductName: productName, SkuID: idKey(skuID), SkuPartNumber: part,
		State: StateConfirmed, Evidence: EvidenceHand, Reason: "tied by hand"}
}

// SkuTieInput is what tying distributor products to SKUs looks at.
type SkuTieInput struct {
	// Subscriptions are every distributor subscription; their products
	// are what gets tied. Products of other vendors are left out.
	Subscriptions []connectors.DistributorSubscription
	// Licences are the tenants' snapshots: a directory subscription with
	// the distributor subscription's commerce id says which SKU it is.
	Licences []connectors.LicenceSnapshot
	// Previous are the ties kept from earlier runs.
	Previous []SkuTie
	// DistributorKind is the registry name of the distributor the
	// subscriptions are from.
	DistributorKind string
}

// TieSkus ties every Microsoft product the distributor sells to a SKU: from
// ids first (the SKU id the distributor gives; a vendor SKU that is a SKU id
// or a catalogue part number; the tenant subscription with the same commerce
// subscription id), then from the name against the SKU catalogue with term
// markers stripped. A product that fits no SKU, or several, stays unmapped.
// Confirmed ties are kept as they are; a tie of a product no longer sold
// is kept and marked Missing. The result is sorted by product name, then id.
func TieSkus(in SkuTieInput) []SkuTie {
	byCommerce := map[string]connectors.DirectorySubscription{}
	inTenants := map[string]bool{}
	for _, l := range in.Licences {
		for _, s := range l.Skus {
			inTenants[idKey(s.SkuID)] = true
		}
		for _, s := range l.Subscriptions {
			if s.CommerceSubscriptionID != "" {
				byCommerce[idKey(s.CommerceSubscriptionID)] = s
			}
		}
	}
	prev := map[string]SkuTie{}
	var previous []SkuTie
	for _, p := range in.Previous {
		if otherKind(p.Kind, in.DistributorKind) {
			continue // a product of another distributor says nothing here
		}
		prev[idKey(p.ProductID)] = p
		previous = append(previous, p)
	}
	type product struct {
		p    connectors.DistributorProduct
		subs []connectors.DistributorSubscription
	}
	products := map[string]*product{}
	var order []string
	for _, s := range in.Subscriptions {
		if !s.Microsoft {
			continue
		}
		k := idKey(productID(s.Product))
		if products[k] == nil {
			products[k] = &product{p: s.Product}
			order = append(order, k)
		}
		products[k].subs = append(products[k].subs, s)
	}
	out := make([]SkuTie, 0, len(order))
	for _, k := range order {
		pr := products[k]
		if p, ok := prev[k]; ok && p.State == StateConfirmed {
			p.ProductName, p.Missing = pr.p.Name, false
			if p.Kind == "" {
				p.Kind = in.DistributorKind
			}
			out = append(out, p)
			continue
		}
		t := tieProduct(pr.p, pr.subs, byCommerce, inTenants)
		t.Kind = in.DistributorKind
		out = append(out, t)
	}
	for _, p := range previous {
		if products[idKey(p.ProductID)] == nil {
			p.Missing = true
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b SkuTie) int {
		if c := strings.Compare(strings.ToLower(a.ProductName), strings.ToLower(b.ProductName)); c != 0 {
			return c
		}
		return strings.Compare(a.ProductID, b.ProductID)
	})
	return out
}

// productID is the key of a distributor product: its id, else its name
// (a CSV distributor may give no ids).
func productID(p connectors.DistributorProduct) string {
	if p.ID != "" {
		return p.ID
	}
	return p.Name
}

// tieProduct walks the ladder for one product. inTenants are the SKUs some
// tenant has: where a catalogue name is shared by several SKUs (Microsoft
// keeps old and new "Microsoft 365 Business Basic"), the one the tenants
// hold is the one sold.
func tieProduct(p connectors.DistributorProduct, subs []connectors.DistributorSubscription,
	byCommerce map[string]connectors.DirectorySubscription, inTenants map[string]bool) SkuTie {
	t := SkuTie{ProductID: productID(p), ProductName: p.Name, State: StateUnmapped}
	tied := func(id, part string, ev Evidence, reason string) SkuTie {
		_, part = skuDisplay(id, part)
		t.SkuID, t.SkuPartNumber, t.State, t.Evidence, t.Reason = idKey(id), part, StateAuto, ev, reason
		return t
	}
	for _, s := range subs {
		if isGUID(s.SkuID) {
			return tied(s.SkuID, "", EvidenceSkuID, "the distributor gives SKU id "+shortID(idKey(s.SkuID)))
		}
	}
	if v := strings.TrimSpace(p.VendorSKU); v != "" {
		if isGUID(v) {
			return tied(v, "", EvidenceSkuID, "vendor SKU "+shortID(idKey(v))+" is a SKU id")
		}
		if found := skus.ByPartNumber(v); len(found) == 1 {
			return tied(found[0].ID, found[0].PartNumber, EvidencePartNumber, fmt.Sprintf("vendor SKU %s = part number", v))
		}
	}
	for _, s := range subs {
		if s.MicrosoftSubscriptionID == "" {
			continue
		}
		if d, ok := byCommerce[idKey(s.MicrosoftSubscriptionID)]; ok && d.SkuID != "" {
			return tied(d.SkuID, d.SkuPartNumber, EvidenceSubscriptionID,
				fmt.Sprintf("tenant subscription %s is this SKU", shortID(s.MicrosoftSubscriptionID)))
		}
	}
	key := productKey(p.Name).Key
	switch found := catalogueByName()[key]; {
	case key == "":
	case len(found) == 1:
		return tied(found[0].ID, found[0].PartNumber, EvidenceProductName, fmt.Sprintf("name = catalogue's %q", found[0].Name))
	case len(found) > 1:
		var held []skus.Sku
		for _, f := range found {
			if inTenants[f.ID] {
				held = append(held, f)
			}
		}
		if len(held) == 1 {
			return tied(held[0].ID, held[0].PartNumber, EvidenceProductName,
				fmt.Sprintf("name = catalogue's %q (%s, the one the tenants have)", held[0].Name, held[0].PartNumber))
		}
		t.Reason = fmt.Sprintf("the name fits %d SKUs; tie it by hand", len(found))
		return t
	}
	t.Reason = "no SKU id and no catalogue name fits; tie it by hand"
	return t
}

// skuOf resolves a distributor subscription's SKU through the ties; "" when
// its product is not tied.
func skuOf(s connectors.DistributorSubscription, ties map[string]SkuTie) string {
	if t, ok := ties[idKey(productID(s.Product))]; ok && t.Tied() {
		return idKey(t.SkuID)
	}
	return ""
}

func tieIndex(ties []SkuTie) map[string]SkuTie {
	m := make(map[string]SkuTie, len(ties))
	for _, t := range ties {
		m[idKey(t.ProductID)] = t
	}
	return m
}
