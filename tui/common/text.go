package common

import (
	"fmt"
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

// Plural is "1 customer" or "3 customers".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ClampWindow keeps cursor within n items and the window of page items
// starting at offset around it, for every scrolling list: it returns the
// cursor and offset to use.
func ClampWindow(cursor, offset, n, page int) (int, int) {
	page = max(1, page)
	cursor = min(max(cursor, 0), max(0, n-1))
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+page {
		offset = cursor - page + 1
	}
	offset = max(0, min(offset, n-page))
	return cursor, offset
}
