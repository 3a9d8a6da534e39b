package consent

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
)

// Column widths that do not depend on the terminal.
const (
	cursorWidth     = 2
	colSep          = "  "
	rolesWidth      = 18 // "✓PRA ✓AppAdm ✓Read"
	consentWidth    = 15 // "· Not consented"
	gdapWideWidth   = 26 // "Expiring · ends 2026-01-10"
	gdapNarrowWidth = 19 // "Expiring 2026-01-10"
	minName         = 22
	minDomain       = 22
	minReason       = 24
	maxName         = 36 // longer names are cut, at every width
	maxDomain       = 34
	topLines        = 3 // counts, GDAP counts, filter / search
	detailLines     = 3 // the selected customer: who, and why not Ready on up to two lines
)

// columns is the table layout for one width: zero width means the column
// is dropped.
type columns struct {
	name, domain, gdap, reason int
	wideGDAP                   bool
}

// layoutFor fits the columns to width. longestName and longestDomain are
// the widest values in the data. The name gets its room first (up to
// maxName), then the domain (up to maxDomain), then the reason takes the
// rest: so a wider terminal never cuts a name more than a narrower one.
func layoutFor(width, longestName, longestDomain int) columns {
	nameTarget := min(maxName, max(minName, longestName))
	domainTarget := min(maxDomain, max(minDomain, longestDomain))
	sep := len(colSep)
	c := columns{gdap: gdapNarrowWidth}
	free := width - cursorWidth - gdapNarrowWidth - rolesWidth - consentWidth - 3*sep
	c.name = max(8, min(nameTarget, free))
	free -= c.name
	if c.name == nameTarget && free >= sep+minDomain {
		free -= sep
		c.domain = min(domainTarget, free)
		free -= c.domain
	}
	const wider = gdapWideWidth - gdapNarrowWidth
	if c.domain == domainTarget && free >= sep+minReason {
		c.reason = free - sep
		free = 0
		if c.reason >= minReason+2*wider {
			c.reason -= wider
			c.gdap, c.wideGDAP = gdapWideWidth, true
		}
	}
	if free >= wider {
		c.gdap, c.wideGDAP = gdapWideWidth, true
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
			return st.Muted.Render("Loading customers…")
		}
		return st.Muted.Render("No customers loaded yet: press r to load them from Partner Center.")
	}
	top := m.topView()
	var rest string
	switch m.mode {
	case modeChoose:
		rest = m.chooseView()
	case modeAdminWait:
		rest = m.adminWaitView()
	case modeConfirmBulk:
		rest = m.confirmView()
	case modeResults:
		rest = m.resultsView()
	default:
		rest = m.tableView()
	}
	return top + "\n" + rest
}

func (m *Model) topView() string {
	st := m.c.Styles
	c := m.counts
	states := []connectors.ConsentState{
		connectors.ConsentReady, connectors.ConsentVerifying, connectors.ConsentNone,
		connectors.ConsentLost, connectors.ConsentFailed,
	}
	parts := []string{st.Bold.Render(fmt.Sprintf("%d customers", c.total))}
	for _, s := range states {
		parts = append(parts, m.stateStyle(s).Render(fmt.Sprintf("%s %d", stateText(s), c.byState[s])))
	}
	line1 := strings.Join(parts, "  ")
	if lipgloss.Width(line1) > m.width {
		line1 = strings.Join(parts, " ") // every count still fits 80 columns
	}

	gdaps := []connectors.GDAPStatus{
		connectors.GDAPActive, connectors.GDAPExpiring, connectors.GDAPPending,
		connectors.GDAPExpired, connectors.GDAPNone, connectors.GDAPUnavailable,
	}
	var gparts []string
	for _, g := range gdaps {
		n := c.byGDAP[g]
		if n == 0 && (g == connectors.GDAPUnavailable || g == connectors.GDAPPending) {
			continue
		}
		label := g.Label()
		if g == connectors.GDAPUnavailable {
			label = "Unavailable"
		}
		gparts = append(gparts, fmt.Sprintf("%s %d", label, n))
	}
	line2 := st.Muted.Render("GDAP  ") + st.Text.Render(strings.Join(gparts, " · ")) +
		st.Muted.Render(fmt.Sprintf(" · Ready to read %d", c.ready))

	var line3 string
	if m.mode == modeSearch {
		// The input pads to its width; the padding is no part of the line.
		line3 = strings.TrimRight(m.search.View(), " ")
	} else {
		q := "none"
		if m.search.Query() != "" {
			q = `"` + m.search.Query() + `"`
		}
		line3 = st.Muted.Render("Filter ") + st.Text.Render(m.filter.String()) + st.Key.Render(" f") +
			st.Muted.Render(" · Sort ") + st.Text.Render(m.sort.String()) + st.Key.Render(" s") +
			st.Muted.Render(" · Search ") + st.Text.Render(q) + st.Key.Render(" /") +
			st.Muted.Render(fmt.Sprintf(" · %d shown", len(m.visible)))
	}
	return m.fit(line1) + "\n" + m.fit(line2) + "\n" + m.fit(line3)
}

func (m *Model) tableView() string {
	st := m.c.Styles
	cols := layoutFor(m.width, m.longestName, m.longestDomain)
	rows := m.tableRows()
	var b strings.Builder
	b.WriteString(st.Table.Header.Render(m.headerRow(cols)))
	b.WriteByte('\n')
	if len(m.visible) == 0 {
		msg := "No customer matches the filter " + m.filter.String()
		if m.search.Query() != "" {
			msg += ` and the search "` + m.search.Query() + `"`
		}
		if len(m.all) == 0 {
			msg = "Partner Center lists no customer for this partner tenant. Press r to refresh."
			if m.refreshing {
				// Nothing stored yet and the first read still running:
				// that is loading, not an empty list.
				msg = "Loading customers from Partner Center…"
			}
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

func (m *Model) headerRow(cols columns) string {
	cells := []string{strings.Repeat(" ", cursorWidth-len(colSep)+len(colSep)) + common.Cell("Customer", cols.name)}
	if cols.domain > 0 {
		cells = append(cells, common.Cell("Domain", cols.domain))
	}
	cells = append(cells, common.Cell("GDAP", cols.gdap), common.Cell("Roles", rolesWidth), common.Cell("Consent", consentWidth))
	if cols.reason > 0 {
		cells = append(cells, common.Cell("Reason", cols.reason))
	}
	return strings.TrimRight(strings.Join(cells, colSep), " ")
}

// row renders one customer. Every cell is cut and padded as plain text
// first and styled after, so widths never count escape codes.
func (m *Model) row(cols columns, pos int) string {
	st := m.c.Styles
	i := m.visible[pos]
	c := &m.all[i]
	selected := pos == m.cursor

	cursor, nameStyle := "  ", st.Table.Row
	if selected {
		cursor, nameStyle = "› ", st.Table.Selected
	}
	var b strings.Builder
	b.WriteString(nameStyle.Render(cursor + common.Cell(c.Name, cols.name)))
	if cols.domain > 0 {
		b.WriteString(colSep)
		b.WriteString(st.Muted.Render(common.Cell(c.PrimaryDomain, cols.domain)))
	}
	b.WriteString(colSep)
	b.WriteString(m.gdapStyle(c.GDAP.Status).Render(common.Cell(gdapText(c.GDAP, cols.wideGDAP), cols.gdap)))
	b.WriteString(colSep)
	b.WriteString(m.rolesView(c.GDAP))
	b.WriteString(colSep)
	s := m.state(i)
	text := common.Cell(stateText(s), consentWidth)
	if cols.reason == 0 {
		text = strings.TrimRight(text, " ")
	}
	b.WriteString(m.stateStyle(s).Render(text))
	if cols.reason > 0 {
		b.WriteString(colSep)
		b.WriteString(st.Muted.Render(ansi.Truncate(reason(*c), cols.reason, "…")))
	}
	return b.String()
}

func (m *Model) rolesView(g connectors.GDAPSummary) string {
	st := m.c.Styles
	if !g.Status.Usable() {
		return st.Muted.Render(common.Cell("—", rolesWidth))
	}
	ga := g.HasRole(connectors.RoleGlobalAdministrator)
	marks := []struct {
		label string
		ok    bool
	}{
		{"PRA", ga || g.HasRole(connectors.RolePrivilegedRoleAdministrator)},
		{"AppAdm", ga || g.HasRole(connectors.RoleApplicationAdministrator)},
		{"Read", g.HasReadRole()},
	}
	parts := make([]string, len(marks))
	for k, mk := range marks {
		if mk.ok {
			parts[k] = st.Good.Render("✓" + mk.label)
		} else {
			parts[k] = st.Bad.Render("✗" + mk.label)
		}
	}
	// "✓PRA ✓AppAdm ✓Read" is exactly rolesWidth cells.
	return strings.Join(parts, " ")
}

func (m *Model) detailView() string {
	st := m.c.Styles
	c, ok := m.selected()
	if !ok {
		return "\n\n"
	}
	// The tenant id is what people copy: it stays whole, and the name and
	// domain give way when the line is narrow.
	tenant := " · tenant " + c.TenantID
	id := c.Name
	if c.PrimaryDomain != "" {
		id += " · " + c.PrimaryDomain
	}
	if room := m.width - ansi.StringWidth(tenant); m.width > 0 && ansi.StringWidth(id) > room {
		id = ansi.Truncate(id, max(1, room), "…")
	}
	line1 := st.Bold.Render(id) + st.Muted.Render(tenant)
	var line2 string
	switch {
	case c.Ready():
		line2 = st.Good.Render("✓ Ready: seats can read its licences")
		if !c.Consent.VerifiedAt.IsZero() {
			line2 += st.Muted.Render(" · verified " + c.Consent.VerifiedAt.UTC().Format("2006-01-02 15:04") + " UTC")
		}
	case m.pending[c.TenantID]:
		line2 = st.State.Verifying.Render("… Consenting now")
	default:
		// The reason wraps onto a second line rather than losing its end,
		// which is often the role that is missing.
		why := st.Warn.Render("Why not Ready: ") + st.Text.Render(m.c.Hint(reason(c)))
		if m.width > 0 && ansi.StringWidth(why) > m.width {
			wrapped := strings.SplitN(st.Plain.Width(m.width).Render(why), "\n", 3)
			if len(wrapped) > 2 {
				wrapped = wrapped[:2]
			}
			for i := range wrapped {
				wrapped[i] = strings.TrimRight(wrapped[i], " ")
			}
			if len(wrapped) == 2 {
				return m.fit(line1) + "\n" + m.fit(wrapped[0]) + "\n" + m.fit(wrapped[1])
			}
			why = wrapped[0]
		}
		line2 = why
	}
	return m.fit(line1) + "\n" + m.fit(line2) + "\n"
}

func (m *Model) chooseView() string {
	st := m.c.Styles
	c := m.target
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	option := func(k, name, text string) string {
		body := st.Plain.Width(inner - 3).Render(st.Bold.Render(name) + st.Text.Render(" — "+text))
		return lipgloss.JoinHorizontal(lipgloss.Top, st.Key.Render(k)+"  ", body)
	}
	lines := []string{
		st.Title.Render("Consent seats in " + c.Name),
		"",
		option("a", "Option A", "the customer's own admin accepts a link; slower when you have many customers."),
		option("b", "Option B", "your partner account with Privileged Role Administrator and Application Administrator through GDAP; fastest at scale."),
	}
	switch {
	case !c.GDAP.Status.AllowsAccess():
		lines = append(lines, "", st.Warn.Render("! No active GDAP here: seats reads customers through GDAP, so neither option can make it Ready."+
			" Set up or renew GDAP in Partner Center first."))
	case c.GDAP.Status == connectors.GDAPUnavailable:
		lines = append(lines, "", st.Muted.Render("This cloud has no GDAP API: seats cannot check your roles here before Option B tries."))
	default:
		if missing := missingConsentRoles(c); len(missing) > 0 {
			lines = append(lines, "", st.Warn.Render("! GDAP here lacks "+strings.Join(missing, " and ")+
				", which Option B needs: Microsoft will likely refuse it, so use Option A."+
				" b still tries, in case seats cannot see every role you hold."))
		}
	}
	lines = append(lines, "", st.Muted.Render("esc cancels"))
	return m.panel(lines)
}

func (m *Model) adminWaitView() string {
	st := m.c.Styles
	lines := []string{
		st.Title.Render("Option A for " + m.target.Name),
		"",
		st.Text.Render("Send the link below to the customer's admin (a Global Administrator of " + m.target.Name +
			"), or open it yourself if you can sign in as them."),
	}
	var how []string
	if m.c.CanCopy() {
		how = append(how, st.Text.Render("sent to your terminal's clipboard (OSC 52)"))
	}
	if m.c.CanOpenURL() {
		how = append(how, "press "+st.Key.Render("enter")+" to open it in the browser")
	} else {
		how = append(how, "open it on any device")
	}
	lines = append(lines, strings.Join(how, st.Muted.Render(" · ")),
		st.State.Verifying.Render("… Waiting for the consent to show up")+st.Muted.Render(" · esc stops waiting"))
	// The link goes below the panel, from the first column and with
	// nothing beside it, so that a mouse selection copies all of it; a
	// link wider than the screen continues on the next line.
	return m.panel(lines) + "\n" + strings.Join(linkLines(m.adminURL, m.width), "\n")
}

// linkLines cuts a link into lines of the screen's width, with nothing
// else on them.
func linkLines(link string, width int) []string {
	if width <= 0 || len(link) <= width {
		return []string{link}
	}
	var out []string
	for len(link) > width {
		out = append(out, link[:width])
		link = link[width:]
	}
	return append(out, link)
}

func (m *Model) confirmView() string {
	st := m.c.Styles
	ids := m.eligible()
	lines := []string{
		st.Title.Render("Consent every eligible customer with your partner account (Option B)?"),
		"",
		st.Text.Render(fmt.Sprintf("%d customers have active GDAP and are not Ready yet. seats consents them %d at a time"+
			" and shows the result for each.", len(ids), BulkConcurrency)),
	}
	if n, roles := m.eligibleLackingRoles(ids); n > 0 {
		who := fmt.Sprintf("%d of them lack", n)
		if n == 1 {
			who = "1 of them lacks"
		}
		lines = append(lines, "", st.Warn.Render("! "+who+" "+strings.Join(roles, " or ")+" in GDAP, which Option B needs:"+
			" Microsoft will likely refuse them. Option A (c on the customer, then a) works without these roles."+
			" seats still tries them, in case it cannot see every role you hold."))
	}
	lines = append(lines, "",
		st.Key.Render("y")+st.Text.Render(" yes, consent them   ")+st.Key.Render("n")+st.Text.Render(" no"))
	return m.panel(lines)
}

func (m *Model) resultsView() string {
	st := m.c.Styles
	b := m.lastBulk
	if b == nil {
		return ""
	}
	ok, failed := b.tally()
	head := fmt.Sprintf("Bulk consent finished: %d Ready · %d not", ok, failed)
	if n := len(b.queue); n > 0 {
		head += fmt.Sprintf(" · %d not started (stopped)", n)
	}
	// Failures first: they are what needs doing. A long reason wraps under
	// the name instead of being cut: its end is often the missing role.
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	var lines []string
	add := func(head, text string) {
		wrapped := st.Plain.Width(inner).Render(head + text)
		lines = append(lines, strings.Split(wrapped, "\n")...)
	}
	for _, r := range b.results {
		if !r.ok {
			add(st.State.Failed.Render("✗ "+r.name)+st.Muted.Render(" — "), st.Text.Render(m.c.Hint(r.reason)))
		}
	}
	for _, r := range b.results {
		if r.ok {
			add(st.State.Ready.Render("✓ "+r.name), st.Muted.Render(" — Ready"))
		}
	}
	room := max(1, m.height-topLines-2-st.Panel.GetVerticalFrameSize())
	m.resultsOffset = min(m.resultsOffset, max(0, len(lines)-room))
	shown := lines[m.resultsOffset:min(len(lines), m.resultsOffset+room)]
	out := append([]string{st.Title.Render(head)}, shown...)
	if len(lines) > room {
		out = append(out, st.Muted.Render(fmt.Sprintf("lines %d–%d of %d · ↑/↓ scroll · enter closes",
			m.resultsOffset+1, m.resultsOffset+len(shown), len(lines))))
	} else {
		out = append(out, st.Muted.Render("enter closes"))
	}
	return m.panel(out)
}

// panel draws a dialog across the body width. Long lines wrap inside it.
func (m *Model) panel(lines []string) string {
	st := m.c.Styles
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	for i, l := range lines {
		if lipgloss.Width(l) > inner {
			lines[i] = st.Plain.Width(inner).Render(l)
		}
	}
	return st.Panel.Width(m.width - st.Panel.GetHorizontalBorderSize()).Render(strings.Join(lines, "\n"))
}

// fit cuts a line to the body width.
func (m *Model) fit(s string) string {
	if m.width <= 0 {
		return s
	}
	return ansi.Truncate(s, m.width, "…")
}

// stateText is the consent state with its marker, readable without colour.
func stateText(s connectors.ConsentState) string {
	switch s {
	case connectors.ConsentReady:
		return "✓ Ready"
	case connectors.ConsentVerifying:
		return "… Verifying"
	case connectors.ConsentLost:
		return "! Lost"
	case connectors.ConsentFailed:
		return "✗ Failed"
	}
	return "· Not consented"
}

func gdapText(g connectors.GDAPSummary, wide bool) string {
	status := g.Status
	if status == "" {
		status = connectors.GDAPNone
	}
	label := status.Label()
	if status == connectors.GDAPUnavailable {
		label = "n/a in this cloud"
	}
	if !status.Usable() || g.EndsAt.IsZero() {
		return label
	}
	date := g.EndsAt.UTC().Format("2006-01-02")
	if wide {
		return label + " · ends " + date
	}
	return label + " " + date
}

func (m *Model) stateStyle(s connectors.ConsentState) lipgloss.Style {
	st := m.c.Styles.State
	switch s {
	case connectors.ConsentReady:
		return st.Ready
	case connectors.ConsentVerifying:
		return st.Verifying
	case connectors.ConsentLost:
		return st.Lost
	case connectors.ConsentFailed:
		return st.Failed
	}
	return st.NotConsented
}

func (m *Model) gdapStyle(g connectors.GDAPStatus) lipgloss.Style {
	st := m.c.Styles
	switch g {
	case connectors.GDAPActive:
		return st.Good
	case connectors.GDAPExpiring, connectors.GDAPPending:
		return st.Warn
	case connectors.GDAPExpired:
		return st.Bad
	}
	return st.Muted
}
