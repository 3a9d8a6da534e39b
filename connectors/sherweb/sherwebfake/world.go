package sherwebfake

import (
	"encoding/json"
	"time"
)

// World is everything the fake Sherweb knows: one partner's API client
// (client id, secret and gateway subscription key), its customers and their
// subscriptions, and what Sherweb bills the MSP for them. It is plain data
// so that the sandbox can keep it in a file.
//
// Values are kept as Sherweb writes them where the spelling is the point
// (billing cycles, commitment types, quantities and amounts as JSON
// numbers), so a world can hold a spelling no client knows, a fractional
// quantity or a price without a currency, and the fake serves them as they
// are.
type World struct {
	// The API client's credentials (sandbox ones, never real): the token
	// endpoint accepts only ClientID with ClientSecret, the gateway only
	// SubscriptionKey.
	ClientID        string `json:"client_id"`
	ClientSecret    string `json:"client_secret"`
	SubscriptionKey string `json:"subscription_key"`
	// SigningKey signs access tokens (HMAC-SHA256), so that tokens issued by
	// one process serving the world are accepted by another.
	SigningKey    []byte         `json:"signing_key"`
	Customers     []Customer     `json:"customers"`
	Subscriptions []Subscription `json:"subscriptions"`
	// DistributorDenied makes the Distributor API answer 403: an API client
	// that may read customers but not what Sherweb bills the MSP.
	DistributorDenied bool      `json:"distributor_denied,omitempty"`
	GeneratedAt       time.Time `json:"generated_at,omitzero"`
	Seed              int64     `json:"seed"`
}

// Customer is one of the MSP's customers at Sherweb.
type Customer struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"display_name"`
	Path        []string `json:"path,omitempty"`
	// SuspendedOn is served as suspendedOn (null when zero).
	SuspendedOn time.Time `json:"suspended_on,omitzero"`
	// TenantID and Domain are what the generator's input knew of the
	// customer. Sherweb's customer has no field for either, so they are
	// kept here for the sandbox's bookkeeping and never served.
	TenantID string `json:"tenant_id,omitempty"`
	Domain   string `json:"domain,omitempty"`
}

// Subscription is one subscription of a customer.
type Subscription struct {
	ID          string `json:"id"`
	CustomerID  string `json:"customer_id"`
	ProductName string `json:"product_name"`
	Description string `json:"description,omitempty"`
	SKU         string `json:"sku"` // Sherweb's SKU
	// Vendor is the input's vendor; Sherweb's subscriptions name none, so
	// it is never served.
	Vendor string `json:"vendor,omitempty"`
	// Quantity is served verbatim: "5", or "2.5" to test a client.
	Quantity json.Number `json:"quantity"`
	// BillingCycle is served verbatim: none, daily, weekly, monthly,
	// yearly, unknown (or any spelling a test needs).
	BillingCycle string    `json:"billing_cycle"`
	PurchaseDate time.Time `json:"purchase_date,omitzero"`
	// Fees, the customer catalog's per-unit prices; nil is served as
	// "fees": null (no catalog item).
	Fees *Fees `json:"fees,omitempty"`
	// Commitment nil is served as "commitmentTerm": null.
	Commitment *Commitment `json:"commitment,omitempty"`
	// Cost is what Sherweb bills the MSP per unit: served as a recurring
	// payable charge tagged with the customer's display name; nil = no
	// charge.
	Cost *Cost `json:"cost,omitempty"`
	// Status is not in Sherweb's models; when set it is served as "status",
	// standing for an API version that adds one (seats tolerates it).
	Status string `json:"status,omitempty"`
	// DateStyle is how purchaseDate, termEndDate and renewalDate are
	// written, so that one answer mixes spellings.
	DateStyle DateStyle `json:"date_style,omitempty"`
}

// Fees is the subscription's price to the customer, per unit.
type Fees struct {
	RecurringFee json.Number `json:"recurring_fee,omitempty"`
	SetupFee     json.Number `json:"setup_fee,omitempty"`
	Currency     string      `json:"currency,omitempty"`
}

// Commitment is commitmentTerm.
type Commitment struct {
	Type        string    `json:"type"` // Monthly, Annual, Biennial, Triennial
	TermEndDate time.Time `json:"term_end_date,omitzero"`
	// Renews false serves renewalConfiguration: null (the commitment ends
	// with its term); true serves RenewalDate and the quantity.
	Renews      bool      `json:"renews"`
	RenewalDate time.Time `json:"renewal_date,omitzero"`
}

// Cost is one recurring payable charge's per-unit amounts.
type Cost struct {
	NetPrice  json.Number `json:"net_price"`
	ListPrice json.Number `json:"list_price,omitempty"`
	Currency  string      `json:"currency"`
}

// DateStyle is one of the timestamp spellings Sherweb's answers use.
type DateStyle string

// The date styles.
const (
	// DateNoZone: "2023-11-21T20:27:05.7613888", seven fractional digits
	// and no zone (UTC meant), as Sherweb's models document.
	DateNoZone DateStyle = ""
	// DateZulu: "2023-11-21T20:27:05.7613888Z".
	DateZulu DateStyle = "zulu"
	// DateOnly: "2023-11-21", a date without a time.
	DateOnly DateStyle = "date"
)

// DateStyles lists every style, for tests that want each one.
func DateStyles() []DateStyle { return []DateStyle{DateNoZone, DateZulu, DateOnly} }

// Format writes t in the style.
func (d DateStyle) Format(t time.Time) string {
	switch d {
	case DateZulu:
		return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
	case DateOnly:
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02T15:04:05.0000000")
}

// Read is the instant a correct client reads back from Format(t), in UTC.
func (d DateStyle) Read(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	if d == DateOnly {
		y, m, day := t.UTC().Date()
		return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	}
	return t.UTC().Truncate(100 * time.Nanosecond)
}

// clone returns a deep copy of w.
func (w *World) clone() World {
	c := *w
	c.SigningKey = append([]byte(nil), w.SigningKey...)
	c.Customers = make([]Customer, len(w.Customers))
	for i, cu := range w.Customers {
		cu.Path = append([]string(nil), cu.Path...)
		c.Customers[i] = cu
	}
	c.Subscriptions = make([]Subscription, len(w.Subscriptions))
	for i, s := range w.Subscriptions {
		if s.Fees != nil {
			f := *s.Fees
			s.Fees = &f
		}
		if s.Commitment != nil {
			cm := *s.Commitment
			s.Commitment = &cm
		}
		if s.Cost != nil {
			co := *s.Cost
			s.Cost = &co
		}
		c.Subscriptions[i] = s
	}
	if w.Customers == nil {
		c.Customers = nil
	}
	if w.Subscriptions == nil {
		c.Subscriptions = nil
	}
	return c
}
