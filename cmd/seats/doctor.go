package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/workflow"
)

// errNotReady ends a doctor run with a failed check.
var errNotReady = fmt.Errorf("some checks failed")

func newDoctorCmd(f *factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that seats is ready to work, and say how to fix what is not",
		Long: `Check, in order: the application id is set and the application has its permissions; someone is
signed in, with Partner Center's Admin Agent role; GDAP relationships exist, and how many carry the
roles partner consent needs; this machine's clock agrees with Microsoft's; TLS works to each host.
Every line that is not ok says how to fix it. Exit status: 0 when nothing failed, 1 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			checks, err := readiness(cmd.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(f.stdout, struct {
					Checks []workflow.Check `json:"checks"`
				}{checks}); err != nil {
					return err
				}
			} else {
				printChecks(f.stderr, checks, f.withFlags)
			}
			for _, c := range checks {
				if c.Status == workflow.CheckFail {
					return errNotReady
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON on stdout")
	return cmd
}

// readiness runs the readiness check with this run's settings.
func readiness(ctx context.Context, f *factory) ([]workflow.Check, error) {
	mc, err := f.microsoftConfig(ctx)
	if err != nil {
		return nil, err
	}
	in := workflow.ReadinessInput{ClientID: mc.ClientID, Now: time.Now()}
	if mc.ClientID != "" {
		client, err := f.Microsoft(ctx)
		if err != nil {
			return nil, err
		}
		in.Source = client
	}
	in.Probes = microsoft.Probe(ctx, mc, time.Now)
	return workflow.Readiness(ctx, in), nil
}

// printChecks writes one line per check, with a text marker, and the fix
// under each that is not ok.
func printChecks(w io.Writer, checks []workflow.Check, hint func(string) string) {
	for _, c := range checks {
		fmt.Fprintf(w, "%s %-20s %s\n", checkMarker(c.Status), c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(w, "  %-20s fix: %s\n", "", hint(c.Fix))
		}
	}
}

func checkMarker(s workflow.CheckStatus) string {
	switch s {
	case workflow.CheckOK:
		return "✓"
	case workflow.CheckWarn:
		return "!"
	case workflow.CheckFail:
		return "✗"
	}
	return "·"
}
