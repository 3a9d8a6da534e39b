package tdsynnexfake

import (
	"encoding/json"
	"time"
)

// World is everything the fake Ion knows: one reseller account (its id, the
// current refresh token of its API user, the key access tokens are signed
// with), its customers and their subscriptions. It is plain data so that
// the sandbox can keep it in a file.
//
// RefreshToken changes at every exchange, as Ion's does: World() after an
// exchange shows the token now expected. Values are kept as Ion writes them
// where the spelling is the point (statuses, terms, quantities and amounts),
// so a world can hold an unknown status or a fractional quantity and the
// fake serves them as they are.
type World struct {
	AccountID string `json:"account_id"`
	// RefreshToken is the one refresh token the token endpoint accepts
	// next. (A sandbox token, never a real one.)
	RefreshToken string `json:"refresh_token"`
	// SigningKey signs access tokens (HMAC-SHA256), so that tokens issued by
	// one process serving the world are accepted by another.
	SigningKey    []byte         `json:"signing_key"`
	Customers     []Customer     `json:"customers"`
	Subscriptions []Subscription `json:"subscriptions"`
	GeneratedAt   time.Time      `json:"generated_at,omitzero"`
	Seed          int64          `json:"seed"`
}

// Customer is one of the reseller's customers at Ion.
type Customer struct {
	ID           string `json:"id"`
	Organization string `json:"organization"` // customerOrganization: the company
	ContactName  string `json:"contact_name"` // customerName: a person
	Email        string `json:"email,omitempty"`
	Status       string `json:"status"` // customerStatus: ACTIVE, INACTIVE...
	// CloudProfiles are the customer's linked cloud accounts; a Microsoft
	// one carries the tenant id.
	CloudProfiles []CloudProfile `json:"cloud_profiles,omitempty"`
	CreateTime    time.Time      `json:"create_time,omitzero"`
}

// CloudProfile is one linked cloud account of a customer.
type CloudProfile struct {
	ProfileID string `json:"profile_id"`
	Vendor    string `json:"vendor"` // MICROSOFT, AWS, GOOGLE...
	TenantID  string `json:"tenant_id,omitempty"`
	Status    string `json:"status,omitempty"`
}

// Subscription is one subscription item.
type Subscription struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
	// ProviderName is served as cloudProviderName only when set (Ion's
	// samples do not show it on items); ProviderID as cloudProviderId.
	ProviderName string `json:"provider_name,omitempty"`
	ProviderID   string `json:"provider_id,omitempty"`
	// ProviderSubscriptionID is subscriptionId: for Microsoft, the commerce
	// subscription id Graph shows.
	ProviderSubscriptionID string `json:"provider_subscription_id,omitempty"`
	Name                   string `json:"name"`       // subscriptionName
	ProductID              string `json:"product_id"` // subscriptionProductId: Microsoft's catalog id for Microsoft
	SkuID                  string `json:"sku_id,omitempty"`
	CCPProductID           string `json:"ccp_product_id,omitempty"`
	ProductDisplayName     string `json:"product_display_name,omitempty"`
	SkuDisplayName         string `json:"sku_display_name,omitempty"`
	MfgPartNumber          string `json:"mfg_part_number,omitempty"` // PRODUCT:SKU:P1M:M
	// Status, BillingCycle and BillingTerm are served verbatim ("active",
	// "monthly", "P1Y").
	Status       string `json:"status"`
	BillingCycle string `json:"billing_cycle,omitempty"`
	BillingTerm  string `json:"billing_term,omitempty"`
	AutoRenew    bool   `json:"auto_renew"`
	IsTrial      bool   `json:"is_trial,omitempty"`
	// Quantity is served verbatim under "quantity", or under
	// "totalLicense" when QuantityAsTotalLicense; "" leaves it out.
	Quantity               json.Number `json:"quantity,omitempty"`
	QuantityAsTotalLicense bool        `json:"quantity_as_total_license,omitempty"`
	// Price is the reseller's price to the customer, Cost what TD SYNNEX
	// bills the reseller, per unit; "" leaves the field out.
	Price       json.Number `json:"price,omitempty"`
	Cost        json.Number `json:"cost,omitempty"`
	Currency    string      `json:"currency,omitempty"`
	StartDate   time.Time   `json:"start_date,omitzero"`
	EndDate     time.Time   `json:"end_date,omitzero"`
	RenewalDate time.Time   `json:"renewal_date,omitzero"`
	// DateStyle is how this subscription's dates are written, so one answer
	// mixes them.
	DateStyle DateStyle `json:"date_style,omitempty"`
}

// DateStyle is one of the timestamp spellings the fake writes.
type DateStyle string

// The date styles.
const (
	// DateUTC: "2024-03-01T10:11:12Z".
	DateUTC DateStyle = ""
	// DateMicros: "2024-03-01T10:11:12.123456Z", as protobuf timestamps are written.
	DateMicros DateStyle = "micros"
	// DateOnly: "2024-03-01".
	DateOnly DateStyle = "date"
)

// DateStyles lists every style, for tests that want each one.
func DateStyles() []DateStyle { return []DateStyle{DateUTC, DateMicros, DateOnly} }

// Format writes t in the style.
func (d DateStyle) Format(t time.Time) string {
	switch d {
	case DateMicros:
		return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	case DateOnly:
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format(time.RFC3339)
}

// Read is the instant a correct client reads back from Format(t), in UTC.
func (d DateStyle) Read(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	switch d {
	case DateMicros:
		return t.UTC().Truncate(time.Microsecond)
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
	c.Customers = make([]Customer, len(w.Customers))
	for i, cu := range w.Customers {
		cu.CloudProfiles = append([]CloudProfile(nil), cu.CloudProfiles...)
		c.Customers[i] = cu
	}
	if w.Customers == nil {
		c.Customers = nil
	}
	c.Subscriptions = append([]Subscription(nil), w.Subscriptions...)
	return c
}
