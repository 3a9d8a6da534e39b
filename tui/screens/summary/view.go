package summary

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	d := m.data
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }

	add(st.Title.Render(m.setUpFor()), "")
	ready := st.Good.Render(fmt.Sprintf("✓ Ready customers %d of %d", d.Ready, d.Customers))
	if d.Ready == 0 {
		ready = st.Warn.Render(fmt.Sprintf("! Ready customers 0 of %d", d.Customers))
	}
	add(ready+st.Muted.Render(" · seats reads their licences"), "")

	add(m.unmappedLines()...)
	add("")
	add(m.sinceLines()...)
	if len(d.Sources) > 0 {
		add("", st.Bold.Render("Sources"))
		add(m.sourceLines()...)
	}
	for i := range lines {
		lines[i] = m.fit(lines[i])
	}
	// The keys go last, under the rest, where the eye ends.
	keys := m.keyLine()
	if m.height > 0 && len(lines) > m.height-2 {
		lines = lines[:max(0, m.height-2)]
	}
	for m.height > 0 && len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, m.fit(keys)), "\n")
}

// setUpFor is the heading: the sources this home is set up for.
func (m *Model) setUpFor() string {
	d := m.data
	switch {
	case d.Distributor != "" && d.PSA != "":
		return "Welcome back: seats is set up for " + d.Distributor + " and " + d.PSA
	case d.Distributor != "":
		return "Welcome back: seats is set up for " + d.Distributor + ", no PSA yet"
	}
	return "Welcome back"
}

func (m *Model) unmappedLines() []string {
	st := m.c.Styles
	u := m.data.Unmapped
	if u.Total() == 0 {
		return []string{st.Good.Render("✓ Nothing unmapped: every customer and product is matched")}
	}
	out := []string{st.Bold.Render("Unmapped") + st.Muted.Render(" · ") + st.Key.Render("u") + st.Muted.Render(" opens the queue")}
	row := func(marker, label string, n, suggested int, key string) string {
		text := fmt.Sprintf("  %s %-30s %5d", marker, label, n)
		style := st.Warn
		if n == 0 {
			style = st.Muted
		}
		line := style.Render(text)
		if n > 0 {
			line += "  " + st.Key.Render(key) + st.Muted.Render(" opens")
		}
		if suggested > 0 {
			line += st.Muted.Render(fmt.Sprintf(" · %d suggested", suggested))
		}
		return line
	}
	out = append(out,
		row("·", "Accounts", u.Accounts, u.SuggestedAccounts, "a"),
		row("·", "Products", u.Products, u.SuggestedProducts, "p"),
		row("?", "Unknown distributor products", u.UnknownProducts, 0, "p"),
	)
	return out
}

func (m *Model) sinceLines() []string {
	st := m.c.Styles
	s := m.data.Since
	head := "Since the last run"
	if !s.LastRun.IsZero() {
		head += ": " + m.when(s.LastRun)
	}
	out := []string{st.Bold.Render(head)}
	list := func(marker string, n int, one, many string, names []string) {
		if n == 0 {
			return
		}
		noun := many
		if n == 1 {
			noun = one
		}
		text := fmt.Sprintf("  %s %d %s: ", marker, n, noun)
		style := st.Text
		if marker == "!" {
			style = st.Warn
		}
		room := m.width - ansi.StringWidth(text)
		out = append(out, style.Render(text)+st.Text.Render(nameList(names, room)))
	}
	list("+", len(s.NewCustomers), "new customer", "new customers", s.NewCustomers)
	list("+", len(s.NewSkus), "new SKU", "new SKUs", s.NewSkus)
	list("+", len(s.NewPSAItems), "new PSA item", "new PSA items", s.NewPSAItems)
	list("!", len(s.LostCustomers), "customer Lost", "customers Lost", s.LostCustomers)
	if len(out) == 1 {
		out = append(out, st.Muted.Render("  Nothing new: no new customers, SKUs or PSA items, and no customer Lost"))
	} else if len(s.LostCustomers) > 0 {
		out = append(out, st.Muted.Render("    Lost: seats can no longer read them; consent them again on the Consent step"))
	}
	return out
}

func (m *Model) sourceLines() []string {
	st := m.c.Styles
	width := 0
	for _, s := range m.data.Sources {
		width = max(width, ansi.StringWidth(s.Name))
	}
	var out []string
	for _, s := range m.data.Sources {
		name := s.Name + strings.Repeat(" ", width-ansi.StringWidth(s.Name))
		switch {
		case s.Failed != "" && s.ReadAt.IsZero():
			out = append(out, st.Bad.Render("  ✗ "+name)+st.Muted.Render("  never read: "+s.Failed))
		case s.Failed != "":
			out = append(out, st.Warn.Render("  ! "+name)+st.Muted.Render("  last read failed: "+s.Failed),
				st.Muted.Render(strings.Repeat(" ", width+6)+"showing the read of "+m.when(s.ReadAt)+"; mappings kept"))
		case s.ReadAt.IsZero():
			out = append(out, st.Muted.Render("  · "+name+"  not read yet"))
		default:
			out = append(out, st.Good.Render("  ✓ "+name)+st.Muted.Render("  read "+m.when(s.ReadAt)))
		}
	}
	return out
}

func (m *Model) keyLine() string {
	st := m.c.Styles
	var parts []string
	for _, b := range []struct {
		on         bool
		key, label string
	}{
		{m.data.Unmapped.Total() > 0, "u", "unmapped queue"},
		{true, "l", "licence tables"},
		{m.keys.Sync.Enabled(), "s", "sync now"},
		{m.syncing, "esc", "stop the sync"},
	} {
		if b.on {
			parts = append(parts, st.Key.Render(b.key)+" "+st.Text.Render(b.label))
		}
	}
	return strings.Join(parts, st.Muted.Render(" · "))
}

// when is a time as "2026-03-01 09:00 UTC, 1 day ago".
func (m *Model) when(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04") + " UTC, " + ago(m.c.Now(), t)
}

// ago says how long before now t was, in the largest whole unit.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case d < 0:
		return "in the future: check this computer's clock"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

// nameList joins names to fit room cells: "A, B and 3 more".
func nameList(names []string, room int) string {
	if len(names) == 0 {
		return ""
	}
	all := strings.Join(names, ", ")
	if room <= 0 || lipgloss.Width(all) <= room {
		return all
	}
	for n := len(names) - 1; n >= 1; n-- {
		s := strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
		if lipgloss.Width(s) <= room {
			return s
		}
	}
	// Even one name with the count is too wide: the line is cut after it.
	return names[0] + fmt.Sprintf(" and %d more", len(names)-1)
}

// fit cuts a line to the body width.
func (m *Model) fit(s string) string {
	if m.width <= 0 {
		return s
	}
	return ansi.Truncate(s, m.width, "…")
}
