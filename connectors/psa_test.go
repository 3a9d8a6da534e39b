package connectors

import "testing"

func TestPSACheckString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    PSACheck
		want string
	}{
		{PSACheck{DisplayName: "ConnectWise", Companies: 212, Agreements: 180, Lines: 640, AgreementsNoun: "agreements", LinesNoun: "additions"},
			"ConnectWise: 212 companies, 180 agreements, 640 additions"},
		{PSACheck{DisplayName: "Autotask", Companies: 5000, Agreements: 1200, Lines: 20000, AgreementsNoun: "contracts", LinesNoun: "contract services"},
			"Autotask: 5,000 companies, 1,200 contracts, 20,000 contract services"},
		{PSACheck{DisplayName: "HaloPSA", Companies: 1, Agreements: 0, Lines: 0}, "HaloPSA: 1 companies, 0 agreements, 0 lines"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
