package main

import (
	"fmt"
	"os"

	"github.com/aymanbagabas/go-osc52/v2"
)

// offerLink copies a link to the clipboard with OSC 52 (which works over
// SSH) when stderr is a terminal, and opens it where a browser exists.
func offerLink(f *factory, link string) {
	if isTerminal(f.stderr) {
		seq := osc52.New(link)
		if os.Getenv("TMUX") != "" {
			seq = seq.Tmux()
		}
		if _, err := seq.WriteTo(f.stderr); err == nil {
			fmt.Fprintln(f.stderr, "  (copied to the clipboard)")
		}
	}
	if open := browserOpener(); open != nil {
		if err := open(link); err == nil {
			fmt.Fprintln(f.stderr, "  (opened in the browser)")
		}
	}
}
