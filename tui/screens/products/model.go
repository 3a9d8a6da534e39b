// Package products is the wizard's step 4, "Match products". It lists
// first the distributor products that are not tied to a Microsoft SKU
// ("unknown"), each tied from a searchable list of the SKU catalogue; then
// every Microsoft product (the SKU by its catalogue name) on each term seen
// (monthly, annual, triennial), each matched to one PSA catalogue item from
// a searchable list that shows the item's vendor SKU, confirmed with one
// key when seats suggests one, or said to be "not billed in the PSA".
// Monthly and annual are matched apart, to different items or the same.
// Free and trial SKUs are hidden until t shows them.
//
// The matching is the Matcher's: the automatic pass runs when the screen
// opens, again on r and after a tie (a tie may bring new products). Each
// change is one call of it, run in a command, one at a time. The wizard
// goes on once one product is matched, or at once when no PSA is connected.
package products

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
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
	// keeping what people matched and tied, saves and returns the result.
	Refresh() (workflow.MatchView, error)
	// SetProduct records a person's match of one (SKU, term) to a PSA
	// catalogue item; itemID "" is a confirmed "not billed in the PSA".
	SetProduct(key reconcile.ProductKey, itemID string) (reconcile.ProductMatch, error)
	// TieSku records a person's tie of a distributor product to a SKU.
	TieSku(productID, skuID string) (reconcile.SkuTie, error)
}

// Errors the Gate returns; each says what to do.
var (
	ErrStillMatching = errors.New("Still matching products: wait for the automatic pass to finish")
	ErrNoProducts    = errors.New("No Microsoft products seen yet: run a sync (seats sync) so seats reads the tenants' licences and the distributor's subscriptions, then press r here")
	ErrNoneMatched   = errors.New("Continue needs one product matched to a PSA catalogue item: confirm a suggestion with y, or pick an item with p")
)

// taskRefresh is the status bar's task id of the automatic pass.
const taskRefresh = "products/refresh"

// mode is what the screen is doing with the keyboard.
type mode int

const (
	modeTable  mode = iota
	modeSearch      // typing in the table's search box
	modePick        // a picker is open
)

// Model is the products screen. Create it with New.
type Model struct {
	c      *common.Common
	mt     Matcher
	keys   keyMap
	search common.Search
	width  int
	height int
	mode   mode

	// data is the last matching view. rows holds the unknown distributor
	// products, then the products, in the view's order (sorted by name,
	// then term); entries holds the section headers and the rows that
	// pass the toggle, filter and search; View renders only the entries
	// that fit.
	data        workflow.MatchView
	rows        []row
	entries     []entry
	shownRows   int
	counts      counts
	loaded      bool
	longestName int

	filter   filter
	showFree bool
	cursor   int // position in entries, always on a row when there is one
	offset   int // first entry shown

	// The open picker and the row it is for.
	picker    picker.Model
	pickFor   rowKind
	pickProd  reconcile.ProductKey // a product's key
	pickTie   reconcile.SkuTie     // a distributor product
	pickLabel string               // the product as people read it

	// Calls of the matcher run one at a time: busy while one is out,
	// queue holds the next.
	calls      common.Serial // the matcher's calls, one at a time
	refreshing bool
}

var _ common.Screen = (*Model)(nil)

// New returns the products screen over mt. It reads nothing until Init.
func New(c *common.Common, mt Matcher) *Model {
	m := &Model{c: c, mt: mt, keys: defaultKeys(), search: common.NewSearch(c.Styles, "product, part number or PSA item · enter keeps · esc clears")}
	m.syncKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return common.ScreenProducts }

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

// Gate implements common.Screen: one product must be matched to a PSA
// catalogue item; with no PSA connected there is nothing to match, and the
// wizard goes on.
func (m *Model) Gate() error {
	switch {
	case !m.loaded:
		return ErrStillMatching
	case !m.psaConnected():
		return nil
	case m.counts.matched > 0:
		return nil
	case len(m.data.Products) == 0:
		return ErrNoProducts
	}
	return ErrNoneMatched
}

// ShowToDo shows what still needs a person, from the top: the summary's
// "unmapped queue" opens the screen this way.
func (m *Model) ShowToDo() {
	m.mode = modeTable
	m.search.Close(false)
	m.filter = filterToDo
	m.offset = 0
	m.rebuildKeeping("")
	m.syncKeys()
}

func (m *Model) psaConnected() bool { return m.data.PSAKind != "" }

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
	case productSetMsg:
		cmd = m.handleProductSet(msg)
	case tiedMsg:
		cmd = m.handleTied(msg)
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
	s := keyState{mode: m.mode, loaded: m.loaded, searched: m.search.Query() != "", showFree: m.showFree}
	if i, ok := m.selectedRow(); ok {
		r := &m.rows[i]
		switch {
		case r.kind == kindTie:
			s.pick = "SKU"
		case m.psaConnected():
			s.pick = "PSA item"
		}
	}
	m.keys.sync(s)
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
		m.move(-len(m.entries))
	case key.Matches(msg, k.End):
		m.move(len(m.entries))
	case key.Matches(msg, k.Search):
		return m.startSearch()
	case key.Matches(msg, k.Filter):
		m.filter = m.filter.next()
		m.rebuild()
	case key.Matches(msg, k.Free):
		m.showFree = !m.showFree
		m.recount()
		m.rebuild()
	case key.Matches(msg, k.Refresh):
		return m.startRefresh()
	case key.Matches(msg, k.Confirm):
		return m.confirm()
	case key.Matches(msg, k.Pick):
		return m.openPicker()
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

// move shifts the cursor by delta entries, onto the nearest row in that
// direction, and scrolls to keep it in view.
func (m *Model) move(delta int) {
	if len(m.entries) == 0 {
		m.cursor = 0
		return
	}
	step := 1
	if delta < 0 {
		step = -1
	}
	target := min(max(m.cursor+delta, 0), len(m.entries)-1)
	m.cursor = m.firstRow(target, step)
	m.clampScroll()
}

// clampScroll keeps the cursor inside the shown window of entries, with
// the header of the first section shown when the cursor is on its first
// row.
func (m *Model) clampScroll() {
	if m.cursor >= len(m.entries) {
		m.cursor = m.firstRow(len(m.entries)-1, -1)
	}
	page := m.pageSize()
	top := m.cursor
	if top > 0 && m.entries[top-1].row < 0 {
		top-- // show the section header above its first row
	}
	if top < m.offset {
		m.offset = top
	}
	if m.cursor >= m.offset+page {
		m.offset = m.cursor - page + 1
	}
	m.offset = max(0, min(m.offset, len(m.entries)-page))
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
		return common.Status(common.LevelInfo, "Already matching products…")
	}
	m.refreshing = true
	return tea.Batch(
		common.StartTask(taskRefresh, "Matching products…", 0),
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
			common.EndTask(taskRefresh, common.LevelFailure, "Could not match products"),
			common.ReportError(m.ID(), "Match products", msg.err))
	}
	m.setData(msg.view)
	return tea.Batch(next, common.EndTask(taskRefresh, common.LevelSuccess,
		fmt.Sprintf("Products matched: %d of %d matched to a PSA item, %d distributor products unknown",
			m.counts.matched, len(m.data.Products), m.counts.byBucket[bucketUnknown])))
}

func (m *Model) handleProductSet(msg productSetMsg) tea.Cmd {
	next := m.runNext()
	if msg.err != nil {
		return tea.Batch(next, common.ReportError(m.ID(), msg.op, msg.err))
	}
	m.setProduct(msg.match)
	return tea.Batch(next, common.Status(common.LevelSuccess, msg.done))
}

func (m *Model) handleTied(msg tiedMsg) tea.Cmd {
	next := m.runNext()
	if msg.err != nil {
		return tea.Batch(next, common.ReportError(m.ID(), msg.op, msg.err))
	}
	m.setTie(msg.tie)
	// A tie can bring products to match (the SKU on the product's terms):
	// match again, after whatever is queued.
	return tea.Batch(next, common.Status(common.LevelSuccess, msg.done), m.refreshAfter())
}

// confirm confirms the suggestion of the selected product.
func (m *Model) confirm() tea.Cmd {
	i, ok := m.selectedRow()
	if !ok {
		return common.Status(common.LevelWarning, "Nothing selected")
	}
	r := &m.rows[i]
	if r.kind == kindTie {
		return common.Status(common.LevelWarning, r.tie.ProductName+" is not tied to a SKU: p picks its SKU")
	}
	if r.bucket != bucketSuggested {
		return common.Status(common.LevelWarning, productLabel(r.prod)+" has no suggestion to confirm: p picks a PSA item")
	}
	p := r.prod
	return m.run(setProduct(m.c.Ctx, m.mt, p.ProductKey, p.ItemID,
		"Confirm the PSA item of "+productLabel(p),
		fmt.Sprintf("%s: %s, confirmed", productLabel(p), p.ItemName)))
}

// openPicker opens the list for the selected row: the SKU catalogue for an
// unknown distributor product, the PSA catalogue for a product.
func (m *Model) openPicker() tea.Cmd {
	i, ok := m.selectedRow()
	if !ok {
		return common.Status(common.LevelWarning, "Nothing selected")
	}
	r := m.rows[i]
	if r.kind == kindTie {
		m.pickFor, m.pickTie, m.pickLabel = kindTie, r.tie, r.tie.ProductName
		m.picker = picker.New(m.c.Styles, "Tie "+r.tie.ProductName+" to a Microsoft SKU",
			"type to search by name, part number or SKU id", skuOptions(), "")
		m.mode = modePick
		return nil
	}
	if !m.psaConnected() {
		return common.Status(common.LevelWarning, "No PSA connected: there is no catalogue to pick from")
	}
	m.pickFor, m.pickProd, m.pickLabel = kindProduct, r.prod.ProductKey, productLabel(r.prod)
	m.picker = picker.New(m.c.Styles, "Pick the "+m.psaLabel()+" item for "+productLabel(r.prod),
		"type to search by name, vendor SKU or id", m.itemOptions(r.prod), r.prod.ItemID)
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
	if m.pickFor == kindTie {
		return m.run(tieSku(m.c.Ctx, m.mt, m.pickTie.ProductID, o.ID,
			"Tie "+m.pickLabel+" to a Microsoft SKU",
			fmt.Sprintf("Tied %s to %s; matching products again", m.pickLabel, o.Label)))
	}
	done := fmt.Sprintf("%s: %s, matched by hand", m.pickLabel, o.Label)
	if o.ID == "" {
		done = fmt.Sprintf("%s: not billed in %s, confirmed by hand", m.pickLabel, m.psaLabel())
	}
	return m.run(setProduct(m.c.Ctx, m.mt, m.pickProd, o.ID, "Match "+m.pickLabel+" to a "+m.psaLabel()+" item", done))
}

// skuOptions lists the SKU catalogue by name.
func skuOptions() []picker.Option {
	all := skus.All()
	opts := make([]picker.Option, 0, len(all))
	for _, s := range all {
		name := s.Name
		if name == "" {
			name = s.PartNumber
		}
		o := picker.Option{ID: s.ID, Label: name, Detail: s.PartNumber + " · " + s.ID,
			Search: strings.ToLower(name + "\x00" + s.PartNumber + "\x00" + s.ID)}
		if skus.FreeOrTrial(s.ID, s.PartNumber) {
			o.Marks = []string{"free/trial"}
		}
		opts = append(opts, o)
	}
	picker.SortOptions(opts)
	return opts
}

// itemOptions lists the PSA catalogue for one product: "not billed" first,
// then every item by name, with its vendor SKU, the products it already
// serves and what makes it unlikely.
func (m *Model) itemOptions(p reconcile.ProductMatch) []picker.Option {
	usedFor := map[string][]string{}
	for _, r := range m.rows {
		if r.kind == kindProduct && r.prod.Matched() && r.prod.ProductKey != p.ProductKey {
			id := strings.ToLower(r.prod.ItemID)
			usedFor[id] = append(usedFor[id], productLabel(r.prod))
		}
	}
	none := picker.Option{Label: "Not billed in " + m.psaLabel(), Detail: "you do not bill this product to customers",
		Search: "not billed none no"}
	if p.State == reconcile.StateConfirmed && p.ItemID == "" {
		none.Current = "current"
	}
	opts := []picker.Option{none}
	for _, it := range m.data.Catalog {
		o := picker.Option{ID: it.ID, Label: it.Description}
		if strings.EqualFold(it.ID, p.ItemID) && p.ItemID != "" {
			if p.State == reconcile.StateSuggested {
				o.Current = "suggested"
			} else {
				o.Current = "current"
			}
		}
		if !it.Active {
			o.Marks = append(o.Marks, "inactive")
		}
		if !it.Recurring {
			o.Marks = append(o.Marks, "not recurring")
		}
		var facts []string
		if u := usedFor[strings.ToLower(it.ID)]; len(u) > 0 {
			facts = append(facts, "used for "+strings.Join(u, ", "))
		}
		if it.VendorSKU != "" {
			facts = append(facts, "vendor SKU "+it.VendorSKU)
		}
		if it.Identifier != "" && it.Identifier != it.Description {
			facts = append(facts, it.Identifier)
		}
		if it.Price.Known() {
			facts = append(facts, "price "+it.Price.String())
		}
		o.Detail = strings.Join(facts, " · ")
		o.Search = strings.ToLower(strings.Join([]string{it.Description, it.ID, it.Identifier, it.VendorSKU}, "\x00"))
		opts = append(opts, o)
	}
	picker.SortOptions(opts[1:])
	return opts
}

// productLabel is a product on its term as people read it:
// "Microsoft 365 Business Premium, annual".
func productLabel(p reconcile.ProductMatch) string {
	return productName(p) + ", " + string(p.Term)
}

// psaLabel is the PSA as people know it ("ConnectWise PSA"), or "the PSA".
func (m *Model) psaLabel() string {
	return connectors.Default.DisplayName(m.data.PSAKind, "the PSA")
}
