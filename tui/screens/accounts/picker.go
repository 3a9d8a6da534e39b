package accounts

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
)

// option is one entry of the picker.
type option struct {
	// id is what the pick records; "" is the "no account" entry.
	id     string
	label  string
	detail string // muted text after the label: domain, identifier
	// marks are words that warn, readable without colour: "inactive",
	// "prospect", "vendor", "held by Fabrikam".
	marks []string
	// current marks the customer's match or suggestion of today.
	current string
	search  string // lower-case text the search looks in
}

// picker is a searchable list of the counterparts of one side. The search
// box has focus the whole time, so typing narrows the list at once; the
// arrows move, enter picks, esc cancels. Only the rows that fit are drawn.
type picker struct {
	title   string
	options []option
	input   textinput.Model
	visible []int // indexes into options after the search
	cursor  int   // position in visible
	offset  int   // first position of visible shown
	rows    int   // option rows that fit, set by view
	// labelWidth is the widest label, so that what follows lines up.
	labelWidth int
	// noneFirst is set when the first option is the "none" entry (id "").
	noneFirst bool
	// labels are the options' labels in lower case, for ranking.
	labels []string
}

// pickerSearchLimit is the longest search, in characters.
const pickerSearchLimit = 100

func newPicker(st *common.Styles, title, placeholder string, options []option, selectID string) picker {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = placeholder
	in.CharLimit = pickerSearchLimit
	in.PromptStyle = st.Prompt
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Muted
	in.Cursor.Style = st.Key
	in.Cursor.TextStyle = st.Text
	// No blink: a blink is a message every half second and a frame that
	// differs between two goldens.
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	p := picker{title: title, options: options, input: in, rows: 10}
	p.noneFirst = len(options) > 0 && options[0].id == ""
	p.labels = make([]string, len(options))
	for i, o := range options {
		p.labelWidth = max(p.labelWidth, ansi.StringWidth(o.label))
		p.labels[i] = strings.ToLower(o.label)
	}
	p.filter()
	// Start on the current match or suggestion, else on the first real
	// option: never on "none", so that a quick enter clears nothing.
	for pos, i := range p.visible {
		if selectID != "" && strings.EqualFold(p.options[i].id, selectID) {
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
func (p *picker) filter() {
	q := strings.ToLower(strings.TrimSpace(p.input.Value()))
	words := strings.Fields(q)
	p.visible = p.visible[:0]
	var rest []int
	for i := range p.options {
		switch {
		case !matchesWords(p.options[i].search, words):
		case q == "" || strings.Contains(p.labels[i], q):
			p.visible = append(p.visible, i)
		default:
			rest = append(rest, i)
		}
	}
	p.visible = append(p.visible, rest...)
	p.cursor = 0
	if len(p.visible) > 1 && p.noneFirst && p.visible[0] == 0 {
		// The "none" entry leads; the first real option is where the
		// cursor belongs.
		p.cursor = 1
	}
	p.offset = 0
	p.clamp()
}

// matchesWords reports whether text holds every word.
func matchesWords(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// update hands a message to the search box and filters when its text
// changed.
func (p *picker) update(msg tea.Msg) tea.Cmd {
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.filter()
	}
	return cmd
}

func (p *picker) move(delta int) {
	if len(p.visible) == 0 {
		p.cursor = 0
		return
	}
	p.cursor = min(max(p.cursor+delta, 0), len(p.visible)-1)
	p.clamp()
}

func (p *picker) clamp() {
	rows := max(1, p.rows)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	p.offset = max(0, min(p.offset, len(p.visible)-rows))
}

// selected returns the option under the cursor.
func (p *picker) selected() (option, bool) {
	if p.cursor < 0 || p.cursor >= len(p.visible) {
		return option{}, false
	}
	return p.options[p.visible[p.cursor]], true
}

// view draws the picker in width × height: title, search line, the rows
// that fit and a line of counts and keys.
func (p *picker) view(st *common.Styles, width, height int) string {
	p.rows = max(1, height-4)
	p.clamp()
	p.input.Width = max(1, width-len(p.input.Prompt)-1)
	lines := []string{
		fitLine(st.Title.Render(p.title), width),
		// The input pads to its width; the padding is no part of the line.
		strings.TrimRight(p.input.View(), " "),
	}
	if len(p.visible) == 0 {
		lines = append(lines, st.Muted.Render(fitLine(`Nothing matches "`+p.input.Value()+`": backspace widens the search`, width)))
	}
	end := min(len(p.visible), p.offset+p.rows)
	for pos := p.offset; pos < end; pos++ {
		lines = append(lines, p.row(st, pos, width))
	}
	for len(lines) < height-1 {
		lines = append(lines, "")
	}
	foot := fmt.Sprintf("%d of %d shown · ↑/↓ move · enter picks · esc cancels", len(p.visible), len(p.options))
	lines = append(lines, st.Muted.Render(fitLine(foot, width)))
	return strings.Join(lines, "\n")
}

// row draws one option: the label, then its marks and detail, cut to the
// width as plain text before styling.
func (p *picker) row(st *common.Styles, pos, width int) string {
	o := p.options[p.visible[pos]]
	prefix, labelStyle := "  ", st.Table.Row
	if pos == p.cursor {
		prefix, labelStyle = "› ", st.Table.Selected
	}
	if o.id == "" {
		labelStyle = st.Muted
		if pos == p.cursor {
			labelStyle = st.Table.Selected
		}
	}
	labelWidth := min(p.labelWidth, max(12, width*2/5))
	out := labelStyle.Render(prefix + cell(o.label, labelWidth))
	used := len(prefix) + labelWidth
	var tail []string
	if o.current != "" {
		tail = append(tail, st.Good.Render(o.current))
	}
	for _, mk := range o.marks {
		tail = append(tail, st.Warn.Render(mk))
	}
	if o.detail != "" {
		tail = append(tail, st.Muted.Render(o.detail))
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

// sortOptions orders options by label, ignoring case, then by id.
func sortOptions(opts []option) {
	sort.SliceStable(opts, func(a, b int) bool {
		la, lb := strings.ToLower(opts[a].label), strings.ToLower(opts[b].label)
		if la != lb {
			return la < lb
		}
		return opts[a].id < opts[b].id
	})
}
