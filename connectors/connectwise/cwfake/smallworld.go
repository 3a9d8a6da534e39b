package cwfake

import (
	"encoding/json"
	"time"
)

// The additions of SmallWorld that tests and the conformance suite name.
const (
	SmallLineWritable           = 7002 // billed, live, whole quantity 5: the one writes change
	SmallLineSecondOfItem       = 7003 // a second addition of one item on one agreement
	SmallLineNotBilled          = 7004 // billCustomer DoNotBill
	SmallLineCancelled          = 7005 // cancelled twenty days ago
	SmallLineNotYetEffective    = 7006 // effective in a month
	SmallLineOtherAgreement     = 7007 // the same customer billed on a second (annual) agreement
	SmallLineFractional         = 7008 // quantity 2.5
	SmallLineOnCancelledAgrmt   = 7010 // open, on a cancelled agreement
	SmallLineOnExpiredAgreement = 7011 // on an agreement whose end date passed
	SmallLineLongCancelledAgrmt = 7012 // on an agreement cancelled three years ago: not read
	SmallLineLongCancelled      = 7013 // cancelled two years ago: not read
	SmallLineWithoutPrice       = 7014 // no unitPrice, no unitCost
	SmallLineNoCharge           = 7015 // billCustomer NoCharge
)

// The companies and agreements of SmallWorld tests name.
const (
	SmallCompanyContoso   = 250 // client, website and tenant id, billed on two agreements
	SmallCompanyFabrikam  = 251 // client, website only
	SmallCompanyNorthwind = 252 // inactive status, a cancelled agreement
	SmallCompanyProspect  = 253 // a prospect named like Contoso
	SmallCompanyVendor    = 254 // a vendor
	SmallCompanyDeleted   = 255 // in the recycle bin: not read
	SmallCompanyAdatum    = 256 // client and partner, status Credit Hold (active), an expired agreement
	SmallAgreementLongAgo = 3006
)

// SmallWorldTenant is the tenant id Contoso keeps in its custom field.
const SmallWorldTenant = "6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b10"

// SmallWorld returns a small world with every awkward case the conformance
// suite asks for, dated around now: two pages or more of everything at a
// page size of 2, an inactive company, a prospect named like a client, a
// company in the recycle bin, monthly and annual catalogue items of one
// product, an inactive item, a customer on two agreements, additions that
// are cancelled, not billed, not yet effective, fractional, without a price,
// on a cancelled and on an expired agreement, two of one item on one
// agreement, and history older than a year that a client should not read.
func SmallWorld(now time.Time) *World {
	now = now.UTC().Truncate(time.Second)
	day := func(d int) time.Time { return now.Truncate(24*time.Hour).AddDate(0, 0, d) }
	stamp := func(d int) time.Time { return now.AddDate(0, 0, d).Truncate(time.Second) }
	return &World{
		CompanyID:  "seatsdemo",
		PublicKey:  "Pub1icKeyOfSeatsDemo",
		PrivateKey: "Pr1vateKey-never-in-logs-7Qz",
		APIMember:  "seatsapi",
		Codebase:   "v2025_1/",
		Currency:   "USD",
		Statuses: []CompanyStatus{
			{ID: 1, Name: "Active", DefaultFlag: true},
			{ID: 2, Name: "Inactive", InactiveFlag: true},
			{ID: 3, Name: "Credit Hold"},
		},
		Types: []CompanyType{
			{ID: 1, Name: "Client"},
			{ID: 2, Name: "Prospect"},
			{ID: 3, Name: "Vendor", IsVendor: true},
			{ID: 4, Name: "Partner"},
		},
		Companies: []Company{
			{ID: SmallCompanyContoso, Identifier: "Contoso", Name: "Contoso Ltd", StatusID: 1, TypeIDs: []int{1},
				Website: "https://www.Contoso.com/", TenantID: SmallWorldTenant, LastUpdated: stamp(-400)},
			{ID: SmallCompanyFabrikam, Identifier: "Fabrikam", Name: "Fabrikam, Inc.", StatusID: 1, TypeIDs: []int{1}, Website: "fabrikam.com", LastUpdated: stamp(-300)},
			{ID: SmallCompanyNorthwind, Identifier: "Northwind", Name: "Northwind Traders", StatusID: 2, TypeIDs: []int{1}, LastUpdated: stamp(-60)},
			{ID: SmallCompanyProspect, Identifier: "ContosoGroup", Name: "Contoso Group", StatusID: 1, TypeIDs: []int{2}, Website: "contosogroup.example", LastUpdated: stamp(-30)},
			{ID: SmallCompanyVendor, Identifier: "IngramMicro", Name: "Ingram Micro", StatusID: 1, TypeIDs: []int{3}, Website: "www.ingrammicro.com", LastUpdated: stamp(-900)},
			{ID: SmallCompanyDeleted, Identifier: "Fabrikam1", Name: "Fabrikam, Inc.", StatusID: 1, TypeIDs: []int{1}, DeletedFlag: true, LastUpdated: stamp(-700)},
			{ID: SmallCompanyAdatum, Identifier: "Adatum", Name: "Adatum Corporation", StatusID: 3, TypeIDs: []int{1, 4}, Website: "not a website", LastUpdated: stamp(-10)},
		},
		Catalog: []CatalogItem{
			{ID: 900, Identifier: "M365BP-M", Description: "Microsoft 365 Business Premium (Monthly)", ManufacturerPartNumber: "SPB",
				Price: "26.40", Cost: "22.00", RecurringFlag: true, BillCycle: "Monthly", Category: "Microsoft 365", LastUpdated: stamp(-500)},
			{ID: 901, Identifier: "M365BP-A", Description: "Microsoft 365 Business Premium (Annual)", VendorSku: "SPB",
				Price: "316.80", Cost: "264.00", RecurringFlag: true, BillCycle: "Annual", Category: "Microsoft 365", LastUpdated: stamp(-500)},
			{ID: 902, Identifier: "EXO1-M", Description: "Exchange Online (Plan 1) (Monthly)", ManufacturerPartNumber: "EXCHANGESTANDARD",
				Price: "4.80", Cost: "4.00", RecurringFlag: true, BillCycle: "Monthly", Category: "Microsoft 365", LastUpdated: stamp(-500)},
			{ID: 903, Identifier: "BACKUP-U", Description: "Cloud backup per user", Price: "5.00", Cost: "2.50", RecurringFlag: true, BillCycle: "Monthly", ProductClass: "Service", LastUpdated: stamp(-200)},
			{ID: 904, Identifier: "O365E3-OLD", Description: "Office 365 E3 (legacy)", ManufacturerPartNumber: "ENTERPRISEPACK", Price: "23.005", RecurringFlag: true, InactiveFlag: true, LastUpdated: stamp(-800)},
			{ID: 905, Identifier: "SETUP", Description: "Onboarding, one-off", Price: "150", Cost: "0", ProductClass: "Service", LastUpdated: stamp(-800)},
		},
		Agreements: []Agreement{
			{ID: 3001, Name: "Contoso Managed Services", CompanyID: SmallCompanyContoso, TypeName: "Managed Services", Status: "Active",
				StartDate: day(-500), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: stamp(-20)},
			{ID: 3002, Name: "Contoso Microsoft Annual", CompanyID: SmallCompanyContoso, TypeName: "Microsoft NCE Annual", Status: "Active",
				StartDate: day(-40), EndDate: day(325), BillingCycle: "Annual", LastUpdated: stamp(-40)},
			{ID: 3003, Name: "Fabrikam MSA", CompanyID: SmallCompanyFabrikam, TypeName: "Managed Services", Status: "Active",
				StartDate: day(-700), NoEndingDateFlag: true, BillingCycle: "Monthly", Currency: "USD", LastUpdated: stamp(-5)},
			{ID: 3004, Name: "Northwind Managed Services", CompanyID: SmallCompanyNorthwind, TypeName: "Managed Services", Status: "Cancelled",
				CancelledFlag: true, DateCancelled: day(-60), StartDate: day(-800), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: stamp(-60)},
			{ID: 3005, Name: "Adatum 2025", CompanyID: SmallCompanyAdatum, TypeName: "Managed Services", Status: "Active",
				StartDate: day(-395), EndDate: day(-30), BillingCycle: "Monthly", LastUpdated: stamp(-400)},
			{ID: SmallAgreementLongAgo, Name: "Fabrikam (old)", CompanyID: SmallCompanyFabrikam, TypeName: "Managed Services", Status: "Cancelled",
				CancelledFlag: true, DateCancelled: day(-1100), StartDate: day(-1500), NoEndingDateFlag: true, BillingCycle: "Monthly", LastUpdated: stamp(-1100)},
		},
		Additions: []Addition{
			{ID: 7001, AgreementID: 3001, ProductID: 900, Quantity: "10", UnitPrice: "26.40", UnitCost: "22.00", BillCustomer: "Billable", EffectiveDate: day(-500), LastUpdated: stamp(-90)},
			{ID: SmallLineWritable, AgreementID: 3001, ProductID: 902, Description: "Exchange Online (Plan 1)", Quantity: "5", UnitPrice: "4.80", UnitCost: "4.00", BillCustomer: "Billable", EffectiveDate: day(-500), LastUpdated: stamp(-90)},
			{ID: SmallLineSecondOfItem, AgreementID: 3001, ProductID: 900, Quantity: "2", UnitPrice: "26.40", UnitCost: "22.00", BillCustomer: "Billable", EffectiveDate: day(-100), LastUpdated: stamp(-100)},
			{ID: SmallLineNotBilled, AgreementID: 3001, ProductID: 903, Quantity: "12", UnitPrice: "5.00", UnitCost: "2.50", BillCustomer: "DoNotBill", EffectiveDate: day(-300), LastUpdated: stamp(-300)},
			{ID: SmallLineCancelled, AgreementID: 3001, ProductID: 902, Quantity: "3", UnitPrice: "4.80", UnitCost: "4.00", BillCustomer: "Billable", EffectiveDate: day(-400), CancelledDate: day(-20), LastUpdated: stamp(-20)},
			{ID: SmallLineNotYetEffective, AgreementID: 3001, ProductID: 900, Quantity: "4", UnitPrice: "26.40", UnitCost: "22.00", BillCustomer: "Billable", EffectiveDate: day(30), LastUpdated: stamp(-2)},
			{ID: SmallLineOtherAgreement, AgreementID: 3002, ProductID: 901, Quantity: "8", UnitPrice: "316.80", UnitCost: "264.00", BillCustomer: "Billable", EffectiveDate: day(-40), LastUpdated: stamp(-40)},
			{ID: SmallLineFractional, AgreementID: 3003, ProductID: 900, Quantity: "2.5", UnitPrice: "26.40", UnitCost: "22.00", BillCustomer: "Billable", EffectiveDate: day(-200), LastUpdated: stamp(-200)},
			{ID: 7009, AgreementID: 3003, ProductID: 902, Quantity: "7", UnitPrice: "4.8", UnitCost: "4", BillCustomer: "Billable", LastUpdated: stamp(-150)},
			{ID: SmallLineOnCancelledAgrmt, AgreementID: 3004, ProductID: 900, Quantity: "6", UnitPrice: "26.40", UnitCost: "22.00", BillCustomer: "Billable", EffectiveDate: day(-800), LastUpdated: stamp(-700)},
			{ID: SmallLineOnExpiredAgreement, AgreementID: 3005, ProductID: 902, Quantity: "2", UnitPrice: "4.80", UnitCost: "4.00", BillCustomer: "Billable", EffectiveDate: day(-395), LastUpdated: stamp(-395)},
			{ID: SmallLineLongCancelledAgrmt, AgreementID: SmallAgreementLongAgo, ProductID: 900, Quantity: "9", UnitPrice: "20.00", UnitCost: "18.00", BillCustomer: "Billable", EffectiveDate: day(-1500), LastUpdated: stamp(-1100)},
			{ID: SmallLineLongCancelled, AgreementID: 3001, ProductID: 902, Quantity: "1", UnitPrice: "4.80", UnitCost: "4.00", BillCustomer: "Billable", EffectiveDate: day(-1000), CancelledDate: day(-730), LastUpdated: stamp(-730)},
			{ID: SmallLineWithoutPrice, AgreementID: 3003, ProductID: 901, Quantity: "3", BillCustomer: "Billable", EffectiveDate: day(-10), LastUpdated: stamp(-10)},
			{ID: SmallLineNoCharge, AgreementID: 3002, ProductID: 903, Quantity: "8", UnitPrice: "0", UnitCost: "2.50", BillCustomer: "NoCharge", EffectiveDate: day(-40), LastUpdated: stamp(-40)},
		},
		GeneratedAt: now,
	}
}

// Quantity is a helper for tests: n as the world writes a quantity.
func Quantity(n int) json.Number { return json.Number(normNumber(float64(n))) }
