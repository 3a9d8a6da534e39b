// Package picker is a searchable list to pick one counterpart from (a
// distributor account, a PSA company, a catalogue item, a SKU): the search
// box has focus the whole time, the arrows move, and only the rows that fit
// are drawn. The matching screens share it.
package picker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
)

// Option is one entry of the picker.
type Option struct {
	// ID is what the pick records; "" is the "none" entry.
	ID     string
	Label  string
	Detail string // muted text after the label: domain, identifier
	// Marks are words that warn, readable without colour: "inactive",
	// "prospect", "vendor", "held by Fabrikam".
	Marks []string
	// Current marks today's match or suggestion.
	Current string
	Search  string // lower-case text the search looks in
}

// Model is a searchable list of the counterparts of one side. The search
// box has focus the whole time, so typing narrows the list at once; the
// arrows move, enter picks, esc cancels. Only the rows that fit are drawn.
type Model struct {
	title   string
	options []Option
	input   textinput.Model
	visible []int // indexes into options after the search
	cursor  int   // position in visible
	offset  int   // first position of visible shown
	rows    int   // Option rows that fit, set by view
	// labelWidth is the widest label, so that what follows lines up.
	labelWidth int
	// noneFirst is set when the first Option is the "none" entry (id "").
	noneFirst bool
	// labels are the options' labels in lower case, for ranking.
	labels []string
}

func New(st *common.Styles, title, placeholder string, options []Option, selectID string) Model {
	in := common.NewSearchInput(st, placeholder)
	in.Focus()
	p := Model{title: title, options: options, input: in, rows: 10}
	p.noneFirst = len(options) > 0 && options[0].ID == ""
	p.labels = make([]string, len(options))
	for i, o := range options {
		p.labelWidth = max(p.labelWidth, ansi.StringWidth(o.Label))
		p.labels[i] = strings.ToLower(o.Label)
	}
	p.filter()
	// Start on the current match or suggestion, else on the first real
	// Option: never on "none", so that a quick enter clears nothing.
	for pos, i := range p.visible {
		if selectID != "" && strings.EqualFold(p.options[i].ID, selectID) {
			p.cursor = pos
			break
		}
	}
	p.clamp()
	return p
}

// filter keeps the options holding every word of the search: first those
// whose label holds the search as typed ("business premium" finds
// "Microsoft 365 Business Premium" before "Dynamics 365 Business Central
// Premium"), then the others, each in the options' order.
func (p *Model) filter() {
	q := strings.ToLower(strings.TrimSpace(p.input.Value()))
	words := strings.Fields(q)
	p.visible = p.visible[:0]
	var rest []int
	for i := range p.options {
		switch {
		case !MatchesWords(p.options[i].Search, words):
		case q == "" || strings.Contains(p.labels[i], q):
			p.visible = append(p.visible, i)
		default:
			rest = append(rest, i)
		}
	}
	p.visible = append(p.visible, rest...)
	p.cursor = 0
	if len(p.visible) > 1 && p.noneFirst && p.visible[0] == 0 {
		// The "none" entry leads; the first real Option is where the
		// cursor belongs.
		p.cursor = 1
	}
	p.offset = 0
	p.clamp()
}

// MatchesWords reports whether text holds every word.
func MatchesWords(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// update hands a message to the search box and filters when its text
// changed.
func (p *Model) Update(msg tea.Msg) tea.Cmd {
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.filter()
	}
	return cmd
}

func (p *Model) Move(delta int) {
	if len(p.visible) == 0 {
		p.cursor = 0
		return
	}
	p.cursor = min(max(p.cursor+delta, 0), len(p.visible)-1)
	p.clamp()
}

func (p *Model) clamp() {
	p.cursor, p.offset = common.ClampWindow(p.cursor, p.offset, len(p.visible), p.rows)
}

// selected returns the Option under the cursor.
func (p *Model) Selected() (Option, bool) {
	if p.cursor < 0 || p.cursor >= len(p.visible) {
		return Option{}, false
	}
	return p.options[p.visible[p.cursor]], true
}

// view draws the picker in width × height: title, search line, the rows
// that fit and a line of counts and keys.
func (p *Model) View(st *common.Styles, width, height int) string {
	p.rows = max(1, height-4)
	p.clamp()
	p.input.Width = max(1, width-len(p.input.Prompt)-1)
	lines := []string{
		common.FitLine(st.Title.Render(p.title), width),
		// The input pads to its width; the padding is no part of the line.
		strings.TrimRight(p.input.View(), " "),
	}
	if len(p.visible) == 0 {
		lines = append(lines, st.Muted.Render(common.FitLine(`Nothing matches "`+p.input.Value()+`": backspace widens the search`, width)))
	}
	end := min(len(p.visible), p.offset+p.rows)
	for pos := p.offset; pos < end; pos++ {
		lines = append(lines, p.row(st, pos, width))
	}
	for len(lines) < height-1 {
		lines = append(lines, "")
	}
	foot := fmt.Sprintf("%d of %d shown · ↑/↓ move · enter picks · esc cancels", len(p.visible), len(p.options))
	lines = append(lines, st.Muted.Render(common.FitLine(foot, width)))
	return strings.Join(lines, "\n")
}

// row draws one Option: the label, then its marks and detail, cut to the
// width as plain text before styling.
func (p *Model) row(st *common.Styles, pos, width int) string {
	o := p.options[p.visible[pos]]
	prefix, labelStyle := "  ", st.Table.Row
	if pos == p.cursor {
		prefix, labelStyle = "› ", st.Table.Selected
	}
	if o.ID == "" {
		labelStyle = st.Muted
		if pos == p.cursor {
			labelStyle = st.Table.Selected
		}
	}
	labelWidth := min(p.labelWidth, max(12, width*2/5))
	out := labelStyle.Render(prefix + common.Cell(o.Label, labelWidth))
	used := len(prefix) + labelWidth
	var tail []string
	if o.Current != "" {
		tail = append(tail, st.Good.Render(o.Current))
	}
	for _, mk := range o.Marks {
		tail = append(tail, st.Warn.Render(mk))
	}
	if o.Detail != "" {
		tail = append(tail, st.Muted.Render(o.Detail))
	}
	if len(tail) == 0 {
		return out
	}
	rest := strings.Join(tail, st.Muted.Render(" · "))
	room := width - used - 2
	if room < 4 {
		return out
	}
	return out + "  " + ansi.Truncate(rest, room, "…")
}

// SortOptions orders options by label, ignoring case, then by id.
func SortOptions(opts []Option) {
	sort.SliceStable(opts, func(a, b int) bool {
		la, lb := strings.ToLower(opts[a].Label), strings.ToLower(opts[b].Label)
		if la != lb {
			return la < lb
		}
		return opts[a].ID < opts[b].ID
	})
}

// PageRows is how many options the last View showed: a page for page up
// and down.
func (p *Model) PageRows() int { return p.rows }

// Query is the search as typed.
func (p *Model) Query() string { return p.input.Value() }

// Shown is how many options the search leaves.
func (p *Model) Shown() int { return len(p.visible) }
