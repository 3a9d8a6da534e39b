package reconcile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// PlanSchemaVersion is the version of the plan file's shape. Apply refuses
// a plan of any other version.
const PlanSchemaVersion = 1

// ErrPlanSchema is returned for a plan file whose schema version seats does
// not know.
var ErrPlanSchema = errors.New("unknown plan schema version")

// Plan is the PSA changes that fix the under- and over-billing found, for a
// person to review before anything is written. It records the home it
// belongs to and the snapshots it was computed from, so that apply can
// refuse a plan from another home or one that a newer sync made stale.
type Plan struct {
	SchemaVersion int       `json:"schemaVersion"`
	HomeID        string    `json:"homeId"`
	CreatedAt     time.Time `json:"createdAt"`
	PSAKind       string    `json:"psaKind"`
	// Timing is when the PSA applies a change (at once, or from the
	// effective date and then not undoable).
	Timing        connectors.ApplyTiming `json:"timing"`
	EffectiveDate time.Time              `json:"effectiveDate,omitzero"`
	Snapshots     []PlanSnapshot         `json:"snapshots"`
	Changes       []PlannedChange        `json:"changes"`
	// NewLines are not_billed findings: there is no line to change, and
	// seats never creates agreements or lines; a person adds them.
	NewLines []NeededLine `json:"newLines"`
	// Skipped are findings no line can fix automatically (every line of
	// the item is read-only), with why.
	Skipped []SkippedChange `json:"skipped"`
}

// PlanSnapshot names one snapshot a plan was computed from.
type PlanSnapshot struct {
	Source   string    `json:"source"`             // "microsoft", "distributor" or "psa"
	Kind     string    `json:"kind,omitempty"`     // registry name of the distributor or PSA
	TenantID string    `json:"tenantId,omitempty"` // for Microsoft snapshots
	TakenAt  time.Time `json:"takenAt"`
}

// PlannedChange sets one PSA line's quantity.
type PlannedChange struct {
	TenantID string      `json:"tenantId"`
	Customer string      `json:"customer"`
	SkuID    string      `json:"skuId"`
	Product  string      `json:"product"`
	Term     string      `json:"term"`
	Finding  FindingKind `json:"finding"` // under_billed or over_billed
	// Line is the line as read: company, agreement, item, line id and
	// version. Apply re-reads it and skips the change if it moved.
	Line          connectors.BillingLine `json:"line"`
	OldQuantity   int                    `json:"oldQuantity"`
	NewQuantity   int                    `json:"newQuantity"`
	Timing        connectors.ApplyTiming `json:"timing"`
	EffectiveDate time.Time              `json:"effectiveDate,omitzero"`
	Undoable      bool                   `json:"undoable"`
	// MonthlyAmount is what the change does to the monthly bill: positive
	// when more is billed, negative when less; unknown without a price.
	MonthlyAmount connectors.Money `json:"monthlyAmount"`
	Note          string           `json:"note,omitempty"`
}

// NeededLine is a not_billed finding: seats to bill with no line to bill
// them on.
type NeededLine struct {
	TenantID      string           `json:"tenantId"`
	Customer      string           `json:"customer"`
	SkuID         string           `json:"skuId"`
	Product       string           `json:"product"`
	Term          string           `json:"term"`
	PSACompanyID  string           `json:"psaCompanyId"`
	PSAItemID     string           `json:"psaItemId"`
	Quantity      int              `json:"quantity"`
	MonthlyAmount connectors.Money `json:"monthlyAmount"`
	Detail        string           `json:"detail"`
}

// SkippedChange is a finding the plan cannot fix, and why.
type SkippedChange struct {
	TenantID string      `json:"tenantId"`
	Customer string      `json:"customer"`
	Product  string      `json:"product"`
	Term     string      `json:"term"`
	Finding  FindingKind `json:"finding"`
	Reason   string      `json:"reason"`
}

// PlanInput is what a plan is made from.
type PlanInput struct {
	HomeID string
	Now    time.Time
	Report Report
	// PSAKind and Timing describe the PSA the changes go to (Timing from
	// its QuantityWriter); EffectiveDate is psa.effective_date, used when
	// the timing is ApplyFromDate (zero means today).
	PSAKind       string
	Timing        connectors.ApplyTiming
	EffectiveDate time.Time
	Snapshots     []PlanSnapshot
}

// BuildPlan turns the report's findings into a plan. Each under_billed or
// over_billed finding changes one line: the writable line of the item most
// recently in effect, by the difference, never below 0 (a line set to 0 is
// kept, not deleted; what is left is noted for a person). not_billed
// findings become NeededLines. Changes follow the report's order.
func BuildPlan(in PlanInput) Plan {
	p := Plan{SchemaVersion: PlanSchemaVersion, HomeID: in.HomeID, CreatedAt: in.Now.UTC(), PSAKind: in.PSAKind,
		Timing: in.Timing, Snapshots: in.Snapshots,
		Changes: []PlannedChange{}, NewLines: []NeededLine{}, Skipped: []SkippedChange{}}
	if p.Snapshots == nil {
		p.Snapshots = []PlanSnapshot{}
	}
	if in.Timing == connectors.ApplyFromDate {
		p.EffectiveDate = in.EffectiveDate
		if p.EffectiveDate.IsZero() {
			y, m, d := in.Now.UTC().Date()
			p.EffectiveDate = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
	}
	for _, f := range in.Report.Findings {
		switch f.Kind {
		case FindingNotBilled:
			p.NewLines = append(p.NewLines, NeededLine{TenantID: f.TenantID, Customer: f.Customer, SkuID: f.SkuID, Product: f.Product,
				Term: f.Term, PSACompanyID: f.PSACompanyID, PSAItemID: f.PSAItemID, Quantity: f.Quantity,
				MonthlyAmount: f.MonthlyAmount, Detail: f.Detail})
		case FindingUnderBilled, FindingOverBilled:
			change, skip, ok := planChange(f, p)
			if ok {
				p.Changes = append(p.Changes, change)
			} else {
				p.Skipped = append(p.Skipped, skip)
			}
		}
	}
	return p
}

func planChange(f Finding, p Plan) (PlannedChange, SkippedChange, bool) {
	if f.Doubtful {
		return PlannedChange{}, SkippedChange{TenantID: f.TenantID, Customer: f.Customer, Product: f.Product, Term: f.Term,
			Finding: f.Kind, Reason: "a quantity it rests on is not a whole number of seats as read: check it and change the line by hand"}, false
	}
	var writable []*connectors.BillingLine
	for i := range f.Lines {
		if !f.Lines[i].ReadOnly {
			writable = append(writable, &f.Lines[i])
		}
	}
	if len(writable) == 0 {
		reason := "no line of this item can be changed"
		if len(f.Lines) > 0 {
			if r := latestLine(ptrs(f.Lines)).ReadOnlyReason; r != "" {
				reason += ": " + r
			}
		}
		return PlannedChange{}, SkippedChange{TenantID: f.TenantID, Customer: f.Customer, Product: f.Product, Term: f.Term,
			Finding: f.Kind, Reason: reason}, false
	}
	line := *latestLine(writable)
	diff := f.ToBill - f.Billed
	newQty := line.Quantity + diff
	note := ""
	if newQty < 0 {
		note = fmt.Sprintf("set to 0, not removed; the item's other lines still bill %d too many: change them by hand", -newQty)
		newQty = 0
	}
	price := linePrice(&line, connectors.Term(f.Term))
	if !price.Known() {
		price = f.UnitPrice
	}
	c := PlannedChange{TenantID: f.TenantID, Customer: f.Customer, SkuID: f.SkuID, Product: f.Product, Term: f.Term, Finding: f.Kind,
		Line: line, OldQuantity: line.Quantity, NewQuantity: newQty, Timing: p.Timing, EffectiveDate: p.EffectiveDate,
		Undoable: p.Timing != connectors.ApplyFromDate, MonthlyAmount: price.Times(newQty - line.Quantity), Note: note}
	return c, SkippedChange{}, true
}

func ptrs(lines []connectors.BillingLine) []*connectors.BillingLine {
	out := make([]*connectors.BillingLine, len(lines))
	for i := range lines {
		out[i] = &lines[i]
	}
	return out
}

// WriteJSON writes the plan for programs (`seats reconcile plan -o`).
func (p Plan) WriteJSON(w io.Writer) error { return writeJSON(w, p) }

// ParsePlan reads a plan file. A file that is not a plan, or a plan of
// another schema version (ErrPlanSchema), is refused.
func ParsePlan(data []byte) (Plan, error) {
	var head struct {
		SchemaVersion *int `json:"schemaVersion"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Plan{}, fmt.Errorf("not a plan file (`seats reconcile plan -o FILE` writes one): %w", err)
	}
	if head.SchemaVersion == nil {
		return Plan{}, errors.New("not a plan file (`seats reconcile plan -o FILE` writes one): it has no schemaVersion")
	}
	if *head.SchemaVersion != PlanSchemaVersion {
		return Plan{}, fmt.Errorf("%w %d (this seats reads %d): make a new plan", ErrPlanSchema, *head.SchemaVersion, PlanSchemaVersion)
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a plan is applied as written: no field may be ignored
	if err := dec.Decode(&p); err != nil {
		return Plan{}, fmt.Errorf("not a valid plan file: %w; make a new plan with `seats reconcile plan -o FILE`", err)
	}
	for _, c := range p.Changes {
		if c.NewQuantity < 0 {
			// BuildPlan never plans below 0: the file was edited.
			return Plan{}, fmt.Errorf("not a valid plan file: it sets %d seats of %q for %q, and a quantity is 0 or more: make a new plan", c.NewQuantity, c.Product, c.Customer)
		}
	}
	return p, nil
}

// Text renders the plan for people (`seats reconcile plan`).
func (p Plan) Text() string {
	var b strings.Builder
	psa := kindLabel(p.PSAKind, "the PSA")
	fmt.Fprintf(&b, "Plan for home %s, made %s\n", p.HomeID, p.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if len(p.Snapshots) > 0 {
		fmt.Fprintf(&b, "From %s\n", snapshotSummary(p.Snapshots))
	}
	switch p.Timing {
	case connectors.ApplyFromDate:
		fmt.Fprintf(&b, "%s applies the changes from %s, and they cannot be undone (only a further change reverses one).\n",
			psa, p.EffectiveDate.Format("2006-01-02"))
	case connectors.ApplyAtOnce:
		fmt.Fprintf(&b, "%s applies the changes at once.\n", psa)
	}
	totals := map[string]connectors.Money{}
	var currencies []string
	fmt.Fprintf(&b, "\nChanges (%d):\n", len(p.Changes))
	if len(p.Changes) == 0 {
		b.WriteString("  none\n")
	}
	for _, c := range p.Changes {
		money := "price unknown"
		if c.MonthlyAmount.Known() {
			money = signedMoney(c.MonthlyAmount) + " a month"
			t, ok := totals[c.MonthlyAmount.Currency]
			if !ok {
				currencies = append(currencies, c.MonthlyAmount.Currency)
				t = connectors.Money{Currency: c.MonthlyAmount.Currency}
			}
			t.Minor += c.MonthlyAmount.Minor
			totals[c.MonthlyAmount.Currency] = t
		}
		fmt.Fprintf(&b, "  %s: %s (%s), %s\n", c.Customer, c.Product, c.Term, strings.ReplaceAll(string(c.Finding), "_", " "))
		fmt.Fprintf(&b, "    line %s on %s, item %s: %d -> %d, %s\n", c.Line.LineID, agreementLabel(c.Line), c.Line.ItemID,
			c.OldQuantity, c.NewQuantity, money)
		if c.Note != "" {
			fmt.Fprintf(&b, "    %s\n", c.Note)
		}
	}
	if len(p.NewLines) > 0 {
		fmt.Fprintf(&b, "\nNeeds a new line, for a person to add (%d):\n", len(p.NewLines))
		for _, n := range p.NewLines {
			money := ""
			if n.MonthlyAmount.Known() {
				money = ", " + moneyText(n.MonthlyAmount) + " a month"
			}
			fmt.Fprintf(&b, "  %s: %s (%s): %d on item %s%s\n", n.Customer, n.Product, n.Term, n.Quantity, n.PSAItemID, money)
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintf(&b, "\nNot in the plan (%d):\n", len(p.Skipped))
		for _, s := range p.Skipped {
			fmt.Fprintf(&b, "  %s: %s (%s): %s\n", s.Customer, s.Product, s.Term, s.Reason)
		}
	}
	if len(currencies) > 0 {
		sortStrings(currencies)
		parts := make([]string, len(currencies))
		for i, c := range currencies {
			parts[i] = signedMoney(totals[c])
		}
		fmt.Fprintf(&b, "\nChange to the monthly bill: %s\n", strings.Join(parts, "; "))
	}
	return b.String()
}

func agreementLabel(l connectors.BillingLine) string {
	if l.AgreementName != "" {
		return fmt.Sprintf("agreement %s (%s)", l.AgreementID, l.AgreementName)
	}
	return "agreement " + l.AgreementID
}

func signedMoney(m connectors.Money) string {
	if m.Minor > 0 {
		return "+" + moneyText(m)
	}
	return moneyText(m)
}

func snapshotSummary(snaps []PlanSnapshot) string {
	tenants := 0
	var oldest time.Time
	var others []string
	for _, s := range snaps {
		if s.Source == "microsoft" {
			tenants++
			if oldest.IsZero() || s.TakenAt.Before(oldest) {
				oldest = s.TakenAt
			}
			continue
		}
		others = append(others, fmt.Sprintf("%s read %s", kindLabel(s.Kind, s.Source), s.TakenAt.UTC().Format("2006-01-02 15:04 UTC")))
	}
	var parts []string
	if tenants > 0 {
		parts = append(parts, fmt.Sprintf("Microsoft data of %d tenant(s), oldest read %s", tenants, oldest.UTC().Format("2006-01-02 15:04 UTC")))
	}
	return strings.Join(append(parts, others...), "; ")
}

// SnapshotsOf lists the snapshots a reconcile used, for a plan made from
// it: one per tenant read, and the distributor's and the PSA's.
func SnapshotsOf(in ReconcileInput) []PlanSnapshot {
	var out []PlanSnapshot
	for _, c := range in.Customers {
		if c.Licences != nil && c.Customer.Ready() {
			out = append(out, PlanSnapshot{Source: "microsoft", TenantID: c.Customer.TenantID, TakenAt: c.Licences.TakenAt.UTC()})
		}
	}
	if d := in.Distributor; d != nil {
		out = append(out, PlanSnapshot{Source: "distributor", Kind: d.Kind, TakenAt: d.TakenAt.UTC()})
	}
	if p := in.PSA; p != nil {
		out = append(out, PlanSnapshot{Source: "psa", Kind: p.Kind, TakenAt: p.TakenAt.UTC()})
	}
	return out
}
