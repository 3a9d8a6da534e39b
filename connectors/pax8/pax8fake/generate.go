package pax8fake

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/skus"
)

// unitCosts is what Pax8 bills the MSP per seat per month, in US cents, for
// the SKUs a sandbox world uses: near Microsoft's list prices, which is
// what a small MSP pays. The MSP's price to the customer is 20% more.
var unitCosts = map[string]int64{
	"SPB":                      2200, // Microsoft 365 Business Premium
	"O365_BUSINESS_PREMIUM":    1250, // Microsoft 365 Business Standard
	"O365_BUSINESS_ESSENTIALS": 600,  // Microsoft 365 Business Basic
	"O365_BUSINESS":            825,  // Microsoft 365 Apps for business
	"ENTERPRISEPACK":           2300, // Office 365 E3
	"SPE_E3":                   3600, // Microsoft 365 E3
	"SPE_E5":                   5700, // Microsoft 365 E5
	"EXCHANGESTANDARD":         400,  // Exchange Online (Plan 1)
	"POWER_BI_PRO":             1400,
	"AAD_PREMIUM":              600,
	"EMS":                      1060,
	"VISIOCLIENT":              1500,
	"PROJECTPROFESSIONAL":      3000,
}

// defaultUnitCost prices a SKU missing from unitCosts.
const defaultUnitCost = 500

// otherVendors are the non-Microsoft products a world sells beside
// Microsoft's, with their monthly unit cost in cents.
var otherVendors = []struct {
	name, vendor, sku string
	cost              int64
}{
	{"Acronis Cyber Protect Cloud", "Acronis", "ACR-CPC-WKS", 450},
	{"Proofpoint Essentials - Business", "Proofpoint", "PPT-ESS-BUS", 280},
	{"Dropbox Business Advanced", "Dropbox", "DBX-BUS-ADV", 1500},
}

// nameVariant is how a company's name at Pax8 differs from its tenant's.
type nameVariant int

const (
	sameName     nameVariant = iota
	legalSuffix              // "Inc"/"LLC" added or dropped
	punctuation              // a comma, a full stop, a hyphen
	letterCase               // upper or lower case
	accent                   // an é for an e
	nameVariants             // count
)

// idKind is what a company carries that identifies its tenant.
type idKind int

const (
	idTenantExternalID idKind = iota // externalId is the tenant id
	idWebsiteDomain                  // website is the tenant's domain
	idPSAExternalID                  // externalId is a PSA id: no help
	idNothing                        // neither
	idKinds
)

// generator holds the state of one Generate call.
type generator struct {
	r        *rand.Rand
	now      time.Time
	w        *World
	products map[string]Product // by skuId, or by vendor name for other vendors
	psaIDs   int
}

// Generate builds a Pax8 world consistent with the Microsoft world ms, as
// an MSP's distributor would see the same customers. It reads ms and never
// changes it; the same ms, seed and now always give the same world
// (math/rand/v2 PCG seeded from seed; nothing depends on map order).
//
// What it holds, on purpose:
//   - every customer of ms but one as a company, some named differently
//     (a legal suffix added or dropped, punctuation, case, an accent), and
//     one company that has no tenant in ms;
//   - companies carrying the tenant id as externalId (some in upper case),
//     others the tenant's domain as website, others a PSA id or nothing;
//   - a subscription per paid subscription in ms, its vendorSubscriptionId
//     the tenant's commerceSubscriptionId and vendorSkuId the skuId; free
//     SKUs (Power Automate Free...) are not sold by distributors and are left
//     out; Graph trials are Pax8 trials;
//   - in one customer a SKU bought twice, annual and monthly, the monthly
//     one with a commerce id ms does not have (a second subscription Graph's
//     sandbox does not show) and quantities that add up to Graph's seats;
//   - a suspended, a cancelled and a pending-cancel subscription, and a
//     trial even when ms has none;
//   - about one subscription in seven with a quantity other than Graph's;
//   - non-Microsoft products (Acronis, Proofpoint, Dropbox);
//   - US dollar costs and prices near list (Business Premium $22.00 cost,
//     $26.40 price a month), per year where billed annually;
//   - every date spelling Pax8 uses.
func Generate(ms *msfake.World, seed int64, now time.Time) World {
	now = now.UTC().Truncate(time.Second)
	g := &generator{
		r:        rand.New(rand.NewPCG(uint64(seed), 0x9a88fa6e5eed)),
		now:      now,
		w:        &World{GeneratedAt: now, Seed: seed},
		products: map[string]Product{},
	}
	g.w.ClientID = g.guid()
	g.w.ClientSecret = g.hex(40)
	g.w.SigningKey = make([]byte, 32)
	for i := range g.w.SigningKey {
		g.w.SigningKey[i] = byte(g.r.Uint32())
	}
	if ms == nil {
		return *g.w
	}
	customers := ms.Customers
	n := len(customers)

	// Roles of customers, dealt from one shuffled order so that each
	// special case lands on a different customer when there are enough.
	order := g.r.Perm(n)
	missing := -1
	if n >= 2 {
		missing = order[0]
	}
	var present []int // indexes into customers, in ms order
	for i := range customers {
		if i != missing {
			present = append(present, i)
		}
	}
	variants := g.deal(present, int(nameVariants), 40)
	ids := g.deal(present, int(idKinds), 100)
	special := g.specialCases(customers, present)

	for _, i := range present {
		c := customers[i]
		company := g.company(c, nameVariant(variants[i]), idKind(ids[i]))
		g.w.Companies = append(g.w.Companies, company)
		g.subscriptions(company.ID, c, special[i])
	}
	g.pax8Only(ms)
	if !g.hasStatus("Trial") && len(g.w.Companies) > 0 {
		g.addTrial(g.w.Companies[0].ID)
	}
	return *g.w
}

// deal assigns each of idx one of kinds values: every value at least once
// when there are enough customers (in a seeded order), the rest at random,
// with value 0 for (100-percent)% of them.
func (g *generator) deal(idx []int, kinds, percent int) map[int]int {
	out := map[int]int{}
	perm := g.r.Perm(len(idx))
	for k, p := range perm {
		i := idx[p]
		switch {
		case k < kinds-1:
			out[i] = k + 1 // every non-zero value once
		case g.r.IntN(100) < percent:
			out[i] = g.r.IntN(kinds)
		default:
			out[i] = 0
		}
	}
	return out
}

// specialCase is what happens to one customer's subscriptions on purpose.
type specialCase int

const (
	noSpecial specialCase = iota
	splitTerms
	suspendOne
	cancelOne
	pendingCancelOne
)

// specialCases picks a different customer for each special case, among
// those whose first paid subscription is not a trial.
func (g *generator) specialCases(customers []msfake.Customer, present []int) map[int]specialCase {
	out := map[int]specialCase{}
	var candidates []int
	for _, i := range present {
		if paid := paidSubscriptions(customers[i]); len(paid) > 0 && !paid[0].IsTrial {
			candidates = append(candidates, i)
		}
	}
	g.r.Shuffle(len(candidates), func(a, b int) { candidates[a], candidates[b] = candidates[b], candidates[a] })
	cases := []specialCase{splitTerms, suspendOne, cancelOne, pendingCancelOne}
	for k, i := range candidates {
		if k >= len(cases) {
			break
		}
		out[i] = cases[k]
	}
	return out
}

// paidSubscriptions are the customer's subscriptions a distributor sells:
// not free SKUs.
func paidSubscriptions(c msfake.Customer) []msfake.Subscription {
	var out []msfake.Subscription
	for _, s := range c.Subscriptions {
		if !skus.FreeOrTrial(s.SkuID, s.SkuPartNumber) {
			out = append(out, s)
		}
	}
	return out
}

func (g *generator) company(c msfake.Customer, v nameVariant, id idKind) Company {
	co := Company{
		ID:          g.guid(),
		Name:        variantName(c.Name, v, g.r),
		Status:      "Active",
		Country:     "US",
		UpdatedDate: g.now.Add(-time.Duration(g.r.IntN(400*24*3600)) * time.Second).Add(-time.Duration(g.r.IntN(1000)) * time.Millisecond),
	}
	switch id {
	case idTenantExternalID:
		co.ExternalID = c.TenantID
		if g.r.IntN(2) == 0 {
			co.ExternalID = strings.ToUpper(c.TenantID)
		}
	case idWebsiteDomain:
		co.Website = []string{c.Domain, "https://www." + c.Domain, "http://" + c.Domain + "/"}[g.r.IntN(3)]
	case idPSAExternalID:
		g.psaIDs++
		co.ExternalID = fmt.Sprintf("CW-%d", 1000+g.psaIDs*7)
	}
	return co
}

// variantName writes name the way the variant differs.
func variantName(name string, v nameVariant, r *rand.Rand) string {
	fields := strings.Fields(name)
	last := ""
	if len(fields) > 0 {
		last = fields[len(fields)-1]
	}
	legal := map[string]bool{"LLC": true, "Inc": true, "Ltd": true}[last]
	switch v {
	case legalSuffix:
		if legal {
			return strings.Join(fields[:len(fields)-1], " ")
		}
		return name + []string{" Inc.", " LLC", ", Inc"}[r.IntN(3)]
	case punctuation:
		if legal {
			return strings.Join(fields[:len(fields)-1], " ") + ", " + last + "."
		}
		if len(fields) >= 2 {
			return fields[0] + "-" + strings.Join(fields[1:], " ")
		}
		return name + "."
	case letterCase:
		if r.IntN(2) == 0 {
			return strings.ToUpper(name)
		}
		return strings.ToLower(name)
	case accent:
		// The first e after the initial gets an acute accent ("Cédar"),
		// else the first vowel that can.
		for _, v := range []string{"e", "a", "o", "i", "u"} {
			if i := strings.Index(name[1:], v); i >= 0 {
				accented := map[string]string{"e": "é", "a": "á", "o": "ó", "i": "í", "u": "ú"}[v]
				return name[:i+1] + accented + name[i+2:]
			}
		}
	}
	return name
}

// subscriptions adds the company's subscriptions, one per paid Graph
// subscription, bent by the customer's special case, plus sometimes a
// product of another vendor.
func (g *generator) subscriptions(companyID string, c msfake.Customer, special specialCase) {
	paid := paidSubscriptions(c)
	for k, ms := range paid {
		s := g.fromGraph(companyID, ms)
		switch {
		case k == 0 && special == splitTerms:
			g.split(s, ms)
			continue
		case k == 0 && special == suspendOne:
			s.Status = "Suspended"
		case k == 0 && special == pendingCancelOne:
			s.Status = "PendingCancel"
			s.EndDate = g.now.AddDate(0, 0, 15)
			if s.Commitment != nil && !s.Commitment.EndDate.IsZero() {
				s.EndDate = s.Commitment.EndDate
			}
		}
		g.w.Subscriptions = append(g.w.Subscriptions, s)
	}
	if special == cancelOne && len(paid) > 0 {
		// A product the customer dropped: cancelled, its Microsoft
		// subscription long gone from Graph.
		s := g.fromGraph(companyID, paid[0])
		s.ID, s.VendorSubscriptionID = g.guid(), g.guid()
		s.Status = "Cancelled"
		s.StartDate = g.now.AddDate(-2, 0, -g.r.IntN(100))
		s.EndDate = g.now.AddDate(0, 0, -40-g.r.IntN(200))
		s.Commitment = nil
		if s.BillingTerm != "Trial" {
			s.BillingTerm = "Monthly"
			g.price(&s, unitCost(paid[0].SkuPartNumber))
		}
		g.w.Subscriptions = append(g.w.Subscriptions, s)
	}
	if g.r.IntN(100) < 30 {
		g.other(companyID)
	}
}

// fromGraph is the Pax8 side of one Graph subscription.
func (g *generator) fromGraph(companyID string, ms msfake.Subscription) Subscription {
	p := g.microsoftProduct(ms.SkuID, ms.SkuPartNumber)
	annual := !ms.IsTrial && ms.NextLifecycleAt.After(g.now.AddDate(0, 1, 1))
	qty := ms.TotalLicenses
	if g.r.IntN(7) == 0 { // on purpose: Pax8 and Graph disagree
		qty = max(1, qty+[]int{-3, -2, -1, 1, 2, 3}[g.r.IntN(6)])
	}
	s := Subscription{
		ID:                   g.guid(),
		CompanyID:            companyID,
		ProductID:            p.ID,
		VendorSubscriptionID: ms.CommerceSubscriptionID,
		VendorSkuID:          ms.SkuID,
		ListedWithVendorIDs:  g.r.IntN(5) == 0,
		Quantity:             mustNumber(qty),
		Status:               "Active",
		BillingTerm:          "Monthly",
		StartDate:            ms.CreatedAt,
		CreatedDate:          ms.CreatedAt.Add(-time.Duration(1+g.r.IntN(72)) * time.Hour).Add(time.Duration(g.r.IntN(1000)) * time.Millisecond),
		DateStyle:            DateStyles()[g.r.IntN(3)],
	}
	if s.StartDate.IsZero() {
		s.StartDate = g.now.AddDate(0, -g.r.IntN(24)-1, 0)
	}
	if annual {
		s.Commitment = &Commitment{ID: g.guid(), Term: "1-Year", EndDate: ms.NextLifecycleAt}
		if g.r.IntN(5) == 0 {
			s.BillingTerm = "Annual"
		}
	}
	if ms.IsTrial {
		s.Status, s.BillingTerm = "Trial", "Trial"
		s.EndDate = ms.NextLifecycleAt
		return s // trials are free: no price at all
	}
	g.price(&s, unitCost(ms.SkuPartNumber))
	return s
}

// split makes s (from Graph subscription ms) two subscriptions of the same
// SKU: annual on ms's commerce id, and monthly on a new one, their
// quantities adding up to Graph's seats.
func (g *generator) split(s Subscription, ms msfake.Subscription) {
	total := max(ms.TotalLicenses, 2)
	annualQty := max(1, total*2/3)
	annual := s
	annual.Quantity = mustNumber(annualQty)
	annual.BillingTerm = "Monthly"
	annual.Commitment = &Commitment{ID: g.guid(), Term: "1-Year", EndDate: nextAnniversary(s.StartDate, g.now)}
	g.price(&annual, unitCost(ms.SkuPartNumber))

	monthly := s
	monthly.ID = g.guid()
	monthly.VendorSubscriptionID = g.guid()
	monthly.Quantity = mustNumber(total - annualQty)
	monthly.Commitment = nil
	monthly.BillingTerm = "Monthly"
	monthly.StartDate = g.now.AddDate(0, -g.r.IntN(5)-1, -g.r.IntN(28))
	g.price(&monthly, unitCost(ms.SkuPartNumber))
	g.w.Subscriptions = append(g.w.Subscriptions, annual, monthly)
}

// nextAnniversary is the first yearly anniversary of start after now.
func nextAnniversary(start, now time.Time) time.Time {
	t := start
	for k := 1; !t.After(now); k++ {
		t = start.AddDate(k, 0, 0)
	}
	return t
}

// price sets cost and price per seat for the billing period: the monthly
// cost, ×12 where billed annually; the price 20% over the cost.
func (g *generator) price(s *Subscription, monthlyCents int64) {
	cost := monthlyCents
	if s.BillingTerm == "Annual" {
		cost *= 12
	}
	price := cost * 12 / 10
	s.PartnerCost = cents(cost)
	s.Price = cents(price)
	s.CurrencyCode = "USD"
}

func cents(n int64) json.Number { return json.Number(decimal.New(n, -2).StringFixed(2)) }

func unitCost(part string) int64 {
	if c, ok := unitCosts[part]; ok {
		return c
	}
	return defaultUnitCost
}

// microsoftProduct returns the product for a Microsoft SKU, made on first use.
func (g *generator) microsoftProduct(skuID, part string) Product {
	if p, ok := g.products[skuID]; ok {
		return p
	}
	p := Product{ID: g.guid(), Name: skus.DisplayName(skuID, part), VendorName: "Microsoft", SKU: "MST-NCE-" + strings.ReplaceAll(part, "_", "-")}
	g.products[skuID] = p
	g.w.Products = append(g.w.Products, p)
	return p
}

// other adds a subscription to a product of another vendor.
func (g *generator) other(companyID string) {
	o := otherVendors[g.r.IntN(len(otherVendors))]
	p, ok := g.products[o.vendor]
	if !ok {
		p = Product{ID: g.guid(), Name: o.name, VendorName: o.vendor, SKU: o.sku}
		g.products[o.vendor] = p
		g.w.Products = append(g.w.Products, p)
	}
	s := Subscription{
		ID: g.guid(), CompanyID: companyID, ProductID: p.ID,
		Quantity: mustNumber(1 + g.r.IntN(40)), Status: "Active", BillingTerm: "Monthly",
		StartDate: g.now.AddDate(0, -1-g.r.IntN(30), -g.r.IntN(28)), DateStyle: DateStyles()[g.r.IntN(3)],
	}
	g.price(&s, o.cost)
	g.w.Subscriptions = append(g.w.Subscriptions, s)
}

// pax8Only adds a company that has no tenant in ms: a new customer not
// yet set up in Microsoft, or one the MSP has no GDAP with.
func (g *generator) pax8Only(ms *msfake.World) {
	taken := map[string]bool{}
	for _, c := range ms.Customers {
		taken[strings.ToLower(c.Name)] = true
	}
	name := "Quarry Brewing Co."
	for k := 2; taken[strings.ToLower(name)]; k++ {
		name = fmt.Sprintf("Quarry Brewing Co. %d", k)
	}
	co := Company{ID: g.guid(), Name: name, Status: "Active", Country: "US", UpdatedDate: g.now.AddDate(0, 0, -3)}
	g.w.Companies = append(g.w.Companies, co)
	bp := skus.ByPartNumber("SPB")
	if len(bp) > 0 {
		p := g.microsoftProduct(bp[0].ID, "SPB")
		s := Subscription{
			ID: g.guid(), CompanyID: co.ID, ProductID: p.ID, VendorSubscriptionID: g.guid(), VendorSkuID: bp[0].ID,
			Quantity: "8", Status: "Active", BillingTerm: "Monthly", StartDate: g.now.AddDate(0, 0, -20), DateStyle: DateOffset,
		}
		g.price(&s, unitCost("SPB"))
		g.w.Subscriptions = append(g.w.Subscriptions, s)
	}
	g.other(co.ID)
}

// addTrial adds a trial of Power BI Pro when the Microsoft world had none.
func (g *generator) addTrial(companyID string) {
	found := skus.ByPartNumber("POWER_BI_PRO")
	if len(found) == 0 {
		return
	}
	p := g.microsoftProduct(found[0].ID, "POWER_BI_PRO")
	g.w.Subscriptions = append(g.w.Subscriptions, Subscription{
		ID: g.guid(), CompanyID: companyID, ProductID: p.ID, VendorSubscriptionID: g.guid(), VendorSkuID: found[0].ID,
		Quantity: "5", Status: "Trial", BillingTerm: "Trial", StartDate: g.now.AddDate(0, 0, -5), EndDate: g.now.AddDate(0, 0, 25),
		DateStyle: DateOnly,
	})
}

func (g *generator) hasStatus(status string) bool {
	for _, s := range g.w.Subscriptions {
		if s.Status == status {
			return true
		}
	}
	return false
}

// guid returns a random v4-style GUID from the generator's source.
func (g *generator) guid() string {
	hi, lo := g.r.Uint64(), g.r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// hex returns n random hex digits.
func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}
