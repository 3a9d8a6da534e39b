package sandbox

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/skus"
)

// The sandbox's customers reach every distributor kind from one place: the
// Pax8 world generated from the Microsoft one (its renamed companies, the
// tenant it lacks, its awkward subscriptions). Every other distributor's
// world is rendered from the same accounts and subscriptions, so that the
// licence tables and findings come out alike whichever kind an engineer
// picks.

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// distributorInput restates the Pax8 world in neutral terms. Subscriptions
// whose quantity is not a whole number (Pax8's own awkward case) are left
// out: the other kinds' fakes place their awkward cases themselves.
func distributorInput(p8 *pax8fake.World) fakekit.DistributorInput {
	products := map[string]pax8fake.Product{}
	for _, p := range p8.Products {
		products[p.ID] = p
	}
	subsOf := map[string][]pax8fake.Subscription{}
	for _, s := range p8.Subscriptions {
		subsOf[s.CompanyID] = append(subsOf[s.CompanyID], s)
	}
	var in fakekit.DistributorInput
	for _, c := range p8.Companies {
		acc := fakekit.DistributorAccount{Key: c.ID, Name: c.Name, Domain: bareDomain(c.Website), Active: c.Status == "Active"}
		if guidPattern.MatchString(c.ExternalID) {
			acc.TenantID = strings.ToLower(c.ExternalID)
		}
		for _, s := range subsOf[c.ID] {
			qty, err := strconv.Atoi(s.Quantity.String())
			if err != nil {
				continue
			}
			p := products[s.ProductID]
			sub := fakekit.DistributorSubscription{Key: s.ID, ProductName: p.Name, Vendor: p.VendorName,
				SkuID: s.VendorSkuID, CommerceSubscriptionID: s.VendorSubscriptionID, Quantity: qty,
				Term: pax8Term(s.Commitment), BillingFrequency: pax8Frequency(s.BillingTerm), Status: pax8Status(s.Status),
				StartDate: s.StartDate, EndDate: s.EndDate}
			if sku, ok := skus.ByID(s.VendorSkuID); ok {
				sub.SkuPartNumber = sku.PartNumber
			}
			if s.Commitment != nil {
				sub.CommitmentEnd = s.Commitment.EndDate
			}
			currency := s.CurrencyCode
			if currency == "" {
				currency = "USD"
			}
			sub.UnitCost, _, _ = connectors.ParseMoney(s.PartnerCost.String(), currency)
			sub.UnitPrice, _, _ = connectors.ParseMoney(s.Price.String(), currency)
			acc.Subscriptions = append(acc.Subscriptions, sub)
		}
		sort.Slice(acc.Subscriptions, func(i, j int) bool { return acc.Subscriptions[i].Key < acc.Subscriptions[j].Key })
		in.Accounts = append(in.Accounts, acc)
	}
	return in
}

// bareDomain is a website as a bare lower-case domain ("" for none).
func bareDomain(website string) string {
	d := strings.ToLower(strings.TrimSpace(website))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	d = strings.TrimPrefix(d, "www.")
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	return d
}

func pax8Term(c *pax8fake.Commitment) connectors.Term {
	switch {
	case c == nil:
		return connectors.TermMonthly
	case strings.HasPrefix(c.Term, "1"):
		return connectors.TermAnnual
	case strings.HasPrefix(c.Term, "3"):
		return connectors.TermTriennial
	}
	return connectors.TermUnknown
}

func pax8Frequency(billingTerm string) connectors.BillingFrequency {
	switch billingTerm {
	case "Monthly":
		return connectors.BillMonthly
	case "Annual":
		return connectors.BillAnnual
	case "One-Time":
		return connectors.BillOnce
	}
	return connectors.BillUnknown
}

func pax8Status(status string) connectors.SubscriptionStatus {
	switch status {
	case "Active":
		return connectors.StatusActive
	case "PendingCancel":
		return connectors.StatusPendingCancel
	case "Cancelled":
		return connectors.StatusCancelled
	case "Suspended":
		return connectors.StatusSuspended
	case "Trial":
		return connectors.StatusTrial
	case "PendingManual", "PendingAutomated", "Pending":
		return connectors.StatusPending
	}
	return connectors.StatusUnknown
}
