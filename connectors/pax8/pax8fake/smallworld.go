package pax8fake

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// The small world's client credentials (made up for tests).
const (
	SmallClientID     = "small-world-pax8-app"
	SmallClientSecret = "small-world-secret-not-a-real-one"
)

// The small world's subscriptions that each stand for one case, by id;
// tests pick them by these names.
const (
	SmallSubAnnual        = "5a000001-0000-4000-8000-000000000001" // Business Premium, 1-Year commitment billed monthly, ids on the detail only
	SmallSubMonthly       = "5a000001-0000-4000-8000-000000000002" // Business Premium, no commitment, ids on the list too, offset dates
	SmallSubNonMicrosoft  = "5a000001-0000-4000-8000-000000000003" // Acronis, date-only dates
	SmallSubPendingCancel = "5a000001-0000-4000-8000-000000000004" // 3-Year billed annually, ends soon
	SmallSubTrial         = "5a000001-0000-4000-8000-000000000005" // no price at all
	SmallSubCancelled     = "5a000001-0000-4000-8000-000000000006"
	SmallSubUnknownStatus = "5a000001-0000-4000-8000-000000000007" // status "Frozen"
	SmallSubUnknownTerm   = "5a000001-0000-4000-8000-000000000008" // commitment "2-Year"
	SmallSubFractional    = "5a000001-0000-4000-8000-000000000009" // quantity 2.5
	SmallSubSuspended     = "5a000001-0000-4000-8000-00000000000a"
	SmallSubNoCost        = "5a000001-0000-4000-8000-00000000000b" // price without partnerCost
)

// SmallWorld builds the small test world as of now: see SmallWorldAt.
func SmallWorld() *World { return SmallWorldAt(time.Now()) }

// SmallWorldAt builds a small deterministic world with its dates relative
// to now: five companies (a tenant id as externalId in upper case, a PSA id,
// neither, an inactive and a deleted one), four products (three Microsoft,
// one Acronis) and eleven subscriptions, one per case in the SmallSub*
// constants, with every date style. Tiny pages (Options.PageSize 2) make
// every list page.
func SmallWorldAt(now time.Time) *World {
	day := now.UTC().Truncate(24 * time.Hour)
	at := func(days int, hour, min, sec, ms int) time.Time {
		return day.AddDate(0, 0, days).Add(time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute +
			time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond)
	}
	id := func(kind string, n int) string { return smallGUID(kind, n) }

	companies := []Company{
		{ID: id("company", 1), Name: "Fabrikam Dental, LLC", Website: "https://www.FabrikamDental.com/contact", ExternalID: "2F6E4C1A-9B3D-4E5F-8A7B-6C5D4E3F2A1B",
			Status: "Active", City: "Denver", Country: "US", UpdatedDate: at(-30, 11, 33, 12, 314)},
		{ID: id("company", 2), Name: "Adatum Legal", Website: "adatumlegal.onmicrosoft.com", ExternalID: "CW-1042",
			Status: "Active", City: "Boulder", Country: "US", UpdatedDate: at(-3, 8, 0, 0, 0)},
		{ID: id("company", 3), Name: "TAILSPIN BAKERY INC.", Status: "Active", Country: "US", UpdatedDate: at(-400, 23, 59, 59, 999)},
		{ID: id("company", 4), Name: "Woodgrove Florists", Website: "not yet", Status: "Inactive", Country: "CA"},
		{ID: id("company", 5), Name: "Litware Accounting", ExternalID: "{5C1B2A3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}", Status: "Deleted", Country: "US"},
	}
	products := []Product{
		{ID: id("product", 1), Name: "Microsoft 365 Business Premium", VendorName: "Microsoft", SKU: "MST-NCE-SPB-C", VendorSKU: "CFQ7TTC0LCHC:0002"},
		{ID: id("product", 2), Name: "Microsoft 365 Business Standard", VendorName: "Microsoft", SKU: "MST-NCE-BSTD-C", VendorSKU: "CFQ7TTC0LDPB:0001"},
		{ID: id("product", 3), Name: "Exchange Online (Plan 1)", VendorName: "Microsoft", SKU: "MST-NCE-EXO1-C", VendorSKU: "CFQ7TTC0LH16:0001"},
		{ID: id("product", 4), Name: "Acronis Cyber Protect Cloud", VendorName: "Acronis", SKU: "ACR-CPC-WKS"},
	}
	fab, ada, tail, wood := companies[0].ID, companies[1].ID, companies[2].ID, companies[3].ID
	bp, bs, exo, acr := products[0].ID, products[1].ID, products[2].ID, products[3].ID
	commit := func(n int, term string, end time.Time) *Commitment {
		return &Commitment{ID: id("commitment", n), Term: term, EndDate: end}
	}
	msID := func(n int) string { return id("commerce", n) }
	subs := []Subscription{
		{ID: SmallSubAnnual, CompanyID: fab, ProductID: bp, VendorSubscriptionID: msID(1), VendorSkuID: msfake.SkuBusinessPremium,
			Quantity: "12", Status: "Active", BillingTerm: "Monthly", Commitment: commit(1, "1-Year", at(200, 0, 0, 0, 0)),
			Price: "26.40", PartnerCost: "22.00", CurrencyCode: "USD", StartDate: at(-165, 8, 30, 0, 0), CreatedDate: at(-166, 13, 20, 13, 153)},
		{ID: SmallSubMonthly, CompanyID: fab, ProductID: bp, VendorSubscriptionID: msID(2), VendorSkuID: msfake.SkuBusinessPremium, ListedWithVendorIDs: true,
			Quantity: "3", Status: "Active", BillingTerm: "Monthly",
			Price: "31.68", PartnerCost: "26.40", CurrencyCode: "USD", StartDate: at(-40, 17, 33, 12, 314), DateStyle: DateOffset},
		{ID: SmallSubNonMicrosoft, CompanyID: fab, ProductID: acr, VendorSubscriptionID: "ACR-7781-22", Quantity: "12", Status: "Active",
			BillingTerm: "Monthly", Price: "110", PartnerCost: "85.5", CurrencyCode: "USD", StartDate: at(-700, 0, 0, 0, 0), DateStyle: DateOnly},
		{ID: SmallSubPendingCancel, CompanyID: ada, ProductID: bs, VendorSubscriptionID: msID(4), VendorSkuID: msfake.SkuBusinessStandard,
			Quantity: "7", Status: "PendingCancel", BillingTerm: "Annual", Commitment: commit(4, "3-Year", at(20, 6, 0, 0, 0)),
			Price: "162.00", PartnerCost: "135.00", CurrencyCode: "USD", StartDate: at(-1075, 6, 0, 0, 0), EndDate: at(20, 6, 0, 0, 0), DateStyle: DateOffset},
		{ID: SmallSubTrial, CompanyID: ada, ProductID: exo, VendorSubscriptionID: msID(5), VendorSkuID: msfake.SkuExchangePlan1,
			Quantity: "25", Status: "Trial", BillingTerm: "Trial", StartDate: at(-10, 0, 0, 0, 0), EndDate: at(20, 0, 0, 0, 0), DateStyle: DateOnly},
		{ID: SmallSubCancelled, CompanyID: tail, ProductID: bp, VendorSubscriptionID: msID(6), VendorSkuID: msfake.SkuBusinessPremium,
			Quantity: "4", Status: "Cancelled", BillingTerm: "Monthly", Price: "26.40", PartnerCost: "22.00", CurrencyCode: "USD",
			StartDate: at(-500, 9, 0, 0, 0), EndDate: at(-60, 9, 0, 0, 0)},
		{ID: SmallSubUnknownStatus, CompanyID: tail, ProductID: exo, VendorSubscriptionID: msID(7), VendorSkuID: msfake.SkuExchangePlan1,
			Quantity: "9", Status: "Frozen", BillingTerm: "Monthly", Price: "4.80", PartnerCost: "4.00", CurrencyCode: "USD", StartDate: at(-90, 12, 0, 0, 0)},
		{ID: SmallSubUnknownTerm, CompanyID: tail, ProductID: bs, VendorSubscriptionID: msID(8), VendorSkuID: msfake.SkuBusinessStandard,
			Quantity: "6", Status: "Active", BillingTerm: "2-Year", Commitment: commit(8, "2-Year", at(300, 0, 0, 0, 0)),
			Price: "300", PartnerCost: "250", CurrencyCode: "EUR", StartDate: at(-430, 0, 0, 0, 0), DateStyle: DateOffset},
		{ID: SmallSubFractional, CompanyID: wood, ProductID: bp, VendorSubscriptionID: msID(9), VendorSkuID: msfake.SkuBusinessPremium,
			Quantity: "2.5", Status: "Active", BillingTerm: "Monthly", Commitment: commit(9, "1-Year", at(100, 0, 0, 0, 0)),
			Price: "26.40", PartnerCost: "22.00", CurrencyCode: "USD", StartDate: at(-265, 0, 0, 0, 0), DateStyle: DateOnly},
		{ID: SmallSubSuspended, CompanyID: wood, ProductID: exo, VendorSubscriptionID: msID(10), VendorSkuID: msfake.SkuExchangePlan1,
			Quantity: "2", Status: "Suspended", BillingTerm: "Monthly", Price: "4.80", PartnerCost: "4.00", CurrencyCode: "CAD", StartDate: at(-30, 0, 0, 0, 0)},
		{ID: SmallSubNoCost, CompanyID: fab, ProductID: exo, VendorSubscriptionID: msID(11), VendorSkuID: msfake.SkuExchangePlan1,
			Quantity: "5", Status: "PendingAutomated", BillingTerm: "Monthly", Price: "4.80", CurrencyCode: "USD", StartDate: at(1, 8, 30, 0, 0)},
	}
	key := sha256.Sum256([]byte("pax8fake small world"))
	return &World{
		ClientID:      SmallClientID,
		ClientSecret:  SmallClientSecret,
		SigningKey:    key[:],
		Companies:     companies,
		Products:      products,
		Subscriptions: subs,
		GeneratedAt:   day,
	}
}

// smallGUID is a fixed v4-shaped GUID for the small world's kind and number.
func smallGUID(kind string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("pax8fake small %s %d", kind, n)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// mustNumber is a json.Number from an int, for generated quantities.
func mustNumber(n int) json.Number { return json.Number(fmt.Sprint(n)) }
