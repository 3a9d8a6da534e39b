package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
)

type consentOptions struct {
	tenant string
	all    bool
	method string
	json   bool
}

func newConsentCmd(f *factory) *cobra.Command {
	var o consentOptions
	cmd := &cobra.Command{
		Use:   "consent (--tenant ID | --all) --method partner|admin",
		Short: "Consent seats into customer tenants so it can read their licences",
		Long: `Consent seats' application into customer tenants. A customer turns Ready when its GDAP
relationship is Active (or Expiring) and seats can read its licences.

  --method partner  uses your signed-in partner account through GDAP (Partner Center application
                    consent). Needs Privileged Role Administrator and Application Administrator in
                    the customer's GDAP relationship. Fastest with many customers.
  --method admin    prints a link for the customer's own admin to accept, then waits until the
                    consent shows.

--all tries every customer with GDAP Active or Expiring that is not Ready yet.
Exit status: 0 when none failed, 3 when some failed, 1 on error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (o.tenant == "") == !o.all {
				return usageError{errors.New("give either --tenant ID or --all")}
			}
			var method connectors.ConsentMethod
			switch o.method {
			case "partner":
				method = connectors.ConsentByPartner
			case "admin":
				method = connectors.ConsentByAdmin
			default:
				return usageError{fmt.Errorf("--method must be partner or admin, not %q", o.method)}
			}
			ctx := cmd.Context()
			customers, err := f.Customers(ctx)
			if err != nil {
				return err
			}
			// A customer list read within sync.customers_fresh_for is
			// used as it is; the states are read from the store anyway.
			if fresh, err := customers.Fresh(); err != nil {
				return err
			} else if !fresh {
				fmt.Fprintln(f.stderr, "Reading customers from Partner Center and GDAP relationships...")
				if _, err := customers.Refresh(ctx); err != nil {
					return err
				}
			}
			var ids []string
			if o.tenant != "" {
				ids = []string{o.tenant}
			}
			onBefore := func(r workflow.ConsentResult) {
				if r.Warning != "" {
					fmt.Fprintf(f.stderr, "  warning      %s: %s\n", r.Name, r.Warning)
					return
				}
				fmt.Fprintf(f.stderr, "Send this link to %s's admin (seats waits until it is accepted; Ctrl+C stops waiting):\n  %s\n", r.Name, r.ConsentURL)
				if o.tenant != "" {
					offerLink(f, r.ConsentURL)
				}
			}
			onResult := func(r workflow.ConsentResult) {
				if r.Outcome == workflow.OutcomeConsented || r.Outcome == workflow.OutcomeFailed {
					fmt.Fprintf(f.stderr, "  %-13s %s %s\n", r.Outcome, r.Name, r.Reason)
				}
			}
			results, err := customers.ConsentMany(ctx, ids, method, 0, onBefore, onResult)
			if err != nil {
				return err
			}
			if o.json {
				if err := writeJSON(f.stdout, consentReport{Method: string(method), Results: results}); err != nil {
					return err
				}
			} else {
				printConsentReport(f.stderr, results)
			}
			for _, r := range results {
				if r.Outcome == workflow.OutcomeFailed {
					return errPartial
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.tenant, "tenant", "", "the customer's tenant id")
	cmd.Flags().BoolVar(&o.all, "all", false, "every customer with usable GDAP that is not Ready yet")
	cmd.Flags().StringVar(&o.method, "method", "", "partner (your partner account through GDAP) or admin (the customer's admin accepts a link)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the report as JSON on stdout")
	_ = cmd.MarkFlagRequired("method")
	return cmd
}

// consentReport is the JSON shape of `seats consent --json`.
type consentReport struct {
	Method  string                   `json:"method"`
	Results []workflow.ConsentResult `json:"results"`
}

func printConsentReport(w io.Writer, results []workflow.ConsentResult) {
	counts := map[workflow.Outcome]int{}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CUSTOMER\tTENANT\tOUTCOME\tREASON")
	for _, r := range results {
		counts[r.Outcome]++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.TenantID, r.Outcome, r.Reason)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d consented, %d already Ready, %d skipped, %d failed.\n",
		counts[workflow.OutcomeConsented], counts[workflow.OutcomeAlreadyReady], counts[workflow.OutcomeSkipped], counts[workflow.OutcomeFailed])
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
