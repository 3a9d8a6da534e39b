package pick

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
)

// savedMsg ends a save of the choice. gen ties it to the save that asked.
type savedMsg struct {
	gen         int
	distributor string
	psa         string
	err         error
}

// saveChoice runs save off the UI goroutine. It captures the function and
// the values, never the model. ctx only lets a quit drop the result: save
// itself is quick and takes no context.
func saveChoice(ctx context.Context, save SaveFunc, distributor, psa string, gen int) tea.Cmd {
	return func() tea.Msg {
		err := save(distributor, psa)
		if ctx.Err() != nil {
			return nil
		}
		return savedMsg{gen: gen, distributor: distributor, psa: psa, err: err}
	}
}
