package atfake

import (
	"encoding/json"
	"time"
)

// The fake renders every record as Autotask does: camelCase fields, ids as
// numbers, null for what is not set (Autotask writes nulls, it does not
// leave fields out), dates as "2024-01-01T00:00:00Z", amounts and units as
// JSON numbers.

// entity is one queryable entity: its rows rendered, in id order.
type entity struct {
	name   string
	fields []string // every field a filter may name
	rows   func(w *World) []map[string]any
}

func num(n json.Number) any {
	if n == "" {
		return nil
	}
	return n
}

func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return FormatTime(t)
}

func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var entities = map[string]entity{
	"companies": {name: "Companies",
		fields: []string{"id", "companyName", "companyNumber", "companyType", "isActive", "webAddress", "lastActivityDate", "userDefinedFields"},
		rows: func(w *World) []map[string]any {
			out := make([]map[string]any, 0, len(w.Companies))
			for _, c := range w.Companies {
				udf := []map[string]any{{"name": "Microsoft Tenant ID", "value": str(c.TenantID)}}
				out = append(out, map[string]any{
					"id": c.ID, "companyName": c.Name, "companyNumber": str(c.Number), "companyType": c.Type,
					"isActive": c.Active, "webAddress": str(c.WebAddress), "lastActivityDate": date(c.LastActivityDate),
					"ownerResourceID": 29682885, "parentCompanyID": nil, "userDefinedFields": udf,
				})
			}
			return out
		}},
	"services": {name: "Services",
		fields: []string{"id", "name", "description", "sku", "catalogNumberPartNumber", "manufacturerServiceProviderProductNumber", "unitPrice", "unitCost", "periodType", "isActive"},
		rows: func(w *World) []map[string]any {
			out := make([]map[string]any, 0, len(w.Services))
			for _, s := range w.Services {
				out = append(out, map[string]any{
					"id": s.ID, "name": s.Name, "description": str(s.Description), "invoiceDescription": nil, "sku": str(s.SKU),
					"catalogNumberPartNumber": str(s.PartNumber), "manufacturerServiceProviderProductNumber": str(s.VendorProductNumber),
					"unitPrice": num(s.UnitPrice), "unitCost": num(s.UnitCost), "periodType": optInt(s.PeriodType), "isActive": s.Active,
					"billingCodeID": 29682801, "markupRate": nil,
				})
			}
			return out
		}},
	"contracts": {name: "Contracts",
		fields: []string{"id", "companyID", "contractName", "contractType", "status", "startDate", "endDate", "contractPeriodType", "renewedContractID"},
		rows: func(w *World) []map[string]any {
			out := make([]map[string]any, 0, len(w.Contracts))
			for _, c := range w.Contracts {
				out = append(out, map[string]any{
					"id": c.ID, "companyID": c.CompanyID, "contractName": c.Name, "contractType": c.Type, "status": c.Status,
					"startDate": date(c.StartDate), "endDate": date(c.EndDate), "contractPeriodType": optInt(c.PeriodType),
					"renewedContractID": optInt(c.RenewedContractID), "contractCategory": 1, "isDefaultContract": false, "userDefinedFields": []any{},
				})
			}
			return out
		}},
	"contractservices": {name: "ContractServices",
		fields: []string{"id", "contractID", "serviceID", "unitPrice", "unitCost", "adjustedPrice", "invoiceDescription"},
		rows: func(w *World) []map[string]any {
			out := make([]map[string]any, 0, len(w.ContractServices))
			for _, s := range w.ContractServices {
				out = append(out, map[string]any{
					"id": s.ID, "contractID": s.ContractID, "serviceID": s.ServiceID, "unitPrice": num(s.UnitPrice), "unitCost": num(s.UnitCost),
					"adjustedPrice": num(s.AdjustedPrice), "invoiceDescription": str(s.InvoiceDescription), "internalDescription": nil, "quoteItemID": nil,
				})
			}
			return out
		}},
	"contractserviceunits": {name: "ContractServiceUnits",
		fields: []string{"id", "contractID", "contractServiceID", "serviceID", "startDate", "endDate", "units", "price", "cost"},
		rows: func(w *World) []map[string]any {
			out := make([]map[string]any, 0, len(w.Units))
			for _, u := range w.Units {
				out = append(out, map[string]any{
					"id": u.ID, "contractID": u.ContractID, "contractServiceID": u.ContractServiceID, "serviceID": u.ServiceID,
					"startDate": date(u.StartDate), "endDate": date(u.EndDate), "units": num(u.Units), "price": num(u.Price), "cost": num(u.Cost),
					"approveAndPostDate": nil, "vendorCompanyID": nil,
				})
			}
			return out
		}},
}

// fieldsInfo renders entityInformation/fields: every field, with the
// picklist values where the field is one.
func fieldsInfo(w *World, e entity) map[string]any {
	picklists := map[string][]PicklistValue{
		"companyType":        w.CompanyTypes,
		"periodType":         w.PeriodTypes,
		"contractPeriodType": w.PeriodTypes,
	}
	var fields []map[string]any
	for _, f := range e.fields {
		info := map[string]any{"name": f, "dataType": "string", "isPickList": false, "picklistValues": nil, "isReadOnly": f == "id", "isQueryable": true}
		if values, ok := picklists[f]; ok && (e.name == "Companies" || f != "companyType") {
			var pv []map[string]any
			for i, v := range values {
				pv = append(pv, map[string]any{"value": itoa(v.Value), "label": v.Label, "isActive": v.IsActive, "isDefaultValue": false, "sortOrder": i, "isSystem": true})
			}
			info["dataType"], info["isPickList"], info["picklistValues"] = "integer", true, pv
		}
		fields = append(fields, info)
	}
	return map[string]any{"fields": fields}
}
