package common

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
)

// NextMsg asks the root to go forward from the screen From. Screens send it
// when the user presses Continue; the root checks From's Gate first and says
// why when it refuses.
type NextMsg struct{ From ScreenID }

// BackMsg asks the root to go back from the screen From to the previous step
// that can be entered.
type BackMsg struct{ From ScreenID }

// Next returns a command that sends NextMsg{From: from}.
func Next(from ScreenID) tea.Cmd { return func() tea.Msg { return NextMsg{From: from} } }

// Back returns a command that sends BackMsg{From: from}.
func Back(from ScreenID) tea.Cmd { return func() tea.Msg { return BackMsg{From: from} } }

// ErrMsg reports that an operation failed. The root shows it in the error
// box (what failed, why, what to do) and also delivers it to Screen, whether
// or not that screen is in front, so that it can stop waiting. It never
// quits the program.
type ErrMsg struct {
	Screen ScreenID // the screen whose work failed
	Op     string   // what failed, as people say it: "Load customers"
	Err    error    // why; classified with connectors.KindOf
}

// Error makes ErrMsg usable where an error is expected (tests, logs).
func (e ErrMsg) Error() string {
	if e.Err == nil {
		return e.Op
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e ErrMsg) Unwrap() error { return e.Err }

// ReportError returns a command that sends ErrMsg{screen, op, err}.
func ReportError(screen ScreenID, op string, err error) tea.Cmd {
	return func() tea.Msg { return ErrMsg{Screen: screen, Op: op, Err: err} }
}

// ScreenMsg carries the result of a screen's background work back to that
// screen. The root unwraps it and hands Msg to the screen To even when
// another screen is in front, so that work started on one step is never
// lost by moving to another.
type ScreenMsg struct {
	To  ScreenID
	Msg tea.Msg
}

// ForScreen wraps cmd so that its message comes back as ScreenMsg{to, msg}.
// ErrMsg, status and task messages pass through unwrapped, since the root
// handles them itself. A nil cmd stays nil.
func ForScreen(to ScreenID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		switch msg.(type) {
		case nil:
			return nil
		case ErrMsg, StatusMsg, TaskStartMsg, TaskProgressMsg, TaskDoneMsg, CopyMsg, NextMsg, BackMsg:
			return msg
		}
		return ScreenMsg{To: to, Msg: msg}
	}
}

// Level says how a status line reads: its marker and colour.
type Level int

// The status levels. Every level has a text marker as well as a colour, so
// that NO_COLOR terminals still tell them apart.
const (
	LevelInfo Level = iota
	LevelSuccess
	LevelWarning
	LevelFailure
)

// Marker is the level's text marker.
func (l Level) Marker() string {
	switch l {
	case LevelSuccess:
		return "✓"
	case LevelWarning:
		return "!"
	case LevelFailure:
		return "✗"
	default:
		return "·"
	}
}

// StatusMsg shows a short transient line in the status bar; it clears
// itself after a few seconds.
type StatusMsg struct {
	Text  string
	Level Level
}

// Status returns a command that sends StatusMsg{text, level}.
func Status(level Level, text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Level: level} }
}

// TaskStartMsg shows a running task in the status bar: with a spinner, or
// with a progress bar when Total > 0. ID must be unique among running tasks;
// prefix it with the screen ("consent/refresh").
type TaskStartMsg struct {
	ID    string
	Label string
	Total int
}

// TaskProgressMsg moves a task's progress bar to Done of Total.
type TaskProgressMsg struct {
	ID    string
	Done  int
	Total int
}

// TaskDoneMsg ends a task and shows Result for a few seconds (nothing when
// Result is empty).
type TaskDoneMsg struct {
	ID     string
	Result string
	Level  Level
}

// StartTask returns a command that sends TaskStartMsg.
func StartTask(id, label string, total int) tea.Cmd {
	return func() tea.Msg { return TaskStartMsg{ID: id, Label: label, Total: total} }
}

// TaskProgress returns a command that sends TaskProgressMsg.
func TaskProgress(id string, done, total int) tea.Cmd {
	return func() tea.Msg { return TaskProgressMsg{ID: id, Done: done, Total: total} }
}

// EndTask returns a command that sends TaskDoneMsg.
func EndTask(id string, level Level, result string) tea.Cmd {
	return func() tea.Msg { return TaskDoneMsg{ID: id, Result: result, Level: level} }
}

// CopyMsg asks the root to put Text on the clipboard. The root writes an
// OSC 52 sequence to the program's output, which works over SSH and in tmux;
// What names the copied thing in the status line ("code", "link").
type CopyMsg struct {
	Text string
	What string
}

// Copy returns a command that sends CopyMsg{text, what}.
func Copy(text, what string) tea.Cmd {
	return func() tea.Msg { return CopyMsg{Text: text, What: what} }
}

// OpenStepMsg asks the root to bring a step to the front (from the
// summary a set-up home opens on). ToDo asks the step to show what still
// needs a person first (see ToDoShower).
type OpenStepMsg struct {
	Step ScreenID
	ToDo bool
}

// ToDoShower is a step that can narrow itself to what still needs a
// person (the unmapped queue).
type ToDoShower interface{ ShowToDo() }

// SourcesChangedMsg says the distributor or PSA chosen in step 1 changed:
// the Connect step builds its forms for the new choice.
type SourcesChangedMsg struct{}
