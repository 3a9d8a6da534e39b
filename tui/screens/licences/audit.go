package licences

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
)

// auditView is the PSA write log.
type auditView struct {
	loading bool
	loaded  bool
	writes  []connectors.PSAWrite // newest first, as the log gives them
	err     error
	cursor  int
	offset  int
}

func (v *auditView) clamp(page int) {
	v.cursor, v.offset = common.ClampWindow(v.cursor, v.offset, len(v.writes), page)
}

func (m *Model) openAudit() tea.Cmd {
	if m.deps.Audit == nil {
		return nil
	}
	m.view = viewAudit
	return m.loadAudit()
}

func (m *Model) loadAudit() tea.Cmd {
	if m.audit.loading {
		return nil
	}
	m.audit.loading = true
	return common.ForScreen(m.ID(), loadAudit(m.deps.Audit))
}

func (m *Model) handleAudit(msg auditMsg) tea.Cmd {
	v := &m.audit
	v.loading = false
	if msg.err != nil {
		v.err = msg.err
		return common.ReportError(m.ID(), "Read the PSA write log", msg.err)
	}
	v.err, v.loaded, v.writes = nil, true, msg.writes
	v.clamp(m.auditRows())
	return nil
}

func (m *Model) auditKey(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := m.commonKey(msg); ok {
		return cmd
	}
	v := &m.audit
	page := m.auditRows()
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
		move(-len(v.writes))
	case key.Matches(msg, k.End):
		move(len(v.writes))
	case key.Matches(msg, k.Reload):
		return m.loadAudit()
	case key.Matches(msg, k.Close):
		m.view = viewPortfolio
	}
	return nil
}

// --- view ---------------------------------------------------------------------

const (
	auditTop    = 1
	auditDetail = 3
	colWhen     = 16 // "2026-03-02 09:00"
	colOutcome  = 13 // "? unconfirmed"
)

func (m *Model) auditRows() int {
	return max(1, m.height-auditTop-1-auditDetail)
}

type auditColumns struct {
	sep                         string
	customer, product, who, why int
	line                        int
}

func (m *Model) auditColumns() auditColumns {
	for _, c := range []auditColumns{
		{sep: colSep, who: 22, line: 14},
		{sep: colSep},
		{sep: " "},
	} {
		fixed := 2 + colWhen + colChange + colOutcome + c.who + c.line
		n := 5 // when, customer, product, change, outcome
		if c.who > 0 {
			n += 2
		}
		rest := m.width - fixed - n*len(c.sep) // and the reason's separator
		if rest >= 60 || c.sep == " " {
			c.customer = min(28, max(8, rest*2/5))
			c.product = min(32, max(8, rest*2/5))
			if c.who > 0 {
				c.why = max(0, rest-c.customer-c.product)
			}
			return c
		}
	}
	return auditColumns{}
}

func (m *Model) auditView() string {
	st := m.c.Styles
	v := &m.audit
	title := st.Title.Render("PSA write log") + st.Muted.Render(fmt.Sprintf(" · %d entries, newest first · times in UTC", len(v.writes)))
	lines := []string{fitWidth(title, m.width)}
	switch {
	case !v.loaded && v.err != nil:
		return strings.Join(append(lines, wrapStyled(st.Warn, "! Could not read the write log: "+v.err.Error(), m.width)...), "\n")
	case !v.loaded:
		return strings.Join(append(lines, st.Muted.Render("Reading the write log…")), "\n")
	case len(v.writes) == 0:
		return strings.Join(append(lines, wrapStyled(st.Muted,
			m.c.Hint("No PSA changes yet. They are made from the Changes view (c), or with seats reconcile apply."), m.width)...), "\n")
	}
	cols := m.auditColumns()
	head := []string{"  " + common.Cell("When", colWhen)}
	if cols.who > 0 {
		head = append(head, common.Cell("Who", cols.who))
	}
	head = append(head, common.Cell("Customer", cols.customer), common.Cell("Product", cols.product))
	if cols.line > 0 {
		head = append(head, common.Cell("Line", cols.line))
	}
	head = append(head, rcell("Change", colChange), common.Cell("Outcome", colOutcome))
	if cols.why > 0 {
		head = append(head, "Reason")
	}
	lines = append(lines, st.Table.Header.Render(fitWidth(strings.TrimRight(strings.Join(head, cols.sep), " "), m.width)))
	page := m.auditRows()
	end := min(len(v.writes), v.offset+page)
	for pos := v.offset; pos < end; pos++ {
		lines = append(lines, m.auditRow(cols, pos))
	}
	lines = padLines(lines, auditTop+1+page)
	return strings.Join(append(lines, m.auditDetail()...), "\n")
}

func (m *Model) auditRow(c auditColumns, pos int) string {
	st := m.c.Styles
	v := &m.audit
	w := v.writes[pos]
	cur, style := "  ", st.Table.Row
	if pos == v.cursor {
		cur, style = "› ", st.Table.Selected
	}
	var b strings.Builder
	b.WriteString(style.Render(cur + common.Cell(w.StartedAt.UTC().Format("2006-01-02 15:04"), colWhen)))
	if c.who > 0 {
		b.WriteString(c.sep + st.Muted.Render(common.Cell(who(w), c.who)))
	}
	b.WriteString(c.sep + st.Text.Render(common.Cell(w.Customer, c.customer)))
	b.WriteString(c.sep + st.Text.Render(common.Cell(w.Product, c.product)))
	if c.line > 0 {
		b.WriteString(c.sep + st.Muted.Render(common.Cell(w.Line.LineID, c.line)))
	}
	b.WriteString(c.sep + st.Text.Render(rcell(fmt.Sprintf("%d → %d", w.Before, w.After), colChange)))
	out := common.Cell(outcomeText(w.Outcome), colOutcome)
	if c.why == 0 || w.Reason == "" {
		out = strings.TrimRight(out, " ")
	}
	b.WriteString(c.sep + m.outcomeStyle(w.Outcome).Render(out))
	if c.why > 0 && w.Reason != "" {
		b.WriteString(c.sep + st.Muted.Render(common.Cell(w.Reason, c.why)))
	}
	return fitWidth(strings.TrimRight(b.String(), " "), m.width)
}

// who is the OS user and the Microsoft account of a write.
func who(w connectors.PSAWrite) string {
	if w.MicrosoftAccount == "" {
		return w.OSUser
	}
	return w.OSUser + " (" + w.MicrosoftAccount + ")"
}

// auditDetail is three lines about the selected write: who and which line,
// then the outcome and its reason in full.
func (m *Model) auditDetail() []string {
	st := m.c.Styles
	v := &m.audit
	if v.cursor < 0 || v.cursor >= len(v.writes) {
		return padLines(nil, auditDetail)
	}
	w := v.writes[v.cursor]
	l := w.Line
	first := fmt.Sprintf("By %s · %s line %s on agreement %s, company %s", who(w), w.PSA, l.LineID, l.AgreementID, l.CompanyID)
	if w.Timing == connectors.ApplyFromDate && !w.EffectiveDate.IsZero() {
		first += " · from " + date(w.EffectiveDate)
	}
	lines := []string{st.Muted.Render(fitWidth(first, m.width))}
	text := outcomeText(w.Outcome)
	if w.Reason != "" {
		text += ": " + w.Reason
	}
	if w.Outcome == connectors.WritePending {
		text += " (the next apply settles it by reading the line again)"
	}
	lines = append(lines, wrapStyled(m.outcomeStyle(w.Outcome), text, m.width)...)
	return padLines(lines, auditDetail)
}
