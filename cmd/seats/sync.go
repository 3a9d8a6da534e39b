package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
)

// errInterrupted ends a sync stopped by Ctrl+C; what it read is kept and
// the message has already said how much.
var errInterrupted = errors.New("sync interrupted")

// syncLinesUpTo is the most Ready tenants for which sync prints a line per
// tenant; above it, a progress line every few percent (and a line per
// failure) keeps stderr readable at thousands of tenants.
const syncLinesUpTo = 200

func newSyncCmd(f *factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Read the licences of every Ready customer",
		Long: `Re-check GDAP and consent (a customer whose admin accepted a consent link since turns Ready),
then read subscribed SKUs, subscriptions and users (with their licences) of every Ready customer,
many tenants at a time (sync.concurrency is the ceiling). A tenant that fails keeps its previous
data, marked stale with the reason; a customer that stopped working turns Lost and is listed with
why. Ctrl+C stops at once: what was read is kept and nothing else is marked.
Progress goes to stderr; --json prints the report on stdout.
Exit status: 0 when all tenants were read, 3 when some failed or turned Lost, 1 on error or
interruption.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			all, err := f.everything(ctx)
			if err != nil {
				return err
			}
			st, err := f.Store()
			if err != nil {
				return err
			}
			p := &syncPrinter{w: f.stderr}
			all.Customers.Progress = p.step
			fmt.Fprintln(f.stderr, "Reading customers from Partner Center and GDAP relationships...")
			for _, k := range []string{all.DistributorKind, all.PSAKind} {
				if k != "" {
					fmt.Fprintf(f.stderr, "Reading %s at the same time...\n", displayName(sourceKind{name: k}))
				}
			}
			full, syncErr := recordingSyncer{all: all, st: st, tables: f.tablesAfterSync(ctx)}.Sync(ctx, workflow.SyncAllProgress{Tenant: p.tenant, Source: p.source})
			rep := full.SyncReport
			if asJSON {
				if err := writeJSON(f.stdout, full); err != nil {
					return err
				}
			}
			if syncErr != nil {
				return syncErr
			}
			printSyncSummary(f.stderr, rep, f.sandbox)
			fmt.Fprintf(f.stderr, "Calls made: Microsoft %d", full.MicrosoftCalls)
			for _, src := range full.Sources {
				fmt.Fprintf(f.stderr, ", %s %d", displayName(sourceKind{name: src.Kind}), src.Calls)
			}
			fmt.Fprintf(f.stderr, "; %s in all.\n", (time.Duration(full.DurationMS) * time.Millisecond).Round(100*time.Millisecond))
			if full.MatchError != "" {
				fmt.Fprintf(f.stderr, "The data was read, but matching it failed: %s\n", full.MatchError)
			}
			switch {
			case rep.Interrupted:
				return errInterrupted
			case rep.Failed > 0 || len(rep.Lost) > 0 || full.SourceFailed():
				return errPartial
			}
			fmt.Fprintf(f.stderr, "Next: %s shows the findings; %s the licence tables.\n", f.hint("reconcile"), f.hint("licenses"))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the sync report as JSON on stdout")
	return cmd
}

// syncPrinter writes a sync's progress to stderr: the steps of the refresh
// and the tenants read, without flooding a terminal at 10,000 tenants.
type syncPrinter struct {
	w io.Writer

	mu       sync.Mutex
	lastStep string
	lastPct  int
	lastAt   time.Time
}

// step reports a refresh step: its start, then every tenth of the way.
func (p *syncPrinter) step(step string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case total == 0:
		return // the step's own line was printed before it started
	case step != p.lastStep:
		p.lastStep, p.lastPct = step, 0
		fmt.Fprintf(p.w, "%s of %d customers...\n", step, total)
	case done == total || done*10/total > p.lastPct:
		p.lastPct = done * 10 / total
		fmt.Fprintf(p.w, "%s... %d/%d\n", step, done, total)
	}
}

// source reports the distributor or the PSA read (or failed: its previous
// data is kept, marked stale).
func (p *syncPrinter) source(r workflow.SourceResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := displayName(sourceKind{name: r.Kind})
	switch {
	case r.Interrupted:
		fmt.Fprintf(p.w, "%s: interrupted; its previous data stays as it was\n", name)
	case !r.OK:
		fmt.Fprintf(p.w, "%s FAILED: %s. Its previous data is kept, marked stale.\n", name, r.Error)
	case r.Recent:
		fmt.Fprintf(p.w, "%s: not read again; its data was read at %s\n", name, r.ReadAt.Local().Format("15:04:05"))
	default:
		var counts []string
		for _, k := range []string{"accounts", "subscriptions", "companies", "items", "lines"} {
			if n, ok := r.Counts[k]; ok {
				counts = append(counts, fmt.Sprintf("%d %s", n, k))
			}
		}
		unchanged := ""
		if r.Unchanged {
			unchanged = ", unchanged since the last sync"
		}
		fmt.Fprintf(p.w, "%s: read %s in %s (%d calls%s)\n", name, strings.Join(counts, ", "), r.Duration.Round(time.Millisecond), r.Calls, unchanged)
	}
}

// tenant reports one tenant read (or failed).
func (p *syncPrinter) tenant(done, total int, r workflow.SyncResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done == 1 {
		fmt.Fprintf(p.w, "Reading the licences of %d Ready customers...\n", total)
	}
	switch {
	case total <= syncLinesUpTo && r.OK:
		fmt.Fprintf(p.w, "[%d/%d] %s ok\n", done, total, r.Name)
	case !r.OK:
		fmt.Fprintf(p.w, "[%d/%d] %s FAILED: %s\n", done, total, r.Name, r.Error)
	case done == total || done*20/total > p.lastPct || time.Since(p.lastAt) > 2*time.Second:
		p.lastPct, p.lastAt = done*20/total, time.Now()
		fmt.Fprintf(p.w, "[%d/%d] read\n", done, total)
	}
}

// printSyncSummary says what the sync did, who turned Lost and why, and
// what to do when nothing could be read.
func printSyncSummary(w io.Writer, rep workflow.SyncReport, sandbox bool) {
	for _, l := range rep.Lost {
		fmt.Fprintf(w, "Lost: %s (%s): %s\n", l.Name, l.TenantID, l.Reason)
	}
	switch {
	case rep.Interrupted:
		fmt.Fprintf(w, "Sync interrupted: read %d of %d Ready customers. The others keep their previous data; nothing was marked stale.\n", rep.Succeeded, rep.Tenants)
	case rep.Tenants == 0 && rep.Customers == 0:
		fmt.Fprintf(w, "Partner Center lists no customers for this partner account, so there is nothing to read. Check the account with %s.\n", syncHint(sandbox, "status"))
	case rep.Tenants == 0:
		fmt.Fprintf(w, "None of the %d customers is Ready, so no licences were read. A customer is Ready once its GDAP is active and seats is consented there: run %s (or the wizard), then sync again.\n",
			rep.Customers, syncHint(sandbox, "consent --all --method partner"))
	default:
		fmt.Fprintf(w, "Read %d of %d Ready customers", rep.Succeeded, rep.Tenants)
		if rep.Failed > 0 {
			fmt.Fprintf(w, "; %d failed and keep their previous data, marked stale", rep.Failed)
		}
		fmt.Fprintln(w, ".")
	}
	if len(rep.Lost) > 0 {
		fmt.Fprintf(w, "%d customers stopped working in this run; see the reasons above, then %s.\n", len(rep.Lost), syncHint(sandbox, "consent --all --method partner"))
	}
}

// syncHint is a seats command line as the user should type it now.
func syncHint(sandbox bool, args string) string {
	parts := []string{"seats"}
	if sandbox {
		parts = append(parts, "--sandbox")
	}
	return "`" + strings.Join(append(parts, args), " ") + "`"
}

// recordingSyncer syncs every source and records the runs (one per source)
// for status, the summary and staleness: every sync goes through it, from
// the CLI and from the wizard alike.
type recordingSyncer struct {
	all *workflow.Everything
	st  *store.Store
	// tables, when set, computes the licence tables after the sync and
	// keeps them (workflow.Reporting.Tables), so that the wizard opens on
	// them at once rather than computing them first.
	tables *workflow.Reporting
}

func (r recordingSyncer) Sync(ctx context.Context, progress workflow.SyncAllProgress) (workflow.SyncAllReport, error) {
	full, syncErr := r.all.Sync(ctx, progress)
	var errs []error
	for _, src := range full.Sources {
		run := store.SyncRun{Kind: string(src.Source), StartedAt: full.StartedAt, FinishedAt: full.StartedAt.Add(src.Duration),
			Tenants: 1, Interrupted: src.Interrupted, Error: src.Error}
		if !src.OK && !src.Interrupted {
			run.Failed = 1
		}
		if _, err := r.st.AddSyncRun(run); err != nil {
			errs = append(errs, err)
		}
	}
	if rep := full.SyncReport; !rep.StartedAt.IsZero() {
		run := store.SyncRun{Kind: store.SyncMicrosoft, StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt,
			Tenants: rep.Tenants, Failed: rep.Failed, Read: rep.Succeeded, Lost: len(rep.Lost), Interrupted: rep.Interrupted}
		if syncErr != nil {
			run.Error = syncErr.Error()
		}
		if _, err := r.st.AddSyncRun(run); err != nil {
			errs = append(errs, err)
		}
	}
	if r.tables != nil && ctx.Err() == nil {
		// A failure here is met again, and said, where the tables open.
		_, _ = r.tables.Tables()
	}
	return full, errors.Join(append([]error{syncErr}, errs...)...)
}

// tablesAfterSync is the reporting a sync keeps the licence tables with;
// nil (nothing kept) when the configuration cannot give it.
func (f *factory) tablesAfterSync(ctx context.Context) *workflow.Reporting {
	r, err := f.Reporting(ctx)
	if err != nil {
		return nil
	}
	return r
}
