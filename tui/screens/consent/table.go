package consent

import (
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
)

// filter narrows the table to one consent state (or to customers without
// usable GDAP).
type filter int

const (
	filterAll filter = iota
	filterNotConsented
	filterReady
	filterFailed
	filterLost
	filterVerifying
	filterNoGDAP
	filterCount
)

func (f filter) String() string {
	switch f {
	case filterNotConsented:
		return "Not consented"
	case filterReady:
		return "Ready"
	case filterFailed:
		return "Failed"
	case filterLost:
		return "Lost"
	case filterVerifying:
		return "Verifying"
	case filterNoGDAP:
		return "No GDAP"
	}
	return "All"
}

func (f filter) next() filter { return (f + 1) % filterCount }

// sortOrder orders the table.
type sortOrder int

const (
	sortByName sortOrder = iota
	sortByStatus
)

func (s sortOrder) String() string {
	if s == sortByStatus {
		return "status"
	}
	return "name"
}

// state is the consent state as shown: the recorded one, or Verifying while
// seats is consenting the customer right now.
func (m *Model) state(i int) connectors.ConsentState {
	c := &m.all[i]
	if m.pending[c.TenantID] {
		return connectors.ConsentVerifying
	}
	if c.Consent.State == "" {
		return connectors.ConsentNone
	}
	return c.Consent.State
}

func (m *Model) matches(i int) bool {
	switch m.filter {
	case filterNotConsented:
		if m.state(i) != connectors.ConsentNone {
			return false
		}
	case filterReady:
		if m.state(i) != connectors.ConsentReady {
			return false
		}
	case filterFailed:
		if m.state(i) != connectors.ConsentFailed {
			return false
		}
	case filterLost:
		if m.state(i) != connectors.ConsentLost {
			return false
		}
	case filterVerifying:
		if m.state(i) != connectors.ConsentVerifying {
			return false
		}
	case filterNoGDAP:
		if m.all[i].GDAP.Status.Usable() {
			return false
		}
	}
	if q := strings.ToLower(strings.TrimSpace(m.search.Query())); q != "" {
		return strings.Contains(m.searchKeys[i], q)
	}
	return true
}

// statusRank orders states with the ones needing attention first.
func statusRank(s connectors.ConsentState) int {
	switch s {
	case connectors.ConsentFailed:
		return 0
	case connectors.ConsentLost:
		return 1
	case connectors.ConsentVerifying:
		return 2
	case connectors.ConsentReady:
		return 4
	}
	return 3
}

// rebuild recomputes the visible rows after the data, filter, search or
// sort changed, keeping the cursor on the same customer when it is still
// shown. View never filters or sorts: it only slices m.visible.
func (m *Model) rebuild() { m.rebuildKeeping(m.selectedTenant()) }

// rebuildKeeping is rebuild with the cursor kept on tenant selected; callers
// that replace m.all read the selection before they do.
func (m *Model) rebuildKeeping(selected string) {
	m.visible = m.visible[:0]
	for i := range m.all {
		if m.matches(i) {
			m.visible = append(m.visible, i)
		}
	}
	names := m.sortNames
	less := func(a, b int) bool {
		ia, ib := m.visible[a], m.visible[b]
		if m.sort == sortByStatus {
			ra, rb := statusRank(m.state(ia)), statusRank(m.state(ib))
			if ra != rb {
				return ra < rb
			}
		}
		if names[ia] != names[ib] {
			return names[ia] < names[ib]
		}
		return m.all[ia].TenantID < m.all[ib].TenantID
	}
	sort.SliceStable(m.visible, less)

	m.cursor = 0
	if selected != "" {
		for pos, i := range m.visible {
			if m.all[i].TenantID == selected {
				m.cursor = pos
				break
			}
		}
	}
	m.clampScroll()
}

// setData replaces every customer and recomputes counts and keys.
func (m *Model) setData(list []connectors.CustomerStatus) {
	selected := m.selectedTenant()
	m.all = append(m.all[:0:0], list...)
	m.index = make(map[string]int, len(list))
	m.searchKeys = make([]string, len(list))
	m.sortNames = make([]string, len(list))
	m.longestName, m.longestDomain = 0, 0
	for i, c := range m.all {
		m.longestName = max(m.longestName, ansi.StringWidth(c.Name))
		m.longestDomain = max(m.longestDomain, ansi.StringWidth(c.PrimaryDomain))
		m.index[c.TenantID] = i
		m.searchKeys[i] = strings.ToLower(c.Name + "\x00" + c.PrimaryDomain + "\x00" + c.TenantID)
		m.sortNames[i] = strings.ToLower(c.Name)
	}
	m.loaded = true
	m.recount()
	m.rebuildKeeping(selected)
}

// setOne replaces one customer after a consent result.
func (m *Model) setOne(st connectors.CustomerStatus) {
	i, ok := m.index[st.TenantID]
	if !ok {
		return
	}
	selected := m.selectedTenant()
	if st.Name == "" {
		st.Customer = m.all[i].Customer
	}
	m.all[i] = st
	m.recount()
	m.rebuildKeeping(selected)
}

// markFailed records a failed consent locally when the dependency returned
// no status with its error.
func (m *Model) markFailed(tenantID, reason string) {
	i, ok := m.index[tenantID]
	if !ok {
		return
	}
	st := m.all[i]
	st.Consent.TenantID = tenantID
	st.Consent.State = connectors.ConsentFailed
	st.Consent.Reason = reason
	m.setOne(st)
}

func (m *Model) selectedTenant() string {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return ""
	}
	return m.all[m.visible[m.cursor]].TenantID
}

// selected returns the customer under the cursor.
func (m *Model) selected() (connectors.CustomerStatus, bool) {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return connectors.CustomerStatus{}, false
	}
	return m.all[m.visible[m.cursor]], true
}

// counts are the numbers on top of the table, over every customer.
type counts struct {
	total   int
	byState map[connectors.ConsentState]int
	byGDAP  map[connectors.GDAPStatus]int
	ready   int // CustomerStatus.Ready: usable GDAP and consent verified
}

func (m *Model) recount() {
	c := counts{
		total:   len(m.all),
		byState: map[connectors.ConsentState]int{},
		byGDAP:  map[connectors.GDAPStatus]int{},
	}
	for i := range m.all {
		c.byState[m.state(i)]++
		g := m.all[i].GDAP.Status
		if g == "" {
			g = connectors.GDAPNone
		}
		c.byGDAP[g]++
		if m.all[i].Ready() {
			c.ready++
		}
	}
	m.counts = c
}

// eligible lists the tenants the bulk consent should try, in table order
// of names.
func (m *Model) eligible() []string {
	var out []int
	for i := range m.all {
		if m.all[i].Eligible() && !m.pending[m.all[i].TenantID] {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return m.sortNames[out[a]] < m.sortNames[out[b]] })
	ids := make([]string, len(out))
	for k, i := range out {
		ids[k] = m.all[i].TenantID
	}
	return ids
}

// missingConsentRoles lists the names of the roles Option B needs that the
// customer's GDAP lacks, as far as seats can see: nothing where the cloud
// has no GDAP API, since there the roles cannot be read at all. The view
// may be incomplete (assignments seats cannot read), so a customer listed
// here is warned about, not skipped.
func missingConsentRoles(c connectors.CustomerStatus) []string {
	if c.GDAP.Status == connectors.GDAPUnavailable {
		return nil
	}
	return c.GDAP.MissingConsentRoles()
}

// eligibleLackingRoles counts the tenants of ids whose GDAP lacks a role
// Option B needs, and names those roles, in the order of ConsentRoles.
func (m *Model) eligibleLackingRoles(ids []string) (n int, roles []string) {
	lacking := map[string]bool{}
	for _, id := range ids {
		i, ok := m.index[id]
		if !ok {
			continue
		}
		missing := missingConsentRoles(m.all[i])
		if len(missing) == 0 {
			continue
		}
		n++
		for _, r := range missing {
			lacking[r] = true
		}
	}
	for _, id := range connectors.ConsentRoles {
		if name := connectors.RoleName(id); lacking[name] {
			roles = append(roles, name)
		}
	}
	return n, roles
}

// reason says why a customer is not Ready, in one short sentence.
func reason(c connectors.CustomerStatus) string {
	if c.Ready() {
		return ""
	}
	if c.Consent.State != connectors.ConsentReady && c.Consent.Reason != "" {
		return c.Consent.Reason
	}
	switch c.GDAP.Status {
	case connectors.GDAPUnavailable:
		return "GDAP is not available in this cloud"
	case connectors.GDAPPending:
		return "GDAP relationship awaits the customer's approval"
	case connectors.GDAPExpired:
		return "GDAP relationship has ended: renew it in Partner Center"
	case connectors.GDAPActive, connectors.GDAPExpiring:
	default:
		return "No GDAP relationship: set one up in Partner Center"
	}
	if missing := c.GDAP.MissingConsentRoles(); len(missing) > 0 {
		return "GDAP lacks " + strings.Join(missing, " and ") + ": use Option A"
	}
	switch c.Consent.State {
	case connectors.ConsentLost:
		return "Consent stopped working: press c to consent again"
	case connectors.ConsentFailed:
		return "The last consent failed: press c to try again"
	case connectors.ConsentVerifying:
		return "Waiting for the consent to show up"
	}
	return "Not consented yet: press c"
}
