package halofake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Rendering: the world as Halo's JSON. Fields seats does not read but Halo
// sends are included where they shape the payload (toplevel_id,
// customertype, net_amount), so that a client decoding strictly fails here
// as it would against Halo.

func renderClient(c Client) map[string]any {
	tenants := make([]map[string]any, 0, len(c.AzureTenants))
	for _, t := range c.AzureTenants {
		tenants = append(tenants, map[string]any{"azure_tenant_id": t, "azure_tenant_name": c.Name, "client_id": c.ID, "licence_import_type": 0})
	}
	return map[string]any{
		"id": c.ID, "name": c.Name, "inactive": c.Inactive, "website": c.Website,
		"toplevel_id": 1, "toplevel_name": "Top Level", "customertype": 0, "colour": "#2b5797", "is_vip": false,
		"azure_tenants": tenants,
	}
}

func renderItem(it Item) map[string]any {
	return map[string]any{
		"id": it.ID, "name": it.Name, "internalreference": it.InternalRef, "supplier_part_code": it.SupplierPartCode,
		"baseprice": number(it.BasePrice), "costprice": number(it.CostPrice),
		"recurringprice": number(it.RecurringPrice), "recurringcost": number(it.RecurringCost),
		"isrecurringitem": it.Recurring, "inactive": it.Inactive, "type": 0,
	}
}

// number is a JSON number, or null for "".
func number(n json.Number) any {
	if n == "" {
		return nil
	}
	return n
}

func (s *Server) clientName(id int) string {
	for _, c := range s.w.Clients {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}

func (s *Server) renderInvoice(inv RecurringInvoice, withLines bool) map[string]any {
	out := map[string]any{
		"id": inv.ID, "client_id": inv.ClientID, "client_name": s.clientName(inv.ClientID), "contract_ref": inv.ContractRef,
		"startdate": FormatTime(inv.StartDate), "enddate": FormatTime(inv.EndDate), "disabled": inv.Disabled,
		"reviewrequired": false, "period": max(inv.PeriodMonths, 1), "period_type": 3,
	}
	if withLines {
		lines := make([]any, 0, len(inv.Lines))
		for _, l := range inv.Lines {
			lines = append(lines, renderLine(inv.ID, l))
		}
		out["lines"] = lines
	}
	return out
}

func renderLine(ihid int, l Line) map[string]any {
	out := map[string]any{}
	for k, v := range l.Extra {
		out[k] = v
	}
	for k, v := range map[string]any{
		"id": l.ID, "ihid": ihid, "_itemid": l.ItemID, "item_code": l.Code,
		"item_shortdescription": l.Short, "item_longdescription": l.Long,
		"qty_order": l.Quantity, "unit_price": number(l.UnitPrice), "unit_cost": number(l.UnitCost),
		"isinactive": l.Inactive, "startdate": FormatTime(l.StartDate), "enddate": FormatTime(l.EndDate),
		"recurring_invoice_quantity_type": l.QuantityType,
		"quantity_users":                  []any{}, "quantity_assets": []any{}, "quantity_licences": []any{}, "quantity_subscriptions": []any{},
	} {
		out[k] = v
	}
	return out
}

// lineFields are the line fields the fake reads from a POST; any other
// field is kept verbatim in Extra.
var lineFields = map[string]bool{
	"id": true, "ihid": true, "_itemid": true, "item_code": true, "item_shortdescription": true, "item_longdescription": true,
	"qty_order": true, "unit_price": true, "unit_cost": true, "isinactive": true, "startdate": true, "enddate": true,
	"recurring_invoice_quantity_type": true, "quantity_users": true, "quantity_assets": true, "quantity_licences": true, "quantity_subscriptions": true,
}

// postInvoice is Halo's upsert of a recurring invoice: an array of one
// header with its id and lines. The lines sent become the invoice's lines:
// a line left out is deleted (Halo's behaviour, which public scripts guard
// against by sending every line back). A sent line with the id of one of
// the invoice's lines updates it; without an id, a new line is made. The
// answer is the saved header with its lines. Call with the lock held.
func (s *Server) postInvoice(body []byte) answer {
	var headers []map[string]json.RawMessage
	if err := json.Unmarshal(body, &headers); err != nil || len(headers) != 1 {
		return haloError(http.StatusBadRequest, "The request body must be an array of one recurring invoice")
	}
	h := headers[0]
	var id int
	if err := json.Unmarshal(h["id"], &id); err != nil || id == 0 {
		return haloError(http.StatusBadRequest, "seats' fake makes no new recurring invoices: send the id of an existing one")
	}
	i := s.invoiceIndex(id)
	if i < 0 {
		return haloError(http.StatusNotFound, fmt.Sprintf("Recurring Invoice %d not found", id))
	}
	inv := &s.w.Invoices[i]
	raw, sent := h["lines"]
	if !sent {
		return ok(s.renderInvoice(*inv, true)) // a header without lines keeps its lines
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return haloError(http.StatusBadRequest, "lines must be an array of invoice lines")
	}
	next := 1
	for _, x := range s.w.Invoices {
		for _, l := range x.Lines {
			next = max(next, l.ID+1)
		}
	}
	var lines []Line
	for _, row := range rows {
		var lid int
		if v, ok := row["id"]; ok {
			if err := json.Unmarshal(v, &lid); err != nil {
				return haloError(http.StatusBadRequest, "A line id is not a number")
			}
		}
		var l Line
		if lid > 0 {
			found := false
			for _, old := range inv.Lines {
				if old.ID == lid {
					l, found = cloneLines([]Line{old})[0], true
				}
			}
			if !found {
				return haloError(http.StatusBadRequest, fmt.Sprintf("Invoice line %d is not on recurring invoice %d", lid, id))
			}
		} else {
			l = Line{ID: next}
			next++
			if err := json.Unmarshal(row["_itemid"], &l.ItemID); err != nil {
				return haloError(http.StatusBadRequest, "A new line needs an _itemid")
			}
		}
		if err := applyLine(&l, row); err != "" {
			return haloError(http.StatusBadRequest, err)
		}
		lines = append(lines, l)
	}
	changed := !reflect.DeepEqual(normalLines(inv.Lines), normalLines(lines))
	inv.Lines = lines
	a := ok(s.renderInvoice(*inv, true))
	if changed {
		s.applied.Add(1)
		a.changed = true
	}
	return a
}

// applyLine applies the fields of a posted line; it returns Halo's refusal.
// A quantity Halo counts itself is kept whatever is sent.
func applyLine(l *Line, row map[string]json.RawMessage) string {
	if v, ok := row["qty_order"]; ok {
		var q json.Number
		if err := json.Unmarshal(v, &q); err != nil || strings.HasPrefix(string(q), "-") {
			return "Quantity must be a number of 0 or more"
		}
		if l.QuantityType == 0 {
			l.Quantity = q
		}
	}
	for key, dst := range map[string]*string{"item_shortdescription": &l.Short, "item_longdescription": &l.Long, "item_code": &l.Code} {
		if v, ok := row[key]; ok {
			_ = json.Unmarshal(v, dst)
		}
	}
	for key, dst := range map[string]*json.Number{"unit_price": &l.UnitPrice, "unit_cost": &l.UnitCost} {
		if v, ok := row[key]; ok {
			var n *json.Number
			if err := json.Unmarshal(v, &n); err != nil {
				return key + " must be a number"
			}
			*dst = ""
			if n != nil {
				*dst = *n
			}
		}
	}
	if v, ok := row["isinactive"]; ok {
		_ = json.Unmarshal(v, &l.Inactive)
	}
	for k, v := range row {
		if lineFields[k] {
			continue
		}
		if l.Extra == nil {
			l.Extra = map[string]json.RawMessage{}
		}
		l.Extra[k] = append(json.RawMessage(nil), v...)
	}
	return ""
}

// normalLines compares lines by what they hold, amounts by value.
func normalLines(ls []Line) string {
	return string(fakekit.MustJSON(ls))
}
