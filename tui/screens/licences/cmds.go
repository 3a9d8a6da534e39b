package licences

import (
	"context"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
)

// reportMsg ends a load of the tables. gen drops the answer of a load a
// newer one replaced.
type reportMsg struct {
	gen      int
	report   reconcile.Report
	haveDist bool // a distributor snapshot exists
	havePSA  bool // a PSA snapshot exists
	err      error
}

// syncStepMsg is one step of the sync run.
type syncStepMsg struct {
	run  int
	step SyncStep
}

// syncDoneMsg ends the sync run; last holds each source's last step.
type syncDoneMsg struct {
	run  int
	last map[SyncSource]SyncStep
	err  error
}

// planMsg carries a plan made for the Changes view.
type planMsg struct {
	gen  int
	plan reconcile.Plan
	err  error
}

// applyStepMsg is one change's result while an apply runs.
type applyStepMsg struct {
	run         int
	done, total int
	result      workflow.ApplyResult
}

// applyDoneMsg ends an apply: settled are the interrupted writes of an
// earlier run that it settled first; err stops the run (a refused plan, the
// store), never one line.
type applyDoneMsg struct {
	run     int
	settled []connectors.PSAWrite
	results []workflow.ApplyResult
	err     error
}

// afterApplyMsg ends the re-read of the PSA after an apply.
type afterApplyMsg struct{ err error }

// auditMsg carries the write log.
type auditMsg struct {
	writes []connectors.PSAWrite
	err    error
}

// The commands capture a context, the dependency and ids, never the model.

func loadReport(r Reporter, gen int) tea.Cmd {
	return func() tea.Msg {
		t, err := r.Tables()
		return reportMsg{gen: gen, report: t.Report, haveDist: t.HaveDistributor, havePSA: t.HavePSA, err: err}
	}
}

func makePlan(p Planner, o workflow.PlanOptions, gen int) tea.Cmd {
	return func() tea.Msg {
		plan, err := p.Plan(o)
		return planMsg{gen: gen, plan: plan, err: err}
	}
}

func loadAudit(log AuditLog) tea.Cmd {
	return func() tea.Msg {
		writes, err := log.PSAWrites(false)
		return auditMsg{writes: writes, err: err}
	}
}

func afterApply(ctx context.Context, reread func(context.Context) error) tea.Cmd {
	return func() tea.Msg {
		if reread == nil {
			return afterApplyMsg{}
		}
		return afterApplyMsg{err: reread(ctx)}
	}
}

// pipe carries a long job's messages to the screen one at a time, in the
// order they were sent: its steps, then its end. The job sends, and next
// (re-armed by the screen after each message but the last) receives. A
// step waits while the screen is behind, so none is lost, and gives up
// once ctx ends; the end always goes through, so that the screen learns
// the job is over.
type pipe struct {
	ctx    context.Context
	mu     sync.Mutex
	ch     chan tea.Msg
	closed bool
}

func newPipe(ctx context.Context) *pipe {
	return &pipe{ctx: ctx, ch: make(chan tea.Msg, 64)}
}

// send sends a step; a step sent after the end is dropped.
func (p *pipe) send(msg tea.Msg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	select {
	case p.ch <- msg:
	case <-p.ctx.Done():
	}
}

// end sends the job's last message and closes the pipe.
func (p *pipe) end(msg tea.Msg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.ch <- msg
	p.closed = true
	close(p.ch)
}

// next receives the pipe's next message; nil once it is closed.
func (p *pipe) next() tea.Cmd {
	ch := p.ch
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// runSync runs the sync, sending each step down p and then the last step
// of every source. Its own message is nil: everything goes through p.
func runSync(ctx context.Context, fn SyncFunc, run int, p *pipe) tea.Cmd {
	return func() tea.Msg {
		var last lockedSteps
		err := fn(ctx, func(s SyncStep) {
			last.set(s)
			p.send(syncStepMsg{run: run, step: s})
		})
		p.end(syncDoneMsg{run: run, last: last.all(), err: err})
		return nil
	}
}

// lockedSteps keeps the last step of each source; progress may come from
// several goroutines.
type lockedSteps struct {
	mu    sync.Mutex
	steps map[SyncSource]SyncStep
}

func (l *lockedSteps) set(s SyncStep) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.steps == nil {
		l.steps = map[SyncSource]SyncStep{}
	}
	l.steps[s.Source] = s
}

func (l *lockedSteps) all() map[SyncSource]SyncStep {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[SyncSource]SyncStep, len(l.steps))
	for k, v := range l.steps {
		out[k] = v
	}
	return out
}

// applyJob is what an apply needs, captured when it starts.
type applyJob struct {
	writer Applier
	plans  Planner
	audit  AuditLog
	homeID string
	plan   reconcile.Plan
	only   []int
}

// runApply settles what an interrupted run left (never writing a line
// twice), checks that the plan still holds against the store (another
// seats may have synced since it was made), then applies the chosen
// changes, sending each result down p, then the end.
func runApply(ctx context.Context, job applyJob, run int, p *pipe) tea.Cmd {
	return func() tea.Msg {
		done := applyDoneMsg{run: run}
		defer func() { p.end(done) }()
		done.settled, done.err = job.writer.Resolve(ctx)
		if done.err != nil {
			return nil
		}
		var keep workflow.WriteKeeper
		if k, ok := job.audit.(workflow.WriteKeeper); ok {
			keep = k
		}
		if done.err = job.plans.CheckPlan(job.plan, job.homeID, keep); done.err != nil {
			return nil
		}
		done.results, done.err = job.writer.Apply(ctx, job.plan, job.only, func(n, total int, r workflow.ApplyResult) {
			p.send(applyStepMsg{run: run, done: n, total: total, result: r})
		})
		return nil
	}
}
