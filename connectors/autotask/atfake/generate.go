package atfake

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

// The deliberate situations Generate places, each on its own customer when
// there are enough.
const (
	caseUnderBilled     = iota // a contract service billing fewer units than the distributor bills seats
	caseOverBilled             // one billing more
	caseCancelled              // a repeat contract service cut to 0 units by an adjustment
	caseNotBilled              // a product's contract service priced at 0
	caseSplit                  // one service's units on two contract services of one contract (allowRepeatService)
	caseTwoContracts           // the yearly products on a yearly contract of their own
	caseOpenOnCancelled        // units still on an inactive contract
	caseRenewed                // the contract was renewed last month; the old one ended
	caseCount
)

// generator holds the state of one Generate call.
type generator struct {
	r        *rand.Rand
	now      time.Time
	w        *World
	services map[string]int // service id by product key + "/M" or "/A"
	next     int            // record ids
	units    int            // units row ids
}

// Generate builds a deterministic Autotask world (for one seed) from the
// customers a distributor bills, dated around now, the way an MSP's
// Autotask looks beside its distributor:
//
//   - companies (type Customer) for all customers but one (missing from the
//     PSA), some named differently; web addresses on most, the tenant id in
//     a user-defined field on some; one customer only in Autotask, a Dead
//     former customer with an inactive contract, a Prospect named like a
//     customer, a Lead and a Vendor;
//   - a service catalogue with a monthly and a yearly service for each
//     product ("Microsoft 365 Business Premium (Monthly)"), Microsoft's part
//     number as the manufacturer's product number on some, the MSP's own
//     services, an inactive legacy one;
//   - a one-year recurring service contract per company, renewed each year,
//     whose contract services' units (rows per month) match the
//     distributor's quantities, except on purpose: under- and over-billed
//     units, a repeat contract service cut to 0 units by an adjustment, a
//     product priced at 0 (not billed), one service's units split over two
//     contract services, a customer whose yearly products are on a yearly
//     contract, units left on an inactive contract, and a contract renewed
//     last month whose predecessor ended.
//
// The credentials are derived from the seed (the sandbox replaces the
// secret with a random one).
func Generate(in fakekit.PSAInput, seed int64, now time.Time) World {
	now = now.UTC().Truncate(time.Second)
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0xa7a5c0de)), now: now, services: map[string]int{}, next: 100, units: 10000}
	g.w = &World{
		UserName:        "seats-api-" + g.hex(6) + "@seatsdemo.example",
		Secret:          g.hex(24),
		IntegrationCode: strings.ToUpper(g.hex(27)),
		ZoneName:        "America East 2",
		Currency:        currencyOf(in),
		CompanyTypes:    DefaultCompanyTypes(),
		PeriodTypes:     DefaultPeriodTypes(),
		GeneratedAt:     now,
		Seed:            seed,
	}
	g.catalog(in)
	n := len(in.Customers)
	order := g.r.Perm(n)
	missing := -1
	if n >= 3 {
		missing, order = order[0], order[1:]
	}
	cases := map[int][]int{}
	if len(order) > 0 {
		for c := range caseCount {
			i := order[c%len(order)]
			cases[i] = append(cases[i], c)
		}
	}
	for i, c := range in.Customers {
		if i != missing {
			g.customer(c, cases[i])
		}
	}
	g.extraCompanies(in.Customers)
	g.w.NextID = max(g.next, g.units) + 100000
	return *g.w
}

// currencyOf is the currency of the input's prices, USD when none says.
func currencyOf(in fakekit.PSAInput) string {
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

func (g *generator) id() int { g.next++; return g.next - 1 }

// day is midnight UTC d days from now.
func (g *generator) day(d int) time.Time { return day(g.now).AddDate(0, 0, d) }

func productKey(p fakekit.PSAProduct) string {
	if p.SkuPartNumber != "" {
		return strings.ToUpper(p.SkuPartNumber)
	}
	return strings.ToLower(p.Name)
}

func yearly(t connectors.Term) bool {
	return t == connectors.TermAnnual || t == connectors.TermTriennial
}

// monthlyPremium is how much more a monthly commitment costs per month
// than a yearly one: Microsoft's NCE list prices differ by 20%.
var monthlyPremium = decimal.NewFromFloat(1.2)

func amount(m connectors.Money) json.Number {
	if !m.Known() {
		return ""
	}
	return json.Number(m.Decimal())
}

func scale(m connectors.Money, by decimal.Decimal) connectors.Money {
	return connectors.Money{Minor: decimal.NewFromInt(m.Minor).Mul(by).RoundBank(0).IntPart(), Currency: m.Currency}
}

// catalog adds a monthly and a yearly service for every product, priced
// from the first price seen (per month for monthly, per year for yearly),
// and the MSP's own services.
func (g *generator) catalog(in fakekit.PSAInput) {
	type seen struct {
		p       fakekit.PSAProduct
		monthly connectors.Money // per month, monthly commitment
	}
	products := map[string]*seen{}
	var keys []string
	for _, c := range in.Customers {
		for _, p := range c.Products {
			k := productKey(p)
			s, ok := products[k]
			if !ok {
				s = &seen{p: p}
				products[k] = s
				keys = append(keys, k)
			}
			if !s.monthly.Known() && p.UnitPrice.Known() {
				s.monthly = p.UnitPrice
				if yearly(p.Term) { // a yearly price: per month of a monthly commitment
					s.monthly = scale(p.UnitPrice, monthlyPremium.Div(decimal.NewFromInt(12)))
				}
			}
		}
	}
	cur := g.w.Currency
	for i, k := range keys {
		s := products[k]
		if !s.monthly.Known() {
			s.monthly = connectors.Money{Minor: 1000, Currency: cur}
		}
		year := scale(s.monthly, decimal.NewFromInt(12).Div(monthlyPremium))
		abbrev := abbreviation(s.p.Name)
		for _, term := range []string{"M", "A"} {
			sv := Service{ID: g.id(), Name: s.p.Name + " (Monthly)", SKU: abbrev + "-M", UnitPrice: amount(s.monthly),
				UnitCost: amount(scale(s.monthly, decimal.NewFromFloat(0.8))), PeriodType: PeriodMonthly, Active: true}
			if term == "A" {
				sv.Name, sv.SKU, sv.PeriodType = s.p.Name+" (Annual)", abbrev+"-A", PeriodYearly
				sv.UnitPrice, sv.UnitCost = amount(year), amount(scale(year, decimal.NewFromFloat(0.8)))
			}
			switch {
			case s.p.SkuPartNumber == "":
			case i%3 == 0:
				sv.VendorProductNumber = s.p.SkuPartNumber
			case i%3 == 1:
				sv.PartNumber = s.p.SkuPartNumber
			}
			g.w.Services = append(g.w.Services, sv)
			g.services[k+"/"+term] = sv.ID
		}
	}
	g.w.Services = append(g.w.Services,
		Service{ID: g.id(), Name: "Managed services per user", SKU: "MSP-USER", UnitPrice: amount(connectors.Money{Minor: 4500, Currency: cur}), UnitCost: "0", PeriodType: PeriodMonthly, Active: true},
		Service{ID: g.id(), Name: "Cloud backup per user", SKU: "BACKUP-U", UnitPrice: amount(connectors.Money{Minor: 500, Currency: cur}), UnitCost: amount(connectors.Money{Minor: 250, Currency: cur}), PeriodType: PeriodMonthly, Active: true},
		Service{ID: g.id(), Name: "Office 365 E3 (legacy licensing)", VendorProductNumber: "ENTERPRISEPACK", UnitPrice: amount(connectors.Money{Minor: 2300, Currency: cur}), PeriodType: PeriodMonthly},
	)
}

// abbreviation makes a SKU from a product name: "Microsoft 365 Business
// Premium" -> "M365BP".
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
		return "SVC"
	}
	return b.String()
}

func (g *generator) serviceBy(sku string) Service {
	for _, s := range g.w.Services {
		if s.SKU == sku {
			return s
		}
	}
	panic("atfake: Generate lost service " + sku)
}

func (g *generator) serviceByID(id int) Service {
	for _, s := range g.w.Services {
		if s.ID == id {
			return s
		}
	}
	panic(fmt.Sprintf("atfake: Generate lost service %d", id))
}

// companyName is how the PSA names a customer: mostly as the tenant, a
// third of the time differently.
func (g *generator) companyName(name string) string {
	if g.r.IntN(3) != 0 {
		return name
	}
	switch g.r.IntN(3) {
	case 0:
		if strings.Contains(name, " & ") {
			return strings.ReplaceAll(name, " & ", " and ")
		}
	case 1:
		return strings.ToUpper(name)
	}
	for _, swap := range [][2]string{{" Ltd", " Limited"}, {" Limited", " Ltd"}, {" LLC", " L.L.C."}, {" Inc.", ", Inc."}} {
		if strings.HasSuffix(name, swap[0]) {
			return strings.TrimSuffix(name, swap[0]) + swap[1]
		}
	}
	return name + ", Inc."
}

// contract adds a recurring contract of a year from start.
func (g *generator) contract(companyID int, name string, start time.Time, period, status int) Contract {
	k := Contract{ID: g.id(), CompanyID: companyID, Name: name, Type: ContractTypeRecurring, Status: status,
		StartDate: start, EndDate: start.AddDate(1, 0, -1), PeriodType: period}
	g.w.Contracts = append(g.w.Contracts, k)
	return k
}

// line adds a contract service of sv on k with units from from (the
// contract's start when zero), priced per the contract's period: a yearly
// service on a monthly contract bills a twelfth of its price each month.
func (g *generator) line(k Contract, sv Service, units int, from time.Time) ContractService {
	price, cost := sv.UnitPrice, sv.UnitCost
	if sv.PeriodType == PeriodYearly && k.PeriodType == PeriodMonthly {
		price, cost = perMonth(price), perMonth(cost)
	}
	cs := ContractService{ID: g.id(), ContractID: k.ID, ServiceID: sv.ID, UnitPrice: price, UnitCost: cost}
	g.w.ContractServices = append(g.w.ContractServices, cs)
	g.w.Units = append(g.w.Units, periodRows(&g.units, k, cs, from, Units(units))...)
	return cs
}

func perMonth(n json.Number) json.Number {
	d, err := decimal.NewFromString(string(n))
	if err != nil {
		return n
	}
	return json.Number(d.Div(decimal.NewFromInt(12)).Round(2).String())
}

// adjust posts an adjustment as the MSP's staff did, on the given day.
func (g *generator) adjust(cs ContractService, on time.Time, change int) {
	g.w.NextID = g.units
	s := &Server{w: g.w, opts: Options{Now: func() time.Time { return on.Add(10 * time.Hour) }}}
	if err := s.adjust(cs, on, change, "msp.admin", false); err != nil {
		panic("atfake: Generate: " + err.Error())
	}
	g.units = g.w.NextID
}

// customer adds the company of one customer, its contract(s) and contract
// services, with the situations dealt to it.
func (g *generator) customer(c fakekit.PSACustomer, cases []int) {
	has := func(k int) bool {
		for _, x := range cases {
			if x == k {
				return true
			}
		}
		return false
	}
	name := g.companyName(c.Name)
	co := Company{ID: g.id(), Name: name, Type: 1, Active: true, LastActivityDate: g.day(-g.r.IntN(60))}
	switch g.r.IntN(10) {
	case 0, 1, 2:
		co.WebAddress, co.TenantID = "https://www."+c.Domain, c.TenantID
	case 3, 4, 5, 6:
		co.WebAddress = c.Domain
	case 7:
		co.TenantID = c.TenantID
	}
	if c.Domain == "" {
		co.WebAddress = ""
	}
	if g.r.IntN(2) == 0 {
		co.Number = fmt.Sprintf("C-%04d", co.ID)
	}
	g.w.Companies = append(g.w.Companies, co)

	month := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC)
	start := month.AddDate(0, -g.r.IntN(11), 0)
	if has(caseRenewed) {
		start = month.AddDate(0, -1, 0)
	}
	main := g.contract(co.ID, name+" Managed Services", start, PeriodMonthly, ContractStatusActive)
	if has(caseRenewed) {
		old := g.contract(co.ID, name+" Managed Services (previous year)", start.AddDate(-1, 0, 0), PeriodMonthly, ContractStatusActive)
		old.RenewedContractID = main.ID
		g.w.Contracts[len(g.w.Contracts)-1] = old
	}
	annual := main
	if has(caseTwoContracts) {
		annual = g.contract(co.ID, name+" Microsoft NCE Annual", day(g.now).AddDate(0, 0, -10-g.r.IntN(300)), PeriodYearly, ContractStatusActive)
	}

	products := append([]fakekit.PSAProduct(nil), c.Products...)
	sort.SliceStable(products, func(i, j int) bool { return productKey(products[i]) < productKey(products[j]) })
	seats := 0
	placedUnder, placedOver := false, false
	for i, p := range products {
		term := "M"
		on := main
		if yearly(p.Term) {
			term, on = "A", annual
		}
		sv := g.serviceByID(g.services[productKey(p)+"/"+term])
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
		if has(caseSplit) && i == 0 && q >= 2 {
			first := q / 2
			g.line(on, sv, first, time.Time{})
			g.line(on, sv, q-first, time.Time{}) // a repeat service (allowRepeatService)
			continue
		}
		g.line(on, sv, q, time.Time{})
		if has(caseNotBilled) && i == len(products)-1 {
			g.w.ContractServices[len(g.w.ContractServices)-1].AdjustedPrice = "0"
		}
		if has(caseCancelled) && i == 0 {
			old := g.line(on, sv, q+2, time.Time{})
			cut := maxTime(day(on.StartDate), g.day(-5-g.r.IntN(40)))
			g.adjust(old, cut, -(q + 2))
		}
	}
	if seats > 0 {
		g.line(main, g.serviceBy("MSP-USER"), seats, time.Time{})
	}
	if has(caseOpenOnCancelled) && len(products) > 0 {
		prev := g.contract(co.ID, name+" (previous contract)", month.AddDate(0, -2-g.r.IntN(6), 0), PeriodMonthly, ContractStatusInactive)
		p := products[0]
		term := "M"
		if yearly(p.Term) {
			term = "A"
		}
		g.line(prev, g.serviceByID(g.services[productKey(p)+"/"+term]), max(p.Quantity, 1), time.Time{})
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// extraCompanies adds the companies that are not customers: one only in
// Autotask (billed, with no tenant), a dead former customer with an
// inactive contract, a prospect named like a customer, a lead and a vendor.
func (g *generator) extraCompanies(customers []fakekit.PSACustomer) {
	only := Company{ID: g.id(), Name: "Blue Yonder Airlines", Type: 1, Active: true, WebAddress: "blueyonderairlines.example"}
	g.w.Companies = append(g.w.Companies, only)
	month := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC)
	k := g.contract(only.ID, "Blue Yonder Airlines Managed Services", month.AddDate(0, -4, 0), PeriodMonthly, ContractStatusActive)
	g.line(k, g.serviceBy("MSP-USER"), 14, time.Time{})
	g.line(k, g.serviceBy("BACKUP-U"), 14, time.Time{})
	if len(g.w.Services) > 3 { // a Microsoft service billed to a company seats finds no tenant for
		g.line(k, g.w.Services[0], 14, time.Time{})
	}

	former := Company{ID: g.id(), Name: "Tailspin Toys", Type: 4, Active: false, WebAddress: "tailspintoys.example"}
	g.w.Companies = append(g.w.Companies, former)
	fk := g.contract(former.ID, "Tailspin Toys Managed Services", month.AddDate(0, -7, 0), PeriodMonthly, ContractStatusInactive)
	g.line(fk, g.serviceBy("MSP-USER"), 9, time.Time{})

	if len(customers) > 0 {
		c := customers[g.r.IntN(len(customers))]
		prospect := "Prospect"
		if f := strings.Fields(c.Name); len(f) > 0 {
			prospect = f[0] + " Group"
		}
		if strings.EqualFold(prospect, c.Name) {
			prospect += " Holdings"
		}
		g.w.Companies = append(g.w.Companies, Company{ID: g.id(), Name: prospect, Type: 3, Active: true})
	}
	g.w.Companies = append(g.w.Companies,
		Company{ID: g.id(), Name: "Litware", Type: 2, Active: true, WebAddress: "litware.example"},
		Company{ID: g.id(), Name: "Pax8", Type: 7, Active: true, WebAddress: "https://www.pax8.com"})
}
