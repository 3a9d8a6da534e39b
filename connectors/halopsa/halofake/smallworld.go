package halofake

import (
	"encoding/json"
	"time"
)

// The lines of SmallWorldAt that tests and the conformance suite name.
const (
	SmallLineWritable        = 7002 // billed, in effect, whole quantity 5: the one writes change
	SmallLineSecondOfItem    = 7003 // a second line of one item on one invoice
	SmallLineNotBilled       = 7004 // isinactive: left off the invoices
	SmallLineCancelled       = 7005 // ended twenty days ago
	SmallLineNotYetEffective = 7006 // starts in a month
	SmallLineOtherInvoice    = 7007 // the same client on a second (annual) invoice
	SmallLineFractional      = 7008 // quantity 2.5
	SmallLineOnDisabled      = 7010 // open, on a disabled recurring invoice
	SmallLineOnEnded         = 7011 // on an invoice whose end date passed
	SmallLineWithoutPrice    = 7014 // no unit_price, no unit_cost
	SmallLineCounted         = 7016 // quantity counted by Halo (users): read-only
)

// The clients and invoices of SmallWorldAt tests name.
const (
	SmallClientContoso   = 12 // website, azure tenant, two invoices
	SmallClientFabrikam  = 13 // website only
	SmallClientNorthwind = 14 // inactive, a disabled invoice
	SmallClientAdatum    = 15 // "not a website", a tenant field that is not a GUID, an ended invoice
	SmallClientProspect  = 16 // named like Contoso, nothing billed
	SmallInvoiceContoso  = -94
	SmallInvoiceAnnual   = 3002
)

// SmallWorldTenant is the Azure tenant Contoso is linked to.
const SmallWorldTenant = "6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b10"

// SmallWorldAt returns a small hosted-instance world with every case the
// conformance suite asks for, dated around now: two pages or more of
// everything at a page size of 2, a negative invoice id, an inactive
// client, a client whose tenant field holds no GUID, monthly and annual
// items of one product, an inactive item, a client on two invoices, lines
// that are ended, inactive (not billed), not yet started, fractional,
// without a price, counted by Halo, on a disabled and on an ended invoice,
// and two lines of one item on one invoice.
func SmallWorldAt(now time.Time) *World {
	now = now.UTC().Truncate(time.Second)
	day := func(d int) time.Time { return now.Truncate(24*time.Hour).AddDate(0, 0, d) }
	extra := map[string]json.RawMessage{"nominal_code": json.RawMessage(`"4000"`), "tax_code": json.RawMessage(`1`)}
	return &World{
		ClientID:     "3f0c6a1e-8d2b-4c7f-9e15-a2b3c4d5e6f7",
		ClientSecret: "Halo-secret-never-in-logs-9xQ2",
		Tenant:       "seatsdemo",
		Clients: []Client{
			{ID: SmallClientContoso, Name: "Contoso Ltd", Website: "https://www.Contoso.com/", AzureTenants: []string{SmallWorldTenant}},
			{ID: SmallClientFabrikam, Name: "Fabrikam, Inc.", Website: "fabrikam.com"},
			{ID: SmallClientNorthwind, Name: "Northwind Traders", Inactive: true},
			{ID: SmallClientAdatum, Name: "Adatum Corporation", Website: "not a website", AzureTenants: []string{"n/a"}},
			{ID: SmallClientProspect, Name: "Contoso Group", Website: "contosogroup.example"},
		},
		Items: []Item{
			{ID: 1, Name: "Microsoft 365 Business Premium (Monthly)", InternalRef: "M365BP-M", SupplierPartCode: "SPB", RecurringPrice: "26.40", RecurringCost: "22.00", Recurring: true},
			{ID: 2, Name: "Microsoft 365 Business Premium (Annual)", InternalRef: "M365BP-A", SupplierPartCode: "SPB", RecurringPrice: "316.80", RecurringCost: "264.00", Recurring: true},
			{ID: 3, Name: "Exchange Online (Plan 1) (Monthly)", InternalRef: "EXO1-M", SupplierPartCode: "EXCHANGESTANDARD", RecurringPrice: "4.8", RecurringCost: "4", Recurring: true},
			{ID: 4, Name: "Cloud backup per user", InternalRef: "BACKUP-U", RecurringPrice: "5.00", RecurringCost: "2.50", Recurring: true},
			{ID: 5, Name: "Office 365 E3 (legacy)", SupplierPartCode: "ENTERPRISEPACK", RecurringPrice: "23.005", Recurring: true, Inactive: true},
			{ID: 6, Name: "Onboarding, one-off", InternalRef: "SETUP", BasePrice: "150", CostPrice: "0"},
		},
		Invoices: []RecurringInvoice{
			{ID: SmallInvoiceContoso, ClientID: SmallClientContoso, ContractRef: "Contoso Managed Services", StartDate: day(-500), Lines: []Line{
				{ID: 7001, ItemID: 1, Code: "M365BP-M", Short: "Microsoft 365 Business Premium", Quantity: "10", UnitPrice: "26.40", UnitCost: "22.00", StartDate: day(-500), Extra: extra},
				{ID: SmallLineWritable, ItemID: 3, Code: "EXO1-M", Short: "Exchange Online (Plan 1)", Long: "Mailboxes", Quantity: "5", UnitPrice: "4.80", UnitCost: "4.00", StartDate: day(-500), Extra: extra},
				{ID: SmallLineSecondOfItem, ItemID: 1, Code: "M365BP-M", Short: "Microsoft 365 Business Premium", Quantity: "2", UnitPrice: "26.40", UnitCost: "22.00", StartDate: day(-100)},
				{ID: SmallLineNotBilled, ItemID: 4, Code: "BACKUP-U", Short: "Cloud backup per user", Quantity: "12", UnitPrice: "5.00", UnitCost: "2.50", Inactive: true, StartDate: day(-300)},
				{ID: SmallLineCancelled, ItemID: 3, Code: "EXO1-M", Short: "Exchange Online (Plan 1)", Quantity: "3", UnitPrice: "4.80", UnitCost: "4.00", StartDate: day(-400), EndDate: day(-20)},
				{ID: SmallLineNotYetEffective, ItemID: 1, Code: "M365BP-M", Short: "Microsoft 365 Business Premium", Quantity: "4", UnitPrice: "26.40", UnitCost: "22.00", StartDate: day(30)},
				{ID: SmallLineCounted, ItemID: 4, Code: "BACKUP-U", Short: "Cloud backup per user", Quantity: "14", UnitPrice: "5.00", UnitCost: "2.50", QuantityType: 1},
			}},
			{ID: SmallInvoiceAnnual, ClientID: SmallClientContoso, ContractRef: "Contoso Microsoft Annual", StartDate: day(-40), EndDate: day(325), PeriodMonths: 12, Lines: []Line{
				{ID: SmallLineOtherInvoice, ItemID: 2, Code: "M365BP-A", Short: "Microsoft 365 Business Premium (Annual)", Quantity: "8", UnitPrice: "316.80", UnitCost: "264.00", StartDate: day(-40)},
			}},
			{ID: 3003, ClientID: SmallClientFabrikam, ContractRef: "Fabrikam MSA", StartDate: day(-700), Lines: []Line{
				{ID: SmallLineFractional, ItemID: 1, Code: "M365BP-M", Short: "Microsoft 365 Business Premium", Quantity: "2.5", UnitPrice: "26.40", UnitCost: "22.00", StartDate: day(-200)},
				{ID: 7009, ItemID: 3, Code: "EXO1-M", Short: "Exchange Online (Plan 1)", Quantity: "7", UnitPrice: "4.8", UnitCost: "4"},
				{ID: SmallLineWithoutPrice, ItemID: 2, Code: "M365BP-A", Short: "Microsoft 365 Business Premium (Annual)", Quantity: "3", StartDate: day(-10)},
			}},
			{ID: 3004, ClientID: SmallClientNorthwind, ContractRef: "Northwind Managed Services", StartDate: day(-800), Disabled: true, Lines: []Line{
				{ID: SmallLineOnDisabled, ItemID: 1, Code: "M365BP-M", Short: "Microsoft 365 Business Premium", Quantity: "6", UnitPrice: "26.40", UnitCost: "22.00", StartDate: day(-800)},
			}},
			{ID: 3005, ClientID: SmallClientAdatum, ContractRef: "Adatum 2025", StartDate: day(-395), EndDate: day(-30), Lines: []Line{
				{ID: SmallLineOnEnded, ItemID: 3, Code: "EXO1-M", Short: "Exchange Online (Plan 1)", Quantity: "2", UnitPrice: "4.80", UnitCost: "4.00", StartDate: day(-395)},
			}},
		},
		GeneratedAt: now,
	}
}
