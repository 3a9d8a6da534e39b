package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
)

// statusReport is the JSON shape of `seats status --json`.
type statusReport struct {
	Home    string `json:"home"`
	Secrets string `json:"secrets"` // where the sign-in is kept: "keyring" or "file <path>"

	SignedIn             bool                        `json:"signed_in"`
	Account              *connectors.Account         `json:"account"`
	CustomersRefreshedAt *time.Time                  `json:"customers_refreshed_at"`
	Customers            int                         `json:"customers"`
	Ready                int                         `json:"ready"`
	GDAP                 map[string]int              `json:"gdap"`
	Consent              map[string]int              `json:"consent"`
	LastSync             *store.SyncRun              `json:"last_sync"`
	CustomerList         []connectors.CustomerStatus `json:"customer_list"`
}

func newStatusCmd(f *factory) *cobra.Command {
	var asJSON, refresh bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the sign-in, customers by GDAP and consent state, and the last sync",
		Long: `Show what seats knows: the signed-in account and partner tenant, customers by GDAP status and
consent state, how many are Ready, and the last sync. It reads the local file only; --refresh
first reads the customer list and GDAP relationships again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if refresh {
				customers, err := f.Customers(ctx)
				if err != nil {
					return err
				}
				if _, err := customers.Refresh(ctx); err != nil {
					return err
				}
			}
			st, err := f.Store()
			if err != nil {
				return err
			}
			rep, err := buildStatus(st)
			if err != nil {
				return err
			}
			rep.Home, _ = f.Home()
			rep.Secrets = f.SecretsBackend()
			if asJSON {
				return writeJSON(f.stdout, rep)
			}
			printStatus(f.stderr, rep)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON on stdout")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "read customers and GDAP from Microsoft first")
	return cmd
}

func buildStatus(st *store.Store) (statusReport, error) {
	rep := statusReport{GDAP: map[string]int{}, Consent: map[string]int{}, CustomerList: []connectors.CustomerStatus{}}
	acct, ok, err := st.Account()
	if err != nil {
		return rep, err
	}
	if ok {
		rep.SignedIn = true
		rep.Account = &acct
	}
	at, err := st.CustomersRefreshedAt()
	if err != nil {
		return rep, err
	}
	if !at.IsZero() {
		rep.CustomersRefreshedAt = &at
	}
	statuses, err := st.CustomerStatuses()
	if err != nil {
		return rep, err
	}
	rep.CustomerList = append(rep.CustomerList, statuses...)
	rep.Customers = len(statuses)
	for _, c := range statuses {
		rep.GDAP[string(c.GDAP.Status)]++
		rep.Consent[string(c.Consent.State)]++
		if c.Ready() {
			rep.Ready++
		}
	}
	run, ok, err := st.LastSyncRun("microsoft")
	if err != nil {
		return rep, err
	}
	if ok {
		rep.LastSync = &run
	}
	return rep, nil
}

func printStatus(w io.Writer, rep statusReport) {
	fmt.Fprintf(w, "Home:      %s\n", rep.Home)
	fmt.Fprintf(w, "Secrets:   %s\n", rep.Secrets)
	if rep.Account != nil {
		fmt.Fprintf(w, "Signed in: %s (partner tenant %s)\n", rep.Account.Username, rep.Account.PartnerTenantID)
	} else {
		fmt.Fprintln(w, "Signed in: no (run seats login)")
	}
	if rep.Customers == 0 {
		fmt.Fprintln(w, "Customers: none read yet (run seats status --refresh, or the wizard)")
	} else {
		fmt.Fprintf(w, "Customers: %d, %d Ready\n", rep.Customers, rep.Ready)
		fmt.Fprintf(w, "  GDAP:    %s\n", countLine(rep.GDAP, []connectors.GDAPStatus{connectors.GDAPActive, connectors.GDAPExpiring, connectors.GDAPPending, connectors.GDAPExpired, connectors.GDAPNone, connectors.GDAPUnavailable}))
		fmt.Fprintf(w, "  Consent: %s\n", countLine(rep.Consent, []connectors.ConsentState{connectors.ConsentReady, connectors.ConsentVerifying, connectors.ConsentNone, connectors.ConsentFailed, connectors.ConsentLost}))
	}
	if rep.LastSync != nil {
		fmt.Fprintf(w, "Last sync: %s, %d tenants, %d failed\n", rep.LastSync.FinishedAt.Local().Format("2006-01-02 15:04"), rep.LastSync.Tenants, rep.LastSync.Failed)
	} else {
		fmt.Fprintln(w, "Last sync: never (run seats sync)")
	}
}

// countLine lists the non-zero counts in order, as "26 Active, 4 Expiring",
// or "-" when there are none.
func countLine[S interface {
	~string
	Label() string
}](counts map[string]int, order []S) string {
	var parts []string
	for _, s := range order {
		if n := counts[string(s)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s.Label()))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}
