package cwfake

import (
	"encoding/json"
	"time"
)

// World is everything the fake ConnectWise PSA knows: one MSP's login
// (company id, an API member's key pair, the clientId it registered), its
// company statuses and types, its companies, catalogue, agreements and
// their additions. It is plain data so that the sandbox can keep it in a
// file shared by every seats command; writes through the API change it.
//
// Amounts and quantities are json.Number so that a world can hold what
// ConnectWise sends (floats such as 2.5 seats or 26.4 dollars) and the fake
// serves them verbatim.
type World struct {
	// CompanyID is the company id typed at the ConnectWise login ("acme");
	// it is the first half of the Basic user name and names the instance
	// in /login/companyinfo. Compared without regard to case, as the login is.
	CompanyID string `json:"company_id"`
	// PublicKey and PrivateKey are the API member's key pair. (A sandbox
	// pair, never a real one.)
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
	// APIMember is the API member the keys belong to; writes are stamped
	// with it in _info.updatedBy.
	APIMember string `json:"api_member,omitempty"`
	// ClientID is the clientId the MSP registered at developer.connectwise.com;
	// "" accepts any non-empty clientId header.
	ClientID string `json:"client_id,omitempty"`
	// Codebase is the instance's release path with its trailing slash
	// ("v2025_1/"), as /login/companyinfo reports it. The API answers under
	// it and under the "v4_6_release/" router alike.
	Codebase string `json:"codebase"`
	// Currency is the instance's currency (ISO 4217), served on agreements
	// that do not name their own.
	Currency string `json:"currency"`

	Statuses   []CompanyStatus `json:"statuses"`
	Types      []CompanyType   `json:"types"`
	Companies  []Company       `json:"companies"`
	Catalog    []CatalogItem   `json:"catalog"`
	Agreements []Agreement     `json:"agreements"`
	Additions  []Addition      `json:"additions"`

	GeneratedAt time.Time `json:"generated_at,omitzero"`
	Seed        int64     `json:"seed"`
}

// CompanyStatus is one row of /company/companies/statuses.
type CompanyStatus struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	InactiveFlag bool   `json:"inactive_flag,omitempty"`
	DefaultFlag  bool   `json:"default_flag,omitempty"`
}

// CompanyType is one row of /company/companies/types. Names are the MSP's
// own ("Client", "Prospect", "Vendor", "Partner"...).
type CompanyType struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	IsVendor bool   `json:"is_vendor,omitempty"`
}

// Company is one company of the MSP's PSA.
type Company struct {
	ID         int    `json:"id"`
	Identifier string `json:"identifier"` // short unique code
	Name       string `json:"name"`
	StatusID   int    `json:"status_id"`
	TypeIDs    []int  `json:"type_ids,omitempty"`
	Website    string `json:"website,omitempty"` // free text; sometimes the tenant's domain
	// TenantID, when set, is served as the custom field "Microsoft Tenant
	// ID", as MSPs who track it keep it.
	TenantID    string    `json:"tenant_id,omitempty"`
	DeletedFlag bool      `json:"deleted_flag,omitempty"` // in the recycle bin
	LeadFlag    bool      `json:"lead_flag,omitempty"`
	LastUpdated time.Time `json:"last_updated,omitzero"`
}

// CatalogItem is one product of /procurement/catalog.
type CatalogItem struct {
	ID                     int         `json:"id"`
	Identifier             string      `json:"identifier"`  // "M365BP-M"
	Description            string      `json:"description"` // "Microsoft 365 Business Premium (Monthly)"
	ManufacturerPartNumber string      `json:"manufacturer_part_number,omitempty"`
	VendorSku              string      `json:"vendor_sku,omitempty"`
	Price                  json.Number `json:"price,omitempty"`
	Cost                   json.Number `json:"cost,omitempty"`
	RecurringFlag          bool        `json:"recurring_flag,omitempty"`
	// BillCycle is the recurring bill cycle's name ("Monthly", "Annual");
	// "" for items that do not recur.
	BillCycle    string    `json:"bill_cycle,omitempty"`
	InactiveFlag bool      `json:"inactive_flag,omitempty"`
	ProductClass string    `json:"product_class,omitempty"` // "NonInventory", "Service", "Agreement"...
	Category     string    `json:"category,omitempty"`
	LastUpdated  time.Time `json:"last_updated,omitzero"`
}

// Agreement is one agreement of /finance/agreements.
type Agreement struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	CompanyID int    `json:"company_id"`
	TypeName  string `json:"type_name,omitempty"` // "Managed Services", "Microsoft NCE Annual"
	// Status is agreementStatus as ConnectWise spells it: Active,
	// Cancelled, Expired, Inactive; served verbatim.
	Status           string    `json:"status"`
	CancelledFlag    bool      `json:"cancelled_flag,omitempty"`
	DateCancelled    time.Time `json:"date_cancelled,omitzero"`
	StartDate        time.Time `json:"start_date,omitzero"`
	EndDate          time.Time `json:"end_date,omitzero"`
	NoEndingDateFlag bool      `json:"no_ending_date_flag,omitempty"`
	BillingCycle     string    `json:"billing_cycle,omitempty"` // "Monthly", "Annual"
	// Currency, when set, overrides the world's on this agreement.
	Currency    string    `json:"currency,omitempty"`
	LastUpdated time.Time `json:"last_updated,omitzero"`
}

// Addition is one addition of an agreement: a product, a quantity and
// prices, billed with the agreement.
type Addition struct {
	ID          int    `json:"id"`
	AgreementID int    `json:"agreement_id"`
	ProductID   int    `json:"product_id"` // a CatalogItem
	Description string `json:"description,omitempty"`
	// Quantity is served verbatim: "10", or "2.5" to test a client.
	Quantity  json.Number `json:"quantity"`
	UnitPrice json.Number `json:"unit_price,omitempty"`
	UnitCost  json.Number `json:"unit_cost,omitempty"`
	// BillCustomer is Billable, DoNotBill or NoCharge; served verbatim.
	BillCustomer  string    `json:"bill_customer"`
	EffectiveDate time.Time `json:"effective_date,omitzero"`
	CancelledDate time.Time `json:"cancelled_date,omitzero"`
	// LastUpdated is _info.lastUpdated; every write moves it.
	LastUpdated time.Time `json:"last_updated"`
	UpdatedBy   string    `json:"updated_by,omitempty"`
}

// Clone returns a deep copy of w.
func (w *World) Clone() World {
	c := *w
	c.Statuses = append([]CompanyStatus(nil), w.Statuses...)
	c.Types = append([]CompanyType(nil), w.Types...)
	c.Companies = make([]Company, len(w.Companies))
	for i, co := range w.Companies {
		co.TypeIDs = append([]int(nil), co.TypeIDs...)
		c.Companies[i] = co
	}
	if w.Companies == nil {
		c.Companies = nil
	}
	c.Catalog = append([]CatalogItem(nil), w.Catalog...)
	c.Agreements = append([]Agreement(nil), w.Agreements...)
	c.Additions = append([]Addition(nil), w.Additions...)
	return c
}

// TimeLayout is how ConnectWise writes every date and time: UTC to the
// second with a Z ("2024-01-01T00:00:00Z").
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime writes t as ConnectWise does.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
