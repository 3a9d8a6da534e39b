package connectwise

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	utc := func(y int, m time.Month, d, hh, mm, ss, ns int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, ns, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2024-01-01T00:00:00Z", want: utc(2024, 1, 1, 0, 0, 0, 0)},
		{in: " 2025-07-13T14:22:10Z ", want: utc(2025, 7, 13, 14, 22, 10, 0)},
		{in: "2025-07-13T14:22:10.123Z", want: utc(2025, 7, 13, 14, 22, 10, 123e6)},
		{in: "2025-07-13T14:22:10+02:00", want: utc(2025, 7, 13, 12, 22, 10, 0)},
		{in: "2025-07-13T14:22:10", want: utc(2025, 7, 13, 14, 22, 10, 0)},
		{in: "2025-07-13", want: utc(2025, 7, 13, 0, 0, 0, 0)},
		{in: "2025-07-13 14:22:10", want: utc(2025, 7, 13, 14, 22, 10, 0)},
		{in: "", bad: true},
		{in: "13/07/2025", bad: true},
		{in: "0001-01-01T00:00:00Z", bad: true},
		{in: "9999-12-31T23:59:59Z", bad: true},
		{in: "2025-02-30T00:00:00Z", bad: true},
		{in: "yesterday", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		switch {
		case tt.bad && err == nil:
			t.Errorf("ParseTime(%q) = %v, want an error", tt.in, got)
		case !tt.bad && (err != nil || !got.Equal(tt.want) || got.Location() != time.UTC):
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    json.Number
		q     int
		whole bool
		warn  bool
	}{
		{"5", 5, true, false},
		{"5.0", 5, true, false},
		{"0", 0, true, false},
		{"2.5", 2, false, true},
		{"0.99", 0, false, true},
		{"-3", -3, true, true},
		{"-2.5", -2, false, true},
		{"1e3", 1000, true, false},
		{"1000001", 0, false, true},
		{"", 0, false, true},
		{"many", 0, false, true},
	}
	for _, tt := range tests {
		q, whole, warn := ParseQuantity(tt.in)
		if q != tt.q || whole != tt.whole || (warn != "") != tt.warn {
			t.Errorf("ParseQuantity(%q) = %d, %v, %q; want %d, %v, warning %v", tt.in, q, whole, warn, tt.q, tt.whole, tt.warn)
		}
	}
}

func TestAgreementState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		a    wireAgreement
		want connectors.AgreementState
		warn bool
	}{
		{"active", wireAgreement{AgreementStatus: "Active", NoEndingDateFlag: true}, connectors.AgreementActive, false},
		{"no status", wireAgreement{}, connectors.AgreementActive, false},
		{"cancelled flag", wireAgreement{AgreementStatus: "Active", CancelledFlag: true, DateCancelled: "2026-01-01T00:00:00Z"}, connectors.AgreementCancelled, false},
		{"cancelled status", wireAgreement{AgreementStatus: "Cancelled"}, connectors.AgreementCancelled, false},
		{"cancelled from a date to come", wireAgreement{AgreementStatus: "Active", CancelledFlag: true, DateCancelled: "2026-03-31T00:00:00Z"}, connectors.AgreementActive, true},
		{"expired status", wireAgreement{AgreementStatus: "Expired"}, connectors.AgreementExpired, false},
		{"end date passed", wireAgreement{AgreementStatus: "Active", EndDate: "2026-03-13T00:00:00Z"}, connectors.AgreementExpired, false},
		{"ends today", wireAgreement{AgreementStatus: "Active", EndDate: "2026-03-14T00:00:00Z"}, connectors.AgreementActive, false},
		{"end date with no ending flag", wireAgreement{AgreementStatus: "Active", EndDate: "2020-01-01T00:00:00Z", NoEndingDateFlag: true}, connectors.AgreementActive, false},
		{"inactive", wireAgreement{AgreementStatus: "Inactive"}, connectors.AgreementExpired, true},
		{"unknown status", wireAgreement{AgreementStatus: "OnHold"}, connectors.AgreementActive, true},
		{"status spelt oddly", wireAgreement{AgreementStatus: " CANCELLED "}, connectors.AgreementCancelled, false},
		{"unreadable end date", wireAgreement{AgreementStatus: "Active", EndDate: "soon"}, connectors.AgreementActive, true},
	}
	for _, tt := range tests {
		got, warns := agreementState(tt.a, now)
		if got != tt.want || (len(warns) > 0) != tt.warn {
			t.Errorf("%s: %q %q; want %q, warning %v", tt.name, got, warns, tt.want, tt.warn)
		}
	}
}

func TestCompanyType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		names        []string
		vendor, lead bool
		want         connectors.CompanyType
	}{
		{[]string{"Client"}, false, false, connectors.CompanyClient},
		{[]string{"Managed Customer"}, false, false, connectors.CompanyClient},
		{[]string{"Vendor", "Client"}, true, false, connectors.CompanyClient},
		{[]string{"Prospect"}, false, false, connectors.CompanyProspect},
		{[]string{"Lead - Hot"}, false, false, connectors.CompanyProspect},
		{[]string{"Vendor"}, false, false, connectors.CompanyVendor},
		{[]string{"Supplier"}, false, false, connectors.CompanyVendor},
		{[]string{"Partner"}, true, false, connectors.CompanyVendor},
		{[]string{"Partner"}, false, true, connectors.CompanyProspect},
		{[]string{"Partner"}, false, false, connectors.CompanyOther},
		{nil, false, false, connectors.CompanyOther},
	}
	for _, tt := range tests {
		if got := companyType(tt.names, tt.vendor, tt.lead); got != tt.want {
			t.Errorf("companyType(%q, %v, %v) = %q, want %q", tt.names, tt.vendor, tt.lead, got, tt.want)
		}
	}
}

func TestDomainFrom(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://www.Contoso.com/":      "contoso.com",
		"contoso.com":                   "contoso.com",
		"WWW.Contoso.co.uk:443/about":   "contoso.co.uk",
		"http://fabrikam.example./path": "fabrikam.example",
		"not a website":                 "",
		"localhost":                     "",
		"":                              "",
		"https://-bad-.com":             "",
		"mailto:someone@contoso.com":    "contoso.com", // an address where the site belongs still names the domain
		"someone@fabrikam.com":          "fabrikam.com",
		"münchen.de":                    "münchen.de",
	}
	for in, want := range tests {
		if got := field.Domain(in); got != want {
			t.Errorf("field.Domain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTenantIDsFrom(t *testing.T) {
	t.Parallel()
	fields := []wireCustomField{
		{Caption: "Microsoft Tenant ID", Value: "6F1F4B5E-3C1A-4A8E-9D2B-8E1F5A7C9B10"},
		{Caption: "M365 tenant", Value: "{0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9}"},
		{Caption: "Tenant domain", Value: "contoso.onmicrosoft.com"},
		{Caption: "Azure tenant", Value: nil},
		{Caption: "Tenant number", Value: 42.0},
		{Caption: "Account GUID", Value: "11111111-2222-4333-8444-555555555555"},
		{Caption: "Old tenant", Value: "00000000-0000-0000-0000-000000000000"},
	}
	want := []string{"6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b10", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"}
	if got := tenantIDsFrom(fields); !reflect.DeepEqual(got, want) {
		t.Errorf("tenantIDsFrom = %q, want %q", got, want)
	}
}

func TestBilled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
		warn bool
	}{
		{"Billable", true, false},
		{"billable", true, false},
		{"DoNotBill", false, false},
		{"Do Not Bill", false, false},
		{"NoCharge", false, false},
		{"", false, true},
		{"Sometimes", false, true},
	}
	for _, tt := range tests {
		got, warn := billed(tt.in)
		if got != tt.want || (warn != "") != tt.warn {
			t.Errorf("billed(%q) = %v, %q", tt.in, got, warn)
		}
	}
}

func TestParseLinks(t *testing.T) {
	t.Parallel()
	const base = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/company/companies"
	tests := []struct {
		name       string
		header     []string
		next, last int
	}{
		{"next and last", []string{`<` + base + `?pageSize=1000&page=2>; rel="next", <` + base + `?pageSize=1000&page=9>; rel="last"`}, 2, 9},
		{"all four", []string{`<` + base + `?page=1>; rel="first", <` + base + `?page=2>; rel="prev", <` + base + `?page=4>; rel="next", <` + base + `?page=5>; rel="last"`}, 4, 5},
		{"two headers", []string{`<` + base + `?page=3>; rel="next"`, `<` + base + `?page=7>; rel=last`}, 3, 7},
		{"last page", []string{`<` + base + `?page=1>; rel="first", <` + base + `?page=8>; rel="prev"`}, 0, 0},
		{"forward-only", []string{`<` + base + `?pageId=500&pageSize=1000>; rel="next"`}, 0, 0},
		{"Page spelt otherwise", []string{`<` + base + `?Page=2>; rel="next"`}, 2, 0},
		{"relative", []string{`</company/companies?page=2>; rel="next"`}, 2, 0},
		{"garbage", []string{`garbage`, `<unterminated`, `<x>; rel`}, 0, 0},
		{"several rels", []string{`<` + base + `?page=2>; rel="next last"`}, 2, 0},
		{"none", nil, 0, 0},
	}
	for _, tt := range tests {
		var links pageLinks
		for _, l := range parseLinks(tt.header) {
			p := pageOf(l.url)
			switch {
			case p == 0:
			case l.has("next"):
				links.next = p
			case l.has("last"):
				links.last = p
			}
		}
		if links.next != tt.next || links.last != tt.last {
			t.Errorf("%s: next %d last %d, want %d %d", tt.name, links.next, links.last, tt.next, tt.last)
		}
	}
}

func TestHosts(t *testing.T) {
	t.Parallel()
	tests := []struct{ site, api, login string }{
		{"na.myconnectwise.net", "api-na.myconnectwise.net", "na.myconnectwise.net"},
		{"api-eu.myconnectwise.net", "api-eu.myconnectwise.net", "eu.myconnectwise.net"},
		{"AU.MyConnectWise.net", "api-au.myconnectwise.net", "au.myconnectwise.net"},
		{"cw.msp.example", "cw.msp.example", "cw.msp.example"},
		{"127.0.0.1:8443", "127.0.0.1:8443", "127.0.0.1:8443"},
		{"api-staging.connectwisedev.com", "api-staging.connectwisedev.com", "api-staging.connectwisedev.com"},
	}
	for _, tt := range tests {
		if api, login := apiHostFor(tt.site), loginHostFor(tt.site); api != tt.api || login != tt.login {
			t.Errorf("site %s: api %s login %s; want %s %s", tt.site, api, login, tt.api, tt.login)
		}
	}
	for raw, want := range map[string]string{"na.myconnectwise.net": "na.myconnectwise.net", "https://na.myconnectwise.net/": "na.myconnectwise.net", "NA.myconnectwise.net ": "na.myconnectwise.net"} {
		if got, err := siteHost(raw); err != nil || got != want {
			t.Errorf("siteHost(%q) = %q, %v", raw, got, err)
		}
	}
	for _, bad := range []string{"na.myconnectwise.net/v4_6_release", "https://user:pw@na.myconnectwise.net", "", "na.myconnectwise.net?x=1"} {
		if _, err := siteHost(bad); err == nil {
			t.Errorf("siteHost(%q) accepted it", bad)
		}
	}
}

func TestAPIBase(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://api-na.myconnectwise.net/v4_6_release/apis/3.0": "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
		"https://api-na.myconnectwise.net/v2025_1/apis/3.0/":     "https://api-na.myconnectwise.net/v2025_1/apis/3.0",
		" https://cw.msp.example:8443/v2024_2/apis/3.0 ":         "https://cw.msp.example:8443/v2024_2/apis/3.0",
		"https://api-na.myconnectwise.net/v4_6_release/APIS/3.0": "https://api-na.myconnectwise.net/v4_6_release/APIS/3.0",
		"https://cw.msp.example/ConnectWise/v2024_2/apis/3.0":    "https://cw.msp.example/ConnectWise/v2024_2/apis/3.0",
	} {
		if got, err := apiBase(raw); err != nil || got != want {
			t.Errorf("apiBase(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, bad := range []string{
		"http://api-na.myconnectwise.net/v4_6_release/apis/3.0",
		"https://api-na.myconnectwise.net",
		"https://api-na.myconnectwise.net/apis/3.0",
		"https://api-na.myconnectwise.net/v4_6_release",
		"https://u:p@api-na.myconnectwise.net/v4_6_release/apis/3.0",
		"https://api-na.myconnectwise.net/v4_6_release/apis/3.0?x=1",
		"na.myconnectwise.net",
	} {
		if _, err := apiBase(bad); err == nil {
			t.Errorf("apiBase(%q) accepted it", bad)
		}
	}
}

func TestID(t *testing.T) {
	t.Parallel()
	for in, want := range map[json.Number]string{"250": "250", "007": "7", "0": "", "-1": "", "1.5": "", "": "", "12a": "", "1234567890123456789": ""} {
		if got := id(in); got != want {
			t.Errorf("id(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLineFromKeepsWarningsOneLine(t *testing.T) {
	t.Parallel()
	c := &Client{currency: "USD", keepFor: DefaultKeepEndedFor}
	w := wireAddition{ID: "1", Quantity: "2.5\n", UnitPrice: "12.345", BillCustomer: "Maybe\r\x1b[31m", EffectiveDate: "soon\nlater"}
	l, whole := c.lineFrom(wireAgreement{ID: "2", AgreementStatus: "Paused\n"}, w, time.Now())
	if whole || len(l.Warnings) < 5 {
		t.Fatalf("line %+v whole %v: want several warnings", l, whole)
	}
	for _, wn := range l.Warnings {
		if strings.ContainsAny(wn, "\r\n\x1b") {
			t.Errorf("warning %q is not one clean line", wn)
		}
	}
}
