package tdsynnex

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// FuzzParseTime: never panics; whatever it accepts is UTC, within the
// year bounds, and survives a round trip through RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-03-01T10:11:12Z", "2024-03-01T10:11:12.123456Z", "2024-03-01", "1709287872", "1709287872000",
		"-99999999999999", "2024-03-01T10:11:12-2359", "", "9999-12-31T23:59:59Z"} {
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
		if got.Location() != time.UTC || got.Year() < minYear || got.Year() > maxYear {
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

// FuzzSubscriptionRow decodes a subscription item as Ion might send it and
// maps it: never panics; every oddity is kept and flagged rather than
// turned into a plausible value; warnings are one bounded line of valid
// UTF-8; another vendor's row never carries a Microsoft id.
func FuzzSubscriptionRow(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","customerId":"c","subscriptionId":"AB2C7E31-1111-4222-8333-944455556666","subscriptionName":"Microsoft 365 Business Premium","subscriptionProductId":"CFQ7TTC0LCHC","subscriptionSkuId":"0002","subscriptionStatus":"active","subscriptionBillingCycle":"monthly","subscriptionBillingTerm":"P1Y","ccpProductInfo":{"productDisplayName":"M365 BP","skuDisplayName":"M365 BP"},"isTrial":false,"autoRenew":true,"price":"26.40","cost":22,"currency":"USD","renewalDate":"2026-01-01T00:00:00Z","mfgPartNumber":"CFQ7TTC0LCHC:0002:P1Y:M","quantity":12}`,
		`{"id":"2","subscriptionStatus":"on_hold","subscriptionBillingTerm":"P2Y","quantity":"2.5","price":1e400,"currency":"XXX","subscriptionStartDate":"soon"}`,
		`{"id":3,"totalLicense":-4,"isTrial":"TRUE","subscriptionStatus":"ACTIVE","cloudProviderName":"AWS","subscriptionId":"i-123","autoRenew":"false","subscriptionEndDate":1709287872}`,
		`{"id":"4","mfgPartNumber":":::","ccpProductInfo":null}`,
		`{}`, `{"price":{}}`, `{"ccpProductInfo":{"productId":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var w wireSubscription
		if json.Unmarshal(raw, &w) != nil {
			return
		}
		s := subscriptionFrom(w)
		if !slices.Contains(knownStatuses, s.Status) {
			t.Fatalf("status %q is not a normalised one", s.Status)
		}
		flagged := len(s.Warnings) > 0
		if (s.Status == connectors.StatusUnknown || s.Term == connectors.TermUnknown || s.BillingFrequency == connectors.BillUnknown) && !flagged {
			t.Fatalf("an unknown status, term or billing cycle kept without a warning: %+v", s)
		}
		if (s.Quantity < 0 || s.Quantity > field.MaxQuantity) && !flagged {
			t.Fatalf("quantity %d kept without a warning", s.Quantity)
		}
		if !s.Microsoft && (s.MicrosoftSubscriptionID != "" || s.SkuID != "") {
			t.Fatalf("another vendor's row carries Microsoft ids: %+v", s)
		}
		for _, m := range []connectors.Money{s.UnitCost, s.UnitPrice} {
			if m.Known() && len(m.Currency) != 3 {
				t.Fatalf("money %+v has no ISO currency", m)
			}
		}
		for _, w := range s.Warnings {
			if !utf8.ValidString(w) || strings.ContainsAny(w, "\r\n\x1b") || utf8.RuneCountInString(w) > field.MaxWarningRunes+1 {
				t.Fatalf("warning %q is not one bounded line", w)
			}
		}
	})
}
