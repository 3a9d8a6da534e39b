package halopsa

import (
	"encoding/json"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// A recurring invoice's period says how often its prices are charged: an
// annual price read as a monthly one would overstate the money twelve
// times, so a period seats cannot read leaves the frequency unknown (and
// the money blank), with a warning.
func TestInvoiceFrequency(t *testing.T) {
	for _, tt := range []struct {
		period, typ string
		want        connectors.BillingFrequency
		warns       bool
	}{
		{"1", "3", connectors.BillMonthly, false},
		{"12", "3", connectors.BillAnnual, false},
		{"6", "3", connectors.BillUnknown, true},
		{"1", "7", connectors.BillUnknown, true},
		{"", "", connectors.BillUnknown, true},
	} {
		got, warn := invoiceFrequency(wireInvoice{Period: json.Number(tt.period), PeriodType: json.Number(tt.typ)})
		if got != tt.want || (warn != "") != tt.warns {
			t.Errorf("period %q type %q: %q, warning %q; want %q (warning: %v)", tt.period, tt.typ, got, warn, tt.want, tt.warns)
		}
	}
}
