package picker

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func TestPickerSearchesMovesAndPicks(t *testing.T) {
	t.Parallel()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	st := c.Styles
	opts := []Option{
		{ID: "", Label: "No Pax8 account", Search: "no none pax8"},
		{ID: "2", Label: "Northwind Traders", Search: "northwind traders 2"},
		{ID: "3", Label: "Contoso Ltd", Marks: []string{"inactive"}, Search: "contoso ltd 3"},
	}
	SortOptions(opts[1:])
	if opts[1].Label != "Contoso Ltd" {
		t.Fatalf("sorted: %+v", opts)
	}
	p := New(st, "Pick the Pax8 account", "name or id", opts, "3")
	if o, ok := p.Selected(); !ok || o.ID != "3" {
		t.Fatalf("starts on %+v, want the current match", o)
	}
	for _, r := range "north" {
		p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	if p.Query() != "north" || p.Shown() != 1 {
		t.Fatalf("query %q shows %d", p.Query(), p.Shown())
	}
	if o, _ := p.Selected(); o.ID != "2" {
		t.Errorf("after the search: %+v", o)
	}
	v := ansi.Strip(p.View(st, 60, 10))
	if !strings.Contains(v, "Northwind Traders") || strings.Contains(v, "Contoso") {
		t.Errorf("view:\n%s", v)
	}
	if !MatchesWords("northwind traders", []string{"trad", "north"}) || MatchesWords("contoso", []string{"north"}) {
		t.Error("MatchesWords")
	}
}

// The keys of an open picker: arrows move, enter chooses, esc cancels, and
// anything else narrows the search.
func TestHandleKey(t *testing.T) {
	t.Parallel()
	c, _ := tuitest.NewCommon(t, common.Deps{})
	st := c.Styles
	opts := []Option{{ID: "1", Label: "Contoso", Search: "contoso"}, {ID: "2", Label: "Fabrikam", Search: "fabrikam"}}
	p := New(st, "Pick", "name", opts, "")
	k := DefaultKeyMap()
	if act, _ := p.HandleKey(k, tea.KeyMsg{Type: tea.KeyDown}); act != ActionNone {
		t.Errorf("down: %v", act)
	}
	if o, _ := p.Selected(); o.ID != "2" {
		t.Errorf("after down the cursor is on %q, want 2", o.ID)
	}
	if act, _ := p.HandleKey(k, tea.KeyMsg{Type: tea.KeyEnter}); act != ActionChoose {
		t.Errorf("enter: %v, want choose", act)
	}
	if act, _ := p.HandleKey(k, tea.KeyMsg{Type: tea.KeyEsc}); act != ActionCancel {
		t.Errorf("esc: %v, want cancel", act)
	}
	p.HandleKey(k, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("con")})
	if p.Query() != "con" || p.Shown() != 1 {
		t.Errorf("typing: query %q, %d shown; want con and 1", p.Query(), p.Shown())
	}
}
