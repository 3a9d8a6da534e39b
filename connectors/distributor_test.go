package connectors

import "testing"

func TestDistributorCheckString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    DistributorCheck
		want string
	}{
		{DistributorCheck{DisplayName: "Pax8", AccountsNoun: "companies", Accounts: 142, Subscriptions: 1310}, "Pax8: 142 companies, 1,310 subscriptions"},
		{DistributorCheck{DisplayName: "Sherweb", AccountsNoun: "customers", Accounts: 12000, Subscriptions: 0}, "Sherweb: 12,000 customers, 0 subscriptions"},
		{DistributorCheck{DisplayName: "CSV", Accounts: 1, Subscriptions: 1}, "CSV: 1 accounts, 1 subscriptions"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
