package settings

import (
	"context"
	"maps"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// savedMsg ends a save; changes are what was saved.
type savedMsg struct {
	gen     int
	changes map[string]any
	err     error
}

// formMsg carries a message of huh's back to the form that asked: a
// message of a form since replaced is dropped.
type formMsg struct {
	gen int
	msg tea.Msg
}

// saveSettings runs save off the UI goroutine. It captures the function
// and the changes, never the model. ctx only lets a quit drop the result.
func saveSettings(ctx context.Context, save SaveFunc, changes map[string]any, gen int) tea.Cmd {
	return func() tea.Msg {
		err := save(maps.Clone(changes)) // what the save does to its map is not what was saved
		if ctx.Err() != nil {
			return nil
		}
		return savedMsg{gen: gen, changes: changes, err: err}
	}
}

// routeForm addresses the messages of cmd, a command from huh, to the form
// gen of the screen. A batch is opened and each of its commands routed, so
// that Bubble Tea still runs them.
func routeForm(screen common.ScreenID, gen int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, 0, len(msg))
			for _, c := range msg {
				if c != nil {
					out = append(out, routeForm(screen, gen, c))
				}
			}
			return out
		default:
			return common.ScreenMsg{To: screen, Msg: formMsg{gen: gen, msg: msg}}
		}
	}
}
