package halopsa

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/internal/field"
)

// FuzzLineRow decodes an invoice line as Halo might send it and maps it:
// never panics, warnings are single lines, a whole quantity is what it says.
func FuzzLineRow(f *testing.F) {
	for _, s := range []string{
		`{"id":7002,"ihid":-94,"_itemid":3,"qty_order":5,"unit_price":4.80,"unit_cost":4,"startdate":"1900-01-01T00:00:00","enddate":"2026-01-01T00:00:00"}`,
		`{"id":1,"qty_order":2.5,"unit_price":null,"recurring_invoice_quantity_type":1,"quantity_users":[{}]}`,
		`{"id":"9","qty_order":-3,"startdate":"not a date","unit_price":"1e400"}`,
		`{"id":1,"qty_order":1e7,"enddate":"9999-12-31T23:59:59"}`,
	} {
		f.Add(s)
	}
	c, err := New(Config{URL: "https://fuzz.halopsa.com", ClientID: "id", ClientSecret: "secret"})
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		var w wireLine
		if json.Unmarshal([]byte(s), &w) != nil {
			return
		}
		l, whole := c.lineFrom(wireInvoice{ID: "-94", ClientID: "12"}, w, now)
		for _, warn := range l.Warnings {
			if strings.TrimSpace(warn) == "" || strings.ContainsAny(warn, "\r\n") {
				t.Fatalf("warning %q is not one line", warn)
			}
		}
		if whole && (l.Quantity > field.MaxQuantity || l.Quantity < -field.MaxQuantity) {
			t.Fatalf("quantity %d out of range", l.Quantity)
		}
		if l.ReadOnly && l.ReadOnlyReason == "" {
			t.Fatal("read-only without a reason")
		}
	})
}

// FuzzParseTime: never panics; an accepted date is UTC and in range.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-01T00:00:00", "1900-01-01T00:00:00", "2024-01-01T00:00:00.123", "2024-01-01", "", "0001-01-01T00:00:00Z", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok, err := ParseTime(s)
		if err != nil || !ok {
			if !got.IsZero() {
				t.Fatalf("ParseTime(%q) = %v without ok", s, got)
			}
			return
		}
		if got.Location() != time.UTC || got.Year() < noDateBefore || got.Year() > maxYear {
			t.Fatalf("ParseTime(%q) = %v", s, got)
		}
	})
}
