package products

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors/skus"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/components/picker"
)

// bucket is where a row stands, for the filter, the counts and the State
// column. The order is the order of the counts.
type bucket int

const (
	bucketMatched   bucket = iota // an item, matched automatically or by a person
	bucketSuggested               // a candidate item to confirm
	bucketUnmapped                // no item
	bucketNotBilled               // a person said: not billed in the PSA
	bucketMissing                 // a kept item the latest catalogue lacks
	bucketUnknown                 // a distributor product not tied to a SKU
	bucketCount
)

func productBucket(p reconcile.ProductMatch) bucket {
	switch {
	case p.ItemID != "" && p.Missing:
		return bucketMissing
	case p.State == reconcile.StateConfirmed && p.ItemID == "":
		return bucketNotBilled
	case p.Matched():
		return bucketMatched
	case p.ItemID != "" && p.State == reconcile.StateSuggested:
		return bucketSuggested
	}
	return bucketUnmapped
}

// rowKind says which section a row is in.
type rowKind int

const (
	kindTie     rowKind = iota // a distributor product not tied to a SKU
	kindProduct                // a Microsoft SKU on one term
)

// row is one line of the table that a cursor can stand on.
type row struct {
	kind   rowKind
	tie    reconcile.SkuTie
	prod   reconcile.ProductMatch
	bucket bucket
	search string // lower-case text the search looks in
}

func tieRow(t reconcile.SkuTie) row {
	return row{kind: kindTie, tie: t, bucket: bucketUnknown,
		search: strings.ToLower(t.ProductName + "\x00" + t.ProductID)}
}

func productRow(p reconcile.ProductMatch) row {
	return row{kind: kindProduct, prod: p, bucket: productBucket(p),
		search: strings.ToLower(productName(p) + "\x00" + p.SkuPartNumber + "\x00" + string(p.Term) + "\x00" + p.ItemName)}
}

// productName is the SKU as the catalogue names it.
func productName(p reconcile.ProductMatch) string {
	if p.Product != "" {
		return p.Product
	}
	return skus.DisplayName(p.SkuID, p.SkuPartNumber)
}

// freeMark follows the names of free and trial SKUs, which are shown only
// on request.
const freeMark = " (free/trial)"

// shownName is the product's name in the table, with freeMark.
func shownName(p reconcile.ProductMatch) string {
	if p.FreeOrTrial {
		return productName(p) + freeMark
	}
	return productName(p)
}

// filter narrows the table.
type filter int

const (
	filterAll filter = iota
	filterToDo
	filterUnmapped
	filterSuggested
	filterMatched
	filterNotBilled
	filterCount
)

func (f filter) String() string {
	switch f {
	case filterToDo:
		return "To do"
	case filterUnmapped:
		return "Unmapped"
	case filterSuggested:
		return "Suggested"
	case filterMatched:
		return "Matched"
	case filterNotBilled:
		return "Not billed"
	}
	return "All"
}

func (f filter) next() filter { return (f + 1) % filterCount }

func (f filter) keeps(b bucket) bool {
	switch f {
	case filterToDo:
		return b == bucketUnknown || b == bucketUnmapped || b == bucketSuggested || b == bucketMissing
	case filterUnmapped:
		return b == bucketUnknown || b == bucketUnmapped
	case filterSuggested:
		return b == bucketSuggested
	case filterMatched:
		return b == bucketMatched
	case filterNotBilled:
		return b == bucketNotBilled
	}
	return true
}

// entry is one line of the list: a section header or a row.
type entry struct {
	header rowKind
	row    int // index into rows; -1 for a header
}

// counts are the numbers on top of the table. Hidden free and trial SKUs
// are counted apart.
type counts struct {
	products   int
	byBucket   [bucketCount]int
	hiddenFree int
	matched    int // products matched to an item: the gate's count
}

// setData replaces every row from a matching view.
func (m *Model) setData(v workflow.MatchView) {
	selected := m.selectedKey()
	m.data = v
	m.rows = m.rows[:0]
	m.longestName = 0
	for _, t := range v.Skus {
		if !t.Tied() && !t.Missing {
			m.rows = append(m.rows, tieRow(t))
			m.longestName = max(m.longestName, ansi.StringWidth(t.ProductName))
		}
	}
	for _, p := range v.Products {
		m.rows = append(m.rows, productRow(p))
		m.longestName = max(m.longestName, ansi.StringWidth(shownName(p)))
	}
	m.loaded = true
	m.recount()
	m.rebuildKeeping(selected)
}

// setProduct replaces one product after a change.
func (m *Model) setProduct(p reconcile.ProductMatch) {
	selected := m.selectedKey()
	for i := range m.rows {
		r := &m.rows[i]
		if r.kind == kindProduct && strings.EqualFold(r.prod.SkuID, p.SkuID) && r.prod.Term == p.Term {
			*r = productRow(p)
		}
	}
	m.recount()
	m.rebuildKeeping(selected)
}

// setTie replaces one distributor product's tie after a change; a tied
// one leaves the list of unknown products.
func (m *Model) setTie(t reconcile.SkuTie) {
	selected := m.selectedKey()
	for i := range m.rows {
		if r := &m.rows[i]; r.kind == kindTie && r.tie.ProductID == t.ProductID {
			if t.Tied() {
				m.rows = append(m.rows[:i], m.rows[i+1:]...)
			} else {
				*r = tieRow(t)
			}
			break
		}
	}
	m.recount()
	m.rebuildKeeping(selected)
}

func (m *Model) recount() {
	var c counts
	for i := range m.rows {
		r := &m.rows[i]
		if r.kind == kindProduct {
			if r.prod.Matched() {
				c.matched++
			}
			if r.prod.FreeOrTrial && !m.showFree {
				c.hiddenFree++
				continue
			}
			c.products++
		}
		c.byBucket[r.bucket]++
	}
	m.counts = c
}

// shown reports whether row i passes the free/trial toggle, the filter and
// the search.
func (m *Model) shown(i int, words []string) bool {
	r := &m.rows[i]
	if r.kind == kindProduct && r.prod.FreeOrTrial && !m.showFree {
		return false
	}
	return m.filter.keeps(r.bucket) && picker.MatchesWords(r.search, words)
}

// rebuild recomputes the entries after the data, filter, toggle or search
// changed, keeping the cursor on the same row when it is still shown. View
// never filters: it only slices m.entries.
func (m *Model) rebuild() { m.rebuildKeeping(m.selectedKey()) }

func (m *Model) rebuildKeeping(selected string) {
	words := strings.Fields(strings.ToLower(m.search.Query()))
	m.entries = m.entries[:0]
	m.shownRows = 0
	for _, kind := range []rowKind{kindTie, kindProduct} {
		headerAt := len(m.entries)
		m.entries = append(m.entries, entry{header: kind, row: -1})
		n := 0
		for i := range m.rows {
			if m.rows[i].kind == kind && m.shown(i, words) {
				m.entries = append(m.entries, entry{row: i})
				n++
			}
		}
		if n == 0 {
			m.entries = m.entries[:headerAt]
		}
		m.shownRows += n
	}
	m.cursor = m.firstRow(0, 1)
	if selected != "" {
		for pos, e := range m.entries {
			if e.row >= 0 && m.rowKey(e.row) == selected {
				m.cursor = pos
				break
			}
		}
	}
	m.clampScroll()
}

// rowKey names a row across reloads.
func (m *Model) rowKey(i int) string {
	r := &m.rows[i]
	if r.kind == kindTie {
		return "tie\x00" + r.tie.ProductID
	}
	return "product\x00" + strings.ToLower(r.prod.SkuID) + "\x00" + string(r.prod.Term)
}

func (m *Model) selectedKey() string {
	if i, ok := m.selectedRow(); ok {
		return m.rowKey(i)
	}
	return ""
}

// selectedRow returns the index of the row under the cursor.
func (m *Model) selectedRow() (int, bool) {
	if m.cursor < 0 || m.cursor >= len(m.entries) || m.entries[m.cursor].row < 0 {
		return 0, false
	}
	return m.entries[m.cursor].row, true
}

// firstRow returns the first entry at or after from, walking by step, that
// is a row; the nearest row the other way when there is none; 0 when the
// list is empty.
func (m *Model) firstRow(from, step int) int {
	for pos := from; pos >= 0 && pos < len(m.entries); pos += step {
		if m.entries[pos].row >= 0 {
			return pos
		}
	}
	for pos := from; pos >= 0 && pos < len(m.entries); pos -= step {
		if m.entries[pos].row >= 0 {
			return pos
		}
	}
	return 0
}
