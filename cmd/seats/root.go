package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "seats",
		Short: "Find Microsoft 365 licences an MSP pays for but does not use or bill",
		Long: `seats connects your Microsoft partner tenant (Partner Center, GDAP, Graph), walks you through
consent into each customer tenant, and keeps what it reads in a local file, so you can see
per customer which licences are paid for, assigned, unused, and billed.

Run seats with no command for the wizard. Use --sandbox to try everything against a built-in
imitation of Microsoft, with made-up customers, on this machine.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		// Every command starts from a valid configuration: a wrong key,
		// type or value in config.yaml, the environment or a flag stops it
		// before anything is done.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			_, err := f.loadConfig()
			return err
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWizard(cmd.Context(), f)
		},
	}
	root.SetFlagErrorFunc(flagErrors)
	pf := root.PersistentFlags()
	pf.StringVar(&f.homeFlag, "home", "", "folder holding config.yaml and seats.db (env SEATS_HOME; default: your config dir/seats)")
	pf.BoolVar(&f.sandbox, "sandbox", false, "use the built-in sandbox (data kept in <home>/sandbox/)")
	pf.BoolVar(&f.debug, "debug", false, "write a debug log of every request to <home>/debug.log (secrets redacted)")
	pf.String("cloud", "", "Microsoft cloud: global, usgov, usgovdod or china (config microsoft.cloud)")
	pf.String("client-id", "", "the Entra application id seats signs in as (config microsoft.client_id)")
	f.boundKeys = map[string]*pflag.Flag{
		"microsoft.cloud":     pf.Lookup("cloud"),
		"microsoft.client_id": pf.Lookup("client-id"),
	}

	root.AddCommand(
		newLoginCmd(f),
		newLogoutCmd(f),
		newConsentCmd(f),
		newStatusCmd(f),
		newSyncCmd(f),
		newSandboxCmd(f),
		newAppCmd(f),
		newDoctorCmd(f),
		newAuditCmd(f),
		newConnectCmd(f),
		newDistributorCmd(f),
		newMapCmd(f),
		newLicensesCmd(f),
		newReconcileCmd(f),
	)
	usageArgs(root)
	return root
}
