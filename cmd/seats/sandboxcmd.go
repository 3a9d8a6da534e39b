package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/sandbox"
)

func newSandboxCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run or reset the built-in sandbox (an imitation of Microsoft on this machine)",
		Long: `The sandbox imitates Microsoft's sign-in, Partner Center and Graph on 127.0.0.1 with a generated
world of made-up customers, kept in <home>/sandbox/. Any seats command run with --sandbox uses it;
it starts by itself when needed. Size, seed and latency come from flags or from SEATS_SANDBOX_SEED,
SEATS_SANDBOX_CUSTOMERS, SEATS_SANDBOX_LATENCY, SEATS_SANDBOX_APPROVE_AFTER and
SEATS_SANDBOX_ADMIN_CONSENT_AUTO; seed and size apply when the world is first made.
Faults (429s, 5xx, dropped connections, bodies cut mid-stream, truncated JSON, slow answers) come
from --faults/--fault-rate/--fault-seed or SEATS_SANDBOX_FAULTS, SEATS_SANDBOX_FAULT_RATE and
SEATS_SANDBOX_FAULT_SEED, for watching seats stay calm.`,
		RunE: func(*cobra.Command, []string) error {
			return usageError{errors.New("say what to do: seats sandbox serve, or seats sandbox reset")}
		},
	}
	// The sandbox commands always work on <home>/sandbox/: decide that
	// before the home is resolved (and the config there checked).
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error {
		f.sandbox = true
		_, err := f.loadConfig()
		return err
	}
	cmd.AddCommand(newSandboxServeCmd(f), newSandboxResetCmd(f))
	return cmd
}

func newSandboxServeCmd(f *factory) *cobra.Command {
	var seed int64
	var customers int
	var latency, approve, faults, faultRate string
	var faultSeed uint64
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox in this process until interrupted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := func(flag, env, value string) {
				if cmd.Flags().Changed(flag) {
					os.Setenv(env, value)
				}
			}
			set("seed", "SEATS_SANDBOX_SEED", strconv.FormatInt(seed, 10))
			set("customers", "SEATS_SANDBOX_CUSTOMERS", strconv.Itoa(customers))
			set("latency", "SEATS_SANDBOX_LATENCY", latency)
			set("approve-after", "SEATS_SANDBOX_APPROVE_AFTER", approve)
			set("faults", sandbox.EnvFaults, faults)
			set("fault-rate", sandbox.EnvFaultRate, faultRate)
			set("fault-seed", sandbox.EnvFaultSeed, strconv.FormatUint(faultSeed, 10))
			sb, err := f.Sandbox(cmd.Context())
			if err != nil {
				return err
			}
			if sb.External() {
				return fmt.Errorf("another seats process is already serving this sandbox at %s: commands run with --sandbox use it as it is; stop it (Ctrl+C where it runs) to serve it from here", sb.Endpoints().AuthorityHost)
			}
			ep := sb.Endpoints()
			fmt.Fprintf(f.stderr, "Sandbox serving %s (CA %s). Press Ctrl+C to stop.\n", ep.AuthorityHost, sb.CAFile())
			<-cmd.Context().Done()
			fmt.Fprintln(f.stderr, "Sandbox stopped.")
			return nil
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 0, "seed of the generated world")
	cmd.Flags().IntVar(&customers, "customers", 40, "number of customers in the generated world")
	cmd.Flags().StringVar(&latency, "latency", "0s", "delay added to every Graph and Partner Center call, e.g. 50ms")
	cmd.Flags().StringVar(&approve, "approve-after", "3s", "how long until the sandbox approves a device code by itself")
	cmd.Flags().StringVar(&faults, "faults", "", "spoil answers with these faults: 429,5xx,drop,cut,truncated,slow or all")
	cmd.Flags().StringVar(&faultRate, "fault-rate", "0.1", "share of answers spoiled when --faults is given, e.g. 0.1 or 10%")
	cmd.Flags().Uint64Var(&faultSeed, "fault-seed", 0, "seed that makes the faults repeatable (0: a new one each run)")
	return cmd
}

func newSandboxResetCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "reset",
		Short: "Delete the sandbox world, its CA and its seats data, to start afresh",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, err := f.Home()
			if err != nil {
				return err
			}
			if err := sandbox.Reset(home); err != nil {
				return err
			}
			for _, name := range []string{"seats.db", "secrets", "config.yaml"} {
				if err := os.Remove(home + string(os.PathSeparator) + name); err != nil && !os.IsNotExist(err) {
					return err
				}
			}
			secrets, err := f.Secrets()
			if err == nil {
				_ = f.tokenCacheStore(secrets).Delete(microsoft.TokenCacheSecret)
				// The sources' secrets belong to the old world (a rotated
				// TD SYNNEX token would be read before the new world's).
				for _, k := range sourceKinds {
					for _, sec := range k.secrets {
						_ = secrets.Delete(sec.key)
					}
				}
			}
			fmt.Fprintf(f.stderr, "Sandbox reset: %s is empty again. Next: %s starts the wizard on a new world.\n", home, f.hint(""))
			return nil
		},
	}
}
