// Package common holds what the wizard's root and its screens share: the
// Screen interface and step order, the messages that cross screens, the
// injected dependencies, the global keys and the one set of styles.
//
// It sits below both the root (package tui) and the screens so that neither
// imports the other.
package common

import (
	"context"
	"io"
	"os"
	"time"
)

// Common is handed to the root and every screen constructor.
type Common struct {
	// Ctx is the parent of every context the screens derive for their
	// background work. The root cancels it on quit.
	Ctx    context.Context
	Deps   Deps
	Styles *Styles
	Keys   GlobalKeyMap
	// Output is the writer the program draws to: New wraps the terminal in
	// a LockedOutput, and ProgramOutput gives it to the program. The root
	// writes OSC 52 clipboard sequences to it from a command, so copying
	// works over SSH; the lock keeps them out of the renderer's frames. Nil
	// disables copying.
	Output io.Writer
	// Multiplexer is "tmux", "screen" or "" and decides how OSC 52 is
	// wrapped so that it reaches the outer terminal.
	Multiplexer string
}

// New builds a Common with the default styles and keys. It fills Deps.Now
// with time.Now when nil, detects a terminal multiplexer from the
// environment (TMUX, STY) for the clipboard, and wraps output in a
// LockedOutput (see LockOutput): run the program with c.ProgramOutput(),
// not with tea.WithOutput(output), so that both write through that lock.
func New(ctx context.Context, deps Deps, output io.Writer) *Common {
	if ctx == nil {
		ctx = context.Background()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	mux := ""
	switch {
	case os.Getenv("TMUX") != "":
		mux = "tmux"
	case os.Getenv("STY") != "":
		mux = "screen"
	}
	return &Common{
		Ctx:         ctx,
		Deps:        deps,
		Styles:      DefaultStyles(),
		Keys:        DefaultGlobalKeys(),
		Output:      LockOutput(output),
		Multiplexer: mux,
	}
}

// Now returns the current time from Deps.Now, or time.Now when unset.
func (c *Common) Now() time.Time {
	if c.Deps.Now == nil {
		return time.Now()
	}
	return c.Deps.Now()
}

// CanOpenURL reports whether a browser can be opened on this machine.
func (c *Common) CanOpenURL() bool { return c.Deps.OpenURL != nil }

// CanCopy reports whether copying to the clipboard is possible at all.
func (c *Common) CanCopy() bool { return c.Output != nil }
