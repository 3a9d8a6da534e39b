package atfake

import (
	"encoding/json"
	"time"
)

// World is everything the fake Autotask knows: the API user's credentials,
// its picklists, companies, services, recurring contracts, their services
// and units, and the adjustments posted so far. It is plain data, so that
// the sandbox can keep it in a file; adjustments through the API change it.
//
// Amounts and units are json.Number so that a world can hold what Autotask
// sends (2.5 units, 26.4 dollars) and the fake serves them verbatim.
type World struct {
	// UserName is the API user's user name (an e-mail-like key), Secret its
	// secret, IntegrationCode the API tracking identifier. (Sandbox values,
	// never real ones.)
	UserName        string `json:"user_name"`
	Secret          string `json:"secret"`
	IntegrationCode string `json:"integration_code"`
	// ZoneName is the zone zoneInformation reports ("America East").
	ZoneName string `json:"zone_name"`
	// Currency is the database's internal currency (ISO 4217). Autotask
	// names it on no record; a client is configured with it.
	Currency string `json:"currency"`

	// CompanyTypes and PeriodTypes are the picklists of Companies.companyType
	// and of Contracts.contractPeriodType / Services.periodType, served by
	// entityInformation/fields.
	CompanyTypes []PicklistValue `json:"company_types"`
	PeriodTypes  []PicklistValue `json:"period_types"`

	Companies        []Company         `json:"companies"`
	Services         []Service         `json:"services"`
	Contracts        []Contract        `json:"contracts"`
	ContractServices []ContractService `json:"contract_services"`
	Units            []ServiceUnits    `json:"units"`
	Adjustments      []Adjustment      `json:"adjustments,omitempty"`

	// NextID numbers the rows the API creates (units rows, adjustments).
	NextID int `json:"next_id"`

	GeneratedAt time.Time `json:"generated_at,omitzero"`
	Seed        int64     `json:"seed"`
}

// PicklistValue is one value of a picklist field.
type PicklistValue struct {
	Value    int    `json:"value"`
	Label    string `json:"label"`
	IsActive bool   `json:"is_active"`
}

// Company is one company (account).
type Company struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Number string `json:"number,omitempty"` // companyNumber
	// Type is companyType: on default installs 1 Customer, 2 Lead,
	// 3 Prospect, 4 Dead, 6 Cancellation, 7 Vendor, 8 Partner.
	Type       int    `json:"type"`
	Active     bool   `json:"active"`
	WebAddress string `json:"web_address,omitempty"`
	// TenantID, when set, is served as the user-defined field
	// "Microsoft Tenant ID", as MSPs who track it keep it.
	TenantID         string    `json:"tenant_id,omitempty"`
	LastActivityDate time.Time `json:"last_activity_date,omitzero"`
}

// Service is one entry of the service catalogue.
type Service struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// SKU is the MSP's own code; PartNumber is catalogNumberPartNumber and
	// VendorProductNumber manufacturerServiceProviderProductNumber, where
	// MSPs keep Microsoft's part number.
	SKU                 string      `json:"sku,omitempty"`
	PartNumber          string      `json:"part_number,omitempty"`
	VendorProductNumber string      `json:"vendor_product_number,omitempty"`
	UnitPrice           json.Number `json:"unit_price,omitempty"`
	UnitCost            json.Number `json:"unit_cost,omitempty"`
	PeriodType          int         `json:"period_type,omitempty"`
	Active              bool        `json:"active"`
}

// The contract types and statuses the fake knows.
const (
	ContractTypeRecurring  = 7 // Recurring Service
	ContractTypeTimeMat    = 1 // Time and Materials
	ContractStatusActive   = 1
	ContractStatusInactive = 0
)

// Contract is one contract. Only recurring service contracts (type 7)
// carry contract services.
type Contract struct {
	ID        int    `json:"id"`
	CompanyID int    `json:"company_id"`
	Name      string `json:"name"`
	Type      int    `json:"type"`
	Status    int    `json:"status"` // 1 active ("In Effect"), 0 inactive
	// StartDate and EndDate are days; EndDate is the last day of the
	// contract. Adjustments must fall between them.
	StartDate         time.Time `json:"start_date"`
	EndDate           time.Time `json:"end_date"`
	PeriodType        int       `json:"period_type,omitempty"`
	RenewedContractID int       `json:"renewed_contract_id,omitempty"`
}

// ContractService is one service on a recurring contract. It has no unit
// count: that lives in its units rows.
type ContractService struct {
	ID                 int         `json:"id"`
	ContractID         int         `json:"contract_id"`
	ServiceID          int         `json:"service_id"`
	UnitPrice          json.Number `json:"unit_price,omitempty"`
	UnitCost           json.Number `json:"unit_cost,omitempty"`
	AdjustedPrice      json.Number `json:"adjusted_price,omitempty"`
	InvoiceDescription string      `json:"invoice_description,omitempty"`
}

// ServiceUnits is one row of ContractServiceUnits: how many units of a
// contract service are billed from StartDate to EndDate (its last day).
type ServiceUnits struct {
	ID                int         `json:"id"`
	ContractID        int         `json:"contract_id"`
	ContractServiceID int         `json:"contract_service_id"`
	ServiceID         int         `json:"service_id"`
	StartDate         time.Time   `json:"start_date"`
	EndDate           time.Time   `json:"end_date"`
	Units             json.Number `json:"units"`
	Price             json.Number `json:"price,omitempty"`
	Cost              json.Number `json:"cost,omitempty"`
}

// Adjustment is one ContractServiceAdjustment posted: permanent.
type Adjustment struct {
	ID                int       `json:"id"`
	ContractID        int       `json:"contract_id"`
	ContractServiceID int       `json:"contract_service_id"`
	ServiceID         int       `json:"service_id"`
	EffectiveDate     time.Time `json:"effective_date"`
	UnitChange        int       `json:"unit_change"`
	PostedAt          time.Time `json:"posted_at"`
	PostedBy          string    `json:"posted_by,omitempty"`
}

// Clone returns a deep copy of w.
func (w *World) Clone() World {
	c := *w
	c.CompanyTypes = append([]PicklistValue(nil), w.CompanyTypes...)
	c.PeriodTypes = append([]PicklistValue(nil), w.PeriodTypes...)
	c.Companies = append([]Company(nil), w.Companies...)
	c.Services = append([]Service(nil), w.Services...)
	c.Contracts = append([]Contract(nil), w.Contracts...)
	c.ContractServices = append([]ContractService(nil), w.ContractServices...)
	c.Units = append([]ServiceUnits(nil), w.Units...)
	c.Adjustments = append([]Adjustment(nil), w.Adjustments...)
	return c
}

// TimeLayout is how Autotask writes dates and times in REST answers:
// "2024-01-01T00:00:00Z" (some fields carry fractions or no zone; the
// fake writes this one).
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime writes t as the fake does.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// DefaultCompanyTypes are companyType's values on a default install.
func DefaultCompanyTypes() []PicklistValue {
	return []PicklistValue{
		{1, "Customer", true}, {2, "Lead", true}, {3, "Prospect", true}, {4, "Dead", true},
		{6, "Cancellation", true}, {7, "Vendor", true}, {8, "Partner", true},
	}
}

// The period types the fake's worlds use; the numbers are the fake's own
// (Autotask's are read from the picklist, never assumed).
const (
	PeriodMonthly   = 1
	PeriodQuarterly = 2
	PeriodYearly    = 4
)

// DefaultPeriodTypes is the period picklist of the fake's worlds.
func DefaultPeriodTypes() []PicklistValue {
	return []PicklistValue{{PeriodMonthly, "Monthly", true}, {PeriodQuarterly, "Quarterly", true}, {3, "Semi-Annual", true}, {PeriodYearly, "Yearly", true}}
}
