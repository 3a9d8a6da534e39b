package tdsynnex

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// The JSON shapes of Ion API v3, as far as seats reads them. Field names are
// the wire names from TD SYNNEX's own SDK and its samples. Ion publishes no
// schema, so every scalar is read as flex: a string or a number alike, kept
// as written (amounts and quantities never pass through a float).

// flex is a JSON scalar kept as its text: "12.5" and 12.5 both read as
// 12.5, true as "true", null as "". An object or array where a scalar
// belongs does not decode: the answer is not the shape seats knows.
type flex string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flex) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flex(s)
	case b[0] == '{' || b[0] == '[':
		return errors.New("an object or a list where a single value was expected")
	default:
		*f = flex(b)
	}
	return nil
}

// String returns the text trimmed.
func (f flex) String() string { return strings.TrimSpace(string(f)) }

// isTrue reads a flag sent as true, "true" or "TRUE".
func (f flex) isTrue() bool { return strings.EqualFold(f.String(), "true") }

// isFalse reads a flag sent as false, "false" or "FALSE" (absent is neither).
func (f flex) isFalse() bool { return strings.EqualFold(f.String(), "false") }

// wireCustomer is one customer of GET /customers: its id is the last
// segment of name ("accounts/{accountId}/customers/{customerId}").
type wireCustomer struct {
	Name                 flex `json:"name"`
	ID                   flex `json:"id"` // not in Ion's samples; read when name carries no id
	CustomerOrganization flex `json:"customerOrganization"`
	CustomerName         flex `json:"customerName"` // the contact person
	CustomerEmail        flex `json:"customerEmail"`
	CustomerStatus       flex `json:"customerStatus"`
}

// wireCloudProfile is one linked cloud account of a customer. Ion does not
// publish this shape; the field names are those of a derived spec
// (profileId, vendor, tenantId, status), read case-insensitively as
// encoding/json does, so tenantID or TenantId read too.
type wireCloudProfile struct {
	ProfileID flex `json:"profileId"`
	Vendor    flex `json:"vendor"`
	Provider  flex `json:"cloudProviderName"` // read in case Ion names the vendor so
	TenantID  flex `json:"tenantId"`
	Status    flex `json:"status"`
}

// wireProductInfo is a subscription's ccpProductInfo.
type wireProductInfo struct {
	ProductID          flex `json:"productId"`
	ProductDisplayName flex `json:"productDisplayName"`
	SkuID              flex `json:"skuId"`
	SkuDisplayName     flex `json:"skuDisplayName"`
	PlanID             flex `json:"planId"`
	PlanDisplayName    flex `json:"planDisplayName"`
}

// wireSubscription is one item of GET /subscriptions.
type wireSubscription struct {
	ID                       flex             `json:"id"`
	CustomerID               flex             `json:"customerId"`
	CloudProviderID          flex             `json:"cloudProviderId"`
	CloudProviderName        flex             `json:"cloudProviderName"` // a filter of the list; on items unconfirmed
	SubscriptionID           flex             `json:"subscriptionId"`    // the provider's id: Microsoft's commerce subscription id
	SubscriptionName         flex             `json:"subscriptionName"`
	CCPProductID             flex             `json:"ccpProductId"`
	SubscriptionProductID    flex             `json:"subscriptionProductId"`
	SubscriptionSkuID        flex             `json:"subscriptionSkuId"`
	SubscriptionOfferID      flex             `json:"subscriptionOfferId"` // PRODUCT:SKU:OFFER
	MfgPartNumber            flex             `json:"mfgPartNumber"`       // PRODUCT:SKU:P1M:M
	SubscriptionStatus       flex             `json:"subscriptionStatus"`
	SubscriptionStartDate    flex             `json:"subscriptionStartDate"`
	SubscriptionEndDate      flex             `json:"subscriptionEndDate"`
	RenewalDate              flex             `json:"renewalDate"`
	SubscriptionBillingCycle flex             `json:"subscriptionBillingCycle"` // how often invoiced: monthly
	SubscriptionBillingTerm  flex             `json:"subscriptionBillingTerm"`  // the commitment, ISO 8601: P1M, P1Y
	SubscriptionRenewStatus  flex             `json:"subscriptionRenewStatus"`  // ENABLED, DISABLED
	AutoRenew                flex             `json:"autoRenew"`
	IsTrial                  flex             `json:"isTrial"`
	CCPProductInfo           *wireProductInfo `json:"ccpProductInfo"`
	// Quantity: Ion's samples show no seat count. quantity is the usual
	// name; totalLicense is the list's filter for it. Both are read.
	Quantity     flex `json:"quantity"`
	TotalLicense flex `json:"totalLicense"`
	// Price is the reseller's price to the customer and Cost what TD
	// SYNNEX bills the reseller, per unit (margin = price − cost; total is
	// the line's amount); unconfirmed whether per unit, see parsePrice.
	Price    flex `json:"price"`
	Cost     flex `json:"cost"`
	Currency flex `json:"currency"`
}
