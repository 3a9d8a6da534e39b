package store

import (
	bolt "go.etcd.io/bbolt"

	"github.com/seats-msp/seats/reconcile"
)

var keyInventory = []byte("inventory")

// SaveInventory keeps what this run saw, for the next run's "what changed
// since" (wizard/inventory).
func (s *Store) SaveInventory(inv reconcile.Inventory) error {
	inv.TakenAt = inv.TakenAt.UTC()
	return s.updateBookkeeping("save inventory", func(tx *bolt.Tx) error {
		return put(tx.Bucket(bucketWizard), keyInventory, inv)
	})
}

// Inventory returns what the last run saw; the zero Inventory when none
// was kept.
func (s *Store) Inventory() (reconcile.Inventory, error) {
	var inv reconcile.Inventory
	_, err := s.getJSON("read inventory", [][]byte{bucketWizard}, keyInventory, &inv)
	return inv, err
}
