package connectors

import (
	"context"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// CompanyType is what a PSA company is to the MSP. Only clients are matched
// automatically; prospects, vendors and the rest only by hand.
type CompanyType string

// The company types seats distinguishes.
const (
	CompanyClient   CompanyType = "client"
	CompanyProspect CompanyType = "prospect"
	CompanyVendor   CompanyType = "vendor"
	CompanyOther    CompanyType = "other"
)

// PSACompany is one company (ConnectWise), account (Autotask) or client
// (HaloPSA) in the PSA.
type PSACompany struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Identifier string      `json:"identifier,omitempty"` // ConnectWise's short code
	Domain     string      `json:"domain,omitempty"`     // website or domain, bare, lower case
	Active     bool        `json:"active"`
	Type       CompanyType `json:"type"`
	RawType    string      `json:"raw_type,omitempty"` // as the PSA spelled it
	// TenantIDs are Microsoft tenant ids the PSA keeps for the company
	// (HaloPSA's Azure tenants); evidence for matching.
	TenantIDs []string `json:"tenant_ids,omitempty"`
}

// CatalogItem is one product or service of the PSA's catalogue.
type CatalogItem struct {
	ID          string `json:"id"`
	Identifier  string `json:"identifier,omitempty"`
	Description string `json:"description"`
	// VendorSKU is the manufacturer part number or vendor SKU, where the
	// PSA keeps one: evidence for product matching.
	VendorSKU string `json:"vendor_sku,omitempty"`
	Price     Money  `json:"price"`
	Cost      Money  `json:"cost"`
	Recurring bool   `json:"recurring"`
	Active    bool   `json:"active"`
	// BillingFrequency is how often Price is charged ("" when the PSA does
	// not say: taken as monthly, and said so where it is used).
	BillingFrequency BillingFrequency `json:"billing_frequency,omitempty"`
}

// AgreementState is the state of the agreement or contract a line is on.
type AgreementState string

// The agreement states.
const (
	AgreementActive    AgreementState = "active"
	AgreementCancelled AgreementState = "cancelled"
	AgreementExpired   AgreementState = "expired"
)

// LineRef names one billing line in the PSA: enough to read it again.
type LineRef struct {
	CompanyID   string `json:"company_id"`
	AgreementID string `json:"agreement_id"` // agreement (CW), contract (Autotask), recurring invoice (Halo)
	LineID      string `json:"line_id"`      // addition (CW), contract service (Autotask), invoice line (Halo)
}

// BillingLine is one recurring line the MSP bills a customer for. Lines that
// are cancelled, not billed, not yet in effect, or on a cancelled agreement
// are kept and marked, never dropped: reconcile decides what counts.
type BillingLine struct {
	LineRef
	AgreementName  string         `json:"agreement_name,omitempty"`
	AgreementState AgreementState `json:"agreement_state"`
	ItemID         string         `json:"item_id"` // the CatalogItem
	Description    string         `json:"description,omitempty"`
	Quantity       int            `json:"quantity"`
	// QuantityDoubtful marks a quantity that was not a plain whole number
	// of seats as read: kept, flagged in Warnings, and no money is worked
	// out from it (see DistributorSubscription.QuantityDoubtful).
	QuantityDoubtful bool  `json:"quantity_doubtful,omitempty"`
	UnitPrice        Money `json:"unit_price"`
	UnitCost         Money `json:"unit_cost"`
	// BillingFrequency is how often UnitPrice is charged: the billing
	// cycle of the agreement or contract ("" when the PSA does not say).
	BillingFrequency BillingFrequency `json:"billing_frequency,omitempty"`
	Billed           bool             `json:"billed"` // false for ConnectWise DoNotBill and the like
	EffectiveFrom    time.Time        `json:"effective_from,omitzero"`
	CancelledOn      time.Time        `json:"cancelled_on,omitzero"`
	// Version is an opaque token that changes whenever the line changes
	// (ConnectWise _info.lastUpdated, Autotask's current units row, Halo's
	// quantity); a write refuses when the line's version moved since read.
	Version string `json:"version,omitempty"`
	// ReadOnly lines are not seats' to change (Halo computes the quantity
	// itself, another integration owns the line); ReadOnlyReason says why.
	ReadOnly       bool   `json:"read_only,omitempty"`
	ReadOnlyReason string `json:"read_only_reason,omitempty"`
	// Warnings say what was odd about the line as read (a fractional
	// quantity, an unknown currency).
	Warnings []string `json:"warnings,omitempty"`
}

// InEffect reports whether the line is billed at now: billed, on an active
// agreement, started, and not cancelled.
func (l BillingLine) InEffect(now time.Time) bool {
	if !l.Billed || l.AgreementState != AgreementActive {
		return false
	}
	if !l.EffectiveFrom.IsZero() && l.EffectiveFrom.After(now) {
		return false
	}
	if !l.CancelledOn.IsZero() && !l.CancelledOn.After(now) {
		return false
	}
	return true
}

// PSASnapshot is everything read from the PSA in one sync.
type PSASnapshot struct {
	Kind      string        `json:"kind"` // registry name: "connectwise"...
	TakenAt   time.Time     `json:"taken_at"`
	Companies []PSACompany  `json:"companies"`
	Catalog   []CatalogItem `json:"catalog"`
	Lines     []BillingLine `json:"lines"`
	// Stale is set when the last sync of the PSA failed; the data is the
	// previous successful read and StaleReason says why.
	Stale       bool      `json:"stale,omitempty"`
	StaleReason string    `json:"stale_reason,omitempty"`
	StaleSince  time.Time `json:"stale_since,omitzero"`
}

// PSA is what seats reads from the PSA. Implementations page to the end and
// classify failures into the error kinds.
type PSA interface {
	// Companies lists every company, active or not, all pages.
	Companies(ctx context.Context) ([]PSACompany, error)
	// Catalog lists the catalogue items, all pages.
	Catalog(ctx context.Context) ([]CatalogItem, error)
	// Lines lists the recurring billing lines of every company, all pages,
	// with the state of the agreement each is on.
	Lines(ctx context.Context) ([]BillingLine, error)
}

// ApplyTiming says when a quantity change takes effect.
type ApplyTiming string

// The timings.
const (
	// ApplyAtOnce: the PSA changes the line now (ConnectWise, HaloPSA).
	ApplyAtOnce ApplyTiming = "at_once"
	// ApplyFromDate: the change applies from an effective date
	// (Autotask), and cannot be undone: only a further change reverses it.
	ApplyFromDate ApplyTiming = "from_date"
)

// QuantityChange asks for one line's quantity to be set.
type QuantityChange struct {
	// Line is the line as the caller read it: the write refuses if the live
	// line no longer has its Quantity and Version.
	Line        BillingLine `json:"line"`
	NewQuantity int         `json:"new_quantity"`
	// EffectiveDate is when the change applies, for PSAs that take one.
	EffectiveDate time.Time `json:"effective_date,omitzero"`
}

// WriteResult is what a write did.
type WriteResult struct {
	Line          BillingLine `json:"line"` // the line as read back after the write
	Timing        ApplyTiming `json:"timing"`
	EffectiveDate time.Time   `json:"effective_date,omitzero"`
	Undoable      bool        `json:"undoable"`
}

// QuantityWriter is the optional write ability of a PSA. The conformance
// suite skips its tests where a PSA lacks it.
//
// SetQuantity re-reads the line first and fails with ErrConflict when its
// quantity or version moved since the caller read it; it refuses with
// ErrWriteDisabled when writes are turned off (psa.write_enabled), whoever
// calls it. It never retries a write blindly: after a failure or a timeout
// it re-reads the line to learn whether the write happened, and reports a
// write it cannot confirm either way as ErrUnconfirmed.
type QuantityWriter interface {
	// Line re-reads one line live.
	Line(ctx context.Context, ref LineRef) (BillingLine, error)
	// Timing says when a change made now would apply.
	Timing() ApplyTiming
	SetQuantity(ctx context.Context, change QuantityChange) (WriteResult, error)
}

// PSACheck is the answer of a PSA connection test: how many companies,
// agreements (or contracts) and billing lines the PSA holds, so the engineer
// sees at once that the keys reach the right data.
type PSACheck struct {
	DisplayName    string // "ConnectWise"
	Companies      int
	Agreements     int
	Lines          int
	AgreementsNoun string // what the PSA calls them: "agreements", "contracts"
	LinesNoun      string // "additions", "contract services"
}

// String is the line the connect screen shows, e.g.
// "ConnectWise: 212 companies, 180 agreements, 640 additions".
func (c PSACheck) String() string {
	agreements, lines := c.AgreementsNoun, c.LinesNoun
	if agreements == "" {
		agreements = "agreements"
	}
	if lines == "" {
		lines = "lines"
	}
	p := message.NewPrinter(language.English)
	return p.Sprintf("%s: %d companies, %d %s, %d %s", c.DisplayName, c.Companies, c.Agreements, agreements, c.Lines, lines)
}

// PSAChecker is an optional ability: a test call that proves the settings
// and keys work, with errors that say what to fix (the keys, a missing
// client id, the API member's role, the site or URL).
type PSAChecker interface {
	Check(ctx context.Context) (PSACheck, error)
}
