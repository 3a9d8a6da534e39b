package fakekit

import (
	"time"

	"github.com/seats-msp/seats/connectors"
)

// The sandbox builds every distributor and PSA world from the same
// customers, so that whichever kinds an engineer picks, the licence tables
// and findings speak of the same tenants. These are the neutral inputs the
// fakes' generators take: plain data, depending on no other fake.

// DistributorInput is what a distributor fake's generator builds a world
// from: the MSP's customer accounts at the distributor and what each is
// billed for.
type DistributorInput struct {
	Accounts []DistributorAccount
}

// DistributorAccount is one customer account as the distributor knows it.
type DistributorAccount struct {
	// Key is a stable, unique key for the account (the generator derives
	// its own ids from it or from its seed).
	Key  string
	Name string // as the distributor spells it (may differ from the tenant's)
	// TenantID is the Microsoft tenant id where the distributor keeps one
	// ("" where it does not: matching must go by domain or name).
	TenantID string
	Domain   string // a domain or website the distributor keeps; "" when none
	Active   bool
	// Subscriptions are what the distributor bills the MSP for this account.
	Subscriptions []DistributorSubscription
}

// DistributorSubscription is one subscription in neutral terms.
type DistributorSubscription struct {
	Key         string // stable, unique
	ProductName string // "Microsoft 365 Business Premium"
	Vendor      string // "Microsoft", "Acronis"...
	// SkuID and SkuPartNumber are Microsoft's, for Microsoft products.
	SkuID, SkuPartNumber string
	// CommerceSubscriptionID is Graph's commerceSubscriptionId of the same
	// subscription in the tenant, where there is one.
	CommerceSubscriptionID string
	Quantity               int
	Term                   connectors.Term
	BillingFrequency       connectors.BillingFrequency
	Status                 connectors.SubscriptionStatus
	// UnitCost is what the distributor bills the MSP per seat per billing
	// period, UnitPrice its suggested price to the customer; either may be
	// the unknown Money.
	UnitCost, UnitPrice connectors.Money
	StartDate           time.Time
	CommitmentEnd       time.Time // the renewal date
	EndDate             time.Time // zero when open-ended
}

// PSAInput is what a PSA fake's generator builds a world from: the MSP's
// customers and what the distributor bills each of them for (what the PSA
// should be billing).
type PSAInput struct {
	Customers []PSACustomer
}

// PSACustomer is one customer: its Microsoft tenant and what the
// distributor bills for it.
type PSACustomer struct {
	TenantID string
	Name     string // the tenant's display name
	Domain   string // its default (or primary) domain
	Products []PSAProduct
}

// PSAProduct is one product the distributor bills a customer for.
type PSAProduct struct {
	SkuID         string // Graph skuId
	SkuPartNumber string // "SPB"
	Name          string // "Microsoft 365 Business Premium"
	Term          connectors.Term
	Quantity      int
	// UnitPrice is the MSP's price per seat for one period of the term, as
	// the distributor suggests it: per month for a monthly term, per year
	// for an annual or triennial one. The catalogue prices the product
	// with it.
	UnitPrice connectors.Money
}
