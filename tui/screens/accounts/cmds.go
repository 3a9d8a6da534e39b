package accounts

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
)

// refreshedMsg ends an automatic matching pass.
type refreshedMsg struct {
	view workflow.MatchView
	err  error
}

// changedMsg ends one change a person asked for. mapping is the customer's
// mapping as saved (TenantID "" when nothing was saved); op says what was
// tried, for the error box; done is the status line on success.
type changedMsg struct {
	tenantID string
	mapping  reconcile.AccountMapping
	err      error
	op       string
	done     string
}

// The commands capture a context, the matcher and ids, never the model. The
// matcher takes no context: ctx only drops a result that arrives after quit.

func refresh(ctx context.Context, mt Matcher) tea.Cmd {
	return func() tea.Msg {
		v, err := mt.Refresh()
		if ctx.Err() != nil {
			return nil
		}
		return refreshedMsg{view: v, err: err}
	}
}

func setAccount(ctx context.Context, mt Matcher, tenantID string, side connectors.ConnectorKind, accountID, op, done string) tea.Cmd {
	return func() tea.Msg {
		m, err := mt.SetAccount(tenantID, side, accountID)
		if ctx.Err() != nil {
			return nil
		}
		return changedMsg{tenantID: tenantID, mapping: m, err: err, op: op, done: done}
	}
}

// confirmSides confirms the suggestion of each side in turn and stops at
// the first refusal; the mapping returned is the newest one saved.
func confirmSides(ctx context.Context, mt Matcher, tenantID string, sides []connectors.ConnectorKind, op, done string) tea.Cmd {
	return func() tea.Msg {
		msg := changedMsg{tenantID: tenantID, op: op, done: done}
		for _, side := range sides {
			m, err := mt.ConfirmAccount(tenantID, side)
			if m.TenantID != "" {
				msg.mapping = m
			}
			if err != nil {
				msg.err = err
				break
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		return msg
	}
}

func exclude(ctx context.Context, mt Matcher, tenantID string, excluded bool, op, done string) tea.Cmd {
	return func() tea.Msg {
		m, err := mt.Exclude(tenantID, excluded)
		if ctx.Err() != nil {
			return nil
		}
		return changedMsg{tenantID: tenantID, mapping: m, err: err, op: op, done: done}
	}
}
