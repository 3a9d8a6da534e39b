package licences

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// portfolioFilter narrows the portfolio.
type portfolioFilter int

const (
	filterAll portfolioFilter = iota
	filterFindings
	filterStale
	filterNotMatched
	filterCount
)

func (f portfolioFilter) String() string {
	switch f {
	case filterFindings:
		return "With findings"
	case filterStale:
		return "Stale"
	case filterNotMatched:
		return "Not matched"
	}
	return "All"
}

// sortOrder orders the portfolio.
type sortOrder int

const (
	sortByMoney sortOrder = iota
	sortByName
)

func (s sortOrder) String() string {
	if s == sortByName {
		return "name"
	}
	return "money at stake"
}

// summary is one customer's portfolio line, worked out once per report so
// that View only formats the lines on screen.
type summary struct {
	cl                        *reconcile.CustomerLicences
	enabled, assigned, unused int
	findings                  []int // indexes into the report's findings
	found, owed               []connectors.Money
	foundText, owedText       string
	notMatched                bool
	search                    string // lower-case name and tenant id
	sortName                  string
	// stake is the money at stake (found and owed back) in the report's
	// main currency, stakeOther in the others, summed as numbers only to
	// break ties: no exchange rate is ever applied.
	stake, stakeOther int64
	stale             bool // set by rebuild: it depends on now
}

// portfolio is the first view's data and position.
type portfolio struct {
	rows      []summary
	byTenant  map[string]int
	visible   []int // indexes into rows after filter, search and order
	cursor    int   // position in visible
	offset    int   // first position of visible shown
	filter    portfolioFilter
	sort      sortOrder
	query     string
	searching bool

	// Widest values, so that columns take the room the data needs.
	nameWidth, foundWidth, owedWidth int
	// Over every customer.
	findings   int
	found      []connectors.Money
	owed       []connectors.Money
	stale      int
	notMatched int
	unmapped   reconcile.UnmappedCounts
	haveDist   bool
	havePSA    bool
}

// build derives every customer's line from rep.
func (p *portfolio) build(rep *reconcile.Report, haveDist, havePSA bool) {
	p.rows = make([]summary, len(rep.Customers))
	p.byTenant = make(map[string]int, len(rep.Customers))
	p.nameWidth, p.foundWidth, p.owedWidth = 0, 0, 0
	p.findings, p.found, p.owed, p.notMatched = len(rep.Findings), nil, nil, 0
	p.unmapped, p.haveDist, p.havePSA = rep.Unmapped, haveDist, havePSA
	for i := range rep.Customers {
		cl := &rep.Customers[i]
		s := summary{cl: cl, search: strings.ToLower(cl.Name + "\x00" + cl.TenantID), sortName: strings.ToLower(cl.Name)}
		for _, sku := range cl.Skus {
			s.enabled += sku.Enabled
			s.assigned += sku.Assigned
			s.unused += sku.Unused
		}
		s.notMatched = haveDist && cl.DistributorAccountID == "" || havePSA && cl.PSAAccountID == ""
		if s.notMatched {
			p.notMatched++
		}
		p.rows[i] = s
		p.byTenant[strings.ToLower(cl.TenantID)] = i
		p.nameWidth = max(p.nameWidth, ansi.StringWidth(cl.Name))
	}
	for fi := range rep.Findings {
		f := &rep.Findings[fi]
		i, ok := p.byTenant[strings.ToLower(f.TenantID)]
		if !ok {
			continue
		}
		s := &p.rows[i]
		s.findings = append(s.findings, fi)
		switch {
		case moneyFound(f.Kind):
			s.found = addMoney(s.found, f.MonthlyAmount)
		case owedBack(f.Kind):
			s.owed = addMoney(s.owed, f.MonthlyAmount)
		}
	}
	main := mainCurrency(rep.Totals)
	for i := range p.rows {
		s := &p.rows[i]
		s.foundText, s.owedText = moneyShort(s.found), moneyShort(s.owed)
		p.foundWidth = max(p.foundWidth, ansi.StringWidth(s.foundText))
		p.owedWidth = max(p.owedWidth, ansi.StringWidth(s.owedText))
		for _, m := range append(slices.Clip(s.found), s.owed...) {
			if m.Currency == main {
				s.stake += m.Minor
			} else {
				s.stakeOther += m.Minor
			}
		}
	}
	for _, t := range rep.Totals {
		if t.MoneyFound.Minor != 0 {
			p.found = addMoney(p.found, t.MoneyFound)
		}
		if t.OwedBack.Minor != 0 {
			p.owed = addMoney(p.owed, t.OwedBack)
		}
	}
}

// mainCurrency is the currency with the most money at stake: the one the
// portfolio sorts by first.
func mainCurrency(totals []reconcile.CurrencyTotals) string {
	best, most := "", int64(-1)
	for _, t := range totals {
		if n := t.MoneyFound.Minor + t.OwedBack.Minor; n > most {
			best, most = t.Currency, n
		}
	}
	return best
}

// isStale reports whether a customer's data is stale at now: its last read
// failed, it was never read, or it is older than staleAfter (when set).
func isStale(cl *reconcile.CustomerLicences, now time.Time, staleAfter time.Duration) bool {
	switch {
	case cl.Stale, cl.SyncedAt.IsZero():
		return true
	case staleAfter > 0:
		return now.Sub(cl.SyncedAt) > staleAfter
	}
	return false
}

func (p *portfolio) matches(i int) bool {
	s := &p.rows[i]
	switch p.filter {
	case filterFindings:
		if len(s.findings) == 0 {
			return false
		}
	case filterStale:
		if !s.stale {
			return false
		}
	case filterNotMatched:
		if !s.notMatched {
			return false
		}
	}
	if q := strings.ToLower(strings.TrimSpace(p.query)); q != "" {
		return strings.Contains(s.search, q)
	}
	return true
}

// rebuild recomputes the visible lines after the data, filter, search or
// order changed, keeping the cursor on the same customer when it is still
// shown. View never filters or sorts: it only slices visible.
func (p *portfolio) rebuild(page int, now time.Time, staleAfter time.Duration) {
	selected := p.selectedTenant()
	p.stale = 0
	for i := range p.rows {
		p.rows[i].stale = isStale(p.rows[i].cl, now, staleAfter)
		if p.rows[i].stale {
			p.stale++
		}
	}
	p.visible = p.visible[:0]
	for i := range p.rows {
		if p.matches(i) {
			p.visible = append(p.visible, i)
		}
	}
	slices.SortStableFunc(p.visible, func(a, b int) int {
		ra, rb := &p.rows[a], &p.rows[b]
		if p.sort == sortByMoney {
			if c := cmp.Or(cmp.Compare(rb.stake, ra.stake), cmp.Compare(rb.stakeOther, ra.stakeOther),
				cmp.Compare(len(rb.findings), len(ra.findings))); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(ra.sortName, rb.sortName), strings.Compare(ra.cl.TenantID, rb.cl.TenantID))
	})
	p.cursor = 0
	if selected != "" {
		for pos, i := range p.visible {
			if p.rows[i].cl.TenantID == selected {
				p.cursor = pos
				break
			}
		}
	}
	p.clamp(page)
}

func (p *portfolio) selectedTenant() string {
	if s, ok := p.selected(); ok {
		return s.cl.TenantID
	}
	return ""
}

func (p *portfolio) selected() (*summary, bool) {
	if p.cursor < 0 || p.cursor >= len(p.visible) {
		return nil, false
	}
	return &p.rows[p.visible[p.cursor]], true
}

func (p *portfolio) move(delta, page int) {
	p.cursor = min(max(p.cursor+delta, 0), max(0, len(p.visible)-1))
	p.clamp(page)
}

// clamp keeps the cursor inside the window of page lines.
func (p *portfolio) clamp(page int) {
	p.cursor, p.offset = common.ClampWindow(p.cursor, p.offset, len(p.visible), page)
}

// --- keys ---------------------------------------------------------------------

func (m *Model) portfolioKey(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := m.commonKey(msg); ok {
		return cmd
	}
	p := &m.portfolio
	page := m.portfolioRows()
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		p.move(-1, page)
	case key.Matches(msg, k.Down):
		p.move(1, page)
	case key.Matches(msg, k.PageUp):
		p.move(-page, page)
	case key.Matches(msg, k.PageDown):
		p.move(page, page)
	case key.Matches(msg, k.Home):
		p.move(-len(p.visible), page)
	case key.Matches(msg, k.End):
		p.move(len(p.visible), page)
	case key.Matches(msg, k.Open):
		if s, ok := p.selected(); ok {
			m.openCustomer(s.cl.TenantID)
			m.view = viewCustomer
		}
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.Filter):
		p.filter = (p.filter + 1) % filterCount
		m.rebuildPortfolio()
	case key.Matches(msg, k.Order):
		p.sort = (p.sort + 1) % 2
		m.rebuildPortfolio()
	case key.Matches(msg, k.Clear):
		m.search.Clear()
		p.query = ""
		m.rebuildPortfolio()
	case key.Matches(msg, k.Back):
		return common.Back(m.ID())
	}
	return nil
}

func (m *Model) rebuildPortfolio() {
	m.portfolio.rebuild(m.portfolioRows(), m.c.Now(), m.deps.StaleAfter)
}

// --- search ---------------------------------------------------------------------

func (m *Model) startSearch() tea.Cmd {
	m.portfolio.searching = true
	return m.search.Open()
}

func (m *Model) searchKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.SearchApply):
		m.portfolio.searching = false
		m.search.Close(true)
		return nil
	case key.Matches(msg, m.keys.SearchClear):
		m.portfolio.searching = false
		m.search.Close(false)
		m.portfolio.query = ""
		m.rebuildPortfolio()
		return nil
	}
	return m.updateSearch(msg)
}

// updateSearch hands msg to the input and filters as the text changes.
func (m *Model) updateSearch(msg tea.Msg) tea.Cmd {
	cmd, changed := m.search.Update(msg)
	if changed {
		m.portfolio.query = m.search.Query()
		m.rebuildPortfolio()
	}
	return common.ForScreen(m.ID(), cmd)
}

// --- view -------------------------------------------------------------------------

// Lines of the portfolio around its rows.
const (
	portfolioTop    = 3 // totals, unmapped, filter or search
	portfolioDetail = 2 // the selected customer
)

// portfolioRows is how many customer lines fit.
func (m *Model) portfolioRows() int {
	n := m.height - portfolioTop - 1 - portfolioDetail
	if m.sync != nil {
		n-- // the sync's line
	}
	return max(1, n)
}

// portfolioColumns is the layout for one width; zero drops a column.
type portfolioColumns struct {
	sep               string
	name, found, owed int
}

const (
	colEnabled  = 7 // "Enabled"
	colAssigned = 8 // "Assigned"
	colUnused   = 6 // "Unused"
	colFindings = 8 // "Findings"
	colData     = 9 // "! 12d ago"
	minName     = 14
	maxName     = 40
)

func (p *portfolio) columns(width int) portfolioColumns {
	found := min(18, max(len("Found/mo"), p.foundWidth))
	owed := min(18, max(len("Owed back/mo"), p.owedWidth))
	nameTarget := min(maxName, max(minName, p.nameWidth))
	fixed := func(sep string, withOwed bool) int {
		n := 2 + colEnabled + colAssigned + colUnused + colFindings + found + colData + 6*len(sep)
		if withOwed {
			n += owed + len(sep)
		}
		return n
	}
	for _, sep := range []string{colSep, " "} {
		if width-fixed(sep, true) >= nameTarget {
			return portfolioColumns{sep: sep, name: nameTarget, found: found, owed: owed}
		}
	}
	return portfolioColumns{sep: " ", name: max(minName, width-fixed(" ", false)), found: found}
}

func (m *Model) portfolioView() string {
	st := m.c.Styles
	p := &m.portfolio
	lines := m.portfolioTop()
	if m.sync != nil {
		lines = append(lines, m.syncLine())
	}
	cols := p.columns(m.width)
	lines = append(lines, st.Table.Header.Render(strings.TrimRight(m.portfolioHeader(cols), " ")))
	rows := m.portfolioRows()
	switch {
	case len(p.rows) == 0:
		msg := "No Ready customer has licence data yet: press s to sync, or consent customers on the Consent step (shift+tab goes back)."
		if m.deps.Sync == nil {
			msg = "No Ready customer has licence data yet: run seats sync, or consent customers on the Consent step."
		}
		lines = append(lines, wrapStyled(st.Muted, m.c.Hint(msg), m.width)...)
	case len(p.visible) == 0:
		msg := "No customer matches the filter " + p.filter.String()
		if p.query != "" {
			msg += ` and the search "` + p.query + `"`
		}
		lines = append(lines, st.Muted.Render(fitWidth(msg, m.width)))
	default:
		end := min(len(p.visible), p.offset+rows)
		for pos := p.offset; pos < end; pos++ {
			lines = append(lines, m.portfolioRow(cols, pos))
		}
	}
	above := portfolioTop + 1 // and the header
	if m.sync != nil {
		above++
	}
	lines = padLines(lines, above+rows)
	return strings.Join(append(lines, m.portfolioDetail()...), "\n")
}

func (m *Model) portfolioTop() []string {
	st := m.c.Styles
	p := &m.portfolio
	n := len(p.rows)
	line1 := moneyLine(st, m.width, []string{fmt.Sprintf("%d customers", n), fmt.Sprintf("%d findings", p.findings)},
		p.found, p.owed, "")

	var notes []string
	u := p.unmapped
	if u.Accounts > 0 {
		notes = append(notes, common.Plural(u.Accounts, "customer", "customers")+" not matched: see Accounts")
	}
	if u.Products > 0 {
		notes = append(notes, common.Plural(u.Products, "product", "products")+" not matched: see Products")
	}
	if u.DistributorSkus > 0 {
		notes = append(notes, common.Plural(u.DistributorSkus, "distributor product", "distributor products")+" not tied to a SKU: see Products")
	}
	var source string
	switch {
	case !p.haveDist && !p.havePSA:
		source = "Microsoft data only: connect a distributor and a PSA for purchased and billed seats"
	case !p.haveDist:
		source = "No distributor read yet: purchased seats and costs stay blank"
	case !p.havePSA:
		source = "No PSA read yet: billed seats and prices stay blank"
	}
	var line2 string
	switch {
	case source != "" && len(notes) > 0:
		line2 = st.Muted.Render(source) + st.Warn.Render(" · ! "+strings.Join(notes, " · "))
	case source != "":
		line2 = st.Muted.Render(source)
	case len(notes) > 0:
		line2 = st.Warn.Render("! " + strings.Join(notes, " · "))
	default:
		line2 = st.Good.Render("✓ Every customer and product matched")
	}

	var line3 string
	if p.searching {
		line3 = strings.TrimRight(m.search.View(), " ")
	} else {
		q := "none"
		if p.query != "" {
			q = `"` + p.query + `"`
		}
		line3 = st.Muted.Render("Filter ") + st.Text.Render(p.filter.String()) + st.Key.Render(" f") +
			st.Muted.Render(" · Order ") + st.Text.Render(p.sort.String()) + st.Key.Render(" o") +
			st.Muted.Render(" · Search ") + st.Text.Render(q) + st.Key.Render(" /") +
			st.Muted.Render(fmt.Sprintf(" · %d shown", len(p.visible)))
		if p.stale > 0 {
			line3 += st.Warn.Render(fmt.Sprintf(" · ! %d stale", p.stale))
		}
	}
	return []string{fitWidth(line1, m.width), fitWidth(line2, m.width), fitWidth(line3, m.width)}
}

func (m *Model) portfolioHeader(c portfolioColumns) string {
	cells := []string{"  " + common.Cell("Customer", c.name), rcell("Enabled", colEnabled), rcell("Assigned", colAssigned),
		rcell("Unused", colUnused), rcell("Findings", colFindings), rcell("Found/mo", c.found)}
	if c.owed > 0 {
		cells = append(cells, rcell("Owed back/mo", c.owed))
	}
	cells = append(cells, common.Cell("Data", colData))
	return strings.Join(cells, c.sep)
}

// portfolioRow renders one customer. Cells are cut and padded as plain
// text first and styled after, so widths never count escape codes.
func (m *Model) portfolioRow(c portfolioColumns, pos int) string {
	st := m.c.Styles
	p := &m.portfolio
	s := &p.rows[p.visible[pos]]
	cur, nameStyle := "  ", st.Table.Row
	if pos == p.cursor {
		cur, nameStyle = "› ", st.Table.Selected
	}
	var b strings.Builder
	b.WriteString(nameStyle.Render(cur + common.Cell(s.cl.Name, c.name)))
	num := func(n, w int) {
		b.WriteString(c.sep)
		b.WriteString(st.Text.Render(rcell(fmt.Sprint(n), w)))
	}
	num(s.enabled, colEnabled)
	num(s.assigned, colAssigned)
	b.WriteString(c.sep)
	unusedStyle := st.Text
	if s.unused > 0 {
		unusedStyle = st.Warn
	}
	b.WriteString(unusedStyle.Render(rcell(fmt.Sprint(s.unused), colUnused)))
	b.WriteString(c.sep)
	if n := len(s.findings); n > 0 {
		b.WriteString(st.Warn.Render(rcell(fmt.Sprintf("! %d", n), colFindings)))
	} else {
		b.WriteString(st.Muted.Render(rcell("0", colFindings)))
	}
	b.WriteString(c.sep)
	b.WriteString(st.Warn.Render(rcell(s.foundText, c.found)))
	if c.owed > 0 {
		b.WriteString(c.sep)
		b.WriteString(st.Bad.Render(rcell(s.owedText, c.owed)))
	}
	b.WriteString(c.sep)
	age := ago(m.c.Now(), s.cl.SyncedAt)
	if s.stale {
		b.WriteString(st.Warn.Render("! " + age))
	} else {
		b.WriteString(st.Muted.Render(age))
	}
	return fitWidth(b.String(), m.width)
}

// portfolioDetail is two lines about the selected customer: who, the age
// of its data and the money owed back; then why its data is stale or what
// is missing, else how to open it.
func (m *Model) portfolioDetail() []string {
	st := m.c.Styles
	s, ok := m.portfolio.selected()
	if !ok {
		return []string{"", ""}
	}
	cl := s.cl
	line1 := st.Bold.Render(cl.Name) + st.Muted.Render(" · tenant "+cl.TenantID+" · oldest data read "+stamp(cl.SyncedAt))
	var line2 string
	switch {
	case cl.Stale && len(cl.StaleReasons) > 0:
		line2 = st.Warn.Render("! Stale: " + strings.Join(cl.StaleReasons, "; "))
	case s.stale:
		line2 = st.Warn.Render("! Stale: data read " + ago(m.c.Now(), cl.SyncedAt) + "; press s to sync")
	case len(cl.Missing) > 0:
		more := ""
		if len(cl.Missing) > 1 {
			more = fmt.Sprintf(" (+%d more: enter shows them)", len(cl.Missing)-1)
		}
		line2 = st.Warn.Render("! " + m.c.Hint(cl.Missing[0]) + more)
	case len(s.owed) > 0:
		line2 = st.Muted.Render("enter opens its licences · ") + st.Bad.Render("owed back "+moneyList(s.owed, "")+" a month")
	default:
		line2 = st.Muted.Render("enter opens its licences")
	}
	return []string{fitWidth(line1, m.width), fitWidth(line2, m.width)}
}

// moneyLine is a summary line: lead, the money found, the money owed back,
// then tail. When it is too wide for width, the words give way before the
// numbers: the tail goes, "a month" becomes "/mo", then the lead after its
// first part goes.
func moneyLine(st *common.Styles, width int, lead []string, found, owed []connectors.Money, tail string) string {
	build := func(lead []string, short bool, tail string) string {
		month, foundWord := " a month", "money found "
		if short {
			month, foundWord = "/mo", "found "
		}
		var parts []string
		for i, l := range lead {
			if i == 0 {
				parts = append(parts, st.Bold.Render(l))
			} else {
				parts = append(parts, st.Text.Render(l))
			}
		}
		if len(found) > 0 {
			parts = append(parts, st.Warn.Render(foundWord+moneyList(found, "")+month))
		} else {
			parts = append(parts, st.Muted.Render("no money found"))
		}
		if len(owed) > 0 {
			parts = append(parts, st.Bad.Render("owed back "+moneyList(owed, "")+month))
		}
		if tail != "" {
			parts = append(parts, st.Muted.Render(tail))
		}
		return strings.Join(parts, st.Muted.Render(" · "))
	}
	first := lead
	if len(lead) > 1 {
		first = lead[:1]
	}
	for _, line := range []string{build(lead, false, tail), build(lead, false, ""), build(lead, true, ""), build(first, true, "")} {
		if width <= 0 || ansi.StringWidth(line) <= width {
			return line
		}
	}
	return fitWidth(build(first, true, ""), width)
}

// wrapStyled wraps plain text to width and styles each line.
func wrapStyled(style lipgloss.Style, text string, width int) []string {
	lines := wrapPlain(text, width, "")
	for i := range lines {
		lines[i] = style.Render(lines[i])
	}
	return lines
}
