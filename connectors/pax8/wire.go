package pax8

import "encoding/json"

// The JSON shapes of the Pax8 partner API, as far as seats reads them. Field
// names are the wire names. Amounts and quantities are json.Number so that
// no float ever holds money, and a quantity of 2.5 reaches parseQuantity as
// written.

// tokenRequest is the JSON body of POST {token_url}.
type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Audience     string `json:"audience"`
	GrantType    string `json:"grant_type"`
}

// tokenResponse is the token endpoint's answer. expires_in is in seconds
// (86400 today); newer answers also carry expires_at, not needed here.
type tokenResponse struct {
	AccessToken string      `json:"access_token"`
	ExpiresIn   json.Number `json:"expires_in"`
	TokenType   string      `json:"token_type"`
}

// pageEnvelope is one page of any list endpoint:
// {"content":[...],"page":{"size","totalElements","totalPages","number"}}.
type pageEnvelope struct {
	Content []json.RawMessage `json:"content"`
	Page    *pageInfo         `json:"page"`
}

type pageInfo struct {
	Size          int64 `json:"size"`
	TotalElements int64 `json:"totalElements"`
	TotalPages    int64 `json:"totalPages"`
	Number        int64 `json:"number"`
}

// wireCompany is a company (one of the MSP's customers).
type wireCompany struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Website    string `json:"website"`
	ExternalID string `json:"externalId"`
	Status     string `json:"status"`
}

// wireSubscription is a subscription from the list or the detail endpoint.
// The list leaves vendorSubscriptionId and vendorSkuId out (Pax8: "only on
// the detail endpoint"); seats reads the detail where they are missing.
type wireSubscription struct {
	ID                   string          `json:"id"`
	CompanyID            string          `json:"companyId"`
	ProductID            string          `json:"productId"`
	ProductName          string          `json:"productName"`
	VendorSubscriptionID string          `json:"vendorSubscriptionId"`
	VendorSkuID          string          `json:"vendorSkuId"`
	Quantity             json.Number     `json:"quantity"`
	StartDate            string          `json:"startDate"`
	EndDate              string          `json:"endDate"`
	Status               string          `json:"status"`
	Price                json.Number     `json:"price"`
	PartnerCost          json.Number     `json:"partnerCost"`
	CurrencyCode         string          `json:"currencyCode"`
	BillingTerm          string          `json:"billingTerm"`
	CommitmentTerm       *wireCommitment `json:"commitmentTerm"`
}

// wireCommitment is commitmentTerm: null for monthly subscriptions.
type wireCommitment struct {
	ID      string `json:"id"`
	Term    string `json:"term"`
	EndDate string `json:"endDate"`
}

// wireProduct is GET /products/{id}.
type wireProduct struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	VendorName string `json:"vendorName"`
	SKU        string `json:"sku"`       // Pax8's own SKU, e.g. MST-OFC-EE3-C100
	VendorSKU  string `json:"vendorSku"` // the vendor's part number as Pax8 knows it
}
