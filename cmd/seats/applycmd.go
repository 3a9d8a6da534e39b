package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
)

func newApplyCmd(f *factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply PLAN",
		Short: "Write a reviewed plan's quantity changes to the PSA",
		Long: `Apply a plan made by 'seats reconcile plan -o PLAN': show it, ask, then change each PSA line.
Each line is read again first and skipped, with the reason, if it no longer holds the planned old
quantity. The whole plan is refused if it belongs to another home, has an unknown schema, or a
newer sync changed the numbers it was computed from (make a new plan). Every write is recorded
(seats audit). Nothing is written while psa.write_enabled is off.

Exit status: 0 every change applied; 3 some were skipped or failed; 1 error.`,
		Args: exactArgs(1, "give the plan file: seats reconcile apply PLAN (make one with seats reconcile plan -o PLAN)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd.Context(), f, args[0], yes)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "apply without asking (for scripts)")
	return cmd
}

func runApply(ctx context.Context, f *factory, path string, yes bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("could not read the plan: %w", err)
	}
	plan, err := reconcile.ParsePlan(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return err
	}
	if !cfg.Settings().PSA.WriteEnabled {
		return fmt.Errorf("psa.write_enabled is off, so seats writes nothing to the PSA: turn it on in the wizard's Settings step, or set psa.write_enabled: true in %s (or SEATS_PSA_WRITE_ENABLED=true), then apply again", cfg.File())
	}
	psa, kind, ok, err := f.PSA(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no PSA is connected: run %s first", f.hint("connect psa"))
	}
	if plan.PSAKind != "" && plan.PSAKind != kind {
		return fmt.Errorf("%w: it was made for %s, and this home's PSA is %s", workflow.ErrPlanRefused, plan.PSAKind, kind)
	}
	writer, ok := psa.(connectors.QuantityWriter)
	if !ok {
		return fmt.Errorf("seats cannot write to %s", kind)
	}
	st, err := f.Store()
	if err != nil {
		return err
	}
	who := workflow.Who{OSUser: osUser()}
	if acct, ok, _ := st.Account(); ok {
		who.MicrosoftAccount = acct.Username
	}
	applier := &workflow.Applier{PSA: writer, PSAKind: kind, Keep: st, Who: who}

	// First settle what an interrupted run left: never write a line twice.
	settled, err := applier.Resolve(ctx)
	for _, w := range settled {
		fmt.Fprintf(f.stderr, "Settled an interrupted change: %s, %s: %s (%s)\n", w.Customer, w.Product, w.Outcome, w.Reason)
	}
	if err != nil {
		return err
	}

	r, err := f.Reporting(ctx)
	if err != nil {
		return err
	}
	home, err := st.HomeID()
	if err != nil {
		return err
	}
	if err := r.CheckPlan(plan, home, st); err != nil {
		return err
	}
	if len(plan.Changes) == 0 {
		fmt.Fprintln(f.stderr, "The plan has no changes to apply.")
		return nil
	}
	fmt.Fprint(f.stderr, plan.Text())
	if !yes {
		if !isTerminal(f.stdin) {
			return usageError{errors.New("apply writes to your PSA: confirm with --yes when there is no terminal to ask")}
		}
		fmt.Fprintf(f.stderr, "\nApply %d change(s) to %s? Type yes to go on: ", len(plan.Changes), displayName(sourceKind{name: kind}))
		answer, _ := bufio.NewReader(f.stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(answer)) != "yes" {
			fmt.Fprintln(f.stderr, "Nothing applied.")
			return nil
		}
	}
	results, err := applier.Apply(ctx, plan, nil, func(done, total int, res workflow.ApplyResult) {
		fmt.Fprintf(f.stderr, "[%d/%d] %s, %s: %s\n", done, total, res.Change.Customer, res.Change.Product, res.Outcome)
	})
	printApplyResults(f, results)
	if err != nil {
		return err
	}
	for _, res := range results {
		if res.Outcome != connectors.WriteApplied {
			return errPartial
		}
	}
	fmt.Fprintf(f.stderr, "Every change applied. %s reads the PSA again; %s lists what was written.\n", f.hint("sync"), f.hint("audit"))
	return nil
}

func printApplyResults(f *factory, results []workflow.ApplyResult) {
	if len(results) == 0 {
		return
	}
	tw := tabwriter.NewWriter(f.stderr, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nCUSTOMER\tPRODUCT\tLINE\tCHANGE\tOUTCOME")
	for _, r := range results {
		outcome := string(r.Outcome)
		if r.Reason != "" {
			outcome += " — " + r.Reason
		}
		c := r.Change
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d -> %d\t%s\n", c.Customer, c.Product, c.Line.LineID, c.OldQuantity, c.NewQuantity, outcome)
	}
	tw.Flush()
}
