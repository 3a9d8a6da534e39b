package partnercenter

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

// FuzzParseTime: never panics; whatever it accepts is UTC, within the
// year bounds, and survives a round trip through RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2017-04-10T23:02:26.02Z", "2019-01-09T00:21:45.9263727+00:00", "2016-02-04T19:29:38.037",
		"9999-12-10T00:00:00Z", "0001-01-01T00:00:00", "2025-07-13", "", "2015-11-25T06: 41: 12Z",
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
		if got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) = %v, not UTC", s, got)
		}
		if y := got.Year(); y < field.MinYear || y > field.MaxYear {
			t.Fatalf("ParseTime(%q) = %v, out of range", s, got)
		}
		back, err := time.Parse(time.RFC3339Nano, got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("ParseTime(%q) = %v does not round-trip: %v %v", s, got, back, err)
		}
	})
}

var knownStatuses = []connectors.SubscriptionStatus{
	connectors.StatusActive, connectors.StatusPendingCancel, connectors.StatusSuspended, connectors.StatusCancelled,
	connectors.StatusTrial, connectors.StatusPending, connectors.StatusUnknown,
}

// FuzzSubscriptionRow decodes a subscription as Partner Center might send
// it and maps it: never panics; every oddity is kept and flagged rather
// than turned into a plausible value; warnings are one line of valid UTF-8
// of bounded length (they reach the screen); no price is ever invented.
func FuzzSubscriptionRow(f *testing.F) {
	for _, s := range []string{
		`{"id":"4BF546B2-8998-4838-BEE2-5F1BBE65A04F","offerId":"CFQ7TTC0LH18:0001","offerName":"Microsoft 365 Business Premium","quantity":120,"status":"active","autoRenewEnabled":true,"billingCycle":"monthly","termDuration":"P1Y","commitmentEndDate":"2025-07-15T00:00:00Z","effectiveStartDate":"2023-06-15T00:00:00Z"}`,
		`{"Id":"A356AC8C-E310-44F4-BF85-C7F29044AF99","OfferId":"MS-AZR-0145P","Quantity":1,"CommitmentEndDate":"9999-12-10T00:00:00Z","Status":"active","BillingType":"usage"}`,
		`{"id":"x","quantity":2.5,"status":"Frozen","isTrial":true,"autoRenewEnabled":false,"billingCycle":"oneTime","termDuration":"P2Y","effectiveStartDate":"soon","isMicrosoftProduct":false,"publisherName":"Contoso"}`,
		`{"id":"x","quantity":"7","status":"","termDuration":"","billingCycle":""}`,
		`{"id":"x","quantity":-3,"status":"deleted","autoRenewEnabled":false,"commitmentEndDate":"0001-01-01T00:00:00"}`,
		`{}`, `{"quantity":{}}`, `{"quantity":"\u0007\n"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var w wireSubscription
		if json.Unmarshal([]byte(raw), &w) != nil {
			return // httpx reports an undecodable row as a bad response
		}
		s := subscriptionFrom("acc", w)
		if !slices.Contains(knownStatuses, s.Status) {
			t.Fatalf("status %q is not a known status", s.Status)
		}
		if s.Status == connectors.StatusUnknown && len(s.Warnings) == 0 {
			t.Fatalf("status unknown without a warning (raw %q)", w.Status)
		}
		if s.Term == connectors.TermUnknown && len(s.Warnings) == 0 {
			t.Fatalf("term unknown without a warning")
		}
		if s.UnitCost.Known() || s.UnitPrice.Known() {
			t.Fatalf("a price was invented: %v %v", s.UnitCost, s.UnitPrice)
		}
		if !s.Microsoft && s.MicrosoftSubscriptionID != "" {
			t.Fatalf("another publisher's subscription offers a Microsoft id")
		}
		if !s.EndDate.IsZero() && !s.EndDate.Equal(s.CommitmentEnd) {
			t.Fatalf("end date %v is not the commitment end %v", s.EndDate, s.CommitmentEnd)
		}
		for _, warn := range s.Warnings {
			if !utf8.ValidString(warn) || utf8.RuneCountInString(warn) > field.MaxWarningRunes+1 || strings.TrimSpace(warn) == "" {
				t.Fatalf("warning %q is not a bounded line of UTF-8", warn)
			}
			if strings.IndexFunc(warn, unicode.IsControl) >= 0 {
				t.Fatalf("warning %q has a control character", warn)
			}
		}
	})
}
