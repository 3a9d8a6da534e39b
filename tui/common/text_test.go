package common

import "testing"

func TestCellAndFitLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		w    int
		cell string
		fit  string
	}{
		{"Contoso", 10, "Contoso   ", "Contoso"},
		{"Contoso Ltd", 7, "Contos…", "Contos…"},
		{"Coástal", 7, "Coástal", "Coástal"},
		{"x", 0, "", "x"},
	}
	for _, tt := range tests {
		if got := Cell(tt.in, tt.w); got != tt.cell {
			t.Errorf("Cell(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.cell)
		}
		if got := FitLine(tt.in, tt.w); got != tt.fit {
			t.Errorf("FitLine(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.fit)
		}
	}
}
