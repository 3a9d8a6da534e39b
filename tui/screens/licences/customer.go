package licences

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// rowKind is what a line of the customer table shows.
type rowKind int

const (
	rowMissing rowKind = iota // what is missing for full numbers
	rowSku
	rowTerm
	rowFinding
)

// custRow is one line of the customer table: indexes into the customer's
// licences and the report's findings.
type custRow struct {
	kind      rowKind
	missing   int
	sku       int
	term      int
	finding   int
	attention bool // stands out: it has findings, or more assigned than enabled
}

// customerView is the open customer.
type customerView struct {
	tenantID string
	sum      *summary
	rows     []custRow
	cursor   int
	offset   int
	expanded bool // the "where from" pane takes half the screen
	// Widest product name and term label, for the first column.
	nameWidth int
}

func (v *customerView) clamp(page int) {
	v.cursor, v.offset = common.ClampWindow(v.cursor, v.offset, len(v.rows), page)
}

// openCustomer shows the customer tenantID from the current report,
// keeping the cursor on the same line when it is the same customer. A
// customer the report no longer has closes the view.
func (m *Model) openCustomer(tenantID string) {
	v := &m.customer
	i, ok := m.portfolio.byTenant[strings.ToLower(tenantID)]
	if !ok {
		*v = customerView{}
		if m.view == viewCustomer {
			m.view = viewPortfolio
		}
		return
	}
	same := strings.EqualFold(v.tenantID, tenantID)
	cursor, offset, expanded := v.cursor, v.offset, v.expanded
	*v = customerView{tenantID: tenantID, sum: &m.portfolio.rows[i]}
	v.rows, v.nameWidth = customerRows(v.sum, m.report.Findings)
	if same {
		v.cursor, v.offset, v.expanded = cursor, offset, expanded
	} else {
		// Start on the first SKU, below what is missing.
		for pos, r := range v.rows {
			if r.kind != rowMissing {
				v.cursor = pos
				break
			}
		}
	}
	v.clamp(m.customerRows())
}

// customerRows lays out the table: what is missing first, then each SKU
// with its per-SKU findings, then each of its terms with the findings of
// the PSA item it is billed as. A finding about several SKUs or terms
// billed as one item goes below the first of them; one that fits no row
// goes at the end.
func customerRows(s *summary, findings []reconcile.Finding) ([]custRow, int) {
	cl := s.cl
	var rows []custRow
	for i := range cl.Missing {
		rows = append(rows, custRow{kind: rowMissing, missing: i})
	}
	placed := map[int]bool{}
	width := 0
	for si := range cl.Skus {
		sku := &cl.Skus[si]
		width = max(width, ansi.StringWidth(sku.Name))
		var own []int
		for _, fi := range s.findings {
			f := &findings[fi]
			if f.Kind.PerSku() && !placed[fi] && strings.EqualFold(f.SkuID, sku.SkuID) {
				own = append(own, fi)
				placed[fi] = true
			}
		}
		rows = append(rows, custRow{kind: rowSku, sku: si, attention: len(own) > 0 || sku.OverAssigned})
		for _, fi := range own {
			rows = append(rows, custRow{kind: rowFinding, sku: si, finding: fi, attention: true})
		}
		for ti := range sku.Terms {
			t := &sku.Terms[ti]
			width = max(width, 2+ansi.StringWidth(termText(t, 3)))
			var item []int
			for _, fi := range s.findings {
				f := &findings[fi]
				if !f.Kind.PerSku() && !placed[fi] && joinedHas(f.SkuID, sku.SkuID) && joinedHas(f.Term, string(t.Term)) {
					item = append(item, fi)
					placed[fi] = true
				}
			}
			rows = append(rows, custRow{kind: rowTerm, sku: si, term: ti, attention: len(item) > 0})
			for _, fi := range item {
				rows = append(rows, custRow{kind: rowFinding, sku: si, term: ti, finding: fi, attention: true})
			}
		}
	}
	for _, fi := range s.findings {
		if !placed[fi] {
			rows = append(rows, custRow{kind: rowFinding, sku: -1, finding: fi, attention: true})
		}
	}
	return rows, width
}

// joinedHas reports whether a "+"-joined list (SKU ids or terms billed as
// one PSA item) holds v.
func joinedHas(list, v string) bool {
	return slices.ContainsFunc(strings.Split(list, "+"), func(s string) bool { return strings.EqualFold(s, v) })
}

// termText is a term row's label, from the fullest (detail 3: term,
// billing, renewal) to the shortest (0: the term).
func termText(t *reconcile.TermRow, detail int) string {
	parts := []string{termLabel(t.Term)}
	if detail >= 3 && t.BillingFrequency != "" {
		parts = append(parts, billingLabel(t.BillingFrequency))
	}
	if d := date(t.RenewalDate); d != "" {
		switch {
		case detail >= 2:
			parts = append(parts, "renews "+d)
		case detail == 1:
			parts = append(parts, d)
		}
	}
	return strings.Join(parts, " · ")
}

// --- keys ---------------------------------------------------------------------

func (m *Model) customerKey(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := m.commonKey(msg); ok {
		return cmd
	}
	v := &m.customer
	page := m.customerRows()
	k := m.keys
	move := func(d int) {
		v.cursor += d
		v.clamp(page)
	}
	switch {
	case key.Matches(msg, k.Up):
		move(-1)
	case key.Matches(msg, k.Down):
		move(1)
	case key.Matches(msg, k.PageUp):
		move(-page)
	case key.Matches(msg, k.PageDown):
		move(page)
	case key.Matches(msg, k.Home):
		move(-len(v.rows))
	case key.Matches(msg, k.End):
		move(len(v.rows))
	case key.Matches(msg, k.Expand):
		v.expanded = !v.expanded
		v.clamp(m.customerRows())
	case key.Matches(msg, k.Close):
		m.view = viewPortfolio
		m.customer = customerView{}
	}
	return nil
}

// --- view ---------------------------------------------------------------------

const (
	customerTop     = 3 // who, data age, findings and money
	customerHeaders = 2 // the SKU columns, the term columns
	paneLines       = 4 // "where from" lines, collapsed
)

// paneHeight is the room of the "where from" pane, with its rule.
func (m *Model) paneHeight() int {
	if m.customer.expanded {
		return max(paneLines, (m.height-customerTop-customerHeaders)/2) + 1
	}
	return paneLines + 1
}

// customerRows is how many table lines fit.
func (m *Model) customerRows() int {
	return max(1, m.height-customerTop-customerHeaders-m.paneHeight())
}

// customerColumns is the table layout for one width. The numbers of SKU
// rows and term rows share columns: enabled over purchased, assigned over
// billed, unused over unit cost, the seat bar over unit price.
type customerColumns struct {
	sep              string
	name             int
	num1, num2, num3 int
	bar, money       int
}

func (m *Model) customerColumns() customerColumns {
	const flag = 4 // "› ! "
	for _, c := range []customerColumns{
		{sep: colSep, num1: 9, num2: 9, num3: 9, bar: 11, money: 14},
		{sep: " ", num1: 9, num2: 8, num3: 8, bar: 9, money: 12},
	} {
		fixed := flag + c.num1 + c.num2 + c.num3 + c.bar + c.money + 5*len(c.sep)
		if name := m.width - fixed; name >= 24 || c.sep == " " {
			c.name = max(16, min(name, max(24, m.customer.nameWidth)))
			return c
		}
	}
	return customerColumns{}
}

func (m *Model) customerView() string {
	st := m.c.Styles
	v := &m.customer
	if v.sum == nil {
		return st.Muted.Render("No customer open.")
	}
	cols := m.customerColumns()
	lines := m.customerTop()
	h1 := []string{"    " + common.Cell("Product", cols.name), rcell("Enabled", cols.num1), rcell("Assigned", cols.num2),
		rcell("Unused", cols.num3), common.Cell("In use", cols.bar)}
	h2 := []string{"      " + common.Cell("Term", cols.name-2), rcell("Purchased", cols.num1), rcell("Billed", cols.num2),
		rcell("Cost/mo", cols.num3), rcell("Price/mo", cols.bar), rcell("Money/mo", cols.money)}
	lines = append(lines,
		st.Table.Header.Render(fitWidth(strings.TrimRight(strings.Join(h1, cols.sep), " "), m.width)),
		st.Muted.Render(fitWidth(strings.TrimRight(strings.Join(h2, cols.sep), " "), m.width)))
	page := m.customerRows()
	if len(v.rows) == 0 {
		lines = append(lines, st.Muted.Render(fitWidth("The tenant has no licences seats counts.", m.width)))
	}
	end := min(len(v.rows), v.offset+page)
	for pos := v.offset; pos < end; pos++ {
		lines = append(lines, m.customerRow(cols, pos))
	}
	lines = padLines(lines, customerTop+customerHeaders+page)
	return strings.Join(append(lines, m.pane()...), "\n")
}

func (m *Model) customerTop() []string {
	st := m.c.Styles
	s := m.customer.sum
	cl := s.cl
	line1 := st.Title.Render(cl.Name) + st.Muted.Render(" · tenant "+cl.TenantID)
	age := "oldest data read " + stamp(cl.SyncedAt) + " (" + ago(m.c.Now(), cl.SyncedAt) + ")"
	var line2 string
	switch {
	case cl.Stale && len(cl.StaleReasons) > 0:
		line2 = st.Warn.Render("! Stale: "+strings.Join(cl.StaleReasons, "; ")) + st.Muted.Render(" · "+age)
	case s.stale:
		line2 = st.Warn.Render("! Stale: " + age + "; press s to sync")
	default:
		line2 = st.Muted.Render(strings.ToUpper(age[:1]) + age[1:])
	}
	line3 := moneyLine(st, m.width, []string{fmt.Sprintf("%d findings", len(s.findings))}, s.found, s.owed,
		fmt.Sprintf("seats: %d enabled, %d assigned, %d unused", s.enabled, s.assigned, s.unused))
	return []string{fitWidth(line1, m.width), fitWidth(line2, m.width), fitWidth(line3, m.width)}
}

// customerRow renders one table line.
func (m *Model) customerRow(cols customerColumns, pos int) string {
	st := m.c.Styles
	v := &m.customer
	r := v.rows[pos]
	cl := v.sum.cl
	cur := "  "
	if pos == v.cursor {
		cur = "› "
	}
	flag := "  "
	if r.attention {
		flag = "! "
	}
	nameStyle := st.Table.Row
	switch {
	case pos == v.cursor:
		nameStyle = st.Table.Selected
	case r.attention:
		nameStyle = st.Warn
	}
	var b strings.Builder
	switch r.kind {
	case rowMissing:
		b.WriteString(nameStyle.Render(cur) + st.Warn.Render("! "+m.c.Hint(cl.Missing[r.missing])))
	case rowSku:
		sku := &cl.Skus[r.sku]
		b.WriteString(nameStyle.Render(cur + flag + common.Cell(sku.Name, cols.name)))
		b.WriteString(cols.sep + st.Text.Render(rcell(fmt.Sprint(sku.Enabled), cols.num1)))
		assigned := st.Text
		if sku.OverAssigned {
			assigned = st.Bad
		}
		b.WriteString(cols.sep + assigned.Render(rcell(fmt.Sprint(sku.Assigned), cols.num2)))
		unused := st.Text
		if sku.Unused > 0 {
			unused = st.Warn
		}
		b.WriteString(cols.sep + unused.Render(rcell(fmt.Sprint(sku.Unused), cols.num3)))
		b.WriteString(cols.sep + m.seatBar(sku, cols.bar-1))
	case rowTerm:
		t := &cl.Skus[r.sku].Terms[r.term]
		label := ""
		for detail := 3; detail >= 0; detail-- {
			if label = termText(t, detail); ansi.StringWidth(label) <= cols.name-2 {
				break
			}
		}
		b.WriteString(nameStyle.Render(cur + flag + "  " + common.Cell(label, cols.name-2)))
		b.WriteString(cols.sep + st.Text.Render(rcell(intText(t.Purchased), cols.num1)))
		billed := st.Text
		if r.attention {
			billed = st.Warn
		}
		b.WriteString(cols.sep + billed.Render(rcell(intText(t.Billed), cols.num2)))
		b.WriteString(cols.sep + st.Text.Render(rcell(t.UnitCost.Decimal(), cols.num3)))
		b.WriteString(cols.sep + st.Text.Render(rcell(t.UnitPrice.Decimal(), cols.bar)))
		money := ""
		if t.MonthlyAmount.Known() {
			money = t.MonthlyAmount.String()
		}
		b.WriteString(cols.sep + st.Text.Render(rcell(money, cols.money)))
	case rowFinding:
		f := &m.report.Findings[r.finding]
		indent := "  "
		if r.kind == rowFinding && r.sku >= 0 {
			indent = "    "
			if f.Kind.PerSku() {
				indent = "  "
			}
		}
		text := kindLabel(f.Kind)
		if f.MonthlyAmount.Known() {
			text += " · " + f.MonthlyAmount.String() + " a month"
		}
		text += " · " + f.Detail
		style := st.Warn
		if owedBack(f.Kind) {
			style = st.Bad
		}
		b.WriteString(nameStyle.Render(cur) + style.Render(indent+"! "+text))
	}
	return fitWidth(strings.TrimRight(b.String(), " "), m.width)
}

// seatBar draws assigned against enabled in width cells: assigned seats
// full, idle ones light, so that idle seats are seen before they are read.
// More assigned than enabled fills the bar in the colour of trouble; no
// seats enabled at all is a dash.
func (m *Model) seatBar(sku *reconcile.SkuRow, width int) string {
	st := m.c.Styles
	switch {
	case sku.Enabled <= 0 && sku.Assigned <= 0:
		return st.Muted.Render(common.Cell("—", width))
	case sku.OverAssigned:
		return st.Bad.Render(strings.Repeat("█", width))
	}
	full := (sku.Assigned*width + sku.Enabled/2) / sku.Enabled
	if sku.Assigned > 0 {
		full = max(full, 1) // one seat used still shows
	}
	if sku.Unused > 0 {
		full = min(full, width-1) // one seat idle still shows
	}
	return st.Good.Render(strings.Repeat("█", full)) + st.Warn.Render(strings.Repeat("░", width-full))
}

// pane is the "where from" pane of the selected line, cut to its room:
// what each number is and where it came from.
func (m *Model) pane() []string {
	st := m.c.Styles
	height := m.paneHeight()
	rule := st.Muted.Render(fitWidth("── Where from "+strings.Repeat("─", max(0, m.width-14)), m.width))
	var body []string
	for _, l := range m.paneLines() {
		for _, w := range wrapPlain(l.text, m.width, "    ") {
			body = append(body, l.style.Render(w))
		}
	}
	room := height - 1
	if len(body) > room {
		body = body[:room]
		more := "… enter shows all"
		if m.customer.expanded {
			more = "… the rest does not fit: make the terminal taller"
		}
		body[room-1] = st.Muted.Render(more)
	}
	return append([]string{rule}, padLines(body, room)...)
}

// paneLine is one line of the pane, in a style.
type paneLine struct {
	text  string
	style lipgloss.Style
}

func (m *Model) paneLines() []paneLine {
	st := m.c.Styles
	v := &m.customer
	if v.cursor < 0 || v.cursor >= len(v.rows) {
		return nil
	}
	cl := v.sum.cl
	r := v.rows[v.cursor]
	text := func(s string) paneLine { return paneLine{s, st.Text} }
	muted := func(s string) paneLine { return paneLine{s, st.Muted} }
	warn := func(s string) paneLine { return paneLine{s, st.Warn} }
	from := func(what string, src reconcile.Source, blank string) paneLine {
		if !src.Known() {
			return muted(what + ": " + blank)
		}
		return text(what + " ← " + src.String())
	}
	switch r.kind {
	case rowMissing:
		return []paneLine{warn("! " + m.c.Hint(cl.Missing[r.missing]))}
	case rowSku:
		sku := &cl.Skus[r.sku]
		head := sku.Name
		if sku.SkuPartNumber != "" {
			head += " · " + sku.SkuPartNumber
		}
		if !sku.Source.Known() {
			head += " · SKU " + sku.SkuID // the source line names it otherwise
		}
		out := []paneLine{{head, st.Bold}}
		out = append(out, from(fmt.Sprintf("Enabled %d, assigned %d", sku.Enabled, sku.Assigned), sku.Source,
			"not in the tenant's licences as read"))
		switch {
		case sku.OverAssigned:
			out = append(out, paneLine{fmt.Sprintf("! More assigned than enabled: %d assigned, %d enabled", sku.Assigned, sku.Enabled), st.Bad})
		case sku.Enabled > 0:
			out = append(out, muted(fmt.Sprintf("Unused %d = enabled %d − assigned %d (%d%% assigned)",
				sku.Unused, sku.Enabled, sku.Assigned, sku.Assigned*100/sku.Enabled)))
		}
		if len(sku.Terms) == 0 {
			why := "No distributor subscription or PSA line counts for this SKU: purchased and billed stay blank"
			if len(cl.Missing) > 0 {
				why += " (what is missing is listed above)"
			}
			out = append(out, muted(why))
		}
		if sku.FreeOrTrial {
			out = append(out, muted("A free or trial SKU (billing.include_free is on)"))
		}
		if sku.Ignored {
			out = append(out, muted("In reconcile.ignore_products: shown, never a finding"))
		}
		return out
	case rowTerm:
		sku := &cl.Skus[r.sku]
		t := &sku.Terms[r.term]
		w := t.Where()
		head := sku.Name + " · " + termText(t, 3)
		if t.PSAItemID != "" {
			head += " · PSA item " + t.PSAItemID
			if t.PSAItemName != "" {
				head += " (" + t.PSAItemName + ")"
			}
		}
		out := []paneLine{{head, st.Bold}}
		out = append(out,
			from("Purchased "+intText(t.Purchased), w.Purchased, "blank: no distributor account matched or read"),
			from("Billed "+intText(t.Billed), w.Billed, "blank: no PSA item mapped or company matched"),
			from("To bill "+intText(t.ToBill), w.ToBill, "not known"),
			from("Unit cost "+t.UnitCost.String()+" a month", w.UnitCost, "not known"),
			from("Unit price "+t.UnitPrice.String()+" a month", w.UnitPrice, "not known"),
		)
		if t.MonthlyAmount.Known() {
			out = append(out, muted("Money "+t.MonthlyAmount.String()+" a month = billed "+intText(t.Billed)+" × unit price"))
		}
		return out
	case rowFinding:
		f := &m.report.Findings[r.finding]
		style := st.Warn
		if owedBack(f.Kind) {
			style = st.Bad
		}
		out := []paneLine{{"! " + kindLabel(f.Kind) + ": " + f.Detail, style}}
		facts := []string{fmt.Sprintf("Quantity %d", f.Quantity)}
		if f.MonthlyAmount.Known() {
			facts = append(facts, f.MonthlyAmount.String()+" a month")
		} else {
			facts = append(facts, "no price known")
		}
		if !f.ActionableFrom.IsZero() {
			facts = append(facts, "can be acted on from "+date(f.ActionableFrom))
		}
		facts = append(facts, f.Product)
		if f.Term != "" {
			facts = append(facts, f.Term)
		}
		out = append(out, text(strings.Join(facts, " · ")))
		for _, s := range f.Sources {
			out = append(out, text("← "+s.String()))
		}
		return out
	}
	return nil
}
