package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
)

func newSyncCmd(f *factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Read the licences of every Ready customer",
		Long: `Re-check GDAP and consent, then read subscribed SKUs, subscriptions and users (with their
licences) of every Ready customer, sync.concurrency tenants at a time. A tenant that fails keeps
its previous data, marked stale with the reason; a customer that stopped working turns Lost.
Progress goes to stderr; --json prints the report on stdout.
Exit status: 0 when all tenants were read, 3 when some failed, 1 on error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			customers, err := f.Customers(ctx)
			if err != nil {
				return err
			}
			cfg, err := f.Config(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(f.stderr, "Checking customers and GDAP...")
			rep, syncErr := customers.Sync(ctx, cfg.Settings().Sync.Concurrency, func(done, total int, r workflow.SyncResult) {
				mark := "ok"
				if !r.OK {
					mark = "FAILED: " + r.Error
				}
				fmt.Fprintf(f.stderr, "[%d/%d] %s %s\n", done, total, r.Name, mark)
			})
			st, err := f.Store()
			if err != nil {
				return err
			}
			run := store.SyncRun{Kind: "microsoft", StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt, Tenants: rep.Tenants, Failed: rep.Failed}
			if syncErr != nil {
				run.Error = syncErr.Error()
			}
			if !rep.StartedAt.IsZero() {
				if _, err := st.AddSyncRun(run); err != nil {
					return err
				}
			}
			if asJSON {
				if err := writeJSON(f.stdout, rep); err != nil {
					return err
				}
			}
			if syncErr != nil {
				return syncErr
			}
			fmt.Fprintf(f.stderr, "Read %d of %d Ready customers.\n", rep.Succeeded, rep.Tenants)
			if rep.Failed > 0 {
				return errPartial
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the sync report as JSON on stdout")
	return cmd
}
