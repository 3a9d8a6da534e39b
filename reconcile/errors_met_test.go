package reconcile

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// TestWritingToAFullDiskSaysWhat: `seats licenses`, `seats reconcile`,
// `seats reconcile plan -o` and `seats map export` writing to a disk that
// is full say what they were writing and why it failed.
func TestWritingToAFullDiskSaysWhat(t *testing.T) {
	t.Parallel()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full to stand for a full disk: %v", err)
	}
	defer full.Close()

	w := newWorld().customer(1, "Contoso", true, true).
		tenantSku(skuSPB, "SPB", 15, 12).
		sub("s-a", skuSPB, connectors.TermAnnual, connectors.BillAnnual, 10, usd(26400), renewSoon).
		item("i-a", "BP", usd(2600)).mapProduct(skuSPB, connectors.TermAnnual, "i-a").line("1", "i-a", 9, usd(2600))
	w.in.Now = now
	rep := Reconcile(w.in)
	plan := BuildPlan(PlanInput{HomeID: "h", Now: now, Report: rep, PSAKind: "connectwise"})
	accounts := mapWorld().Current

	tests := []struct {
		name  string
		write func(io.Writer) error
		says  string
	}{
		{"licences as JSON", rep.WriteLicencesJSON, "writing JSON: write /dev/full: no space left on device"},
		{"findings as JSON", rep.WriteFindingsJSON, "writing JSON: write /dev/full: no space left on device"},
		{"the plan", plan.WriteJSON, "writing JSON: write /dev/full: no space left on device"},
		{"licences as CSV", rep.WriteLicencesCSV, "writing CSV: write /dev/full: no space left on device"},
		{"findings as CSV", rep.WriteFindingsCSV, "writing CSV: write /dev/full: no space left on device"},
		{"the accounts file", func(out io.Writer) error { return ExportAccounts(out, accounts) },
			"writing the mapping file: write /dev/full: no space left on device"},
		{"the products file", func(out io.Writer) error { return ExportProducts(out, w.in.Products) },
			"writing the mapping file: write /dev/full: no space left on device"},
		{"the skus file", func(out io.Writer) error { return ExportSkuTies(out, nil) },
			"writing the mapping file: write /dev/full: no space left on device"},
	}
	for _, tt := range tests {
		if err := tt.write(full); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: err = %v, want it to say %q", tt.name, err, tt.says)
		}
	}
}
