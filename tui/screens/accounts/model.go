// Package accounts is the wizard's step 3, "Match accounts": one row per
// Microsoft customer with its distributor account and PSA company, the
// evidence behind each match and a state (auto, confirmed, suggested with
// its score, unmapped, conflict, missing, excluded). The engineer filters
// and searches the table, confirms a suggestion with one key, picks the
// counterpart from a searchable list (or says there is none), and excludes
// internal or test tenants. The matching itself is the Matcher's (the
// automatic pass runs when the screen opens, and again on r); every change
// is one call of it, run in a command, one at a time.
//
// A side whose source is not connected yet (no snapshot read) shows "not
// connected", and the gate then asks only for the connected sides: the
// wizard goes on once one customer is fully matched.
package accounts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/picker"
)

// Matcher is what the screen needs of matching; *workflow.Matching
// satisfies it. Each method reads what the store holds, makes one change
// and saves it; none is safe to run twice at once, so the screen never
// does.
type Matcher interface {
	// Refresh runs every automatic pass over the latest snapshots,
	// keeping what people matched, saves and returns the result.
	Refresh() (workflow.MatchView, error)
	// SetAccount records a person's match of one side of a customer;
	// accountID "" is a confirmed "no account". An account another
	// customer holds is refused with workflow.ErrAccountTaken, whose
	// text names that customer.
	SetAccount(tenantID string, side connectors.ConnectorKind, accountID string) (reconcile.AccountMapping, error)
	// ConfirmAccount turns one side's suggestion into a match made by
	// hand.
	ConfirmAccount(tenantID string, side connectors.ConnectorKind) (reconcile.AccountMapping, error)
	// Exclude excludes a customer from matching, or brings it back.
	Exclude(tenantID string, excluded bool) (reconcile.AccountMapping, error)
}

// Errors the Gate returns; each says what to do.
var (
	ErrStillMatching  = errors.New("Still matching accounts: wait for the automatic pass to finish")
	ErrNothingToMatch = errors.New("Nothing to match yet: seats has read no distributor accounts or PSA companies. Run a sync (seats sync), then press r here")
	// ErrNoneMatched is wrapped with the keys that fix it.
	ErrNoneMatched = errors.New("Continue needs one customer fully matched")
)

// taskRefresh is the status bar's task id of the automatic pass.
const taskRefresh = "accounts/refresh"

// mode is what the screen is doing with the keyboard.
type mode int

const (
	modeTable  mode = iota
	modeSearch      // typing in the table's search box
	modePick        // the picker of one side is open
)

// Model is the accounts screen. Create it with New.
type Model struct {
	c      *common.Common
	mt     Matcher
	keys   keyMap
	search common.Search
	width  int
	height int
	mode   mode

	// data is the last matching view: the candidates of both sides. rows
	// holds one classified customer per mapping, in the view's order;
	// visible holds indexes into rows after filter and search, sorted by
	// name; View renders only the rows of visible that fit.
	data      workflow.MatchView
	connected sides
	rows      []row
	index     map[string]int // lower-case tenant id -> index in rows
	visible   []int
	counts    counts
	// holders maps each side's matched account ids (lower case) to the
	// row holding them: the picker marks them as taken.
	holders     [2]map[string]int
	loaded      bool
	longestName int

	filter filter
	cursor int // position in visible
	offset int // first row of visible shown

	// The picker of one side of one customer.
	picker     picker.Model
	pickSide   connectors.ConnectorKind
	pickTenant string

	// Calls of the matcher run one at a time: busy while one is out,
	// queue holds the next.
	calls      common.Serial // the matcher's calls, one at a time
	refreshing bool
}

var _ common.Screen = (*Model)(nil)

// New returns the accounts screen over mt. It reads nothing until Init.
func New(c *common.Common, mt Matcher) *Model {
	m := &Model{
		c:       c,
		mt:      mt,
		keys:    defaultKeys(),
		search:  common.NewSearch(c.Styles, "customer, tenant id or account name · enter keeps · esc clears"),
		index:   map[string]int{},
		holders: [2]map[string]int{{}, {}},
	}
	m.syncKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenAccounts }

// Typing implements common.Screen: true while a search box has focus.
func (m *Model) Typing() bool { return m.mode == modeSearch || m.mode == modePick }

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.search.SetWidth(width)
	m.clampScroll()
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return m.keys.short() }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.full() }

// Gate implements common.Screen: one customer must be fully matched on
// every connected side (a side said to have no account counts as settled,
// as long as the customer has one account somewhere).
func (m *Model) Gate() error {
	switch {
	case !m.loaded:
		return ErrStillMatching
	case !m.connected.dist && !m.connected.psa:
		return ErrNothingToMatch
	case m.counts.ready > 0:
		return nil
	}
	return fmt.Errorf("%w: confirm a suggestion with y, or pick its account with %s", ErrNoneMatched, m.pickKeys())
}

// pickKeys names the pick keys of the connected sides.
func (m *Model) pickKeys() string {
	var keys []string
	if m.connected.dist {
		keys = append(keys, "d ("+m.sideLabel(connectors.KindDistributor)+")")
	}
	if m.connected.psa {
		keys = append(keys, "p ("+m.sideLabel(connectors.KindPSA)+")")
	}
	return strings.Join(keys, " or ")
}

// ShowToDo shows the customers that still need a person, from the top:
// the summary's "unmapped queue" opens the screen this way.
func (m *Model) ShowToDo() {
	m.mode = modeTable
	m.search.Close(false)
	m.filter = filterToDo
	m.cursor, m.offset = 0, 0
	m.rebuildKeeping("")
	m.syncKeys()
}

// Init runs the automatic pass.
func (m *Model) Init() tea.Cmd { return m.startRefresh() }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.handleKey(msg)
	case refreshedMsg:
		cmd = m.handleRefreshed(msg)
	case changedMsg:
		cmd = m.handleChanged(msg)
	default:
		switch m.mode {
		case modeSearch:
			cmd = m.updateSearch(msg)
		case modePick:
			cmd = common.ForScreen(m.ID(), m.picker.Update(msg))
		}
	}
	m.syncKeys()
	return m, cmd
}

func (m *Model) syncKeys() {
	dist, psa := "", ""
	if m.connected.dist {
		dist = m.sideLabel(connectors.KindDistributor)
	}
	if m.connected.psa {
		psa = m.sideLabel(connectors.KindPSA)
	}
	m.keys.sync(m.mode, m.loaded, m.search.Query() != "", dist, psa)
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeSearch:
		return m.searchKey(msg)
	case modePick:
		return m.pickKey(msg)
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
	case key.Matches(msg, k.Refresh):
		return m.startRefresh()
	case key.Matches(msg, k.Confirm):
		return m.confirm()
	case key.Matches(msg, k.PickDist):
		return m.openPicker(connectors.KindDistributor)
	case key.Matches(msg, k.PickPSA):
		return m.openPicker(connectors.KindPSA)
	case key.Matches(msg, k.Exclude):
		return m.toggleExcluded()
	case key.Matches(msg, k.Continue):
		return common.Next(m.ID())
	case key.Matches(msg, k.Back):
		return common.Back(m.ID())
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

func (m *Model) pickKey(msg tea.KeyMsg) tea.Cmd {
	act, cmd := m.picker.HandleKey(m.keys.KeyMap, msg)
	switch act {
	case picker.ActionCancel:
		m.mode = modeTable
	case picker.ActionChoose:
		return m.choose()
	}
	return common.ForScreen(m.ID(), cmd)
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

func (m *Model) pageSize() int { return max(1, m.tableRows()) }

// --- calls of the matcher ------------------------------------------------------

// run starts cmd now, or once the call in flight has answered (the store
// keeps every change either way: each is one read-and-write).
func (m *Model) run(cmd tea.Cmd) tea.Cmd { return m.calls.Run(m.ID(), cmd) }

// runNext is called with every answer of the matcher.
func (m *Model) runNext() tea.Cmd { return m.calls.Next(m.ID()) }

func (m *Model) startRefresh() tea.Cmd {
	if m.refreshing {
		return common.Status(common.LevelInfo, "Already matching accounts…")
	}
	m.refreshing = true
	return tea.Batch(
		common.StartTask(taskRefresh, "Matching accounts…", 0),
		m.run(refresh(m.c.Ctx, m.mt)),
	)
}

// refreshAfter queues an automatic pass after the calls queued now, unless
// one is queued already: it will run after them too.
func (m *Model) refreshAfter() tea.Cmd {
	if m.refreshing {
		return nil
	}
	return m.startRefresh()
}

func (m *Model) handleRefreshed(msg refreshedMsg) tea.Cmd {
	next := m.runNext()
	m.refreshing = false
	if msg.err != nil {
		return tea.Batch(next,
			common.EndTask(taskRefresh, common.LevelFailure, "Could not match accounts"),
			common.ReportError(m.ID(), "Match accounts", msg.err))
	}
	m.setData(msg.view)
	return tea.Batch(next, common.EndTask(taskRefresh, common.LevelSuccess,
		fmt.Sprintf("Accounts matched: %d of %d customers fully matched", m.counts.ready, m.counts.total)))
}

func (m *Model) handleChanged(msg changedMsg) tea.Cmd {
	next := m.runNext()
	if msg.mapping.TenantID != "" {
		m.setOne(msg.mapping)
	}
	if msg.err != nil {
		return tea.Batch(next, common.ReportError(m.ID(), msg.op, msg.err))
	}
	return tea.Batch(next, common.Status(common.LevelSuccess, msg.done))
}

// confirm confirms every suggestion of the selected customer's connected
// sides.
func (m *Model) confirm() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return common.Status(common.LevelWarning, "No customer selected")
	}
	name := r.m.Customer
	if r.m.Excluded {
		return common.Status(common.LevelWarning, name+" is excluded: x includes it again first")
	}
	var todo []connectors.ConnectorKind
	var said []string
	for _, side := range m.connected.list() {
		if a := sideOf(r.m, side); statusOf(a) == sideSuggested {
			todo = append(todo, side)
			said = append(said, m.sideLabel(side)+" "+a.AccountName)
		}
	}
	if len(todo) == 0 {
		if r.bucket == bucketMatched {
			return common.Status(common.LevelInfo, name+" is matched already")
		}
		return common.Status(common.LevelWarning, name+" has no suggestion to confirm: pick its account with "+m.pickKeys())
	}
	return m.run(confirmSides(m.c.Ctx, m.mt, r.m.TenantID, todo,
		"Confirm the suggestion for "+name, "Confirmed "+name+": "+strings.Join(said, ", ")))
}

func (m *Model) toggleExcluded() tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return common.Status(common.LevelWarning, "No customer selected")
	}
	name := r.m.Customer
	if r.m.Excluded {
		// Its sides were left alone while excluded: look for its
		// matches again at once.
		cmd := m.run(exclude(m.c.Ctx, m.mt, r.m.TenantID, false, "Include "+name+" again",
			"Included "+name+" again; matching it now"))
		return tea.Batch(cmd, m.refreshAfter())
	}
	return m.run(exclude(m.c.Ctx, m.mt, r.m.TenantID, true, "Exclude "+name,
		"Excluded "+name+": it stops asking for matches; x includes it again"))
}

// openPicker lists the counterparts of one side for the selected customer.
func (m *Model) openPicker(side connectors.ConnectorKind) tea.Cmd {
	r, ok := m.selected()
	if !ok {
		return common.Status(common.LevelWarning, "No customer selected")
	}
	if r.m.Excluded {
		return common.Status(common.LevelWarning, r.m.Customer+" is excluded: x includes it again first")
	}
	label := m.sideLabel(side)
	noun := "account"
	if side == connectors.KindPSA {
		noun = "company"
	}
	cur := sideOf(r.m, side)
	m.picker = picker.New(m.c.Styles,
		fmt.Sprintf("Pick the %s %s of %s", label, noun, r.m.Customer),
		"type to search by name, domain or id",
		m.options(side, r.m.TenantID, cur), cur.AccountID)
	m.pickSide, m.pickTenant = side, r.m.TenantID
	m.mode = modePick
	return nil
}

// choose records the picked option.
func (m *Model) choose() tea.Cmd {
	o, ok := m.picker.Selected()
	if !ok {
		return common.Status(common.LevelWarning, "Nothing to pick: the search matches nothing")
	}
	m.mode = modeTable
	name, label := m.customerName(m.pickTenant), m.sideLabel(m.pickSide)
	if i, ok := m.index[strings.ToLower(m.pickTenant)]; ok {
		cur := sideOf(m.rows[i].m, m.pickSide)
		if cur.State == reconcile.StateConfirmed && strings.EqualFold(cur.AccountID, o.ID) {
			return common.Status(common.LevelInfo, name+": nothing changed")
		}
	}
	done := fmt.Sprintf("%s: %s %s, matched by hand", name, label, o.Label)
	if o.ID == "" {
		done = fmt.Sprintf("%s: no %s account, confirmed by hand", name, label)
	}
	return m.run(setAccount(m.c.Ctx, m.mt, m.pickTenant, m.pickSide, o.ID,
		"Match "+name+" to a "+label+" account", done))
}

// options lists the accounts of one side for the picker: "no account"
// first, then every account by name, with what makes it unlikely or taken.
func (m *Model) options(side connectors.ConnectorKind, tenantID string, cur reconcile.AccountMatch) []picker.Option {
	label := m.sideLabel(side)
	k := 0
	if side == connectors.KindPSA {
		k = 1
	}
	held := func(id string) []string {
		if i, ok := m.holders[k][strings.ToLower(id)]; ok && !strings.EqualFold(m.rows[i].m.TenantID, tenantID) {
			return []string{"held by " + m.rows[i].m.Customer}
		}
		return nil
	}
	currentOf := func(id string) string {
		if !strings.EqualFold(id, cur.AccountID) || id == "" {
			return ""
		}
		switch statusOf(cur) {
		case sideSuggested:
			return "suggested"
		case sideAuto, sideConfirmed:
			return "current"
		}
		return ""
	}
	none := picker.Option{Label: "No " + label + " account", Search: "no none " + strings.ToLower(label)}
	if side == connectors.KindPSA {
		none.Detail = "this customer is not billed in " + label
	} else {
		none.Detail = "this customer is not bought through " + label
	}
	if statusOf(cur) == sideNone {
		none.Current = "current"
	}
	opts := []picker.Option{none}
	if side == connectors.KindPSA {
		for _, co := range m.data.PSACompanies {
			o := picker.Option{ID: co.ID, Label: co.Name, Current: currentOf(co.ID)}
			if !co.Active {
				o.Marks = append(o.Marks, "inactive")
			}
			switch co.Type {
			case connectors.CompanyClient:
			case connectors.CompanyProspect, connectors.CompanyVendor:
				o.Marks = append(o.Marks, string(co.Type))
			default:
				t := co.RawType
				if t == "" {
					t = "not a client"
				}
				o.Marks = append(o.Marks, strings.ToLower(t))
			}
			o.Marks = append(o.Marks, held(co.ID)...)
			o.Detail = joinNonEmpty(" · ", co.Identifier, co.Domain)
			o.Search = strings.ToLower(strings.Join([]string{co.Name, co.ID, co.Identifier, co.Domain}, "\x00"))
			opts = append(opts, o)
		}
	} else {
		for _, a := range m.data.DistributorAccounts {
			o := picker.Option{ID: a.ID, Label: a.Name, Current: currentOf(a.ID)}
			if !a.Active {
				o.Marks = append(o.Marks, "inactive")
			}
			o.Marks = append(o.Marks, held(a.ID)...)
			tenant := ""
			if a.TenantID != "" {
				tenant = "tenant " + a.TenantID
			}
			o.Detail = joinNonEmpty(" · ", a.Domain, tenant)
			o.Search = strings.ToLower(strings.Join([]string{a.Name, a.ID, a.Domain, a.TenantID}, "\x00"))
			opts = append(opts, o)
		}
	}
	picker.SortOptions(opts[1:])
	return opts
}

// sideLabel is the side's source as people know it ("Pax8"), or
// "distributor" / "PSA" when it is not connected.
func (m *Model) sideLabel(side connectors.ConnectorKind) string {
	if side == connectors.KindPSA {
		return connectors.Default.DisplayName(m.data.PSAKind, "PSA")
	}
	return connectors.Default.DisplayName(m.data.DistributorKind, "distributor")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
