package settings

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/components/sourceform"
)

// yesNo is the choice for a true/false setting: a select, not huh's
// Confirm, whose two buttons differ only by colour and so cannot be told
// apart under NO_COLOR.
func yesNo(no, yes string) []huh.Option[bool] {
	return []huh.Option[bool]{huh.NewOption(no, false), huh.NewOption(yes, true)}
}

// buildForm makes a new form over m.vals: huh forms end for good once
// submitted, and a failed save must keep what was typed.
func (m *Model) buildForm() {
	v := &m.vals
	fields := []huh.Field{
		huh.NewSelect[string]().Key(config.KeyBillingBasis).
			Title("Bill customers for").
			Description(config.KeyBillingBasis+": which quantity each customer should be billed for").
			Options(
				huh.NewOption("what your distributor bills you (distributor)", config.BasisDistributor),
				huh.NewOption("the licences assigned to users (assigned)", config.BasisAssigned),
			).
			Inline(true).Value(&v.basis),
		huh.NewSelect[bool]().Key(config.KeyIncludeTrials).
			Title("Count trials").
			Description(config.KeyIncludeTrials + ": trial subscriptions count as purchased seats").
			Options(yesNo("no", "yes")...).
			Inline(true).Value(&v.includeTrials),
		huh.NewSelect[bool]().Key(config.KeyIncludeFree).
			Title("Count free licences").
			Description(config.KeyIncludeFree + ": free SKUs appear in the tables and findings").
			Options(yesNo("no", "yes")...).
			Inline(true).Value(&v.includeFree),
		huh.NewInput().Key(config.KeyTolerance).
			Title("Tolerance (seats)").
			Description(config.KeyTolerance + ": differences of this many seats or fewer are not findings; 0 to 10000").
			CharLimit(5).
			Validate(func(s string) error { _, err := checkTolerance(s); return err }).
			Value(&v.tolerance),
		huh.NewInput().Key(config.KeyIgnoreProducts).
			Title("Ignore products").
			Description(config.KeyIgnoreProducts + ": Microsoft SKU ids (GUIDs) left out of findings, separated by commas").
			Placeholder("none").
			Validate(func(s string) error { _, err := parseSkuIDs(s); return err }).
			Value(&v.ignoreProducts),
		huh.NewInput().Key(config.KeyConcurrency).
			Title("Parallel calls per service").
			Description(config.KeyConcurrency + ": 1 to 64; lower it if a service throttles seats").
			CharLimit(2).
			Validate(func(s string) error { _, err := checkConcurrency(s); return err }).
			Value(&v.concurrency),
		huh.NewInput().Key(config.KeyStaleAfter).
			Title("Stale after").
			Description(config.KeyStaleAfter + ": data older than this is marked stale, such as 24h or 90m").
			Validate(func(s string) error { _, err := checkDuration(s); return err }).
			Value(&v.staleAfter),
		huh.NewSelect[bool]().Key(config.KeyWriteEnabled).
			Title("Write to the PSA").
			Description(config.KeyWriteEnabled + ": seats never writes to your PSA until you turn this on").
			Options(yesNo("off: read-only", "on: write the corrections you approve")...).
			Inline(true).Value(&v.writeEnabled),
		huh.NewInput().Key(config.KeyEffectiveDate).
			Title("PSA changes take effect").
			Description(config.KeyEffectiveDate + ": today, first-of-next-month or a date YYYY-MM-DD, for PSAs that take one").
			Suggestions([]string{config.EffectiveToday, config.EffectiveNextMonth}).
			Validate(func(s string) error { _, err := checkEffectiveDate(s); return err }).
			Value(&v.effectiveDate),
	}
	m.fieldKeys = make([]string, len(fields))
	for i, f := range fields {
		m.fieldKeys[i] = f.GetKey()
	}
	m.formGen++
	m.form = huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(sourceform.Theme(m.c.Styles)).
		WithKeyMap(sourceform.NewKeyMap("save & continue")).
		WithShowHelp(false). // the root's footer shows the keys
		WithShowErrors(true)
	// Init focuses the first field at once; its command only asks the
	// terminal for its size, which comes from SetSize instead.
	_ = m.form.Init()
	m.layoutForm()
}

// focusKey moves the focus to the field of config key k.
func (m *Model) focusKey(k string) {
	for i, fk := range m.fieldKeys {
		if fk == k {
			for j := 0; j < i; j++ {
				m.form.NextField()
			}
			return
		}
	}
}

// layoutForm gives the form the room left under the header and over the
// hint; the form scrolls to the focused field within it.
func (m *Model) layoutForm() {
	if m.form == nil || m.width <= 0 || m.height <= 0 {
		return
	}
	room := m.height - lipgloss.Height(m.headerView()) - 1 - lipgloss.Height(m.hintView()) - 1
	m.form.Update(tea.WindowSizeMsg{Width: m.width, Height: max(room, 3)})
}

// formHelp lists the focused field's keys that work, for the footer.
func formHelp(f *huh.Form) []key.Binding {
	keys := sourceform.FormHelp(f)
	out := keys[:0]
	for _, k := range keys {
		// ctrl+s saves from anywhere; enter's "save" on the last field is
		// the same thing said twice.
		if !strings.HasPrefix(k.Help().Desc, "save") {
			out = append(out, k)
		}
	}
	return out
}
