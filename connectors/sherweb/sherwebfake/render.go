package sherwebfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The wire shapes the fake answers with, in Sherweb's field names.

type wireCustomer struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Path        []string `json:"path"`
	SuspendedOn *string  `json:"suspendedOn"`
}

func renderCustomer(c Customer) wireCustomer {
	w := wireCustomer{ID: c.ID, DisplayName: c.DisplayName, Path: c.Path}
	if w.Path == nil {
		w.Path = []string{}
	}
	if !c.SuspendedOn.IsZero() {
		v := DateNoZone.Format(c.SuspendedOn)
		w.SuspendedOn = &v
	}
	return w
}

type wireFees struct {
	RecurringFee json.Number `json:"recurringFee,omitempty"`
	SetupFee     json.Number `json:"setupFee,omitempty"`
	Currency     string      `json:"currency,omitempty"`
}

type wireRenewal struct {
	RenewalDate       string      `json:"renewalDate,omitempty"`
	ScheduledQuantity json.Number `json:"scheduledQuantity,omitempty"`
}

type wireCommitment struct {
	Type                       string        `json:"type"`
	TermEndDate                string        `json:"termEndDate,omitempty"`
	RenewalConfiguration       *wireRenewal  `json:"renewalConfiguration"`
	CommittedMinimalQuantities []wireMinimum `json:"committedMinimalQuantities"`
}

type wireMinimum struct {
	CommittedUntil string      `json:"committedUntil"`
	Quantity       json.Number `json:"quantity"`
}

// wireSubscription is the union of the three subscription shapes; each
// endpoint fills its own fields (see renderSubscription).
type wireSubscription struct {
	ID             string          `json:"id"`
	ProductName    string          `json:"productName,omitempty"`
	Description    string          `json:"description,omitempty"`
	SKU            string          `json:"sku,omitempty"`
	Quantity       json.Number     `json:"quantity,omitempty"`
	BillingCycle   string          `json:"billingCycle,omitempty"`
	PurchaseDate   string          `json:"purchaseDate,omitempty"`
	Fees           *wireFees       `json:"fees"`
	CommitmentTerm *wireCommitment `json:"commitmentTerm"`
	Status         string          `json:"status,omitempty"`
}

// renderSubscription writes a subscription as the endpoint of call does:
// details without billing cycle and fees, pricing information with only
// id, billing cycle, fees and commitment term, the older combined list with
// all of it.
func renderSubscription(s Subscription, call Call) any {
	w := wireSubscription{
		ID: s.ID, ProductName: s.ProductName, Description: s.Description, SKU: s.SKU, Quantity: s.Quantity,
		BillingCycle: s.BillingCycle, Status: s.Status,
	}
	if w.Description == "" {
		w.Description = s.ProductName
	}
	if !s.PurchaseDate.IsZero() {
		w.PurchaseDate = s.DateStyle.Format(s.PurchaseDate)
	}
	if f := s.Fees; f != nil {
		w.Fees = &wireFees{RecurringFee: f.RecurringFee, SetupFee: f.SetupFee, Currency: f.Currency}
	}
	if c := s.Commitment; c != nil {
		w.CommitmentTerm = &wireCommitment{Type: c.Type, CommittedMinimalQuantities: []wireMinimum{}}
		if !c.TermEndDate.IsZero() {
			w.CommitmentTerm.TermEndDate = s.DateStyle.Format(c.TermEndDate)
			w.CommitmentTerm.CommittedMinimalQuantities = append(w.CommitmentTerm.CommittedMinimalQuantities,
				wireMinimum{CommittedUntil: s.DateStyle.Format(c.TermEndDate), Quantity: s.Quantity})
		}
		if c.Renews {
			w.CommitmentTerm.RenewalConfiguration = &wireRenewal{ScheduledQuantity: s.Quantity}
			if !c.RenewalDate.IsZero() {
				w.CommitmentTerm.RenewalConfiguration.RenewalDate = s.DateStyle.Format(c.RenewalDate)
			}
		}
	}
	switch call {
	case CallDetails:
		w.BillingCycle, w.Fees = "", nil
		return struct {
			ID             string          `json:"id"`
			ProductName    string          `json:"productName"`
			Description    string          `json:"description"`
			SKU            string          `json:"sku"`
			Quantity       json.Number     `json:"quantity"`
			PurchaseDate   string          `json:"purchaseDate,omitempty"`
			CommitmentTerm *wireCommitment `json:"commitmentTerm"`
			Status         string          `json:"status,omitempty"`
		}{w.ID, w.ProductName, w.Description, w.SKU, w.Quantity, w.PurchaseDate, w.CommitmentTerm, w.Status}
	case CallPricing:
		return struct {
			ID             string          `json:"id"`
			BillingCycle   string          `json:"billingCycle"`
			Fees           *wireFees       `json:"fees"`
			CommitmentTerm *wireCommitment `json:"commitmentTerm"`
		}{w.ID, w.BillingCycle, w.Fees, w.CommitmentTerm}
	}
	return w
}

type wireCharge struct {
	ProductID        string      `json:"productId"`
	ProductName      string      `json:"productName"`
	SKU              string      `json:"sku"`
	ChargeID         string      `json:"chargeId"`
	ChargeName       string      `json:"chargeName"`
	ChargeType       string      `json:"chargeType"`
	BillingCycleType string      `json:"billingCycleType"`
	PeriodFrom       string      `json:"periodFrom"`
	PeriodTo         string      `json:"periodTo"`
	Quantity         json.Number `json:"quantity"`
	ListPrice        json.Number `json:"listPrice,omitempty"`
	NetPrice         json.Number `json:"netPrice"`
	NetPriceProrated json.Number `json:"netPriceProrated"`
	SubTotal         string      `json:"subTotal,omitempty"`
	Currency         string      `json:"currency"`
	IsBilled         bool        `json:"isBilled"`
	IsProratable     bool        `json:"isProratable"`
	Deductions       []any       `json:"deductions"`
	Fees             []any       `json:"fees"`
	Taxes            []any       `json:"taxes"`
	Tags             []wireTag   `json:"tags"`
}

type wireTag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// payableCharges is the Distributor API's answer for the billing month
// holding day: a recurring charge per subscription with a Cost, tagged with
// its customer's display name (the only customer reference Sherweb gives),
// plus a setup charge where the subscription has a setup fee, which a
// client must not take for a seat's cost. Call with the lock held.
func (s *Server) payableCharges(day time.Time) any {
	from := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, -1)
	names := map[string]string{}
	for _, c := range s.w.Customers {
		names[strings.ToLower(c.ID)] = c.DisplayName
	}
	charges := []wireCharge{}
	for i, sub := range s.w.Subscriptions {
		if sub.Cost == nil {
			continue
		}
		ch := wireCharge{
			ProductID: "prod-" + strings.ToLower(sub.SKU), ProductName: sub.ProductName, SKU: sub.SKU,
			ChargeID: chargeID(i, 0), ChargeName: sub.ProductName, ChargeType: "Recurring",
			BillingCycleType: cycleType(sub.BillingCycle),
			PeriodFrom:       DateNoZone.Format(from), PeriodTo: DateNoZone.Format(to),
			Quantity: sub.Quantity, ListPrice: sub.Cost.ListPrice, NetPrice: sub.Cost.NetPrice, NetPriceProrated: sub.Cost.NetPrice,
			Currency: sub.Cost.Currency, IsProratable: true,
			Deductions: []any{}, Fees: []any{}, Taxes: []any{},
			Tags: []wireTag{{Name: "CustomerDisplayName", Value: names[strings.ToLower(sub.CustomerID)]}},
		}
		charges = append(charges, ch)
		if sub.Fees != nil && sub.Fees.SetupFee != "" {
			setup := ch
			setup.ChargeID, setup.ChargeName, setup.ChargeType, setup.BillingCycleType = chargeID(i, 1), sub.ProductName+" setup", "Setup", "OneTime"
			setup.NetPrice, setup.NetPriceProrated, setup.ListPrice = sub.Fees.SetupFee, sub.Fees.SetupFee, ""
			charges = append(charges, setup)
		}
	}
	return map[string]any{"periodFrom": DateNoZone.Format(from), "periodTo": DateNoZone.Format(to), "charges": charges}
}

func chargeID(i, k int) string { return fmt.Sprintf("c%04d-%d", i, k) }

// cycleType is billingCycleType for a subscription's billing cycle.
func cycleType(billingCycle string) string {
	switch strings.ToLower(strings.TrimSpace(billingCycle)) {
	case "monthly":
		return "Monthly"
	case "yearly":
		return "Yearly"
	}
	return "OneTime"
}
