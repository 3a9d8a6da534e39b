package reconcile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// mapWorld is three customers, two distributor accounts and two PSA
// companies; Contoso matches on both sides by name, the rest is unmapped.
func mapWorld() AccountImportInput {
	in := AccountMatchInput{
		Customers: []MatchCustomer{
			{TenantID: tenantContoso, Name: "Contoso Ltd"},
			{TenantID: tenantFabrikam, Name: "Fabrikam"},
			{TenantID: "33333333-3333-3333-3333-333333333333", Name: "=cmd|' /C calc'!A0"},
		},
		DistributorKind: "pax8",
		DistributorAccounts: []connectors.DistributorAccount{
			{ID: "d1", Name: "Contoso Ltd", Active: true}, {ID: "d2", Name: "Woodgrove", Active: true}},
		PSAKind: "connectwise",
		PSACompanies: []connectors.PSACompany{
			{ID: "c1", Name: "Contoso Ltd", Active: true, Type: connectors.CompanyClient},
			{ID: "c2", Name: "Woodgrove Bank", Active: true, Type: connectors.CompanyClient}},
	}
	return AccountImportInput{Current: MatchAccounts(in), DistributorAccounts: in.DistributorAccounts, PSACompanies: in.PSACompanies}
}

func TestExportAccountsListsEveryCustomer(t *testing.T) {
	t.Parallel()
	w := mapWorld()
	// Before any match: only the customers, every one of them.
	bare := MatchAccounts(AccountMatchInput{Customers: []MatchCustomer{{TenantID: tenantContoso, Name: "Contoso Ltd"}, {TenantID: tenantFabrikam, Name: "Fabrikam"}}})
	var b bytes.Buffer
	if err := ExportAccounts(&b, bare); err != nil {
		t.Fatal(err)
	}
	want := "tenantId,customer,distributorAccountId,distributorAccount,psaAccountId,psaAccount,excluded\n" +
		tenantContoso + ",Contoso Ltd,,,,,false\n" + tenantFabrikam + ",Fabrikam,,,,,false\n"
	if b.String() != want {
		t.Errorf("export with no matches:\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := ExportAccounts(&b, w.Current); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), tenantContoso+",Contoso Ltd,d1,Contoso Ltd,c1,Contoso Ltd,false\n") {
		t.Errorf("auto matches not exported:\n%s", b.String())
	}
	if !strings.Contains(b.String(), ",'=cmd|' /C calc'!A0,") {
		t.Errorf("a formula-like name is written as it is:\n%s", b.String())
	}
}

func TestAccountsRoundTrip(t *testing.T) {
	t.Parallel()
	w := mapWorld()
	w.Current[1].PSA = HandMatch("c2", "Woodgrove Bank")
	w.Current[2].Excluded = true
	var b bytes.Buffer
	if err := ExportAccounts(&b, w.Current); err != nil {
		t.Fatal(err)
	}
	got, changes, err := ImportAccounts(&b, w)
	if err != nil || len(changes) != 0 {
		t.Fatalf("export then import: changes %v, err %v", changes, err)
	}
	if fmt.Sprint(got) != fmt.Sprint(w.Current) {
		t.Errorf("state changed:\n got %+v\nwant %+v", got, w.Current)
	}
}

func TestImportAccountsChanges(t *testing.T) {
	t.Parallel()
	w := mapWorld()
	file := strings.Join([]string{
		"\ufeffexcluded,tenantId,customer,distributorAccountId,distributorAccount,psaAccountId,psaAccount", // any column order, BOM
		"false," + tenantContoso + ",CONTOSO LIMITED,d1,,,",                                                // PSA blanked
		"yes," + tenantFabrikam + ",,d2,Woodgrove,c2,Woodgrove Bank",                                       // new hand matches, excluded
	}, "\n")
	got, changes, err := ImportAccounts(strings.NewReader(file), w)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range changes {
		lines = append(lines, c.String())
	}
	want := []string{
		"line 2: Contoso Ltd: psaAccountId c1 Contoso Ltd -> (none)",
		"line 3: Fabrikam: distributorAccountId (none) -> d2 Woodgrove",
		"line 3: Fabrikam: psaAccountId (none) -> c2 Woodgrove Bank",
		"line 3: Fabrikam: excluded false -> true",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if p := got[0].PSA; p.State != StateConfirmed || p.AccountID != "" || got[0].State() != StateUnmapped {
		t.Errorf("blanked side: %+v", p)
	}
	if d := got[1].Distributor; d.State != StateConfirmed || d.Evidence != EvidenceImported || d.AccountName != "Woodgrove" {
		t.Errorf("imported side: %+v", d)
	}
	// An automatic pass afterwards leaves imported matches alone.
	again := MatchAccounts(AccountMatchInput{Customers: []MatchCustomer{{TenantID: tenantContoso, Name: "Contoso Ltd"}},
		PSACompanies: w.PSACompanies, Previous: got})
	if again[0].PSA.AccountID != "" || again[0].PSA.State != StateConfirmed {
		t.Errorf("a later pass re-matched a side the file unmapped: %+v", again[0].PSA)
	}
}

func TestImportAccountsProblems(t *testing.T) {
	t.Parallel()
	header := strings.Join(AccountsCSVHeader, ",")
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"empty file", "", []string{"line 1: the file is empty"}},
		{"wrong header", "tenant,customer\n", []string{`line 1: unknown column "tenant"`, `line 1: missing column(s) "tenantId", "distributorAccountId", "distributorAccount", "psaAccountId", "psaAccount", "excluded"`}},
		{"unknown ids", header + "\n" + tenantContoso + ",,dX,,cX,,false\n99999999-0000-0000-0000-000000000000,,,,,,\n",
			[]string{"line 2, distributorAccountId: no distributor account has id dX", "line 2, psaAccountId: no PSA account has id cX",
				"line 3, tenantId: no customer has tenant id 99999999-0000-0000-0000-000000000000"}},
		{"duplicate customer", header + "\n" + tenantContoso + ",,,,,,\n" + tenantContoso + ",,,,,,\n",
			[]string{"line 3, tenantId: customer " + tenantContoso + " is already on line 2"}},
		{"account given to two customers", header + "\n" + tenantFabrikam + ",,d1,,,,\n",
			[]string{"line 2, distributorAccountId: account d1 is also given to Contoso Ltd; one account belongs to one customer"}},
		{"both in the file", header + "\n" + tenantContoso + ",,d2,,,,\n" + tenantFabrikam + ",,d2,,,,\n",
			[]string{"line 2, distributorAccountId: account d2 is also given to Fabrikam (line 3)",
				"line 3, distributorAccountId: account d2 is also given to Contoso Ltd (line 2)"}},
		{"names that do not fit their ids", header + "\n" + tenantContoso + ",Fabrikam,d1,Woodgrove,c1,Contoso,false\n",
			[]string{`line 2, customer: "Fabrikam" is not the name of tenant`, `line 2, distributorAccount: "Woodgrove" is not the name of distributor account d1`}},
		{"bad excluded", header + "\n" + tenantContoso + ",,d1,,c1,,maybe\n", []string{`line 2, excluded: "maybe" is neither true nor false`}},
		{"short row", header + "\n" + tenantContoso + ",x\n", []string{"line 2: 2 cells, the header has 7"}},
		{"bad quoting", header + "\n" + tenantContoso + `,"Contoso,,,,,` + "\n", []string{"line 2: not valid CSV"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, changes, err := ImportAccounts(strings.NewReader(tt.file), mapWorld())
			var ie *ImportError
			if !errors.As(err, &ie) || got != nil || changes != nil {
				t.Fatalf("err %v, %d mappings: want an ImportError and nothing else", err, len(got))
			}
			var msgs []string
			for _, p := range ie.Problems {
				msgs = append(msgs, p.String())
			}
			all := strings.Join(msgs, "\n")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("problems:\n%s\nlack %q", all, w)
				}
			}
			if len(ie.Problems) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%s", len(ie.Problems), len(tt.want), all)
			}
		})
	}
}

func productWorld() ([]ProductMatch, []connectors.CatalogItem) {
	catalog := []connectors.CatalogItem{
		{ID: "i1", Description: "M365 Business Premium", VendorSKU: "SPB", Active: true},
		{ID: "i2", Description: "Office E3", Active: true},
	}
	seen := []ProductSeen{{ProductKey: ProductKey{skuSPB, connectors.TermMonthly}}, {ProductKey: ProductKey{skuSPB, connectors.TermAnnual}},
		{ProductKey: ProductKey{skuE3, connectors.TermMonthly}}}
	return MatchProducts(ProductMatchInput{Seen: seen, Catalog: catalog}), catalog
}

func TestProductsRoundTripAndProblems(t *testing.T) {
	t.Parallel()
	current, catalog := productWorld()
	var b bytes.Buffer
	if err := ExportProducts(&b, current); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "skuId,product,term,psaProductId,psaProduct\n"+skuSPB+",Microsoft 365 Business Premium,monthly,i1,M365 Business Premium\n") {
		t.Errorf("export:\n%s", b.String())
	}
	got, changes, err := ImportProducts(bytes.NewReader(b.Bytes()), current, catalog)
	if err != nil || len(changes) != 0 || fmt.Sprint(got) != fmt.Sprint(current) {
		t.Fatalf("round trip: %v %v", changes, err)
	}
	file := "skuId,product,term,psaProductId,psaProduct\n" +
		skuE3 + ",Office 365 E3,monthly,i2,Office E3\n" +
		skuE3 + ",,annual,i2,\n" + // a new term, same item: allowed
		skuE3 + ",,Yearly,i2,\n" +
		skuE3 + ",,monthly,i1,\n" +
		"00000000-1111-2222-3333-444444444444,,monthly,,\n" +
		skuSPB + ",Exchange,annual,i9,\n"
	_, _, err = ImportProducts(strings.NewReader(file), current, catalog)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		`line 4, term: "Yearly" is not a term`,
		"line 5, skuId: " + skuE3 + " monthly is already on line 2",
		"line 6, skuId: no SKU has id 00000000-1111-2222-3333-444444444444",
		`line 7, product: "Exchange" is not the name of SKU`,
		"line 7, psaProductId: no PSA catalogue item has id i9",
	}
	if len(ie.Problems) != len(want) {
		t.Errorf("problems %v, want %d", ie.Problems, len(want))
	}
	for i, w := range want {
		if i < len(ie.Problems) && !strings.HasPrefix(ie.Problems[i].String(), w) {
			t.Errorf("problem %d = %q, want %q", i, ie.Problems[i], w)
		}
	}
	got, changes, err = ImportProducts(strings.NewReader("skuId,product,term,psaProductId,psaProduct\n"+skuE3+",,monthly,i2,\n"+skuE3+",,annual,i2,\n"), current, catalog)
	if err != nil || len(changes) != 2 || len(got) != 4 || !got[2].Matched() || !got[3].Matched() || got[3].Term != connectors.TermAnnual {
		t.Errorf("two terms to one item: %v %v %+v", changes, err, got)
	}
}

func TestSkuTiesRoundTripAndProblems(t *testing.T) {
	t.Parallel()
	current := TieSkus(SkuTieInput{Subscriptions: []connectors.DistributorSubscription{
		{Microsoft: true, Product: connectors.DistributorProduct{ID: "p1", Name: "Microsoft 365 Business Premium"}},
		{Microsoft: true, Product: connectors.DistributorProduct{ID: "p2", Name: "Mystery bundle"}},
	}})
	var b bytes.Buffer
	if err := ExportSkuTies(&b, current); err != nil {
		t.Fatal(err)
	}
	want := "distributorProductId,distributorProduct,skuId\np1,Microsoft 365 Business Premium," + skuSPB + "\np2,Mystery bundle,\n"
	if b.String() != want {
		t.Errorf("export:\n%s\nwant\n%s", b.String(), want)
	}
	got, changes, err := ImportSkuTies(bytes.NewReader(b.Bytes()), current)
	if err != nil || len(changes) != 0 || fmt.Sprint(got) != fmt.Sprint(current) {
		t.Fatalf("round trip: %v %v", changes, err)
	}
	got, changes, err = ImportSkuTies(strings.NewReader("distributorProductId,distributorProduct,skuId\np2,,"+strings.ToUpper(skuE3)+"\n"), current)
	if err != nil || len(changes) != 1 || !got[1].Tied() || got[1].SkuID != skuE3 || got[1].Evidence != EvidenceImported {
		t.Errorf("tie by file: %v %v %+v", changes, err, got)
	}
	_, _, err = ImportSkuTies(strings.NewReader("distributorProductId,distributorProduct,skuId\np3,,\np1,Other,not-a-sku\np1,,\n"), current)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 4 {
		t.Fatalf("err = %v", err)
	}
}

// FuzzImportAccounts feeds the parser any bytes: it never panics, and a
// file it accepts, exported again, imports as no change.
func FuzzImportAccounts(f *testing.F) {
	header := strings.Join(AccountsCSVHeader, ",")
	f.Add(header + "\n" + tenantContoso + ",Contoso Ltd,d1,Contoso Ltd,c1,Contoso Ltd,false\n")
	f.Add(header + "\n" + tenantFabrikam + ",,d2,,c2,,yes\n")
	f.Add("\ufeff" + header + "\r\n\"" + tenantContoso + "\",\"x\"\"y\",,,,,\r\n")
	f.Add(header + "\n,,,,,,\n\n")
	f.Add("a,b\n\"unterminated")
	f.Fuzz(func(t *testing.T, file string) {
		w := mapWorld()
		got, changes, err := ImportAccounts(strings.NewReader(file), w)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 || got != nil || changes != nil {
				t.Fatalf("refusal without problems, or with a result: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := ExportAccounts(&b, got); err != nil {
			t.Fatal(err)
		}
		w.Current = got
		again, changes, err := ImportAccounts(&b, w)
		if err != nil || len(changes) != 0 || fmt.Sprint(again) != fmt.Sprint(got) {
			t.Fatalf("accepted file does not round-trip: %v %v", changes, err)
		}
	})
}
