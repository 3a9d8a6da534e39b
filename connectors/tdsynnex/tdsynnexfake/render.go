package tdsynnexfake

import (
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"
)

// The wire shapes the fake answers with, in Ion's field names.

type wireAddress struct {
	Street  string `json:"street,omitempty"`
	City    string `json:"city,omitempty"`
	State   string `json:"state,omitempty"`
	Zip     string `json:"zip,omitempty"`
	Country string `json:"country,omitempty"`
}

type wireCustomer struct {
	Name                 string      `json:"name"` // accounts/{a}/customers/{id}: the id's only place
	CustomerOrganization string      `json:"customerOrganization,omitempty"`
	CustomerName         string      `json:"customerName,omitempty"`
	CustomerEmail        string      `json:"customerEmail,omitempty"`
	CustomerAddress      wireAddress `json:"customerAddress"`
	CreateTime           string      `json:"createTime,omitempty"`
	UpdateTime           string      `json:"updateTime,omitempty"`
	LanguageCode         string      `json:"languageCode"`
	CustomerStatus       string      `json:"customerStatus,omitempty"`
}

func renderCustomer(account string, c Customer) wireCustomer {
	w := wireCustomer{
		Name:                 "accounts/" + account + "/customers/" + c.ID,
		CustomerOrganization: c.Organization,
		CustomerName:         c.ContactName,
		CustomerEmail:        c.Email,
		CustomerAddress:      wireAddress{Country: "US"},
		LanguageCode:         "en-US",
		CustomerStatus:       c.Status,
	}
	if !c.CreateTime.IsZero() {
		w.CreateTime = DateMicros.Format(c.CreateTime)
		w.UpdateTime = w.CreateTime
	}
	return w
}

type wireProfile struct {
	ProfileID string `json:"profileId"`
	Vendor    string `json:"vendor"`
	TenantID  string `json:"tenantId,omitempty"`
	Status    string `json:"status,omitempty"`
}

// renderProfiles is {"cloudProfiles":[...]}, or {} for a customer without
// any (protobuf JSON leaves empty lists out).
func renderProfiles(c Customer) map[string]any {
	out := map[string]any{}
	if len(c.CloudProfiles) == 0 {
		return out
	}
	rows := make([]wireProfile, 0, len(c.CloudProfiles))
	for _, p := range c.CloudProfiles {
		rows = append(rows, wireProfile(p))
	}
	out["cloudProfiles"] = rows
	return out
}

type wireProductInfo struct {
	ProductID          string `json:"productId,omitempty"`
	ProductDisplayName string `json:"productDisplayName,omitempty"`
	SkuID              string `json:"skuId,omitempty"`
	SkuDisplayName     string `json:"skuDisplayName,omitempty"`
	PlanID             string `json:"planId,omitempty"`
	PlanDisplayName    string `json:"planDisplayName,omitempty"`
}

type wireSubscription struct {
	ID                        string          `json:"id"`
	CustomerID                string          `json:"customerId"`
	ResellerID                string          `json:"resellerId"`
	IsvID                     string          `json:"isvId,omitempty"`
	CloudProviderID           string          `json:"cloudProviderId,omitempty"`
	CloudProviderName         string          `json:"cloudProviderName,omitempty"`
	SubscriptionID            string          `json:"subscriptionId,omitempty"`
	SubscriptionName          string          `json:"subscriptionName,omitempty"`
	ResourceType              string          `json:"resourceType,omitempty"`
	CCPProductID              string          `json:"ccpProductId,omitempty"`
	CCPSkuID                  string          `json:"ccpSkuId,omitempty"`
	SubscriptionProductID     string          `json:"subscriptionProductId,omitempty"`
	SubscriptionSkuID         string          `json:"subscriptionSkuId,omitempty"`
	SubscriptionOfferID       string          `json:"subscriptionOfferId,omitempty"`
	UnitType                  string          `json:"unitType,omitempty"`
	SubscriptionStatus        string          `json:"subscriptionStatus"`
	SubscriptionPurchasedDate string          `json:"subscriptionPurchasedDate,omitempty"`
	SubscriptionStartDate     string          `json:"subscriptionStartDate,omitempty"`
	SubscriptionEndDate       string          `json:"subscriptionEndDate,omitempty"`
	SubscriptionBillingType   string          `json:"subscriptionBillingType,omitempty"`
	SubscriptionBillingCycle  string          `json:"subscriptionBillingCycle,omitempty"`
	SubscriptionBillingTerm   string          `json:"subscriptionBillingTerm,omitempty"`
	SubscriptionRenewStatus   string          `json:"subscriptionRenewStatus,omitempty"`
	CCPProductInfo            wireProductInfo `json:"ccpProductInfo"`
	IsTrial                   bool            `json:"isTrial"`
	AutoRenew                 bool            `json:"autoRenew"`
	CustomerName              string          `json:"customerName,omitempty"`
	PartnerName               string          `json:"partnerName,omitempty"`
	Quantity                  json.Number     `json:"quantity,omitempty"`
	TotalLicense              json.Number     `json:"totalLicense,omitempty"`
	Price                     json.Number     `json:"price,omitempty"`
	Cost                      json.Number     `json:"cost,omitempty"`
	Margin                    json.Number     `json:"margin,omitempty"`
	Total                     json.Number     `json:"total,omitempty"`
	Currency                  string          `json:"currency,omitempty"`
	RenewalDate               string          `json:"renewalDate,omitempty"`
	MfgPartNumber             string          `json:"mfgPartNumber,omitempty"`
}

// renderSubscription writes a subscription item as Ion's list does.
func renderSubscription(w *World, s Subscription) wireSubscription {
	out := wireSubscription{
		ID: s.ID, CustomerID: s.CustomerID, ResellerID: w.AccountID,
		CloudProviderID: s.ProviderID, CloudProviderName: s.ProviderName,
		SubscriptionID: s.ProviderSubscriptionID, SubscriptionName: s.Name, ResourceType: "license",
		CCPProductID: s.CCPProductID, SubscriptionProductID: s.ProductID, SubscriptionSkuID: s.SkuID,
		UnitType: "Licenses", SubscriptionStatus: s.Status, SubscriptionBillingType: "license",
		SubscriptionBillingCycle: s.BillingCycle, SubscriptionBillingTerm: s.BillingTerm,
		CCPProductInfo: wireProductInfo{ProductID: s.CCPProductID, ProductDisplayName: s.ProductDisplayName,
			SkuID: s.SkuID, SkuDisplayName: s.SkuDisplayName},
		IsTrial: s.IsTrial, AutoRenew: s.AutoRenew,
		Price: s.Price, Cost: s.Cost, Currency: s.Currency, MfgPartNumber: s.MfgPartNumber,
		PartnerName: "Fake Reseller " + w.AccountID,
	}
	if s.ProductID != "" && s.SkuID != "" {
		out.SubscriptionOfferID = s.ProductID + ":" + s.SkuID + ":" + strings.ToUpper(s.BillingTerm)
	}
	out.SubscriptionRenewStatus = "DISABLED"
	if s.AutoRenew {
		out.SubscriptionRenewStatus = "ENABLED"
	}
	for _, c := range w.Customers {
		if c.ID == s.CustomerID {
			out.CustomerName = c.Organization
		}
	}
	if s.QuantityAsTotalLicense {
		out.TotalLicense = s.Quantity
	} else {
		out.Quantity = s.Quantity
	}
	// margin and total as Ion adds them beside price and cost, where all
	// the numbers are there to compute them.
	price, perr := decimal.NewFromString(string(s.Price))
	cost, cerr := decimal.NewFromString(string(s.Cost))
	qty, qerr := decimal.NewFromString(string(s.Quantity))
	if perr == nil && cerr == nil {
		out.Margin = json.Number(price.Sub(cost).String())
	}
	if perr == nil && qerr == nil {
		out.Total = json.Number(price.Mul(qty).String())
	}
	if !s.StartDate.IsZero() {
		out.SubscriptionStartDate = s.DateStyle.Format(s.StartDate)
		out.SubscriptionPurchasedDate = DateMicros.Format(s.StartDate)
	}
	if !s.EndDate.IsZero() {
		out.SubscriptionEndDate = s.DateStyle.Format(s.EndDate)
	}
	if !s.RenewalDate.IsZero() {
		out.RenewalDate = s.DateStyle.Format(s.RenewalDate)
	}
	return out
}
