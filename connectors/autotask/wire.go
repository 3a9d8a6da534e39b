package autotask

import (
	"encoding/json"
	"strings"
)

// The JSON shapes of Autotask's answers, as far as seats reads them. Ids,
// amounts and units are json.Number so that they reach seats' types without
// passing through a float; Autotask writes null for what is not set, which
// leaves these fields empty.

// wirePage is one page of a query.
type wirePage struct {
	Items       *[]json.RawMessage `json:"items"`
	PageDetails *struct {
		Count       int     `json:"count"`
		NextPageURL *string `json:"nextPageUrl"`
	} `json:"pageDetails"`
	// Errors: Autotask can answer 200 and still carry errors.
	Errors []json.RawMessage `json:"errors"`
}

// wireItem is the answer of GET {Entity}/{id}: {"item":null} when there is
// no such record.
type wireItem struct {
	Item   json.RawMessage   `json:"item"`
	Errors []json.RawMessage `json:"errors"`
}

type wireUDF struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

type wireCompany struct {
	ID                json.Number `json:"id"`
	CompanyName       string      `json:"companyName"`
	CompanyNumber     string      `json:"companyNumber"`
	CompanyType       json.Number `json:"companyType"`
	IsActive          bool        `json:"isActive"`
	WebAddress        string      `json:"webAddress"`
	UserDefinedFields []wireUDF   `json:"userDefinedFields"`
}

type wireService struct {
	ID                                       json.Number `json:"id"`
	Name                                     string      `json:"name"`
	SKU                                      string      `json:"sku"`
	CatalogNumberPartNumber                  string      `json:"catalogNumberPartNumber"`
	ManufacturerServiceProviderProductNumber string      `json:"manufacturerServiceProviderProductNumber"`
	UnitPrice                                json.Number `json:"unitPrice"`
	UnitCost                                 json.Number `json:"unitCost"`
	PeriodType                               json.Number `json:"periodType"`
	IsActive                                 bool        `json:"isActive"`
}

type wireContract struct {
	ID                 json.Number `json:"id"`
	CompanyID          json.Number `json:"companyID"`
	ContractName       string      `json:"contractName"`
	ContractType       json.Number `json:"contractType"`
	Status             json.Number `json:"status"`
	StartDate          string      `json:"startDate"`
	EndDate            string      `json:"endDate"`
	ContractPeriodType json.Number `json:"contractPeriodType"`
	RenewedContractID  json.Number `json:"renewedContractID"`
}

type wireContractService struct {
	ID                 json.Number `json:"id"`
	ContractID         json.Number `json:"contractID"`
	ServiceID          json.Number `json:"serviceID"`
	UnitPrice          json.Number `json:"unitPrice"`
	UnitCost           json.Number `json:"unitCost"`
	AdjustedPrice      json.Number `json:"adjustedPrice"`
	InvoiceDescription string      `json:"invoiceDescription"`
}

type wireUnits struct {
	ID                json.Number `json:"id"`
	ContractServiceID json.Number `json:"contractServiceID"`
	StartDate         string      `json:"startDate"`
	EndDate           string      `json:"endDate"`
	Units             json.Number `json:"units"`
}

// wireFields is entityInformation/fields, as far as picklists go.
type wireFields struct {
	Fields []struct {
		Name           string `json:"name"`
		IsPickList     bool   `json:"isPickList"`
		PicklistValues []struct {
			Value json.Number `json:"value"`
			Label string      `json:"label"`
		} `json:"picklistValues"`
	} `json:"fields"`
}

// wireAdjustment is the body of a ContractServiceAdjustments POST.
// adjustedUnitPrice and adjustedUnitCost are left out so that the change
// keeps the line's price (public code that sends them sends the current
// price; whether Autotask requires them is unconfirmed).
type wireAdjustment struct {
	ContractID         json.Number `json:"contractID"`
	ContractServiceID  json.Number `json:"contractServiceID"`
	ServiceID          json.Number `json:"serviceID,omitempty"`
	EffectiveDate      string      `json:"effectiveDate"`
	UnitChange         int         `json:"unitChange"`
	AllowRepeatService bool        `json:"allowRepeatService"`
}

// wireCreated is the answer of a create: {"itemId":N}.
type wireCreated struct {
	ItemID json.Number       `json:"itemId"`
	Errors []json.RawMessage `json:"errors"`
}

// condition is one filter condition of a query.
type condition struct {
	Op    string      `json:"op"`
	Field string      `json:"field,omitempty"`
	Value any         `json:"value,omitempty"`
	Items []condition `json:"items,omitempty"`
}

// query is the body of POST {Entity}/query.
type query struct {
	Filter     []condition `json:"filter"`
	MaxRecords int         `json:"MaxRecords"`
}

// id renders a record id for seats' types: the digits as Autotask gave
// them, or "" when it is not a positive whole number.
func id(n json.Number) string {
	s := strings.TrimSpace(string(n))
	if s == "" || len(s) > 18 || strings.Trim(s, "0123456789") != "" || strings.Trim(s, "0") == "" {
		return ""
	}
	return strings.TrimLeft(s, "0")
}
