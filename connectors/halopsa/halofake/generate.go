package halofake

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// The deliberate situations Generate places, each on its own client when
// there are enough.
const (
	caseUnderBilled    = iota // a line billing fewer seats than the distributor does
	caseOverBilled            // a line billing more
	caseCancelled             // an extra line that ended
	caseNotBilled             // a product's line set inactive (left off the invoices)
	caseSplit                 // one item's seats on two lines of one invoice
	caseTwoInvoices           // the annual products on a recurring invoice of their own
	caseOpenOnDisabled        // an open line on a disabled recurring invoice (a cancelled contract)
	caseCount
)

type generator struct {
	r     *rand.Rand
	now   time.Time
	w     *World
	items map[string]int // item id by product key + "/M" or "/A"
	ids   struct{ client, invoice, line, item int }
}

// Generate builds a deterministic Halo world (for one seed) from the
// customers a distributor bills, dated around now:
//
//   - clients for all customers but one (missing from Halo), some named
//     differently; the customer's Azure tenant linked on most (not all),
//     a website on some; a client only in Halo, an inactive former client;
//   - items: a monthly and an annual item per Microsoft product, the SKU
//     part number as supplier part code on some, a per-user service whose
//     quantity Halo counts, an inactive legacy item and a one-off item;
//   - a recurring invoice per client whose lines match the distributor's
//     quantities except on purpose: under- and over-billed lines, an extra
//     ended line, an inactive (not billed) line, one item on two lines, a
//     client whose annual products are on a second invoice, an open line on
//     a disabled invoice; and a per-user managed-service line whose
//     quantity Halo counts from the client's users (read-only to seats).
//
// The first recurring invoice has a negative id, as Halo's can.
func Generate(in fakekit.PSAInput, seed int64, now time.Time) World {
	now = now.UTC().Truncate(time.Second)
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0x4a10f5eed)), now: now, items: map[string]int{}}
	g.ids.client, g.ids.invoice, g.ids.line, g.ids.item = 12, -94, 9001, 1
	g.w = &World{
		ClientID:     g.guid(),
		ClientSecret: g.hex(40),
		Tenant:       "seatsdemo",
		GeneratedAt:  now,
		Seed:         seed,
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
	g.extras()
	return *g.w
}

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

func (g *generator) guid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func (g *generator) day(d int) time.Time { return g.now.Truncate(24*time.Hour).AddDate(0, 0, d) }

func (g *generator) nextInvoice() int {
	id := g.ids.invoice
	if g.ids.invoice < 0 {
		g.ids.invoice = 3001 // only the first is negative
	} else {
		g.ids.invoice++
	}
	return id
}

func (g *generator) nextLine() int { g.ids.line++; return g.ids.line - 1 }

func productKey(p fakekit.PSAProduct) string {
	if p.SkuPartNumber != "" {
		return strings.ToUpper(p.SkuPartNumber)
	}
	return strings.ToLower(p.Name)
}

func annualTerm(t connectors.Term) bool {
	return t == connectors.TermAnnual || t == connectors.TermTriennial
}

// monthlyPremium: NCE monthly commitments cost 20% more than annual ones.
var monthlyPremium = decimal.NewFromFloat(1.2)

func amount(m connectors.Money, by decimal.Decimal) json.Number {
	return json.Number(decimal.New(m.Minor, -2).Mul(by).Round(2).StringFixed(2))
}

func (g *generator) catalog(in fakekit.PSAInput) {
	type seen struct {
		p       fakekit.PSAProduct
		monthly connectors.Money
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
				if annualTerm(p.Term) { // a price per year: per month of a monthly commitment, which costs more
					s.monthly = connectors.Money{Minor: decimal.NewFromInt(p.UnitPrice.Minor).Mul(monthlyPremium).Div(decimal.NewFromInt(12)).Round(0).IntPart(), Currency: p.UnitPrice.Currency}
				}
			}
		}
	}
	one := decimal.NewFromInt(1)
	for i, k := range keys {
		s := products[k]
		if !s.monthly.Known() {
			s.monthly = connectors.Money{Minor: 1000, Currency: "USD"}
		}
		for _, term := range []string{"M", "A"} {
			it := Item{ID: g.ids.item, Recurring: true, InternalRef: fmt.Sprintf("%s-%s", strings.ToUpper(strings.ReplaceAll(k, " ", "")), term)}
			g.ids.item++
			if term == "M" {
				it.Name = s.p.Name + " (Monthly)"
				it.RecurringPrice, it.RecurringCost = amount(s.monthly, one), amount(s.monthly, one.Div(monthlyPremium).Mul(decimal.NewFromFloat(0.85)))
			} else {
				it.Name = s.p.Name + " (Annual)"
				yearly := decimal.NewFromInt(12).Div(monthlyPremium)
				it.RecurringPrice, it.RecurringCost = amount(s.monthly, yearly), amount(s.monthly, yearly.Mul(decimal.NewFromFloat(0.85)))
			}
			if i%3 != 2 && s.p.SkuPartNumber != "" {
				it.SupplierPartCode = s.p.SkuPartNumber
			}
			g.w.Items = append(g.w.Items, it)
			g.items[k+"/"+term] = it.ID
		}
	}
	base := g.ids.item
	g.w.Items = append(g.w.Items,
		Item{ID: base, Name: "Managed services per user", InternalRef: "MSP-USER", RecurringPrice: "45.00", RecurringCost: "0", Recurring: true},
		Item{ID: base + 1, Name: "Office 365 E3 (legacy licensing)", SupplierPartCode: "ENTERPRISEPACK", RecurringPrice: "23.00", Recurring: true, Inactive: true},
		Item{ID: base + 2, Name: "Onboarding, one-off", InternalRef: "ONBOARD", BasePrice: "150.00", CostPrice: "0"},
	)
	g.items["msp-user"] = base
	g.ids.item += 3
}

func (g *generator) item(id int) Item {
	for _, it := range g.w.Items {
		if it.ID == id {
			return it
		}
	}
	panic(fmt.Sprintf("halofake: Generate lost item %d", id))
}

// clientName is how the MSP typed the customer's name in Halo: mostly as
// the tenant, sometimes otherwise.
func (g *generator) clientName(name string) string {
	switch g.r.IntN(6) {
	case 0:
		return strings.ToUpper(name)
	case 1:
		if strings.HasSuffix(name, " Ltd") {
			return strings.TrimSuffix(name, " Ltd") + " Limited"
		}
		return name + " Ltd"
	}
	return name
}

func (g *generator) line(it Item, q int, start time.Time) Line {
	return Line{ID: g.nextLine(), ItemID: it.ID, Code: it.InternalRef, Short: strings.TrimSuffix(strings.TrimSuffix(it.Name, " (Monthly)"), " (Annual)"),
		Quantity: Quantity(q), UnitPrice: it.RecurringPrice, UnitCost: it.RecurringCost, StartDate: start}
}

func (g *generator) customer(c fakekit.PSACustomer, cases []int) {
	has := func(k int) bool {
		for _, x := range cases {
			if x == k {
				return true
			}
		}
		return false
	}
	cl := Client{ID: g.ids.client, Name: g.clientName(c.Name)}
	g.ids.client++
	if g.r.IntN(5) != 0 && c.TenantID != "" { // most, not all, linked in Halo
		cl.AzureTenants = []string{c.TenantID}
	}
	if g.r.IntN(2) == 0 && c.Domain != "" {
		cl.Website = "https://www." + c.Domain
	}
	g.w.Clients = append(g.w.Clients, cl)

	start := g.day(-100 - g.r.IntN(700))
	main := RecurringInvoice{ID: g.nextInvoice(), ClientID: cl.ID, ContractRef: cl.Name + " Managed Services", StartDate: start}
	// Annual products are charged yearly, on an invoice of their own (one
	// that ends in a year for the two-invoices case, open-ended else).
	var annual *RecurringInvoice
	for _, p := range c.Products {
		if annualTerm(p.Term) {
			s := g.day(-10 - g.r.IntN(300))
			annual = &RecurringInvoice{ID: g.nextInvoice(), ClientID: cl.ID, ContractRef: cl.Name + " Microsoft Annual", StartDate: s, PeriodMonths: 12}
			if has(caseTwoInvoices) {
				annual.EndDate = s.AddDate(1, 0, -1)
			}
			break
		}
	}
	products := append([]fakekit.PSAProduct(nil), c.Products...)
	sort.SliceStable(products, func(i, j int) bool { return productKey(products[i]) < productKey(products[j]) })
	seats, under, over := 0, false, false
	for i, p := range products {
		term := "M"
		if annualTerm(p.Term) {
			term = "A"
		}
		it := g.item(g.items[productKey(p)+"/"+term])
		q := max(p.Quantity, 0)
		seats += q
		switch {
		case has(caseUnderBilled) && !under && q > 1:
			q -= 1 + g.r.IntN(min(3, q-1))
			under = true
		case has(caseOverBilled) && !over:
			q += 1 + g.r.IntN(3)
			over = true
		}
		on := &main
		if term == "A" && annual != nil {
			on = annual
		}
		switch {
		case has(caseNotBilled) && i == len(products)-1:
			l := g.line(it, q, on.StartDate)
			l.Inactive = true
			on.Lines = append(on.Lines, l)
		case has(caseSplit) && i == 0 && q >= 2:
			first := q / 2
			on.Lines = append(on.Lines, g.line(it, first, on.StartDate), g.line(it, q-first, g.day(-20-g.r.IntN(60))))
		default:
			on.Lines = append(on.Lines, g.line(it, q, on.StartDate))
		}
		if has(caseCancelled) && i == 0 {
			l := g.line(it, 1+g.r.IntN(3), on.StartDate)
			l.EndDate = g.day(-5 - g.r.IntN(60))
			on.Lines = append(on.Lines, l)
		}
	}
	if seats > 0 && g.r.IntN(2) == 0 {
		l := g.line(g.item(g.items["msp-user"]), seats, start)
		l.QuantityType = 1 // Halo counts the client's users
		main.Lines = append(main.Lines, l)
	}
	g.w.Invoices = append(g.w.Invoices, main)
	if annual != nil {
		g.w.Invoices = append(g.w.Invoices, *annual)
	}
	if has(caseOpenOnDisabled) && len(products) > 0 {
		p := products[0]
		term := "M"
		if annualTerm(p.Term) {
			term = "A"
		}
		prev := RecurringInvoice{ID: g.nextInvoice(), ClientID: cl.ID, ContractRef: cl.Name + " (previous contract)", StartDate: g.day(-900), Disabled: true}
		prev.Lines = []Line{g.line(g.item(g.items[productKey(p)+"/"+term]), max(p.Quantity, 1), prev.StartDate)}
		g.w.Invoices = append(g.w.Invoices, prev)
	}
}

// extras adds a client only in Halo (billed, no tenant) and an inactive
// former client with a disabled invoice.
func (g *generator) extras() {
	msp := g.item(g.items["msp-user"])
	only := Client{ID: g.ids.client, Name: "Blue Yonder Airlines", Website: "blueyonderairlines.example"}
	g.ids.client++
	former := Client{ID: g.ids.client, Name: "Tailspin Toys", Inactive: true}
	g.ids.client++
	g.w.Clients = append(g.w.Clients, only, former)
	inv := RecurringInvoice{ID: g.nextInvoice(), ClientID: only.ID, ContractRef: "Blue Yonder Managed Services", StartDate: g.day(-300)}
	inv.Lines = []Line{g.line(msp, 14, inv.StartDate)}
	if len(g.w.Items) > 3 {
		inv.Lines = append(inv.Lines, g.line(g.w.Items[0], 14, inv.StartDate))
	}
	old := RecurringInvoice{ID: g.nextInvoice(), ClientID: former.ID, ContractRef: "Tailspin Toys Managed Services", StartDate: g.day(-1200), EndDate: g.day(-200), Disabled: true}
	l := g.line(msp, 9, old.StartDate)
	l.EndDate = old.EndDate
	old.Lines = []Line{l}
	g.w.Invoices = append(g.w.Invoices, inv, old)
}
