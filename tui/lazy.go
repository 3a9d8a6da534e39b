package tui

import (
	"errors"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// Lazy is a step whose screen is built when it is first entered, not when
// the wizard starts: the steps before it (the distributor and PSA chosen,
// the settings saved) decide what it needs, and they may change in the same
// run. Until then it shows nothing and its gate is closed.
func Lazy(id common.ScreenID, build func() common.Screen) common.Screen {
	return &lazyScreen{id: id, build: build}
}

type lazyScreen struct {
	id            common.ScreenID
	build         func() common.Screen
	s             common.Screen
	width, height int
}

var errNotStarted = errors.New("this step has not started yet")

func (l *lazyScreen) Init() tea.Cmd {
	if l.s == nil {
		l.s = l.build()
		l.s.SetSize(l.width, l.height)
	}
	return l.s.Init()
}

func (l *lazyScreen) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if l.s == nil {
		return l, nil
	}
	var cmd tea.Cmd
	l.s, cmd = l.s.Update(msg)
	return l, cmd
}

func (l *lazyScreen) View() string {
	if l.s == nil {
		return ""
	}
	return l.s.View()
}

func (l *lazyScreen) SetSize(width, height int) {
	l.width, l.height = width, height
	if l.s != nil {
		l.s.SetSize(width, height)
	}
}

func (l *lazyScreen) ShortHelp() []key.Binding {
	if l.s == nil {
		return nil
	}
	return l.s.ShortHelp()
}

func (l *lazyScreen) FullHelp() [][]key.Binding {
	if l.s == nil {
		return nil
	}
	return l.s.FullHelp()
}

func (l *lazyScreen) Gate() error {
	if l.s == nil {
		return errNotStarted
	}
	return l.s.Gate()
}

func (l *lazyScreen) ID() common.ScreenID { return l.id }

func (l *lazyScreen) Typing() bool { return l.s != nil && l.s.Typing() }

// QuitWarning passes the built screen's warning on (common.QuitGuard).
func (l *lazyScreen) QuitWarning() string {
	if g, ok := l.s.(common.QuitGuard); ok {
		return g.QuitWarning()
	}
	return ""
}
