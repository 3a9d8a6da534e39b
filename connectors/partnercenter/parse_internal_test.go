package partnercenter

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2017-04-10T23:02:26.02Z", time.Date(2017, 4, 10, 23, 2, 26, 20e6, time.UTC)},
		{"2019-01-09T00:21:45.9263727+00:00", time.Date(2019, 1, 9, 0, 21, 45, 926372700, time.UTC)},
		{"2019-01-04T01:00:12.6647304Z", time.Date(2019, 1, 4, 1, 0, 12, 664730400, time.UTC)},
		{"2016-02-04T19:29:38.037", time.Date(2016, 2, 4, 19, 29, 38, 37e6, time.UTC)},
		{"2018-05-07T00:00:00-0700", time.Date(2018, 5, 7, 7, 0, 0, 0, time.UTC)},
		{" 2025-07-13 ", time.Date(2025, 7, 13, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := ParseTime(tc.in)
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "soon", "2015-11-25T06: 41: 12Z", "0001-01-01T00:00:00"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestMapStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw   string
		trial bool
		want  connectors.SubscriptionStatus
		warn  bool
	}{
		{"active", false, connectors.StatusActive, false},
		{"Active", true, connectors.StatusTrial, false},
		{"suspended", false, connectors.StatusSuspended, false},
		{"disabled", false, connectors.StatusSuspended, false},
		{"deleted", false, connectors.StatusCancelled, false},
		{"expired", false, connectors.StatusCancelled, false},
		{"pending", false, connectors.StatusPending, false},
		{"none", false, connectors.StatusUnknown, true},
		{"transferring", false, connectors.StatusUnknown, true},
		{"", false, connectors.StatusUnknown, true},
	} {
		got, warn := mapStatus(tc.raw, tc.trial)
		if got != tc.want || (warn != "") != tc.warn {
			t.Errorf("mapStatus(%q, %v) = %q, %q; want %q, warning %v", tc.raw, tc.trial, got, warn, tc.want, tc.warn)
		}
	}
}

func TestMapTermAndBilling(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		term, cycle string
		want        connectors.Term
		warn        bool
	}{
		{"P1M", "monthly", connectors.TermMonthly, false},
		{"p1y", "monthly", connectors.TermAnnual, false}, // an annual commitment billed monthly
		{"P12M", "annual", connectors.TermAnnual, false},
		{"P3Y", "triennial", connectors.TermTriennial, false},
		{"P2Y", "biennial", connectors.TermUnknown, true},
		{"", "annual", connectors.TermAnnual, false}, // legacy: no termDuration
		{"", "monthly", connectors.TermMonthly, false},
		{"", "none", connectors.TermUnknown, true},
	} {
		got, warn := mapTerm(tc.term, tc.cycle)
		if got != tc.want || (warn != "") != tc.warn {
			t.Errorf("mapTerm(%q, %q) = %q, %q; want %q, warning %v", tc.term, tc.cycle, got, warn, tc.want, tc.warn)
		}
	}
	for _, tc := range []struct {
		cycle, billingType string
		trial              bool
		want               connectors.BillingFrequency
		warn               bool
	}{
		{"monthly", "license", false, connectors.BillMonthly, false},
		{"Annual", "license", false, connectors.BillAnnual, false},
		{"oneTime", "license", false, connectors.BillOnce, false},
		{"one_time", "license", false, connectors.BillOnce, false}, // the casing of oneTime is not confirmed
		{"none", "license", true, connectors.BillUnknown, false},
		{"none", "usage", false, connectors.BillUnknown, false},
		{"none", "license", false, connectors.BillUnknown, true},
		{"triennial", "license", false, connectors.BillUnknown, true},
		{"", "license", false, connectors.BillUnknown, true},
	} {
		got, warn := mapBilling(tc.cycle, tc.trial, tc.billingType)
		if got != tc.want || (warn != "") != tc.warn {
			t.Errorf("mapBilling(%q, %v, %q) = %q, %q; want %q, warning %v", tc.cycle, tc.trial, tc.billingType, got, warn, tc.want, tc.warn)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw  string
		want int
		warn bool
	}{
		{"5", 5, false},
		{`"7"`, 7, false},
		{"2.5", 2, true},
		{"-1", -1, true},
		{"1e9", 0, true},
		{`"many"`, 0, true},
		{"null", 0, true},
		{"", 0, true},
		{"{}", 0, true},
	} {
		got, warn := parseQuantity(json.RawMessage(tc.raw))
		if got != tc.want || (warn != "") != tc.warn {
			t.Errorf("parseQuantity(%s) = %d, %q; want %d, warning %v", tc.raw, got, warn, tc.want, tc.warn)
		}
	}
}

func decodeSub(t *testing.T, raw string) wireSubscription {
	t.Helper()
	var w wireSubscription
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return w
}

// The documentation's NCE sample: ids lower-cased to meet Graph's, no
// price, an annual term billed monthly, auto-renewing (no end date).
func TestSubscriptionFromNCE(t *testing.T) {
	t.Parallel()
	w := decodeSub(t, `{"id":"4BF546B2-8998-4838-BEE2-5F1BBE65A04F","offerId":"CFQ7TTC0LH18:0001",
		"offerName":"Microsoft 365 Business Premium","friendlyName":"Acme M365 BP","quantity":120,
		"status":"active","autoRenewEnabled":true,"billingCycle":"monthly","billingType":"license",
		"termDuration":"P1Y","commitmentEndDate":"2025-07-15T00:00:00Z","effectiveStartDate":"2023-06-15T00:00:00Z",
		"creationDate":"2023-06-15T19:29:38Z","publisherName":"Microsoft Corporation"}`)
	s := subscriptionFrom("acc", w)
	if s.ID != "4bf546b2-8998-4838-bee2-5f1bbe65a04f" || s.MicrosoftSubscriptionID != s.ID || !s.Microsoft {
		t.Errorf("ids %q %q microsoft %v", s.ID, s.MicrosoftSubscriptionID, s.Microsoft)
	}
	if s.Product.Name != "Microsoft 365 Business Premium" || s.Product.ID != "CFQ7TTC0LH18:0001" || s.SkuID != "" {
		t.Errorf("product %+v sku %q", s.Product, s.SkuID)
	}
	if s.Quantity != 120 || s.Term != connectors.TermAnnual || s.BillingFrequency != connectors.BillMonthly || s.Status != connectors.StatusActive {
		t.Errorf("quantity %d term %q billing %q status %q", s.Quantity, s.Term, s.BillingFrequency, s.Status)
	}
	if s.UnitCost.Known() || s.UnitPrice.Known() {
		t.Errorf("a price was made up: %v %v", s.UnitCost, s.UnitPrice)
	}
	if !s.CommitmentEnd.Equal(time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC)) || !s.EndDate.IsZero() ||
		!s.StartDate.Equal(time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("dates start %v commitment %v end %v", s.StartDate, s.CommitmentEnd, s.EndDate)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings %q", s.Warnings)
	}
}

// A legacy usage subscription (Azure): no commitment (year 9999), no term
// duration, no billing cycle, not renewing: no end date and no warnings
// about the stand-in date.
func TestSubscriptionFromLegacyUsage(t *testing.T) {
	t.Parallel()
	w := decodeSub(t, `{"Id":"A356AC8C-E310-44F4-BF85-C7F29044AF99","OfferId":"MS-AZR-0145P","OfferName":"Microsoft Azure",
		"Quantity":1,"CreationDate":"2016-05-10T07:30:05.427Z","EffectiveStartDate":"2016-05-10T00:00:00Z",
		"CommitmentEndDate":"9999-12-10T00:00:00Z","Status":"active","AutoRenewEnabled":false,"BillingType":"usage"}`)
	s := subscriptionFrom("acc", w)
	if s.ID != "a356ac8c-e310-44f4-bf85-c7f29044af99" || s.Product.ID != "MS-AZR-0145P" {
		t.Errorf("PascalCase fields not read: %+v", s)
	}
	if !s.CommitmentEnd.IsZero() || !s.EndDate.IsZero() {
		t.Errorf("commitment %v end %v, want none for year 9999", s.CommitmentEnd, s.EndDate)
	}
	for _, warn := range s.Warnings {
		if strings.Contains(warn, "commitmentEndDate") {
			t.Errorf("the year-9999 stand-in was warned about: %q", warn)
		}
	}
	if s.Term != connectors.TermUnknown || !s.Microsoft {
		t.Errorf("term %q microsoft %v", s.Term, s.Microsoft)
	}
}

// Another publisher's product (a marketplace SaaS subscription) is kept,
// marked, and offers no Microsoft id; a fractional quantity and an
// unreadable date are kept and flagged; a trial that will not renew ends
// with its commitment.
func TestSubscriptionFromOddities(t *testing.T) {
	t.Parallel()
	s := subscriptionFrom("acc", decodeSub(t, `{"id":"6e7aa601-629e-461b-8933-0898c3cc3c7c","offerId":"DZH318Z0BXWC:0001:DZH318Z0BMJX",
		"offerName":"offer Name","quantity":1,"status":"active","isMicrosoftProduct":false,"publisherName":"Contoso Ltd",
		"billingCycle":"monthly","termDuration":"P1M","effectiveStartDate":"2019-01-09T00:21:45.9263727+00:00"}`))
	if s.Microsoft || s.MicrosoftSubscriptionID != "" || s.Product.Vendor != "Contoso Ltd" {
		t.Errorf("non-Microsoft subscription: microsoft %v id %q vendor %q", s.Microsoft, s.MicrosoftSubscriptionID, s.Product.Vendor)
	}
	s = subscriptionFrom("acc", decodeSub(t, `{"id":"x","friendlyName":"nickname","quantity":2.5,"status":"active",
		"isTrial":true,"autoRenewEnabled":false,"billingCycle":"none","termDuration":"P1M",
		"effectiveStartDate":"soon","creationDate":"2024-02-01T10:00:00Z","commitmentEndDate":"2024-03-02T00:00:00Z"}`))
	if s.Quantity != 2 || s.Status != connectors.StatusTrial || s.Product.Name != "nickname" {
		t.Errorf("quantity %d status %q name %q", s.Quantity, s.Status, s.Product.Name)
	}
	if !s.StartDate.Equal(time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)) || !s.EndDate.Equal(s.CommitmentEnd) || s.EndDate.IsZero() {
		t.Errorf("start %v end %v commitment %v", s.StartDate, s.EndDate, s.CommitmentEnd)
	}
	if len(s.Warnings) != 2 {
		t.Errorf("warnings %q, want the quantity and the start date", s.Warnings)
	}
}

func TestAccountFrom(t *testing.T) {
	t.Parallel()
	var w wireCustomer
	raw := `{"id":"C501C3C4-D776-40EF-9ECF-9CEFB59442C1","companyProfile":{"tenantId":"c501c3c4-d776-40ef-9ecf-9cefb59442c1",
		"domain":"Contoso.OnMicrosoft.com","companyName":" Contoso "},"relationshipToPartner":"reseller"}`
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		t.Fatal(err)
	}
	a := accountFrom(w)
	want := connectors.DistributorAccount{ID: "c501c3c4-d776-40ef-9ecf-9cefb59442c1", Name: "Contoso",
		TenantID: "c501c3c4-d776-40ef-9ecf-9cefb59442c1", TenantIDSource: TenantIDSource,
		Domain: "contoso.onmicrosoft.com", Active: true}
	if a != want {
		t.Errorf("accountFrom = %+v, want %+v", a, want)
	}
	if a := accountFrom(wireCustomer{ID: "not-a-guid"}); a.TenantID != "" || a.ID != "not-a-guid" {
		t.Errorf("a non-GUID id became tenant %q", a.TenantID)
	}
}
