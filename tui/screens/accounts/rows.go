package accounts

import (
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/components/picker"
)

// bucket is where a customer stands as a whole, for the filter, the counts
// and the State column. Each customer is in exactly one bucket; the order
// is the order of the counts.
type bucket int

const (
	bucketMatched   bucket = iota // every connected side matched (or said to have no account)
	bucketSuggested               // the weakest side is a suggestion
	bucketUnmapped                // a side has nothing
	bucketConflict                // a side's account is claimed by another customer
	bucketMissing                 // a kept match (or the customer) is not in the latest read
	bucketExcluded                // excluded by the engineer
	bucketCount
)

// sideStatus is one side of one customer.
type sideStatus int

const (
	sideUnmapped  sideStatus = iota
	sideSuggested            // a candidate to confirm
	sideAuto                 // matched by strong evidence
	sideConfirmed            // matched or confirmed by a person (or imported)
	sideNone                 // a person said: no account on this side
)

func statusOf(a reconcile.AccountMatch) sideStatus {
	switch {
	case a.State == reconcile.StateConfirmed && a.AccountID == "":
		return sideNone
	case a.AccountID == "":
		return sideUnmapped
	case a.State == reconcile.StateAuto:
		return sideAuto
	case a.State == reconcile.StateConfirmed:
		return sideConfirmed
	case a.State == reconcile.StateSuggested:
		return sideSuggested
	}
	return sideUnmapped
}

// row is one customer of the table.
type row struct {
	m      reconcile.AccountMapping
	bucket bucket
	// auto is set for a matched customer with a side matched
	// automatically: the State column says auto rather than confirmed.
	auto bool
	// noAccount is set when every connected side was said to have no
	// account: such a customer is unmapped but says why.
	noAccount bool
	// score is the lowest score of the suggested sides.
	score int
	// counts is true when the customer counts for the gate: not excluded,
	// listed, and every connected side matched or said to have none, with
	// at least one account.
	counts   bool
	search   string // lower-case name, tenant id and the matched account names
	sortName string
}

// sides says which sides have a source connected (a snapshot read).
type sides struct{ dist, psa bool }

func (s sides) list() []connectors.ConnectorKind {
	var out []connectors.ConnectorKind
	if s.dist {
		out = append(out, connectors.KindDistributor)
	}
	if s.psa {
		out = append(out, connectors.KindPSA)
	}
	return out
}

func sideOf(m reconcile.AccountMapping, side connectors.ConnectorKind) reconcile.AccountMatch {
	if side == connectors.KindPSA {
		return m.PSA
	}
	return m.Distributor
}

// newRow classifies one mapping with the connected sides.
func newRow(m reconcile.AccountMapping, connected sides) row {
	r := row{
		m:        m,
		search:   strings.ToLower(m.Customer + "\x00" + m.TenantID + "\x00" + m.Distributor.AccountName + "\x00" + m.PSA.AccountName),
		sortName: strings.ToLower(m.Customer),
	}
	if m.Excluded {
		r.bucket = bucketExcluded
		return r
	}
	list := connected.list()
	var conflict, missing bool
	weakest := sideConfirmed
	withAccount, none := 0, 0
	for _, side := range list {
		a := sideOf(m, side)
		conflict = conflict || a.Conflict
		missing = missing || a.Missing
		s := statusOf(a)
		switch s {
		case sideNone:
			none++
			continue
		case sideAuto, sideConfirmed:
			withAccount++
		case sideSuggested:
			if r.score == 0 || a.Score < r.score {
				r.score = a.Score
			}
		}
		if s == sideAuto {
			r.auto = true
		}
		if s < weakest {
			weakest = s
		}
	}
	r.counts = !m.CustomerMissing && !conflict && withAccount > 0 && withAccount+none == len(list)
	switch {
	case len(list) == 0:
		r.bucket = bucketUnmapped
	case conflict:
		r.bucket = bucketConflict
	case missing || m.CustomerMissing:
		r.bucket = bucketMissing
	case none == len(list):
		r.bucket, r.noAccount = bucketUnmapped, true
	case weakest == sideUnmapped:
		r.bucket = bucketUnmapped
	case weakest == sideSuggested:
		r.bucket = bucketSuggested
	default:
		r.bucket = bucketMatched
	}
	return r
}

// filter narrows the table to one bucket, or to every customer that still
// needs a person ("To do").
type filter int

const (
	filterAll filter = iota
	filterToDo
	filterUnmapped
	filterSuggested
	filterConflict
	filterMissing
	filterMatched
	filterExcluded
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
	case filterConflict:
		return "Conflict"
	case filterMissing:
		return "Missing"
	case filterMatched:
		return "Matched"
	case filterExcluded:
		return "Excluded"
	}
	return "All"
}

func (f filter) next() filter { return (f + 1) % filterCount }

func (f filter) keeps(b bucket) bool {
	switch f {
	case filterToDo:
		return b != bucketMatched && b != bucketExcluded
	case filterUnmapped:
		return b == bucketUnmapped
	case filterSuggested:
		return b == bucketSuggested
	case filterConflict:
		return b == bucketConflict
	case filterMissing:
		return b == bucketMissing
	case filterMatched:
		return b == bucketMatched
	case filterExcluded:
		return b == bucketExcluded
	}
	return true
}

// counts are the numbers on top of the table, over every customer.
type counts struct {
	total    int
	byBucket [bucketCount]int
	ready    int // customers that count for the gate
}

// setData replaces every row from a matching view.
func (m *Model) setData(v workflow.MatchView) {
	selected := m.selectedTenant()
	m.data = v
	m.connected = sides{dist: v.DistributorKind != "", psa: v.PSAKind != ""}
	m.rows = make([]row, len(v.Accounts))
	m.index = make(map[string]int, len(v.Accounts))
	m.longestName = 0
	for i, mp := range v.Accounts {
		m.rows[i] = newRow(mp, m.connected)
		m.index[strings.ToLower(mp.TenantID)] = i
		m.longestName = max(m.longestName, ansi.StringWidth(mp.Customer))
	}
	m.loaded = true
	m.recount()
	m.rebuildKeeping(selected)
}

// setOne replaces one customer's mapping after a change.
func (m *Model) setOne(mp reconcile.AccountMapping) {
	i, ok := m.index[strings.ToLower(mp.TenantID)]
	if !ok {
		return
	}
	selected := m.selectedTenant()
	m.rows[i] = newRow(mp, m.connected)
	m.recount()
	m.rebuildKeeping(selected)
}

func (m *Model) recount() {
	c := counts{total: len(m.rows)}
	m.holders = [2]map[string]int{{}, {}}
	for i := range m.rows {
		r := &m.rows[i]
		c.byBucket[r.bucket]++
		if r.counts {
			c.ready++
		}
		for k, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
			if a := sideOf(r.m, side); a.Matched() {
				m.holders[k][strings.ToLower(a.AccountID)] = i
			}
		}
	}
	m.counts = c
}

// rebuild recomputes the visible rows after the data, filter or search
// changed, keeping the cursor on the same customer when it is still shown.
// View never filters or sorts: it only slices m.visible.
func (m *Model) rebuild() { m.rebuildKeeping(m.selectedTenant()) }

func (m *Model) rebuildKeeping(selected string) {
	words := strings.Fields(strings.ToLower(m.search.Query()))
	m.visible = m.visible[:0]
	for i := range m.rows {
		if m.filter.keeps(m.rows[i].bucket) && picker.MatchesWords(m.rows[i].search, words) {
			m.visible = append(m.visible, i)
		}
	}
	sort.SliceStable(m.visible, func(a, b int) bool {
		ra, rb := &m.rows[m.visible[a]], &m.rows[m.visible[b]]
		if ra.sortName != rb.sortName {
			return ra.sortName < rb.sortName
		}
		return ra.m.TenantID < rb.m.TenantID
	})
	m.cursor = 0
	if selected != "" {
		for pos, i := range m.visible {
			if strings.EqualFold(m.rows[i].m.TenantID, selected) {
				m.cursor = pos
				break
			}
		}
	}
	m.clampScroll()
}

func (m *Model) selectedTenant() string {
	if r, ok := m.selected(); ok {
		return r.m.TenantID
	}
	return ""
}

// selected returns the customer under the cursor.
func (m *Model) selected() (row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return row{}, false
	}
	return m.rows[m.visible[m.cursor]], true
}

// customerName returns the name of the customer with tenant id, or the id.
func (m *Model) customerName(tenantID string) string {
	if i, ok := m.index[strings.ToLower(tenantID)]; ok && m.rows[i].m.Customer != "" {
		return m.rows[i].m.Customer
	}
	return tenantID
}
