package main

import "strings"

// hint names a seats command the way the user must type it to reach the same
// home: with --sandbox and --home when this run had them, so that copying the
// hint works.
func (f *factory) hint(command string) string {
	parts := []string{"seats"}
	if f.sandbox {
		parts = append(parts, "--sandbox")
	}
	if f.homeFlag != "" {
		parts = append(parts, "--home", quoteArg(f.homeFlag))
	}
	if command != "" {
		parts = append(parts, command)
	}
	return "`" + strings.Join(parts, " ") + "`"
}

// quoteArg quotes a shell argument that holds spaces or quotes.
func quoteArg(s string) string {
	if !strings.ContainsAny(s, " \t'\"$`\\") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
