package store

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

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
	bucketTables  = []byte("tables")
	keyTablesHead = []byte("head")
)

// tablesMeta says what the kept tables were computed from: read first, so
// that tables that no longer hold are not read at all.
type tablesMeta struct {
	Key         string `json:"key"`
	DataVersion uint64 `json:"data_version"`
	// Customers and Findings are how many chunks of each were written.
	Customers int `json:"customers"`
	Findings  int `json:"findings"`
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

// The kept tables are written in chunks (tablesChunk customers or findings
// a value), encoded and decoded on every processor: one 45 MB value at
// 10,000 customers took most of the memory of keeping it and a third of
// the time of reading it back.
const tablesChunk = 250

// SaveTables keeps t, computed under key from the file's data at version.
// When the data changed since version (another seats wrote meanwhile), t
// is not kept: kept reports false, and the next screen computes afresh.
func (s *Store) SaveTables(key string, version uint64, t reconcile.Tables) (kept bool, err error) {
	head := t
	head.Report.Customers, head.Report.Findings = nil, nil
	customers, findings := chunks(t.Report.Customers), chunks(t.Report.Findings)
	values := make([][]byte, 1+len(customers)+len(findings))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	encodeAt := func(i int, v any) {
		g.Go(func() (err error) {
			values[i], err = encode(v)
			return err
		})
	}
	encodeAt(0, head)
	for i, c := range customers {
		encodeAt(1+i, c)
	}
	for i, f := range findings {
		encodeAt(1+len(customers)+i, f)
	}
	if err := g.Wait(); err != nil {
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
		switch {
		case b.Bucket(bucketTables) != nil:
			err = b.DeleteBucket(bucketTables)
		case b.Get(bucketTables) != nil: // kept whole, as one value, by an earlier build
			err = b.Delete(bucketTables)
		}
		if err != nil {
			return err
		}
		tb, err := b.CreateBucket(bucketTables)
		if err != nil {
			return err
		}
		if err := tb.Put(keyTablesHead, values[0]); err != nil {
			return err
		}
		for i, v := range values[1 : 1+len(customers)] {
			if err := tb.Put(chunkKey(true, i), v); err != nil {
				return err
			}
		}
		for i, v := range values[1+len(customers):] {
			if err := tb.Put(chunkKey(false, i), v); err != nil {
				return err
			}
		}
		kept = true
		return put(b, keyTablesMeta, tablesMeta{Key: key, DataVersion: version, Customers: len(customers), Findings: len(findings)})
	})
	return kept, err
}

// chunks cuts s into runs of tablesChunk.
func chunks[T any](s []T) [][]T {
	var out [][]T
	for len(s) > 0 {
		n := min(len(s), tablesChunk)
		out = append(out, s[:n:n])
		s = s[n:]
	}
	return out
}

// chunkKey is the key of the i-th value after the head: customers' chunks
// first ("c" and their number), then findings' ("f").
func chunkKey(customers bool, i int) []byte {
	prefix := byte('f')
	if customers {
		prefix = 'c'
	}
	return append([]byte{prefix}, u64(uint64(i))...)
}

// Tables returns the kept tables when they were computed under key from the
// file's data as it is now; ok is false otherwise (none kept, another key,
// or the data changed since). Whether they still hold at this time of day
// is the caller's to ask (reconcile.Tables.Current).
func (s *Store) Tables(key string) (t reconcile.Tables, ok bool, err error) {
	var meta tablesMeta
	var head []byte
	var customers, findings [][]byte
	where := bucketName([][]byte{bucketReports})
	err = s.view("read kept licence tables", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketReports)
		if err != nil {
			return err
		}
		raw := b.Get(keyTablesMeta)
		tb := b.Bucket(bucketTables)
		if raw == nil || tb == nil {
			return nil
		}
		if err := s.decode(where+"/"+string(keyTablesMeta), raw, &meta); err != nil {
			return err
		}
		if meta.Key != key || meta.DataVersion != dataVersion(tx) {
			return nil
		}
		head = get(tb, keyTablesHead)
		customers, findings = make([][]byte, meta.Customers), make([][]byte, meta.Findings)
		for i := range customers {
			customers[i] = get(tb, chunkKey(true, i))
		}
		for i := range findings {
			findings[i] = get(tb, chunkKey(false, i))
		}
		return nil
	})
	if err != nil || head == nil {
		return t, false, err
	}
	where += "/" + string(bucketTables)
	cs := make([][]reconcile.CustomerLicences, len(customers))
	fs := make([][]reconcile.Finding, len(findings))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	g.Go(func() error { return s.decode(where+"/head", head, &t) })
	for i, raw := range customers {
		g.Go(func() error { return s.decodeChunk(where, raw, true, i, &cs[i]) })
	}
	for i, raw := range findings {
		g.Go(func() error { return s.decodeChunk(where, raw, false, i, &fs[i]) })
	}
	if err := g.Wait(); err != nil {
		return reconcile.Tables{}, false, err
	}
	// Empty, not nil, as Reconcile gives them (a JSON list stays a list).
	if t.Report.Customers = slices.Concat(cs...); t.Report.Customers == nil {
		t.Report.Customers = []reconcile.CustomerLicences{}
	}
	if t.Report.Findings = slices.Concat(fs...); t.Report.Findings == nil {
		t.Report.Findings = []reconcile.Finding{}
	}
	return t, true, nil
}

// decodeChunk decodes one chunk; a missing one is damage.
func (s *Store) decodeChunk(where string, raw []byte, customers bool, i int, v any) error {
	name := fmt.Sprintf("%s/%s", where, chunkKey(customers, i)[:1])
	if raw == nil {
		return s.corrupt(damage{fmt.Sprintf("%s chunk %d of the kept tables is missing", name, i)})
	}
	return s.decode(fmt.Sprintf("%s chunk %d", name, i), raw, v)
}
