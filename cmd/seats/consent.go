package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/x/ansi"
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

  --tenant X        one customer: its tenant id, any of its verified domains, or its exact name
  --all             every customer with GDAP Active or Expiring that is not Ready yet
  --method partner  uses your signed-in partner account through GDAP (Partner Center application
                    consent). Needs Privileged Role Administrator and Application Administrator in
                    the customer's GDAP relationship. Fastest with many customers.
  --method admin    prints a link for the customer's own admin to accept, then waits until the
                    consent shows.

Exit status: 0 when none failed, 3 when some failed, 1 on error, 2 on bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (o.tenant == "") == !o.all {
				return usageError{errors.New("give either --tenant (a tenant id, domain or customer name) or --all")}
			}
			var method connectors.ConsentMethod
			switch o.method {
			case "partner":
				method = connectors.ConsentByPartner
			case "admin":
				method = connectors.ConsentByAdmin
			case "":
				return usageError{errors.New("give --method partner (your partner account) or --method admin (the customer's admin)")}
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
				customers.Progress = (&syncPrinter{w: f.stderr}).step
				if _, err := customers.Refresh(ctx); err != nil {
					return err
				}
			}
			statuses, err := customers.Statuses()
			if err != nil {
				return err
			}
			var ids []string
			if o.tenant != "" {
				client, err := f.Microsoft(ctx)
				if err != nil {
					return err
				}
				st, err := workflow.FindCustomer(ctx, statuses, o.tenant, client)
				if err != nil {
					return err
				}
				ids = []string{st.TenantID}
				statuses = []connectors.CustomerStatus{st}
			}
			p := newConsentPrinter(f.stderr, statuses)
			onBefore := func(r workflow.ConsentResult) {
				if r.Warning != "" {
					p.warning(r)
					return
				}
				p.link(r)
				if o.tenant != "" {
					offerLink(f, r.ConsentURL)
				}
			}
			results, err := customers.ConsentMany(ctx, ids, method, 0, onBefore, p.result)
			if err != nil {
				return err
			}
			if results == nil {
				results = []workflow.ConsentResult{}
			}
			if o.json {
				if err := writeJSON(f.stdout, consentReport{Method: string(method), Results: results}); err != nil {
					return err
				}
			} else {
				printConsentReport(f.stderr, results)
			}
			for _, line := range consentNextSteps(results, method) {
				fmt.Fprintln(f.stderr, f.withFlags(line))
			}
			for _, r := range results {
				if r.Outcome == workflow.OutcomeFailed {
					return errPartial
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.tenant, "tenant", "", "one customer: its tenant id, a verified domain, or its exact name")
	cmd.Flags().BoolVar(&o.all, "all", false, "every customer with usable GDAP that is not Ready yet")
	cmd.Flags().StringVar(&o.method, "method", "", "partner (your partner account through GDAP) or admin (the customer's admin accepts a link)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the report as JSON on stdout")
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
		reason := r.Reason
		if reason == "" {
			reason = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.TenantID, r.Outcome, reason)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d consented, %d already Ready, %d skipped, %d failed.\n",
		counts[workflow.OutcomeConsented], counts[workflow.OutcomeAlreadyReady], counts[workflow.OutcomeSkipped], counts[workflow.OutcomeFailed])
}

// consentPrinter writes a consent's progress to stderr in columns: the
// outcome, the customer's name padded to the longest name, and the reason
// after a dash.
type consentPrinter struct {
	w     io.Writer
	width int // of the longest name
	total int // customers in the run
	done  int // results so far
}

func newConsentPrinter(w io.Writer, statuses []connectors.CustomerStatus) *consentPrinter {
	p := &consentPrinter{w: w, total: len(statuses)}
	for _, st := range statuses {
		p.width = max(p.width, runewidth(st.Name))
	}
	return p
}

// line prints one customer's line; results carry the count so far, so a
// long run shows how far it is ("[12/200]").
func (p *consentPrinter) line(label, name, text string, counted bool) {
	count := ""
	if counted && p.total > 1 {
		count = fmt.Sprintf("[%d/%d] ", p.done, p.total)
	}
	pad := strings.Repeat(" ", max(0, p.width-runewidth(name)))
	if text == "" {
		fmt.Fprintf(p.w, "  %s%-13s %s\n", count, label, name)
		return
	}
	fmt.Fprintf(p.w, "  %s%-13s %s%s  — %s\n", count, label, name, pad, text)
}

func (p *consentPrinter) warning(r workflow.ConsentResult) {
	p.line("warning", r.Name, r.Warning, false)
}

// result reports a customer that finished; the ones consented or failed
// get a line, with the count so far.
func (p *consentPrinter) result(r workflow.ConsentResult) {
	p.done++
	if r.Outcome == workflow.OutcomeConsented || r.Outcome == workflow.OutcomeFailed {
		p.line(string(r.Outcome), r.Name, r.Reason, true)
	}
}

// link hands out an Option A link whole, on a line of its own, so that a
// mouse selection copies all of it.
func (p *consentPrinter) link(r workflow.ConsentResult) {
	fmt.Fprintf(p.w, "Send this link to the admin of %s (seats waits until it is accepted; Ctrl+C stops waiting):\n%s\n", r.Name, r.ConsentURL)
}

// runewidth is the width of s in terminal cells.
func runewidth(s string) int { return ansi.StringWidth(s) }

// consentNextSteps says what to do after a consent: for the failed, what
// may work instead; then the next command.
func consentNextSteps(results []workflow.ConsentResult, method connectors.ConsentMethod) []string {
	var failed, lackRoles, ready int
	for _, r := range results {
		switch r.Outcome {
		case workflow.OutcomeFailed:
			failed++
			if r.Warning != "" {
				lackRoles++
			}
		case workflow.OutcomeConsented, workflow.OutcomeAlreadyReady:
			ready++
		}
	}
	var lines []string
	if lackRoles > 0 && method == connectors.ConsentByPartner {
		lines = append(lines, fmt.Sprintf("%d failed where the GDAP roles lack %s; try `seats consent --tenant ID --method admin` for them (the customer's admin accepts a link).",
			lackRoles, strings.Join(roleNames(connectors.ConsentRoles), " or ")))
	}
	if other := failed - lackRoles; other > 0 || (failed > 0 && method == connectors.ConsentByAdmin) {
		n := other
		if method == connectors.ConsentByAdmin {
			n = failed
		}
		lines = append(lines, fmt.Sprintf("%d failed: the REASON column says why; fix that, then run the same command again.", n))
	}
	if ready > 0 {
		lines = append(lines, fmt.Sprintf("Next: `seats sync` reads the licences of the Ready customers (%d here).", ready))
	} else if failed == 0 {
		lines = append(lines, "Next: `seats status` lists every customer with why it is not Ready.")
	}
	return lines
}

// roleNames are the display names of role template ids.
func roleNames(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = connectors.RoleName(id)
	}
	return out
}

// writeJSON prints v as indented JSON for scripts. Every list is `[]` when
// empty, never `null`, whichever command built it: scripts that loop over
// a list must not have to test for null first.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(emptyLists(v))
}
