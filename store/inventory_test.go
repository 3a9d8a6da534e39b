package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/seats-msp/seats/reconcile"
)

func TestInventoryRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if inv, err := s.Inventory(); err != nil || !inv.TakenAt.IsZero() {
		t.Fatalf("before any: %+v, %v", inv, err)
	}
	in := reconcile.Inventory{TakenAt: time.Date(2026, 12, 1, 10, 0, 0, 0, cet), Customers: map[string]string{"t1": "Contoso"},
		Lost: []string{"t1"}, Skus: []string{"sku"}, PSAItems: map[string]string{"i1": "BP"}}
	if err := s.SaveInventory(in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Inventory()
	in.TakenAt = in.TakenAt.UTC()
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Errorf("Inventory() = %+v, %v; want %+v", got, err, in)
	}
}
