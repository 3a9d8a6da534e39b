package pax8

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2023-08-11T11:33:12.314-0600", time.Date(2023, 8, 11, 17, 33, 12, 314e6, time.UTC), true},
		{"2020-12-01T13:20:13.153-0700", time.Date(2020, 12, 1, 20, 20, 13, 153e6, time.UTC), true},
		{"2025-07-13", time.Date(2025, 7, 13, 0, 0, 0, 0, time.UTC), true},
		{"2021-01-01T08:30:00Z", time.Date(2021, 1, 1, 8, 30, 0, 0, time.UTC), true},
		{"2021-01-01T08:30:00.123456Z", time.Date(2021, 1, 1, 8, 30, 0, 123456e3, time.UTC), true},
		{"2000-10-31T01:30:00.000-05:00", time.Date(2000, 10, 31, 6, 30, 0, 0, time.UTC), true},
		{"2023-08-11T11:33:12-0600", time.Date(2023, 8, 11, 17, 33, 12, 0, time.UTC), true},
		{"2023-08-11T11:33:12+02", time.Date(2023, 8, 11, 9, 33, 12, 0, time.UTC), true},
		{"2023-11-21T20:27:05.7613888", time.Date(2023, 11, 21, 20, 27, 5, 761388800, time.UTC), true},
		{"  2025-07-13 ", time.Date(2025, 7, 13, 0, 0, 0, 0, time.UTC), true},
		{"2025-07-13 10:00:00", time.Date(2025, 7, 13, 10, 0, 0, 0, time.UTC), true},
		{"", time.Time{}, false},
		{"13/07/2025", time.Time{}, false},
		{"2025-13-01", time.Time{}, false},
		{"0001-01-01T00:00:00Z", time.Time{}, false}, // Go's zero time written out: not a date
		{"2023-08-11T11:33:12.314-06:0", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTime(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseTime(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if !got.Equal(tt.want) || (tt.ok && got.Location() != time.UTC) {
				t.Errorf("ParseTime(%q) = %v, want %v in UTC", tt.in, got, tt.want)
			}
		})
	}
}

func TestMapStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want connectors.SubscriptionStatus
		warn bool
	}{
		{"Active", connectors.StatusActive, false},
		{"active", connectors.StatusActive, false},
		{"Activated", connectors.StatusActive, false},
		{"Converted", connectors.StatusActive, true},
		{"PendingCancel", connectors.StatusPendingCancel, false},
		{"Pending Cancel", connectors.StatusPendingCancel, false},
		{"PENDING_CANCEL", connectors.StatusPendingCancel, false},
		{"Cancelled", connectors.StatusCancelled, false},
		{"Canceled", connectors.StatusCancelled, false},
		{"Trial", connectors.StatusTrial, false},
		{"PendingManual", connectors.StatusPending, false},
		{"PendingAutomated", connectors.StatusPending, false},
		{"WaitingForDetails", connectors.StatusPending, false},
		{"PendingActivation", connectors.StatusPending, false},
		{"Suspended", connectors.StatusSuspended, false},
		{"Frozen", connectors.StatusUnknown, true},
		{"", connectors.StatusUnknown, true},
	}
	for _, tt := range tests {
		got, warn := mapStatus(tt.raw)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("mapStatus(%q) = %q, warning %q; want %q, warning=%v", tt.raw, got, warn, tt.want, tt.warn)
		}
	}
}

func TestMapTerm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    *wireCommitment
		want connectors.Term
		warn bool
	}{
		{"null commitment is monthly", nil, connectors.TermMonthly, false},
		{"empty term is monthly", &wireCommitment{}, connectors.TermMonthly, false},
		{"Monthly", &wireCommitment{Term: "Monthly"}, connectors.TermMonthly, false},
		{"1-Year", &wireCommitment{Term: "1-Year", EndDate: "2026-01-01"}, connectors.TermAnnual, false},
		{"1 Year", &wireCommitment{Term: "1 Year"}, connectors.TermAnnual, false},
		{"Annual", &wireCommitment{Term: "Annual"}, connectors.TermAnnual, false},
		{"3-Year", &wireCommitment{Term: "3-Year"}, connectors.TermTriennial, false},
		{"P3Y", &wireCommitment{Term: "P3Y"}, connectors.TermTriennial, false},
		{"2-Year has no term in seats", &wireCommitment{Term: "2-Year"}, connectors.TermUnknown, true},
		{"nonsense", &wireCommitment{Term: "Forever"}, connectors.TermUnknown, true},
	}
	for _, tt := range tests {
		got, warn := mapTerm(tt.c)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("%s: mapTerm = %q, warning %q; want %q, warning=%v", tt.name, got, warn, tt.want, tt.warn)
		}
	}
}

// TestTermIsTheCommitmentNotTheBilling pins the rule: billingTerm
// is how often Pax8 invoices, commitmentTerm is the term.
func TestTermIsTheCommitmentNotTheBilling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		w           wireSubscription
		term        connectors.Term
		billing     connectors.BillingFrequency
		commitEnd   time.Time
		wantWarning bool
	}{
		{"annual commitment billed monthly", wireSubscription{BillingTerm: "Monthly", CommitmentTerm: &wireCommitment{Term: "1-Year", EndDate: "2026-03-01T00:00:00Z"}},
			connectors.TermAnnual, connectors.BillMonthly, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), false},
		{"annual billing without a commitment is a monthly term", wireSubscription{BillingTerm: "Annual"},
			connectors.TermMonthly, connectors.BillAnnual, time.Time{}, false},
		{"triennial billed annually", wireSubscription{BillingTerm: "Annual", CommitmentTerm: &wireCommitment{Term: "3-Year", EndDate: "2028-05-31"}},
			connectors.TermTriennial, connectors.BillAnnual, time.Date(2028, 5, 31, 0, 0, 0, 0, time.UTC), false},
		{"one-time", wireSubscription{BillingTerm: "One-Time"}, connectors.TermMonthly, connectors.BillOnce, time.Time{}, false},
		{"3-Year billing is flagged", wireSubscription{BillingTerm: "3-Year", CommitmentTerm: &wireCommitment{Term: "3-Year"}},
			connectors.TermTriennial, connectors.BillUnknown, time.Time{}, true},
	}
	for _, tt := range tests {
		tt.w.ID, tt.w.Status, tt.w.Quantity = "s1", "Active", "1"
		s := subscriptionFrom(tt.w, wireProduct{}, false)
		if s.Term != tt.term || s.BillingFrequency != tt.billing || !s.CommitmentEnd.Equal(tt.commitEnd) || (len(s.Warnings) > 0) != tt.wantWarning {
			t.Errorf("%s: term %q billing %q end %v warnings %q; want %q %q %v warning=%v",
				tt.name, s.Term, s.BillingFrequency, s.CommitmentEnd, s.Warnings, tt.term, tt.billing, tt.commitEnd, tt.wantWarning)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   json.Number
		want int
		warn string // a substring of the warning, "" for none
	}{
		{"5", 5, ""},
		{"0", 0, ""},
		{"5.0", 5, ""},
		{"2.5", 2, "not a whole number"},
		{"-3", -3, "negative"},
		{"1e20", 0, "not a plausible"},
		{"1000001", 0, "not a plausible"},
		{"", 0, "no quantity"},
		{"abc", 0, "not a number"},
	}
	for _, tt := range tests {
		got, warn := parseQuantity(tt.in)
		if got != tt.want || (tt.warn == "") != (warn == "") || !strings.Contains(warn, tt.warn) {
			t.Errorf("parseQuantity(%q) = %d, %q; want %d, warning containing %q", tt.in, got, warn, tt.want, tt.warn)
		}
	}
}

func TestParsePrice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		amount   json.Number
		currency string
		want     connectors.Money
		warn     bool
	}{
		{"absent is unknown, silently", "", "USD", connectors.Money{}, false},
		{"dollars", "26.40", "USD", connectors.Money{Minor: 2640, Currency: "USD"}, false},
		{"whole", "150", "USD", connectors.Money{Minor: 15000, Currency: "USD"}, false},
		{"known zero", "0", "EUR", connectors.Money{Minor: 0, Currency: "EUR"}, false},
		{"yen has no minor unit", "1200", "JPY", connectors.Money{Minor: 1200, Currency: "JPY"}, false},
		{"lower-case code", "9.99", "gbp", connectors.Money{Minor: 999, Currency: "GBP"}, false},
		{"rounded and flagged", "17.985", "USD", connectors.Money{Minor: 1798, Currency: "USD"}, true},
		{"no currency is blank", "12", "", connectors.Money{}, true},
		{"unknown currency is blank", "12", "XYZ", connectors.Money{}, true},
	}
	for _, tt := range tests {
		got, warn := parsePrice("price", tt.amount, tt.currency)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("%s: parsePrice = %+v, %q; want %+v, warning=%v", tt.name, got, warn, tt.want, tt.warn)
		}
	}
}

func TestTenantIDFrom(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21":   "1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21",
		"1F0E9A3C-6B2D-4C1E-9F8A-7B6C5D4E3F21":   "1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21",
		" 1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21 ": "1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21",
		"{1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21}": "1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21",
		"1f0e9a3c6b2d4c1e9f8a7b6c5d4e3f21":       "", // no hyphens: too easily some other id
		"00000000-0000-0000-0000-000000000000":   "",
		"A123":                                   "",
		"CW-1042":                                "",
		"":                                       "",
	}
	for in, want := range tests {
		if got := tenantIDFrom(in); got != want {
			t.Errorf("tenantIDFrom(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDomainFrom(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"vfc-network-inc-liberty.com":     "vfc-network-inc-liberty.com",
		"https://www.Contoso.com/about":   "contoso.com",
		"WWW.contoso.co.uk:443":           "contoso.co.uk",
		"http://fabrikam.onmicrosoft.com": "fabrikam.onmicrosoft.com",
		"contoso.com.":                    "contoso.com",
		"":                                "",
		"n/a":                             "",
		"localhost":                       "",
		"not a website":                   "",
		"https://":                        "",
		"-bad-.com":                       "",
		"café.example":                    "café.example",
	}
	for in, want := range tests {
		if got := field.Domain(in); got != want {
			t.Errorf("field.Domain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAccountFrom(t *testing.T) {
	t.Parallel()
	a := accountFrom(wireCompany{ID: "c1", Name: "VFC Network, Inc", Website: "www.vfc.com", ExternalID: "1F0E9A3C-6B2D-4C1E-9F8A-7B6C5D4E3F21", Status: "Active"})
	want := connectors.DistributorAccount{ID: "c1", Name: "VFC Network, Inc", TenantID: "1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21",
		TenantIDSource: "pax8 externalId", Domain: "vfc.com", Active: true}
	if a != want {
		t.Errorf("accountFrom = %+v, want %+v", a, want)
	}
	if b := accountFrom(wireCompany{ID: "c2", ExternalID: "A123", Status: "Inactive"}); b.TenantID != "" || b.TenantIDSource != "" || b.Active {
		t.Errorf("an inactive company with a PSA id: %+v", b)
	}
	if b := accountFrom(wireCompany{ID: "c3", Status: "Deleted"}); b.Active {
		t.Errorf("a deleted company is active")
	}
}

func TestSubscriptionFromMicrosoftIDs(t *testing.T) {
	t.Parallel()
	w := wireSubscription{
		ID: "s1", CompanyID: "c1", ProductID: "p1", ProductName: "Microsoft 365 Business Premium",
		VendorSubscriptionID: "AB2C7E31-1111-4222-8333-944455556666", VendorSkuID: "CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46",
		Quantity: "12", Status: "Active", Price: "26.40", PartnerCost: "22", CurrencyCode: "USD", BillingTerm: "Monthly",
		StartDate: "2023-08-11T11:33:12.314-0600",
	}
	prod := wireProduct{ID: "p1", Name: "Microsoft 365 Business Premium", VendorName: "Microsoft", VendorSKU: "CFQ7TTC0LCHC:0002"}
	s := subscriptionFrom(w, prod, true)
	if s.MicrosoftSubscriptionID != "ab2c7e31-1111-4222-8333-944455556666" || s.SkuID != "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" {
		t.Errorf("Microsoft ids %q %q", s.MicrosoftSubscriptionID, s.SkuID)
	}
	if s.UnitCost != (connectors.Money{Minor: 2200, Currency: "USD"}) || s.UnitPrice != (connectors.Money{Minor: 2640, Currency: "USD"}) {
		t.Errorf("cost %v price %v", s.UnitCost, s.UnitPrice)
	}
	if s.Product.VendorSKU != "CFQ7TTC0LCHC:0002" || s.Product.Vendor != "Microsoft" || !s.Microsoft || s.Warnings != nil {
		t.Errorf("product %+v microsoft=%v warnings %q", s.Product, s.Microsoft, s.Warnings)
	}
	if !s.StartDate.Equal(time.Date(2023, 8, 11, 17, 33, 12, 314e6, time.UTC)) {
		t.Errorf("start %v", s.StartDate)
	}

	// Another vendor's subscription id is never taken for Microsoft's.
	w.VendorSkuID = "ACR-PROTECT-1"
	o := subscriptionFrom(w, wireProduct{VendorName: "Acronis"}, false)
	if o.Microsoft || o.MicrosoftSubscriptionID != "" || o.SkuID != "" {
		t.Errorf("non-Microsoft row carries Microsoft ids: %+v", o)
	}

	// A Microsoft vendorSkuId that is not a GUID is flagged, not used.
	m := subscriptionFrom(w, prod, true)
	if m.SkuID != "" || len(m.Warnings) != 1 {
		t.Errorf("non-GUID vendorSkuId: sku %q warnings %q", m.SkuID, m.Warnings)
	}
}

func TestSubscriptionFromUnreadableDate(t *testing.T) {
	t.Parallel()
	s := subscriptionFrom(wireSubscription{ID: "s1", Status: "Active", Quantity: "1", BillingTerm: "Monthly", StartDate: "31/12/2024"}, wireProduct{}, false)
	if !s.StartDate.IsZero() || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "startDate") {
		t.Errorf("start %v warnings %q", s.StartDate, s.Warnings)
	}
}
