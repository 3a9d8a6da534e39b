package cwfake

import (
	"encoding/json"
	"strings"
	"time"
)

// Rows are rendered as maps, the shape ConnectWise's JSON has, so that
// conditions and orderBy work on exactly what a client receives. A null
// field is left out of the map, as ConnectWise leaves it out of the JSON.

// The top-level fields of each entity, including those often null: a
// condition on any other name is refused.
var (
	companyFields = fieldSet("id identifier name status types type website deletedFlag dateDeleted leadFlag " +
		"isVendorFlag customFields parentCompany billToCompany accountNumber phoneNumber city state country _info")
	statusFields    = fieldSet("id name defaultFlag inactiveFlag notifyFlag disallowSavingFlag _info")
	typeFields      = fieldSet("id name defaultFlag isVendor serviceAlertFlag _info")
	catalogFields   = fieldSet("id identifier description customerDescription inactiveFlag price cost productClass type category subcategory recurringFlag recurringBillCycle recurringRevenue recurringCost manufacturerPartNumber vendorSku integrationXRef unitOfMeasure taxableFlag _info")
	agreementFields = fieldSet("id name type company agreementStatus cancelledFlag dateCancelled startDate endDate noEndingDateFlag " +
		"billingCycle billAmount prorateFlag nextInvoiceDate parentAgreement billToCompany oneTimeFlag currency customFields _info")
	additionFields = fieldSet("id product description invoiceDescription quantity lessIncluded billedQuantity unitPrice unitCost " +
		"extPrice extCost margin billCustomer effectiveDate cancelledDate agreementId agreementStatus taxableFlag uom sequenceNumber customFields _info")
)

func fieldSet(names string) map[string]bool {
	out := map[string]bool{}
	for _, n := range strings.Fields(names) {
		out[n] = true
	}
	return out
}

// setTime puts t into m under name, unless it is zero (null).
func setTime(m map[string]any, name string, t time.Time) {
	if !t.IsZero() {
		m[name] = FormatTime(t)
	}
}

// setNumber puts n into m under name, unless it is empty (null).
func setNumber(m map[string]any, name string, n json.Number) {
	if n != "" {
		m[name] = n
	}
}

func info(lastUpdated time.Time, updatedBy string) map[string]any {
	i := map[string]any{}
	setTime(i, "lastUpdated", lastUpdated)
	if updatedBy != "" {
		i["updatedBy"] = updatedBy
	}
	return i
}

func (s *Server) renderStatus(st CompanyStatus) map[string]any {
	return map[string]any{"id": st.ID, "name": st.Name, "defaultFlag": st.DefaultFlag, "inactiveFlag": st.InactiveFlag,
		"notifyFlag": false, "disallowSavingFlag": false, "_info": map[string]any{}}
}

func (s *Server) renderType(t CompanyType) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "defaultFlag": false, "isVendor": t.IsVendor, "serviceAlertFlag": false,
		"_info": map[string]any{}}
}

// tenantCaption is the caption of the custom field that carries a
// company's Microsoft tenant id, where the MSP keeps one.
const tenantCaption = "Microsoft Tenant ID"

func (s *Server) renderCompany(c Company) map[string]any {
	m := map[string]any{
		"id": c.ID, "identifier": c.Identifier, "name": c.Name,
		"deletedFlag": c.DeletedFlag, "leadFlag": c.LeadFlag,
		"_info": info(c.LastUpdated, "admin"),
	}
	for _, st := range s.w.Statuses {
		if st.ID == c.StatusID {
			m["status"] = map[string]any{"id": st.ID, "name": st.Name}
		}
	}
	types := []any{}
	vendor := false
	for _, id := range c.TypeIDs {
		for _, t := range s.w.Types {
			if t.ID == id {
				types = append(types, map[string]any{"id": t.ID, "name": t.Name})
				vendor = vendor || t.IsVendor
			}
		}
	}
	m["types"] = types
	m["isVendorFlag"] = vendor
	if c.Website != "" {
		m["website"] = c.Website
	}
	field := map[string]any{"id": 7, "caption": tenantCaption, "type": "Text", "entryMethod": "EntryField", "numberOfDecimals": 0}
	if c.TenantID != "" {
		field["value"] = c.TenantID
	}
	m["customFields"] = []any{field}
	return m
}

func (s *Server) renderCatalogItem(it CatalogItem) map[string]any {
	m := map[string]any{
		"id": it.ID, "identifier": it.Identifier, "description": it.Description,
		"inactiveFlag": it.InactiveFlag, "recurringFlag": it.RecurringFlag,
		"productClass": orDefault(it.ProductClass, "NonInventory"),
		"taxableFlag":  false,
		"_info":        info(it.LastUpdated, "admin"),
	}
	setNumber(m, "price", it.Price)
	setNumber(m, "cost", it.Cost)
	if it.RecurringFlag {
		setNumber(m, "recurringRevenue", it.Price)
		setNumber(m, "recurringCost", it.Cost)
		if it.BillCycle != "" {
			m["recurringBillCycle"] = map[string]any{"id": billCycleID(it.BillCycle), "name": it.BillCycle}
		}
	}
	if it.ManufacturerPartNumber != "" {
		m["manufacturerPartNumber"] = it.ManufacturerPartNumber
	}
	if it.VendorSku != "" {
		m["vendorSku"] = it.VendorSku
	}
	if it.Category != "" {
		m["category"] = map[string]any{"id": 1, "name": it.Category}
	}
	return m
}

func billCycleID(name string) int {
	switch strings.ToLower(name) {
	case "monthly":
		return 2
	case "annual", "yearly":
		return 5
	}
	return 9
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Server) companyRef(id int) map[string]any {
	for _, c := range s.w.Companies {
		if c.ID == id {
			return map[string]any{"id": c.ID, "identifier": c.Identifier, "name": c.Name}
		}
	}
	return map[string]any{"id": id}
}

func (s *Server) renderAgreement(a Agreement) map[string]any {
	m := map[string]any{
		"id": a.ID, "name": a.Name,
		"company":          s.companyRef(a.CompanyID),
		"agreementStatus":  a.Status,
		"cancelledFlag":    a.CancelledFlag,
		"noEndingDateFlag": a.NoEndingDateFlag,
		"prorateFlag":      false,
		"oneTimeFlag":      false,
		"_info":            info(a.LastUpdated, "admin"),
	}
	if a.TypeName != "" {
		m["type"] = map[string]any{"id": 1, "name": a.TypeName}
	}
	setTime(m, "dateCancelled", a.DateCancelled)
	setTime(m, "startDate", a.StartDate)
	setTime(m, "endDate", a.EndDate)
	if a.BillingCycle != "" {
		m["billingCycle"] = map[string]any{"id": billCycleID(a.BillingCycle), "name": a.BillingCycle}
	}
	if cur := orDefault(a.Currency, s.w.Currency); cur != "" {
		m["currency"] = map[string]any{"id": 1, "currencyCode": cur, "symbol": currencySymbol(cur)}
	}
	return m
}

func currencySymbol(code string) string {
	switch strings.ToUpper(code) {
	case "USD", "AUD", "CAD", "NZD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	}
	return code
}

func (s *Server) agreement(id int) (Agreement, bool) {
	for _, a := range s.w.Agreements {
		if a.ID == id {
			return a, true
		}
	}
	return Agreement{}, false
}

func (s *Server) renderAddition(ad Addition) map[string]any {
	m := map[string]any{
		"id": ad.ID, "agreementId": ad.AgreementID,
		"quantity":     ad.Quantity,
		"lessIncluded": 0,
		"billCustomer": ad.BillCustomer,
		"taxableFlag":  false,
		"_info":        info(ad.LastUpdated, orDefault(ad.UpdatedBy, "admin")),
	}
	product := map[string]any{"id": ad.ProductID}
	for _, it := range s.w.Catalog {
		if it.ID == ad.ProductID {
			product["identifier"] = it.Identifier
			product["description"] = it.Description
		}
	}
	m["product"] = product
	if ad.Description != "" {
		m["description"] = ad.Description
		m["invoiceDescription"] = ad.Description
	}
	setNumber(m, "unitPrice", ad.UnitPrice)
	setNumber(m, "unitCost", ad.UnitCost)
	if q, err := ad.Quantity.Float64(); err == nil {
		m["billedQuantity"] = json.Number(ad.Quantity.String())
		if p, err := ad.UnitPrice.Float64(); err == nil && ad.UnitPrice != "" {
			m["extPrice"] = q * p
		}
		if c, err := ad.UnitCost.Float64(); err == nil && ad.UnitCost != "" {
			m["extCost"] = q * c
		}
	}
	setTime(m, "effectiveDate", ad.EffectiveDate)
	setTime(m, "cancelledDate", ad.CancelledDate)
	if a, ok := s.agreement(ad.AgreementID); ok {
		m["agreementStatus"] = a.Status
	}
	return m
}
