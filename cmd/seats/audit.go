package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
)

// auditReport is the JSON shape of `seats audit --json`.
type auditReport struct {
	Writes []connectors.PSAWrite `json:"writes"`
}

func newAuditCmd(f *factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "List every change seats made, skipped or failed in the PSA, newest first",
		Long: `List the PSA audit log, newest first: when, who (the operating-system user and the signed-in
Microsoft account), the PSA line, the quantity before and after, and the outcome. A write still
"pending" was interrupted before its outcome was known; the next 'seats reconcile apply'
re-reads the line to settle it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := f.Store()
			if err != nil {
				return err
			}
			writes, err := st.PSAWrites(false)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.stdout, auditReport{Writes: writes})
			}
			printAudit(f.stderr, writes)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the audit log as JSON on stdout")
	return cmd
}

func printAudit(w io.Writer, writes []connectors.PSAWrite) {
	if len(writes) == 0 {
		fmt.Fprintln(w, "No PSA changes yet. Make a plan with: seats reconcile plan")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tWHO\tCUSTOMER\tPRODUCT\tLINE\tBEFORE\tAFTER\tOUTCOME")
	for _, wr := range writes {
		who := wr.OSUser
		if wr.MicrosoftAccount != "" {
			who += " (" + wr.MicrosoftAccount + ")"
		}
		outcome := string(wr.Outcome)
		if wr.Reason != "" {
			outcome += " — " + wr.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/%s/%s\t%d\t%d\t%s\n",
			wr.StartedAt.Local().Format(time.DateTime), who, wr.Customer, wr.Product,
			wr.Line.CompanyID, wr.Line.AgreementID, wr.Line.LineID, wr.Before, wr.After, outcome)
	}
	tw.Flush()
}
