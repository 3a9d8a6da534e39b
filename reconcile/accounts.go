package reconcile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seats-msp/seats/connectors"
)

// MatchState is where one match stands. The JSON and CSV spelling is the
// value.
type MatchState string

// The match states the matching screens show.
const (
	// StateAuto: strong evidence matched it; a later pass may revise it.
	StateAuto MatchState = "auto"
	// StateConfirmed: made, confirmed or imported by a person; no
	// automatic pass ever changes it.
	StateConfirmed MatchState = "confirmed"
	// StateSuggested: a candidate for a person to confirm, never used for
	// numbers until confirmed.
	StateSuggested MatchState = "suggested"
	// StateUnmapped: nothing found.
	StateUnmapped MatchState = "unmapped"
	// StateExcluded: the engineer excluded the customer (an internal or
	// test tenant); it stops asking for matches.
	StateExcluded MatchState = "excluded"
)

// Matched reports whether the match counts: auto or confirmed, and not in
// conflict with another customer.
func (m AccountMatch) Matched() bool {
	return (m.State == StateAuto || m.State == StateConfirmed) && !m.Conflict && m.AccountID != ""
}

// Evidence is the kind of evidence behind a match, strongest first.
type Evidence string

// The kinds of evidence.
const (
	EvidenceSubscriptionID Evidence = "subscription_id" // the same Microsoft subscription id on both sides
	EvidenceTenantID       Evidence = "tenant_id"       // the other side holds the tenant id
	EvidenceDomain         Evidence = "domain"          // a verified domain equals the website or domain
	EvidenceExactName      Evidence = "exact_name"      // character for character
	EvidenceNormalizedName Evidence = "normalized_name" // equal after NormalizeName
	EvidenceSimilarName    Evidence = "similar_name"    // alike: a suggestion with a score
	EvidencePartNumber     Evidence = "part_number"     // a catalogue part number equals the SKU's
	EvidenceSkuID          Evidence = "sku_id"          // the distributor gives the SKU id
	EvidenceProductName    Evidence = "product_name"    // a product name equals a catalogue name
	EvidenceHand           Evidence = "hand"            // picked by a person
	EvidenceImported       Evidence = "imported"        // from a mapping file
)

// AccountMatch is one side (distributor or PSA) of a customer's mapping.
type AccountMatch struct {
	AccountID   string     `json:"accountId,omitempty"`
	AccountName string     `json:"accountName,omitempty"`
	State       MatchState `json:"state"`
	Evidence    Evidence   `json:"evidence,omitempty"`
	Reason      string     `json:"reason,omitempty"` // one line for people: why this account
	Score       int        `json:"score,omitempty"`  // 0-100, for similar-name suggestions
	// Conflict marks an account claimed by more than one customer; the
	// tenant ids of the others are in ConflictWith. A conflicting match
	// never counts (Matched is false) until a person resolves it.
	Conflict     bool     `json:"conflict,omitempty"`
	ConflictWith []string `json:"conflictWith,omitempty"`
	// Missing marks a match kept from an earlier run whose account the
	// latest snapshot does not have (the source did not answer, or the
	// account went): it is kept, not dropped.
	Missing bool `json:"missing,omitempty"`
	// Kind is the registry name of the system the account is in ("pax8");
	// a match of another kind than the one connected now names an account
	// of another system and is set aside. Blank in matches recorded before
	// seats kept it.
	Kind string `json:"kind,omitempty"`
}

// AccountMapping is one Microsoft customer with its distributor and PSA
// matches. The store keeps the slice; MatchAccounts takes it back as
// Previous.
type AccountMapping struct {
	TenantID    string       `json:"tenantId"`
	Customer    string       `json:"customer"`
	Excluded    bool         `json:"excluded,omitempty"`
	Distributor AccountMatch `json:"distributor"`
	PSA         AccountMatch `json:"psa"`
	// CustomerMissing marks a mapping whose customer the latest list of
	// customers did not have; it is kept for when the customer returns.
	CustomerMissing bool `json:"customerMissing,omitempty"`
}

// State is the customer's state as the screen's filter sees it: excluded,
// else the weaker of its two sides (a customer is only as matched as its
// least matched side). A side confirmed as having no account counts as
// unmapped here.
func (m AccountMapping) State() MatchState {
	if m.Excluded {
		return StateExcluded
	}
	rank := map[MatchState]int{StateConfirmed: 4, StateAuto: 3, StateSuggested: 2, StateUnmapped: 1}
	sideState := func(a AccountMatch) MatchState {
		if a.AccountID == "" || rank[a.State] == 0 {
			return StateUnmapped
		}
		return a.State
	}
	s, p := sideState(m.Distributor), sideState(m.PSA)
	if rank[p] < rank[s] {
		return p
	}
	return s
}

// HandMatch is the match a person made by picking an account.
func HandMatch(accountID, accountName string) AccountMatch {
	return AccountMatch{AccountID: accountID, AccountName: accountName, State: StateConfirmed,
		Evidence: EvidenceHand, Reason: "matched by hand"}
}

// Confirm turns a suggestion (or an automatic match) into one made by hand,
// keeping its evidence and reason so the screen can still say why.
func (m AccountMatch) Confirm() AccountMatch {
	if m.AccountID == "" {
		return m
	}
	m.State, m.Conflict, m.ConflictWith = StateConfirmed, false, nil
	return m
}

// MatchCustomer is a Microsoft customer as matching sees it.
type MatchCustomer struct {
	TenantID string
	Name     string
	// Domains are the tenant's verified domains (Graph organization
	// verifiedDomains). The licence snapshot does not carry them, so the
	// caller supplies them; the primary domain is one of them.
	Domains []string
	// CommerceSubscriptionIDs are Graph's commerceSubscriptionId of the
	// tenant's directory subscriptions.
	CommerceSubscriptionIDs []string
}

// NewMatchCustomer builds the matching view of one customer from what seats
// keeps: the Partner Center customer, its licence snapshot (nil before the
// first read) and its verified domains.
func NewMatchCustomer(c connectors.Customer, lic *connectors.LicenceSnapshot, domains []string) MatchCustomer {
	mc := MatchCustomer{TenantID: c.TenantID, Name: c.Name}
	mc.Domains = append(mc.Domains, domains...)
	if c.PrimaryDomain != "" && !slices.Contains(mc.Domains, c.PrimaryDomain) {
		mc.Domains = append(mc.Domains, c.PrimaryDomain)
	}
	if lic != nil {
		for _, s := range lic.Subscriptions {
			if s.CommerceSubscriptionID != "" {
				mc.CommerceSubscriptionIDs = append(mc.CommerceSubscriptionIDs, s.CommerceSubscriptionID)
			}
		}
	}
	return mc
}

// AccountMatchInput is everything account matching looks at.
type AccountMatchInput struct {
	Customers []MatchCustomer
	// DistributorKind and PSAKind are registry names ("pax8",
	// "connectwise"), used in reasons; either side may be empty when
	// that source is not connected.
	DistributorKind          string
	DistributorAccounts      []connectors.DistributorAccount
	DistributorSubscriptions []connectors.DistributorSubscription
	PSAKind                  string
	PSACompanies             []connectors.PSACompany
	// Previous are the mappings kept from earlier runs.
	Previous []AccountMapping
}

// MatchAccounts gives every customer one mapping with a distributor and a
// PSA side. Evidence is applied strongest first (subscription id, tenant
// id, domain, exact name, normalised name); only the best level counts,
// and it is automatic only when it names exactly one eligible account
// (active, and for the PSA a client). Similar names are only suggested.
// Confirmed matches and exclusions in Previous are kept untouched; an
// earlier match whose account is not in this snapshot is kept and marked
// Missing; an account claimed by two customers is never given to either:
// both are marked Conflict. Mappings of customers no longer listed are kept
// at the end, marked CustomerMissing. The result is in the order of
// in.Customers.
func MatchAccounts(in AccountMatchInput) []AccountMapping {
	dist := newDistributorSide(in)
	psa := newPSASide(in)
	prev := make(map[string]AccountMapping, len(in.Previous))
	for _, p := range in.Previous {
		prev[idKey(p.TenantID)] = p
	}
	out := make([]AccountMapping, 0, len(in.Customers))
	listed := map[string]bool{}
	for _, c := range in.Customers {
		key := idKey(c.TenantID)
		if listed[key] {
			continue // a customer listed twice is one customer
		}
		listed[key] = true
		p, hadPrev := prev[key]
		m := AccountMapping{TenantID: c.TenantID, Customer: c.Name, Excluded: hadPrev && p.Excluded}
		m.Distributor = dist.resolve(c, p.Distributor, hadPrev, m.Excluded)
		m.PSA = psa.resolve(c, p.PSA, hadPrev, m.Excluded)
		out = append(out, m)
	}
	var gone []AccountMapping
	for _, p := range in.Previous {
		if !listed[idKey(p.TenantID)] {
			listed[idKey(p.TenantID)] = true
			p.CustomerMissing = true
			p.Distributor = dist.keepGone(p.Distributor)
			p.PSA = psa.keepGone(p.PSA)
			gone = append(gone, p)
		}
	}
	slices.SortFunc(gone, func(a, b AccountMapping) int { return strings.Compare(a.TenantID, b.TenantID) })
	out = append(out, gone...)
	markConflicts(out, func(m *AccountMapping) *AccountMatch { return &m.Distributor })
	markConflicts(out, func(m *AccountMapping) *AccountMatch { return &m.PSA })
	return out
}

// markConflicts makes sure no account is silently held by two customers.
// Where several customers hold one account, automatic matches fall back to
// suggestions marked Conflict, naming the others. If exactly one holder
// made its match by hand, it keeps the account: it is no longer shared.
// Two or more hand matches of one account are all marked Conflict (and so
// none counts) until a person settles it. A suggestion of an account
// someone holds is marked too.
func markConflicts(ms []AccountMapping, side func(*AccountMapping) *AccountMatch) {
	holders := map[string][]int{}
	for i := range ms {
		a := side(&ms[i])
		a.Conflict, a.ConflictWith = false, nil
		if a.AccountID != "" && (a.State == StateAuto || a.State == StateConfirmed) {
			k := idKey(a.AccountID)
			holders[k] = append(holders[k], i)
		}
	}
	others := func(hs []int, i int) []string {
		var out []string
		for _, j := range hs {
			if j != i {
				out = append(out, ms[j].TenantID)
			}
		}
		return out
	}
	for k, hs := range holders {
		if len(hs) < 2 {
			continue
		}
		var confirmed []int
		for _, i := range hs {
			if side(&ms[i]).State == StateConfirmed {
				confirmed = append(confirmed, i)
			}
		}
		for _, i := range hs {
			a := side(&ms[i])
			if a.State == StateConfirmed && len(confirmed) == 1 {
				continue
			}
			a.Conflict, a.ConflictWith = true, others(hs, i)
			if a.State == StateAuto {
				a.State = StateSuggested
				a.Score = evidenceScore(a.Evidence)
				a.Reason += fmt.Sprintf("; also claimed by %d other customer(s), left for you", len(hs)-1)
			}
		}
		if len(confirmed) == 1 {
			holders[k] = confirmed
		}
	}
	for i := range ms {
		a := side(&ms[i])
		if a.State != StateSuggested || a.Conflict || a.AccountID == "" {
			continue
		}
		if hs := holders[idKey(a.AccountID)]; len(hs) > 0 && !(len(hs) == 1 && hs[0] == i) {
			a.Conflict, a.ConflictWith = true, others(hs, i)
		}
	}
}

// candidate is one account on one side, with what evidence can find.
type candidate struct {
	id, name   string
	norm       NormalizedName
	domain     string
	tenantIDs  []string
	tenantFrom string // where the tenant id was found, for the reason
	notAuto    string // why it is never matched automatically; "" = eligible
}

// side indexes one side's accounts by every kind of evidence.
type side struct {
	kind     string // registry name: "pax8", "connectwise"
	label    string // "Pax8", "ConnectWise"
	domainIs string // what the domain field is called there
	cands    []candidate
	byID     map[string]int
	bySub    map[string][]int // Microsoft subscription id -> accounts
	byTenant map[string][]int
	byDomain map[string][]int
	byExact  map[string][]int
	byNorm   map[string][]int
	names    *nameIndex
}

func newDistributorSide(in AccountMatchInput) *side {
	s := &side{kind: in.DistributorKind, label: kindLabel(in.DistributorKind, "distributor"), domainIs: "website"}
	for _, a := range in.DistributorAccounts {
		c := candidate{id: a.ID, name: a.Name, domain: normalizeDomain(a.Domain)}
		if a.TenantID != "" {
			c.tenantIDs = []string{a.TenantID}
			c.tenantFrom = a.TenantIDSource
		}
		if !a.Active {
			c.notAuto = "the account is inactive"
		}
		s.cands = append(s.cands, c)
	}
	s.index()
	for _, sub := range in.DistributorSubscriptions {
		if sub.MicrosoftSubscriptionID == "" {
			continue
		}
		if i, ok := s.byID[idKey(sub.AccountID)]; ok {
			k := idKey(sub.MicrosoftSubscriptionID)
			if !slices.Contains(s.bySub[k], i) {
				s.bySub[k] = append(s.bySub[k], i)
			}
		}
	}
	return s
}

func newPSASide(in AccountMatchInput) *side {
	s := &side{kind: in.PSAKind, label: kindLabel(in.PSAKind, "PSA"), domainIs: "website"}
	for _, co := range in.PSACompanies {
		c := candidate{id: co.ID, name: co.Name, domain: normalizeDomain(co.Domain), tenantIDs: co.TenantIDs,
			tenantFrom: "company record"}
		switch {
		case !co.Active:
			c.notAuto = "the company is inactive"
		case co.Type == connectors.CompanyProspect:
			c.notAuto = "the company is a prospect"
		case co.Type == connectors.CompanyVendor:
			c.notAuto = "the company is a vendor"
		case co.Type != connectors.CompanyClient:
			c.notAuto = "the company is not a client"
		}
		s.cands = append(s.cands, c)
	}
	s.index()
	return s
}

func (s *side) index() {
	s.byID = map[string]int{}
	s.bySub = map[string][]int{}
	s.byTenant = map[string][]int{}
	s.byDomain = map[string][]int{}
	s.byExact = map[string][]int{}
	s.byNorm = map[string][]int{}
	norms := make([]NormalizedName, len(s.cands))
	for i := range s.cands {
		c := &s.cands[i]
		c.norm = NormalizeName(c.name)
		norms[i] = c.norm
		s.byID[idKey(c.id)] = i
		for _, t := range c.tenantIDs {
			s.byTenant[idKey(t)] = append(s.byTenant[idKey(t)], i)
		}
		if c.domain != "" {
			s.byDomain[c.domain] = append(s.byDomain[c.domain], i)
		}
		if n := strings.TrimSpace(c.name); n != "" {
			s.byExact[n] = append(s.byExact[n], i)
		}
		if c.norm.Key != "" {
			s.byNorm[c.norm.Key] = append(s.byNorm[c.norm.Key], i)
		}
	}
	s.names = newNameIndex(norms)
}

// refresh brings a kept match up to date with the snapshot without
// changing what it points at: the account's current name, or Missing.
func (s *side) refresh(m AccountMatch) AccountMatch {
	if m.AccountID == "" {
		return m
	}
	i, ok := s.byID[idKey(m.AccountID)]
	m.Missing = !ok
	if ok && s.cands[i].name != "" {
		m.AccountName = s.cands[i].name
	}
	return m
}

// keepGone is the side of a customer no longer listed: refreshed, or set
// aside when it names an account of another system.
func (s *side) keepGone(m AccountMatch) AccountMatch {
	if otherKind(m.Kind, s.kind) {
		return AccountMatch{State: StateUnmapped}
	}
	return s.refresh(m)
}

// resolve decides one side of one customer from its previous match and
// the evidence.
func (s *side) resolve(c MatchCustomer, prev AccountMatch, hadPrev, excluded bool) AccountMatch {
	if otherKind(prev.Kind, s.kind) {
		// A match made with another distributor or PSA names an account
		// of that system: it says nothing about this one.
		prev, hadPrev = AccountMatch{}, false
	}
	if hadPrev && prev.State == StateConfirmed {
		return s.stamp(s.refresh(prev))
	}
	if excluded {
		return AccountMatch{State: StateExcluded}
	}
	found := s.propose(c)
	if hadPrev && prev.State == StateAuto && prev.AccountID != "" {
		kept := s.refresh(prev)
		// A source that did not answer, or evidence that faded, never
		// takes a match away: only stronger news replaces it.
		if kept.Missing || found.State != StateAuto {
			return s.stamp(kept)
		}
	}
	return s.stamp(found)
}

// stamp records the side's kind on a match found in its snapshot.
func (s *side) stamp(m AccountMatch) AccountMatch {
	if m.AccountID != "" && m.Kind == "" && !m.Missing {
		m.Kind = s.kind
	}
	return m
}

// otherKind reports whether a match recorded with kind recorded belongs to
// another system than the one connected now; a blank either way is not
// known to differ.
func otherKind(recorded, now string) bool {
	return recorded != "" && now != "" && !strings.EqualFold(recorded, now)
}

// propose walks the evidence ladder for one customer.
func (s *side) propose(c MatchCustomer) AccountMatch {
	if len(s.cands) == 0 {
		return AccountMatch{State: StateUnmapped, Reason: "no " + s.label + " accounts read yet"}
	}
	for _, id := range c.CommerceSubscriptionIDs {
		if hits := s.bySub[idKey(id)]; len(hits) > 0 {
			return s.decide(hits, EvidenceSubscriptionID,
				fmt.Sprintf("same Microsoft subscription id %s on both sides", shortID(id)))
		}
	}
	if hits := s.byTenant[idKey(c.TenantID)]; len(hits) > 0 && c.TenantID != "" {
		from := s.cands[hits[0]].tenantFrom
		if from == "" {
			from = "account"
		}
		return s.decide(hits, EvidenceTenantID, fmt.Sprintf("tenant id in %s %s", s.label, from))
	}
	for _, d := range c.Domains {
		d = normalizeDomain(d)
		if hits := s.byDomain[d]; len(hits) > 0 && d != "" {
			return s.decide(hits, EvidenceDomain, fmt.Sprintf("domain %s = %s", d, s.domainIs))
		}
	}
	if hits := s.byExact[strings.TrimSpace(c.Name)]; len(hits) > 0 {
		return s.decide(hits, EvidenceExactName, "same name")
	}
	norm := NormalizeName(c.Name)
	if hits := s.byNorm[norm.Key]; len(hits) > 0 && norm.Key != "" {
		return s.decide(hits, EvidenceNormalizedName, "same name after normalising "+normalisedWhat(c.Name, norm, s.cands[hits[0]]))
	}
	if sims := s.names.similar(norm, 1); len(sims) > 0 {
		best := s.cands[sims[0].index]
		return AccountMatch{AccountID: best.id, AccountName: best.name, State: StateSuggested,
			Evidence: EvidenceSimilarName, Score: sims[0].score,
			Reason: fmt.Sprintf("similar name (%d%%)", sims[0].score)}
	}
	return AccountMatch{State: StateUnmapped}
}

// decide turns the hits of one level of evidence into a match: automatic
// for exactly one eligible account, otherwise a suggestion that says why.
func (s *side) decide(hits []int, ev Evidence, reason string) AccountMatch {
	c := s.cands[hits[0]]
	m := AccountMatch{AccountID: c.id, AccountName: c.name, Evidence: ev, Reason: reason, State: StateAuto}
	switch {
	case len(hits) > 1:
		m.State = StateSuggested
		m.Reason += fmt.Sprintf("; %d %s accounts fit, pick one", len(hits), s.label)
	case c.notAuto != "":
		m.State = StateSuggested
		m.Reason += "; not matched automatically: " + c.notAuto
	}
	if m.State == StateSuggested {
		m.Score = evidenceScore(ev)
	}
	return m
}

// evidenceScore ranks suggestions from strong evidence above similar names.
func evidenceScore(ev Evidence) int {
	switch ev {
	case EvidenceSubscriptionID, EvidenceTenantID:
		return 100
	case EvidenceDomain:
		return 95
	case EvidenceExactName:
		return 95
	case EvidenceNormalizedName:
		return 90
	}
	return 0
}

// normalisedWhat says what normalising removed, for the reason line:
// "(Inc)" when legal suffixes went, else what kind of difference was left.
func normalisedWhat(name string, norm NormalizedName, c candidate) string {
	stripped := slices.Clone(norm.Stripped)
	for _, s := range c.norm.Stripped {
		if !slices.Contains(stripped, s) {
			stripped = append(stripped, s)
		}
	}
	if len(stripped) > 0 {
		return "(" + strings.Join(stripped, ", ") + ")"
	}
	if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(c.name)) {
		return "(case)"
	}
	return "(case, accents, punctuation or &)"
}

// kindLabel is how people spell a connector's registry name.
func kindLabel(kind, fallback string) string {
	switch strings.ToLower(kind) {
	case "":
		return fallback
	case "pax8":
		return "Pax8"
	case "sherweb":
		return "Sherweb"
	case "tdsynnex":
		return "TD SYNNEX"
	case "partnercenter":
		return "Partner Center"
	case "csv":
		return "CSV"
	case "connectwise":
		return "ConnectWise"
	case "autotask":
		return "Autotask"
	case "halopsa":
		return "HaloPSA"
	}
	return kind
}
