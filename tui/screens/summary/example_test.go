package summary_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/screens/summary"
)

// Example shows how the root builds the summary a re-run opens on: the
// counts come from what the store holds (UnmappedFrom counts the mappings
// as the matching steps do), the changes from the previous run's record,
// and a sync is a function that returns the new data. The root answers
// OpenMsg by opening that step (with ShowToDo for the unmapped queue).
func Example() {
	mappings := reconcile.Mappings{Accounts: []reconcile.AccountMapping{
		{TenantID: "t-1", Customer: "Contoso", Distributor: reconcile.HandMatch("p-1", "Contoso"), PSA: reconcile.HandMatch("c-1", "Contoso")},
		{TenantID: "t-2", Customer: "Fabrikam", Distributor: reconcile.AccountMatch{State: reconcile.StateUnmapped}},
	}}
	data := summary.Data{
		Distributor: "Pax8", PSA: "ConnectWise PSA",
		Customers: 2, Ready: 2,
		Unmapped: summary.UnmappedFrom(mappings, true, true),
		Since:    summary.SinceLastRun{LastRun: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), NewCustomers: []string{"Fabrikam"}},
	}
	c := common.New(context.Background(), common.Deps{}, nil)
	screen := summary.New(c, summary.Options{
		ID:   common.ScreenNone, // the root files it under an id of its own
		Data: data,
		Sync: func(ctx context.Context) (summary.Data, error) { return data, nil },
	})
	fmt.Println(screen.Data().Unmapped.Accounts, "customer to match")
	// Output: 1 customer to match
}
