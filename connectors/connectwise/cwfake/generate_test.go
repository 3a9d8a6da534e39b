package cwfake_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
)

func usd(cents int64) connectors.Money { return connectors.Money{Minor: cents, Currency: "USD"} }

// sampleInput is ten customers with one to three products each, monthly
// and annual, as a distributor bills them.
func sampleInput() cwfake.GenerateInput {
	products := []cwfake.GenerateProduct{
		{SkuID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermMonthly, UnitPrice: usd(2640)},
		{SkuID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermAnnual, UnitPrice: usd(2200)},
		{SkuID: "4b9405b0-7788-4568-add1-99614e613b69", SkuPartNumber: "EXCHANGESTANDARD", Name: "Exchange Online (Plan 1)", Term: connectors.TermMonthly, UnitPrice: usd(480)},
		{SkuID: "f245ecc8-75af-4f8e-b61f-27d8114de5f3", SkuPartNumber: "O365_BUSINESS_PREMIUM", Name: "Microsoft 365 Business Standard", Term: connectors.TermAnnual, UnitPrice: usd(1250)},
	}
	names := []string{"Contoso Ltd", "Fabrikam Inc", "Northwind Traders", "Adventure Works", "Alpine Ski House", "Coho Winery",
		"Wide World Importers", "Tailwind & Co", "Litware LLC", "Proseware"}
	var in cwfake.GenerateInput
	for i, n := range names {
		c := cwfake.GenerateCustomer{
			TenantID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
			Name:     n,
			Domain:   strings.ToLower(strings.Fields(n)[0]) + ".example",
		}
		for j := 0; j <= i%3; j++ {
			p := products[(i+j)%len(products)]
			p.Quantity = 3 + (i*7+j*5)%20
			c.Products = append(c.Products, p)
		}
		in.Customers = append(in.Customers, c)
	}
	return in
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a := cwfake.Generate(sampleInput(), 7, now)
	b := cwfake.Generate(sampleInput(), 7, now)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two worlds from one seed differ")
	}
	if c := cwfake.Generate(sampleInput(), 8, now); reflect.DeepEqual(a, c) {
		t.Error("two seeds gave the same world")
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back cwfake.World
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(normalise(back), normalise(a)) {
		t.Errorf("the world does not survive JSON: %v", err)
	}
}

// normalise drops what JSON cannot tell apart (nil and empty lists).
func normalise(w cwfake.World) string {
	data, _ := json.Marshal(w)
	return string(data)
}

// billed sums the billable, live quantities of item on a company's active
// agreements.
func billed(w cwfake.World, companyID, itemID int) int {
	active := map[int]bool{}
	for _, a := range w.Agreements {
		active[a.ID] = a.CompanyID == companyID && a.Status == "Active" && !a.CancelledFlag
	}
	n := 0
	for _, ad := range w.Additions {
		if active[ad.AgreementID] && ad.ProductID == itemID && ad.BillCustomer == "Billable" && ad.CancelledDate.IsZero() {
			q, _ := strconv.Atoi(ad.Quantity.String())
			n += q
		}
	}
	return n
}

func TestGenerateHasEverySituation(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 3, 42} {
		t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) {
			t.Parallel()
			in := sampleInput()
			w := cwfake.Generate(in, seed, now)

			items := map[string]cwfake.CatalogItem{}
			mpn := 0
			for _, it := range w.Catalog {
				items[it.Identifier] = it
				if it.ManufacturerPartNumber != "" {
					mpn++
				}
			}
			for _, id := range []string{"M365BP-M", "M365BP-A", "EOP1-M", "EOP1-A", "M365BS-M", "M365BS-A"} {
				if _, ok := items[id]; !ok {
					t.Errorf("no catalogue item %s (have %v)", id, keys(items))
				}
			}
			if it := items["M365BP-M"]; it.Description != "Microsoft 365 Business Premium (Monthly)" || it.Price != "26.40" || !it.RecurringFlag {
				t.Errorf("M365BP-M is %+v", it)
			}
			if it := items["M365BP-A"]; it.Description != "Microsoft 365 Business Premium (Annual)" || it.Price != "22.00" {
				t.Errorf("M365BP-A is %+v", it)
			}
			if mpn == 0 || mpn == len(w.Catalog) {
				t.Errorf("%d of %d items carry a manufacturer part number, want some", mpn, len(w.Catalog))
			}

			byTenant := map[string]cwfake.Company{}
			var clients, inactive, prospects, deleted, renamed, withTenant, withWebsite int
			for _, c := range w.Companies {
				switch {
				case c.DeletedFlag:
					deleted++
				case c.StatusID == 2:
					inactive++
				case reflect.DeepEqual(c.TypeIDs, []int{2}):
					prospects++
				case reflect.DeepEqual(c.TypeIDs, []int{1}):
					clients++
				}
				if c.TenantID != "" {
					withTenant++
				}
				if c.Website != "" {
					withWebsite++
				}
			}
			var matched []cwfake.Company
			for _, cust := range in.Customers {
				for _, c := range w.Companies {
					if !c.DeletedFlag && (strings.EqualFold(c.Name, cust.Name) || strings.HasPrefix(strings.ToLower(c.Name), strings.ToLower(strings.Fields(cust.Name)[0])+" ") && c.StatusID == 1 && reflect.DeepEqual(c.TypeIDs, []int{1})) {
						byTenant[cust.TenantID] = c
						matched = append(matched, c)
						if c.Name != cust.Name {
							renamed++
						}
						break
					}
				}
			}
			if clients != len(in.Customers)-1+1 { // every customer but one, and one only in the PSA
				t.Errorf("%d active clients, want %d", clients, len(in.Customers))
			}
			if inactive != 1 || prospects != 1 || deleted != 1 || withTenant == 0 || withWebsite == 0 {
				t.Errorf("inactive %d prospects %d deleted %d with a tenant %d with a website %d; want 1, 1, 1, some, some",
					inactive, prospects, deleted, withTenant, withWebsite)
			}
			if renamed == 0 {
				t.Errorf("no company is named differently from its tenant")
			}

			// Quantities against the distributor's: some match, one is
			// under-billed and one over-billed on purpose.
			var match, under, over int
			for _, cust := range in.Customers {
				c, ok := byTenant[cust.TenantID]
				if !ok {
					continue
				}
				want := map[string]int{}
				for _, p := range cust.Products {
					code := "M"
					if p.Term == connectors.TermAnnual {
						code = "A"
					}
					for id, it := range items {
						if strings.HasSuffix(id, "-"+code) && strings.HasPrefix(it.Description, p.Name+" (") {
							want[id] += p.Quantity
						}
					}
				}
				for id, q := range want {
					switch got := billed(w, c.ID, items[id].ID); {
					case got == q:
						match++
					case got < q:
						under++
					default:
						over++
					}
				}
			}
			if match == 0 || under == 0 || over == 0 {
				t.Errorf("lines matching %d, under-billed %d, over-billed %d; want some of each", match, under, over)
			}

			agreements := map[int]cwfake.Agreement{}
			activePerCompany := map[int]int{}
			for _, a := range w.Agreements {
				agreements[a.ID] = a
				if a.Status == "Active" {
					activePerCompany[a.CompanyID]++
				}
			}
			var cancelledLines, notBilled, openOnCancelled, twoOfOne int
			seen := map[string]int{}
			for _, ad := range w.Additions {
				a := agreements[ad.AgreementID]
				switch {
				case !ad.CancelledDate.IsZero() && a.Status == "Active":
					cancelledLines++
				case ad.BillCustomer == "DoNotBill":
					notBilled++
				case a.CancelledFlag && ad.CancelledDate.IsZero():
					openOnCancelled++
				}
				if a.Status == "Active" && ad.CancelledDate.IsZero() {
					k := fmt.Sprint(ad.AgreementID, "/", ad.ProductID)
					if seen[k]++; seen[k] == 2 {
						twoOfOne++
					}
				}
			}
			twoAgreements := 0
			for _, n := range activePerCompany {
				if n >= 2 {
					twoAgreements++
				}
			}
			if cancelledLines == 0 || notBilled == 0 || openOnCancelled == 0 || twoOfOne == 0 || twoAgreements == 0 {
				t.Errorf("cancelled %d, not billed %d, open on a cancelled agreement %d, two of one item %d, customers on two agreements %d; want each",
					cancelledLines, notBilled, openOnCancelled, twoOfOne, twoAgreements)
			}
			if w.PrivateKey == "" || w.PublicKey == "" || w.Codebase == "" || w.Currency != "USD" {
				t.Errorf("credentials, codebase or currency missing: %q %q %q %q", w.PublicKey, w.PrivateKey, w.Codebase, w.Currency)
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestGenerateSmallInputs(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 3; n++ {
		in := sampleInput()
		in.Customers = in.Customers[:n]
		w := cwfake.Generate(in, 1, now)
		if len(w.Companies) < 2 || w.PrivateKey == "" {
			t.Errorf("%d customers: %d companies", n, len(w.Companies))
		}
		// Every addition names an agreement and an item that exist.
		agreements, items := map[int]bool{}, map[int]bool{}
		for _, a := range w.Agreements {
			agreements[a.ID] = true
		}
		for _, it := range w.Catalog {
			items[it.ID] = true
		}
		for _, ad := range w.Additions {
			if !agreements[ad.AgreementID] || !items[ad.ProductID] {
				t.Errorf("%d customers: addition %d points nowhere (%d, %d)", n, ad.ID, ad.AgreementID, ad.ProductID)
			}
		}
	}
}

// TestGeneratePricesAdditionsPerAgreementCycle: an addition bills per its
// agreement's cycle, so an annual item on a monthly agreement costs a
// twelfth of the item's yearly price each month.
func TestGeneratePricesAdditionsPerAgreementCycle(t *testing.T) {
	t.Parallel()
	w := cwfake.Generate(sampleInput(), 7, now)
	items := map[int]cwfake.CatalogItem{}
	for _, it := range w.Catalog {
		items[it.ID] = it
	}
	agreements := map[int]cwfake.Agreement{}
	for _, a := range w.Agreements {
		agreements[a.ID] = a
	}
	checked := 0
	for _, ad := range w.Additions {
		it, a := items[ad.ProductID], agreements[ad.AgreementID]
		if it.BillCycle != "Annual" {
			continue
		}
		itemPrice, _ := strconv.ParseFloat(string(it.Price), 64)
		got, _ := strconv.ParseFloat(string(ad.UnitPrice), 64)
		want := itemPrice
		if a.BillingCycle == "Monthly" {
			want = itemPrice / 12
		}
		if diff := got - want; diff > 0.01 || diff < -0.01 {
			t.Errorf("addition %d of %q on a %s agreement: unit price %v, want %.2f", ad.ID, it.Description, a.BillingCycle, got, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no addition of an annual item to check")
	}
}
