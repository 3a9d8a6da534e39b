package field

import (
	"strings"
	"testing"
	"time"
)

func TestQuantity(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in          string
		q           int
		whole, warn bool
	}{
		{"12", 12, true, false},
		{" 25.0 ", 25, true, false},
		{"2.5", 2, false, true},
		{"-3", -3, true, true},
		{"1e30", 0, false, true},
		{"99999999999999999999", 0, false, true},
		{"many", 0, false, true},
		{"", 0, false, true},
	} {
		q, whole, warning := Quantity(tt.in, "Pax8", "quantity")
		if q != tt.q || whole != tt.whole || (warning != "") != tt.warn {
			t.Errorf("Quantity(%q) = %d, %v, %q; want %d, %v, a warning %v", tt.in, q, whole, warning, tt.q, tt.whole, tt.warn)
		}
	}
	if _, _, w := Quantity("", "Autotask", "units"); w != "Autotask gave no units; counted as 0" {
		t.Errorf("a missing count: %q", w)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	if m, w := Money("price", "", "USD"); m.Known() || w != "" {
		t.Errorf("an absent amount: %v %q; want unknown without a warning", m, w)
	}
	if m, w := Money("price", "26.40", ""); m.Known() || !strings.Contains(w, "no currency") {
		t.Errorf("no currency: %v %q", m, w)
	}
	if m, w := Money("price", "26.40", "XYZ"); m.Known() || w == "" {
		t.Errorf("an unknown currency: %v %q", m, w)
	}
	if m, w := Money("price", "26.405", "USD"); !m.Known() || !strings.Contains(w, "rounded") {
		t.Errorf("finer than cents: %v %q", m, w)
	}
	if m, w := Money("price", "26.40", "usd"); m.Minor != 2640 || m.Currency != "USD" || w != "" {
		t.Errorf("26.40 usd: %v %q", m, w)
	}
}

func TestDomain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://www.Contoso.com/about": "contoso.com",
		"WWW.contoso.com:443":           "contoso.com",
		"fabrikam.co.uk.":               "fabrikam.co.uk",
		"not a website":                 "",
		"localhost":                     "",
		"https://-bad-.com":             "",
		"":                              "",
	} {
		if got := Domain(in); got != want {
			t.Errorf("Domain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClipAndFoldEnum(t *testing.T) {
	t.Parallel()
	if got := Clip("a\nb\x1b[2Jc\u2028" + strings.Repeat("x", 100)); strings.ContainsAny(got, "\n\x1b\u2028") || !strings.HasSuffix(got, "…") {
		t.Errorf("Clip kept a control character or did not cut: %q", got)
	}
	for _, in := range []string{"Pending Cancel", "PENDING_CANCEL", "pending-cancel", " PendingCancel\t"} {
		if got := FoldEnum(in); got != "pendingcancel" {
			t.Errorf("FoldEnum(%q) = %q", in, got)
		}
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	layouts := []string{time.RFC3339, "2006-01-02"}
	if got, err := Time(" 2024-03-01T10:00:00+02:00 ", layouts); err != nil || !got.Equal(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("an offset time: %v, %v", got, err)
	}
	if got, err := Time("2024-03-01", layouts); err != nil || !got.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a date: %v, %v", got, err)
	}
	for bad, says := range map[string]string{
		"":           "empty date",
		"03/01/2024": `"03/01/2024" is not a date seats can read`,
		"0001-01-01": `date "0001-01-01" is out of range`,
		"9999-12-31": `date "9999-12-31" is out of range`,
	} {
		if _, err := Time(bad, layouts); err == nil || err.Error() != says {
			t.Errorf("Time(%q): %v, want %q", bad, err, says)
		}
	}
	if got, w := OptionalTime("endDate", "", func(s string) (time.Time, error) { return Time(s, layouts) }); !got.IsZero() || w != "" {
		t.Errorf("an absent date: %v %q", got, w)
	}
	if _, w := OptionalTime("endDate", "soon", func(s string) (time.Time, error) { return Time(s, layouts) }); !strings.HasPrefix(w, "endDate: ") {
		t.Errorf("an unreadable date: %q", w)
	}
}
