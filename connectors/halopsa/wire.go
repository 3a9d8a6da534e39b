package halopsa

import (
	"encoding/json"
	"strings"
)

// The JSON shapes of Halo's answers, as far as seats reads them. Ids are
// json.Number (a string id reads as well as a number); amounts and
// quantities are json.Number so that they reach Money without a float.

type wireAzureTenant struct {
	AzureTenantID string `json:"azure_tenant_id"`
}

type wireClient struct {
	ID           json.Number       `json:"id"`
	Name         string            `json:"name"`
	Inactive     bool              `json:"inactive"`
	Website      string            `json:"website"`
	Domain       string            `json:"domain"`
	AzureTenants []wireAzureTenant `json:"azure_tenants"`
}

type wireItem struct {
	ID               json.Number `json:"id"`
	Name             string      `json:"name"`
	Description      string      `json:"description"`
	InternalRef      string      `json:"internalreference"`
	SupplierPartCode string      `json:"supplier_part_code"`
	BasePrice        json.Number `json:"baseprice"`
	CostPrice        json.Number `json:"costprice"`
	RecurringPrice   json.Number `json:"recurringprice"`
	RecurringCost    json.Number `json:"recurringcost"`
	IsRecurring      bool        `json:"isrecurringitem"`
	Inactive         bool        `json:"inactive"`
}

// wireInvoice is a recurring invoice header. Lines are kept raw as well as
// decoded: a write sends every line back exactly as it was read.
type wireInvoice struct {
	ID          json.Number       `json:"id"`
	ClientID    json.Number       `json:"client_id"`
	ContractRef string            `json:"contract_ref"`
	StartDate   string            `json:"startdate"`
	EndDate     string            `json:"enddate"`
	Disabled    bool              `json:"disabled"`
	Period      json.Number       `json:"period"`
	PeriodType  json.Number       `json:"period_type"`
	Lines       []json.RawMessage `json:"lines"`
}

type wireLine struct {
	ID               json.Number       `json:"id"`
	IHID             json.Number       `json:"ihid"`
	ItemID           json.Number       `json:"_itemid"`
	ItemCode         string            `json:"item_code"`
	Short            string            `json:"item_shortdescription"`
	Long             string            `json:"item_longdescription"`
	Quantity         json.Number       `json:"qty_order"`
	UnitPrice        json.Number       `json:"unit_price"`
	UnitCost         json.Number       `json:"unit_cost"`
	Inactive         bool              `json:"isinactive"`
	StartDate        string            `json:"startdate"`
	EndDate          string            `json:"enddate"`
	BillingPeriod    json.Number       `json:"billingperiod"`
	QuantityType     json.Number       `json:"recurring_invoice_quantity_type"`
	QuantityUsers    []json.RawMessage `json:"quantity_users"`
	QuantityAssets   []json.RawMessage `json:"quantity_assets"`
	QuantityLicences []json.RawMessage `json:"quantity_licences"`
	QuantitySubs     []json.RawMessage `json:"quantity_subscriptions"`
}

// id renders a Halo id: an integer as Halo gave it, negative allowed
// (recurring invoice headers can have negative ids), or "" when it is not
// a non-zero integer.
func id(n json.Number) string {
	s := strings.TrimSpace(string(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if s == "" || len(s) > 18 || strings.Trim(s, "0123456789") != "" || strings.Trim(s, "0") == "" {
		return ""
	}
	s = strings.TrimLeft(s, "0")
	if neg {
		return "-" + s
	}
	return s
}
