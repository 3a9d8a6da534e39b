package connectwise

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors/internal/field"
)

// Fuzz targets for every parser of what ConnectWise sends: dates,
// quantities, Link headers, and whole rows (companies, items, agreements
// and additions). None may panic; accepted dates are UTC and in range;
// warnings are one line of valid UTF-8.

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-01T00:00:00Z", "2025-07-13", "2025-07-13T14:22:10.5+02:00", "2025-07-13 14:22:10", "", "0000-00-00", "2025-13-45T99:99:99Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			if !utf8.ValidString(err.Error()) && utf8.ValidString(s) {
				t.Errorf("error %q is not valid UTF-8", err)
			}
			return
		}
		if tm.Location() != time.UTC || tm.Year() < field.MinYear || tm.Year() > field.MaxYear {
			t.Errorf("ParseTime(%q) = %v", s, tm)
		}
	})
}

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"5", "2.5", "-3", "1e3", "1e400", "", "x", "0.0000001", "999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, whole, warn := ParseQuantity(json.Number(s))
		if q > field.MaxQuantity || q < -field.MaxQuantity {
			t.Errorf("ParseQuantity(%q) = %d, beyond the bound", s, q)
		}
		if !whole && warn == "" {
			t.Errorf("ParseQuantity(%q): not whole but no warning", s)
		}
		checkLine(t, warn)
	})
}

func FuzzParseLinks(f *testing.F) {
	for _, s := range []string{
		`<https://h/x?page=2&pageSize=1000>; rel="next", <https://h/x?page=9>; rel="last"`,
		`<a>; rel=next,<b>;rel="prev last"`, `<`, `>;;;,,<`, `<https://h/x?page=-1>; rel="next"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range parseLinks([]string{s}) {
			if p := pageOf(l.url); p < 0 {
				t.Errorf("page %d from %q", p, l.url)
			}
		}
	})
}

func FuzzRows(f *testing.F) {
	for _, s := range []string{
		`{"id":7002,"agreementId":3001,"product":{"id":902},"quantity":5,"unitPrice":4.8,"unitCost":4,"billCustomer":"Billable","effectiveDate":"2024-01-01T00:00:00Z","_info":{"lastUpdated":"2026-01-01T00:00:00Z"}}`,
		`{"id":"12","quantity":"2.5","unitPrice":1e300,"billCustomer":null,"cancelledDate":"yesterday"}`,
		`{"id":250,"name":"Contoso","status":{"id":1,"name":"Active"},"types":[{"id":1,"name":"Client"}],"website":"https://www.contoso.com","customFields":[{"caption":"Tenant","value":"6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b10"}]}`,
		`{"id":3001,"agreementStatus":"Cancelled","cancelledFlag":true,"dateCancelled":"2026-01-01","endDate":"2020-01-01","currency":{"currencyCode":"XYZ"}}`,
		`{"id":900,"price":"26.40","cost":-1,"manufacturerPartNumber":"SPB","inactiveFlag":true}`,
		`[]`, `null`, `{"quantity":{}}`,
	} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	c := &Client{currency: "USD", keepFor: DefaultKeepEndedFor}
	f.Fuzz(func(t *testing.T, s string) {
		var a wireAgreement
		var ad wireAddition
		if json.Unmarshal([]byte(s), &a) == nil && json.Unmarshal([]byte(s), &ad) == nil {
			l, _ := c.lineFrom(a, ad, now)
			for _, w := range l.Warnings {
				checkLine(t, w)
			}
			if l.UnitPrice.Known() && l.UnitPrice.Currency == "" {
				t.Errorf("a known price without a currency: %+v", l.UnitPrice)
			}
		}
		var co wireCompany
		if json.Unmarshal([]byte(s), &co) == nil {
			got := companyFrom(co, nil, nil)
			if strings.ContainsAny(got.Domain, " /:") {
				t.Errorf("domain %q from %q", got.Domain, co.Website)
			}
		}
		var it wireCatalogItem
		if json.Unmarshal([]byte(s), &it) == nil {
			_ = c.itemFrom(it)
		}
	})
}

func checkLine(t *testing.T, w string) {
	t.Helper()
	if !utf8.ValidString(w) || strings.ContainsAny(w, "\r\n\x1b") {
		t.Errorf("warning %q is not one clean line", w)
	}
}
