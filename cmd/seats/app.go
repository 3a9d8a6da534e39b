package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/store/config"
)

func newAppCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "app",
		Short: "Create or show seats' application in your partner tenant",
		Long: `seats signs in as an application registered in your partner tenant. 'seats app create' registers
it for you (no Entra portal needed); 'seats app show' prints it, its permissions and what it lacks.
Both sign in once by device code with Microsoft Graph Command Line Tools, Microsoft's own public
client, asking for Application.ReadWrite.All and DelegatedPermissionGrant.ReadWrite.All; that
sign-in is kept in memory only.`,
		RunE: func(*cobra.Command, []string) error {
			return usageError{errors.New("say what to do: seats app create, or seats app show")}
		},
	}
	cmd.AddCommand(newAppCreateCmd(f), newAppShowCmd(f))
	return cmd
}

func newAppCreateCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "create",
		Short: "Register seats' application in your partner tenant and save its id",
		Long: `Create (or complete) the application seats signs in as, in your partner tenant:
  - named "seats", multi-tenant, public client flows on (device code), redirect http://localhost;
  - exactly the delegated permissions seats uses: Microsoft Graph DelegatedAdminRelationship.Read.All,
    Organization.Read.All and User.Read.All, Microsoft Partner Center user_impersonation;
  - its service principal, and admin consent for those permissions in the partner tenant.
An existing application named "seats" is reused; one that lacks a setting or permission is completed.
The application id goes to config.yaml (microsoft.client_id). Creating needs Application
Administrator, Cloud Application Administrator or Global Administrator.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			admin, err := appSignIn(ctx, f)
			if err != nil {
				return err
			}
			rep, err := admin.EnsureApp(ctx, func(step string) { fmt.Fprintf(f.stderr, "%s...\n", step) })
			if err != nil {
				return err
			}
			if err := f.UseClientID(ctx, rep.State.AppID); err != nil {
				return fmt.Errorf("the application %s is ready, but its id could not be saved (set microsoft.client_id to it in %s by hand): %w", rep.State.AppID, config.FileName, err)
			}
			cfg, _ := f.Config(ctx)
			fmt.Fprintln(f.stderr, "Done:")
			for _, a := range rep.Actions {
				fmt.Fprintf(f.stderr, "  - %s\n", a)
			}
			fmt.Fprintf(f.stderr, "  - saved microsoft.client_id: %s in %s\n", rep.State.AppID, cfg.File())
			fmt.Fprintf(f.stderr, "Next: %s signs you in as this application (a new application can take a minute to be usable; if the sign-in says it is unknown, wait and try again).\n", f.hint("login"))
			return nil
		},
	}
}

func newAppShowCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print seats' application, its permissions and what it lacks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := f.Config(ctx)
			if err != nil {
				return err
			}
			clientID := cfg.Settings().Microsoft.ClientID
			admin, err := appSignIn(ctx, f)
			if err != nil {
				return err
			}
			st, err := admin.ShowApp(ctx, clientID)
			if err != nil {
				return err
			}
			printApp(f.stderr, st, clientID)
			if missing := st.Missing(); len(missing) > 0 {
				fmt.Fprintf(f.stderr, "Fix: %s creates or completes it.\n", f.hint("app create"))
				return errPartial
			}
			return nil
		},
	}
}

// appSignIn runs the bootstrap device-code sign-in and returns the
// signed-in AppAdmin.
func appSignIn(ctx context.Context, f *factory) (*microsoft.AppAdmin, error) {
	admin, err := f.AppAdmin(ctx)
	if err != nil {
		return nil, err
	}
	dc, err := admin.StartDeviceCode(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(f.stderr, "Sign in with an administrator of your partner tenant, through Microsoft Graph Command Line Tools:")
	fmt.Fprintln(f.stderr, dc.Message)
	fmt.Fprintf(f.stderr, "Waiting for you to sign in (the code expires at %s)...\n", dc.ExpiresOn.Local().Format("15:04"))
	acct, err := admin.WaitDeviceCode(ctx, dc)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f.stderr, "Signed in as %s.\n", acct.Username)
	return admin, nil
}

// printApp writes the application and where each setting and permission
// stands, with text markers (✓, ✗) that read without colour.
func printApp(w io.Writer, st microsoft.AppState, clientID string) {
	if !st.Found {
		if clientID != "" {
			fmt.Fprintf(w, "No application with the id %s (microsoft.client_id) in your partner tenant.\n", clientID)
		} else {
			fmt.Fprintf(w, "No application named %s in your partner tenant.\n", microsoft.AppName)
		}
		return
	}
	mark := func(ok bool) string {
		if ok {
			return "✓"
		}
		return "✗"
	}
	fmt.Fprintf(w, "Application %s\n", st.DisplayName)
	fmt.Fprintf(w, "  client id          %s\n", st.AppID)
	if clientID != "" && !strings.EqualFold(clientID, st.AppID) {
		fmt.Fprintf(w, "  ! microsoft.client_id is %s, not this application\n", clientID)
	}
	fmt.Fprintf(w, "  %s multi-tenant\n", mark(st.MultiTenant))
	fmt.Fprintf(w, "  %s public client flows (device code)\n", mark(st.PublicClient))
	fmt.Fprintf(w, "  %s redirect URI %s\n", mark(st.LocalhostRedirect), microsoft.RedirectURI)
	fmt.Fprintf(w, "  %s service principal in the partner tenant\n", mark(st.ServicePrincipalID != ""))
	fmt.Fprintln(w, "Delegated permissions (asked for / admin consent in the partner tenant):")
	for _, p := range st.Permissions {
		fmt.Fprintf(w, "  %s %s  %-26s %-36s\n", mark(p.Declared), mark(p.Granted), p.API, p.Scope)
	}
	if missing := st.Missing(); len(missing) > 0 {
		fmt.Fprintln(w, "Missing:")
		for _, m := range missing {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	} else {
		fmt.Fprintln(w, "Nothing missing.")
	}
}
