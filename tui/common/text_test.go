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

func TestClampWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cursor, offset, n, page int
		wantCursor, wantOffset  int
	}{
		{0, 0, 0, 10, 0, 0},
		{5, 0, 3, 10, 2, 0},
		{12, 0, 100, 10, 12, 3},
		{2, 10, 100, 10, 2, 2},
		{99, 95, 100, 10, 99, 90},
		{-4, 0, 100, 10, 0, 0},
	}
	for _, tt := range tests {
		c, o := ClampWindow(tt.cursor, tt.offset, tt.n, tt.page)
		if c != tt.wantCursor || o != tt.wantOffset {
			t.Errorf("ClampWindow(%d, %d, %d, %d) = %d, %d; want %d, %d", tt.cursor, tt.offset, tt.n, tt.page, c, o, tt.wantCursor, tt.wantOffset)
		}
	}
}
