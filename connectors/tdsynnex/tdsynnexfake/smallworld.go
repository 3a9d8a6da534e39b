package tdsynnexfake

import (
	"crypto/sha256"
	"fmt"
	"time"
)

// The small world's credentials (made up for tests).
const (
	SmallAccountID    = "100042"
	SmallRefreshToken = "small-world-ion-refresh-token-not-a-real-one"
)

// The small world's subscriptions that each stand for one case, by id;
// tests pick them by these names.
const (
	SmallSubAnnual        = "sub-0001" // Business Premium, P1Y billed monthly, renews; cloudProviderName given
	SmallSubMonthly       = "sub-0002" // Business Premium, P1M, microsecond dates
	SmallSubNonMicrosoft  = "sub-0003" // Acronis, date-only dates
	SmallSubNotRenewing   = "sub-0004" // Business Standard, P3Y billed annually, auto-renew off: ends
	SmallSubTrial         = "sub-0005" // Exchange trial: no price at all
	SmallSubCancelled     = "sub-0006" // cancelled, with its end date
	SmallSubUnknownStatus = "sub-0007" // status "on_hold"
	SmallSubUnknownTerm   = "sub-0008" // billing term "P2Y"
	SmallSubFractional    = "sub-0009" // quantity 2.5
	SmallSubSuspended     = "sub-000a" // SUSPENDED, CAD
	SmallSubTotalLicense  = "sub-000b" // the seat count as totalLicense; term and cycle only in mfgPartNumber
	SmallSubPending       = "sub-000c" // IN_PROGRESS, cost without price
)

// The small world's customers.
const (
	SmallCustomerFabrikam  = "cust-1001" // a Microsoft cloud profile with the tenant id (upper case)
	SmallCustomerAdatum    = "cust-1002" // an AWS profile only; a gmail contact
	SmallCustomerTailspin  = "cust-1003" // no cloud profiles at all
	SmallCustomerWoodgrove = "cust-1004" // INACTIVE; its Microsoft profile has no tenant id yet
	SmallCustomerLitware   = "cust-1005" // DELETED, no organization name; an inactive profile then the live one
)

// SmallWorld builds the small test world as of now: see SmallWorldAt.
func SmallWorld() *World { return SmallWorldAt(time.Now()) }

// SmallWorldAt builds a small deterministic world with its dates relative
// to now: five customers (a tenant id in a Microsoft cloud profile, an AWS
// profile only, none, an inactive and a deleted one) and twelve
// subscriptions, one per case in the SmallSub* constants, with every date
// style. Tiny pages (Options.PageSize 2) make every list page.
func SmallWorldAt(now time.Time) *World {
	day := now.UTC().Truncate(24 * time.Hour)
	at := func(days int, hour, min, sec, micros int) time.Time {
		return day.AddDate(0, 0, days).Add(time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute +
			time.Duration(sec)*time.Second + time.Duration(micros)*time.Microsecond)
	}
	customers := []Customer{
		{ID: SmallCustomerFabrikam, Organization: "Fabrikam Dental, LLC", ContactName: "Dana Ruiz", Email: "Dana.Ruiz@FabrikamDental.com", Status: "ACTIVE",
			CloudProfiles: []CloudProfile{{ProfileID: "prof-1", Vendor: "MICROSOFT", TenantID: "2F6E4C1A-9B3D-4E5F-8A7B-6C5D4E3F2A1B", Status: "ACTIVE"}},
			CreateTime:    at(-400, 9, 0, 0, 123456)},
		{ID: SmallCustomerAdatum, Organization: "Adatum Legal", ContactName: "Sam Lee", Email: "adatum.legal@gmail.com", Status: "ACTIVE",
			CloudProfiles: []CloudProfile{{ProfileID: "prof-2", Vendor: "AWS", TenantID: "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", Status: "ACTIVE"}}},
		{ID: SmallCustomerTailspin, Organization: "TAILSPIN BAKERY INC.", ContactName: "Kim Obi", Email: "admin@tailspinbakery.com", Status: "ACTIVE"},
		{ID: SmallCustomerWoodgrove, Organization: "Woodgrove Florists", ContactName: "Jo Park", Email: "jo@woodgrove-florists.ca", Status: "INACTIVE",
			CloudProfiles: []CloudProfile{{ProfileID: "prof-4", Vendor: "MICROSOFT", TenantID: "pending", Status: "PENDING"}}},
		{ID: SmallCustomerLitware, ContactName: "Alex Moreau", Status: "DELETED",
			CloudProfiles: []CloudProfile{
				{ProfileID: "prof-5a", Vendor: "MICROSOFT", TenantID: "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", Status: "INACTIVE"},
				{ProfileID: "prof-5b", Vendor: "Microsoft", TenantID: "{5C1B2A3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}", Status: "ACTIVE"},
			}},
	}
	bp := func(s Subscription) Subscription {
		s.ProductID, s.SkuID, s.CCPProductID = "CFQ7TTC0LCHC", "0002", "ccp-bp"
		s.ProductDisplayName, s.SkuDisplayName, s.Name = "Microsoft 365 Business Premium", "Microsoft 365 Business Premium", "Microsoft 365 Business Premium"
		s.ProviderID = "1"
		return s
	}
	bs := func(s Subscription) Subscription {
		s.ProductID, s.SkuID, s.CCPProductID = "CFQ7TTC0LDPB", "0001", "ccp-bs"
		s.ProductDisplayName, s.SkuDisplayName, s.Name = "Microsoft 365 Business Standard", "Microsoft 365 Business Standard", "Microsoft 365 Business Standard"
		s.ProviderID = "1"
		return s
	}
	exo := func(s Subscription) Subscription {
		s.ProductID, s.SkuID, s.CCPProductID = "CFQ7TTC0LH16", "0001", "ccp-exo"
		s.ProductDisplayName, s.SkuDisplayName, s.Name = "Exchange Online (Plan 1)", "Exchange Online (Plan 1)", "Exchange Online (Plan 1)"
		s.ProviderID = "1"
		return s
	}
	ms := func(n int) string { return smallGUID("commerce", n) }
	subs := []Subscription{
		bp(Subscription{ID: SmallSubAnnual, CustomerID: SmallCustomerFabrikam, ProviderName: "Microsoft", ProviderSubscriptionID: ms(1),
			MfgPartNumber: "CFQ7TTC0LCHC:0002:P1Y:M", Status: "active", BillingCycle: "monthly", BillingTerm: "P1Y", AutoRenew: true,
			Quantity: "12", Price: "26.40", Cost: "22.00", Currency: "USD",
			StartDate: at(-165, 8, 30, 0, 0), EndDate: at(200, 0, 0, 0, 0), RenewalDate: at(200, 0, 0, 0, 0)}),
		bp(Subscription{ID: SmallSubMonthly, CustomerID: SmallCustomerFabrikam, ProviderSubscriptionID: ms(2),
			MfgPartNumber: "CFQ7TTC0LCHC:0002:P1M:M", Status: "active", BillingCycle: "monthly", BillingTerm: "P1M", AutoRenew: true,
			Quantity: "3", Price: "31.68", Cost: "26.40", Currency: "USD",
			StartDate: at(-40, 17, 33, 12, 314159), EndDate: at(20, 17, 33, 12, 314159), DateStyle: DateMicros}),
		{ID: SmallSubNonMicrosoft, CustomerID: SmallCustomerFabrikam, ProviderID: "77", ProviderSubscriptionID: "ACR-7781-22",
			Name: "Acronis Cyber Protect Cloud", ProductID: "ACR-CPC", SkuID: "WKS", CCPProductID: "ccp-acr",
			ProductDisplayName: "Acronis Cyber Protect Cloud", SkuDisplayName: "Acronis Cyber Protect Cloud - Workstation",
			MfgPartNumber: "ACR-CPC:WKS:P1M:M", Status: "ACTIVE", BillingCycle: "monthly", BillingTerm: "P1M", AutoRenew: true,
			Quantity: "12", Price: "110", Cost: "85.5", Currency: "USD", StartDate: at(-700, 0, 0, 0, 0), DateStyle: DateOnly},
		bs(Subscription{ID: SmallSubNotRenewing, CustomerID: SmallCustomerAdatum, ProviderSubscriptionID: ms(4),
			MfgPartNumber: "CFQ7TTC0LDPB:0001:P3Y:A", Status: "active", BillingCycle: "annual", BillingTerm: "P3Y", AutoRenew: false,
			Quantity: "7", Price: "162.00", Cost: "135.00", Currency: "USD",
			StartDate: at(-1075, 6, 0, 0, 0), EndDate: at(20, 6, 0, 0, 0)}),
		exo(Subscription{ID: SmallSubTrial, CustomerID: SmallCustomerAdatum, ProviderSubscriptionID: ms(5),
			Status: "active", IsTrial: true, BillingCycle: "monthly", BillingTerm: "P1M",
			Quantity: "25", StartDate: at(-10, 0, 0, 0, 0), EndDate: at(20, 0, 0, 0, 0), DateStyle: DateOnly}),
		bp(Subscription{ID: SmallSubCancelled, CustomerID: SmallCustomerTailspin, ProviderSubscriptionID: ms(6),
			Status: "cancelled", BillingCycle: "monthly", BillingTerm: "P1M",
			Quantity: "4", Price: "26.40", Cost: "22.00", Currency: "USD", StartDate: at(-500, 9, 0, 0, 0), EndDate: at(-60, 9, 0, 0, 0)}),
		exo(Subscription{ID: SmallSubUnknownStatus, CustomerID: SmallCustomerTailspin, ProviderSubscriptionID: ms(7),
			Status: "on_hold", BillingCycle: "monthly", BillingTerm: "P1M", AutoRenew: true,
			Quantity: "9", Price: "4.80", Cost: "4.00", Currency: "USD", StartDate: at(-90, 12, 0, 0, 0)}),
		bs(Subscription{ID: SmallSubUnknownTerm, CustomerID: SmallCustomerTailspin, ProviderSubscriptionID: ms(8),
			Status: "active", BillingCycle: "annual", BillingTerm: "P2Y", AutoRenew: true,
			Quantity: "6", Price: "300", Cost: "250", Currency: "EUR", StartDate: at(-430, 0, 0, 0, 0), RenewalDate: at(300, 0, 0, 0, 0), DateStyle: DateMicros}),
		bp(Subscription{ID: SmallSubFractional, CustomerID: SmallCustomerWoodgrove, ProviderSubscriptionID: ms(9),
			Status: "active", BillingCycle: "monthly", BillingTerm: "P1Y", AutoRenew: true,
			Quantity: "2.5", Price: "26.40", Cost: "22.00", Currency: "USD", StartDate: at(-265, 0, 0, 0, 0), RenewalDate: at(100, 0, 0, 0, 0), DateStyle: DateOnly}),
		exo(Subscription{ID: SmallSubSuspended, CustomerID: SmallCustomerWoodgrove, ProviderSubscriptionID: ms(10),
			Status: "SUSPENDED", BillingCycle: "monthly", BillingTerm: "P1M", AutoRenew: true,
			Quantity: "2", Price: "4.80", Cost: "4.00", Currency: "CAD", StartDate: at(-30, 0, 0, 0, 0)}),
		exo(Subscription{ID: SmallSubTotalLicense, CustomerID: SmallCustomerLitware, ProviderSubscriptionID: ms(11),
			MfgPartNumber: "CFQ7TTC0LH16:0001:P1Y:A", Status: "Active", AutoRenew: true,
			Quantity: "5", QuantityAsTotalLicense: true, Price: "57.60", Cost: "48.00", Currency: "USD", StartDate: at(-20, 8, 30, 0, 0)}),
		bp(Subscription{ID: SmallSubPending, CustomerID: SmallCustomerLitware, ProviderSubscriptionID: ms(12),
			Status: "IN_PROGRESS", BillingCycle: "monthly", BillingTerm: "P1M", AutoRenew: true,
			Quantity: "5", Cost: "22.00", Currency: "USD", StartDate: at(1, 8, 30, 0, 0), DateStyle: DateMicros}),
	}
	key := sha256.Sum256([]byte("tdsynnexfake small world"))
	return &World{
		AccountID:     SmallAccountID,
		RefreshToken:  SmallRefreshToken,
		SigningKey:    key[:],
		Customers:     customers,
		Subscriptions: subs,
		GeneratedAt:   day,
	}
}

// smallGUID is a fixed v4-shaped GUID for the small world's kind and number.
func smallGUID(kind string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("tdsynnexfake small %s %d", kind, n)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
