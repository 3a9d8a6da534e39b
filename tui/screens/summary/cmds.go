package summary

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
)

// syncedMsg ends a sync. gen ties it to the sync that asked.
type syncedMsg struct {
	gen  int
	data Data
	err  error
}

// runSync runs sync off the UI goroutine. It captures the function and the
// context, never the model.
func runSync(ctx context.Context, sync SyncFunc, gen int) tea.Cmd {
	return func() tea.Msg {
		d, err := sync(ctx)
		return syncedMsg{gen: gen, data: d, err: err}
	}
}
