package sherweb

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Time{
		"2023-11-21T20:27:05.7613888":  time.Date(2023, 11, 21, 20, 27, 5, 761388800, time.UTC),
		"2023-11-21T20:27:05.7613888Z": time.Date(2023, 11, 21, 20, 27, 5, 761388800, time.UTC),
		"2023-11-21T20:27:05+02:00":    time.Date(2023, 11, 21, 18, 27, 5, 0, time.UTC),
		"2024-11-21":                   time.Date(2024, 11, 21, 0, 0, 0, 0, time.UTC),
		" 2024-11-21T00:00:00 ":        time.Date(2024, 11, 21, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "0001-01-01T00:00:00", "21/11/2023"} {
		if _, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) accepted", in)
		}
	}
}

func TestMapStatusWithoutAStatusField(t *testing.T) {
	t.Parallel()
	frozen, empty := "Frozen", " "
	tests := []struct {
		raw                *string
		suspended, noRenew bool
		want               connectors.SubscriptionStatus
		warn               bool
	}{
		{nil, false, false, connectors.StatusActive, false},
		{nil, false, true, connectors.StatusPendingCancel, false},
		{nil, true, true, connectors.StatusSuspended, false},
		{&empty, false, false, connectors.StatusActive, false},
		{&frozen, false, false, connectors.StatusUnknown, true},
	}
	for _, tc := range tests {
		got, _, warn := mapStatus(tc.raw, tc.suspended, tc.noRenew)
		if got != tc.want || (warn != "") != tc.warn {
			t.Errorf("mapStatus(%v, %v, %v) = %q %q", tc.raw, tc.suspended, tc.noRenew, got, warn)
		}
	}
}

// FuzzParseTime: never panics; whatever it accepts is UTC, within the
// year bounds, and survives a round trip through RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2023-11-21T20:27:05.7613888", "2023-11-21T20:27:05.7613888Z", "2024-11-21", "2021-01-13T20:30:05+0100",
		"", "0001-01-01T00:00:00", "9999-12-31T23:59:59-2359",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			if !got.IsZero() {
				t.Fatalf("ParseTime(%q) failed but returned %v", s, got)
			}
			return
		}
		if got.Location() != time.UTC || got.Year() < field.MinYear || got.Year() > field.MaxYear {
			t.Fatalf("ParseTime(%q) = %v", s, got)
		}
		back, err := time.Parse(time.RFC3339Nano, got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("ParseTime(%q) = %v does not round-trip", s, got)
		}
	})
}

var knownStatuses = []connectors.SubscriptionStatus{
	connectors.StatusActive, connectors.StatusPendingCancel, connectors.StatusSuspended, connectors.StatusCancelled,
	connectors.StatusTrial, connectors.StatusPending, connectors.StatusUnknown,
}

// FuzzSubscriptionRow decodes a subscription as the API might send it and
// maps it: never panics, every oddity is kept and flagged, and warnings are
// one bounded line of valid UTF-8 (they reach the screen).
func FuzzSubscriptionRow(f *testing.F) {
	for _, s := range []string{
		`{"id":"0a1b","productName":"Microsoft 365 Business Premium","description":"x","sku":"MST-1","quantity":12,"billingCycle":"monthly","purchaseDate":"2023-11-21T20:27:05.7613888","fees":{"recurringFee":26.4,"setupFee":0,"currency":"USD"},"commitmentTerm":{"type":"Annual","termEndDate":"2024-11-21","renewalConfiguration":{"renewalDate":"2024-11-21","scheduledQuantity":12},"committedMinimalQuantities":[]}}`,
		`{"id":"s","quantity":2.5,"billingCycle":"weekly","status":"Frozen","fees":{"recurringFee":"12.345","currency":"XXX"},"commitmentTerm":{"type":"Biennial","termEndDate":"soon","renewalConfiguration":null}}`,
		`{"id":"s","quantity":-1,"fees":null,"commitmentTerm":null,"status":null}`,
		`{}`, `{"quantity":1e400}`,
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, raw []byte, suspendedCustomer bool) {
		var w wireSubscription
		if json.Unmarshal(raw, &w) != nil {
			return
		}
		cust := wireCustomer{ID: "c"}
		if suspendedCustomer {
			on := "2021-01-13T20:30:05.7613888"
			cust.SuspendedOn = &on
		}
		s := subscriptionFrom(w, cust, connectors.Money{}, "")
		if !slices.Contains(knownStatuses, s.Status) {
			t.Fatalf("status %q is not a normalised one", s.Status)
		}
		if (s.Status == connectors.StatusUnknown || s.Term == connectors.TermUnknown || s.Quantity < 0) && len(s.Warnings) == 0 {
			t.Fatalf("an oddity kept without a warning: %+v", s)
		}
		if !s.UnitPrice.Known() && s.UnitPrice.Minor != 0 {
			t.Fatalf("unknown money with an amount: %+v", s.UnitPrice)
		}
		if s.SkuID != "" || s.MicrosoftSubscriptionID != "" {
			t.Fatalf("Microsoft ids invented: %+v", s)
		}
		for _, msg := range s.Warnings {
			if !utf8.ValidString(msg) || strings.ContainsFunc(msg, unicode.IsControl) || utf8.RuneCountInString(msg) > field.MaxWarningRunes+1 {
				t.Fatalf("warning %q is not one bounded line", msg)
			}
		}
	})
}

// FuzzPayableCharges: the Distributor API's answer indexes or fails as a
// bad response; a cost found is always a known amount in a currency, and a
// charge whose price cannot be read leaves the cost unknown with a warning.
func FuzzPayableCharges(f *testing.F) {
	for _, s := range []string{
		`{"periodFrom":"2026-03-01T00:00:00","periodTo":"2026-03-31T00:00:00","charges":[{"sku":"MST-1","chargeType":"Recurring","billingCycleType":"Monthly","quantity":12,"netPrice":22,"currency":"USD","tags":[{"name":"CustomerDisplayName","value":"Fabrikam"}]}]}`,
		`{"charges":[{"sku":"MST-1","chargeType":"Recurring","netPrice":"x","currency":"USD"},{"sku":"MST-1","chargeType":"Setup","netPrice":1}]}`,
		`{"charges":[1]}`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var out wirePayableCharges
		if json.Unmarshal(raw, &out) != nil {
			return
		}
		idx, err := indexCharges("fuzz", out.Charges)
		if err != nil {
			if connectors.KindOf(err) != connectors.ErrBadResponse {
				t.Fatalf("error of kind %v", connectors.KindOf(err))
			}
			return
		}
		for k, chs := range idx.charges {
			for _, ch := range chs {
				if ch.netPrice.Known() == (ch.unreadable != "") {
					t.Fatalf("charge of %+v: cost %v, unreadable %q", k, ch.netPrice, ch.unreadable)
				}
			}
			got, warning := idx.lookup(k.customer, wireSubscription{SKU: k.sku, Quantity: json.Number(chs[0].quantity)})
			if !got.Known() && len(chs) == 1 && chs[0].unreadable == "" {
				t.Fatalf("the one charge of %+v was not found", k)
			}
			if !got.Known() && warning == "" {
				t.Fatalf("the cost of %+v is unknown without a warning", k)
			}
		}
	})
}
