package autotask

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors/internal/field"
)

// Fuzz targets for every parser of what Autotask sends: dates, units, and
// whole records (a contract, a contract service and its units rows). None
// may panic; accepted dates are UTC and in range; warnings are one line of
// valid UTF-8.

func checkLine(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
		t.Errorf("warning %q is not one line of valid UTF-8", s)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123", "2025-07-13", "2025-07-13T14:22:10+02:00", "", "0001-01-01T00:00:00", "2025-13-45T99:99:99Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			return
		}
		if tm.Location() != time.UTC || tm.Year() < field.MinYear || tm.Year() > field.MaxYear {
			t.Errorf("ParseTime(%q) = %v", s, tm)
		}
	})
}

func FuzzParseUnits(f *testing.F) {
	for _, s := range []string{"5", "2.5", "-3", "1e3", "1e400", "", "x", "0.0000001", "999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, whole, warn := ParseUnits(json.Number(s))
		if q > field.MaxQuantity || q < -field.MaxQuantity {
			t.Errorf("ParseUnits(%q) = %d, beyond the bound", s, q)
		}
		if !whole && warn == "" {
			t.Errorf("ParseUnits(%q): not whole but no warning", s)
		}
		checkLine(t, warn)
	})
}

func FuzzLineFrom(f *testing.F) {
	f.Add(`{"id":501,"companyID":101,"contractName":"MSA","status":1,"startDate":"2026-01-01T00:00:00Z","endDate":"2026-12-31T00:00:00Z","contractPeriodType":1}`,
		`{"id":702,"contractID":501,"serviceID":303,"unitPrice":4.8,"unitCost":4,"adjustedPrice":null}`,
		`[{"id":8001,"contractServiceID":702,"startDate":"2026-03-01T00:00:00Z","endDate":"2026-03-31T00:00:00Z","units":5}]`)
	f.Add(`{"id":1,"status":7,"endDate":"nonsense"}`, `{"id":2,"adjustedPrice":0.001}`,
		`[{"id":3,"startDate":"2026-04-01","endDate":"2026-03-01","units":2.5},{"id":4,"startDate":"x","endDate":"y","units":"1"}]`)
	c, err := New(Config{UserName: "u@example.com", Secret: "s", IntegrationCode: "c"})
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	periods := map[string]string{"1": "Monthly", "2": "Quarterly\n"}
	f.Fuzz(func(t *testing.T, contract, svc, units string) {
		var k wireContract
		var s wireContractService
		var us []wireUnits
		if json.Unmarshal([]byte(contract), &k) != nil || json.Unmarshal([]byte(svc), &s) != nil || json.Unmarshal([]byte(units), &us) != nil {
			return
		}
		l, whole := c.lineFrom(k, s, us, periods, now)
		for _, w := range l.Warnings {
			checkLine(t, w)
		}
		if !whole && len(l.Warnings) == 0 && l.Quantity != 0 {
			t.Errorf("a quantity that is not whole without a warning: %+v", l)
		}
		if !l.CancelledOn.IsZero() && l.Quantity != 0 {
			t.Errorf("cut to 0 on %v but quantity %d", l.CancelledOn, l.Quantity)
		}
	})
}
