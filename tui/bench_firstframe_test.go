package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/internal/benchflow"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/screens/licences"
	"github.com/seats-msp/seats/tui/screens/summary"
	"github.com/seats-msp/seats/tui/tuitest"
)

// The first frames of issue 16 ("Scale, the whole flow"): with 10,000
// customers' data in seats.db (the sandbox's world of 25 users a tenant,
// Pax8 and ConnectWise, synced and matched as seats sync leaves it), the
// time from building a screen until its first View() shows that data.
// Goal: under 200 ms each.
const (
	frameTenants = 10000
	frameWidth   = 120
	frameHeight  = 40
	frameGoal    = 200 * time.Millisecond
)

// BenchmarkFirstFrame10000 builds the home once (about a minute: the
// sandbox's worlds generated and served without latency, one sync of
// every source, the matching) and times each screen's first frame on it.
func BenchmarkFirstFrame10000(b *testing.B) {
	ctx := context.Background()
	start := time.Now()
	f, err := benchflow.Build(ctx, benchflow.Options{Dir: b.TempDir(), Tenants: frameTenants, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Sync(ctx, frameTenants); err != nil {
		f.Close()
		b.Fatal(err)
	}
	f.Close() // the screens read the store only
	if _, err := (&workflow.Matching{Keep: f.Store}).Refresh(); err != nil {
		b.Fatal(err)
	}
	// A home set up before: the wizard opens on the summary.
	done := []string{"connect", "consent", "accounts", "products", "settings", "licences"}
	if err := f.Store.SaveWizardProgress(store.WizardProgress{Current: "licences", Done: done}); err != nil {
		b.Fatal(err)
	}
	// What seats sync does last: compute the licence tables and keep them.
	kept := &workflow.Reporting{Keep: f.Store, Kept: f.Store, Build: "bench"}
	if _, err := kept.Tables(); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("first frames: a home of %d tenants synced and matched in %s\n", frameTenants, time.Since(start).Round(time.Second))
	b.Run("wizard", func(b *testing.B) { firstFrameWizard(b, f.Store) })
	b.Run("licences", func(b *testing.B) { firstFrameLicences(b, kept, "") })
	// Computed afresh, as after a change in the wizard's matching steps.
	b.Run("licences-computed", func(b *testing.B) {
		firstFrameLicences(b, &workflow.Reporting{Keep: f.Store}, " (computed afresh, as after a change of matches)")
	})
}

// firstFrameWizard: seats opening on a set-up home, from
// reading the summary's data out of seats.db (as cmd/seats summaryData
// does before the wizard starts) to the wizard's first View() on it.
func firstFrameWizard(b *testing.B, st *store.Store) {
	var read, build time.Duration
	var view string
	for b.Loop() {
		start := time.Now()
		data, err := summaryData(st)
		if err != nil {
			b.Fatal(err)
		}
		readDone := time.Since(start)
		read += readDone
		c, _ := tuitest.NewCommon(b, common.Deps{Progress: st})
		m := New(c, Options{Screens: []func(c *common.Common) common.Screen{
			func(c *common.Common) common.Screen {
				return summary.New(c, summary.Options{ID: common.ScreenSummary, Data: data})
			},
		}})
		next, _ := m.Update(tea.WindowSizeMsg{Width: frameWidth, Height: frameHeight})
		m = next.(Model)
		m.Init()
		view = m.View()
		build += time.Since(start) - readDone
	}
	if !strings.Contains(ansi.Strip(view), "10,000") && !strings.Contains(ansi.Strip(view), "10000") {
		b.Fatalf("the first frame does not show the 10,000 customers:\n%s", ansi.Strip(view))
	}
	frame := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(frame)/1e6, "ms/frame")
	b.ReportMetric(float64(read)/float64(b.N)/1e6, "ms-read")
	fmt.Printf("wizard's first frame on 10,000 customers: %s (reading the summary from seats.db %s, the wizard and its View %s)\n",
		frame.Round(time.Millisecond), (read / time.Duration(b.N)).Round(time.Millisecond), (build / time.Duration(b.N)).Round(time.Microsecond))
	frameRow("first frame of the wizard (the summary) on 10,000 customers", frame)
}

// firstFrameLicences: the licence tables opened on 10,000
// customers, from New to the first View() showing the portfolio: the
// screen's load (the tables kept by the sync read from seats.db, or
// computed from it) included.
func firstFrameLicences(b *testing.B, reporting *workflow.Reporting, how string) {
	st := reporting.Keep.(*store.Store)
	var view string
	var empty time.Duration
	for b.Loop() {
		start := time.Now()
		c, _ := tuitest.NewCommon(b, common.Deps{})
		m := licences.New(c, licences.Deps{Reports: reporting, Plans: reporting, Audit: st})
		h := tuitest.NewHarness(m)
		h.Update(tea.WindowSizeMsg{Width: frameWidth, Height: frameHeight})
		cmd := h.Init()
		_ = h.View() // the frame before the tables: "Computing…"
		empty += time.Since(start)
		runNow(h, cmd)
		view = h.View()
	}
	plain := ansi.Strip(view)
	if !strings.Contains(plain, "10,000") && !strings.Contains(plain, "10000") {
		b.Fatalf("the first frame does not show the 10,000 customers:\n%s", plain)
	}
	frame := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(frame)/1e6, "ms/frame")
	fmt.Printf("licence tables' first frame on 10,000 customers%s: %s (the frame before the load: %s)\n",
		how, frame.Round(time.Millisecond), (empty / time.Duration(b.N)).Round(time.Microsecond))
	if how == "" {
		frameRow("first frame of the licence tables on 10,000 customers", frame)
	}
}

// runNow runs cmd and the commands of its batches on this goroutine and
// hands their messages to h, without following what h returns (ticks
// and the like): the load's answer is all the first frame needs.
func runNow(h *tuitest.Harness, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			runNow(h, c)
		}
	default:
		h.Update(msg)
	}
}

func frameRow(what string, got time.Duration) {
	verdict := "meets the goal"
	if got > frameGoal {
		verdict = "MISSES the goal"
	}
	fmt.Printf("%-62s %8.1f ms   (goal ≤ %d ms): %s\n", what, float64(got)/1e6, frameGoal.Milliseconds(), verdict)
}

// summaryData reads the summary's data as cmd/seats summaryData does when
// the wizard opens (keeping the inventory for the next run), with Pax8
// and ConnectWise connected.
func summaryData(st *store.Store) (summary.Data, error) {
	d := summary.Data{Distributor: "Pax8", PSA: "ConnectWise PSA"}
	o, err := workflow.ReadOverview(st, time.Now())
	if err != nil {
		return d, err
	}
	d.Customers, d.Ready = len(o.Statuses), o.Ready()
	d.Unmapped = summary.UnmappedFrom(o.Mappings, true, true)
	ch := o.Changes()
	d.Since = summary.SinceLastRun{LastRun: ch.Since, NewCustomers: ch.NewCustomers, NewSkus: ch.NewSkus, NewPSAItems: ch.NewPSAItems, LostCustomers: ch.NowLost}
	if err := st.SaveInventory(o.Now); err != nil {
		return d, err
	}
	if run, ok, _ := st.LastSyncRun(store.SyncMicrosoft); ok {
		d.Sources = append(d.Sources, summary.Source{Name: "Microsoft", ReadAt: run.FinishedAt})
	}
	for _, side := range []struct {
		side connectors.ConnectorKind
		name string
	}{{connectors.KindDistributor, d.Distributor}, {connectors.KindPSA, d.PSA}} {
		state, ok, err := st.SourceSnapshotState(side.side)
		if err != nil || !ok {
			continue
		}
		src := summary.Source{Name: side.name, ReadAt: state.TakenAt}
		if state.Stale {
			src.Failed = state.StaleReason
		}
		d.Sources = append(d.Sources, src)
	}
	return d, nil
}
