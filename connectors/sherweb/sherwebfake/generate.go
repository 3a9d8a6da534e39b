package sherwebfake

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// jsonNum is a json.Number from text written by this package.
func jsonNum(s string) json.Number { return json.Number(s) }

// Generate builds a Sherweb world from the neutral input the sandbox gives
// every distributor fake; the same input, seed and now always give the same
// world (math/rand/v2 PCG seeded from seed; nothing depends on map order).
//
// Every account becomes a customer (an inactive one suspended), keeping its
// name; its tenant id and domain are kept in the world but not served, as
// Sherweb has no field for them. Every subscription is rendered in
// Sherweb's shapes, keeping its product name, quantity, term, billing
// frequency, dates and prices:
//   - the term as commitmentTerm.type (Monthly, Annual, Triennial; an
//     unknown term as Biennial, which seats has no value for), a monthly
//     term as no commitment at all half the time;
//   - the billing frequency as billingCycle (monthly, yearly, none, unknown);
//   - the status where Sherweb can say it: active as listed, pending
//     cancellation as a commitment without renewal ending at the
//     commitment's end; the others (suspended, cancelled, trial, pending,
//     unknown) as an undocumented "status" field Sherweb's models lack;
//   - the unit price as fees.recurringFee, the unit cost as a recurring
//     payable charge; an unknown one is left out;
//   - the start as purchaseDate and the commitment's end as termEndDate, in
//     every date spelling.
//
// About one subscription in six is spelled awkwardly on purpose: a
// capitalised billing cycle ("Monthly"), a commitment type in capitals
// ("ANNUAL"), a status in capitals.
func Generate(in fakekit.DistributorInput, seed int64, now time.Time) World {
	now = now.UTC().Truncate(time.Second)
	r := rand.New(rand.NewPCG(uint64(seed), 0x5e4e3eb5eed))
	g := &generator{r: r, now: now, w: &World{GeneratedAt: now, Seed: seed}}
	g.w.ClientID = g.guid()
	g.w.ClientSecret = g.hex(40)
	g.w.SubscriptionKey = g.hex(32)
	g.w.SigningKey = make([]byte, 32)
	for i := range g.w.SigningKey {
		g.w.SigningKey[i] = byte(r.Uint32())
	}
	for _, a := range in.Accounts {
		c := Customer{ID: g.guid(), DisplayName: a.Name, Path: []string{a.Name}, TenantID: a.TenantID, Domain: a.Domain}
		if !a.Active {
			c.SuspendedOn = now.AddDate(0, 0, -1-r.IntN(200)).Add(time.Duration(r.IntN(86400e3)) * time.Millisecond)
		}
		g.w.Customers = append(g.w.Customers, c)
		for _, s := range a.Subscriptions {
			g.w.Subscriptions = append(g.w.Subscriptions, g.subscription(c.ID, s))
		}
	}
	return *g.w
}

type generator struct {
	r   *rand.Rand
	now time.Time
	w   *World
}

func (g *generator) subscription(customerID string, in fakekit.DistributorSubscription) Subscription {
	awkward := g.r.IntN(6) == 0
	s := Subscription{
		ID: g.guid(), CustomerID: customerID, ProductName: in.ProductName, Vendor: in.Vendor,
		SKU:          sku(in),
		Quantity:     json.Number(fmt.Sprint(in.Quantity)),
		BillingCycle: billingCycle(in.BillingFrequency),
		PurchaseDate: in.StartDate,
		DateStyle:    DateStyles()[g.r.IntN(3)],
	}
	if awkward && s.BillingCycle != "" {
		s.BillingCycle = strings.ToUpper(s.BillingCycle[:1]) + s.BillingCycle[1:]
	}
	if p := in.UnitPrice; p.Known() {
		s.Fees = &Fees{RecurringFee: json.Number(p.Decimal()), Currency: p.Currency}
	}
	if c := in.UnitCost; c.Known() {
		s.Cost = &Cost{NetPrice: json.Number(c.Decimal()), Currency: c.Currency}
	}
	commitType := map[connectors.Term]string{connectors.TermMonthly: "Monthly", connectors.TermAnnual: "Annual",
		connectors.TermTriennial: "Triennial", connectors.TermUnknown: "Biennial"}[in.Term]
	if commitType == "" {
		commitType = "Biennial"
	}
	end := in.CommitmentEnd
	if in.Status == connectors.StatusPendingCancel && end.IsZero() {
		end = in.EndDate
	}
	if in.Term != connectors.TermMonthly || !end.IsZero() || in.Status == connectors.StatusPendingCancel || g.r.IntN(2) == 0 {
		if awkward {
			commitType = strings.ToUpper(commitType)
		}
		s.Commitment = &Commitment{Type: commitType, TermEndDate: end, Renews: true, RenewalDate: end}
	}
	switch in.Status {
	case connectors.StatusActive:
	case connectors.StatusPendingCancel:
		if s.Commitment.TermEndDate.IsZero() {
			s.Commitment.TermEndDate = g.now.AddDate(0, 0, 15)
		}
		s.Commitment.Renews, s.Commitment.RenewalDate = false, time.Time{}
	default:
		s.Status = map[connectors.SubscriptionStatus]string{connectors.StatusSuspended: "Suspended", connectors.StatusCancelled: "Cancelled",
			connectors.StatusTrial: "Trial", connectors.StatusPending: "Pending"}[in.Status]
		if s.Status == "" {
			s.Status = "OnHold" // a spelling no client knows
		}
		if awkward {
			s.Status = strings.ToUpper(s.Status)
		}
	}
	return s
}

// sku is a Sherweb-looking SKU for a subscription: Microsoft's part number
// and the term, or the vendor and product initials.
func sku(in fakekit.DistributorSubscription) string {
	term := map[connectors.Term]string{connectors.TermMonthly: "P1M", connectors.TermAnnual: "P1Y", connectors.TermTriennial: "P3Y"}[in.Term]
	if term == "" {
		term = "P2Y"
	}
	if in.SkuPartNumber != "" {
		return "MST-" + strings.ReplaceAll(in.SkuPartNumber, "_", "-") + "-" + term
	}
	var b strings.Builder
	b.WriteString(strings.ToUpper(firstN(in.Vendor, 3)))
	for _, w := range strings.Fields(in.ProductName) {
		b.WriteString("-" + strings.ToUpper(firstN(w, 3)))
	}
	return b.String()
}

func firstN(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// billingCycle is Sherweb's billingCycle for a billing frequency.
func billingCycle(f connectors.BillingFrequency) string {
	switch f {
	case connectors.BillMonthly:
		return "monthly"
	case connectors.BillAnnual:
		return "yearly"
	case connectors.BillOnce:
		return "none"
	}
	return "unknown"
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
