package pax8fake

import "encoding/json"

// The wire shapes the fake answers with, in Pax8's field names and order.

type wireAddress struct {
	City            string `json:"city,omitempty"`
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	Country         string `json:"country,omitempty"`
}

type wireCompany struct {
	ID                    string      `json:"id"`
	Name                  string      `json:"name"`
	Address               wireAddress `json:"address"`
	Website               string      `json:"website,omitempty"`
	ExternalID            string      `json:"externalId,omitempty"`
	BillOnBehalfOfEnabled bool        `json:"billOnBehalfOfEnabled"`
	SelfServiceAllowed    bool        `json:"selfServiceAllowed"`
	OrderApprovalRequired bool        `json:"orderApprovalRequired"`
	Status                string      `json:"status"`
	UpdatedDate           string      `json:"updatedDate,omitempty"`
}

func renderCompany(c Company) wireCompany {
	w := wireCompany{
		ID: c.ID, Name: c.Name, Website: c.Website, ExternalID: c.ExternalID, Status: c.Status,
		Address: wireAddress{City: c.City, Country: c.Country},
	}
	if !c.UpdatedDate.IsZero() {
		w.UpdatedDate = DateOffset.Format(c.UpdatedDate)
	}
	return w
}

type wireCommitment struct {
	ID      string `json:"id,omitempty"`
	Term    string `json:"term"`
	EndDate string `json:"endDate,omitempty"`
}

type wireSubscription struct {
	ID                   string          `json:"id"`
	CompanyID            string          `json:"companyId"`
	ProductID            string          `json:"productId"`
	VendorSubscriptionID string          `json:"vendorSubscriptionId,omitempty"`
	VendorSkuID          string          `json:"vendorSkuId,omitempty"`
	Quantity             json.Number     `json:"quantity,omitempty"`
	StartDate            string          `json:"startDate,omitempty"`
	EndDate              string          `json:"endDate,omitempty"`
	CreatedDate          string          `json:"createdDate,omitempty"`
	BillingStart         string          `json:"billingStart,omitempty"`
	Status               string          `json:"status"`
	Price                json.Number     `json:"price,omitempty"`
	CurrencyCode         string          `json:"currencyCode,omitempty"`
	PartnerCost          json.Number     `json:"partnerCost,omitempty"`
	ProductName          string          `json:"productName,omitempty"`
	BillingTerm          string          `json:"billingTerm,omitempty"`
	CommitmentTerm       *wireCommitment `json:"commitmentTerm"` // null for monthly, as on the wire
}

// renderSubscription writes a subscription as the list (detail false) or
// the detail endpoint does: the list leaves the vendor ids out unless the
// world says this row carries them.
func renderSubscription(s Subscription, p Product, detail bool) wireSubscription {
	w := wireSubscription{
		ID: s.ID, CompanyID: s.CompanyID, ProductID: s.ProductID,
		Quantity: s.Quantity, Status: s.Status, Price: s.Price, CurrencyCode: s.CurrencyCode,
		PartnerCost: s.PartnerCost, ProductName: p.Name, BillingTerm: s.BillingTerm,
	}
	if detail || s.ListedWithVendorIDs {
		w.VendorSubscriptionID, w.VendorSkuID = s.VendorSubscriptionID, s.VendorSkuID
	}
	if !s.StartDate.IsZero() {
		w.StartDate = s.DateStyle.Format(s.StartDate)
		w.BillingStart = DateOnly.Format(s.StartDate)
	}
	if !s.EndDate.IsZero() {
		w.EndDate = s.DateStyle.Format(s.EndDate)
	}
	if !s.CreatedDate.IsZero() {
		w.CreatedDate = DateOffset.Format(s.CreatedDate)
	}
	if c := s.Commitment; c != nil {
		w.CommitmentTerm = &wireCommitment{ID: c.ID, Term: c.Term}
		if !c.EndDate.IsZero() {
			w.CommitmentTerm.EndDate = s.DateStyle.Format(c.EndDate)
		}
	}
	return w
}

type wireProduct struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	VendorName         string `json:"vendorName"`
	ShortDescription   string `json:"shortDescription,omitempty"`
	SKU                string `json:"sku,omitempty"`
	VendorSKU          string `json:"vendorSku,omitempty"`
	RequiresCommitment bool   `json:"requiresCommitment"`
}

func renderProduct(p Product) wireProduct {
	return wireProduct{ID: p.ID, Name: p.Name, VendorName: p.VendorName, SKU: p.SKU, VendorSKU: p.VendorSKU,
		ShortDescription: p.Name + " from " + p.VendorName, RequiresCommitment: p.VendorName == "Microsoft"}
}
