package sherwebfake

import (
	"crypto/sha256"
	"fmt"
	"time"
)

// The small world's credentials (made up for tests).
const (
	SmallClientID        = "small-world-sherweb-client"
	SmallClientSecret    = "small-world-secret-not-a-real-one"
	SmallSubscriptionKey = "small-world-subscription-key-0000"
)

// The small world's subscriptions that each stand for one case, by id.
const (
	SmallSubAnnual        = "5b000001-0000-4000-8000-000000000001" // Business Premium, Annual renewing, billed monthly, 7-digit dates
	SmallSubMonthly       = "5b000001-0000-4000-8000-000000000002" // Business Premium, no commitment, "Z" dates; same SKU as Annual, other quantity and cost
	SmallSubNonMicrosoft  = "5b000001-0000-4000-8000-000000000003" // Acronis, date-only dates
	SmallSubPendingCancel = "5b000001-0000-4000-8000-000000000004" // Triennial without renewal: ends with its term
	SmallSubTrial         = "5b000001-0000-4000-8000-000000000005" // status "Trial", no fees, no charge
	SmallSubUnknownStatus = "5b000001-0000-4000-8000-000000000006" // status "Frozen"
	SmallSubUnknownTerm   = "5b000001-0000-4000-8000-000000000007" // Biennial commitment, billed yearly
	SmallSubFractional    = "5b000001-0000-4000-8000-000000000008" // quantity 2.5
	SmallSubSuspended     = "5b000001-0000-4000-8000-000000000009" // of the suspended customer
	SmallSubNoCost        = "5b000001-0000-4000-8000-00000000000a" // fees but no payable charge
	SmallSubWeekly        = "5b000001-0000-4000-8000-00000000000b" // billingCycle "weekly", setup fee
)

// SmallWorld builds the small test world as of now: see SmallWorldAt.
func SmallWorld() *World { return SmallWorldAt(time.Now()) }

// SmallWorldAt builds a small deterministic world with its dates relative
// to now: four customers (one suspended, one with trailing spaces in its
// name) and eleven subscriptions, one per SmallSub* case, in every date
// style, with a payable charge for each one that has a cost.
func SmallWorldAt(now time.Time) *World {
	day := now.UTC().Truncate(24 * time.Hour)
	at := func(days int, hour, min, sec int, frac time.Duration) time.Time {
		return day.AddDate(0, 0, days).Add(time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute + time.Duration(sec)*time.Second + frac)
	}
	customers := []Customer{
		{ID: smallGUID("customer", 1), DisplayName: "Fabrikam Dental, LLC", Path: []string{"Fabrikam Dental, LLC"}, Domain: "fabrikamdental.com", TenantID: "2f6e4c1a-9b3d-4e5f-8a7b-6c5d4e3f2a1b"},
		{ID: smallGUID("customer", 2), DisplayName: "Adatum Legal", Path: []string{"Adatum Legal"}},
		{ID: smallGUID("customer", 3), DisplayName: "TAILSPIN BAKERY INC.", Path: []string{"TAILSPIN BAKERY INC."}},
		{ID: smallGUID("customer", 4), DisplayName: "Woodgrove Florists", Path: []string{"Woodgrove Florists"}, SuspendedOn: at(-12, 20, 30, 5, 7613888*100)},
	}
	fab, ada, tail, wood := customers[0].ID, customers[1].ID, customers[2].ID, customers[3].ID
	usd := func(fee string) *Fees { return &Fees{RecurringFee: jsonNum(fee), Currency: "USD"} }
	cost := func(net, cur string) *Cost { return &Cost{NetPrice: jsonNum(net), Currency: cur} }
	subs := []Subscription{
		{ID: SmallSubAnnual, CustomerID: fab, ProductName: "Microsoft 365 Business Premium", SKU: "MST-365-BP-NCE-P1Y", Vendor: "Microsoft",
			Quantity: "12", BillingCycle: "monthly", PurchaseDate: at(-165, 20, 27, 5, 7613888*100), Fees: usd("26.40"), Cost: cost("22.00", "USD"),
			Commitment: &Commitment{Type: "Annual", TermEndDate: at(200, 0, 0, 0, 0), Renews: true, RenewalDate: at(200, 0, 0, 0, 0)}},
		{ID: SmallSubMonthly, CustomerID: fab, ProductName: "Microsoft 365 Business Premium", SKU: "MST-365-BP-NCE-P1Y", Vendor: "Microsoft",
			Quantity: "3", BillingCycle: "monthly", PurchaseDate: at(-40, 17, 33, 12, 3140000*100), Fees: usd("31.68"), Cost: cost("26.40", "USD"), DateStyle: DateZulu},
		{ID: SmallSubNonMicrosoft, CustomerID: fab, ProductName: "Acronis Cyber Protect Cloud", SKU: "ACR-CPC-WKS", Vendor: "Acronis",
			Quantity: "12", BillingCycle: "Monthly", PurchaseDate: at(-700, 0, 0, 0, 0), Fees: usd("110"), Cost: cost("85.5", "USD"), DateStyle: DateOnly},
		{ID: SmallSubPendingCancel, CustomerID: ada, ProductName: "Microsoft 365 Business Standard", SKU: "MST-365-BS-NCE-P3Y", Vendor: "Microsoft",
			Quantity: "7", BillingCycle: "yearly", PurchaseDate: at(-1075, 6, 0, 0, 0), Fees: usd("162.00"), Cost: cost("135.00", "USD"),
			Commitment: &Commitment{Type: "Triennial", TermEndDate: at(20, 0, 0, 0, 0)}},
		{ID: SmallSubTrial, CustomerID: ada, ProductName: "Exchange Online (Plan 1)", SKU: "MST-EXO1-TRIAL", Vendor: "Microsoft",
			Quantity: "25", BillingCycle: "none", Status: "Trial", PurchaseDate: at(-10, 0, 0, 0, 0), DateStyle: DateOnly},
		{ID: SmallSubUnknownStatus, CustomerID: tail, ProductName: "Exchange Online (Plan 1)", SKU: "MST-EXO1-NCE-P1M", Vendor: "Microsoft",
			Quantity: "9", BillingCycle: "monthly", Status: "Frozen", PurchaseDate: at(-90, 12, 0, 0, 0), Fees: usd("4.80"), Cost: cost("4.00", "USD"),
			Commitment: &Commitment{Type: "Monthly", TermEndDate: at(10, 0, 0, 0, 0), Renews: true, RenewalDate: at(10, 0, 0, 0, 0)}},
		{ID: SmallSubUnknownTerm, CustomerID: tail, ProductName: "Microsoft 365 Business Standard", SKU: "MST-365-BS-P2Y", Vendor: "Microsoft",
			Quantity: "6", BillingCycle: "yearly", PurchaseDate: at(-430, 0, 0, 0, 0), Fees: &Fees{RecurringFee: "300", Currency: "EUR"}, Cost: cost("250", "EUR"), DateStyle: DateZulu,
			Commitment: &Commitment{Type: "Biennial", TermEndDate: at(300, 0, 0, 0, 0), Renews: true, RenewalDate: at(300, 0, 0, 0, 0)}},
		{ID: SmallSubFractional, CustomerID: tail, ProductName: "Microsoft 365 Business Premium", SKU: "MST-365-BP-NCE-P1Y", Vendor: "Microsoft",
			Quantity: "2.5", BillingCycle: "monthly", PurchaseDate: at(-265, 0, 0, 0, 0), Fees: usd("26.40"), Cost: cost("22.00", "USD"), DateStyle: DateOnly,
			Commitment: &Commitment{Type: "ANNUAL", TermEndDate: at(100, 0, 0, 0, 0), Renews: true, RenewalDate: at(100, 0, 0, 0, 0)}},
		{ID: SmallSubSuspended, CustomerID: wood, ProductName: "Exchange Online (Plan 1)", SKU: "MST-EXO1-NCE-P1M", Vendor: "Microsoft",
			Quantity: "2", BillingCycle: "monthly", PurchaseDate: at(-30, 0, 0, 0, 0), Fees: &Fees{RecurringFee: "4.80", Currency: "CAD"}, Cost: cost("4.00", "CAD")},
		{ID: SmallSubNoCost, CustomerID: fab, ProductName: "Exchange Online (Plan 1)", SKU: "MST-EXO1-NCE-P1M", Vendor: "Microsoft",
			Quantity: "5", BillingCycle: "monthly", PurchaseDate: at(-1, 8, 30, 0, 0), Fees: usd("4.80")},
		{ID: SmallSubWeekly, CustomerID: ada, ProductName: "Dropbox Business Advanced", SKU: "DBX-BUS-ADV", Vendor: "Dropbox",
			Quantity: "4", BillingCycle: "weekly", PurchaseDate: at(-50, 9, 15, 0, 0), Fees: &Fees{RecurringFee: "5.00", SetupFee: "25.00", Currency: "USD"},
			Cost: cost("3.75", "USD"), DateStyle: DateZulu},
	}
	key := sha256.Sum256([]byte("sherwebfake small world"))
	return &World{
		ClientID:        SmallClientID,
		ClientSecret:    SmallClientSecret,
		SubscriptionKey: SmallSubscriptionKey,
		SigningKey:      key[:],
		Customers:       customers,
		Subscriptions:   subs,
		GeneratedAt:     day,
	}
}

// smallGUID is a fixed v4-shaped GUID for the small world's kind and number.
func smallGUID(kind string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("sherwebfake small %s %d", kind, n)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
