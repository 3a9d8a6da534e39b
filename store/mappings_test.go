package store

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

func TestMappingsRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	empty, err := s.Mappings()
	if err != nil || empty.Accounts == nil || empty.Products == nil || empty.Skus == nil || len(empty.Accounts) != 0 {
		t.Fatalf("before any save: %+v, %v; want empty, non-nil kinds", empty, err)
	}
	m := reconcile.Mappings{
		Accounts: []reconcile.AccountMapping{{TenantID: "t1", Customer: "Contoso",
			Distributor: reconcile.HandMatch("c1", "Contoso Ltd"),
			PSA:         reconcile.AccountMatch{State: reconcile.StateUnmapped}}},
		Products: []reconcile.ProductMatch{reconcile.HandProductMatch(reconcile.ProductKey{SkuID: "sku", Term: connectors.TermAnnual}, "i1", "M365 BP (Annual)")},
		Skus:     []reconcile.SkuTie{reconcile.HandTie("p1", "Microsoft 365 Business Premium", "sku")},
	}
	if err := s.UpdateMappings(func(mp *reconcile.Mappings) error { *mp = m; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Mappings()
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("Mappings() = %+v, %v; want %+v", got, err, m)
	}
	// Changing one kind leaves the others alone.
	m2 := reconcile.Mappings{Skus: []reconcile.SkuTie{}}
	if err := s.UpdateMappings(func(mp *reconcile.Mappings) error { mp.Skus = m2.Skus; return nil }); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Mappings()
	if len(got.Accounts) != 1 || len(got.Products) != 1 || len(got.Skus) != 0 {
		t.Errorf("after saving only skus: %+v", got)
	}
}

func TestUpdateMappingsKeepsEveryChange(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if err := s.UpdateMappings(func(mp *reconcile.Mappings) error {
		mp.Accounts = []reconcile.AccountMapping{{TenantID: "t1"}, {TenantID: "t2"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.UpdateMappings(func(m *reconcile.Mappings) error {
				m.Accounts[i].Excluded = true
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := s.Mappings()
	if !got.Accounts[0].Excluded || !got.Accounts[1].Excluded {
		t.Errorf("a change was lost: %+v", got.Accounts)
	}
	boom := errors.New("refused")
	if err := s.UpdateMappings(func(m *reconcile.Mappings) error { m.Accounts = nil; return boom }); err != boom {
		t.Fatalf("err = %v", err)
	}
	if got, _ := s.Mappings(); len(got.Accounts) != 2 {
		t.Error("a failed change was written")
	}
}
