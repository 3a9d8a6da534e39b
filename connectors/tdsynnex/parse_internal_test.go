package tdsynnex

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
		ok   bool
		says string // the error, when it fails
	}{
		{"2024-03-01T10:11:12Z", time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC), true, ""},
		{"2024-03-01T10:11:12.123456Z", time.Date(2024, 3, 1, 10, 11, 12, 123456e3, time.UTC), true, ""},
		{"2024-03-01T10:11:12+02:00", time.Date(2024, 3, 1, 8, 11, 12, 0, time.UTC), true, ""},
		{"2024-03-01T10:11:12-0600", time.Date(2024, 3, 1, 16, 11, 12, 0, time.UTC), true, ""},
		{"2024-03-01", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), true, ""},
		{"2024-03-01T10:11:12", time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC), true, ""},
		{"1709287872", time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC), true, ""},
		{"1709287872000", time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC), true, ""},
		{"", time.Time{}, false, "empty date"},
		{"03/01/2024", time.Time{}, false, `"03/01/2024" is not a date seats can read`}, // month or day first? not guessed
		{"0001-01-01T00:00:00Z", time.Time{}, false, `date "0001-01-01T00:00:00Z" is out of range`},
		{"soon", time.Time{}, false, `"soon" is not a date seats can read`},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) || (tt.ok && got.Location() != time.UTC) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && err.Error() != tt.says {
			t.Errorf("ParseTime(%q) says %q, want %q", tt.in, err, tt.says)
		}
	}
}

func TestMapStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw   string
		trial bool
		want  connectors.SubscriptionStatus
		warn  bool
	}{
		{"active", false, connectors.StatusActive, false},
		{"ACTIVE", true, connectors.StatusTrial, false},
		{"ENABLED", false, connectors.StatusActive, false},
		{"COMPLETE", false, connectors.StatusActive, true},
		{"RUNNING", false, connectors.StatusActive, true},
		{"CANCELLED", false, connectors.StatusCancelled, false},
		{"EXPIRED", false, connectors.StatusCancelled, false},
		{"DELETED", false, connectors.StatusCancelled, false},
		{"SUSPENDED", false, connectors.StatusSuspended, false},
		{"DISABLED", false, connectors.StatusSuspended, false},
		{"PAUSED", false, connectors.StatusSuspended, false},
		{"IN_PROGRESS", false, connectors.StatusPending, false},
		{"ACCEPTED", false, connectors.StatusPending, false},
		{"pending", false, connectors.StatusPending, false},
		{"FAILED", false, connectors.StatusUnknown, true},
		{"AVAILABLE", false, connectors.StatusUnknown, true},
		{"STOPPED", false, connectors.StatusUnknown, true},
		{"", false, connectors.StatusUnknown, true},
	}
	for _, tt := range tests {
		got, warn := mapStatus(tt.raw, tt.trial)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("mapStatus(%q, %v) = %q, %q; want %q warn=%v", tt.raw, tt.trial, got, warn, tt.want, tt.warn)
		}
	}
}

func TestMapTermAndBilling(t *testing.T) {
	t.Parallel()
	terms := []struct {
		raw, mfg string
		want     connectors.Term
		warn     bool
	}{
		{"P1M", "", connectors.TermMonthly, false},
		{"p1y", "", connectors.TermAnnual, false},
		{"P3Y", "", connectors.TermTriennial, false},
		{"", "CFQ7TTC0LCHC:0002:P1Y:M", connectors.TermAnnual, false},
		{"P2Y", "", connectors.TermUnknown, true},
		{"", "", connectors.TermUnknown, true},
	}
	for _, tt := range terms {
		got, warn := mapTerm(tt.raw, tt.mfg)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("mapTerm(%q, %q) = %q, %q; want %q warn=%v", tt.raw, tt.mfg, got, warn, tt.want, tt.warn)
		}
	}
	cycles := []struct {
		raw, mfg string
		want     connectors.BillingFrequency
		warn     bool
	}{
		{"monthly", "", connectors.BillMonthly, false},
		{"ANNUAL", "", connectors.BillAnnual, false},
		{"one_time", "", connectors.BillOnce, false},
		{"", "X:Y:P1Y:A", connectors.BillAnnual, false},
		{"", "X:Y:P1M:M", connectors.BillMonthly, false},
		{"quarterly", "", connectors.BillUnknown, true},
		{"", "", connectors.BillUnknown, true},
	}
	for _, tt := range cycles {
		got, warn := mapBilling(tt.raw, tt.mfg)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("mapBilling(%q, %q) = %q, %q; want %q warn=%v", tt.raw, tt.mfg, got, warn, tt.want, tt.warn)
		}
	}
}

func TestCustomerIDAndDomain(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"accounts/100042/customers/cust-1": "cust-1", "accounts/1/customers/77/": "77", "cust-9": "cust-9",
	} {
		if got := customerID(wireCustomer{Name: flex(name)}); got != want {
			t.Errorf("customerID(%q) = %q, want %q", name, got, want)
		}
	}
	if got := customerID(wireCustomer{ID: "12"}); got != "12" {
		t.Errorf("customerID without a name = %q, want the id field", got)
	}
	for email, want := range map[string]string{
		"Dana@FabrikamDental.COM": "fabrikamdental.com", "x@gmail.com": "", "no-at-sign": "", "a@localhost": "", "b@bad_host.com": "",
	} {
		if got := domainFromEmail(email); got != want {
			t.Errorf("domainFromEmail(%q) = %q, want %q", email, got, want)
		}
	}
}

func TestVendorOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w         wireSubscription
		name      string
		vendor    string
		microsoft bool
		warn      bool
	}{
		{wireSubscription{CloudProviderName: "Microsoft CSP"}, "x", "Microsoft CSP", true, false},
		{wireSubscription{CloudProviderName: "AWS", SubscriptionProductID: "CFQ7TTC0LCHC"}, "x", "AWS", false, false},
		{wireSubscription{SubscriptionProductID: "cfq7ttc0lchc"}, "x", "Microsoft", true, false},
		{wireSubscription{MfgPartNumber: "DZH318Z0BQ3Q:0001:P1M:M"}, "x", "Microsoft", true, false},
		{wireSubscription{}, "Microsoft 365 E3", "Microsoft", true, true},
		{wireSubscription{SubscriptionProductID: "ACR-CPC"}, "Acronis Cyber Protect", "", false, false},
	}
	for _, tt := range tests {
		vendor, ms, warn := vendorOf(tt.w, tt.name)
		if vendor != tt.vendor || ms != tt.microsoft || (warn != "") != tt.warn {
			t.Errorf("vendorOf(%+v, %q) = %q, %v, %q", tt.w, tt.name, vendor, ms, warn)
		}
	}
}

func TestFlex(t *testing.T) {
	t.Parallel()
	var w struct {
		A, B, C, D flex
	}
	if err := json.Unmarshal([]byte(`{"a":"12.5","b":12.50,"c":null,"d":true}`), &w); err != nil {
		t.Fatal(err)
	}
	if w.A != "12.5" || w.B != "12.50" || w.C != "" || !w.D.isTrue() {
		t.Errorf("flex read %+v", w)
	}
	if err := json.Unmarshal([]byte(`{"a":{"x":1}}`), &w); err == nil {
		t.Error("an object where a scalar belongs was read")
	}
}

func TestListField(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int{`{}`: 0, `{"items":[{},{}]}`: 2, `{"items":null}`: 0} {
		var env map[string]json.RawMessage
		_ = json.Unmarshal([]byte(body), &env)
		rows, err := listField("op", env, "items")
		if err != nil || len(rows) != want {
			t.Errorf("listField(%s) = %d rows, %v; want %d", body, len(rows), err, want)
		}
	}
	for _, body := range []string{`{"content":"not a list"}`, `{"items":"x"}`} {
		var env map[string]json.RawMessage
		_ = json.Unmarshal([]byte(body), &env)
		if _, err := listField("op", env, "items"); connectors.KindOf(err) != connectors.ErrBadResponse {
			t.Errorf("listField(%s): %v, want a bad response", body, err)
		}
	}
}
