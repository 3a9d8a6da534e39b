// Package skus is the catalogue of Microsoft licence SKUs: it turns a Graph
// skuId or skuPartNumber into the product name people know ("SPB" is
// "Microsoft 365 Business Premium") and knows which SKUs are free or trial
// licences that MSPs usually hide from billing views.
//
// The data is derived from Microsoft's "Product names and service plan
// identifiers for licensing" (Microsoft Entra documentation) by the generator
// in internal/gen and embedded from catalogue.tsv. Go cannot embed files from
// outside the package, so the generated file is checked in; a test fails when
// it is stale. To refresh it, replace the shared CSV and run
//
//	go generate ./connectors/skus
//
// The catalogue is parsed on the first lookup, not at start-up, and is safe
// for concurrent use.
package skus

//go:generate go run ./internal/gen -in ../../../shared/data/microsoft-licensing-service-plans.csv -out catalogue.tsv

import (
	_ "embed"
	"slices"
	"strings"
	"sync"

	"github.com/seats-msp/seats/connectors/skus/internal/catalogue"
)

// Sku is one licence SKU.
type Sku struct {
	ID         string // Graph skuId, a lower-case GUID
	PartNumber string // Graph skuPartNumber, e.g. "SPB"
	Name       string // product name, e.g. "Microsoft 365 Business Premium"; may be empty
}

//go:embed catalogue.tsv
var catalogueTSV string

// index is the parsed catalogue with its lookup maps. Keys are lower-case
// so that lookups ignore case.
type index struct {
	all    []Sku
	byID   map[string]int
	byPart map[string][]int
	byName map[string][]int
}

// load parses the embedded catalogue once, on first use. The file is
// generated and checked by the tests, so a parse failure means a corrupt
// build, not bad user input: panicking, like regexp.MustCompile, is right.
var load = sync.OnceValue(func() *index {
	entries, err := catalogue.Read(catalogueTSV)
	if err != nil {
		panic("skus: embedded catalogue.tsv is corrupt: " + err.Error())
	}
	return newIndex(entries)
})

func newIndex(entries []catalogue.Sku) *index {
	ix := &index{
		all:    make([]Sku, len(entries)),
		byID:   make(map[string]int, len(entries)),
		byPart: make(map[string][]int, len(entries)),
		byName: make(map[string][]int, len(entries)),
	}
	for i, e := range entries {
		ix.all[i] = Sku(e)
		ix.byID[e.ID] = i // catalogue.Read guarantees lower-case, unique ids
		key := partKey(e.PartNumber)
		ix.byPart[key] = append(ix.byPart[key], i)
		if n := nameKey(e.Name); n != "" {
			ix.byName[n] = append(ix.byName[n], i)
		}
	}
	return ix
}

func idKey(id string) string     { return strings.ToLower(strings.TrimSpace(id)) }
func partKey(part string) string { return strings.ToLower(strings.TrimSpace(part)) }

// nameKey is a product name lower case with its spaces collapsed.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// ByID returns the SKU with the given skuId. The match ignores case and
// surrounding white space; ok is false for an id the catalogue does not know
// (a SKU newer than the generated file, or not a SKU id at all).
func ByID(id string) (sku Sku, ok bool) {
	ix := load()
	i, ok := ix.byID[idKey(id)]
	if !ok {
		return Sku{}, false
	}
	return ix.all[i], true
}

// ByPartNumber returns every SKU with the given skuPartNumber, ignoring case
// and surrounding white space, in id order; nil when there is none. It is a
// slice because a part number is not unique: MCOPSTN5 has two ids. The slice
// is the caller's to keep or change.
func ByPartNumber(part string) []Sku {
	ix := load()
	var out []Sku
	for _, i := range ix.byPart[partKey(part)] {
		out = append(out, ix.all[i])
	}
	return out
}

// ByName returns every SKU whose product name is name, ignoring case and
// differences of white space, in id order; nil when there is none. Several
// SKUs may share a name (Microsoft keeps old and new "Microsoft 365
// Business Basic"). A distributor that names no vendor can tell a Microsoft
// product by it.
func ByName(name string) []Sku {
	ix := load()
	var out []Sku
	for _, i := range ix.byName[nameKey(name)] {
		out = append(out, ix.all[i])
	}
	return out
}

// All returns the whole catalogue sorted by part number, then id. The slice
// is a fresh copy on every call, so callers may sort or change it.
func All() []Sku {
	return slices.Clone(load().all)
}

// DisplayName returns what the UI shows for a SKU: the product name for a
// known skuId, else the part number given, else the id. Inputs are trimmed;
// all three may be empty, and then so is the result.
func DisplayName(id, partNumber string) string {
	if s, ok := ByID(id); ok && s.Name != "" {
		return s.Name
	}
	if p := strings.TrimSpace(partNumber); p != "" {
		return p
	}
	return strings.TrimSpace(id)
}
