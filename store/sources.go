package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/seats-msp/seats/connectors"
)

// The sync kinds of the distributor and the PSA (SyncRun.Kind).
const (
	SyncDistributor = "distributor"
	SyncPSA         = "psa"
)

// SourceConnection is what seats remembers of connecting a distributor or a
// PSA: which kind, when it last proved to work, and what the test call saw.
// Settings live in config.yaml and secrets in the secret store; this is only
// the record for `seats status` and the wizard's "connected" line.
type SourceConnection struct {
	Kind        string    `json:"kind"` // registry name: "pax8", "connectwise"...
	CheckedAt   time.Time `json:"checked_at"`
	Summary     string    `json:"summary"` // "Pax8: 142 companies, 1,310 subscriptions"
	ConnectedBy string    `json:"connected_by,omitempty"`
}

// SaveConnection records the distributor's (kind = connectors.KindDistributor)
// or the PSA's connection, replacing the previous one.
func (s *Store) SaveConnection(side connectors.ConnectorKind, c SourceConnection) error {
	path, err := sourcePath(side)
	if err != nil {
		return err
	}
	c.CheckedAt = c.CheckedAt.UTC()
	return s.update("save connection", func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		return put(b, keyConnection, c)
	})
}

// Connection returns the recorded connection of one side; ok is false when
// none was made.
func (s *Store) Connection(side connectors.ConnectorKind) (c SourceConnection, ok bool, err error) {
	path, err := sourcePath(side)
	if err != nil {
		return c, false, err
	}
	ok, err = s.getJSON("read connection", path, keyConnection, &c)
	return c, ok, err
}

// ClearConnection forgets one side's connection (logout --all). Its last
// snapshot stays: it describes the customers, not the credentials.
func (s *Store) ClearConnection(side connectors.ConnectorKind) error {
	path, err := sourcePath(side)
	if err != nil {
		return err
	}
	return s.update("clear connection", func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		return b.Delete(keyConnection)
	})
}

// SaveDistributorSnapshot replaces the distributor snapshot in one write. A
// snapshot whose content equals the stored one is not rewritten; only its
// time moves (SnapshotUnchanged reports that). Times are stored in UTC.
func (s *Store) SaveDistributorSnapshot(snap connectors.DistributorSnapshot) (unchanged bool, err error) {
	snap.TakenAt = snap.TakenAt.UTC()
	snap.Stale, snap.StaleReason, snap.StaleSince = false, "", time.Time{}
	content := snap
	content.TakenAt = time.Time{}
	return s.saveSourceSnapshot("save distributor snapshot", pathDistributor, snap.Kind, content, snap.TakenAt)
}

// DistributorSnapshot returns the last distributor snapshot with its time
// and stale mark; ok is false when there is none.
func (s *Store) DistributorSnapshot() (snap connectors.DistributorSnapshot, ok bool, err error) {
	var meta snapshotMeta
	ok, err = s.loadSourceSnapshot("read distributor snapshot", pathDistributor, &snap, &meta, s.decodeApart)
	if ok {
		snap.TakenAt, snap.Stale, snap.StaleReason, snap.StaleSince = meta.TakenAt, meta.Stale, meta.StaleReason, meta.StaleSince
	}
	return snap, ok, err
}

// SavePSASnapshot is SaveDistributorSnapshot for the PSA.
func (s *Store) SavePSASnapshot(snap connectors.PSASnapshot) (unchanged bool, err error) {
	snap.TakenAt = snap.TakenAt.UTC()
	snap.Stale, snap.StaleReason, snap.StaleSince = false, "", time.Time{}
	content := snap
	content.TakenAt = time.Time{}
	return s.saveSourceSnapshot("save psa snapshot", pathPSA, snap.Kind, content, snap.TakenAt)
}

// PSASnapshot returns the last PSA snapshot with its time and stale mark.
func (s *Store) PSASnapshot() (snap connectors.PSASnapshot, ok bool, err error) {
	var meta snapshotMeta
	ok, err = s.loadSourceSnapshot("read psa snapshot", pathPSA, &snap, &meta, s.decodeApart)
	if ok {
		snap.TakenAt, snap.Stale, snap.StaleReason, snap.StaleSince = meta.TakenAt, meta.Stale, meta.StaleReason, meta.StaleSince
	}
	return snap, ok, err
}

// PSACatalog returns the catalogue of the last PSA snapshot alone: what
// the summary's inventory needs, without building the agreements and lines
// (at 10,000 customers most of the snapshot); ok is false when there is
// none.
func (s *Store) PSACatalog() (catalog []connectors.CatalogItem, ok bool, err error) {
	var content struct {
		Catalog []connectors.CatalogItem `json:"catalog"`
	}
	var meta snapshotMeta
	ok, err = s.loadSourceSnapshot("read psa catalogue", pathPSA, &content, &meta, s.decode)
	return content.Catalog, ok, err
}

// MarkSourceStale marks one side's snapshot stale with the reason its sync
// failed; the data stays as it was. The first failure's time is kept while
// failures repeat. Without a snapshot there is nothing to mark.
func (s *Store) MarkSourceStale(side connectors.ConnectorKind, reason string, at time.Time) error {
	path, err := sourcePath(side)
	if err != nil {
		return err
	}
	return s.update("mark source stale", func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		data := get(b, keySnapshotMeta)
		if data == nil {
			return nil
		}
		var meta snapshotMeta
		if err := json.Unmarshal(data, &meta); err != nil {
			return s.corrupt(fmt.Errorf("%s/%s: %w", bucketName(path), keySnapshotMeta, err))
		}
		if !meta.Stale {
			meta.StaleSince = at.UTC()
		}
		meta.Stale, meta.StaleReason = true, reason
		return put(b, keySnapshotMeta, meta)
	})
}

// snapshotMeta is kept apart from a source snapshot's content, so that a sync
// that read the same data again writes a few bytes instead of the whole
// snapshot.
type snapshotMeta struct {
	Kind        string    `json:"kind,omitempty"` // the snapshot's kind ("pax8"); blank in records older than it
	TakenAt     time.Time `json:"taken_at"`
	Stale       bool      `json:"stale,omitempty"`
	StaleReason string    `json:"stale_reason,omitempty"`
	StaleSince  time.Time `json:"stale_since,omitzero"`
}

func (s *Store) saveSourceSnapshot(op string, path [][]byte, kind string, content any, at time.Time) (unchanged bool, err error) {
	data, err := encode(content)
	if err != nil {
		return false, fmt.Errorf("store: %s: %w", op, err)
	}
	err = s.update(op, func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		unchanged = bytes.Equal(b.Get(keySnapshot), data)
		if !unchanged {
			if err := b.Put(keySnapshot, data); err != nil {
				return err
			}
		}
		return put(b, keySnapshotMeta, snapshotMeta{Kind: kind, TakenAt: at})
	})
	return unchanged, err
}

// loadSourceSnapshot reads one side's snapshot, its content decoded with
// decode: decodeApart for a whole snapshot, whose strings end up in the
// licence tables and the matching view and must not hold its raw copy
// alive; decode for a part of it that is dropped soon (the catalogue).
func (s *Store) loadSourceSnapshot(op string, path [][]byte, content any, meta *snapshotMeta, decode func(string, []byte, any) error) (bool, error) {
	var data, metaData []byte
	err := s.view(op, func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		data, metaData = get(b, keySnapshot), get(b, keySnapshotMeta)
		return nil
	})
	if err != nil || data == nil {
		return false, err
	}
	where := bucketName(path)
	if err := decode(where+"/snapshot", data, content); err != nil {
		return false, err
	}
	if metaData != nil {
		if err := s.decode(where+"/snapshot_meta", metaData, meta); err != nil {
			return false, err
		}
	}
	return true, nil
}

// getJSON reads one JSON value at path/key; ok is false when absent.
func (s *Store) getJSON(op string, path [][]byte, key []byte, out any) (bool, error) {
	var data []byte
	err := s.view(op, func(tx *bolt.Tx) error {
		b, err := bucket(tx, path...)
		if err != nil {
			return err
		}
		data = get(b, key)
		return nil
	})
	if err != nil || data == nil {
		return false, err
	}
	if err := s.decode(bucketName(path)+"/"+string(key), data, out); err != nil {
		return false, err
	}
	return true, nil
}

func sourcePath(side connectors.ConnectorKind) ([][]byte, error) {
	switch side {
	case connectors.KindDistributor:
		return pathDistributor, nil
	case connectors.KindPSA:
		return pathPSA, nil
	}
	return nil, fmt.Errorf("store: unknown source %q", side)
}

// RecordWriteIntent records a PSA write before it is sent (Outcome
// WritePending, whatever w says) and returns its id. A crash after this and
// before RecordWriteOutcome leaves the intent pending, for the next apply to
// resolve by re-reading the line.
func (s *Store) RecordWriteIntent(w connectors.PSAWrite) (uint64, error) {
	w.Outcome = connectors.WritePending
	w.StartedAt = w.StartedAt.UTC()
	w.FinishedAt = time.Time{}
	w.EffectiveDate = w.EffectiveDate.UTC()
	err := s.update("record write intent", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathPSAWrites...)
		if err != nil {
			return err
		}
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		w.ID = id
		return put(b, u64(id), w)
	})
	if err != nil {
		return 0, err
	}
	return w.ID, nil
}

// RecordWriteOutcome completes the intent id with its outcome. An unknown
// id is an error, so an outcome is never recorded without its intent.
func (s *Store) RecordWriteOutcome(id uint64, outcome connectors.WriteOutcome, reason string, at time.Time) error {
	if outcome == connectors.WritePending {
		return fmt.Errorf("store: record write outcome: %q is not an outcome", outcome)
	}
	return s.update("record write outcome", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathPSAWrites...)
		if err != nil {
			return err
		}
		data := get(b, u64(id))
		if data == nil {
			return fmt.Errorf("store: record write outcome: no intent %d", id)
		}
		var w connectors.PSAWrite
		if err := json.Unmarshal(data, &w); err != nil {
			return s.corrupt(fmt.Errorf("%s/%d: %w", bucketName(pathPSAWrites), id, err))
		}
		w.Outcome, w.Reason, w.FinishedAt = outcome, reason, at.UTC()
		return put(b, u64(id), w)
	})
}

// RecordFinishedWrite records a write that was decided against before any
// intent (the line no longer held the planned quantity), for the audit log.
func (s *Store) RecordFinishedWrite(w connectors.PSAWrite) (uint64, error) {
	if w.Outcome == "" || w.Outcome == connectors.WritePending {
		return 0, fmt.Errorf("store: record finished write: outcome %q is not final", w.Outcome)
	}
	w.StartedAt, w.FinishedAt = w.StartedAt.UTC(), w.FinishedAt.UTC()
	err := s.update("record write", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathPSAWrites...)
		if err != nil {
			return err
		}
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		w.ID = id
		return put(b, u64(id), w)
	})
	return w.ID, err
}

// PSAWrites returns the audit log, newest first. pendingOnly keeps the
// intents whose outcome is not recorded (the crash-recovery queue).
func (s *Store) PSAWrites(pendingOnly bool) ([]connectors.PSAWrite, error) {
	var rows [][]byte
	err := s.view("read psa writes", func(tx *bolt.Tx) error {
		b, err := bucket(tx, pathPSAWrites...)
		if err != nil {
			return err
		}
		return b.ForEach(func(_, v []byte) error {
			rows = append(rows, clone(v))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := make([]connectors.PSAWrite, 0, len(rows))
	for _, data := range rows {
		var w connectors.PSAWrite
		if err := s.decode(bucketName(pathPSAWrites), data, &w); err != nil {
			return nil, err
		}
		if pendingOnly && w.Outcome != connectors.WritePending {
			continue
		}
		out = append(out, w)
	}
	slices.Reverse(out)
	return out, nil
}

// SourceState is when a side's snapshot was taken and whether it is stale,
// without reading the snapshot itself.
type SourceState struct {
	Kind        string    `json:"kind,omitempty"`
	TakenAt     time.Time `json:"taken_at"`
	Stale       bool      `json:"stale,omitempty"`
	StaleReason string    `json:"stale_reason,omitempty"`
	StaleSince  time.Time `json:"stale_since,omitzero"`
}

// SourceSnapshotState returns a side's snapshot time and stale mark; ok is
// false before its first successful sync.
func (s *Store) SourceSnapshotState(side connectors.ConnectorKind) (SourceState, bool, error) {
	path, err := sourcePath(side)
	if err != nil {
		return SourceState{}, false, err
	}
	var meta snapshotMeta
	ok, err := s.getJSON("read source snapshot state", path, keySnapshotMeta, &meta)
	return SourceState(meta), ok, err
}
