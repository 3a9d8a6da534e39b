package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/skus"
)

// SandboxClientID is the application id of seats in every generated world
// unless GenerateOptions.ClientID says otherwise. It is fixed so that a
// sandbox configuration never needs a real app registration.
const SandboxClientID = "5ea75000-5a4d-4b0c-8d1e-000000000001"

// DefaultCustomers is the number of customers a world has unless asked.
const DefaultCustomers = 40

// largeWorld is the size from which customers are small businesses of 3
// to largeMaxUsers people (25 users a tenant on average, the shape of an
// MSP's book at scale), so that benchmark-sized worlds (1,000 to 10,000
// tenants) are typical rather than a few large tenants.
const (
	largeWorld    = 200
	largeMaxUsers = 48
)

// GenerateOptions say which world Generate builds.
type GenerateOptions struct {
	// Seed picks the world: the same seed (and Now) gives the same world.
	Seed int64
	// Customers is the number of customer tenants; zero or less means
	// DefaultCustomers.
	Customers int
	// Now anchors every date (relationship ends, subscription terms), so a
	// world generated at Now has relationships expiring within 30 days of
	// Now. The zero time means time.Now().
	Now time.Time
	// ClientID is the application id the world issues tokens to; empty
	// means SandboxClientID.
	ClientID string
}

// GDAP roles an MSP usually asks for in its default relationship: enough to
// read licences and users and to consent seats through Partner Center.
var fullRoles = []string{
	connectors.RolePrivilegedRoleAdministrator,
	connectors.RoleApplicationAdministrator,
	connectors.RoleGlobalReader,
	connectors.RoleLicenseAdministrator,
	connectors.RoleUserAdministrator,
}

// consentScopes are what an admin consent to seats grants, the same the
// fake records when the admin-consent page is accepted with ".default".
var consentScopes = []string{"Organization.Read.All", "User.Read.All"}

// mainPlans are the suites a customer's staff mostly have; addOns come on
// top. All are looked up in the catalogue by part number.
var (
	mainPlans = []string{
		"SPB", "O365_BUSINESS_PREMIUM", "O365_BUSINESS_ESSENTIALS", "ENTERPRISEPACK", "SPE_E3",
		"SPE_E5", "O365_BUSINESS", "EXCHANGESTANDARD",
	}
	addOns = []string{
		"POWER_BI_PRO", "FLOW_FREE", "TEAMS_EXPLORATORY", "AAD_PREMIUM", "EMS", "VISIOCLIENT",
		"PROJECTPROFESSIONAL", "EXCHANGESTANDARD",
	}
)

// gdapKind is the GDAP situation a customer is generated in.
type gdapKind int

const (
	gdapActive      gdapKind = iota // active with every role in fullRoles
	gdapActiveNoPRA                 // active without Privileged Role Administrator
	gdapExpiring                    // active, ends within 30 days
	gdapPending                     // created, approvalPending or activating
	gdapExpired                     // expired or terminated only
	gdapNone                        // no relationship at all
	gdapKinds
)

// gdapShare is each kind's share of the customers, in percent; gdapActive
// takes whatever the others leave.
var gdapShare = [gdapKinds]int{
	gdapActiveNoPRA: 10, gdapExpiring: 10, gdapPending: 10, gdapExpired: 10, gdapNone: 5,
}

// generator holds the state of one Generate call.
type generator struct {
	r       *rand.Rand
	now     time.Time
	partner msfake.Partner
	catalog catalogue
	large   bool
	// pending and ended rotate through the statuses so that every spelling
	// appears as soon as there are enough customers of the kind.
	pending, ended int
}

// Generate builds a world from o. It is pure: no I/O, no clock when o.Now is
// set, and the same options always give the same world (math/rand/v2 PCG
// seeded from o.Seed; nothing depends on map order).
//
// The world has a partner tenant with two users (Users[0] is the one
// device-code sign-in approves as) and o.Customers customers with unique
// made-up names, GDAP relationships in every state, licences from the SKU
// catalogue with users holding them, and no consent except one or two given
// by an admin long ago.
func Generate(o GenerateOptions) *msfake.World {
	if o.Customers <= 0 {
		o.Customers = DefaultCustomers
	}
	if o.ClientID == "" {
		o.ClientID = SandboxClientID
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	g := &generator{
		r:       rand.New(rand.NewPCG(uint64(o.Seed), 0x5ea75a4db0c5)),
		now:     now,
		catalog: lookupCatalogue(),
		large:   o.Customers > largeWorld,
	}
	w := &msfake.World{
		ClientID:    o.ClientID,
		AppName:     "seats",
		GeneratedAt: now,
		Seed:        o.Seed,
	}
	w.SigningKey = make([]byte, 32)
	for i := range w.SigningKey {
		w.SigningKey[i] = byte(g.r.Uint32())
	}
	g.partner = g.newPartner()
	w.Partner = g.partner

	kinds := g.gdapKinds(o.Customers)
	names := newNamer(g.r)
	w.Customers = make([]msfake.Customer, o.Customers)
	for i, kind := range kinds {
		w.Customers[i] = g.newCustomer(names.next(), kind)
	}
	g.consentSome(w.Customers, kinds)
	return w
}

// newGUID returns a random v4-style GUID from the generator's source.
func (g *generator) newGUID() string {
	hi, lo := g.r.Uint64(), g.r.Uint64()
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// days returns a duration of n days.
func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// between returns a random int in [lo, hi].
func (g *generator) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// chance reports true with probability percent/100.
func (g *generator) chance(percent int) bool { return g.r.IntN(100) < percent }

func (g *generator) newPartner() msfake.Partner {
	name := partnerNames[g.r.IntN(len(partnerNames))]
	domain := slug(name) + ".onmicrosoft.com"
	p := msfake.Partner{TenantID: g.newGUID(), Name: name, Domain: domain}
	seen := map[string]bool{}
	for len(p.Users) < 2 {
		first, last := firstNames[g.r.IntN(len(firstNames))], lastNames[g.r.IntN(len(lastNames))]
		upn := strings.ToLower(first+"."+last) + "@" + domain
		if seen[upn] {
			continue
		}
		seen[upn] = true
		p.Users = append(p.Users, msfake.PartnerUser{ObjectID: g.newGUID(), UPN: upn, Name: first + " " + last})
	}
	return p
}

// gdapKinds deals out the GDAP situations over n customers in the shares of
// gdapShare, every kind at least once when n allows, in a seeded order.
func (g *generator) gdapKinds(n int) []gdapKind {
	counts := [gdapKinds]int{}
	rest := n
	for k := gdapActiveNoPRA; k < gdapKinds; k++ {
		c := n * gdapShare[k] / 100
		if c == 0 && n >= int(gdapKinds) {
			c = 1
		}
		counts[k] = c
		rest -= c
	}
	counts[gdapActive] = max(rest, 0)
	kinds := make([]gdapKind, 0, n)
	for k := gdapActive; k < gdapKinds; k++ {
		for range counts[k] {
			kinds = append(kinds, k)
		}
	}
	kinds = kinds[:n]
	g.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	return kinds
}

func (g *generator) newCustomer(name companyName, kind gdapKind) msfake.Customer {
	c := msfake.Customer{
		TenantID:     g.newGUID(),
		Name:         name.Name,
		Domain:       name.Slug + ".onmicrosoft.com",
		Relationship: "reseller",
	}
	c.GDAP = g.relationships(c, kind)
	g.licences(&c)
	return c
}

// relationships builds the customer's GDAP relationships for its kind. Some
// customers also keep an older, expired relationship next to the current
// one, as happens after every renewal, so the summary has more than one to
// fold.
func (g *generator) relationships(c msfake.Customer, kind gdapKind) []msfake.Relationship {
	switch kind {
	case gdapNone:
		return nil
	case gdapPending:
		rels := []msfake.Relationship{}
		if g.chance(30) {
			rels = append(rels, g.endedRelationship(c, g.now.Add(-days(g.between(10, 200)))))
		}
		return append(rels, g.pendingRelationship(c))
	case gdapExpired:
		rels := []msfake.Relationship{g.endedRelationship(c, g.now.Add(-days(g.between(1, 300))))}
		if g.chance(25) {
			rels = append(rels, g.endedRelationship(c, rels[0].ActivatedAt.Add(-days(g.between(1, 30)))))
		}
		return rels
	}

	roles := fullRoles
	if kind == gdapActiveNoPRA {
		roles = withoutRole(fullRoles, connectors.RolePrivilegedRoleAdministrator)
	}
	term := []int{365, 730}[g.r.IntN(2)]
	var end time.Time
	if kind == gdapExpiring {
		end = g.now.Add(days(g.between(1, 27)) + time.Duration(g.between(1, 23))*time.Hour)
	} else {
		end = g.now.Add(days(g.between(60, term-1)))
	}
	active := g.relationship(c, connectors.RelActive, roles, term, end.Add(-days(term)))
	active.EndAt = end
	if g.chance(50) {
		active.AssignedRoles = append([]string(nil), roles...)
	}
	if g.chance(20) {
		old := g.endedRelationship(c, active.ActivatedAt.Add(-days(g.between(0, 20))))
		return []msfake.Relationship{old, active}
	}
	return []msfake.Relationship{active}
}

// relationship is the common part of every relationship: id, name, roles,
// term and the dates around activatedAt.
func (g *generator) relationship(c msfake.Customer, status string, roles []string, term int, activatedAt time.Time) msfake.Relationship {
	id := g.newGUID() + "-" + c.TenantID // Graph's relationship ids end with the customer's tenant id
	display := fmt.Sprintf("%s GDAP %s", shortName(c.Name), activatedAt.Format("2006-01"))
	if len(display) > 50 { // Graph refuses display names longer than 50
		display = display[:50]
	}
	return msfake.Relationship{
		ID:          id,
		DisplayName: display,
		Status:      status,
		Roles:       append([]string(nil), roles...),
		Duration:    fmt.Sprintf("P%dD", term),
		CreatedAt:   activatedAt.Add(-days(g.between(0, 7)) - time.Duration(g.between(1, 600))*time.Minute),
		ActivatedAt: activatedAt,
	}
}

// endedRelationship is an expired or terminated relationship that ended at
// end; the statuses alternate so both appear.
func (g *generator) endedRelationship(c msfake.Customer, end time.Time) msfake.Relationship {
	term := []int{365, 730}[g.r.IntN(2)]
	status := []string{connectors.RelExpired, connectors.RelTerminated}[g.ended%2]
	g.ended++
	start := end.Add(-days(term))
	if status == connectors.RelTerminated {
		start = end.Add(-days(g.between(30, term-1))) // terminated before its natural end
	}
	rel := g.relationship(c, status, fullRoles, term, start)
	rel.EndAt = end
	return rel
}

// pendingRelationship is one the customer has not approved yet or that is
// being activated; the statuses rotate so all three appear.
func (g *generator) pendingRelationship(c msfake.Customer) msfake.Relationship {
	status := []string{connectors.RelApprovalPending, connectors.RelCreated, connectors.RelActivating}[g.pending%3]
	g.pending++
	rel := g.relationship(c, status, fullRoles, 730, time.Time{})
	rel.CreatedAt = g.now.Add(-days(g.between(0, 20)) - time.Duration(g.between(1, 600))*time.Minute)
	rel.ActivatedAt = time.Time{}
	rel.DisplayName = fmt.Sprintf("%s GDAP %s", shortName(c.Name), rel.CreatedAt.Format("2006-01"))
	if len(rel.DisplayName) > 50 {
		rel.DisplayName = rel.DisplayName[:50]
	}
	return rel
}

// consentSome gives an admin consent, long ago, in one or two customers with
// full GDAP, so that status shows some Ready right after sign-in while the
// rest are left for the engineer to consent.
func (g *generator) consentSome(customers []msfake.Customer, kinds []gdapKind) {
	want := 1
	if len(customers) >= 20 {
		want = 2
	}
	for i := range customers {
		if want == 0 {
			return
		}
		if kinds[i] != gdapActive {
			continue
		}
		customers[i].Consent = &msfake.Consent{
			Method:    string(connectors.ConsentByAdmin),
			Scopes:    append([]string(nil), consentScopes...),
			GrantedAt: g.now.Add(-days(g.between(100, 400))),
		}
		want--
	}
}

// licences gives the customer users, 1 to 5 SKUs with a subscription each,
// and assigns the SKUs to users: some accounts are disabled yet licensed and
// some SKUs have more seats than users holding them.
func (g *generator) licences(c *msfake.Customer) {
	c.Users = g.users(c)
	for _, sku := range g.pickSkus() {
		n := len(c.Users)
		var assigned int
		if sku.main {
			assigned = n * g.between(70, 100) / 100
		} else {
			assigned = g.between(0, n*40/100)
		}
		enabled := min(assigned, 60)
		if enabled == 0 || g.chance(30) { // over-provisioned: seats nobody uses
			enabled += g.between(1, 8)
		}
		enabled = min(max(enabled, 1), 60)
		assigned = min(assigned, enabled)
		for _, u := range g.r.Perm(n)[:assigned] {
			c.Users[u].Licenses = append(c.Users[u].Licenses, sku.ID)
		}
		sub := g.subscription(c, sku, enabled)
		c.Subscriptions = append(c.Subscriptions, sub)
		c.Skus = append(c.Skus, msfake.Sku{
			SkuID:            sku.ID,
			SkuPartNumber:    sku.PartNumber,
			CapabilityStatus: "Enabled",
			Enabled:          enabled,
			SubscriptionIDs:  []string{sub.ID},
		})
	}
}

func (g *generator) subscription(c *msfake.Customer, sku catalogueSku, total int) msfake.Subscription {
	s := msfake.Subscription{
		ID:                     g.newGUID(),
		CommerceSubscriptionID: g.newGUID(),
		SkuID:                  sku.ID,
		SkuPartNumber:          sku.PartNumber,
		Status:                 "Enabled",
		TotalLicenses:          total,
		OwnerTenantID:          g.partner.TenantID,
	}
	switch {
	case !sku.main && g.chance(15):
		s.IsTrial = true
		s.CreatedAt = g.now.Add(-days(g.between(1, 25)))
		s.NextLifecycleAt = s.CreatedAt.Add(days(30))
	case g.chance(60): // monthly term: renews on the next monthly anniversary
		s.CreatedAt = g.now.Add(-days(g.between(30, 1500)))
		s.NextLifecycleAt = nextAnniversary(s.CreatedAt, g.now, 0, 1)
	default: // yearly term
		s.CreatedAt = g.now.Add(-days(g.between(30, 1500)))
		s.NextLifecycleAt = nextAnniversary(s.CreatedAt, g.now, 1, 0)
	}
	return s
}

// nextAnniversary returns the first start + k*(years, months) after now.
func nextAnniversary(start, now time.Time, years, months int) time.Time {
	t := start
	for k := 1; !t.After(now); k++ {
		t = start.AddDate(k*years, k*months, 0)
	}
	return t
}

// users makes the customer's users: people with unique UPNs, a few of them
// disabled, and sometimes a disabled shared mailbox.
func (g *generator) users(c *msfake.Customer) []msfake.User {
	var n int
	switch {
	case g.chance(4):
		n = g.between(0, 2) // a brand-new or nearly empty tenant
	case g.large:
		n = g.between(3, largeMaxUsers)
	default:
		n = g.between(3, 80)
	}
	users := make([]msfake.User, 0, n)
	seen := make(map[string]bool, n)
	for len(users) < n {
		first, last := firstNames[g.r.IntN(len(firstNames))], lastNames[g.r.IntN(len(lastNames))]
		alias := strings.ToLower(first + "." + last)
		for i := 2; seen[alias]; i++ {
			alias = fmt.Sprintf("%s.%s%d", strings.ToLower(first), strings.ToLower(last), i)
		}
		seen[alias] = true
		users = append(users, msfake.User{
			ID:             g.newGUID(),
			DisplayName:    first + " " + last,
			UPN:            alias + "@" + c.Domain,
			AccountEnabled: !g.chance(8), // left the company; the licence often stays
		})
	}
	if n >= 3 && g.chance(35) {
		shared := sharedAccounts[g.r.IntN(len(sharedAccounts))]
		users = append(users, msfake.User{
			ID:          g.newGUID(),
			DisplayName: shared.Name,
			UPN:         shared.Alias + "@" + c.Domain,
		})
	}
	return users
}

// catalogueSku is a SKU of the catalogue with whether it is a main plan.
type catalogueSku struct {
	skus.Sku
	main bool
}

// catalogue is the SKUs a world can use, split the way pickSkus needs them.
type catalogue struct{ main, addOns []catalogueSku }

// lookupCatalogue finds mainPlans and addOns in the SKU catalogue, in list
// order, skipping any the catalogue lacks.
func lookupCatalogue() catalogue {
	var c catalogue
	for _, part := range mainPlans {
		if found := skus.ByPartNumber(part); len(found) > 0 {
			c.main = append(c.main, catalogueSku{Sku: found[0], main: true})
		}
	}
	for _, part := range addOns {
		if found := skus.ByPartNumber(part); len(found) > 0 {
			c.addOns = append(c.addOns, catalogueSku{Sku: found[0]})
		}
	}
	return c
}

// pickSkus chooses one main plan and up to four add-ons, never the same SKU
// twice (EXCHANGESTANDARD is in both lists).
func (g *generator) pickSkus() []catalogueSku {
	var picked []catalogueSku
	has := func(id string) bool {
		for _, s := range picked {
			if s.ID == id {
				return true
			}
		}
		return false
	}
	if len(g.catalog.main) > 0 {
		picked = append(picked, g.catalog.main[g.r.IntN(len(g.catalog.main))])
	}
	extra := g.between(0, 4)
	for _, i := range g.r.Perm(len(g.catalog.addOns)) {
		if extra == 0 {
			break
		}
		if s := g.catalog.addOns[i]; !has(s.ID) {
			picked = append(picked, s)
			extra--
		}
	}
	return picked
}

// companyName is a customer's name and the slug its domain is made of.
type companyName struct{ Name, Slug string }

// namer hands out unique company names.
type namer struct {
	r    *rand.Rand
	used map[string]bool // slugs, so that names and domains are both unique
}

func newNamer(r *rand.Rand) *namer { return &namer{r: r, used: map[string]bool{}} }

// next returns a name not given before. After a few collisions it numbers
// the name, so that any number of customers terminates.
func (n *namer) next() companyName {
	for attempt := 0; ; attempt++ {
		prefix := companyPrefixes[n.r.IntN(len(companyPrefixes))]
		trade := companyTrades[n.r.IntN(len(companyTrades))]
		suffix := companySuffixes[n.r.IntN(len(companySuffixes))]
		name := strings.TrimSpace(prefix + " " + trade + " " + suffix)
		s := slug(prefix + trade)
		if attempt >= 8 {
			for i := 2; n.used[s]; i++ {
				s = fmt.Sprintf("%s%d", slug(prefix+trade), i)
				name = strings.TrimSpace(fmt.Sprintf("%s %s %d %s", prefix, trade, i, suffix))
			}
		}
		if n.used[s] || strings.Contains(s, "token") {
			continue
		}
		n.used[s] = true
		return companyName{Name: name, Slug: s}
	}
}

// slug keeps the lower-case letters and digits of s, for domain names.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shortName drops the legal suffix for relationship display names.
func shortName(name string) string {
	f := strings.Fields(name)
	if len(f) > 2 {
		f = f[:2]
	}
	return strings.Join(f, " ")
}

func withoutRole(roles []string, drop string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if r != drop {
			out = append(out, r)
		}
	}
	return out
}
