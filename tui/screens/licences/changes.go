package licences

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// changesStep is where the Changes view is in select, review, apply.
type changesStep int

const (
	stepList     changesStep = iota // the plan; select changes
	stepConfirm                     // asking before anything is written
	stepApplying                    // writing, with the results so far
	stepResults                     // the result per line
)

// itemKind is what a line of the Changes list shows.
type itemKind int

const (
	itemChange  itemKind = iota // a PlannedChange: selectable
	itemNeeded                  // a NeededLine, for a person to add
	itemSkipped                 // a SkippedChange, and why
	itemHeading                 // the title of a section
)

type changeItem struct {
	kind  itemKind
	index int // into the plan's Changes, NewLines or Skipped
	title string
}

// changesView is the Changes view's state.
type changesView struct {
	loading bool
	planGen int
	plan    *reconcile.Plan
	planErr error
	// selected holds the chosen changes by line and quantities, so that a
	// plan made again keeps a choice only where the change is the same.
	selected map[string]bool
	items    []changeItem
	cursor   int // position in items; never on a heading
	offset   int
	step     changesStep

	apply         *applyRun // the apply running, if any
	last          *applyRun // the finished one whose results are shown
	runs          int
	resultsOffset int
}

// applyRun is one apply of the chosen changes.
type applyRun struct {
	id      int
	pipe    *pipe
	total   int
	results []workflow.ApplyResult
	settled []connectors.PSAWrite
	err     error
}

func (v *changesView) clamp(page int) {
	v.cursor, v.offset = common.ClampWindow(v.cursor, v.offset, len(v.items), page)
}

// changeKey names a change by its line and quantities.
func changeKey(c reconcile.PlannedChange) string {
	l := c.Line.LineRef
	return fmt.Sprintf("%s\x00%s\x00%s\x00%d\x00%d", l.CompanyID, l.AgreementID, l.LineID, c.OldQuantity, c.NewQuantity)
}

func (m *Model) openChanges() tea.Cmd {
	if m.deps.Plans == nil {
		return nil
	}
	m.view = viewChanges
	m.changes.step = stepList
	if m.changes.plan == nil && !m.changes.loading {
		return m.makePlan()
	}
	return nil
}

func (m *Model) makePlan() tea.Cmd {
	v := &m.changes
	v.loading = true
	v.planGen++
	return tea.Batch(
		common.StartTask(taskPlan, "Making the plan of PSA changes…", 0),
		common.ForScreen(m.ID(), makePlan(m.deps.Plans, m.deps.PlanOptions, v.planGen)),
	)
}

func (m *Model) handlePlan(msg planMsg) tea.Cmd {
	v := &m.changes
	if msg.gen != v.planGen {
		return nil
	}
	v.loading = false
	if msg.err != nil {
		v.plan, v.planErr = nil, msg.err
		v.items = nil
		return common.EndTask(taskPlan, common.LevelInfo, "")
	}
	plan := msg.plan
	v.plan, v.planErr = &plan, nil
	keep := map[string]bool{}
	for _, c := range plan.Changes {
		if k := changeKey(c); v.selected[k] {
			keep[k] = true
		}
	}
	v.selected = keep
	v.buildItems()
	v.clamp(m.changesRows())
	return common.EndTask(taskPlan, common.LevelInfo, "")
}

// buildItems lays out the list: the changes, then the lines a person must
// add, then what the plan cannot fix.
func (v *changesView) buildItems() {
	p := v.plan
	v.items = v.items[:0]
	if len(p.Changes) == 0 {
		v.items = append(v.items, changeItem{kind: itemHeading,
			title: "✓ No quantity to change: every billed line matches what it should bill"})
	}
	for i := range p.Changes {
		v.items = append(v.items, changeItem{kind: itemChange, index: i})
	}
	if n := len(p.NewLines); n > 0 {
		v.items = append(v.items, changeItem{kind: itemHeading,
			title: fmt.Sprintf("Needs a new line, for a person to add in the PSA (%d): seats never creates lines", n)})
		for i := range p.NewLines {
			v.items = append(v.items, changeItem{kind: itemNeeded, index: i})
		}
	}
	if n := len(p.Skipped); n > 0 {
		v.items = append(v.items, changeItem{kind: itemHeading, title: fmt.Sprintf("Not in the plan (%d)", n)})
		for i := range p.Skipped {
			v.items = append(v.items, changeItem{kind: itemSkipped, index: i})
		}
	}
	if v.cursor >= len(v.items) || v.cursor < 0 {
		v.cursor = 0
	}
	v.skipHeading(1)
}

// skipHeading moves the cursor off a heading, in direction dir.
func (v *changesView) skipHeading(dir int) {
	for v.cursor >= 0 && v.cursor < len(v.items) && v.items[v.cursor].kind == itemHeading {
		v.cursor += dir
	}
	if v.cursor >= len(v.items) {
		v.cursor = len(v.items) - 1
		for v.cursor > 0 && v.items[v.cursor].kind == itemHeading {
			v.cursor--
		}
	}
	if v.cursor < 0 {
		v.cursor = 0
		for v.cursor < len(v.items)-1 && v.items[v.cursor].kind == itemHeading {
			v.cursor++
		}
	}
}

// chosen lists the indexes of the selected changes, in plan order.
func (v *changesView) chosen() []int {
	if v.plan == nil {
		return nil
	}
	var out []int
	for i, c := range v.plan.Changes {
		if v.selected[changeKey(c)] {
			out = append(out, i)
		}
	}
	return out
}

// --- keys ---------------------------------------------------------------------

func (m *Model) changesKey(msg tea.KeyMsg) tea.Cmd {
	v := &m.changes
	switch v.step {
	case stepConfirm:
		switch {
		case key.Matches(msg, m.keys.Yes):
			return m.startApply()
		case key.Matches(msg, m.keys.No):
			v.step = stepList
		}
		return nil
	case stepApplying:
		return nil // the footer says it runs; quitting asks first
	case stepResults:
		return m.resultsKey(msg)
	}
	if cmd, ok := m.commonKey(msg); ok {
		return cmd
	}
	page := m.changesRows()
	k := m.keys
	move := func(d int) {
		dir := 1
		if d < 0 {
			dir = -1
		}
		v.cursor = min(max(v.cursor+d, 0), max(0, len(v.items)-1))
		v.skipHeading(dir)
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
		move(-len(v.items))
	case key.Matches(msg, k.End):
		move(len(v.items))
	case key.Matches(msg, k.Toggle):
		if v.cursor < len(v.items) && v.items[v.cursor].kind == itemChange {
			k := changeKey(v.plan.Changes[v.items[v.cursor].index])
			if v.selected[k] {
				delete(v.selected, k)
			} else {
				v.selected[k] = true
			}
			move(1)
		}
	case key.Matches(msg, k.All):
		if len(v.chosen()) == len(v.plan.Changes) {
			v.selected = map[string]bool{}
		} else {
			for _, c := range v.plan.Changes {
				v.selected[changeKey(c)] = true
			}
		}
	case key.Matches(msg, k.Review):
		if len(v.chosen()) == 0 {
			return common.Status(common.LevelInfo, "Select changes first: space selects one, a selects all")
		}
		if m.sync != nil {
			return common.Status(common.LevelInfo, "A sync is running: review the changes once it ends and the plan is made again")
		}
		v.step = stepConfirm
	case key.Matches(msg, k.Close):
		m.view = viewPortfolio
	}
	return nil
}

func (m *Model) resultsKey(msg tea.KeyMsg) tea.Cmd {
	v := &m.changes
	page := m.changesRows()
	switch {
	case key.Matches(msg, m.keys.Done):
		v.step = stepList
		v.resultsOffset = 0
	case key.Matches(msg, m.keys.Up):
		v.resultsOffset = max(0, v.resultsOffset-1)
	case key.Matches(msg, m.keys.Down):
		v.resultsOffset++
	case key.Matches(msg, m.keys.PageUp):
		v.resultsOffset = max(0, v.resultsOffset-page)
	case key.Matches(msg, m.keys.PageDown):
		v.resultsOffset += page
	case key.Matches(msg, m.keys.Home):
		v.resultsOffset = 0
	case key.Matches(msg, m.keys.End):
		v.resultsOffset = 1 << 30
	}
	return nil
}

// --- apply ---------------------------------------------------------------------

func (m *Model) startApply() tea.Cmd {
	v := &m.changes
	v.step = stepList
	if !m.writable() || v.plan == nil || v.apply != nil {
		return nil
	}
	only := v.chosen()
	if len(only) == 0 {
		return nil
	}
	v.runs++
	run := &applyRun{id: v.runs, pipe: newPipe(m.ctx), total: len(only)}
	v.apply = run
	v.step = stepApplying
	job := applyJob{writer: m.deps.Writer, plans: m.deps.Plans, audit: m.deps.Audit,
		homeID: m.deps.PlanOptions.HomeID, plan: *v.plan, only: only}
	return tea.Batch(
		common.StartTask(taskApply, "Applying changes to "+m.psaName(), len(only)),
		runApply(m.ctx, job, run.id, run.pipe),
		common.ForScreen(m.ID(), run.pipe.next()),
	)
}

func (m *Model) handleApplyStep(msg applyStepMsg) tea.Cmd {
	run := m.changes.apply
	if run == nil || msg.run != run.id {
		return nil
	}
	run.results = append(run.results, msg.result)
	return tea.Batch(
		common.TaskProgress(taskApply, msg.done, msg.total),
		common.ForScreen(m.ID(), run.pipe.next()),
	)
}

func (m *Model) handleApplyDone(msg applyDoneMsg) tea.Cmd {
	v := &m.changes
	run := v.apply
	if run == nil || msg.run != run.id {
		return nil
	}
	v.apply = nil
	run.results, run.settled, run.err = msg.results, msg.settled, msg.err
	v.last = run
	v.step = stepResults
	v.resultsOffset = 0
	v.selected = map[string]bool{}
	counts := outcomeCounts(run.results)
	level := common.LevelSuccess
	if counts[connectors.WriteApplied] < len(run.results) || run.err != nil || len(run.results) < run.total {
		level = common.LevelWarning
	}
	cmds := []tea.Cmd{common.EndTask(taskApply, level, fmt.Sprintf("Applied %d of %d changes to %s",
		counts[connectors.WriteApplied], run.total, m.psaName()))}
	if run.err != nil && connectors.KindOf(run.err) != connectors.ErrCanceled {
		cmds = append(cmds, common.ReportError(m.ID(), "Apply the changes to "+m.psaName(), run.err))
	}
	// Whatever happened, show what the PSA holds now.
	cmds = append(cmds, common.StartTask(taskLoad, "Reading "+m.psaName()+" again…", 0),
		common.ForScreen(m.ID(), afterApply(m.ctx, m.deps.AfterApply)))
	return tea.Batch(cmds...)
}

func (m *Model) handleAfterApply(msg afterApplyMsg) tea.Cmd {
	var cmds []tea.Cmd
	if msg.err != nil && connectors.KindOf(msg.err) != connectors.ErrCanceled {
		cmds = append(cmds, common.ReportError(m.ID(), "Read "+m.psaName()+" again after applying", msg.err))
	}
	return tea.Batch(append(cmds, m.reload())...)
}

func outcomeCounts(results []workflow.ApplyResult) map[connectors.WriteOutcome]int {
	out := map[connectors.WriteOutcome]int{}
	for _, r := range results {
		out[r.Outcome]++
	}
	return out
}

// moneyOf sums what the changes at indexes do to the monthly bill, up and
// down apart, per currency.
func (v *changesView) moneyOf(indexes []int) []connectors.Money {
	var total []connectors.Money
	for _, i := range indexes {
		total = addMoney(total, v.plan.Changes[i].MonthlyAmount)
	}
	return total
}

// --- view ---------------------------------------------------------------------

const changesDetail = 2

// changesRows is how many list lines fit.
func (m *Model) changesRows() int {
	return max(1, m.height-len(m.changesTop())-1-changesDetail)
}

func (m *Model) changesTop() []string {
	st := m.c.Styles
	v := &m.changes
	title := "Planned PSA changes"
	lines := []string{st.Title.Render(title)}
	if p := v.plan; p != nil {
		timing := timingText(m.psaName(), p.Timing, p.EffectiveDate)
		if ansi.StringWidth(title+" · "+timing) <= m.width || m.width <= 0 {
			lines[0] += st.Muted.Render(" · " + timing)
		} else {
			// When a change cannot be undone, that must be read whole.
			lines = append(lines, wrapStyled(st.Muted, timing, m.width)...)
		}
	}
	if p := v.plan; p != nil {
		var all []connectors.Money
		for _, c := range p.Changes {
			all = addMoney(all, c.MonthlyAmount)
		}
		first := common.Plural(len(p.Changes), "change", "changes")
		if len(all) > 0 {
			first += ", " + signedShort(all)
		}
		parts := []string{first}
		if m.writable() {
			chosen := v.chosen()
			s := fmt.Sprintf("%d selected", len(chosen))
			if money := v.moneyOf(chosen); len(money) > 0 {
				s += ", " + signedShort(money)
			}
			parts = append(parts, s)
		}
		parts = append(parts, common.Plural(len(p.NewLines), "new line", "new lines")+" to add by hand")
		lines = append(lines, fitWidth(st.Text.Render(strings.Join(parts, " · ")), m.width))
	}
	if !m.writable() {
		why := "psa.write_enabled is off"
		if m.writeEnabled() {
			why = "seats cannot write to " + m.psaName()
		}
		file := "config.yaml"
		if m.deps.ConfigFile != "" {
			file = m.deps.ConfigFile
		}
		note := "! Read-only: " + why + ", so nothing is applied from here. To apply, turn writes on in the Settings step" +
			" (shift+tab from the tables) or set psa.write_enabled: true in " + file + ", then open this view again."
		if m.writeEnabled() {
			note = "! Read-only: " + why + "; connect a PSA seats can write to."
		}
		lines = append(lines, wrapStyled(st.Warn, m.c.Hint(note), m.width)...)
	}
	return lines
}

// timingText says when the PSA applies the changes.
func timingText(psa string, t connectors.ApplyTiming, from time.Time) string {
	switch t {
	case connectors.ApplyFromDate:
		if !from.IsZero() {
			return psa + " applies them from " + date(from) + "; they cannot be undone"
		}
		return psa + " applies them from the effective date; they cannot be undone"
	case connectors.ApplyAtOnce:
		return psa + " applies them at once"
	}
	return "when " + psa + " applies them is not known"
}

// signedShort is "+87.00 USD/mo, -3.00 EUR/mo".
func signedShort(list []connectors.Money) string {
	parts := make([]string, len(list))
	for i, m := range list {
		parts[i] = signedMoney(m) + "/mo"
	}
	return strings.Join(parts, ", ")
}

func signedList(list []connectors.Money) string {
	parts := make([]string, len(list))
	for i, m := range list {
		parts[i] = signedMoney(m)
	}
	return strings.Join(parts, ", ") + " a month"
}

type changesColumns struct {
	sep                           string
	customer, product, term, line int
	timing                        int
}

const (
	colChange      = 9  // "120 → 125"
	colChangeMoney = 14 // "+1234.56 USD"
)

func (m *Model) changesColumns() changesColumns {
	sel := 6 // "› [x] "
	for _, c := range []changesColumns{
		{sep: colSep, term: 8, line: 10, timing: 18},
		{sep: colSep, term: 8, line: 10},
		{sep: " ", term: 7},
	} {
		n := 5 // columns besides customer and product: term, change, money, and these
		fixed := sel + c.term + colChange + colChangeMoney
		if c.line > 0 {
			fixed += c.line
			n++
		}
		if c.timing > 0 {
			fixed += c.timing
			n++
		}
		rest := m.width - fixed - (n-1)*len(c.sep)
		if rest >= 40 || c.sep == " " {
			c.customer = max(8, rest*2/5)
			c.product = max(8, rest-c.customer)
			c.customer, c.product = min(c.customer, 30), min(c.product, 40)
			return c
		}
	}
	return changesColumns{}
}

func (m *Model) changesView() string {
	st := m.c.Styles
	v := &m.changes
	top := m.changesTop()
	switch {
	case v.plan == nil && v.loading:
		return strings.Join(append(top, st.Muted.Render("Making the plan of PSA changes…")), "\n")
	case v.plan == nil && v.planErr != nil:
		return strings.Join(append(top, wrapStyled(st.Warn, "! No plan: "+m.c.Hint(v.planErr.Error()), m.width)...), "\n")
	case v.plan == nil:
		return strings.Join(top, "\n")
	}
	switch v.step {
	case stepConfirm:
		return strings.Join(top, "\n") + "\n" + m.confirmView()
	case stepApplying, stepResults:
		return strings.Join(top, "\n") + "\n" + m.resultsView()
	}
	if len(v.plan.Changes) == 0 && len(v.items) == 1 {
		return strings.Join(append(top, st.Good.Render(fitWidth(v.items[0].title, m.width))), "\n")
	}
	cols := m.changesColumns()
	lines := top
	if len(v.plan.Changes) > 0 {
		lines = append(lines, st.Table.Header.Render(fitWidth(strings.TrimRight(m.changesHeader(cols), " "), m.width)))
	}
	page := m.changesRows()
	end := min(len(v.items), v.offset+page)
	for pos := v.offset; pos < end; pos++ {
		lines = append(lines, m.changesRow(cols, pos))
	}
	lines = padLines(lines, len(top)+1+page)
	return strings.Join(append(lines, m.changesDetail()...), "\n")
}

func (m *Model) changesHeader(c changesColumns) string {
	lead := "  "
	if m.writable() {
		lead = "      "
	}
	cells := []string{lead + common.Cell("Customer", c.customer), common.Cell("Product", c.product), common.Cell("Term", c.term)}
	if c.line > 0 {
		cells = append(cells, common.Cell("Line", c.line))
	}
	cells = append(cells, rcell("Quantity", colChange))
	if c.timing > 0 {
		cells = append(cells, common.Cell("Takes effect", c.timing))
	}
	cells = append(cells, rcell("Money/mo", colChangeMoney))
	return strings.Join(cells, c.sep)
}

func (m *Model) changesRow(c changesColumns, pos int) string {
	st := m.c.Styles
	v := &m.changes
	it := v.items[pos]
	cur, style := "  ", st.Table.Row
	if pos == v.cursor {
		cur, style = "› ", st.Table.Selected
	}
	p := v.plan
	switch it.kind {
	case itemHeading:
		if strings.HasPrefix(it.title, "✓") {
			return st.Good.Render(fitWidth(it.title, m.width))
		}
		return st.Bold.Render(fitWidth(it.title, m.width))
	case itemNeeded:
		n := p.NewLines[it.index]
		text := fmt.Sprintf("%s · %s (%s): %d seats on item %s", n.Customer, n.Product, n.Term, n.Quantity, n.PSAItemID)
		if n.MonthlyAmount.Known() {
			text += " · " + n.MonthlyAmount.String() + " a month"
		}
		return fitWidth(style.Render(cur)+st.Warn.Render("+ "+text), m.width)
	case itemSkipped:
		s := p.Skipped[it.index]
		return fitWidth(style.Render(cur)+st.Muted.Render(fmt.Sprintf("– %s · %s (%s): %s", s.Customer, s.Product, s.Term, s.Reason)), m.width)
	}
	ch := p.Changes[it.index]
	var b strings.Builder
	b.WriteString(style.Render(cur))
	if m.writable() {
		box := "[ ] "
		if v.selected[changeKey(ch)] {
			box = "[x] "
		}
		b.WriteString(st.Key.Render(box))
	}
	b.WriteString(style.Render(common.Cell(ch.Customer, c.customer)))
	b.WriteString(c.sep + st.Text.Render(common.Cell(ch.Product, c.product)))
	b.WriteString(c.sep + st.Muted.Render(common.Cell(ch.Term, c.term)))
	if c.line > 0 {
		b.WriteString(c.sep + st.Muted.Render(common.Cell(ch.Line.LineID, c.line)))
	}
	qty := st.Warn
	if ch.NewQuantity < ch.OldQuantity {
		qty = st.Bad
	}
	b.WriteString(c.sep + qty.Render(rcell(fmt.Sprintf("%d → %d", ch.OldQuantity, ch.NewQuantity), colChange)))
	if c.timing > 0 {
		b.WriteString(c.sep + st.Muted.Render(common.Cell(changeTiming(ch), c.timing)))
	}
	money := ""
	if ch.MonthlyAmount.Known() {
		money = signedMoney(ch.MonthlyAmount)
	}
	b.WriteString(c.sep + st.Text.Render(rcell(money, colChangeMoney)))
	return fitWidth(b.String(), m.width)
}

// changeTiming is when one change takes effect, in a few words.
func changeTiming(c reconcile.PlannedChange) string {
	switch {
	case c.Timing == connectors.ApplyFromDate && !c.EffectiveDate.IsZero():
		return "from " + date(c.EffectiveDate) + ", final"
	case c.Timing == connectors.ApplyFromDate:
		return "from the date, final"
	case c.Timing == connectors.ApplyAtOnce:
		return "at once"
	}
	return "unknown"
}

func (m *Model) changesDetail() []string {
	st := m.c.Styles
	v := &m.changes
	if v.cursor < 0 || v.cursor >= len(v.items) {
		return padLines(nil, changesDetail)
	}
	it := v.items[v.cursor]
	p := v.plan
	var lines []string
	switch it.kind {
	case itemChange:
		c := p.Changes[it.index]
		l := c.Line
		where := fmt.Sprintf("Line %s on agreement %s", l.LineID, l.AgreementID)
		if l.AgreementName != "" {
			where += " (" + l.AgreementName + ")"
		}
		where += fmt.Sprintf(" · company %s · item %s · fixes %s", l.CompanyID, l.ItemID, kindLabel(c.Finding))
		lines = append(lines, st.Muted.Render(fitWidth(where, m.width)))
		second := "Takes effect " + changeTiming(c)
		if c.Timing == connectors.ApplyFromDate {
			second = "Takes effect from " + date(c.EffectiveDate) + " and cannot be undone (only a further change reverses it)"
		}
		if c.Note != "" {
			second = "! " + c.Note
		}
		lines = append(lines, st.Text.Render(fitWidth(second, m.width)))
	case itemNeeded:
		lines = wrapStyled(st.Text, p.NewLines[it.index].Detail, m.width)
	case itemSkipped:
		lines = wrapStyled(st.Text, p.Skipped[it.index].Reason, m.width)
	}
	return padLines(lines, changesDetail)
}

func (m *Model) confirmView() string {
	st := m.c.Styles
	v := &m.changes
	chosen := v.chosen()
	p := v.plan
	lines := []string{
		st.Title.Render(fmt.Sprintf("Apply %d of the %d changes to %s?", len(chosen), len(p.Changes), m.psaName())),
		"",
	}
	if money := v.moneyOf(chosen); len(money) > 0 {
		lines = append(lines, st.Text.Render("They change the monthly bill by "+signedList(money)+"."))
	}
	switch p.Timing {
	case connectors.ApplyFromDate:
		lines = append(lines, st.Warn.Render("! "+m.psaName()+" applies them from "+date(p.EffectiveDate)+
			", and they cannot be undone: only a further change reverses one."))
	case connectors.ApplyAtOnce:
		lines = append(lines, st.Text.Render(m.psaName()+" applies them at once."))
	}
	lines = append(lines,
		st.Muted.Render("Each line is read again first and left alone if it changed since the plan was made. "+
			"Every write is recorded in the audit log (A)."),
		"",
		st.Key.Render("y")+st.Text.Render(" yes, apply them   ")+st.Key.Render("n")+st.Text.Render(" no, back to the plan"))
	return m.panel(lines)
}

// outcomeText is an outcome with its marker, readable without colour.
func outcomeText(o connectors.WriteOutcome) string {
	switch o {
	case connectors.WriteApplied:
		return "✓ applied"
	case connectors.WriteSkipped:
		return "– skipped"
	case connectors.WriteFailed:
		return "✗ failed"
	case connectors.WriteUnconfirmed:
		return "? unconfirmed"
	case connectors.WritePending:
		return "… pending"
	}
	return string(o)
}

func (m *Model) outcomeStyle(o connectors.WriteOutcome) lipgloss.Style {
	st := m.c.Styles
	switch o {
	case connectors.WriteApplied:
		return st.Good
	case connectors.WriteSkipped, connectors.WritePending:
		return st.Warn
	}
	return st.Bad
}

func (m *Model) resultsView() string {
	st := m.c.Styles
	v := &m.changes
	run := v.apply
	if run == nil {
		run = v.last
	}
	if run == nil {
		return ""
	}
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	var head string
	if v.step == stepApplying {
		head = fmt.Sprintf("Applying %d changes to %s: %d done…", run.total, m.psaName(), len(run.results))
	} else {
		c := outcomeCounts(run.results)
		head = fmt.Sprintf("%d applied · %d skipped · %d failed · %d unconfirmed", c[connectors.WriteApplied],
			c[connectors.WriteSkipped], c[connectors.WriteFailed], c[connectors.WriteUnconfirmed])
		if n := run.total - len(run.results); n > 0 {
			head += fmt.Sprintf(" · %d not tried", n)
		}
	}
	var body []string
	add := func(style lipgloss.Style, text string) {
		for _, l := range wrapPlain(text, inner, "    ") {
			body = append(body, style.Render(l))
		}
	}
	for _, w := range run.settled {
		add(st.Muted, fmt.Sprintf("Settled first, from an interrupted run: %s · %s: %s (%s)", w.Customer, w.Product, w.Outcome, w.Reason))
	}
	for _, r := range run.results {
		c := r.Change
		text := fmt.Sprintf("%s %s · %s (%s) · line %s: %d → %d", outcomeText(r.Outcome), c.Customer, c.Product, c.Term,
			c.Line.LineID, c.OldQuantity, c.NewQuantity)
		if r.Reason != "" {
			text += ": " + r.Reason
		}
		add(m.outcomeStyle(r.Outcome), text)
	}
	if run.err != nil {
		add(st.Bad, "✗ The apply stopped: "+run.err.Error())
	}
	room := max(1, m.height-len(m.changesTop())-2-st.Panel.GetVerticalFrameSize())
	v.resultsOffset = min(v.resultsOffset, max(0, len(body)-room))
	shown := body[v.resultsOffset:min(len(body), v.resultsOffset+room)]
	out := append([]string{st.Title.Render(head)}, shown...)
	switch {
	case v.step == stepApplying:
		out = append(out, st.Muted.Render("Writing… quitting now asks first"))
	case len(body) > room:
		out = append(out, st.Muted.Render(fmt.Sprintf("lines %d–%d of %d · ↑/↓ scroll · enter closes",
			v.resultsOffset+1, v.resultsOffset+len(shown), len(body))))
	default:
		out = append(out, st.Muted.Render("enter closes; the tables were read again"))
	}
	return m.panel(out)
}

// panel draws a dialog across the body width; long lines wrap inside it.
func (m *Model) panel(lines []string) string {
	st := m.c.Styles
	inner := max(20, m.width-st.Panel.GetHorizontalFrameSize())
	for i, l := range lines {
		if lipgloss.Width(l) > inner {
			lines[i] = st.Plain.Width(inner).Render(l)
		}
	}
	return st.Panel.Width(max(20, m.width-st.Panel.GetHorizontalBorderSize())).Render(strings.Join(lines, "\n"))
}
