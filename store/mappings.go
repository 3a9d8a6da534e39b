package store

import (
	bolt "go.etcd.io/bbolt"

	"github.com/seats-msp/seats/reconcile"
)

// Keys of the mapping kinds under mappings/. Each kind is kept whole in one
// value: matching always computes every mapping of a kind from the previous
// ones, and one value is one write.
var (
	keyAccountMappings = []byte("accounts")
	keyProductMatches  = []byte("products")
	keySkuTies         = []byte("skus")
)

// Mappings returns every kind of mapping; kinds never saved are empty
// (not nil) slices.
func (s *Store) Mappings() (reconcile.Mappings, error) {
	var raw [3][]byte
	err := s.view("read mappings", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathMappings...)
		if err != nil {
			return err
		}
		raw[0], raw[1], raw[2] = get(b, keyAccountMappings), get(b, keyProductMatches), get(b, keySkuTies)
		return nil
	})
	m := reconcile.Mappings{Accounts: []reconcile.AccountMapping{}, Products: []reconcile.ProductMatch{}, Skus: []reconcile.SkuTie{}}
	if err != nil {
		return m, err
	}
	targets := []struct {
		where string
		data  []byte
		out   any
	}{
		{"mappings/accounts", raw[0], &m.Accounts},
		{"mappings/products", raw[1], &m.Products},
		{"mappings/skus", raw[2], &m.Skus},
	}
	for _, t := range targets {
		if t.data == nil {
			continue
		}
		if err := s.decode(t.where, t.data, t.out); err != nil {
			return m, err
		}
	}
	return m, nil
}

// UpdateMappings reads every mapping, lets change edit them, and writes
// what it returns, all in one write transaction: two changes at once (the
// wizard and a `seats map import`, or two keys pressed quickly) each see the
// other's result instead of one overwriting the other. Nothing is written
// when change fails.
func (s *Store) UpdateMappings(change func(m *reconcile.Mappings) error) error {
	// change's own refusal is returned as it is: it is the caller's
	// sentence (a file refused, an account taken), not a store failure.
	var refused error
	err := s.update("update mappings", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathMappings...)
		if err != nil {
			return err
		}
		m := reconcile.Mappings{Accounts: []reconcile.AccountMapping{}, Products: []reconcile.ProductMatch{}, Skus: []reconcile.SkuTie{}}
		for _, t := range []struct {
			key []byte
			out any
		}{{keyAccountMappings, &m.Accounts}, {keyProductMatches, &m.Products}, {keySkuTies, &m.Skus}} {
			if data := b.Get(t.key); data != nil {
				if err := s.decode("mappings/"+string(t.key), clone(data), t.out); err != nil {
					return err
				}
			}
		}
		if err := change(&m); err != nil {
			refused = err
			return err
		}
		for _, t := range []struct {
			key []byte
			v   any
		}{{keyAccountMappings, m.Accounts}, {keyProductMatches, m.Products}, {keySkuTies, m.Skus}} {
			if err := put(b, t.key, t.v); err != nil {
				return err
			}
		}
		return nil
	})
	if refused != nil {
		return refused
	}
	return err
}
