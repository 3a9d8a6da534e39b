package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Cell cuts or pads plain text to exactly w cells, left aligned, with an
// ellipsis where it is cut: one column of a table.
func Cell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// FitLine cuts a (styled) line to width cells with an ellipsis; width 0 or
// less leaves it whole.
func FitLine(s string, width int) string {
	if width <= 0 {
		return s
	}
	return ansi.Truncate(s, width, "…")
}
