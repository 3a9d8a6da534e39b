package common

import (
	"io"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
)

// LockedOutput is the program's output shared by Bubble Tea's renderer and
// the root's clipboard copies, which write OSC 52 from a command on another
// goroutine. Every Write holds one lock, so a sequence written by a command
// never lands inside a frame the renderer is writing.
//
// Wrap the output once (New does) and give the same writer to the program
// (ProgramOutput) and to anything else that writes to the terminal.
type LockedOutput struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p to the output while holding the lock.
func (l *LockedOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// terminalFile is what Bubble Tea looks for in its output (x/term.File) to
// read the terminal's size and follow its resizes.
type terminalFile interface {
	io.ReadWriteCloser
	Fd() uintptr
}

// lockedTerminal is a LockedOutput over a file: it keeps Fd, Read and Close
// so that Bubble Tea still sees a terminal behind the lock.
type lockedTerminal struct {
	*LockedOutput
	file terminalFile
}

func (t lockedTerminal) Read(p []byte) (int, error) { return t.file.Read(p) }
func (t lockedTerminal) Close() error               { return t.file.Close() }
func (t lockedTerminal) Fd() uintptr                { return t.file.Fd() }

// LockOutput wraps w in a LockedOutput. A file (a terminal) stays a file
// for Bubble Tea: the result has its Fd, Read and Close. Nil stays nil, and
// a writer already locked is returned as it is.
func LockOutput(w io.Writer) io.Writer {
	switch w := w.(type) {
	case nil:
		return nil
	case *LockedOutput, lockedTerminal:
		return w
	case terminalFile:
		return lockedTerminal{LockedOutput: &LockedOutput{w: w}, file: w}
	}
	return &LockedOutput{w: w}
}

// ProgramOutput is the option that makes the program draw to c.Output,
// through the same lock as the clipboard copies. Use it instead of
// tea.WithOutput(stdout), which would bypass the lock:
//
//	tea.NewProgram(tui.New(c, o), tea.WithAltScreen(), c.ProgramOutput())
//
// When c.Output is nil the option changes nothing (Bubble Tea draws to
// stdout, and copying is off).
func (c *Common) ProgramOutput() tea.ProgramOption {
	if c.Output == nil {
		return func(*tea.Program) {}
	}
	return tea.WithOutput(c.Output)
}
