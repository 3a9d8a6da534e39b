package products_test

import (
	"context"
	"os"
	"path/filepath"

	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/screens/products"
)

// Example shows how the root builds step 4: the matcher is the workflow's,
// over the store, the same one `seats map` uses.
func Example() {
	home, _ := os.MkdirTemp("", "seats-example")
	defer os.RemoveAll(home)
	st, err := store.Open(filepath.Join(home, "seats.db"), store.Options{})
	if err != nil {
		return
	}
	c := common.New(context.Background(), common.Deps{}, nil)
	screen := products.New(c, &workflow.Matching{Keep: st})
	// On a re-run, the summary's unmapped queue opens the step on what
	// still needs a person.
	screen.ShowToDo()
	_ = screen // handed to the root with the other screens
}
