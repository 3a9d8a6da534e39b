package pax8fake

import (
	"encoding/json"
	"time"
)

// Audience is the only audience the fake's token endpoint issues tokens
// for: Pax8's partner API.
const Audience = "https://api.pax8.com"

// World is everything the fake Pax8 knows: one partner's developer app
// (its client id and secret), its companies, the products they buy and
// their subscriptions. It is plain data so that the sandbox can keep it in
// a file shared by every seats command.
//
// Values are kept as Pax8 writes them where the spelling is the point
// (statuses, billing and commitment terms, quantities and amounts as JSON
// numbers), so a world can hold an unknown status, a fractional quantity or
// a price without a currency, and the fake serves them as they are.
type World struct {
	// ClientID and ClientSecret are the developer app's credentials; the
	// token endpoint accepts these only. (A sandbox secret, never a real one.)
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// SigningKey signs access tokens (HMAC-SHA256), so that tokens issued by
	// one process serving the world are accepted by another.
	SigningKey    []byte         `json:"signing_key"`
	Companies     []Company      `json:"companies"`
	Products      []Product      `json:"products"`
	Subscriptions []Subscription `json:"subscriptions"`
	GeneratedAt   time.Time      `json:"generated_at,omitzero"`
	Seed          int64          `json:"seed"`
}

// Company is one of the MSP's customers at Pax8.
type Company struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Website    string `json:"website,omitempty"`     // free text; sometimes the tenant's domain
	ExternalID string `json:"external_id,omitempty"` // free partner field; sometimes the tenant id
	Status     string `json:"status"`                // Active, Inactive, Deleted
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"` // ISO alpha-2
	// UpdatedDate is served as "2023-08-11T11:33:12.314-0600".
	UpdatedDate time.Time `json:"updated_date,omitzero"`
}

// Product is one catalogue product.
type Product struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"` // "Microsoft", "Acronis"...
	SKU        string `json:"sku"`         // Pax8's own SKU
	VendorSKU  string `json:"vendor_sku,omitempty"`
}

// Subscription is one subscription of a company to a product.
type Subscription struct {
	ID        string `json:"id"`
	CompanyID string `json:"company_id"`
	ProductID string `json:"product_id"`
	// VendorSubscriptionID is Microsoft's commerce subscription id (Graph's
	// commerceSubscriptionId) for Microsoft products; VendorSkuID the Graph
	// skuId. The detail endpoint always serves them; the list only when
	// ListedWithVendorIDs is set (Pax8 documents them as detail-only).
	VendorSubscriptionID string `json:"vendor_subscription_id,omitempty"`
	VendorSkuID          string `json:"vendor_sku_id,omitempty"`
	ListedWithVendorIDs  bool   `json:"listed_with_vendor_ids,omitempty"`
	// Quantity is served verbatim: "5", or "2.5" to test a client.
	Quantity json.Number `json:"quantity"`
	// Status, BillingTerm and Commitment.Term are Pax8's spellings
	// ("PendingCancel", "Monthly", "1-Year"), served verbatim.
	Status      string      `json:"status"`
	BillingTerm string      `json:"billing_term"`
	Commitment  *Commitment `json:"commitment,omitempty"` // nil: served as "commitmentTerm": null
	// Price is the MSP's price to the customer, PartnerCost what Pax8 bills
	// the MSP, per unit; "" leaves the field out of the answer.
	Price        json.Number `json:"price,omitempty"`
	PartnerCost  json.Number `json:"partner_cost,omitempty"`
	CurrencyCode string      `json:"currency_code,omitempty"`
	StartDate    time.Time   `json:"start_date,omitzero"`
	EndDate      time.Time   `json:"end_date,omitzero"`
	CreatedDate  time.Time   `json:"created_date,omitzero"`
	// DateStyle is how this subscription's startDate, endDate and
	// commitmentTerm.endDate are written, so one answer mixes them as
	// Pax8's does.
	DateStyle DateStyle `json:"date_style,omitempty"`
}

// Commitment is commitmentTerm: the NCE commitment and when it ends.
type Commitment struct {
	ID      string    `json:"id"`
	Term    string    `json:"term"` // "1-Year", "3-Year"
	EndDate time.Time `json:"end_date,omitzero"`
}

// DateStyle is one of the timestamp spellings Pax8 uses.
type DateStyle string

// The date styles.
const (
	// DateUTC: "2021-01-01T08:30:00Z".
	DateUTC DateStyle = ""
	// DateOffset: "2023-08-11T11:33:12.314-0600", an offset without a colon
	// (time.RFC3339 refuses it), in Pax8's home time zone.
	DateOffset DateStyle = "offset"
	// DateOnly: "2025-07-13", a date without a time.
	DateOnly DateStyle = "date"
)

// DateStyles lists every style, for tests that want each one.
func DateStyles() []DateStyle { return []DateStyle{DateUTC, DateOffset, DateOnly} }

// pax8Zone is Denver's standard offset, where Pax8 is; a fixed offset so
// that what the fake writes does not depend on the host's zone database.
var pax8Zone = time.FixedZone("MST", -6*3600)

// Format writes t in the style.
func (d DateStyle) Format(t time.Time) string {
	switch d {
	case DateOffset:
		return t.In(pax8Zone).Format("2006-01-02T15:04:05.000-0700")
	case DateOnly:
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02T15:04:05Z07:00")
}

// Read is the instant a correct client reads back from Format(t): t
// truncated to what the style keeps (milliseconds, seconds, or the UTC
// date at midnight), in UTC. Tests compare a client's dates with it.
func (d DateStyle) Read(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	switch d {
	case DateOffset:
		return t.UTC().Truncate(time.Millisecond)
	case DateOnly:
		y, m, day := t.UTC().Date()
		return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	}
	return t.UTC().Truncate(time.Second)
}

// clone returns a deep copy of w.
func (w *World) clone() World {
	c := *w
	c.SigningKey = append([]byte(nil), w.SigningKey...)
	c.Companies = append([]Company(nil), w.Companies...)
	c.Products = append([]Product(nil), w.Products...)
	c.Subscriptions = make([]Subscription, len(w.Subscriptions))
	for i, s := range w.Subscriptions {
		if s.Commitment != nil {
			cm := *s.Commitment
			s.Commitment = &cm
		}
		c.Subscriptions[i] = s
	}
	if w.Subscriptions == nil {
		c.Subscriptions = nil
	}
	return c
}
