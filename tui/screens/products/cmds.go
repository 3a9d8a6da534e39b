package products

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
)

// refreshedMsg ends an automatic matching pass.
type refreshedMsg struct {
	view workflow.MatchView
	err  error
}

// productSetMsg ends a person's match of one (SKU, term). op says what was
// tried, for the error box; done is the status line on success.
type productSetMsg struct {
	match reconcile.ProductMatch
	err   error
	op    string
	done  string
}

// tiedMsg ends a person's tie of a distributor product to a SKU.
type tiedMsg struct {
	tie  reconcile.SkuTie
	err  error
	op   string
	done string
}

// The commands capture a context, the matcher and keys, never the model.
// The matcher takes no context: ctx only drops a result that arrives after
// quit.

func refresh(ctx context.Context, mt Matcher) tea.Cmd {
	return func() tea.Msg {
		v, err := mt.Refresh()
		if ctx.Err() != nil {
			return nil
		}
		return refreshedMsg{view: v, err: err}
	}
}

func setProduct(ctx context.Context, mt Matcher, key reconcile.ProductKey, itemID, op, done string) tea.Cmd {
	return func() tea.Msg {
		p, err := mt.SetProduct(key, itemID)
		if ctx.Err() != nil {
			return nil
		}
		return productSetMsg{match: p, err: err, op: op, done: done}
	}
}

func tieSku(ctx context.Context, mt Matcher, productID, skuID, op, done string) tea.Cmd {
	return func() tea.Msg {
		t, err := mt.TieSku(productID, skuID)
		if ctx.Err() != nil {
			return nil
		}
		return tiedMsg{tie: t, err: err, op: op, done: done}
	}
}
