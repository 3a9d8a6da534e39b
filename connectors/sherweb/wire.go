package sherweb

import "encoding/json"

// The JSON shapes of Sherweb's APIs, as far as seats reads them. Field
// names are the wire names. Amounts and quantities are json.Number so that
// no float ever holds money, and a quantity of 2.5 (Sherweb types it as an
// integer; a broken answer need not) reaches parseQuantity as written.

// tokenResponse is the token endpoint's answer; expires_in is in seconds
// (3600 today).
type tokenResponse struct {
	AccessToken string      `json:"access_token"`
	ExpiresIn   json.Number `json:"expires_in"`
	TokenType   string      `json:"token_type"`
}

// listEnvelope is every Service Provider list: {"items":[...]}. Items is
// raw so that an answer without "items" (another shape) is told from an
// empty list.
type listEnvelope struct {
	Items json.RawMessage `json:"items"`
}

// wireCustomer is GET /customers' row. suspendedOn is null for a customer
// in good standing.
type wireCustomer struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Path        []string `json:"path"`
	SuspendedOn *string  `json:"suspendedOn"`
}

// wireSubscription is a row of /billing/subscriptions/details (no
// billingCycle, no fees), of /billing/subscriptions/pricing-information
// (id, billingCycle, fees, commitmentTerm only) or of the older combined
// /billing/subscriptions (all of it). Status is not in Sherweb's models; it
// is read in case an API version sends one.
type wireSubscription struct {
	ID             string          `json:"id"`
	ProductName    string          `json:"productName"`
	Description    string          `json:"description"`
	SKU            string          `json:"sku"`
	Quantity       json.Number     `json:"quantity"`
	BillingCycle   string          `json:"billingCycle"`
	PurchaseDate   string          `json:"purchaseDate"`
	Fees           *wireFees       `json:"fees"`
	CommitmentTerm *wireCommitment `json:"commitmentTerm"`
	Status         *string         `json:"status"`
}

// wireFees is fees: the customer catalog's prices, per unit (null when the
// subscription has no catalog item).
type wireFees struct {
	RecurringFee json.Number `json:"recurringFee"`
	SetupFee     json.Number `json:"setupFee"`
	Currency     string      `json:"currency"`
}

// wireCommitment is commitmentTerm: null without a commitment.
// renewalConfiguration null means the commitment will not renew.
type wireCommitment struct {
	Type                 string       `json:"type"` // Monthly, Annual, Biennial, Triennial
	TermEndDate          string       `json:"termEndDate"`
	RenewalConfiguration *wireRenewal `json:"renewalConfiguration"`
}

type wireRenewal struct {
	RenewalDate       string      `json:"renewalDate"`
	ScheduledQuantity json.Number `json:"scheduledQuantity"`
}

// wirePayableCharges is the Distributor API's GET /billing/payable-charges.
type wirePayableCharges struct {
	PeriodFrom string            `json:"periodFrom"`
	PeriodTo   string            `json:"periodTo"`
	Charges    []json.RawMessage `json:"charges"`
}

// wireCharge is one payable charge. It names no customer id: the customer
// is in tags (CustomerDisplayName).
type wireCharge struct {
	ProductID        string      `json:"productId"`
	ProductName      string      `json:"productName"`
	SKU              string      `json:"sku"`
	ChargeName       string      `json:"chargeName"`
	ChargeType       string      `json:"chargeType"`       // Setup, Recurring, Usage, Unknown
	BillingCycleType string      `json:"billingCycleType"` // OneTime, Monthly, Yearly
	Quantity         json.Number `json:"quantity"`
	ListPrice        json.Number `json:"listPrice"`
	NetPrice         json.Number `json:"netPrice"` // list − deductions − fees, per unit
	Currency         string      `json:"currency"`
	Tags             []wireTag   `json:"tags"`
}

type wireTag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
