// Package licences is the step the wizard ends on, "Licences": the licence
// tables and what to do about them, in four views inside one screen.
//
//   - Portfolio: one line per customer with its seats (enabled, assigned,
//     unused), findings and money per month at stake, the age of its
//     oldest data (stale data marked), sorted by money at stake, with
//     filter, search and a header of totals per currency and of what is
//     still not matched.
//   - Customer (enter): one row per SKU with a bar of assigned against
//     enabled, a row per term below it, the findings below the rows they
//     concern, and a pane saying where the selected row's numbers came
//     from.
//   - Changes (c): the plan of PSA quantity changes; select some or all,
//     review, apply, and see the result per line. Read-only while
//     psa.write_enabled is off.
//   - Audit (A): the PSA write log, newest first.
//
// The screen reads and acts only through Deps: small interfaces defined
// here and satisfied by *workflow.Reporting, *workflow.Applier and the
// store, plus a sync function. Every call runs in a command (cmds.go).
//
// Wiring, in the root:
//
//	screen := licences.New(c, licences.Deps{
//		Reports: reporting, Plans: reporting, PlanOptions: opts,
//		Writer: applier, WriteEnabled: cfg.PSA.WriteEnabled, PSAName: "ConnectWise",
//		Audit: st, Sync: licences.SyncAll(buildEverything), AfterApply: rereadPSA,
//	})
package licences

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
)

// Reporter gives the licence tables from what the store holds, and which
// sources were read at all; *workflow.Reporting satisfies it (with the
// tables kept from their last computation while they hold).
type Reporter interface {
	Tables() (reconcile.Tables, error)
}

// Planner makes the plan of PSA changes and checks one before it is
// applied; *workflow.Reporting satisfies it.
type Planner interface {
	// Plan computes the changes that fix the billing findings; its error
	// says why there is none (no PSA read yet).
	Plan(o workflow.PlanOptions) (reconcile.Plan, error)
	// CheckPlan refuses a plan from another home or one a newer sync made
	// stale (workflow.ErrPlanRefused); keep may be nil.
	CheckPlan(p reconcile.Plan, homeID string, keep workflow.WriteKeeper) error
}

// Applier writes a plan to the PSA; *workflow.Applier satisfies it.
type Applier interface {
	// Resolve settles the writes an interrupted run left pending, by
	// re-reading their lines; it writes nothing.
	Resolve(ctx context.Context) ([]connectors.PSAWrite, error)
	// Apply writes the changes of p at the indexes only (all when nil),
	// calling progress after each; the error is for what stops the whole
	// run, never for one line.
	Apply(ctx context.Context, p reconcile.Plan, only []int, progress workflow.ApplyProgress) ([]workflow.ApplyResult, error)
}

// AuditLog reads the PSA write log, newest first; *store.Store satisfies
// it. When it is also a workflow.WriteKeeper (the store is), a plan check
// leaves alone the lines the plan already changed.
type AuditLog interface {
	PSAWrites(pendingOnly bool) ([]connectors.PSAWrite, error)
}

// SyncSource names one source of a sync.
type SyncSource string

// The sources a sync reads.
const (
	SyncMicrosoft   SyncSource = "microsoft"
	SyncDistributor SyncSource = "distributor"
	SyncPSA         SyncSource = "psa"
)

// SyncStep is how far a sync is in one source.
type SyncStep struct {
	Source SyncSource
	// Label names the source for people: "Microsoft tenants", "Pax8",
	// "ConnectWise". Empty uses a default per Source.
	Label string
	// Done of Total: tenants for Microsoft; 0 or 1 of 1 for the
	// distributor and the PSA. Total 0 means not known yet.
	Done, Total int
	// Finished is set on the source's last step. Err then says why the
	// source failed (its previous snapshot is kept and marked stale);
	// Failed counts the tenants that failed.
	Finished bool
	Failed   int
	Err      error
}

// SyncFunc reads every source (the Microsoft licences of the Ready
// customers, the distributor, the PSA) into the store, calling progress
// as it goes, from any goroutine, possibly at once from several. A source
// whose data could not be read says so in its last step; the error is for
// what went wrong beyond that (the sign-in is gone, the store could not be
// written), and the error box shows it. When ctx ends it stops and
// returns. SyncAll builds one over a sync of every source.
type SyncFunc func(ctx context.Context, progress func(SyncStep)) error

// Deps are what the licence tables read and do. cmd/seats builds them from
// the store, the workflow and the config; tests pass fakes.
type Deps struct {
	// Reports computes the tables (required).
	Reports Reporter
	// Plans makes the Changes view's plan; nil hides the view.
	Plans Planner
	// PlanOptions say whose plan it is and how the PSA applies changes
	// (home id, PSA kind, timing, psa.effective_date).
	PlanOptions workflow.PlanOptions
	// PSAName is the PSA as people name it ("ConnectWise"); "" says "the
	// PSA".
	PSAName string
	// Writer applies plans; nil, or WriteEnabled false, keeps the Changes
	// view read-only.
	Writer Applier
	// WriteEnabled is psa.write_enabled. WriteEnabledNow, when set, is
	// asked instead each time, so turning writes on in the Settings step
	// counts without restarting the wizard.
	WriteEnabled    bool
	WriteEnabledNow func() bool
	// ConfigFile is where config.yaml is, to say where writes are turned
	// on; "" says config.yaml.
	ConfigFile string
	// Audit reads the write log; nil hides the Audit view.
	Audit AuditLog
	// Sync runs the sync key; nil hides it.
	Sync SyncFunc
	// SyncOnStart runs Sync once the first tables are shown (the end of
	// the first run of the wizard).
	SyncOnStart bool
	// AfterApply re-reads the PSA once changes were applied, so that the
	// tables show what it holds now; nil only recomputes them from the
	// store.
	AfterApply func(ctx context.Context) error
	// StaleAfter is sync.stale_after: data older than this is marked
	// stale as well as data whose last read failed. Zero marks only those.
	StaleAfter time.Duration
}

// view is which of the screen's views is in front.
type view int

const (
	viewPortfolio view = iota
	viewCustomer
	viewChanges
	viewAudit
)

// Task ids in the status bar.
const (
	taskLoad  = "licences/load"
	taskSync  = "licences/sync"
	taskApply = "licences/apply"
	taskPlan  = "licences/plan"
)

// Model is the Licences screen. Create it with New.
type Model struct {
	c      *common.Common
	deps   Deps
	keys   keyMap
	search common.Search
	width  int
	height int
	view   view

	// The report and what is derived from it once per load, so that View
	// only slices and formats the rows on screen.
	report    reconcile.Report
	haveDist  bool
	havePSA   bool
	loaded    bool
	loading   bool
	loadErr   error
	loadGen   int
	reloadDue bool // a reload was asked for while one ran

	portfolio portfolio
	customer  customerView
	changes   changesView
	audit     auditView

	// Background work. ctx is the parent of every call; the root cancels
	// it on quit.
	ctx      context.Context
	sync     *syncRun
	syncRuns int
	started  bool
}

var _ common.Screen = (*Model)(nil)

// New returns the Licences screen; it reads nothing until Init.
func New(c *common.Common, deps Deps) *Model {
	m := &Model{c: c, deps: deps, keys: defaultKeys(), search: common.NewSearch(c.Styles, "customer name or tenant id · enter keeps · esc clears"), ctx: c.Ctx}
	m.portfolio.sort = sortByMoney
	m.syncKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenLicences }

// Typing implements common.Screen: true while the search box has focus.
func (m *Model) Typing() bool { return m.portfolio.searching }

// Gate implements common.Screen: the last step, nothing to pass.
func (m *Model) Gate() error { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.search.SetWidth(width)
	m.portfolio.clamp(m.portfolioRows())
	m.customer.clamp(m.customerRows())
	m.changes.clamp(m.changesRows())
	m.audit.clamp(m.auditRows())
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return m.keys.short() }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.full() }

// QuitWarning implements common.QuitGuard: quitting stops an apply or a
// sync.
func (m *Model) QuitWarning() string {
	switch {
	case m.changes.apply != nil:
		a := m.changes.apply
		return fmt.Sprintf("Applying changes to %s (%d of %d done); a change being written is settled on the next apply.",
			m.psaName(), len(a.results), a.total)
	case m.sync != nil:
		return "A sync is running; what it read so far is kept."
	}
	return ""
}

// Init reads the tables from the store.
func (m *Model) Init() tea.Cmd {
	return m.reload()
}

// reload recomputes the report from the store; one at a time, and one
// more if asked for meanwhile, so that the last answer is the newest.
func (m *Model) reload() tea.Cmd {
	if m.loading {
		m.reloadDue = true
		return nil
	}
	m.loading = true
	m.loadGen++
	return tea.Batch(
		common.StartTask(taskLoad, "Computing the licence tables…", 0),
		common.ForScreen(m.ID(), loadReport(m.deps.Reports, m.loadGen)),
	)
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.handleKey(msg)
	case tea.FocusMsg:
		// Back from another window, where a seats sync or apply may have
		// changed the store: show what it holds now.
		cmd = m.reload()
	case reportMsg:
		cmd = m.handleReport(msg)
	case syncStepMsg:
		cmd = m.handleSyncStep(msg)
	case syncDoneMsg:
		cmd = m.handleSyncDone(msg)
	case planMsg:
		cmd = m.handlePlan(msg)
	case applyStepMsg:
		cmd = m.handleApplyStep(msg)
	case applyDoneMsg:
		cmd = m.handleApplyDone(msg)
	case afterApplyMsg:
		cmd = m.handleAfterApply(msg)
	case auditMsg:
		cmd = m.handleAudit(msg)
	default:
		if m.portfolio.searching {
			cmd = m.updateSearch(msg)
		}
	}
	m.syncKeys()
	return m, cmd
}

func (m *Model) syncKeys() {
	m.keys.sync(keyState{
		view:      m.view,
		searching: m.portfolio.searching,
		searched:  m.portfolio.query != "",
		changes:   m.deps.Plans != nil,
		audit:     m.deps.Audit != nil,
		canSync:   m.deps.Sync != nil && m.sync == nil,
		step:      m.changes.step,
		writable:  m.writable(),
		hasPlan:   m.changes.plan != nil && len(m.changes.plan.Changes) > 0,
	})
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if m.portfolio.searching {
		return m.searchKey(msg)
	}
	switch m.view {
	case viewCustomer:
		return m.customerKey(msg)
	case viewChanges:
		return m.changesKey(msg)
	case viewAudit:
		return m.auditKey(msg)
	}
	return m.portfolioKey(msg)
}

// commonKey handles the keys every view shares: sync, and the moves to the
// other views. ok is false when msg is none of them.
func (m *Model) commonKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.keys.Sync):
		return m.startSync(), true
	case key.Matches(msg, m.keys.Changes):
		return m.openChanges(), true
	case key.Matches(msg, m.keys.Audit):
		return m.openAudit(), true
	}
	return nil, false
}

func (m *Model) handleReport(msg reportMsg) tea.Cmd {
	if msg.gen != m.loadGen {
		return nil
	}
	m.loading = false
	var cmds []tea.Cmd
	if msg.err != nil {
		m.loadErr = msg.err
		cmds = append(cmds,
			common.EndTask(taskLoad, common.LevelFailure, ""),
			common.ReportError(m.ID(), "Compute the licence tables", msg.err))
	} else {
		m.loadErr = nil
		m.setReport(msg.report, msg.haveDist, msg.havePSA)
		cmds = append(cmds, common.EndTask(taskLoad, common.LevelInfo, ""))
		switch {
		case m.view == viewChanges:
			// The numbers moved: the plan on show is made again from them.
			cmds = append(cmds, m.makePlan())
		case m.changes.apply == nil:
			// Made again when the view opens next.
			m.changes.plan, m.changes.planErr, m.changes.items = nil, nil, nil
			if m.changes.loading {
				m.changes.loading = false
				m.changes.planGen++ // its answer comes from older numbers
				cmds = append(cmds, common.EndTask(taskPlan, common.LevelInfo, ""))
			}
		}
	}
	if m.reloadDue {
		m.reloadDue = false
		cmds = append(cmds, m.reload())
	} else if !m.started {
		m.started = true
		if m.deps.SyncOnStart && m.deps.Sync != nil {
			cmds = append(cmds, m.startSync())
		}
	}
	return tea.Batch(cmds...)
}

// setReport takes a new report, keeping the portfolio's cursor and the
// open customer where they were.
func (m *Model) setReport(rep reconcile.Report, haveDist, havePSA bool) {
	m.report = rep
	m.haveDist, m.havePSA = haveDist, havePSA
	m.loaded = true
	m.portfolio.build(&m.report, haveDist, havePSA)
	m.portfolio.rebuild(m.portfolioRows(), m.c.Now(), m.deps.StaleAfter)
	if m.customer.tenantID != "" {
		m.openCustomer(m.customer.tenantID)
	}
}

// writable reports whether the Changes view may apply.
func (m *Model) writable() bool {
	return m.writeEnabled() && m.deps.Writer != nil
}

func (m *Model) psaName() string {
	if m.deps.PSAName != "" {
		return m.deps.PSAName
	}
	return "the PSA"
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	if !m.loaded {
		if m.loadErr != nil {
			msg := "! The licence tables could not be computed (the error box says why)."
			if m.deps.Sync != nil {
				msg += " s syncs every source and tries again."
			}
			return joinLines(wrapStyled(st.Warn, msg, m.width))
		}
		return st.Muted.Render("Computing the licence tables…")
	}
	switch m.view {
	case viewCustomer:
		return m.customerView()
	case viewChanges:
		return m.changesView()
	case viewAudit:
		return m.auditView()
	}
	return m.portfolioView()
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

// writeEnabled is psa.write_enabled as it stands now.
func (m *Model) writeEnabled() bool {
	if m.deps.WriteEnabledNow != nil {
		return m.deps.WriteEnabledNow()
	}
	return m.deps.WriteEnabled
}
