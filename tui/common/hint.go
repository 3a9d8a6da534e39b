package common

import (
	"regexp"
	"strings"
)

// seatsCommand finds "seats <command>" in a text meant for people.
var seatsCommand = regexp.MustCompile(`\bseats (login|logout|consent|status|sync|app|doctor|sandbox|connect|audit|reconcile)\b`)

// WithCommand spells every "seats <command>" in text as prefix does
// ("seats --sandbox --home /x"), so that a hint copied from the screen
// reaches the same home. An empty prefix or plain "seats" changes nothing;
// a command already spelled with flags is left alone.
func WithCommand(prefix, text string) string {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" || prefix == "seats" {
		return text
	}
	return seatsCommand.ReplaceAllString(text, prefix+" $1")
}

// Hint is WithCommand with the way this wizard was started (Deps.Command).
func (c *Common) Hint(text string) string { return WithCommand(c.Deps.Command, text) }
