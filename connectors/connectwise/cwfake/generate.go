package cwfake

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// GenerateInput is what Generate builds a PSA from: the MSP's customers
// and what the distributor bills each of them for. It depends on no other
// fake, so the sandbox can feed it from whichever distributor it serves;
// every PSA fake takes the same input.
type GenerateInput = fakekit.PSAInput

// GenerateCustomer is one customer: its Microsoft tenant and what the
// distributor bills for it.
type GenerateCustomer = fakekit.PSACustomer

// GenerateProduct is one product the distributor bills a customer for.
type GenerateProduct = fakekit.PSAProduct

// The deliberate situations Generate places, each on its own customer when
// there are enough.
const (
	caseUnderBilled     = iota // a line billing fewer seats than the distributor does
	caseOverBilled             // a line billing more
	caseCancelled              // an extra, cancelled addition
	caseNotBilled              // a product's addition set to DoNotBill
	caseSplit                  // one item's seats on two additions of one agreement
	caseTwoAgreements          // the annual products on an agreement of their own
	caseOpenOnCancelled        // an open addition on a cancelled agreement
	caseCount
)

// generator holds the state of one Generate call.
type generator struct {
	r     *rand.Rand
	now   time.Time
	w     *World
	items map[string]int // catalogue item id by product key + term
	ids   struct{ company, agreement, addition, item int }
	used  map[string]bool // company identifiers
}

// Generate builds a deterministic ConnectWise world (for one seed) from the
// customers a distributor bills, dated around now, the way an MSP's PSA
// looks beside its distributor:
//
//   - companies for all customers but one (missing from the PSA), some
//     named differently (a legal suffix, capitals, "&" for "and"); websites
//     on most, the tenant id in a custom field on some; one company only in
//     the PSA, one inactive former client, a prospect named like a
//     customer, a vendor, and a deleted duplicate in the recycle bin;
//   - a catalogue with separate monthly and annual items for each Microsoft
//     product ("M365BP-M" / "Microsoft 365 Business Premium (Monthly)"), the
//     SKU part number as manufacturer part number on some, a managed-service
//     item, an inactive legacy item and a one-off item;
//   - an agreement per company whose additions match the distributor's
//     quantities, except on purpose: under-billed and over-billed lines, an
//     extra cancelled addition, a product not billed (DoNotBill), one item
//     on two additions of one agreement, a customer whose annual products
//     are on a second agreement, and an open addition on a cancelled
//     agreement.
func Generate(in GenerateInput, seed int64, now time.Time) World {
	now = now.UTC().Truncate(time.Second)
	g := &generator{
		r:     rand.New(rand.NewPCG(uint64(seed), 0xc0ffee5eed)),
		now:   now,
		items: map[string]int{},
		used:  map[string]bool{},
	}
	g.ids.company, g.ids.agreement, g.ids.addition, g.ids.item = 250, 3001, 7001, 900
	g.w = &World{
		CompanyID:   "seatsdemo",
		PublicKey:   g.hex(16),
		PrivateKey:  g.hex(16),
		APIMember:   "seatsapi",
		Codebase:    "v2025_1/",
		Currency:    currencyOf(in),
		GeneratedAt: now,
		Seed:        seed,
		Statuses: []CompanyStatus{
			{ID: 1, Name: "Active", DefaultFlag: true},
			{ID: 2, Name: "Inactive", InactiveFlag: true},
			{ID: 3, Name: "Credit Hold"},
		},
		Types: []CompanyType{
			{ID: 1, Name: "Client"},
			{ID: 2, Name: "Prospect"},
			{ID: 3, Name: "Vendor", IsVendor: true},
		},
	}
	g.catalog(in)

	customers := in.Customers
	n := len(customers)
	order := g.r.Perm(n)
	missing := -1
	if n >= 3 {
		missing = order[0]
		order = order[1:]
	}
	// Deal the situations to customers in the shuffled order; with fewer
	// customers than situations, some share one.
	cases := map[int][]int{}
	if len(order) > 0 {
		for c := range caseCount {
			i := order[c%len(order)]
			cases[i] = append(cases[i], c)
		}
	}
	for i, c := range customers {
		if i == missing {
			continue
		}
		g.customer(c, cases[i])
	}
	g.extraCompanies(customers)
	return *g.w
}

// currencyOf is the currency of the input's prices, USD when none says.
func currencyOf(in GenerateInput) string {
	for _, c := range in.Customers {
		for _, p := range c.Products {
			if p.UnitPrice.Known() {
				return p.UnitPrice.Currency
			}
		}
	}
	return "USD"
}

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

// stamp is a time some days before now, to the second.
func (g *generator) stamp(maxDaysAgo int) time.Time {
	return g.now.Add(-time.Duration(1+g.r.IntN(maxDaysAgo*24*3600)) * time.Second)
}

// day is midnight UTC d days from now.
func (g *generator) day(d int) time.Time {
	return g.now.Truncate(24*time.Hour).AddDate(0, 0, d)
}

// productKey identifies a product across customers.
func productKey(p GenerateProduct) string {
	if p.SkuPartNumber != "" {
		return strings.ToUpper(p.SkuPartNumber)
	}
	return strings.ToLower(p.Name)
}

func termSuffix(t connectors.Term) (code, label, cycle string) {
	if t == connectors.TermAnnual || t == connectors.TermTriennial {
		return "A", "Annual", "Annual"
	}
	return "M", "Monthly", "Monthly"
}

// monthlyPremium is how much more a monthly commitment costs than an
// annual one per month: Microsoft's NCE list prices differ by 20%.
var monthlyPremium = decimal.NewFromFloat(1.2)

// catalog adds a monthly and an annual item for every product any customer
// has, priced from the first price seen (the other term derived from it),
// and the MSP's own items.
func (g *generator) catalog(in GenerateInput) {
	type seen struct {
		p     GenerateProduct
		price map[connectors.Term]connectors.Money
	}
	products := map[string]*seen{}
	var keys []string
	for _, c := range in.Customers {
		for _, p := range c.Products {
			k := productKey(p)
			s, ok := products[k]
			if !ok {
				s = &seen{p: p, price: map[connectors.Term]connectors.Money{}}
				products[k] = s
				keys = append(keys, k)
			}
			term := connectors.TermMonthly
			if p.Term == connectors.TermAnnual || p.Term == connectors.TermTriennial {
				term = connectors.TermAnnual
			}
			if _, has := s.price[term]; !has && p.UnitPrice.Known() {
				s.price[term] = p.UnitPrice
			}
		}
	}
	abbrevs := map[string]bool{}
	for i, k := range keys {
		s := products[k]
		abbrev := abbreviation(s.p.Name)
		for n := 2; abbrevs[abbrev]; n++ {
			abbrev = fmt.Sprintf("%s%d", abbreviation(s.p.Name), n)
		}
		abbrevs[abbrev] = true
		monthly, hasMonthly := s.price[connectors.TermMonthly]
		annual, hasAnnual := s.price[connectors.TermAnnual]
		switch {
		case hasMonthly && !hasAnnual:
			annual = scale(monthly, decimal.NewFromInt(1).Div(monthlyPremium))
		case hasAnnual && !hasMonthly:
			monthly = scale(annual, monthlyPremium)
		case !hasMonthly && !hasAnnual:
			monthly = connectors.Money{Minor: 1000, Currency: g.w.Currency}
			annual = scale(monthly, decimal.NewFromInt(1).Div(monthlyPremium))
		}
		for _, term := range []connectors.Term{connectors.TermMonthly, connectors.TermAnnual} {
			code, label, cycle := termSuffix(term)
			price := monthly
			if term == connectors.TermAnnual {
				price = annual
			}
			it := CatalogItem{
				ID:            g.nextItem(),
				Identifier:    abbrev + "-" + code,
				Description:   clipDescription(s.p.Name, " ("+label+")"),
				Price:         decimalOf(price),
				Cost:          decimalOf(scale(price, decimal.NewFromInt(1).Div(monthlyPremium))),
				RecurringFlag: true,
				BillCycle:     cycle,
				ProductClass:  "NonInventory",
				Category:      "Microsoft 365",
				LastUpdated:   g.stamp(600),
			}
			// Some MSPs keep the SKU part number on the item, most do not.
			if i%2 == 0 && s.p.SkuPartNumber != "" {
				it.ManufacturerPartNumber = s.p.SkuPartNumber
			}
			g.w.Catalog = append(g.w.Catalog, it)
			g.items[k+"/"+code] = it.ID
		}
	}
	cur := g.w.Currency
	g.w.Catalog = append(g.w.Catalog,
		CatalogItem{ID: g.nextItem(), Identifier: "MSP-USER", Description: "Managed services per user", Price: decimalOf(connectors.Money{Minor: 4500, Currency: cur}),
			Cost: "0", RecurringFlag: true, BillCycle: "Monthly", ProductClass: "Service", Category: "Managed Services", LastUpdated: g.stamp(900)},
		CatalogItem{ID: g.nextItem(), Identifier: "BACKUP-U", Description: "Cloud backup per user", Price: decimalOf(connectors.Money{Minor: 500, Currency: cur}),
			Cost: decimalOf(connectors.Money{Minor: 250, Currency: cur}), RecurringFlag: true, BillCycle: "Monthly", ProductClass: "Service", Category: "Backup", LastUpdated: g.stamp(900)},
		CatalogItem{ID: g.nextItem(), Identifier: "O365E3-OLD", Description: "Office 365 E3 (legacy licensing)", ManufacturerPartNumber: "ENTERPRISEPACK",
			Price: decimalOf(connectors.Money{Minor: 2300, Currency: cur}), RecurringFlag: true, BillCycle: "Monthly", InactiveFlag: true, Category: "Microsoft 365", LastUpdated: g.stamp(1500)},
		CatalogItem{ID: g.nextItem(), Identifier: "ONBOARD", Description: "Onboarding, one-off", Price: decimalOf(connectors.Money{Minor: 15000, Currency: cur}),
			Cost: "0", ProductClass: "Service", Category: "Projects", LastUpdated: g.stamp(1500)},
	)
}

func (g *generator) nextItem() int      { g.ids.item++; return g.ids.item - 1 }
func (g *generator) nextCompany() int   { g.ids.company++; return g.ids.company - 1 }
func (g *generator) nextAgreement() int { g.ids.agreement++; return g.ids.agreement - 1 }
func (g *generator) nextAddition() int  { g.ids.addition++; return g.ids.addition - 1 }

// scale multiplies an amount, rounded half to even to the minor unit.
func scale(m connectors.Money, by decimal.Decimal) connectors.Money {
	return connectors.Money{Minor: decimal.NewFromInt(m.Minor).Mul(by).RoundBank(0).IntPart(), Currency: m.Currency}
}

// decimalOf writes an amount as ConnectWise does, a plain decimal number.
// perMonth is a yearly amount's twelfth, to the cent.
func perMonth(yearly json.Number) json.Number {
	d, err := decimal.NewFromString(string(yearly))
	if err != nil {
		return yearly
	}
	return json.Number(d.Div(decimal.NewFromInt(12)).Round(2).String())
}

func decimalOf(m connectors.Money) json.Number {
	if !m.Known() {
		return ""
	}
	return json.Number(m.Decimal())
}

// clipDescription keeps a description within ConnectWise's 60 characters,
// shortening the name rather than the term.
func clipDescription(name, suffix string) string {
	if r := []rune(name); len(r)+len([]rune(suffix)) > 60 {
		name = string(r[:60-len([]rune(suffix))])
	}
	return name + suffix
}

// abbreviation makes a catalogue identifier from a product name:
// "Microsoft 365 Business Premium" -> "M365BP", "Exchange Online (Plan 1)"
// -> "EOP1": words with digits kept whole, others by their first letter.
func abbreviation(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			b.WriteString(strings.ToUpper(w))
		} else {
			b.WriteRune(unicode.ToUpper([]rune(w)[0]))
		}
		if b.Len() >= 12 {
			break
		}
	}
	if b.Len() == 0 {
		return "ITEM"
	}
	return b.String()
}

// identifierFor makes a company's unique identifier from its name:
// letters and digits, at most 25, numbered on a clash.
func (g *generator) identifierFor(name string) string {
	var b strings.Builder
	for _, r := range name {
		if (unicode.IsLetter(r) && r < 0x80 || unicode.IsDigit(r)) && b.Len() < 25 {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if base == "" {
		base = "Company"
	}
	id := base
	for n := 2; g.used[strings.ToLower(id)]; n++ {
		id = fmt.Sprintf("%s%d", base, n)
	}
	g.used[strings.ToLower(id)] = true
	return id
}

// companyName is how the PSA names a customer: mostly as the tenant, a
// third of the time differently, as people type names.
func (g *generator) companyName(name string) string {
	if g.r.IntN(3) != 0 {
		return name
	}
	switch g.r.IntN(3) {
	case 0:
		if strings.Contains(name, " & ") {
			return strings.ReplaceAll(name, " & ", " and ")
		}
		if strings.Contains(name, " and ") {
			return strings.ReplaceAll(name, " and ", " & ")
		}
	case 1:
		return strings.ToUpper(name)
	}
	for _, swap := range [][2]string{{" Ltd", " Limited"}, {" Limited", " Ltd"}, {" LLC", " L.L.C."}, {" Inc.", ", Inc."}, {" Inc", " Incorporated"}} {
		if strings.HasSuffix(name, swap[0]) {
			return strings.TrimSuffix(name, swap[0]) + swap[1]
		}
	}
	return name + ", Inc."
}

// customer adds the company of one customer, its agreement(s) and
// additions, with the situations dealt to it.
func (g *generator) customer(c GenerateCustomer, cases []int) {
	has := func(k int) bool {
		for _, c := range cases {
			if c == k {
				return true
			}
		}
		return false
	}
	name := g.companyName(c.Name)
	co := Company{ID: g.nextCompany(), Identifier: g.identifierFor(name), Name: name, StatusID: 1, TypeIDs: []int{1}, LastUpdated: g.stamp(400)}
	switch g.r.IntN(10) {
	case 0, 1, 2:
		co.Website = "https://www." + c.Domain
		co.TenantID = c.TenantID
	case 3, 4, 5, 6:
		co.Website = c.Domain
	case 7:
		co.TenantID = c.TenantID
	}
	if c.Domain == "" {
		co.Website = ""
	}
	g.w.Companies = append(g.w.Companies, co)

	main := Agreement{ID: g.nextAgreement(), Name: name + " Managed Services", CompanyID: co.ID, TypeName: "Managed Services", Status: "Active",
		StartDate: g.day(-100 - g.r.IntN(800)), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: g.stamp(90)}
	g.w.Agreements = append(g.w.Agreements, main)
	annual := main
	if has(caseTwoAgreements) {
		start := g.day(-10 - g.r.IntN(300))
		annual = Agreement{ID: g.nextAgreement(), Name: name + " Microsoft NCE Annual", CompanyID: co.ID, TypeName: "Microsoft NCE Annual", Status: "Active",
			StartDate: start, EndDate: start.AddDate(1, 0, -1), BillingCycle: "Annual", LastUpdated: g.stamp(30)}
		g.w.Agreements = append(g.w.Agreements, annual)
	}

	products := append([]GenerateProduct(nil), c.Products...)
	sort.SliceStable(products, func(i, j int) bool { return productKey(products[i]) < productKey(products[j]) })
	seats := 0
	placedUnder, placedOver := false, false
	for i, p := range products {
		code, _, _ := termSuffix(p.Term)
		item := g.itemByID(g.items[productKey(p)+"/"+code])
		on := main
		if code == "A" {
			on = annual
		}
		q := max(p.Quantity, 0)
		seats += q
		switch {
		case has(caseUnderBilled) && !placedUnder && q > 1:
			q -= 1 + g.r.IntN(min(3, q-1))
			placedUnder = true
		case has(caseOverBilled) && !placedOver:
			q += 1 + g.r.IntN(3)
			placedOver = true
		case g.r.IntN(10) == 0 && q > 2:
			q-- // the everyday drift nobody planned
		}
		ad := g.addition(on, item, q)
		switch {
		case has(caseNotBilled) && i == len(products)-1:
			ad.BillCustomer = "DoNotBill"
		case has(caseSplit) && i == 0 && q >= 2:
			first := q / 2
			ad.Quantity = Quantity(first)
			second := g.addition(on, item, q-first)
			second.EffectiveDate = g.day(-g.r.IntN(60))
			g.w.Additions = append(g.w.Additions, ad, second)
			continue
		}
		g.w.Additions = append(g.w.Additions, ad)
		if has(caseCancelled) && i == 0 {
			old := g.addition(on, item, q+2)
			old.EffectiveDate = on.StartDate
			old.CancelledDate = g.day(-5 - g.r.IntN(40))
			g.w.Additions = append(g.w.Additions, old)
		}
	}
	if seats > 0 {
		g.w.Additions = append(g.w.Additions, g.addition(main, g.itemByIdentifier("MSP-USER"), seats))
	}
	if has(caseOpenOnCancelled) && len(products) > 0 {
		cancelled := g.day(-30 - g.r.IntN(90))
		prev := Agreement{ID: g.nextAgreement(), Name: name + " (previous agreement)", CompanyID: co.ID, TypeName: "Managed Services", Status: "Cancelled",
			CancelledFlag: true, DateCancelled: cancelled, StartDate: cancelled.AddDate(-2, 0, 0), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: cancelled}
		g.w.Agreements = append(g.w.Agreements, prev)
		p := products[0]
		code, _, _ := termSuffix(p.Term)
		open := g.addition(prev, g.itemByID(g.items[productKey(p)+"/"+code]), max(p.Quantity, 1))
		open.EffectiveDate = prev.StartDate
		g.w.Additions = append(g.w.Additions, open)
	}
}

// addition is a billable addition of item on agreement a, priced from the
// catalogue, effective from the agreement's start.
//
// An addition is priced per its agreement's billing cycle: an item priced
// per year on a monthly agreement bills a twelfth of it each month.
func (g *generator) addition(a Agreement, item CatalogItem, quantity int) Addition {
	price, cost := item.Price, item.Cost
	if item.BillCycle == "Annual" && a.BillingCycle == "Monthly" {
		price, cost = perMonth(price), perMonth(cost)
	}
	return Addition{
		ID: g.nextAddition(), AgreementID: a.ID, ProductID: item.ID,
		Quantity: Quantity(quantity), UnitPrice: price, UnitCost: cost,
		BillCustomer: "Billable", EffectiveDate: a.StartDate, LastUpdated: g.stamp(120),
	}
}

func (g *generator) itemByID(id int) CatalogItem {
	for _, it := range g.w.Catalog {
		if it.ID == id {
			return it
		}
	}
	panic(fmt.Sprintf("cwfake: Generate lost catalogue item %d", id))
}

func (g *generator) itemByIdentifier(identifier string) CatalogItem {
	for _, it := range g.w.Catalog {
		if it.Identifier == identifier {
			return it
		}
	}
	panic("cwfake: Generate lost catalogue item " + identifier)
}

// extraCompanies adds the companies that are not customers: one only in
// the PSA (billed, with no tenant), an inactive former client, a prospect
// named like a customer, a vendor, and a deleted duplicate of a customer.
func (g *generator) extraCompanies(customers []GenerateCustomer) {
	only := Company{ID: g.nextCompany(), Identifier: g.identifierFor("Blue Yonder Airlines"), Name: "Blue Yonder Airlines", StatusID: 1, TypeIDs: []int{1},
		Website: "blueyonderairlines.example", LastUpdated: g.stamp(200)}
	g.w.Companies = append(g.w.Companies, only)
	a := Agreement{ID: g.nextAgreement(), Name: "Blue Yonder Airlines Managed Services", CompanyID: only.ID, TypeName: "Managed Services", Status: "Active",
		StartDate: g.day(-300), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: g.stamp(60)}
	g.w.Agreements = append(g.w.Agreements, a)
	g.w.Additions = append(g.w.Additions, g.addition(a, g.itemByIdentifier("MSP-USER"), 14), g.addition(a, g.itemByIdentifier("BACKUP-U"), 14))
	if len(g.w.Catalog) > 4 { // a Microsoft item billed to a company seats finds no tenant for
		g.w.Additions = append(g.w.Additions, g.addition(a, g.w.Catalog[0], 14))
	}

	former := Company{ID: g.nextCompany(), Identifier: g.identifierFor("Tailspin Toys"), Name: "Tailspin Toys", StatusID: 2, TypeIDs: []int{1},
		Website: "tailspintoys.example", LastUpdated: g.stamp(300)}
	g.w.Companies = append(g.w.Companies, former)
	ended := g.day(-200)
	fa := Agreement{ID: g.nextAgreement(), Name: "Tailspin Toys Managed Services", CompanyID: former.ID, TypeName: "Managed Services", Status: "Cancelled",
		CancelledFlag: true, DateCancelled: ended, StartDate: ended.AddDate(-3, 0, 0), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: ended}
	g.w.Agreements = append(g.w.Agreements, fa)
	fad := g.addition(fa, g.itemByIdentifier("MSP-USER"), 9)
	fad.CancelledDate = ended
	g.w.Additions = append(g.w.Additions, fad)

	if len(customers) > 0 {
		c := customers[g.r.IntN(len(customers))]
		first := strings.Fields(c.Name)
		prospect := "Prospect"
		if len(first) > 0 {
			prospect = first[0] + " Group"
		}
		if strings.EqualFold(prospect, c.Name) {
			prospect += " Holdings"
		}
		g.w.Companies = append(g.w.Companies, Company{ID: g.nextCompany(), Identifier: g.identifierFor(prospect), Name: prospect, StatusID: 1, TypeIDs: []int{2}, LastUpdated: g.stamp(30)})

		d := customers[g.r.IntN(len(customers))]
		g.w.Companies = append(g.w.Companies, Company{ID: g.nextCompany(), Identifier: g.identifierFor(d.Name), Name: d.Name, StatusID: 1, TypeIDs: []int{1},
			DeletedFlag: true, LastUpdated: g.stamp(700)})
	}
	g.w.Companies = append(g.w.Companies, Company{ID: g.nextCompany(), Identifier: g.identifierFor("Pax8"), Name: "Pax8", StatusID: 1, TypeIDs: []int{3},
		Website: "https://www.pax8.com", LastUpdated: g.stamp(900)})
}
