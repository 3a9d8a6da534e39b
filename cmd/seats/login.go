package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
)

func newLoginCmd(f *factory) *cobra.Command {
	var browser bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to your Microsoft partner tenant",
		Long: `Sign in to your own (partner) Microsoft tenant with a device code: open the link shown, enter the
code, and sign in with a partner account. The sign-in is kept in the OS keyring (or <home>/secrets),
so later commands run without asking again.

Use --browser where a Conditional Access policy blocks device-code sign-in.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			session, err := f.Session(ctx)
			if err != nil {
				return err
			}
			if current, ok, _ := session.Account(ctx); ok {
				if !confirmReplace(f, current) {
					fmt.Fprintf(f.stderr, "Kept the sign-in of %s.\n", current.Username)
					return nil
				}
			}
			var acct connectors.Account
			if browser {
				fmt.Fprintln(f.stderr, "Opening the browser to sign in...")
				acct, err = session.SignInBrowser(ctx)
			} else {
				dc, derr := session.StartDeviceCode(ctx)
				if derr != nil {
					return derr
				}
				fmt.Fprintln(f.stderr, dc.Message)
				fmt.Fprintf(f.stderr, "Waiting for you to sign in (the code expires at %s)...\n", dc.ExpiresOn.Local().Format("15:04"))
				acct, err = session.WaitDeviceCode(ctx, dc)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(f.stderr, "Signed in as %s (partner tenant %s).\n", acct.Username, acct.PartnerTenantID)
			fmt.Fprintf(f.stderr, "Next: %s consents seats into your customers (or run %s for the wizard).\n",
				f.hint("consent --all --method partner"), f.hint(""))
			return nil
		},
	}
	cmd.Flags().BoolVar(&browser, "browser", false, "sign in with the browser instead of a device code")
	return cmd
}

func newLogoutCmd(f *factory) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Forget the Microsoft sign-in (removes the token cache); --all also the distributor and PSA secrets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			session, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			if err := session.SignOut(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(f.stderr, "Signed out; the token cache is removed. Sign in again with %s.\n", f.hint("login"))
			if all {
				return forgetSources(f)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also remove the stored distributor and PSA secrets and connections")
	return cmd
}

// forgetSources removes every stored distributor and PSA secret and the
// record of their connections. Their settings in config.yaml and their last
// data stay: they describe the customers, not the credentials.
func forgetSources(f *factory) error {
	secrets, err := f.Secrets()
	if err != nil {
		return err
	}
	st, err := f.Store()
	if err != nil {
		return err
	}
	for _, k := range sourceKinds {
		for _, sec := range k.secrets {
			if err := secrets.Delete(sec.key); err != nil {
				return fmt.Errorf("could not remove the %s %s: %w", displayName(k), strings.ToLower(sec.label), err)
			}
		}
	}
	for _, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
		if err := st.ClearConnection(side); err != nil {
			return err
		}
	}
	fmt.Fprintf(f.stderr, "The distributor and PSA secrets are removed too. Connect again with %s and %s.\n", f.hint("connect distributor"), f.hint("connect psa"))
	return nil
}

// confirmReplace asks, on a terminal, whether to sign in with another
// account; the current sign-in stays until the new one succeeds either way.
// Without a terminal (a script) it says so and goes on.
func confirmReplace(f *factory, current connectors.Account) bool {
	if !isTerminal(f.stdin) {
		fmt.Fprintf(f.stderr, "Signed in already as %s; that sign-in stays until the new one succeeds.\n", current.Username)
		return true
	}
	fmt.Fprintf(f.stderr, "Signed in already as %s. Sign in with another account? It replaces this one once it succeeds. [y/N] ", current.Username)
	line, _ := bufio.NewReader(f.stdin).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}
