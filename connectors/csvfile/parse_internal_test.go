package csvfile

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

const header = "account_id,account_name,product_name,quantity,unit_cost,currency,renewal_date,tenant_id,sku,vendor,microsoft_subscription_id,subscription_id\n"

// problems parses data and returns its problems as strings, failing when
// the file is accepted.
func problems(t *testing.T, data string) []string {
	t.Helper()
	f, err := Parse([]byte(data))
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("Parse accepted the file (%+v) or failed otherwise: %v", f, err)
	}
	if f != nil {
		t.Fatalf("a refused file gave data: %+v", f)
	}
	var out []string
	for _, p := range fe.Problems {
		out = append(out, p.String())
	}
	return out
}

// TestMalformedFilesNameLineAndColumn: each broken file is refused with a
// problem at the right line and column that says what is wrong.
func TestMalformedFilesNameLineAndColumn(t *testing.T) {
	t.Parallel()
	ok := "A1,Contoso,Microsoft 365 Business Premium,5,10.00,USD,2026-01-31,,,,,\n"
	tests := []struct {
		name, file, want string
	}{
		{"fractional quantity with a comma", header + ok + "A1,Contoso,Exchange Online (Plan 1),\"2,5\",,,,,,,,\n",
			`line 3, column quantity: "2,5" is not a whole number of seats; write digits only, e.g. 25`},
		{"fractional quantity with a point", header + "A1,Contoso,Exchange Online (Plan 1),2.5,,,,,,,,\n",
			`line 2, column quantity: "2.5" is not a whole number of seats`},
		{"negative quantity", header + "A1,Contoso,Exchange Online (Plan 1),-3,,,,,,,,\n",
			`line 2, column quantity: "-3" is negative; a quantity is 0 or more seats`},
		{"thousands separator", header + "A1,Contoso,Exchange Online (Plan 1),\"1,000\",,,,,,,,\n",
			`line 2, column quantity: "1,000" is not a whole number of seats`},
		{"empty quantity", header + "A1,Contoso,Exchange Online (Plan 1),,,,,,,,,\n",
			`line 2, column quantity: is empty; write the number of seats, e.g. 25`},
		{"implausible quantity", header + "A1,Contoso,Exchange Online (Plan 1),2000000,,,,,,,,\n",
			`line 2, column quantity: "2000000" is not a plausible number of seats (more than 1000000)`},
		{"ambiguous date", header + "A1,Contoso,Exchange Online (Plan 1),5,,,03/04/2025,,,,,\n",
			`line 2, column renewal_date: "03/04/2025" is not a date in the form YYYY-MM-DD (e.g. 2025-04-03); day and month in another order are ambiguous`},
		{"date with a word after it", header + "A1,Contoso,Exchange Online (Plan 1),5,,,2025-04-03 or so,,,,,\n",
			`line 2, column renewal_date: "2025-04-03 or so" is not a date in the form YYYY-MM-DD`},
		{"implausible year", header + "A1,Contoso,Exchange Online (Plan 1),5,,,1800-01-01,,,,,\n",
			`line 2, column renewal_date: "1800-01-01" is not a plausible date (the year is outside 1900-9000)`},
		{"unknown currency", header + "A1,Contoso,Exchange Online (Plan 1),5,4.00,XYZ,,,,,,\n",
			`line 2, column currency: "XYZ" is not an ISO 4217 currency code such as USD, EUR or GBP`},
		{"price without currency", header + "A1,Contoso,Exchange Online (Plan 1),5,4.00,,,,,,,\n",
			`line 2, column unit_cost: "4.00" has no currency; fill the currency column (e.g. USD)`},
		{"currency sign", header + "A1,Contoso,Exchange Online (Plan 1),5,$4.00,USD,,,,,,\n",
			`line 2, column unit_cost: "$4.00" is not an amount; write a decimal number such as 19.80, without currency sign or thousands separator`},
		{"decimal comma in a comma file", header + "A1,Contoso,Exchange Online (Plan 1),5,\"4,00\",USD,,,,,,\n",
			`line 2, column unit_cost: "4,00" is not an amount`},
		{"negative price", header + "A1,Contoso,Exchange Online (Plan 1),5,-4.00,USD,,,,,,\n",
			`line 2, column unit_cost: "-4.00" is negative; a cost or price per seat is 0 or more`},
		{"tenant id not a GUID", header + "A1,Contoso,Exchange Online (Plan 1),5,,,,contoso.onmicrosoft.com,,,,\n",
			`line 2, column tenant_id: "contoso.onmicrosoft.com" is not a Microsoft tenant id (a GUID such as 0f3c6a52-52cc-4d69-9b7e-5b2f2f6e7a10)`},
		{"account renamed", header + ok + "A1,Contoso Ltd,Exchange Online (Plan 1),5,,,,,,,,\n",
			`line 3, column account_name: "Contoso Ltd", but line 2 names account A1 "Contoso"`},
		{"two tenants for one account", header + "A1,Contoso,P,5,,,,6f1b3c52-0d1e-4b8a-9a4e-2f0c7d5e8a11,,,,\nA1,Contoso,Q,5,,,,0b8e2a71-4c3d-4e5f-9a6b-7c8d9e0f1a2b,,,,\n",
			`line 3, column tenant_id: 0b8e2a71-4c3d-4e5f-9a6b-7c8d9e0f1a2b, but line 2 gives account A1 the tenant 6f1b3c52`},
		{"subscription id twice", header + "A1,Contoso,P,5,,,,,,,,S1\nA1,Contoso,Q,5,,,,,,,,S1\n",
			`line 3, column subscription_id: "S1" is already the id of the subscription on line 2`},
		{"Microsoft id on another vendor's product", header + "A1,Contoso,Acronis Backup,5,,,,,,Acronis,a7c1e2d4-3b5f-4c6a-8d9e-0f1a2b3c4d5e,\n",
			`line 2, column microsoft_subscription_id: a Microsoft subscription id on a product of another vendor ("Acronis")`},
		{"bare quote", header + "A1,Contoso,27\" screen,5,,,,,,,,\n",
			`line 2, column product_name: a " inside a value that is not in quotes`},
		{"quote never closed", header + ok + "A1,\"Contoso,P,5,,,,,,,,\n",
			`line 3, column account_name: a quoted value does not end properly`},
		{"too many values", header + "A1,Contoso,Exchange, Online,5,,,,,,,,S9\n",
			`line 2, column 13 (after the last named column): the row has 13 values but the header has 12 columns`},
		{"too few values", header + "A1,Contoso,Exchange Online,5,,\n",
			`line 2, column renewal_date: missing: the row has 6 values but the header has 12 columns`},
		{"missing required column", "account_id,account_name,product_name\nA1,Contoso,P\n",
			`line 1, column quantity: the header has no quantity column`},
		{"column named twice", "account_id,account_name,product_name,quantity,sku,Part Number\nA1,Contoso,P,1,x,y\n",
			`line 1, column sku: named twice ("sku" and "Part Number")`},
		{"empty file", "\uFEFF\r\n  \n", `line 1: the file is empty`},
		{"bad account status", "account_id,account_name,product_name,quantity,account_status\nA1,Contoso,P,1,gone\n",
			`line 2, column account_status: "gone" is not an account status; write active or inactive`},
		{"bad domain", "account_id,account_name,product_name,quantity,domain\nA1,Contoso,P,1,not a domain\n",
			`line 2, column domain: "not a domain" is not a domain such as contoso.com`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := problems(t, tc.file)
			found := false
			for _, p := range got {
				found = found || strings.HasPrefix(p, tc.want)
			}
			if !found {
				t.Errorf("problems %q\nhave none starting %q", got, tc.want)
			}
		})
	}
}

// TestProblemsCollectedAndBounded: every problem of a file is reported at
// once, up to maxProblems, and the rest are counted.
func TestProblemsCollectedAndBounded(t *testing.T) {
	t.Parallel()
	got := problems(t, header+"A1,Contoso,P,2.5,,,,,,,,\nA2,,P,1,,,,,,,,\nA3,Fabrikam,P,1,1.00,USD,31/12/2025,,,,,\n")
	want := []string{
		`line 2, column quantity: "2.5" is not a whole number of seats`,
		`line 3, column account_name: is empty; every row needs the customer's name`,
		`line 4, column renewal_date: "31/12/2025" is not a date in the form YYYY-MM-DD (e.g. 2025-04-03); day and month in another order are ambiguous`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}

	var b strings.Builder
	b.WriteString(header)
	for i := range maxProblems + 10 {
		fmt.Fprintf(&b, "A%d,Contoso,P,-1,,,,,,,,\n", i)
	}
	_, err := Parse([]byte(b.String()))
	var fe *FileError
	if !errors.As(err, &fe) || len(fe.Problems) != maxProblems || fe.More != 10 {
		t.Fatalf("30 bad rows: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "has 30 problems, so nothing in it was read") || !strings.HasSuffix(msg, "... and 10 more") {
		t.Errorf("error %q does not count every problem", msg)
	}
}

// TestHeaderNamesAreForgiving: order, case, spaces, hyphens and the
// accepted other names do not matter; unknown columns are named once.
func TestHeaderNamesAreForgiving(t *testing.T) {
	t.Parallel()
	data := " Seats ;Product Name;Renewal-Date;CUSTOMER ID;Account_Name;PO Number;Notes;Unit Cost;Currency\r\n" +
		"3;Microsoft 365 E3;2026-01-31;A1;Contoso;PO-1;x;\"33,12\";eur\r\n" +
		"4;Microsoft 365 E3;2026-01-31;A1;Contoso;PO-2;y;1.5;EUR\r\n"
	f, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Subscriptions) != 2 || len(f.Accounts) != 1 {
		t.Fatalf("got %d subscriptions, %d accounts; want 2, 1", len(f.Subscriptions), len(f.Accounts))
	}
	s := f.Subscriptions[0]
	if s.Quantity != 3 || s.AccountID != "A1" || s.Product.Name != "Microsoft 365 E3" || !s.CommitmentEnd.Equal(date(2026, 1, 31)) ||
		s.UnitCost != eur(3312) || !s.Microsoft {
		t.Errorf("first row read as %+v", s)
	}
	if f.Subscriptions[1].UnitCost != eur(150) {
		t.Errorf("1.5 EUR in a ; file read as %v", f.Subscriptions[1].UnitCost)
	}
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], `"PO Number", "Notes"`) {
		t.Errorf("file warnings %q, want one naming the ignored columns", f.Warnings)
	}
}

// TestSeparatorsAndEncodings: the same rows read alike with a comma, a
// semicolon or a tab, with or without a byte order mark and CRLF.
func TestSeparatorsAndEncodings(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{"account_id", "account_name", "product_name", "quantity", "term"},
		{"A1", "Fabrikam, Inc.", "Microsoft 365 Business Basic", "7", "P1Y"},
	}
	var want *File
	for _, sep := range []string{",", ";", "\t"} {
		for _, bom := range []string{"", "\uFEFF"} {
			for _, eol := range []string{"\n", "\r\n"} {
				var b strings.Builder
				b.WriteString(bom)
				for _, r := range rows {
					for i, v := range r {
						if i > 0 {
							b.WriteString(sep)
						}
						if strings.Contains(v, sep) {
							v = `"` + v + `"`
						}
						b.WriteString(v)
					}
					b.WriteString(eol)
				}
				got, err := Parse([]byte(b.String()))
				if err != nil {
					t.Fatalf("sep %q bom %v eol %q: %v", sep, bom != "", eol, err)
				}
				if got.Accounts[0].Name != "Fabrikam, Inc." || got.Subscriptions[0].Term != connectors.TermAnnual {
					t.Errorf("sep %q: read %+v", sep, got)
				}
				if want == nil {
					want = got
				} else if !reflect.DeepEqual(got, want) {
					t.Errorf("sep %q bom %v eol %q: %+v, want %+v", sep, bom != "", eol, got, want)
				}
			}
		}
	}
}

// TestDerivedIDsAreStable: a subscription without an id keeps its id when
// its quantity, price or dates change, and whatever spelling of its term;
// another product or term is another subscription.
func TestDerivedIDsAreStable(t *testing.T) {
	t.Parallel()
	id := func(row string) string {
		f, err := Parse([]byte("account_id,account_name,product_name,sku,quantity,unit_cost,currency,term,renewal_date\n" + row + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		return f.Subscriptions[0].ID
	}
	base := id("A1,Contoso,Microsoft 365 E3,SPE_E3,5,33.00,USD,annual,2026-01-31")
	for _, same := range []string{
		"A1,Contoso,Microsoft 365 E3,SPE_E3,6,34.00,USD,annual,2027-01-31",
		"A1,Contoso,M365 E3 (renamed),spe_e3,5,33.00,USD,P1Y,2026-01-31",
		"A1,Contoso,Microsoft 365 E3,SPE_E3,5,33.00,USD,1 Year,",
	} {
		if got := id(same); got != base {
			t.Errorf("%s: id %s, want %s", same, got, base)
		}
	}
	for _, other := range []string{
		"A2,Contoso,Microsoft 365 E3,SPE_E3,5,33.00,USD,annual,2026-01-31",
		"A1,Contoso,Microsoft 365 E3,SPE_E5,5,33.00,USD,annual,2026-01-31",
		"A1,Contoso,Microsoft 365 E3,SPE_E3,5,33.00,USD,monthly,2026-01-31",
		"A1,Contoso,Microsoft 365 E3,,5,33.00,USD,annual,2026-01-31",
	} {
		if got := id(other); got == base {
			t.Errorf("%s: same id %s as another subscription", other, got)
		}
	}
}

// TestVendorDecidesMicrosoft: the vendor column decides; without it, only
// evidence makes a row Microsoft's, and a row without evidence says so.
func TestVendorDecidesMicrosoft(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor, sku, name string
		microsoft, warned bool
		skuID, vendorSKU  string
	}{
		{"", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "Business Premium", true, false, skuSPB, ""},
		{"", "SPB", "Business Premium", true, false, "", "SPB"},
		{"", "CFQ7TTC0LCHC:0002", "Business Premium", true, false, "", "CFQ7TTC0LCHC:0002"},
		{"", "", "Microsoft 365 E5", true, false, "", ""},
		{"", "", "Office 365 E1", true, false, "", ""},
		{"", "", "Acronis Cyber Protect", false, true, "", ""},
		{"Acronis", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "Acronis Cyber Protect", false, false, "", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"},
		{"Microsoft Corporation", "", "Teams Essentials", true, false, "", ""},
	}
	for _, tc := range tests {
		f, err := Parse([]byte(fmt.Sprintf("account_id,account_name,product_name,quantity,vendor,sku\nA1,Contoso,%s,1,%s,%s\n", tc.name, tc.vendor, tc.sku)))
		if err != nil {
			t.Fatal(err)
		}
		s := f.Subscriptions[0]
		if s.Microsoft != tc.microsoft || (len(s.Warnings) > 0) != tc.warned || s.SkuID != tc.skuID || s.Product.VendorSKU != tc.vendorSKU {
			t.Errorf("vendor %q sku %q name %q: microsoft %v warnings %q sku id %q vendor sku %q",
				tc.vendor, tc.sku, tc.name, s.Microsoft, s.Warnings, s.SkuID, s.Product.VendorSKU)
		}
	}
}

// TestKeptButFlagged: values seats keeps without trusting carry a warning.
func TestKeptButFlagged(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte("account_id,account_name,product_name,quantity,unit_price,currency,term,billing_frequency,status\n" +
		"A1,Contoso,Microsoft 365 E3,1,17.985,USD,5 years,quarterly,Expired\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Subscriptions[0]
	if s.UnitPrice != usd(1798) || s.Term != connectors.TermUnknown || s.BillingFrequency != connectors.BillUnknown ||
		s.Status != connectors.StatusUnknown || s.RawStatus != "Expired" || len(s.Warnings) != 4 {
		t.Errorf("read %+v", s)
	}
}

// TestTemplateParsesCleanly: the example file reads without a problem or
// a warning, and shows each kind of row.
func TestTemplateParsesCleanly(t *testing.T) {
	t.Parallel()
	f, err := Parse(Template())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) > 0 {
		t.Errorf("template warnings: %q", f.Warnings)
	}
	if len(f.Accounts) != 4 || len(f.Subscriptions) != 7 {
		t.Errorf("template: %d accounts, %d subscriptions; want 4, 7", len(f.Accounts), len(f.Subscriptions))
	}
	var other, cancelled, noPrice int
	for _, s := range f.Subscriptions {
		if len(s.Warnings) > 0 {
			t.Errorf("template subscription %s warns %q", s.ID, s.Warnings)
		}
		if !s.Microsoft {
			other++
		}
		if s.Status == connectors.StatusCancelled {
			cancelled++
		}
		if !s.UnitCost.Known() {
			noPrice++
		}
	}
	if other != 1 || cancelled != 1 || noPrice != 1 {
		t.Errorf("template has %d other-vendor, %d cancelled, %d unpriced rows; want 1 each", other, cancelled, noPrice)
	}
	if hdr, _, _ := strings.Cut(string(Template()), "\n"); hdr != strings.Join(Columns(), ",") {
		t.Errorf("template header %q is not every column", hdr)
	}
}

func TestSmallFileParses(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte(smallFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Accounts, smallAccounts()) {
		t.Errorf("accounts\n got %+v\nwant %+v", f.Accounts, smallAccounts())
	}
	want := smallSubscriptions()
	if len(f.Subscriptions) != len(want) {
		t.Fatalf("%d subscriptions, want %d", len(f.Subscriptions), len(want))
	}
	for i := range want {
		g := f.Subscriptions[i]
		if (len(g.Warnings) > 0) != (len(want[i].Warnings) > 0) {
			t.Errorf("%s: warnings %q", g.ID, g.Warnings)
		}
	}
}

// TestTwinsNumberedInFileOrder: rows of one account, product and term
// without ids get the derived id, then -2, -3.
func TestTwinsNumberedInFileOrder(t *testing.T) {
	t.Parallel()
	f, err := Parse([]byte("account_id,account_name,product_name,quantity\nA1,C,P,1\nA1,C,P,2\nA1,C,P,3\nA1,C,Q,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := DerivedSubscriptionID("A1", "name:p", "")
	want := []string{base, base + "-2", base + "-3", DerivedSubscriptionID("A1", "name:q", "")}
	for i, s := range f.Subscriptions {
		if s.ID != want[i] {
			t.Errorf("row %d: id %s, want %s", i+2, s.ID, want[i])
		}
	}
}

// BenchmarkParse reads a file of 10,000 rows, a large MSP's export.
func BenchmarkParse(b *testing.B) {
	var buf strings.Builder
	buf.WriteString(strings.Join(Columns(), ",") + "\n")
	for i := range 10000 {
		fmt.Fprintf(&buf, "C-%d,Customer %d,,customer%d.com,active,,Microsoft 365 Business Premium,Microsoft,%s,,%d,19.80,22.00,USD,annual,monthly,2025-04-01,2026-03-31,,active\n",
			i/5, i/5, i/5, skuSPB, i%50)
	}
	data := []byte(buf.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
