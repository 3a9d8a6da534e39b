package main

import (
	"fmt"
	"os"

	"github.com/aymanbagabas/go-osc52/v2"
)

// offerLink sends a link to the terminal's clipboard with OSC 52 (which
// works over SSH) when stderr is a terminal, and opens it where a browser
// exists. Whether the terminal took the OSC 52 sequence cannot be known, so
// the message says it was sent, not that it was copied.
func offerLink(f *factory, link string) {
	if isTerminal(f.stderr) {
		seq := osc52.New(link)
		if os.Getenv("TMUX") != "" {
			seq = seq.Tmux()
		}
		if _, err := seq.WriteTo(f.stderr); err == nil {
			fmt.Fprintln(f.stderr, "(sent to your terminal's clipboard with OSC 52; if nothing arrived, select the link above)")
		}
	}
	if open := browserOpener(); open != nil {
		if err := open(link); err == nil {
			fmt.Fprintln(f.stderr, "(opened in the browser)")
		}
	}
}
