package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store/config"
)

// exitFindings is `seats reconcile --fail-on-findings`'s exit status when
// there are findings, documented in the README.
const exitFindings = 2

// errFindings marks a reconcile run that found something, with
// --fail-on-findings.
var errFindings = errors.New("findings")

// Reporting is the reconcile over the store with the configured settings.
func (f *factory) Reporting(ctx context.Context) (*workflow.Reporting, error) {
	cfg, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	st, err := f.Store()
	if err != nil {
		return nil, err
	}
	return &workflow.Reporting{Keep: st, Settings: reconcileSettings(cfg.Settings()), Kept: st, Build: build()}, nil
}

// build names this seats binary for the licence tables kept in seats.db:
// tables kept by another build (an upgrade, a rebuild), whose reconcile may
// differ, are computed afresh. Its version and revision where it was built
// with them, and the executable's size and time in every case.
func build() string {
	var parts []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		parts = append(parts, bi.Main.Version, bi.GoVersion)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				parts = append(parts, s.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			parts = append(parts, strconv.FormatInt(fi.Size(), 10), fi.ModTime().UTC().Format(time.RFC3339Nano))
		}
	}
	return strings.Join(parts, " ")
}

// reconcileSettings turns the configuration into reconcile's settings.
func reconcileSettings(s config.Settings) reconcile.Settings {
	return reconcile.Settings{
		BillingBasis:   reconcile.BillingBasis(s.Billing.Basis),
		IncludeTrials:  s.Billing.IncludeTrials,
		IncludeFree:    s.Billing.IncludeFree,
		Tolerance:      s.Reconcile.Tolerance,
		IgnoreProducts: s.Reconcile.IgnoreProducts,
	}
}

// formatFlag is a --format table|json|csv flag.
func formatFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "format", "", "table, json or csv (default: table)")
}

func checkFormat(format string) error {
	switch format {
	case "", "table", "json", "csv":
		return nil
	}
	return usageError{fmt.Errorf("--format %s: use table, json or csv", format)}
}

func newLicensesCmd(f *factory) *cobra.Command {
	var format, customer string
	cmd := &cobra.Command{
		Use:     "licenses",
		Aliases: []string{"licences"},
		Short:   "Per customer and SKU: enabled, assigned, unused, purchased, billed",
		Long: `Print the licence tables from the last sync: per customer and SKU, the licences enabled,
assigned and unused in the tenant, and per term what the distributor bills (purchased) and the
PSA bills the customer (billed), with unit cost and price per month. --format json and csv are
for scripts (stdout); the table is for people.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			r, err := f.Reporting(cmd.Context())
			if err != nil {
				return err
			}
			rep, _, err := r.Report()
			if err != nil {
				return err
			}
			if customer != "" {
				if rep, err = onlyCustomer(rep, customer); err != nil {
					return err
				}
			}
			switch format {
			case "json":
				return rep.WriteLicencesJSON(f.stdout)
			case "csv":
				return rep.WriteLicencesCSV(f.stdout)
			}
			printLicences(f.stdout, rep)
			if len(rep.Customers) == 0 {
				fmt.Fprintf(f.stderr, "No licences read yet. Run %s first.\n", f.hint("sync"))
			}
			return nil
		},
	}
	formatFlag(cmd, &format)
	cmd.Flags().StringVar(&customer, "customer", "", "only this customer: a name or tenant id")
	return cmd
}

// onlyCustomer keeps the one customer named by tenant id or exact name (any
// case), and its findings.
func onlyCustomer(rep reconcile.Report, who string) (reconcile.Report, error) {
	var keep []reconcile.CustomerLicences
	for _, c := range rep.Customers {
		if strings.EqualFold(c.TenantID, who) || strings.EqualFold(c.Name, who) {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return rep, usageError{fmt.Errorf("--customer %s: no customer with that name or tenant id has licence data", who)}
	}
	rep.Customers = keep
	var findings []reconcile.Finding
	for _, fd := range rep.Findings {
		if strings.EqualFold(fd.TenantID, keep[0].TenantID) {
			findings = append(findings, fd)
		}
	}
	rep.Findings = findings
	return rep, nil
}

func printLicences(w io.Writer, rep reconcile.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CUSTOMER\tPRODUCT\tTERM\tENABLED\tASSIGNED\tUNUSED\tPURCHASED\tBILLED\tUNIT COST\tUNIT PRICE\tRENEWS")
	for _, c := range rep.Customers {
		name := c.Name
		if c.Stale {
			name += " (stale)"
		}
		for _, s := range c.Skus {
			if len(s.Terms) == 0 {
				fmt.Fprintf(tw, "%s\t%s\t\t%d\t%d\t%d\t\t\t\t\t\n", name, s.Name, s.Enabled, s.Assigned, s.Unused)
				continue
			}
			for i, t := range s.Terms {
				en, as, un := "", "", ""
				if i == 0 {
					en, as, un = fmt.Sprint(s.Enabled), fmt.Sprint(s.Assigned), fmt.Sprint(s.Unused)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, s.Name, t.Term, en, as, un,
					optCount(t.Purchased), optCount(t.Billed), moneyCell(t.UnitCost), moneyCell(t.UnitPrice), dateCell(t.RenewalDate.IsZero(), t.RenewalDate.Format("2006-01-02")))
			}
		}
		for _, m := range c.Missing {
			fmt.Fprintf(tw, "%s\t  %s\t\t\t\t\t\t\t\t\t\n", name, m)
		}
	}
	tw.Flush()
}

func optCount(p *int) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprint(*p)
}

func moneyCell(m connectors.Money) string {
	if !m.Known() {
		return "—"
	}
	return m.String()
}

func dateCell(zero bool, s string) string {
	if zero {
		return "—"
	}
	return s
}

func newReconcileCmd(f *factory) *cobra.Command {
	var format string
	var failOnFindings bool
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "List the findings: unused licences, under- and over-billing, seats not billed",
		Long: `Compare Microsoft, the distributor and the PSA as of the last sync and list what needs
attention, with the money per month and where each number came from. With --fail-on-findings
the exit status is 2 when there are findings (0 when none), for monitoring.

'seats reconcile plan' turns the billing findings into PSA changes to review; 'seats reconcile
apply PLAN' writes them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			r, err := f.Reporting(cmd.Context())
			if err != nil {
				return err
			}
			rep, _, err := r.Report()
			if err != nil {
				return err
			}
			switch format {
			case "json":
				err = rep.WriteFindingsJSON(f.stdout)
			case "csv":
				err = rep.WriteFindingsCSV(f.stdout)
			default:
				printFindings(f.stdout, f.stderr, rep)
			}
			if err != nil {
				return err
			}
			if failOnFindings && len(rep.Findings) > 0 {
				return errFindings
			}
			return nil
		},
	}
	formatFlag(cmd, &format)
	cmd.Flags().BoolVar(&failOnFindings, "fail-on-findings", false, "exit 2 when there are findings")
	cmd.AddCommand(newPlanCmd(f), newApplyCmd(f))
	return cmd
}

func printFindings(out, msgs io.Writer, rep reconcile.Report) {
	if len(rep.Findings) == 0 {
		fmt.Fprintln(msgs, "No findings.")
	} else {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FINDING\tCUSTOMER\tPRODUCT\tTERM\tQTY\tPER MONTH\tFROM\tDETAIL")
		for _, fd := range rep.Findings {
			from := ""
			if !fd.ActionableFrom.IsZero() {
				from = fd.ActionableFrom.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", fd.Kind, fd.Customer, fd.Product, fd.Term, fd.Quantity, moneyCell(fd.MonthlyAmount), from, fd.Detail)
		}
		tw.Flush()
	}
	for _, t := range rep.Totals {
		fmt.Fprintf(msgs, "%s: money found %s per month (under-billed %s, not billed %s, unused %s); owed back %s\n",
			t.Currency, t.MoneyFound.Decimal(), t.UnderBilled.Decimal(), t.NotBilled.Decimal(), t.UnusedCost.Decimal(), t.OwedBack.Decimal())
	}
	u := rep.Unmapped
	if u.Accounts+u.Products+u.DistributorSkus > 0 {
		fmt.Fprintf(msgs, "Not counted until matched: %d customers, %d products, %d distributor products (seats map; or the wizard).\n",
			u.Accounts, u.Products, u.DistributorSkus)
	}
}

func newPlanCmd(f *factory) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Turn the billing findings into PSA quantity changes to review (-o plan.json)",
		Long: `Write the PSA changes that fix under- and over-billing: per change the customer, product and
term, the PSA line, the old and new quantity, when it takes effect and the money per month. Lines
that are needed but missing are listed for a person to add. Without -o the plan is printed for
people; with -o it is written as JSON for 'seats reconcile apply'. Making a plan writes nothing
to the PSA and is allowed while psa.write_enabled is off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := f.makePlan(cmd.Context())
			if err != nil {
				return err
			}
			if out == "" {
				fmt.Fprint(f.stdout, p.Text())
				return nil
			}
			file, err := os.OpenFile(out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
			if err != nil {
				return fmt.Errorf("could not write the plan: %w", err)
			}
			if err := p.WriteJSON(file); err != nil {
				file.Close()
				return err
			}
			if err := file.Close(); err != nil {
				return err
			}
			fmt.Fprintf(f.stderr, "Wrote %s: %d change(s), %d line(s) to add by hand.\nReview it, then: %s\n", out, len(p.Changes), len(p.NewLines), f.hint("reconcile apply "+quoteArg(out)))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the plan as JSON to FILE")
	return cmd
}

// makePlan plans with the configured PSA's timing and effective date.
func (f *factory) makePlan(ctx context.Context) (reconcile.Plan, error) {
	cfg, err := f.loadConfig()
	if err != nil {
		return reconcile.Plan{}, err
	}
	s := cfg.Settings()
	k, ok, err := configuredSource(cfg, connectors.KindPSA)
	if err != nil {
		return reconcile.Plan{}, err
	}
	if !ok {
		return reconcile.Plan{}, fmt.Errorf("no PSA is connected: run %s first", f.hint("connect psa"))
	}
	r, err := f.Reporting(ctx)
	if err != nil {
		return reconcile.Plan{}, err
	}
	st, err := f.Store()
	if err != nil {
		return reconcile.Plan{}, err
	}
	home, err := st.HomeID()
	if err != nil {
		return reconcile.Plan{}, err
	}
	return r.Plan(workflow.PlanOptions{HomeID: home, PSAKind: k.name, Timing: k.timing, EffectiveDate: s.EffectiveDateOn(time.Now())})
}
