package atfake

import (
	"encoding/json"
	"strconv"
	"time"
)

// The contract services of SmallWorldAt that tests and the conformance
// suite name.
const (
	SmallLineM365            = 701 // 10 units, live
	SmallLineWritable        = 702 // 5 units, live, whole: the one writes change
	SmallLineNotBilled       = 703 // priced at 0: not billed
	SmallLineCancelled       = 704 // 3 units until twenty days ago, 0 since
	SmallLineNotYetEffective = 705 // units only from next month
	SmallLineOtherContract   = 706 // the same customer on a yearly contract
	SmallLineFractional      = 707 // 2.5 units
	SmallLineOldPrice        = 708 // 7 units, unitPrice "4.8", no adjusted price
	SmallLineWithoutPrice    = 709 // no price, no cost
	SmallLineOnCancelled     = 710 // on an inactive contract
	SmallLineOnExpired       = 711 // on a contract that ended a month ago
	SmallLineLongAgo         = 712 // on a contract that ended two years ago: not read
	SmallLineTimeAndMat      = 713 // on a time-and-materials contract: not read
)

// The companies and contracts of SmallWorldAt tests name.
const (
	SmallCompanyContoso   = 101 // customer, web address and tenant id, two contracts
	SmallCompanyFabrikam  = 102 // customer, web address only
	SmallCompanyNorthwind = 103 // inactive, an inactive contract
	SmallCompanyProspect  = 104 // a prospect named like Contoso
	SmallCompanyVendor    = 105 // a vendor
	SmallCompanyAdatum    = 106 // a partner with an expired contract
	SmallCompanyTailspin  = 107 // dead
	SmallCompanyLead      = 108 // a lead

	SmallContractContoso       = 501 // monthly, in effect
	SmallContractContosoYearly = 502 // yearly, in effect
	SmallContractFabrikam      = 503
	SmallContractNorthwind     = 504 // inactive
	SmallContractAdatum        = 505 // ended a month ago
	SmallContractLongAgo       = 506 // ended two years ago
	SmallContractTimeAndMat    = 507 // time and materials
)

// SmallWorldTenant is the tenant id Contoso keeps in its user-defined field.
const SmallWorldTenant = "6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b10"

// SmallWorldAt returns a small world with every case the conformance suite
// asks for, dated around now: companies of every type (one inactive), a
// catalogue with monthly and yearly services, an inactive one and one
// without a price; contract services that are live, priced at 0, cut to 0
// units, starting next month, fractional, without a price, on an inactive
// contract and on an expired one; history older than a year and a
// time-and-materials contract that a client should not read. Units rows
// run per month, as Autotask keeps them, and one row was split by an
// adjustment.
func SmallWorldAt(now time.Time) *World {
	now = now.UTC().Truncate(time.Second)
	today := day(now)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	w := &World{
		UserName:        "seats-api@seatsdemo.example",
		Secret:          "S3cret-never-in-logs-*9Kq",
		IntegrationCode: "SEATSDEMOINTEGRATIONCODE27X",
		ZoneName:        "America East 2",
		Currency:        "USD",
		CompanyTypes:    DefaultCompanyTypes(),
		PeriodTypes:     DefaultPeriodTypes(),
		NextID:          900000,
		GeneratedAt:     now,
		Companies: []Company{
			{ID: SmallCompanyContoso, Name: "Contoso Ltd", Number: "C-0101", Type: 1, Active: true, WebAddress: "https://www.Contoso.com/", TenantID: SmallWorldTenant},
			{ID: SmallCompanyFabrikam, Name: "Fabrikam, Inc.", Type: 1, Active: true, WebAddress: "fabrikam.com"},
			{ID: SmallCompanyNorthwind, Name: "Northwind Traders", Type: 1, Active: false},
			{ID: SmallCompanyProspect, Name: "Contoso Group", Type: 3, Active: true, WebAddress: "contosogroup.example"},
			{ID: SmallCompanyVendor, Name: "Ingram Micro", Type: 7, Active: true, WebAddress: "www.ingrammicro.com"},
			{ID: SmallCompanyAdatum, Name: "Adatum Corporation", Type: 8, Active: true, WebAddress: "not a website"},
			{ID: SmallCompanyTailspin, Name: "Tailspin Toys", Type: 4, Active: false},
			{ID: SmallCompanyLead, Name: "Litware", Type: 2, Active: true},
		},
		Services: []Service{
			{ID: 301, Name: "Microsoft 365 Business Premium (Monthly)", SKU: "M365BP-M", VendorProductNumber: "SPB", UnitPrice: "26.40", UnitCost: "22.00", PeriodType: PeriodMonthly, Active: true},
			{ID: 302, Name: "Microsoft 365 Business Premium (Annual)", SKU: "M365BP-A", PartNumber: "SPB", UnitPrice: "316.80", UnitCost: "264.00", PeriodType: PeriodYearly, Active: true},
			{ID: 303, Name: "Exchange Online (Plan 1)", SKU: "EXO1-M", VendorProductNumber: "EXCHANGESTANDARD", UnitPrice: "4.80", UnitCost: "4.00", PeriodType: PeriodMonthly, Active: true},
			{ID: 304, Name: "Cloud backup per user", Description: "Backup of mail and OneDrive", UnitPrice: "5.00", UnitCost: "2.50", PeriodType: PeriodMonthly, Active: true},
			{ID: 305, Name: "Office 365 E3 (legacy)", VendorProductNumber: "ENTERPRISEPACK", UnitPrice: "23.005", PeriodType: PeriodMonthly, Active: false},
			{ID: 306, Name: "Microsoft Defender for Business", SKU: "MDB-M", PartNumber: "MDE_SMB", UnitPrice: "3.60", UnitCost: "3.00", PeriodType: PeriodMonthly, Active: true},
			{ID: 307, Name: "Entra ID P1", SKU: "AADP1-Q", UnitPrice: "18.00", UnitCost: "15.00", PeriodType: PeriodQuarterly, Active: true},
			{ID: 308, Name: "Project work, quoted", Active: true},
		},
		Contracts: []Contract{
			{ID: SmallContractContoso, CompanyID: SmallCompanyContoso, Name: "Contoso Managed Services", Type: ContractTypeRecurring, Status: ContractStatusActive,
				StartDate: month.AddDate(0, -2, 0), EndDate: month.AddDate(1, -2, -1), PeriodType: PeriodMonthly},
			{ID: SmallContractContosoYearly, CompanyID: SmallCompanyContoso, Name: "Contoso Microsoft Annual", Type: ContractTypeRecurring, Status: ContractStatusActive,
				StartDate: month.AddDate(0, -1, 0), EndDate: month.AddDate(1, -1, -1), PeriodType: PeriodYearly},
			{ID: SmallContractFabrikam, CompanyID: SmallCompanyFabrikam, Name: "Fabrikam MSA", Type: ContractTypeRecurring, Status: ContractStatusActive,
				StartDate: month.AddDate(0, -6, 0), EndDate: month.AddDate(1, -6, -1), PeriodType: PeriodMonthly},
			{ID: SmallContractNorthwind, CompanyID: SmallCompanyNorthwind, Name: "Northwind Managed Services", Type: ContractTypeRecurring, Status: ContractStatusInactive,
				StartDate: month.AddDate(0, -8, 0), EndDate: month.AddDate(1, -8, -1), PeriodType: PeriodMonthly},
			{ID: SmallContractAdatum, CompanyID: SmallCompanyAdatum, Name: "Adatum 2025", Type: ContractTypeRecurring, Status: ContractStatusActive,
				StartDate: today.AddDate(-1, 0, -30), EndDate: today.AddDate(0, 0, -31), PeriodType: PeriodMonthly},
			{ID: SmallContractLongAgo, CompanyID: SmallCompanyFabrikam, Name: "Fabrikam (old)", Type: ContractTypeRecurring, Status: ContractStatusActive,
				StartDate: today.AddDate(-3, 0, 0), EndDate: today.AddDate(-2, 0, -1), PeriodType: PeriodMonthly, RenewedContractID: SmallContractFabrikam},
			{ID: SmallContractTimeAndMat, CompanyID: SmallCompanyContoso, Name: "Contoso T&M", Type: ContractTypeTimeMat, Status: ContractStatusActive,
				StartDate: month.AddDate(0, -2, 0), EndDate: month.AddDate(1, -2, -1)},
		},
		ContractServices: []ContractService{
			{ID: SmallLineM365, ContractID: SmallContractContoso, ServiceID: 301, UnitPrice: "26.40", UnitCost: "22.00"},
			{ID: SmallLineWritable, ContractID: SmallContractContoso, ServiceID: 303, UnitPrice: "4.80", UnitCost: "4.00", InvoiceDescription: "Exchange Online (Plan 1)"},
			{ID: SmallLineNotBilled, ContractID: SmallContractContoso, ServiceID: 304, UnitPrice: "5.00", UnitCost: "2.50", AdjustedPrice: "0"},
			{ID: SmallLineCancelled, ContractID: SmallContractContoso, ServiceID: 307, UnitPrice: "18.00", UnitCost: "15.00"},
			{ID: SmallLineNotYetEffective, ContractID: SmallContractContoso, ServiceID: 306, UnitPrice: "3.60", UnitCost: "3.00"},
			{ID: SmallLineOtherContract, ContractID: SmallContractContosoYearly, ServiceID: 302, UnitPrice: "316.80", UnitCost: "264.00", AdjustedPrice: "300.00"},
			{ID: SmallLineFractional, ContractID: SmallContractFabrikam, ServiceID: 301, UnitPrice: "26.40", UnitCost: "22.00"},
			{ID: SmallLineOldPrice, ContractID: SmallContractFabrikam, ServiceID: 303, UnitPrice: "4.8", UnitCost: "4"},
			{ID: SmallLineWithoutPrice, ContractID: SmallContractFabrikam, ServiceID: 308},
			{ID: SmallLineOnCancelled, ContractID: SmallContractNorthwind, ServiceID: 301, UnitPrice: "26.40", UnitCost: "22.00"},
			{ID: SmallLineOnExpired, ContractID: SmallContractAdatum, ServiceID: 303, UnitPrice: "4.80", UnitCost: "4.00"},
			{ID: SmallLineLongAgo, ContractID: SmallContractLongAgo, ServiceID: 301, UnitPrice: "20.00", UnitCost: "18.00"},
		},
	}
	next := 8000
	rows := func(csID int, from time.Time, units string) {
		var cs ContractService
		for _, c := range w.ContractServices {
			if c.ID == csID {
				cs = c
			}
		}
		var k Contract
		for _, c := range w.Contracts {
			if c.ID == cs.ContractID {
				k = c
			}
		}
		w.Units = append(w.Units, periodRows(&next, k, cs, from, json.Number(units))...)
	}
	rows(SmallLineM365, time.Time{}, "10")
	rows(SmallLineWritable, time.Time{}, "5")
	rows(SmallLineNotBilled, time.Time{}, "12")
	rows(SmallLineCancelled, time.Time{}, "3")
	rows(SmallLineNotYetEffective, month.AddDate(0, 1, 0), "4")
	rows(SmallLineOtherContract, time.Time{}, "8")
	rows(SmallLineFractional, time.Time{}, "2.5")
	rows(SmallLineOldPrice, time.Time{}, "7")
	rows(SmallLineWithoutPrice, time.Time{}, "3")
	rows(SmallLineOnCancelled, time.Time{}, "6")
	rows(SmallLineOnExpired, time.Time{}, "2")
	rows(SmallLineLongAgo, time.Time{}, "9")
	// The Entra ID seats were cut to none twenty days ago, by an
	// adjustment as Autotask records it.
	s := &Server{w: w, opts: Options{Now: func() time.Time { return now.AddDate(0, 0, -20) }}}
	cs, _ := s.contractService(SmallLineCancelled)
	if err := s.adjust(cs, today.AddDate(0, 0, -20), -3, "msp.admin", false); err != nil {
		panic("atfake: SmallWorldAt: " + err.Error())
	}
	return w
}

// periodRows are the units rows of a contract service from from (the
// contract's start when zero) to the contract's end, one per billing
// period: a month, a quarter or a year as the contract's period type says.
func periodRows(next *int, k Contract, cs ContractService, from time.Time, units json.Number) []ServiceUnits {
	step := 1
	switch k.PeriodType {
	case PeriodQuarterly:
		step = 3
	case PeriodYearly:
		step = 12
	}
	start := day(k.StartDate)
	if !from.IsZero() {
		start = day(from)
	}
	var out []ServiceUnits
	for d := start; !d.After(day(k.EndDate)); d = d.AddDate(0, step, 0) {
		end := d.AddDate(0, step, -1)
		if end.After(day(k.EndDate)) {
			end = day(k.EndDate)
		}
		out = append(out, ServiceUnits{ID: *next, ContractID: k.ID, ContractServiceID: cs.ID, ServiceID: cs.ServiceID,
			StartDate: d, EndDate: end, Units: units, Price: cs.UnitPrice, Cost: cs.UnitCost})
		*next++
	}
	return out
}

// Units is a helper for tests: n as the world writes units.
func Units(n int) json.Number { return json.Number(strconv.Itoa(n)) }
