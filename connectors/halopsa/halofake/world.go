package halofake

import (
	"encoding/json"
	"time"
)

// World is everything the fake HaloPSA knows: the instance's API
// application (client id and secret), its tenant when hosted, its clients,
// items and recurring invoices with their lines. It is plain data
// (JSON-serialisable) so that the sandbox can keep it in a file; writes
// through the API change it.
//
// Amounts and quantities are json.Number so that a world holds what Halo
// sends (2.5 seats, 23.005 dollars) and the fake serves them verbatim.
type World struct {
	// ClientID and ClientSecret are the API application's (Configuration >
	// Integrations > Halo API, Client Credentials). A sandbox pair.
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// Tenant is the hosted instance's tenant name; "" for a self-hosted
	// instance, whose token endpoint needs no ?tenant=.
	Tenant string `json:"tenant,omitempty"`

	Clients  []Client           `json:"clients"`
	Items    []Item             `json:"items"`
	Invoices []RecurringInvoice `json:"invoices"`

	GeneratedAt time.Time `json:"generated_at,omitzero"`
	Seed        int64     `json:"seed"`
}

// Client is one client (schema "Area").
type Client struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Inactive bool   `json:"inactive,omitempty"`
	Website  string `json:"website,omitempty"`
	// AzureTenants are served as azure_tenants[]: the Microsoft tenants
	// the MSP linked to the client in Halo.
	AzureTenants []string `json:"azure_tenants,omitempty"`
}

// Item is one item of /api/Item.
type Item struct {
	ID               int         `json:"id"`
	Name             string      `json:"name"`
	InternalRef      string      `json:"internal_reference,omitempty"`
	SupplierPartCode string      `json:"supplier_part_code,omitempty"`
	BasePrice        json.Number `json:"base_price,omitempty"`
	CostPrice        json.Number `json:"cost_price,omitempty"`
	RecurringPrice   json.Number `json:"recurring_price,omitempty"`
	RecurringCost    json.Number `json:"recurring_cost,omitempty"`
	Recurring        bool        `json:"recurring,omitempty"`
	Inactive         bool        `json:"inactive,omitempty"`
}

// RecurringInvoice is one recurring invoice header (schema "InvoiceHeader").
// IDs may be negative, as Halo's recurring headers are in practice.
type RecurringInvoice struct {
	ID          int       `json:"id"`
	ClientID    int       `json:"client_id"`
	ContractRef string    `json:"contract_ref,omitempty"`
	StartDate   time.Time `json:"start_date,omitzero"`
	EndDate     time.Time `json:"end_date,omitzero"` // the last day invoiced
	Disabled    bool      `json:"disabled,omitempty"`
	// PeriodMonths is how many months each invoice covers (served as
	// period with period_type 3); 0 means 1, monthly.
	PeriodMonths int    `json:"period_months,omitempty"`
	Lines        []Line `json:"lines"`
}

// Line is one recurring invoice line (schema "InvoiceDetail").
type Line struct {
	ID     int    `json:"id"`
	ItemID int    `json:"item_id"`
	Code   string `json:"item_code,omitempty"`
	Short  string `json:"short_description,omitempty"`
	// Long is item_longdescription: the text an agent edits; an edit of it
	// is an edit of the line.
	Long      string      `json:"long_description,omitempty"`
	Quantity  json.Number `json:"quantity"`
	UnitPrice json.Number `json:"unit_price,omitempty"` // "" = null
	UnitCost  json.Number `json:"unit_cost,omitempty"`
	Inactive  bool        `json:"inactive,omitempty"` // left off the invoices
	StartDate time.Time   `json:"start_date,omitzero"`
	EndDate   time.Time   `json:"end_date,omitzero"`
	// QuantityType is recurring_invoice_quantity_type: 0 the agent types
	// the quantity, otherwise Halo counts it (1 users, 2 assets: the values
	// seen in the wild; their meaning is not documented).
	QuantityType int `json:"quantity_type,omitempty"`
	// Extra holds fields seats does not read, served verbatim and expected
	// back verbatim in a POST (Halo keeps what it is sent).
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Clone returns a deep copy of w.
func (w *World) Clone() World {
	c := *w
	c.Clients = make([]Client, len(w.Clients))
	for i, cl := range w.Clients {
		cl.AzureTenants = append([]string(nil), cl.AzureTenants...)
		c.Clients[i] = cl
	}
	c.Items = append([]Item(nil), w.Items...)
	c.Invoices = make([]RecurringInvoice, len(w.Invoices))
	for i, inv := range w.Invoices {
		inv.Lines = cloneLines(inv.Lines)
		c.Invoices[i] = inv
	}
	return c
}

func cloneLines(ls []Line) []Line {
	out := make([]Line, len(ls))
	for i, l := range ls {
		if l.Extra != nil {
			x := make(map[string]json.RawMessage, len(l.Extra))
			for k, v := range l.Extra {
				x[k] = append(json.RawMessage(nil), v...)
			}
			l.Extra = x
		}
		out[i] = l
	}
	return out
}

// TimeLayout is how Halo writes dates: no zone (the instance's time, UTC
// on hosted instances).
const TimeLayout = "2006-01-02T15:04:05"

// NoDate is how Halo writes a date that is not set.
const NoDate = "1900-01-01T00:00:00"

// FormatTime writes t as Halo does; the zero time is NoDate.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return NoDate
	}
	return t.UTC().Format(TimeLayout)
}

// Quantity writes n as the world keeps a quantity.
func Quantity(n int) json.Number { return json.Number(json.Number(itoa(n))) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
