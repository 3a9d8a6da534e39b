package reconcile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// FuzzImportProducts feeds `seats map products import` any bytes: it never
// panics; a refusal names its problems and changes nothing; an accepted
// file only maps to items of the catalogue, and exported again imports as
// no change.
func FuzzImportProducts(f *testing.F) {
	header := strings.Join(ProductsCSVHeader, ",")
	f.Add(header + "\n" + skuE3 + ",Office 365 E3,monthly,i2,Office E3\n")
	f.Add(header + "\n" + skuE3 + ",,annual,i2,\n" + skuE3 + ",,Yearly,i2,\n" + skuE3 + ",,monthly,i1,\n")
	f.Add("\ufeff" + header + "\r\n" + strings.ToUpper(skuSPB) + ",\"=cmd\",monthly,'i1,\r\n")
	f.Add(header + "\n00000000-1111-2222-3333-444444444444,,monthly,,\n" + skuSPB + ",Exchange,annual,i9,\n")
	f.Add("skuId\n\"unterminated")
	f.Fuzz(func(t *testing.T, file string) {
		current, catalog := productWorld()
		got, changes, err := ImportProducts(strings.NewReader(file), current, catalog)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 || got != nil || changes != nil {
				t.Fatalf("refusal without problems, or with a result: %v", err)
			}
			return
		}
		for _, m := range got {
			if m.Matched() && !inCatalog(catalog, m.ItemID) {
				t.Fatalf("mapped to %q, which is not in the catalogue", m.ItemID)
			}
		}
		var b bytes.Buffer
		if err := ExportProducts(&b, got); err != nil {
			t.Fatal(err)
		}
		again, changes, err := ImportProducts(&b, got, catalog)
		if err != nil || len(changes) != 0 || fmt.Sprint(again) != fmt.Sprint(got) {
			t.Fatalf("accepted file does not round-trip: %v %v", changes, err)
		}
	})
}

// FuzzImportSkuTies feeds `seats map skus import` any bytes: it never
// panics; a refusal names its problems and changes nothing; an accepted
// file exported again imports as no change.
func FuzzImportSkuTies(f *testing.F) {
	header := strings.Join(SkusCSVHeader, ",")
	f.Add(header + "\np1,Microsoft 365 Business Premium," + skuSPB + "\np2,Mystery bundle,\n")
	f.Add(header + "\np2,," + strings.ToUpper(skuE3) + "\n")
	f.Add(header + "\np3,,\np1,Other,not-a-sku\np1,,\n")
	f.Add("\ufeff" + header + "\r\n\"p1\",\"a\"\"b\",\r\n")
	f.Add("distributorProductId\n\"unterminated")
	f.Fuzz(func(t *testing.T, file string) {
		current := TieSkus(SkuTieInput{Subscriptions: []connectors.DistributorSubscription{
			{Microsoft: true, Product: connectors.DistributorProduct{ID: "p1", Name: "Microsoft 365 Business Premium"}},
			{Microsoft: true, Product: connectors.DistributorProduct{ID: "p2", Name: "Mystery bundle"}},
		}})
		got, changes, err := ImportSkuTies(strings.NewReader(file), current)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 || got != nil || changes != nil {
				t.Fatalf("refusal without problems, or with a result: %v", err)
			}
			return
		}
		if len(got) != len(current) {
			t.Fatalf("import made %d ties of %d products", len(got), len(current))
		}
		var b bytes.Buffer
		if err := ExportSkuTies(&b, got); err != nil {
			t.Fatal(err)
		}
		again, changes, err := ImportSkuTies(&b, got)
		if err != nil || len(changes) != 0 || fmt.Sprint(again) != fmt.Sprint(got) {
			t.Fatalf("accepted file does not round-trip: %v %v", changes, err)
		}
	})
}

func inCatalog(catalog []connectors.CatalogItem, id string) bool {
	for _, it := range catalog {
		if it.ID == id {
			return true
		}
	}
	return false
}
