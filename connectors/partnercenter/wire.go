package partnercenter

import "encoding/json"

// The JSON shapes of Partner Center, as far as seats reads them. Field names
// are the wire names (camelCase); encoding/json also takes the PascalCase
// some of Microsoft's samples show. The quantity is kept raw so that a
// quantity of 2.5, or one written as a string, reaches parseQuantity as written.

// wireCustomer is a Customer of GET /v1/customers.
type wireCustomer struct {
	ID             string `json:"id"`
	CompanyProfile struct {
		TenantID    string `json:"tenantId"`
		Domain      string `json:"domain"`
		CompanyName string `json:"companyName"`
	} `json:"companyProfile"`
	RelationshipToPartner string `json:"relationshipToPartner"`
}

// wireSubscription is a Subscription of GET
// /v1/customers/{id}/subscriptions. The optional booleans are pointers:
// absent is not false (legacy subscriptions lack isMicrosoftProduct and
// autoRenewEnabled may be missing).
type wireSubscription struct {
	ID                 string          `json:"id"`
	OfferID            string          `json:"offerId"`
	OfferName          string          `json:"offerName"`
	FriendlyName       string          `json:"friendlyName"`
	Quantity           json.RawMessage `json:"quantity"`
	CreationDate       string          `json:"creationDate"`
	EffectiveStartDate string          `json:"effectiveStartDate"`
	CommitmentEndDate  string          `json:"commitmentEndDate"`
	Status             string          `json:"status"`
	AutoRenewEnabled   *bool           `json:"autoRenewEnabled"`
	IsTrial            bool            `json:"isTrial"`
	BillingType        string          `json:"billingType"`
	BillingCycle       string          `json:"billingCycle"`
	TermDuration       string          `json:"termDuration"`
	IsMicrosoftProduct *bool           `json:"isMicrosoftProduct"`
	PublisherName      string          `json:"publisherName"`
}
