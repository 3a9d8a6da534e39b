package common

import tea "github.com/charmbracelet/bubbletea"

// Serial runs a screen's calls one at a time, in the order they were asked
// for, so that their results arrive, and show, in the order the keys were
// pressed. The zero Serial is ready; it belongs to one screen's model.
type Serial struct {
	busy  bool
	queue []tea.Cmd
}

// Run starts cmd for screen now, or once the call in flight has answered
// (see Next).
func (s *Serial) Run(screen ScreenID, cmd tea.Cmd) tea.Cmd {
	if s.busy {
		s.queue = append(s.queue, cmd)
		return nil
	}
	s.busy = true
	return ForScreen(screen, cmd)
}

// Next is called with every answer of a call Run started: it starts the
// next queued call, if any.
func (s *Serial) Next(screen ScreenID) tea.Cmd {
	s.busy = false
	if len(s.queue) == 0 {
		return nil
	}
	cmd := s.queue[0]
	s.queue = s.queue[1:]
	return s.Run(screen, cmd)
}

// Busy reports whether a call is out.
func (s *Serial) Busy() bool { return s.busy }

// Idle reports whether no call is out and none waits.
func (s *Serial) Idle() bool { return !s.busy && len(s.queue) == 0 }
