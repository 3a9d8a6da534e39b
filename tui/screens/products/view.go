package products

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors/skus"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// Column widths that do not depend on the terminal.
const (
	cursorWidth = 2
	colSep      = "  "
	termWidth   = 10 // "triennial*"
	stateWidth  = 16 // "? suggested 100%"
	minName     = 12
	minItem     = 18
	maxName     = 44
	topLines    = 3 // counts, sources, filter / search
	detailLines = 3 // the selected row: what, its match and why, the item
)

// columns is the table layout for one width.
type columns struct{ name, item int }

// layoutFor gives the product name the room it needs first (no more than
// the longest name), leaving the item at least minItem, and the item the
// rest: catalogue names differ late ("Microsoft 365 Business Premium",
// "... Standard"), and the item is spelled out below the table anyway.
func layoutFor(width, longestName int) columns {
	free := width - cursorWidth - termWidth - stateWidth - 3*len(colSep)
	name := max(minName, min(max(longestName, minName), maxName, free-minItem))
	return columns{name: name, item: max(8, free-name)}
}

func (m *Model) tableRows() int {
	return m.height - topLines - 1 - detailLines
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	if !m.loaded {
		if m.refreshing {
			return st.Muted.Render("Matching products: tying distributor products to Microsoft SKUs and looking for PSA catalogue items…")
		}
		return st.Muted.Render("No matches loaded yet: press r to match products.")
	}
	if m.mode == modePick {
		return m.topView() + "\n" + m.picker.View(st, m.width, m.height-topLines)
	}
	return m.topView() + "\n" + m.tableView()
}

func (m *Model) topView() string {
	st := m.c.Styles
	c := m.counts
	parts := []string{st.Bold.Render(common.Plural(c.products, "product", "products"))}
	for _, b := range []bucket{bucketMatched, bucketSuggested, bucketUnmapped, bucketNotBilled, bucketMissing} {
		n := c.byBucket[b]
		if n == 0 && (b == bucketNotBilled || b == bucketMissing) {
			continue
		}
		parts = append(parts, m.bucketStyle(b).Render(fmt.Sprintf("%s %d", bucketWord(b), n)))
	}
	line1 := strings.Join(parts, "  ")
	if lipgloss.Width(line1) > m.width {
		line1 = strings.Join(parts, " ")
	}

	unknown := c.byBucket[bucketUnknown]
	var srcs []string
	if unknown > 0 {
		srcs = append(srcs, st.Warn.Render(fmt.Sprintf("? Unknown distributor products %d", unknown)))
	} else if len(m.data.Skus) > 0 {
		srcs = append(srcs, st.Good.Render("✓ every distributor product tied to a SKU"))
	}
	if m.psaConnected() {
		srcs = append(srcs, st.Text.Render(fmt.Sprintf("%s catalogue %d items", m.psaLabel(), len(m.data.Catalog))))
	} else {
		srcs = append(srcs, st.Warn.Render("PSA not connected: nothing to match products to"))
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
		free := "shown"
		if !m.showFree {
			free = fmt.Sprintf("%d hidden", c.hiddenFree)
		}
		line3 = st.Muted.Render("Filter ") + st.Text.Render(m.filter.String()) + st.Key.Render(" f") +
			st.Muted.Render(" · Free/trial ") + st.Text.Render(free) + st.Key.Render(" t") +
			st.Muted.Render(" · Search ") + st.Text.Render(q) + st.Key.Render(" /") +
			st.Muted.Render(fmt.Sprintf(" · %d shown", m.shownRows))
	}
	return m.fit(line1) + "\n" + m.fit(line2) + "\n" + m.fit(line3)
}

func (m *Model) tableView() string {
	st := m.c.Styles
	cols := layoutFor(m.width, m.longestName)
	rows := m.tableRows()
	var b strings.Builder
	header := strings.Repeat(" ", cursorWidth) + common.Cell("Product", cols.name) + colSep + common.Cell("Term", termWidth) + colSep +
		common.Cell(m.psaLabel()+" item", cols.item) + colSep + "State"
	b.WriteString(st.Table.Header.Render(m.fit(header)))
	b.WriteByte('\n')
	if len(m.entries) == 0 {
		msg := "Nothing matches the filter " + m.filter.String()
		if m.search.Query() != "" {
			msg += ` and the search "` + m.search.Query() + `"`
		}
		switch {
		case len(m.rows) == 0:
			msg = "No Microsoft products seen yet: run a sync (seats sync), then press r."
		case m.counts.products == 0 && m.counts.byBucket[bucketUnknown] == 0:
			msg = "Only free and trial SKUs were seen: t shows them."
		}
		b.WriteString(st.Muted.Render(m.fit(m.c.Hint(msg))))
		for i := 1; i < rows; i++ {
			b.WriteByte('\n')
		}
	} else {
		end := min(len(m.entries), m.offset+rows)
		for pos := m.offset; pos < end; pos++ {
			b.WriteString(m.entryView(cols, pos))
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

// entryView renders a section header or a row. Every cell is cut and
// padded as plain text first and styled after, so widths never count
// escape codes.
func (m *Model) entryView(cols columns, pos int) string {
	st := m.c.Styles
	e := m.entries[pos]
	if e.row < 0 {
		if e.header == kindTie {
			return st.Title.Render(m.fit(fmt.Sprintf("Distributor products not tied to a Microsoft SKU (%d): p ties one",
				m.counts.byBucket[bucketUnknown])))
		}
		return st.Title.Render(m.fit("Microsoft products on each term, and the PSA item each is billed as"))
	}
	r := &m.rows[e.row]
	cursor, nameStyle := "  ", st.Table.Row
	if pos == m.cursor {
		cursor, nameStyle = "› ", st.Table.Selected
	}
	var b strings.Builder
	if r.kind == kindTie {
		b.WriteString(nameStyle.Render(cursor + common.Cell(r.tie.ProductName, cols.name+len(colSep)+termWidth)))
		b.WriteString(colSep)
		b.WriteString(st.Muted.Render(common.Cell(r.tie.Reason, cols.item)))
		b.WriteString(colSep)
		b.WriteString(m.bucketStyle(r.bucket).Render("· unknown"))
		return b.String()
	}
	p := r.prod
	name := common.Cell(shownName(p), cols.name)
	if p.FreeOrTrial && ansi.StringWidth(shownName(p)) > cols.name {
		// Cut the name, not the mark: it is what says why the row is
		// usually hidden.
		name = common.Cell(ansi.Truncate(productName(p), max(1, cols.name-len(freeMark)), "…")+freeMark, cols.name)
	}
	b.WriteString(nameStyle.Render(cursor + name))
	b.WriteString(colSep)
	b.WriteString(st.Text.Render(common.Cell(termText(p), termWidth)))
	b.WriteString(colSep)
	b.WriteString(m.itemCell(r, cols.item))
	b.WriteString(colSep)
	b.WriteString(m.bucketStyle(r.bucket).Render(stateText(r)))
	return b.String()
}

// termText is the term, starred when it was assumed.
func termText(p reconcile.ProductMatch) string {
	if p.TermAssumed {
		return string(p.Term) + "*"
	}
	return string(p.Term)
}

// itemCell is the PSA item of a product in exactly width cells: a marker,
// the item and, when it fits, a short word on the evidence.
func (m *Model) itemCell(r *row, width int) string {
	st := m.c.Styles
	if !m.psaConnected() {
		return st.Muted.Render(common.Cell("not connected", width))
	}
	marker, text, tag := itemParts(r)
	body := marker + " " + text
	if tag != "" && ansi.StringWidth(body)+2+ansi.StringWidth(tag) <= width {
		pad := width - ansi.StringWidth(body) - ansi.StringWidth(tag)
		return m.bucketStyle(r.bucket).Render(body) + strings.Repeat(" ", pad) + st.Muted.Render(tag)
	}
	return m.bucketStyle(r.bucket).Render(common.Cell(body, width))
}

// itemParts splits a product's match into its marker, the item and a
// short tag, all readable without colour.
func itemParts(r *row) (marker, text, tag string) {
	p := r.prod
	text = p.ItemName
	if text == "" {
		text = p.ItemID
	}
	switch r.bucket {
	case bucketNotBilled:
		return "–", "not billed", "by hand"
	case bucketUnmapped:
		return "·", "unmapped", ""
	case bucketMissing:
		return "!", text, "missing"
	case bucketSuggested:
		return "?", text, fmt.Sprintf("%d%%", p.Score)
	}
	return "✓", text, evidenceTag(p.Evidence)
}

// evidenceTag is the evidence in a word or two.
func evidenceTag(e reconcile.Evidence) string {
	switch e {
	case reconcile.EvidencePartNumber:
		return "part no."
	case reconcile.EvidenceSkuID:
		return "SKU id"
	case reconcile.EvidenceSimilarName, reconcile.EvidenceProductName:
		return "name"
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
	case bucketNotBilled:
		return "– Not billed"
	case bucketMissing:
		return "! Missing"
	case bucketUnknown:
		return "? Unknown"
	}
	return ""
}

// stateText is the State column, with its marker.
func stateText(r *row) string {
	switch r.bucket {
	case bucketMatched:
		if r.prod.State == reconcile.StateAuto {
			return "✓ auto"
		}
		return "✓ confirmed"
	case bucketSuggested:
		return fmt.Sprintf("? suggested %d%%", r.prod.Score)
	case bucketNotBilled:
		return "– not billed"
	case bucketMissing:
		return "! missing"
	case bucketUnknown:
		return "· unknown"
	}
	return "· unmapped"
}

func (m *Model) detailView() string {
	i, ok := m.selectedRow()
	if !ok {
		return "\n\n"
	}
	r := &m.rows[i]
	var lines [3]string
	if r.kind == kindTie {
		lines = m.tieDetail(r.tie)
	} else {
		lines = m.productDetail(r)
	}
	return m.fit(lines[0]) + "\n" + m.fit(lines[1]) + "\n" + m.fit(lines[2])
}

func (m *Model) tieDetail(t reconcile.SkuTie) [3]string {
	st := m.c.Styles
	reason := t.Reason
	if reason == "" {
		reason = "no SKU id and no catalogue name fits"
	}
	return [3]string{
		st.Bold.Render(t.ProductName) + st.Muted.Render(" · distributor product "+t.ProductID),
		st.Warn.Render("? Not tied to a Microsoft SKU") + st.Muted.Render(" — "+reason),
		st.Muted.Render(fmt.Sprintf("p picks its SKU from the catalogue (%d SKUs): until then its seats are not set beside the tenants' licences", len(skus.All()))),
	}
}

func (m *Model) productDetail(r *row) [3]string {
	st := m.c.Styles
	p := r.prod
	var out [3]string
	head := st.Bold.Render(productName(p))
	facts := []string{}
	if p.SkuPartNumber != "" {
		facts = append(facts, p.SkuPartNumber)
	}
	term := string(p.Term)
	if p.TermAssumed {
		term += "* (assumed: no distributor subscription gives its term)"
	}
	facts = append(facts, term)
	if p.FreeOrTrial {
		why, _ := skus.FreeOrTrialReason(p.SkuID, p.SkuPartNumber)
		facts = append(facts, strings.TrimSuffix("free/trial: "+why, "."))
	}
	out[0] = head + st.Muted.Render(" · "+strings.Join(facts, " · "))
	label := st.Bold.Render(m.psaLabel() + ": ")
	if !m.psaConnected() {
		out[1] = st.Bold.Render("PSA: ") + st.Muted.Render("not connected: nothing to match this product to yet")
		return out
	}
	marker, text, _ := itemParts(r)
	var what, why string
	switch r.bucket {
	case bucketNotBilled:
		what, why = "– not billed", "said by hand; p picks an item"
	case bucketUnmapped:
		what, why = "· unmapped", "no item found; p picks one, or says it is not billed"
		if p.Reason != "" {
			why = p.Reason + "; p picks an item"
		}
	case bucketSuggested:
		what, why = fmt.Sprintf("%s %s · suggested %d%%", marker, text, p.Score), p.Reason+"; y confirms, p picks another"
	case bucketMissing:
		what, why = marker+" "+text, "gone from the latest catalogue, kept · "+p.Reason
	default:
		what, why = marker+" "+text+" · "+string(p.State), p.Reason
	}
	out[1] = label + m.bucketStyle(r.bucket).Render(what) + st.Muted.Render(" — "+why)
	if p.ItemID != "" {
		out[2] = st.Muted.Render(m.itemFacts(p.ItemID))
	}
	return out
}

// itemFacts says what the PSA catalogue holds for an item.
func (m *Model) itemFacts(id string) string {
	for _, it := range m.data.Catalog {
		if !strings.EqualFold(it.ID, id) {
			continue
		}
		facts := []string{"item " + it.ID}
		if it.Identifier != "" {
			facts = append(facts, it.Identifier)
		}
		if it.VendorSKU != "" {
			facts = append(facts, "vendor SKU "+it.VendorSKU)
		}
		if it.Price.Known() {
			facts = append(facts, "price "+it.Price.String()+" (PSA catalogue)")
		}
		if !it.Active {
			facts = append(facts, "inactive")
		}
		return strings.Join(facts, " · ")
	}
	return "item " + id + " · not in the latest catalogue"
}

func (m *Model) bucketStyle(b bucket) lipgloss.Style {
	st := m.c.Styles
	switch b {
	case bucketMatched:
		return st.State.Ready
	case bucketSuggested:
		return st.State.Verifying
	case bucketMissing, bucketUnknown:
		return st.State.Lost
	}
	return st.State.NotConsented
}

// fit cuts a line to the body width.
func (m *Model) fit(s string) string { return common.FitLine(s, m.width) }
