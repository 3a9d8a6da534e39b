package autotask

import (
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

func TestRowAtPrefersTheLaterRowOnEitherReadingOfEndDate(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time { tm, _ := ParseTime(s); return tm }
	// Autotask's reading: endDate is the last day. The other reading:
	// endDate is the next row's start. Both must give the row of the day.
	inclusive := []unitsRow{{id: "1", start: d("2026-03-01"), end: d("2026-03-13"), units: 5}, {id: "2", start: d("2026-03-14"), end: d("2026-03-31"), units: 8}}
	exclusive := []unitsRow{{id: "1", start: d("2026-03-01"), end: d("2026-03-14"), units: 5}, {id: "2", start: d("2026-03-14"), end: d("2026-04-01"), units: 8}}
	for name, rows := range map[string][]unitsRow{"last day": inclusive, "next start": exclusive} {
		if r, ok := rowAt(rows, d("2026-03-14T09:30:00Z")); !ok || r.id != "2" {
			t.Errorf("%s: the 14th is in row %q, want 2", name, r.id)
		}
		if r, ok := rowAt(rows, d("2026-03-13T23:59:00Z")); !ok || r.id != "1" {
			t.Errorf("%s: the 13th is in row %q, want 1", name, r.id)
		}
	}
	if _, ok := rowAt(inclusive, d("2026-04-01")); ok {
		t.Error("a day after the last row is held by a row")
	}
}

func TestCompanyTypesByLabel(t *testing.T) {
	t.Parallel()
	want := map[string]connectors.CompanyType{
		"Customer": connectors.CompanyClient, "Lead": connectors.CompanyProspect, "Prospect": connectors.CompanyProspect,
		"Dead": connectors.CompanyOther, "Cancellation": connectors.CompanyOther, "Vendor": connectors.CompanyVendor,
		"Partner": connectors.CompanyOther, "Managed client": connectors.CompanyClient, "": connectors.CompanyOther,
	}
	for label, w := range want {
		if got := companyType(label); got != w {
			t.Errorf("companyType(%q) = %q, want %q", label, got, w)
		}
	}
	for v, label := range map[string]string{"1": "Customer", "2": "Lead", "3": "Prospect", "4": "Dead", "6": "Cancellation", "7": "Vendor", "8": "Partner"} {
		if defaultCompanyTypes[v] != label {
			t.Errorf("default companyType %s is %q, want %q", v, defaultCompanyTypes[v], label)
		}
	}
}

func TestCutToZeroOn(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time { tm, _ := ParseTime(s); return tm }
	rows := []unitsRow{
		{id: "1", start: d("2026-01-01"), end: d("2026-01-31"), units: 3},
		{id: "2", start: d("2026-02-01"), end: d("2026-02-22"), units: 3},
		{id: "3", start: d("2026-02-23"), end: d("2026-02-28"), units: 0},
		{id: "4", start: d("2026-03-01"), end: d("2026-03-31"), units: 0},
	}
	if got := cutToZeroOn(rows, rows[3]); !got.Equal(d("2026-02-23")) {
		t.Errorf("cut to 0 on %v, want 2026-02-23", got)
	}
	if got := cutToZeroOn(rows[2:], rows[3]); !got.IsZero() {
		t.Errorf("never above 0, yet cut on %v", got)
	}
}

func TestFrequencyOfPeriodLabels(t *testing.T) {
	t.Parallel()
	for label, want := range map[string]connectors.BillingFrequency{"Monthly": connectors.BillMonthly, "Yearly": connectors.BillAnnual,
		"Annual": connectors.BillAnnual, "Quarterly": connectors.BillUnknown, "Semi-Annual": connectors.BillUnknown, "": ""} {
		got, warn := frequency(label)
		if got != want || (want == connectors.BillUnknown) != (warn != "") {
			t.Errorf("frequency(%q) = %q, %q", label, got, warn)
		}
	}
}
