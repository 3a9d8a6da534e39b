package store

import (
	"crypto/rand"
	"encoding/hex"

	bolt "go.etcd.io/bbolt"
)

var keyHomeID = []byte("home_id")

// HomeID is this home's identity: random, made once, kept in meta/home_id.
// A plan records it so that apply refuses a plan made for another home (a
// copy on another machine, the sandbox). It survives everything but a new
// seats.db.
func (s *Store) HomeID() (string, error) {
	var id string
	err := s.view("read home id", func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bucketMeta).Get(keyHomeID))
		return nil
	})
	if err != nil || id != "" {
		return id, err
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	fresh := hex.EncodeToString(b)
	err = s.update("make home id", func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if got := meta.Get(keyHomeID); got != nil {
			id = string(got) // another seats made it first
			return nil
		}
		id = fresh
		return meta.Put(keyHomeID, []byte(fresh))
	})
	return id, err
}
