package licences

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// colSep separates table columns.
const colSep = "  "

// rcell cuts or pads plain text to exactly w cells, right aligned.
func rcell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s = strings.Repeat(" ", pad) + s
	}
	return s
}

// fitWidth cuts a (styled) line to width cells.
func fitWidth(s string, width int) string {
	if width <= 0 {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// wrapPlain breaks plain text into lines of at most width cells, at
// spaces where it can; indent starts every line after the first.
func wrapPlain(s string, width int, indent string) []string {
	if width <= 0 || ansi.StringWidth(s) <= width {
		return []string{s}
	}
	wrapped := ansi.Wrap(s, width-ansi.StringWidth(indent), " ")
	lines := strings.Split(wrapped, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
		if i > 0 {
			lines[i] = indent + lines[i]
		}
	}
	return lines
}

// padLines makes lines exactly n long: cut, or filled with empty lines.
func padLines(lines []string, n int) []string {
	if n <= 0 {
		return nil
	}
	if len(lines) > n {
		return lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}

// addMoney adds m to the amount of its currency in list; unknown amounts
// are left out, since a blank cannot be summed.
func addMoney(list []connectors.Money, m connectors.Money) []connectors.Money {
	if !m.Known() {
		return list
	}
	for i := range list {
		if list[i].Currency == m.Currency {
			list[i].Minor += m.Minor
			return list
		}
	}
	list = append(list, m)
	slices.SortFunc(list, func(a, b connectors.Money) int { return strings.Compare(a.Currency, b.Currency) })
	return list
}

// moneyList is "120.00 USD, 40.00 EUR", or none when empty.
func moneyList(list []connectors.Money, none string) string {
	if len(list) == 0 {
		return none
	}
	parts := make([]string, len(list))
	for i, m := range list {
		parts[i] = m.String()
	}
	return strings.Join(parts, ", ")
}

// moneyShort is the first amount of list, with "+n" for the other
// currencies: for a table cell.
func moneyShort(list []connectors.Money) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0].String()
	}
	return fmt.Sprintf("%s +%d", list[0].String(), len(list)-1)
}

// signedMoney is "+44.00 USD" or "-22.00 USD"; "price unknown" when not
// known.
func signedMoney(m connectors.Money) string {
	if !m.Known() {
		return "price unknown"
	}
	if m.Minor > 0 {
		return "+" + m.String()
	}
	return m.String()
}

// ago says how old t is at now in a few characters: "5m ago", "3h ago",
// "2d ago"; "never" for the zero time.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// stamp is a time as the tables write it: UTC, to the minute.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// date is a day, or "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// intText is a number, or "" where it is not known.
func intText(n *int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprint(*n)
}

// kindLabel names a finding kind for people.
func kindLabel(k reconcile.FindingKind) string {
	switch k {
	case reconcile.FindingUnderBilled:
		return "Under-billed"
	case reconcile.FindingOverBilled:
		return "Over-billed, owed back"
	case reconcile.FindingNotBilled:
		return "Not billed"
	case reconcile.FindingUnusedLicenses:
		return "Unused seats"
	case reconcile.FindingNotFromDistributor:
		return "Bought elsewhere"
	case reconcile.FindingMicrosoftDistributorMismatch:
		return "Microsoft and distributor differ"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// owedBack reports whether the kind's money is the customer's rather than
// money found.
func owedBack(k reconcile.FindingKind) bool { return k == reconcile.FindingOverBilled }

// moneyFound reports whether the kind's money counts as money found.
func moneyFound(k reconcile.FindingKind) bool {
	switch k {
	case reconcile.FindingUnderBilled, reconcile.FindingNotBilled, reconcile.FindingUnusedLicenses:
		return true
	}
	return false
}

// termLabel names a term for people.
func termLabel(t connectors.Term) string {
	switch t {
	case connectors.TermTriennial:
		return "3-year"
	case "", connectors.TermUnknown:
		return "term unknown"
	}
	return string(t)
}

// billingLabel names a billing frequency for people.
func billingLabel(f connectors.BillingFrequency) string {
	switch f {
	case "":
		return ""
	case connectors.BillUnknown:
		return "billing unknown"
	}
	return "billed " + string(f)
}
