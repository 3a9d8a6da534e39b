package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/store/config"
)

// statusReport is the JSON shape of `seats status --json`.
type statusReport struct {
	Home    string `json:"home"`
	Secrets string `json:"secrets"` // where the sign-in is kept: "keyring" or "file <path>"

	SignedIn bool                `json:"signed_in"`
	Account  *connectors.Account `json:"account"`
	// Dates left out when they never happened, rather than a year-1 date.
	CustomersRefreshedAt *time.Time     `json:"customers_refreshed_at,omitempty"`
	Customers            int            `json:"customers"`
	Ready                int            `json:"ready"`
	GDAP                 map[string]int `json:"gdap"`
	Consent              map[string]int `json:"consent"`
	LastSync             *store.SyncRun `json:"last_sync,omitempty"`
	// Sources are the distributor and the PSA: chosen, connected, last read.
	Sources      []statusSource   `json:"sources"`
	CustomerList []statusCustomer `json:"customer_list"`
}

// statusSource is the distributor's or the PSA's line in `seats status`.
type statusSource struct {
	Source    string             `json:"source"`         // distributor or psa
	Kind      string             `json:"kind,omitempty"` // pax8, connectwise; "" when none chosen
	Connected bool               `json:"connected"`
	Summary   string             `json:"summary,omitempty"` // what the connection test saw
	CheckedAt *time.Time         `json:"checked_at,omitempty"`
	Snapshot  *store.SourceState `json:"snapshot,omitempty"` // the last successful read
	LastSync  *store.SyncRun     `json:"last_sync,omitempty"`
}

// statusCustomer is one customer in `status --json`: the stored status,
// with the GDAP roles named as well as by id, and no zero dates.
type statusCustomer struct {
	connectors.CustomerStatus
	GDAP    statusGDAP    `json:"gdap"`
	Consent statusConsent `json:"consent"`
}

// statusGDAP adds role_names beside the role ids.
type statusGDAP struct {
	connectors.GDAPSummary
	RoleNames []string `json:"role_names"`
}

// statusConsent leaves out updated_at when the consent never changed.
type statusConsent struct {
	connectors.ConsentRecord
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

func newStatusCustomer(c connectors.CustomerStatus) statusCustomer {
	out := statusCustomer{CustomerStatus: c,
		GDAP:    statusGDAP{GDAPSummary: c.GDAP, RoleNames: roleNames(c.GDAP.Roles)},
		Consent: statusConsent{ConsentRecord: c.Consent}}
	if out.GDAP.Roles == nil {
		out.GDAP.Roles = []string{}
	}
	if at := c.Consent.UpdatedAt; !at.IsZero() {
		out.Consent.UpdatedAt = &at
	}
	return out
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
				fmt.Fprintln(f.stderr, "Reading customers from Partner Center and GDAP relationships...")
				customers.Progress = (&syncPrinter{w: f.stderr}).step
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
			cfg, err := f.loadConfig()
			if err != nil {
				return err
			}
			if rep.Sources, err = sourceStatuses(cfg.Settings(), st); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.stdout, rep)
			}
			printStatus(f.stderr, rep, func(c string) string { return f.hint(c) })
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON on stdout")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "read customers and GDAP from Microsoft first")
	return cmd
}

func buildStatus(st *store.Store) (statusReport, error) {
	rep := statusReport{GDAP: map[string]int{}, Consent: map[string]int{}, CustomerList: []statusCustomer{}}
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
	rep.Customers = len(statuses)
	for _, c := range statuses {
		rep.CustomerList = append(rep.CustomerList, newStatusCustomer(c))
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

func printStatus(w io.Writer, rep statusReport, hint func(string) string) {
	fmt.Fprintf(w, "Home:      %s\n", rep.Home)
	fmt.Fprintf(w, "Secrets:   %s\n", rep.Secrets)
	if rep.Account != nil {
		fmt.Fprintf(w, "Signed in: %s (partner tenant %s)\n", rep.Account.Username, rep.Account.PartnerTenantID)
	} else {
		fmt.Fprintf(w, "Signed in: no (run %s)\n", hint("login"))
	}
	if rep.Customers == 0 {
		fmt.Fprintf(w, "Customers: none read yet (run %s, or the wizard)\n", hint("status --refresh"))
	} else {
		fmt.Fprintf(w, "Customers: %d, %d Ready\n", rep.Customers, rep.Ready)
		fmt.Fprintf(w, "  GDAP:    %s\n", countLine(rep.GDAP, []connectors.GDAPStatus{connectors.GDAPActive, connectors.GDAPExpiring, connectors.GDAPPending, connectors.GDAPExpired, connectors.GDAPNone, connectors.GDAPUnavailable}))
		fmt.Fprintf(w, "  Consent: %s\n", countLine(rep.Consent, []connectors.ConsentState{connectors.ConsentReady, connectors.ConsentVerifying, connectors.ConsentNone, connectors.ConsentFailed, connectors.ConsentLost}))
	}
	if rep.LastSync != nil {
		fmt.Fprintf(w, "Last sync: %s, %d tenants, %d failed\n", rep.LastSync.FinishedAt.Local().Format("2006-01-02 15:04"), rep.LastSync.Tenants, rep.LastSync.Failed)
	} else {
		fmt.Fprintf(w, "Last sync: never (run %s)\n", hint("sync"))
	}
	for _, src := range rep.Sources {
		printSourceStatus(w, src, hint)
	}
	if len(rep.CustomerList) > 0 {
		fmt.Fprintln(w)
		printCustomerTable(w, rep.CustomerList)
	}
}

// sourceStatuses reports the distributor and the PSA from the configuration
// and the store.
func sourceStatuses(s config.Settings, st *store.Store) ([]statusSource, error) {
	out := []statusSource{}
	for _, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
		src := statusSource{Source: string(side), Kind: s.Distributor.Kind}
		if side == connectors.KindPSA {
			src.Kind = s.PSA.Kind
		}
		conn, ok, err := st.Connection(side)
		if err != nil {
			return nil, err
		}
		if ok && conn.Kind == src.Kind {
			src.Connected, src.Summary = true, conn.Summary
			at := conn.CheckedAt
			src.CheckedAt = &at
		}
		state, ok, err := st.SourceSnapshotState(side)
		if err != nil {
			return nil, err
		}
		if ok {
			src.Snapshot = &state
		}
		run, ok, err := st.LastSyncRun(string(side))
		if err != nil {
			return nil, err
		}
		if ok {
			src.LastSync = &run
		}
		out = append(out, src)
	}
	return out, nil
}

func printSourceStatus(w io.Writer, src statusSource, hint func(string) string) {
	label := "Distributor:"
	if src.Source == string(connectors.KindPSA) {
		label = "PSA:        "
	}
	switch {
	case src.Kind == "":
		fmt.Fprintf(w, "%s none chosen (run %s, or the wizard)\n", label, hint("connect "+src.Source))
		return
	case !src.Connected:
		fmt.Fprintf(w, "%s %s, not connected (run %s)\n", label, displayName(sourceKind{name: src.Kind}), hint("connect "+src.Source))
		return
	}
	fmt.Fprintf(w, "%s %s", label, src.Summary)
	switch {
	case src.Snapshot == nil:
		fmt.Fprintf(w, "; not read yet (run %s)\n", hint("sync"))
	case src.Snapshot.Stale:
		fmt.Fprintf(w, "; STALE since %s: %s (data of %s kept)\n", src.Snapshot.StaleSince.Local().Format("2006-01-02 15:04"),
			src.Snapshot.StaleReason, src.Snapshot.TakenAt.Local().Format("2006-01-02 15:04"))
	default:
		fmt.Fprintf(w, "; read %s\n", src.Snapshot.TakenAt.Local().Format("2006-01-02 15:04"))
	}
}

// printCustomerTable lists every customer: name, GDAP, the roles that
// matter, consent state and why it is not Ready. Markers are text (✓, ✗),
// so the table reads without colour.
func printCustomerTable(w io.Writer, list []statusCustomer) {
	sorted := slices.Clone(list)
	slices.SortStableFunc(sorted, func(a, b statusCustomer) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CUSTOMER\tGDAP\tROLES\tCONSENT\tREASON")
	for _, c := range sorted {
		reason := workflow.WhyNotReady(c.CustomerStatus)
		if reason == "" {
			reason = "-"
		}
		state := c.Consent.State
		if state == "" {
			state = connectors.ConsentNone
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, gdapCell(c.CustomerStatus.GDAP), rolesCell(c.CustomerStatus.GDAP), state.Label(), reason)
	}
	tw.Flush()
}

// gdapCell is the GDAP status with its end date.
func gdapCell(g connectors.GDAPSummary) string {
	status := g.Status
	if status == "" {
		status = connectors.GDAPNone
	}
	if status.Usable() && !g.EndsAt.IsZero() {
		return status.Label() + " until " + g.EndsAt.UTC().Format("2006-01-02")
	}
	return status.Label()
}

// rolesCell marks the roles consent and reading need: PRA and AppAdm for
// partner consent, Read for reading licences.
func rolesCell(g connectors.GDAPSummary) string {
	if !g.Status.Usable() || g.Status == connectors.GDAPUnavailable {
		return "-"
	}
	ga := g.HasRole(connectors.RoleGlobalAdministrator)
	mark := func(ok bool, label string) string {
		if ok {
			return "✓" + label
		}
		return "✗" + label
	}
	return strings.Join([]string{
		mark(ga || g.HasRole(connectors.RolePrivilegedRoleAdministrator), "PRA"),
		mark(ga || g.HasRole(connectors.RoleApplicationAdministrator), "AppAdm"),
		mark(g.HasReadRole(), "Read"),
	}, " ")
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
