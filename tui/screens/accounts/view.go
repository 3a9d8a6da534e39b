package accounts

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// Column widths that do not depend on the terminal.
const (
	cursorWidth       = 2
	colSep            = "  "
	stateWidth        = 16 // "? suggested 100%"
	notConnectedWidth = 13 // "not connected"
	minName           = 10
	maxName           = 32
	topLines          = 3 // counts, sources, filter / search
	detailLines       = 3 // the selected customer, then each side's why
)

// columns is the table layout for one width.
type columns struct{ name, dist, psa int }

// layoutFor fits the columns to width: a side that is not connected takes
// only the room its words need, the name its fair share (no more than the
// longest name), and the sides split the rest.
func layoutFor(width, longestName int, connected sides) columns {
	free := width - cursorWidth - stateWidth - 3*len(colSep)
	c := columns{dist: notConnectedWidth, psa: notConnectedWidth}
	open := 0
	if connected.dist {
		open++
	} else {
		free -= notConnectedWidth
	}
	if connected.psa {
		open++
	} else {
		free -= notConnectedWidth
	}
	c.name = max(minName, min(max(longestName, minName), maxName, free/(open+1)))
	if open == 0 {
		return c
	}
	share := max(8, (free-c.name)/open)
	if connected.dist {
		c.dist = share
	}
	if connected.psa {
		c.psa = share
	}
	return c
}

func (m *Model) tableRows() int {
	return m.height - topLines - 1 - detailLines
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	if !m.loaded {
		if m.refreshing {
			return st.Muted.Render("Matching accounts: looking for evidence of each customer's distributor account and PSA company…")
		}
		return st.Muted.Render("No matches loaded yet: press r to match accounts.")
	}
	if m.mode == modePick {
		return m.topView() + "\n" + m.picker.View(st, m.width, m.height-topLines)
	}
	return m.topView() + "\n" + m.tableView()
}

func (m *Model) topView() string {
	st := m.c.Styles
	c := m.counts
	parts := []string{st.Bold.Render(common.Plural(c.total, "customer", "customers"))}
	for _, b := range []bucket{bucketMatched, bucketSuggested, bucketUnmapped, bucketConflict, bucketMissing} {
		n := c.byBucket[b]
		if n == 0 && (b == bucketConflict || b == bucketMissing) {
			continue
		}
		parts = append(parts, m.bucketStyle(b).Render(fmt.Sprintf("%s %d", bucketWord(b), n)))
	}
	line1 := strings.Join(parts, "  ")
	if lipgloss.Width(line1) > m.width {
		line1 = strings.Join(parts, " ")
	}

	// Excluded customers ask for nothing: they go with the sources.
	srcs := []string{m.bucketStyle(bucketExcluded).Render(fmt.Sprintf("%s %d", bucketWord(bucketExcluded), c.byBucket[bucketExcluded]))}
	for _, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
		srcs = append(srcs, m.sourceText(side))
	}
	line2 := strings.Join(srcs, st.Muted.Render(" · "))

	var line3 string
	if m.mode == modeSearch {
		line3 = strings.TrimRight(m.search.View(), " ")
	} else {
		q := "none"
		if m.search.Query() != "" {
			q = `"` + m.search.Query() + `"`
		}
		line3 = st.Muted.Render("Filter ") + st.Text.Render(m.filter.String()) + st.Key.Render(" f") +
			st.Muted.Render(" · Search ") + st.Text.Render(q) + st.Key.Render(" /") +
			st.Muted.Render(fmt.Sprintf(" · %d shown", len(m.visible)))
	}
	return m.fit(line1) + "\n" + m.fit(line2) + "\n" + m.fit(line3)
}

// sourceText says what one side holds: "Pax8 238 accounts", or that it is
// not connected.
func (m *Model) sourceText(side connectors.ConnectorKind) string {
	st := m.c.Styles
	label := m.sideLabel(side)
	if side == connectors.KindPSA {
		if !m.connected.psa {
			return st.Warn.Render("PSA not connected")
		}
		return st.Text.Render(fmt.Sprintf("%s %d companies", label, len(m.data.PSACompanies)))
	}
	if !m.connected.dist {
		return st.Warn.Render("distributor not connected")
	}
	return st.Text.Render(fmt.Sprintf("%s %d accounts", label, len(m.data.DistributorAccounts)))
}

func (m *Model) tableView() string {
	st := m.c.Styles
	cols := layoutFor(m.width, m.longestName, m.connected)
	rows := m.tableRows()
	var b strings.Builder
	header := strings.Repeat(" ", cursorWidth) + common.Cell("Customer", cols.name) + colSep +
		common.Cell(m.sideLabel(connectors.KindDistributor), cols.dist) + colSep +
		common.Cell(m.sideLabel(connectors.KindPSA), cols.psa) + colSep + "State"
	b.WriteString(st.Table.Header.Render(m.fit(header)))
	b.WriteByte('\n')
	if len(m.visible) == 0 {
		msg := "No customer matches the filter " + m.filter.String()
		if m.search.Query() != "" {
			msg += ` and the search "` + m.search.Query() + `"`
		}
		if len(m.rows) == 0 {
			msg = "No customers to match: Partner Center listed none at the last sync."
		}
		b.WriteString(st.Muted.Render(m.fit(msg)))
		for i := 1; i < rows; i++ {
			b.WriteByte('\n')
		}
	} else {
		end := min(len(m.visible), m.offset+rows)
		for pos := m.offset; pos < end; pos++ {
			b.WriteString(m.row(cols, pos))
			if pos < end-1 {
				b.WriteByte('\n')
			}
		}
		for i := end - m.offset; i < rows; i++ {
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(m.detailView())
	return b.String()
}

// row renders one customer. Every cell is cut and padded as plain text
// first and styled after, so widths never count escape codes.
func (m *Model) row(cols columns, pos int) string {
	st := m.c.Styles
	r := &m.rows[m.visible[pos]]
	cursor, nameStyle := "  ", st.Table.Row
	if pos == m.cursor {
		cursor, nameStyle = "› ", st.Table.Selected
	}
	var b strings.Builder
	b.WriteString(nameStyle.Render(cursor + common.Cell(r.m.Customer, cols.name)))
	b.WriteString(colSep)
	b.WriteString(m.sideCell(r, connectors.KindDistributor, cols.dist))
	b.WriteString(colSep)
	b.WriteString(m.sideCell(r, connectors.KindPSA, cols.psa))
	b.WriteString(colSep)
	b.WriteString(m.bucketStyle(r.bucket).Render(stateText(r)))
	return b.String()
}

// sideCell is one side of a row in exactly width cells: a marker, the
// account and, when it fits, a short word on the evidence.
func (m *Model) sideCell(r *row, side connectors.ConnectorKind, width int) string {
	st := m.c.Styles
	connected := m.connected.dist
	if side == connectors.KindPSA {
		connected = m.connected.psa
	}
	if !connected {
		return st.Muted.Render(common.Cell("not connected", width))
	}
	if r.m.Excluded {
		return st.Muted.Render(common.Cell("–", width))
	}
	a := sideOf(r.m, side)
	marker, text, tag := sideParts(a)
	if r.m.CustomerMissing && tag == "" {
		tag = "missing"
	}
	body := marker + " " + text
	if tag != "" && ansi.StringWidth(body)+2+ansi.StringWidth(tag) <= width {
		pad := width - ansi.StringWidth(body) - ansi.StringWidth(tag)
		return m.sideStyle(a).Render(body) + strings.Repeat(" ", pad) + st.Muted.Render(tag)
	}
	return m.sideStyle(a).Render(common.Cell(body, width))
}

// sideParts splits one side into its marker, its account and a short tag
// on the evidence, all readable without colour.
func sideParts(a reconcile.AccountMatch) (marker, text, tag string) {
	s := statusOf(a)
	switch s {
	case sideNone:
		return "–", "no account", "by hand"
	case sideUnmapped:
		return "·", "unmapped", ""
	}
	text = a.AccountName
	if text == "" {
		text = a.AccountID
	}
	switch {
	case a.Conflict:
		marker, tag = "!", "conflict"
	case a.Missing:
		marker, tag = "!", "missing"
	case s == sideSuggested:
		marker, tag = "?", fmt.Sprintf("%d%%", a.Score)
	default:
		marker, tag = "✓", evidenceTag(a.Evidence)
	}
	return marker, text, tag
}

// evidenceTag is the evidence in a word or two.
func evidenceTag(e reconcile.Evidence) string {
	switch e {
	case reconcile.EvidenceSubscriptionID:
		return "sub id"
	case reconcile.EvidenceTenantID:
		return "tenant id"
	case reconcile.EvidenceDomain:
		return "domain"
	case reconcile.EvidenceExactName:
		return "same name"
	case reconcile.EvidenceNormalizedName:
		return "name"
	case reconcile.EvidenceSimilarName:
		return "similar"
	case reconcile.EvidenceHand:
		return "by hand"
	case reconcile.EvidenceImported:
		return "imported"
	}
	return ""
}

// bucketWord names a bucket in the counts, with its marker.
func bucketWord(b bucket) string {
	switch b {
	case bucketMatched:
		return "✓ Matched"
	case bucketSuggested:
		return "? Suggested"
	case bucketUnmapped:
		return "· Unmapped"
	case bucketConflict:
		return "! Conflict"
	case bucketMissing:
		return "! Missing"
	case bucketExcluded:
		return "– Excluded"
	}
	return ""
}

// stateText is the State column: the bucket in words, with its marker.
func stateText(r *row) string {
	switch r.bucket {
	case bucketMatched:
		if r.auto {
			return "✓ auto"
		}
		return "✓ confirmed"
	case bucketSuggested:
		return fmt.Sprintf("? suggested %d%%", r.score)
	case bucketUnmapped:
		if r.noAccount {
			return "– no account"
		}
		return "· unmapped"
	case bucketConflict:
		return "! conflict"
	case bucketMissing:
		return "! missing"
	case bucketExcluded:
		return "– excluded"
	}
	return ""
}

func (m *Model) detailView() string {
	st := m.c.Styles
	r, ok := m.selected()
	if !ok {
		return "\n\n"
	}
	// The tenant id is what people copy: it stays whole, and the name
	// gives way when the line is narrow.
	tenant := " · tenant " + r.m.TenantID
	name := r.m.Customer
	if room := m.width - ansi.StringWidth(tenant); m.width > 0 && ansi.StringWidth(name) > room {
		name = ansi.Truncate(name, max(1, room), "…")
	}
	line1 := st.Bold.Render(name) + st.Muted.Render(tenant)
	if r.m.Excluded {
		return m.fit(line1) + "\n" +
			m.fit(st.Muted.Render("– Excluded from matching (an internal or test tenant): x includes it again")) + "\n"
	}
	if r.m.CustomerMissing {
		line1 += st.Warn.Render(" · ! not in Partner Center's last list; its matches are kept")
	}
	return m.fit(line1) + "\n" +
		m.fit(m.sideWhy(r, connectors.KindDistributor)) + "\n" +
		m.fit(m.sideWhy(r, connectors.KindPSA))
}

// sideWhy says, in one line, what one side holds and why.
func (m *Model) sideWhy(r row, side connectors.ConnectorKind) string {
	st := m.c.Styles
	label := m.sideLabel(side)
	head := st.Bold.Render(label + ": ")
	connected := m.connected.dist
	key := "d"
	if side == connectors.KindPSA {
		connected, key = m.connected.psa, "p"
	}
	if !connected {
		return head + st.Muted.Render("not connected: nothing read from it yet, so this side waits")
	}
	a := sideOf(r.m, side)
	marker, text, _ := sideParts(a)
	var what, why string
	switch statusOf(a) {
	case sideNone:
		what, why = "– no account", "said by hand; "+key+" picks one"
	case sideUnmapped:
		what, why = "· unmapped", "no evidence found; "+key+" picks an account"
		if a.Reason != "" {
			why = a.Reason + "; " + key + " picks an account"
		}
	case sideSuggested:
		what = fmt.Sprintf("%s %s · suggested %d%%", marker, text, a.Score)
		why = a.Reason + "; y confirms, " + key + " picks another"
	case sideAuto:
		what, why = marker+" "+text+" · auto", a.Reason
	case sideConfirmed:
		what, why = marker+" "+text+" · confirmed", a.Reason
	}
	if a.Conflict {
		var others []string
		for _, id := range a.ConflictWith {
			others = append(others, m.customerName(id))
		}
		why = "also claimed by " + strings.Join(others, ", ") + ": pick one with " + key + "; " + why
	}
	if a.Missing {
		why = "gone from " + label + "'s latest read, kept · " + why
	}
	return head + m.sideStyle(a).Render(what) + st.Muted.Render(" — "+why)
}

func (m *Model) bucketStyle(b bucket) lipgloss.Style {
	st := m.c.Styles
	switch b {
	case bucketMatched:
		return st.State.Ready
	case bucketSuggested:
		return st.State.Verifying
	case bucketConflict:
		return st.State.Failed
	case bucketMissing:
		return st.State.Lost
	}
	return st.State.NotConsented
}

func (m *Model) sideStyle(a reconcile.AccountMatch) lipgloss.Style {
	st := m.c.Styles
	switch {
	case a.Conflict:
		return st.State.Failed
	case a.Missing:
		return st.State.Lost
	}
	switch statusOf(a) {
	case sideAuto, sideConfirmed:
		return st.Text
	case sideSuggested:
		return st.State.Verifying
	}
	return st.Muted
}

// fit cuts a line to the body width.
func (m *Model) fit(s string) string { return common.FitLine(s, m.width) }
