package licences

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
)

// syncRun is one run of the sync key.
type syncRun struct {
	id      int
	pipe    *pipe
	cancel  context.CancelFunc
	steps   map[SyncSource]SyncStep
	started map[SyncSource]bool
	ended   map[SyncSource]bool
}

// syncSources is the order sources are shown in.
var syncSources = []SyncSource{SyncMicrosoft, SyncDistributor, SyncPSA}

func syncTask(s SyncSource) string { return taskSync + "/" + string(s) }

func (s SyncStep) label() string {
	if s.Label != "" {
		return s.Label
	}
	switch s.Source {
	case SyncMicrosoft:
		return "Microsoft tenants"
	case SyncDistributor:
		return "Distributor"
	case SyncPSA:
		return "PSA"
	}
	return string(s.Source)
}

func (m *Model) startSync() tea.Cmd {
	switch {
	case m.deps.Sync == nil:
		return nil
	case m.sync != nil:
		return common.Status(common.LevelInfo, "A sync is running already")
	case m.changes.apply != nil:
		return common.Status(common.LevelInfo, "Changes are being applied: sync once they are done")
	}
	m.syncRuns++
	ctx, cancel := context.WithCancel(m.ctx)
	run := &syncRun{id: m.syncRuns, pipe: newPipe(ctx), cancel: cancel, steps: map[SyncSource]SyncStep{},
		started: map[SyncSource]bool{}, ended: map[SyncSource]bool{}}
	m.sync = run
	m.portfolio.clamp(m.portfolioRows())
	return tea.Batch(
		common.StartTask(taskSync, "Syncing every source…", 0),
		runSync(ctx, m.deps.Sync, run.id, run.pipe),
		common.ForScreen(m.ID(), run.pipe.next()),
	)
}

func (m *Model) handleSyncStep(msg syncStepMsg) tea.Cmd {
	run := m.sync
	if run == nil || msg.run != run.id {
		return nil
	}
	s := msg.step
	run.steps[s.Source] = s
	cmds := []tea.Cmd{common.ForScreen(m.ID(), run.pipe.next())}
	id := syncTask(s.Source)
	if !run.started[s.Source] {
		run.started[s.Source] = true
		cmds = append(cmds, common.StartTask(id, s.label(), s.Total))
	}
	if s.Total > 0 {
		cmds = append(cmds, common.TaskProgress(id, s.Done, s.Total))
	}
	if s.Finished && !run.ended[s.Source] {
		run.ended[s.Source] = true
		cmds = append(cmds, m.endSource(s))
	}
	return tea.Batch(cmds...)
}

// endSource ends a source's task with what it did.
func (m *Model) endSource(s SyncStep) tea.Cmd {
	level, text := sourceResult(s)
	return common.EndTask(syncTask(s.Source), level, text)
}

func sourceResult(s SyncStep) (common.Level, string) {
	switch {
	case s.Err != nil:
		return common.LevelWarning, s.label() + ": " + s.Err.Error() + " (its last data is kept, marked stale)"
	case s.Failed > 0:
		return common.LevelWarning, fmt.Sprintf("%s: %d of %d read, %d failed (kept, marked stale)", s.label(), s.Done-s.Failed, s.Total, s.Failed)
	case s.Source == SyncMicrosoft:
		return common.LevelSuccess, fmt.Sprintf("%s: %d read", s.label(), s.Done)
	}
	return common.LevelSuccess, s.label() + " read"
}

func (m *Model) handleSyncDone(msg syncDoneMsg) tea.Cmd {
	run := m.sync
	if run == nil || msg.run != run.id {
		return nil
	}
	m.sync = nil
	run.cancel()
	var cmds []tea.Cmd
	level := common.LevelSuccess
	var parts []string
	for _, src := range syncSources {
		s, ok := msg.last[src]
		if !ok {
			continue
		}
		if !run.ended[src] {
			cmds = append(cmds, common.EndTask(syncTask(src), common.LevelInfo, ""))
		}
		l, text := sourceResult(s)
		if l != common.LevelSuccess {
			level = common.LevelWarning
		}
		parts = append(parts, text)
	}
	summary := "Synced"
	if len(parts) > 0 {
		summary += ": " + strings.Join(parts, " · ")
	}
	switch {
	case msg.err != nil && connectors.KindOf(msg.err) == connectors.ErrCanceled:
		cmds = append(cmds, common.EndTask(taskSync, common.LevelInfo, "Sync stopped; what it read is kept"))
	case msg.err != nil:
		cmds = append(cmds, common.EndTask(taskSync, common.LevelFailure, "The sync ended with an error"),
			common.ReportError(m.ID(), "Sync every source", msg.err))
	default:
		cmds = append(cmds, common.EndTask(taskSync, level, summary))
	}
	m.portfolio.clamp(m.portfolioRows())
	return tea.Batch(append(cmds, m.reload())...)
}

// syncLine shows every source's progress while a sync runs, so that all
// of them are seen at once (the status bar shows the newest).
func (m *Model) syncLine() string {
	st := m.c.Styles
	run := m.sync
	parts := []string{st.Bold.Render("Syncing")}
	for _, src := range syncSources {
		s, ok := run.steps[src]
		if !ok {
			continue
		}
		text := s.label() + " "
		switch {
		case s.Finished && (s.Err != nil || s.Failed > 0):
			parts = append(parts, st.Warn.Render(text+"! failed"))
			continue
		case s.Finished:
			parts = append(parts, st.Good.Render(text+"✓"))
			continue
		case s.Total > 1: // a source read in one go has nothing to count
			text += fmt.Sprintf("%d/%d %s", s.Done, s.Total, textBar(s.Done, s.Total, 10))
		default:
			text += "…"
		}
		parts = append(parts, st.Text.Render(text))
	}
	if len(parts) == 1 {
		parts = append(parts, st.Muted.Render("starting…"))
	}
	return fitWidth(strings.Join(parts, st.Muted.Render(" · ")), m.width)
}

// textBar is a progress bar of characters alone: it reads the same without
// colour.
func textBar(done, total, width int) string {
	if total <= 0 {
		return strings.Repeat("░", width)
	}
	full := min(width, done*width/total)
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}
