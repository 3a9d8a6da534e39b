package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/seats-msp/seats/reconcile"
)

// The licence tables a screen last showed are kept, so that the next one to
// show them while nothing they were computed from has changed reads them
// in one value instead of computing them again: at 10,000 customers that is
// a third of a second less before the first frame.
//
// What they were computed from is everything in this file (meta's
// data_version, which every write but the bookkeeping ones bumps, says
// whether any of it changed) and what is outside it (the reconcile
// settings, the seats build), which the caller folds into a key.

var (
	keyDataVersion = []byte("data_version")

	bucketReports = []byte("reports")
	keyTablesMeta = []byte("tables_meta")
	keyTables     = []byte("tables")
)

// tablesMeta says what the kept tables were computed from: read first, so
// that tables that no longer hold are not read at all.
type tablesMeta struct {
	Key         string `json:"key"`
	DataVersion uint64 `json:"data_version"`
}

// bumpDataVersion records that the file's data changed: kept tables
// computed before no longer hold.
func bumpDataVersion(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return damage{"it has no meta bucket"}
	}
	return meta.Put(keyDataVersion, u64(dataVersion(tx)+1))
}

// dataVersion is meta's data_version; 0 in a file not migrated yet.
func dataVersion(tx *bolt.Tx) uint64 {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0
	}
	if v := meta.Get(keyDataVersion); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// DataVersion is a number that changes whenever anything a reconcile reads
// changes in the file: read it before reading the input of tables, and keep
// them with it.
func (s *Store) DataVersion() (uint64, error) {
	var v uint64
	err := s.view("read data version", func(tx *bolt.Tx) error {
		v = dataVersion(tx)
		return nil
	})
	return v, err
}

// SaveTables keeps t, computed under key from the file's data at version.
// When the data changed since version (another seats wrote meanwhile), t
// is not kept: kept reports false, and the next screen computes afresh.
func (s *Store) SaveTables(key string, version uint64, t reconcile.Tables) (kept bool, err error) {
	data, err := encode(t)
	if err != nil {
		return false, fmt.Errorf("store: keep the licence tables: %w", err)
	}
	err = s.updateBookkeeping("keep licence tables", func(tx *bolt.Tx) error {
		if dataVersion(tx) != version || version == 0 {
			return nil
		}
		b, err := bucket(tx, bucketReports)
		if err != nil {
			return err
		}
		if err := b.Put(keyTables, data); err != nil {
			return err
		}
		kept = true
		return put(b, keyTablesMeta, tablesMeta{Key: key, DataVersion: version})
	})
	return kept, err
}

// Tables returns the kept tables when they were computed under key from the
// file's data as it is now; ok is false otherwise (none kept, another key,
// or the data changed since). Whether they still hold at this time of day
// is the caller's to ask (reconcile.Tables.Current).
func (s *Store) Tables(key string) (t reconcile.Tables, ok bool, err error) {
	var data []byte
	err = s.view("read kept licence tables", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketReports)
		if err != nil {
			return err
		}
		raw := b.Get(keyTablesMeta)
		if raw == nil {
			return nil
		}
		var meta tablesMeta
		if err := s.decode(bucketName([][]byte{bucketReports})+"/"+string(keyTablesMeta), raw, &meta); err != nil {
			return err
		}
		if meta.Key != key || meta.DataVersion != dataVersion(tx) {
			return nil
		}
		data = get(b, keyTables)
		return nil
	})
	if err != nil || data == nil {
		return t, false, err
	}
	if err := s.decode(bucketName([][]byte{bucketReports})+"/"+string(keyTables), data, &t); err != nil {
		return t, false, err
	}
	return t, true, nil
}
