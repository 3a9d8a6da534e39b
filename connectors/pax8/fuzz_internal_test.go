package pax8

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors/internal/bearer"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// FuzzParseTime: never panics; whatever it accepts is UTC, within the
// year bounds, and survives a round trip through RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2023-08-11T11:33:12.314-0600", "2025-07-13", "2021-01-01T08:30:00Z", "2000-10-31T01:30:00.000-05:00",
		"2023-11-21T20:27:05.7613888", "2023-08-11T11:33:12+02", "", "0000-01-01T00:30:00+0100", "9999-12-31T23:59:59-2359",
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

// FuzzSubscriptionRow decodes a subscription as the API might send it and
// maps it: never panics, and every oddity is kept and flagged rather than
// turned into a plausible value. Warnings are one line of valid UTF-8 of
// bounded length (they reach the screen).
func FuzzSubscriptionRow(f *testing.F) {
	for _, s := range []string{
		`{"id":"09ac6f1d","companyId":"19e83ea9","productId":"1810aea9","quantity":5,"startDate":"2021-01-01T08:30:00Z","createdDate":"2020-12-03","billingStart":"2021-01-01","status":"PendingAutomated","price":150,"currencyCode":"USD","productName":"Microsoft 365 Business Standard","billingTerm":"Monthly"}`,
		`{"id":"s","quantity":2.5,"status":"Frozen","price":"12.345","partnerCost":1e400,"currencyCode":"XXX","billingTerm":"3-Year","commitmentTerm":{"term":"5-Year","endDate":"soon"}}`,
		`{"id":"s","quantity":-1,"status":"Converted","commitmentTerm":null,"vendorSkuId":"not-a-guid","vendorSubscriptionId":"AB2C7E31-1111-4222-8333-944455556666"}`,
		`{"id":"s","quantity":"7","price":"26.40","currencyCode":"usd"}`,
		`{}`, `[]`, `null`, `{"quantity":{}}`,
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, raw []byte, microsoft bool) {
		var w wireSubscription
		if json.Unmarshal(raw, &w) != nil {
			return
		}
		s := subscriptionFrom(w, wireProduct{VendorName: "Microsoft"}, microsoft)
		if !slices.Contains(knownStatuses, s.Status) {
			t.Fatalf("status %q is not a normalised one", s.Status)
		}
		if s.Status == connectors.StatusUnknown && len(s.Warnings) == 0 {
			t.Fatalf("unknown status %q kept without a warning", w.Status)
		}
		if s.Term == connectors.TermUnknown && len(s.Warnings) == 0 {
			t.Fatalf("unknown term kept without a warning")
		}
		if (s.Quantity < 0 || s.Quantity > field.MaxQuantity) && len(s.Warnings) == 0 {
			t.Fatalf("quantity %d kept without a warning", s.Quantity)
		}
		for _, m := range []connectors.Money{s.UnitCost, s.UnitPrice} {
			if !m.Known() && m.Minor != 0 {
				t.Fatalf("unknown money with an amount: %+v", m)
			}
		}
		if !microsoft && (s.MicrosoftSubscriptionID != "" || s.SkuID != "") {
			t.Fatalf("non-Microsoft row with Microsoft ids: %+v", s)
		}
		for _, msg := range s.Warnings {
			if !utf8.ValidString(msg) || strings.ContainsFunc(msg, unicode.IsControl) || utf8.RuneCountInString(msg) > field.MaxWarningRunes+1 {
				t.Fatalf("warning %q is not one bounded line", msg)
			}
		}
	})
}

// FuzzCompanyRow: never panics; a tenant id offered is a canonical GUID and
// a domain is a bare lower-case host.
func FuzzCompanyRow(f *testing.F) {
	for _, s := range []string{
		`{"id":"a4dfc6bf","name":"VFC Network, Inc","website":"vfc-network-inc-liberty.com","status":"Active","externalId":"A123"}`,
		`{"id":"x","website":"https://WWW.Contoso.com:8443/a?b","externalId":"{1F0E9A3C-6B2D-4C1E-9F8A-7B6C5D4E3F21}","status":"Deleted"}`,
		`{"website":"http://[::1]/","externalId":"urn:uuid:1f0e9a3c-6b2d-4c1e-9f8a-7b6c5d4e3f21"}`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var w wireCompany
		if json.Unmarshal(raw, &w) != nil {
			return
		}
		a := accountFrom(w)
		if a.TenantID != "" && (len(a.TenantID) != 36 || strings.ToLower(a.TenantID) != a.TenantID || a.TenantIDSource == "") {
			t.Fatalf("tenant id %q (source %q) is not a canonical GUID", a.TenantID, a.TenantIDSource)
		}
		if a.Domain != "" && (strings.ToLower(a.Domain) != a.Domain || strings.ContainsAny(a.Domain, "/:?# @") || strings.HasPrefix(a.Domain, "www.")) {
			t.Fatalf("domain %q is not a bare host", a.Domain)
		}
	})
}

// FuzzPageEnvelope: the page envelope decodes or fails cleanly, and a
// decoded envelope's rows each decode or fail cleanly.
func FuzzPageEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"content":[{"id":"a"}],"page":{"size":200,"totalElements":1,"totalPages":1,"number":0}}`,
		`{"content":[],"page":{"size":200,"totalElements":0,"totalPages":0,"number":0}}`,
		`{"content":[{"id":"a"},{"id":1}],"page":{"totalPages":1e3}}`,
		`{"content":[{"id":"a"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var env pageEnvelope
		if json.Unmarshal(raw, &env) != nil {
			return
		}
		for i, row := range env.Content {
			var w wireSubscription
			if err := decodeRow("fuzz", 0, i, row, &w); err != nil && connectors.KindOf(err) != connectors.ErrBadResponse {
				t.Fatalf("row error of kind %v", connectors.KindOf(err))
			}
		}
	})
}

// FuzzTokenResponse: the token answer decodes or fails cleanly, and its
// lifetime is always positive and at most a year, so a hostile expires_in
// can neither make every call renew the token nor keep it forever.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"t","expires_in":86400,"token_type":"Bearer"}`,
		`{"access_token":"t","expires_in":"3600"}`,
		`{"access_token":"t","expires_in":-5}`,
		`{"access_token":"t","expires_in":1e300}`,
		`{"access_token":"t","expires_in":0.5}`,
		`{"access_token":"t"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var out tokenResponse
		if json.Unmarshal(raw, &out) != nil {
			return
		}
		d := bearer.Lifetime(out.ExpiresIn)
		if d <= 0 || d > 366*24*time.Hour {
			t.Fatalf("expires_in %q gave lifetime %v", out.ExpiresIn, d)
		}
		if m := bearer.Margin(d); m < 0 || m >= d {
			t.Fatalf("margin %v for lifetime %v", m, d)
		}
	})
}
