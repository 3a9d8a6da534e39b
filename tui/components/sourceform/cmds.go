package sourceform

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
)

// testedMsg ends a test call. It carries no values: the model still holds
// them, and a message is no place for a secret.
type testedMsg struct {
	id      string
	gen     int
	summary string
	err     error
}

// savedMsg ends the save that follows a passed test.
type savedMsg struct {
	id      string
	gen     int
	summary string
	err     error
}

// formMsg carries a message of huh's back to the form that asked for it:
// the host forwards every message to every form it holds, and huh's own
// messages carry no owner.
type formMsg struct {
	id  string
	gen int
	msg tea.Msg
}

// The commands below capture what they need (context, the injected
// function, ids, values), never the model: they run on other goroutines.

func runTest(ctx context.Context, test TestFunc, id string, gen int, values, secrets map[string]string) tea.Cmd {
	return func() tea.Msg {
		summary, err := test(ctx, values, secrets)
		return testedMsg{id: id, gen: gen, summary: summary, err: err}
	}
}

// runSave takes no context: the engineer cannot cancel a save (it is quick,
// and half a save would leave the settings and the secret out of step).
func runSave(save SaveFunc, id string, gen int, summary string, values, secrets map[string]string) tea.Cmd {
	return func() tea.Msg {
		return savedMsg{id: id, gen: gen, summary: summary, err: save(values, secrets)}
	}
}

// routeForm addresses the messages of cmd, a command from huh, to the form
// id/gen in the screen hosting it. A batch is opened and each of its
// commands routed, so that Bubble Tea still runs them.
func routeForm(screen common.ScreenID, id string, gen int, cmd tea.Cmd) tea.Cmd {
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
					out = append(out, routeForm(screen, id, gen, c))
				}
			}
			return out
		default:
			return common.ScreenMsg{To: screen, Msg: formMsg{id: id, gen: gen, msg: msg}}
		}
	}
}
