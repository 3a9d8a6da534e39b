// Package consent is the "Customers & consent" step: a table of every
// customer with its GDAP status, the roles that matter and seats' consent
// state, with search, filter and sort; consent one customer (Option A, the
// customer's admin accepts a link; Option B, the partner account through
// GDAP) or every eligible customer at once. The wizard goes on once one
// customer is Ready.
package consent

import (
	"context"
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/tui/common"
)

// BulkConcurrency is how many consents the bulk action runs at once:
// enough to be quick with hundreds of customers, few enough not to be
// throttled by Partner Center.
const BulkConcurrency = 4

// ErrNoneReady is the Gate's answer until one customer is Ready.
var ErrNoneReady = errors.New("Continue needs at least one Ready customer: consent one with c, or all eligible with a")

// Task ids in the status bar.
const (
	taskRefresh = "consent/refresh"
	taskBulk    = "consent/bulk"
)

// mode is what the screen is doing with the keyboard.
type mode int

const (
	modeTable       mode = iota
	modeSearch           // typing in the search box
	modeChoose           // asking Option A or B
	modeAdminWait        // Option A: link shown, waiting for the admin
	modeConfirmBulk      // asking y/n before the bulk consent
	modeResults          // showing the bulk consent's per-customer results
)

// Model is the Customers & consent screen. Create it with New.
type Model struct {
	c      *common.Common
	keys   keyMap
	search common.Search
	width  int
	height int
	mode   mode

	// The data. all is in the order the dependency returned; visible holds
	// indexes into all after filter, search and sort; View renders only the
	// rows of visible that fit.
	all        []connectors.CustomerStatus
	index      map[string]int // tenant id -> index in all
	searchKeys []string       // lower-case name, domain and tenant id, per customer
	sortNames  []string       // lower-case name, per customer
	visible    []int
	counts     counts
	loaded     bool
	// The widest name and domain, so that columns take only the room the
	// data needs.
	longestName   int
	longestDomain int

	filter filter
	sort   sortOrder
	cursor int // position in visible
	offset int // first row of visible shown

	// Background work.
	refreshing bool
	refreshGen int
	pending    map[string]bool // tenants being consented right now
	// ctx is the parent of every call of the screen; the root cancels it on
	// quit. Esc cancels the Option A wait and the bulk consent through their
	// own child contexts.
	ctx context.Context

	// Option A.
	target      connectors.CustomerStatus // the customer of the dialog
	adminURL    string
	adminGen    int
	adminCancel context.CancelFunc

	// Bulk.
	bulk          *bulkRun // the running bulk consent, if any
	lastBulk      *bulkRun // the finished one whose results are shown
	bulkRuns      int
	resultsOffset int
}

// bulkRun is one bulk consent: a queue drained BulkConcurrency at a time.
type bulkRun struct {
	id       int
	ctx      context.Context
	cancel   context.CancelFunc
	queue    []string
	inFlight int
	total    int
	stopped  bool
	results  []bulkResult
}

// bulkResult is the outcome for one customer.
type bulkResult struct {
	tenantID string
	name     string
	ok       bool
	reason   string
}

var _ common.Screen = (*Model)(nil)

// New returns the Customers & consent screen. It loads nothing until Init.
func New(c *common.Common) *Model {
	m := &Model{
		c:       c,
		keys:    defaultKeys(),
		search:  common.NewSearch(c.Styles, "name, domain or tenant id · enter keeps · esc clears"),
		index:   map[string]int{},
		pending: map[string]bool{},
		ctx:     c.Ctx,
	}
	m.syncKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenConsent }

// Typing implements common.Screen: true while the search box has focus.
func (m *Model) Typing() bool { return m.mode == modeSearch }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.search.SetWidth(width)
	m.clampScroll()
}

// Gate implements common.Screen: at least one customer must be Ready.
func (m *Model) Gate() error {
	if m.counts.ready > 0 {
		return nil
	}
	return ErrNoneReady
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return m.keys.short() }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.full() }

// Init reads the stored customers; the refresh from Partner Center follows.
func (m *Model) Init() tea.Cmd {
	return common.ForScreen(m.ID(), loadStatuses(m.c.Deps.Customers))
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.handleKey(msg)
	case tea.FocusMsg:
		// Back from another window, where another seats may have
		// consented customers: show what the store says now.
		cmd = m.reload(justShow)
	case statusesMsg:
		cmd = m.handleStatuses(msg)
	case refreshedMsg:
		cmd = m.handleRefreshed(msg)
	case consentedMsg:
		cmd = m.handleConsented(msg)
	case adminConsentMsg:
		cmd = m.handleAdminConsent(msg)
	case openedMsg:
		if msg.err != nil {
			cmd = common.ReportError(m.ID(), "Open the consent link", msg.err)
		} else {
			cmd = common.Status(common.LevelInfo, "Opened the consent link in your browser")
		}
	default:
		if m.mode == modeSearch {
			cmd = m.updateSearch(msg)
		}
	}
	m.syncKeys()
	return m, cmd
}

func (m *Model) syncKeys() {
	m.keys.sync(m.mode, m.bulk != nil, m.search.Query() != "", m.c.CanOpenURL(), m.c.CanCopy())
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeSearch:
		return m.searchKey(msg)
	case modeChoose:
		return m.chooseKey(msg)
	case modeAdminWait:
		return m.adminWaitKey(msg)
	case modeConfirmBulk:
		return m.confirmKey(msg)
	case modeResults:
		return m.resultsKey(msg)
	}
	return m.tableKey(msg)
}

func (m *Model) tableKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-m.pageSize())
	case key.Matches(msg, k.PageDown):
		m.move(m.pageSize())
	case key.Matches(msg, k.Home):
		m.move(-len(m.visible))
	case key.Matches(msg, k.End):
		m.move(len(m.visible))
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.Filter):
		m.filter = m.filter.next()
		m.rebuild()
	case key.Matches(msg, k.Sort):
		if m.sort == sortByName {
			m.sort = sortByStatus
		} else {
			m.sort = sortByName
		}
		m.rebuild()
	case key.Matches(msg, k.Consent):
		return m.askConsent()
	case key.Matches(msg, k.All):
		return m.askBulk()
	case key.Matches(msg, k.Refresh):
		return m.startRefresh()
	case key.Matches(msg, k.Continue):
		return common.Next(m.ID())
	case key.Matches(msg, k.Back):
		return common.Back(m.ID())
	case key.Matches(msg, k.Stop):
		return m.stopBulk()
	case key.Matches(msg, k.Clear):
		m.search.Clear()
		m.rebuild()
	}
	return nil
}

func (m *Model) searchKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.SearchApply):
		m.endSearch(true)
		return nil
	case key.Matches(msg, m.keys.SearchClear):
		m.endSearch(false)
		return nil
	}
	return m.updateSearch(msg)
}

func (m *Model) chooseKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.OptionA):
		return m.startOptionA()
	case key.Matches(msg, m.keys.OptionB):
		m.mode = modeTable
		return m.startOptionB(m.target)
	case key.Matches(msg, m.keys.Cancel):
		m.mode = modeTable
	}
	return nil
}

func (m *Model) adminWaitKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.OpenLink):
		return common.ForScreen(m.ID(), openURL(m.c.Deps.OpenURL, m.adminURL))
	case key.Matches(msg, m.keys.CopyLink):
		return common.Copy(m.adminURL, "Consent link")
	case key.Matches(msg, m.keys.StopWait):
		m.stopAdminWait()
		m.mode = modeTable
		return common.Status(common.LevelInfo, "Stopped waiting for the admin of "+m.target.Name+"; the link still works")
	}
	return nil
}

func (m *Model) confirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.mode = modeTable
		// Read the states again right before acting on them.
		return m.reload(startBulk)
	case key.Matches(msg, m.keys.No):
		m.mode = modeTable
	}
	return nil
}

func (m *Model) resultsKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Close):
		m.mode = modeTable
		m.resultsOffset = 0
	case key.Matches(msg, m.keys.Up):
		m.resultsOffset = max(0, m.resultsOffset-1)
	case key.Matches(msg, m.keys.Down):
		m.resultsOffset++
	case key.Matches(msg, m.keys.PageUp):
		m.resultsOffset = max(0, m.resultsOffset-m.pageSize())
	case key.Matches(msg, m.keys.PageDown):
		m.resultsOffset += m.pageSize()
	case key.Matches(msg, m.keys.Home):
		m.resultsOffset = 0
	case key.Matches(msg, m.keys.End):
		m.resultsOffset = 1 << 30
	}
	return nil
}

// move shifts the cursor by delta rows and scrolls to keep it in view.
func (m *Model) move(delta int) {
	if len(m.visible) == 0 {
		m.cursor = 0
		return
	}
	m.cursor = min(max(m.cursor+delta, 0), len(m.visible)-1)
	m.clampScroll()
}

// clampScroll keeps the cursor inside the shown window of rows.
func (m *Model) clampScroll() {
	m.cursor, m.offset = common.ClampWindow(m.cursor, m.offset, len(m.visible), m.pageSize())
}

// --- loading ---------------------------------------------------------------

func (m *Model) handleStatuses(msg statusesMsg) tea.Cmd {
	if msg.then != atStart {
		return m.handleReload(msg)
	}
	var cmds []tea.Cmd
	if msg.err != nil {
		cmds = append(cmds, common.ReportError(m.ID(), "Read the saved customers", msg.err))
	} else if m.refreshGen == 0 {
		// Only the first load counts: a refresh that already answered is newer.
		m.setData(msg.list)
	}
	if msg.fresh {
		// Read moments ago (another start, a consent in another terminal):
		// reading thousands of customers again would only cost time.
		return tea.Batch(append(cmds, common.Status(common.LevelInfo, "Customers as read from Partner Center a few minutes ago; r reads them again"))...)
	}
	cmds = append(cmds, m.startRefresh())
	return tea.Batch(cmds...)
}

// reload reads the store again (no network): another seats may have
// changed the customers since the screen last read them.
func (m *Model) reload(then afterReload) tea.Cmd {
	return common.ForScreen(m.ID(), reloadStatuses(m.c.Deps.Customers, then))
}

// handleReload shows what the store says now, then does what the reload
// was for: a bulk consent asks and acts on fresh states, never on what the
// screen showed minutes ago.
func (m *Model) handleReload(msg statusesMsg) tea.Cmd {
	if msg.err != nil {
		if msg.then == startBulk || msg.then == confirmBulk {
			m.mode = modeTable
		}
		return common.ReportError(m.ID(), "Read the saved customers", msg.err)
	}
	if m.loaded || len(msg.list) > 0 {
		m.setData(msg.list)
	}
	switch msg.then {
	case confirmBulk:
		if m.mode != modeTable || m.bulk != nil {
			return nil
		}
		if len(m.eligible()) == 0 {
			return common.Status(common.LevelWarning,
				"No eligible customer: every customer with active GDAP is Ready or being consented")
		}
		m.mode = modeConfirmBulk
	case startBulk:
		return m.startBulk()
	}
	return nil
}

func (m *Model) startRefresh() tea.Cmd {
	if m.refreshing {
		return common.Status(common.LevelInfo, "Already loading customers from Partner Center…")
	}
	m.refreshing = true
	m.refreshGen++
	return tea.Batch(
		common.StartTask(taskRefresh, "Loading customers from Partner Center…", 0),
		common.ForScreen(m.ID(), refresh(m.ctx, m.c.Deps.Customers, m.refreshGen)),
	)
}

func (m *Model) handleRefreshed(msg refreshedMsg) tea.Cmd {
	if msg.gen != m.refreshGen {
		return nil
	}
	m.refreshing = false
	if msg.err != nil {
		if connectors.KindOf(msg.err) == connectors.ErrCanceled {
			return common.EndTask(taskRefresh, common.LevelInfo, "")
		}
		return tea.Batch(
			common.EndTask(taskRefresh, common.LevelFailure, "Could not load customers from Partner Center"),
			common.ReportError(m.ID(), "Load customers from Partner Center", msg.err),
		)
	}
	m.setData(msg.list)
	return common.EndTask(taskRefresh, common.LevelSuccess,
		fmt.Sprintf("Loaded %d customers from Partner Center", len(msg.list)))
}

// --- one customer -------------------------------------------------------------

func (m *Model) askConsent() tea.Cmd {
	c, ok := m.selected()
	if !ok {
		return common.Status(common.LevelWarning, "No customer selected")
	}
	if m.pending[c.TenantID] {
		return common.Status(common.LevelInfo, "Already consenting "+c.Name+"…")
	}
	m.target = c
	m.mode = modeChoose
	return nil
}

func (m *Model) startOptionA() tea.Cmd {
	if g := m.target.GDAP.Status; !g.AllowsAccess() {
		// Say it before any link goes out: a consent alone cannot make a
		// customer Ready when seats has no GDAP way into it.
		m.mode = modeTable
		status := g
		if status == "" {
			status = connectors.GDAPNone
		}
		return common.Status(common.LevelWarning, fmt.Sprintf("%s has GDAP %s: seats reads customers through GDAP, so a consent cannot make it Ready. Set up or renew GDAP in Partner Center first; no link was sent.",
			m.target.Name, status.Label()))
	}
	m.stopAdminWait()
	m.adminURL = m.c.Deps.Customers.AdminConsentURL(m.target.TenantID)
	m.adminGen++
	ctx, cancel := context.WithCancel(m.ctx)
	m.adminCancel = cancel
	m.mode = modeAdminWait
	cmds := []tea.Cmd{common.ForScreen(m.ID(), waitAdminConsent(ctx, m.c.Deps.Customers, m.adminGen, m.target.TenantID))}
	if m.c.CanCopy() {
		cmds = append(cmds, common.Copy(m.adminURL, "Consent link"))
	}
	return tea.Batch(cmds...)
}

func (m *Model) stopAdminWait() {
	if m.adminCancel != nil {
		m.adminCancel()
		m.adminCancel = nil
	}
}

func (m *Model) handleAdminConsent(msg adminConsentMsg) tea.Cmd {
	if msg.gen != m.adminGen || m.adminCancel == nil {
		return nil // a wait the user stopped
	}
	m.stopAdminWait()
	if m.mode == modeAdminWait {
		m.mode = modeTable
	}
	name := m.nameOf(msg.tenantID)
	if msg.err != nil {
		if connectors.KindOf(msg.err) == connectors.ErrCanceled {
			return nil
		}
		if msg.status.TenantID != "" {
			m.setOne(msg.status)
		}
		return common.ReportError(m.ID(), "Wait for the admin of "+name+" to consent", msg.err)
	}
	m.setOne(msg.status)
	if msg.status.Ready() {
		return tea.Batch(m.reload(justShow), common.Status(common.LevelSuccess, name+" is Ready (consented by its admin)"))
	}
	return tea.Batch(m.reload(justShow), common.Status(common.LevelWarning, name+": "+reason(msg.status)))
}

func (m *Model) startOptionB(c connectors.CustomerStatus) tea.Cmd {
	m.pending[c.TenantID] = true
	m.recount()
	m.rebuild()
	return tea.Batch(
		common.StartTask(singleTask(c.TenantID), "Consenting "+c.Name+" with your partner account…", 0),
		common.ForScreen(m.ID(), consentPartner(m.ctx, m.c.Deps.Customers, 0, c.TenantID)),
	)
}

func singleTask(tenantID string) string { return "consent/" + tenantID }

func (m *Model) handleConsented(msg consentedMsg) tea.Cmd {
	if msg.run != 0 {
		return m.handleBulkResult(msg)
	}
	delete(m.pending, msg.tenantID)
	ok, why := m.applyResult(msg)
	name := m.nameOf(msg.tenantID)
	return tea.Batch(m.reload(justShow), m.singleResult(msg, ok, why, name))
}

// singleResult reports the end of one Option B consent.
func (m *Model) singleResult(msg consentedMsg, ok bool, why, name string) tea.Cmd {
	switch {
	case ok:
		return common.EndTask(singleTask(msg.tenantID), common.LevelSuccess, name+" is Ready")
	case connectors.KindOf(msg.err) == connectors.ErrCanceled:
		return common.EndTask(singleTask(msg.tenantID), common.LevelInfo, "Consent of "+name+" stopped")
	case msg.err != nil:
		return tea.Batch(
			common.EndTask(singleTask(msg.tenantID), common.LevelFailure, name+": "+why),
			common.ReportError(m.ID(), "Consent "+name+" with the partner account", msg.err),
		)
	}
	return common.EndTask(singleTask(msg.tenantID), common.LevelWarning, name+": "+why)
}

// applyResult records a consent result in the table. It reports whether
// the customer is Ready and, if not, why.
func (m *Model) applyResult(msg consentedMsg) (ready bool, why string) {
	if msg.status.TenantID != "" {
		m.setOne(msg.status)
	}
	if msg.err != nil {
		why = msg.err.Error()
		if msg.status.Consent.Reason != "" {
			why = msg.status.Consent.Reason
		}
		if msg.status.TenantID == "" && connectors.KindOf(msg.err) != connectors.ErrCanceled {
			m.markFailed(msg.tenantID, why)
		}
		m.recount()
		m.rebuild()
		return false, why
	}
	m.recount()
	m.rebuild()
	if msg.status.Ready() {
		return true, ""
	}
	return false, reason(msg.status)
}

func (m *Model) nameOf(tenantID string) string {
	if i, ok := m.index[tenantID]; ok && m.all[i].Name != "" {
		return m.all[i].Name
	}
	return tenantID
}

// --- bulk ------------------------------------------------------------------

func (m *Model) askBulk() tea.Cmd {
	if m.bulk != nil {
		return common.Status(common.LevelInfo, "A bulk consent is already running")
	}
	// Ask with the states the store holds now (another seats may have
	// consented some meanwhile); handleReload shows the question.
	return m.reload(confirmBulk)
}

func (m *Model) startBulk() tea.Cmd {
	if m.bulk != nil {
		return nil
	}
	ids := m.eligible()
	if len(ids) == 0 {
		return common.Status(common.LevelInfo, "Nothing left to consent: the customers are Ready already (another seats may have consented them)")
	}
	m.bulkRuns++
	ctx, cancel := context.WithCancel(m.ctx)
	b := &bulkRun{id: m.bulkRuns, ctx: ctx, cancel: cancel, queue: ids, total: len(ids)}
	m.bulk = b
	cmds := []tea.Cmd{common.StartTask(taskBulk, "Consenting eligible customers", b.total)}
	for b.inFlight < BulkConcurrency && len(b.queue) > 0 {
		cmds = append(cmds, m.launch(b))
	}
	m.recount()
	m.rebuild()
	return tea.Batch(cmds...)
}

// launch starts the next queued consent of b.
func (m *Model) launch(b *bulkRun) tea.Cmd {
	id := b.queue[0]
	b.queue = b.queue[1:]
	b.inFlight++
	m.pending[id] = true
	return common.ForScreen(m.ID(), consentPartner(b.ctx, m.c.Deps.Customers, b.id, id))
}

func (m *Model) handleBulkResult(msg consentedMsg) tea.Cmd {
	b := m.bulk
	if b == nil || msg.run != b.id {
		return nil
	}
	delete(m.pending, msg.tenantID)
	b.inFlight--
	ok, why := m.applyResult(msg)
	res := bulkResult{tenantID: msg.tenantID, name: m.nameOf(msg.tenantID), ok: ok, reason: why}
	if connectors.KindOf(msg.err) == connectors.ErrCanceled {
		res.reason = "stopped before it finished"
	}
	b.results = append(b.results, res)

	var cmds []tea.Cmd
	for !b.stopped && b.inFlight < BulkConcurrency && len(b.queue) > 0 {
		cmds = append(cmds, m.launch(b))
	}
	if len(cmds) > 0 {
		m.recount()
		m.rebuild()
	}
	if b.inFlight > 0 {
		cmds = append(cmds, common.TaskProgress(taskBulk, len(b.results), b.total))
		return tea.Batch(cmds...)
	}
	return m.finishBulk()
}

func (m *Model) stopBulk() tea.Cmd {
	b := m.bulk
	if b == nil {
		return nil
	}
	b.stopped = true
	b.cancel()
	if b.inFlight == 0 {
		return m.finishBulk()
	}
	return common.Status(common.LevelInfo, "Stopping the bulk consent…")
}

func (m *Model) finishBulk() tea.Cmd {
	b := m.bulk
	m.bulk = nil
	b.cancel()
	ok, failed := b.tally()
	level := common.LevelSuccess
	if failed > 0 {
		level = common.LevelWarning
	}
	text := fmt.Sprintf("Bulk consent: %d Ready, %d not", ok, failed)
	if n := len(b.queue); n > 0 {
		text += fmt.Sprintf(", %d not started", n)
	}
	m.lastBulk = b
	m.mode = modeResults
	m.resultsOffset = 0
	return tea.Batch(m.reload(justShow), common.EndTask(taskBulk, level, text))
}

// QuitWarning implements common.QuitGuard: quitting stops a bulk consent.
func (m *Model) QuitWarning() string {
	if b := m.bulk; b != nil {
		return fmt.Sprintf("Bulk consent running (%d of %d done).", len(b.results), b.total)
	}
	return ""
}

func (b *bulkRun) tally() (ok, failed int) {
	for _, r := range b.results {
		if r.ok {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}

func (m *Model) pageSize() int {
	return max(1, m.tableRows())
}
