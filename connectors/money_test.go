package connectors

import (
	"errors"
	"testing"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount, code string
		want         Money
		exact        bool
	}{
		{"12.5", "usd", Money{1250, "USD"}, true},
		{"17.985", "USD", Money{1798, "USD"}, false}, // half to even
		{"17.995", "USD", Money{1800, "USD"}, false},
		{"1200", "JPY", Money{1200, "JPY"}, true},
		{"1.2345", "BHD", Money{1234, "BHD"}, false},
		{"-3", "EUR", Money{-300, "EUR"}, true},
		{"1e2", "GBP", Money{10000, "GBP"}, true},
	}
	for _, tt := range tests {
		got, exact, err := ParseMoney(tt.amount, tt.code)
		if err != nil || got != tt.want || exact != tt.exact {
			t.Errorf("ParseMoney(%q, %q) = %v, %v, %v; want %v, %v", tt.amount, tt.code, got, exact, err, tt.want, tt.exact)
		}
	}
}

func TestParseMoneyRefuses(t *testing.T) {
	t.Parallel()
	if _, _, err := ParseMoney("1", "XQQ"); !errors.Is(err, ErrUnknownCurrency) {
		t.Errorf("unknown currency: err = %v", err)
	}
	if _, _, err := ParseMoney("twelve", "USD"); err == nil || err.Error() != `amount "twelve" is not a number` {
		t.Errorf("a word: err = %v", err)
	}
	if _, _, err := ParseMoney("1e30", "USD"); err == nil || err.Error() != "amount 1000000000000000000000000000000 USD is too large to be a price" {
		t.Errorf("an absurd amount: err = %v", err)
	}
}

func TestMoneyArithmeticAndText(t *testing.T) {
	t.Parallel()
	annual := Money{Minor: 26400, Currency: "USD"}
	if got := annual.DivRound(12); got != (Money{2200, "USD"}) {
		t.Errorf("264.00/12 = %v", got)
	}
	if got := (Money{Minor: 1001, Currency: "USD"}).DivRound(2); got.Minor != 500 {
		t.Errorf("10.01/2 rounds half to even to 5.00, got %v", got)
	}
	if got := (Money{Minor: 1250, Currency: "USD"}).Decimal(); got != "12.50" {
		t.Errorf("Decimal = %q", got)
	}
	if got := (Money{Minor: 1200, Currency: "JPY"}).Decimal(); got != "1200" {
		t.Errorf("JPY Decimal = %q", got)
	}
	if got := (Money{}).Decimal(); got != "" {
		t.Errorf("unknown money renders %q, want blank", got)
	}
	if _, err := (Money{1, "USD"}).Add(Money{1, "EUR"}); err == nil {
		t.Error("USD + EUR added")
	}
	if got, _ := (Money{1, "USD"}).Add(Money{}); got.Known() {
		t.Error("known + unknown is known")
	}
	if got := (Money{150, "USD"}).Times(3); got.Minor != 450 {
		t.Errorf("Times = %v", got)
	}
}
