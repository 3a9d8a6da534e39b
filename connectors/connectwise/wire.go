package connectwise

import (
	"encoding/json"
	"strings"
)

// The JSON shapes of ConnectWise's answers, as far as seats reads them.
// Ids are json.Number so that an id written as a string ("250") reads as
// well as a number; amounts and quantities are json.Number so that they
// reach Money and the quantity check without passing through a float.

// wireRef is a reference to another record: {"id","identifier","name"}.
type wireRef struct {
	ID          json.Number `json:"id"`
	Identifier  string      `json:"identifier"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
}

// wireInfo is the _info block every record carries.
type wireInfo struct {
	LastUpdated string `json:"lastUpdated"`
	UpdatedBy   string `json:"updatedBy"`
}

type wireCustomField struct {
	Caption string `json:"caption"`
	Value   any    `json:"value"`
}

type wireCompany struct {
	ID           json.Number       `json:"id"`
	Identifier   string            `json:"identifier"`
	Name         string            `json:"name"`
	Status       *wireRef          `json:"status"`
	Types        []wireRef         `json:"types"`
	Type         *wireRef          `json:"type"` // schemas before types[] had one type
	Website      string            `json:"website"`
	DeletedFlag  bool              `json:"deletedFlag"`
	LeadFlag     bool              `json:"leadFlag"`
	IsVendorFlag bool              `json:"isVendorFlag"`
	CustomFields []wireCustomField `json:"customFields"`
}

type wireStatus struct {
	ID           json.Number `json:"id"`
	Name         string      `json:"name"`
	InactiveFlag bool        `json:"inactiveFlag"`
}

type wireType struct {
	ID       json.Number `json:"id"`
	Name     string      `json:"name"`
	IsVendor bool        `json:"isVendor"`
}

type wireCatalogItem struct {
	ID                     json.Number `json:"id"`
	Identifier             string      `json:"identifier"`
	Description            string      `json:"description"`
	InactiveFlag           bool        `json:"inactiveFlag"`
	Price                  json.Number `json:"price"`
	Cost                   json.Number `json:"cost"`
	RecurringFlag          bool        `json:"recurringFlag"`
	ManufacturerPartNumber string      `json:"manufacturerPartNumber"`
	VendorSku              string      `json:"vendorSku"`
	RecurringBillCycle     *wireRef    `json:"recurringBillCycle"`
}

type wireCurrency struct {
	CurrencyCode string `json:"currencyCode"`
}

type wireAgreement struct {
	ID               json.Number   `json:"id"`
	Name             string        `json:"name"`
	Company          *wireRef      `json:"company"`
	AgreementStatus  string        `json:"agreementStatus"`
	CancelledFlag    bool          `json:"cancelledFlag"`
	DateCancelled    string        `json:"dateCancelled"`
	StartDate        string        `json:"startDate"`
	EndDate          string        `json:"endDate"`
	NoEndingDateFlag bool          `json:"noEndingDateFlag"`
	Currency         *wireCurrency `json:"currency"`
	BillingCycle     *wireRef      `json:"billingCycle"`
}

type wireAddition struct {
	ID                 json.Number `json:"id"`
	AgreementID        json.Number `json:"agreementId"`
	Product            *wireRef    `json:"product"`
	Description        string      `json:"description"`
	InvoiceDescription string      `json:"invoiceDescription"`
	Quantity           json.Number `json:"quantity"`
	UnitPrice          json.Number `json:"unitPrice"`
	UnitCost           json.Number `json:"unitCost"`
	BillCustomer       string      `json:"billCustomer"`
	EffectiveDate      string      `json:"effectiveDate"`
	CancelledDate      string      `json:"cancelledDate"`
	Info               wireInfo    `json:"_info"`
}

// patchOp is one operation of the JSON patch a quantity change sends.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value int    `json:"value"`
}

// id renders a record id for seats' types: the digits as ConnectWise gave
// them, or "" when it is not a positive whole number.
func id(n json.Number) string {
	s := strings.TrimSpace(string(n))
	if s == "" || len(s) > 18 || strings.Trim(s, "0123456789") != "" || strings.Trim(s, "0") == "" {
		return ""
	}
	return strings.TrimLeft(s, "0")
}
