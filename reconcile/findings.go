package reconcile

import (
	"slices"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// FindingKind is the kind of a finding, spelled as the JSON output spells it.
type FindingKind string

// The finding kinds.
const (
	// FindingUnusedLicenses: seats the distributor sells the customer that
	// nobody is assigned (per SKU).
	FindingUnusedLicenses FindingKind = "unused_licenses"
	// FindingUnderBilled: the PSA bills fewer seats than it should (per
	// PSA item).
	FindingUnderBilled FindingKind = "under_billed"
	// FindingOverBilled: the PSA bills more seats than it should (per PSA
	// item): money owed back.
	FindingOverBilled FindingKind = "over_billed"
	// FindingNotBilled: seats to bill, a mapped PSA item, and no billed
	// line for it.
	FindingNotBilled FindingKind = "not_billed"
	// FindingNotFromDistributor: a paid SKU in the tenant that the
	// distributor does not sell this customer (bought elsewhere).
	FindingNotFromDistributor FindingKind = "not_from_distributor"
	// FindingMicrosoftDistributorMismatch: the distributor's seats differ
	// from the licences enabled in the tenant.
	FindingMicrosoftDistributorMismatch FindingKind = "microsoft_distributor_mismatch"
)

// FindingKinds lists every kind in the order reports show them.
func FindingKinds() []FindingKind {
	return []FindingKind{FindingUnderBilled, FindingNotBilled, FindingUnusedLicenses, FindingOverBilled,
		FindingNotFromDistributor, FindingMicrosoftDistributorMismatch}
}

// PerSku reports whether the kind is about a SKU as a whole (its term is
// empty) rather than about a PSA item.
func (k FindingKind) PerSku() bool {
	switch k {
	case FindingUnusedLicenses, FindingNotFromDistributor, FindingMicrosoftDistributorMismatch:
		return true
	}
	return false
}

// Finding is one thing worth an engineer's attention, with its numbers and
// where they came from. Quantity and MonthlyAmount are never negative;
// MonthlyAmount is the zero Money where no price is known.
type Finding struct {
	Kind     FindingKind
	TenantID string
	Customer string
	// SkuID and Product name the SKU; where several SKUs are billed as one
	// PSA item, the ids and names are joined with "+".
	SkuID   string
	Product string
	// Term is "" for per-SKU kinds; terms billed as one PSA item are joined
	// with "+" ("monthly+annual").
	Term           string
	Quantity       int
	MonthlyAmount  connectors.Money
	ActionableFrom time.Time // zero when it can be acted on now
	Detail         string    // one line for people
	Sources        []Source

	// What a plan needs, for the PSA item kinds: the company, the item,
	// the billed lines in effect, and the quantities compared.
	PSACompanyID string
	PSAItemID    string
	Lines        []connectors.BillingLine
	Billed       int
	ToBill       int
	UnitPrice    connectors.Money
	// Doubtful is set when a quantity the finding rests on was not a plain
	// whole number of seats as read (QuantityDoubtful): the finding is
	// shown, its money left blank and its Detail says why; a plan leaves
	// it to a person.
	Doubtful bool
}

// doubtNote ends the Detail of a Doubtful finding.
func doubtNote(source string) string {
	return "; a quantity read from " + source + " is not a whole number of seats (see its warning): money left blank, check it there"
}

// anyDoubtfulSub and anyDoubtfulLine report whether a quantity among them
// was flagged as read.
func anyDoubtfulSub(subs []*connectors.DistributorSubscription) bool {
	return slices.ContainsFunc(subs, func(s *connectors.DistributorSubscription) bool { return s.QuantityDoubtful })
}

func anyDoubtfulLine(lines []*connectors.BillingLine) bool {
	return slices.ContainsFunc(lines, func(l *connectors.BillingLine) bool { return l.QuantityDoubtful })
}

// CurrencyTotals are the money of the findings in one currency; no exchange
// rates are applied, ever.
type CurrencyTotals struct {
	Currency string `json:"currency"`
	// MoneyFound is under-billed + not billed + unused cost, per month.
	MoneyFound  connectors.Money `json:"moneyFound"`
	UnderBilled connectors.Money `json:"underBilled"`
	NotBilled   connectors.Money `json:"notBilled"`
	UnusedCost  connectors.Money `json:"unusedCost"`
	// OwedBack is over-billed money, shown apart: it is the customer's.
	OwedBack connectors.Money `json:"owedBack"`
}

// UnmappedCounts are what still waits for a match; they are not findings.
type UnmappedCounts struct {
	Accounts          int `json:"accounts"`          // customers not fully matched (and not excluded)
	Products          int `json:"products"`          // (SKU, term) keys with no PSA item
	DistributorSkus   int `json:"distributorSkus"`   // distributor products tied to no SKU
	SuggestedAccounts int `json:"suggestedAccounts"` // of Accounts, those with a suggestion waiting
}

func totalsFor(findings []Finding) []CurrencyTotals {
	byCur := map[string]*CurrencyTotals{}
	var order []string
	add := func(dst *connectors.Money, m connectors.Money) {
		if dst.Currency == "" {
			*dst = connectors.Money{Currency: m.Currency}
		}
		dst.Minor += m.Minor
	}
	for _, f := range findings {
		m := f.MonthlyAmount
		switch f.Kind {
		case FindingUnderBilled, FindingNotBilled, FindingUnusedLicenses, FindingOverBilled:
		default:
			continue // money of the other kinds is shown with them, not totalled
		}
		if !m.Known() {
			continue
		}
		t := byCur[m.Currency]
		if t == nil {
			z := connectors.Money{Currency: m.Currency}
			t = &CurrencyTotals{Currency: m.Currency, MoneyFound: z, UnderBilled: z, NotBilled: z, UnusedCost: z, OwedBack: z}
			byCur[m.Currency] = t
			order = append(order, m.Currency)
		}
		switch f.Kind {
		case FindingUnderBilled:
			add(&t.UnderBilled, m)
			add(&t.MoneyFound, m)
		case FindingNotBilled:
			add(&t.NotBilled, m)
			add(&t.MoneyFound, m)
		case FindingUnusedLicenses:
			add(&t.UnusedCost, m)
			add(&t.MoneyFound, m)
		case FindingOverBilled:
			add(&t.OwedBack, m)
		}
	}
	sortStrings(order)
	out := make([]CurrencyTotals, 0, len(order))
	for _, c := range order {
		out = append(out, *byCur[c])
	}
	return out
}
