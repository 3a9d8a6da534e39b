package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/seats-msp/seats/connectors"
	bolt "go.etcd.io/bbolt"
)

// migration brings the file from version-1 to version.
type migration struct {
	version int
	name    string
	migrate func(tx *bolt.Tx) error
}

// migrations are applied in order, every pending one in a single Update, so a
// file is always at one version or the next, never in between. Append only:
// never edit or reorder a migration that has shipped.
//
// A migration test MUST be added to migrationTests for each migration (a test
// fails when the counts differ), and the bucket tree in the package doc and
// LatestSchema must follow.
var migrations = []migration{
	{
		version: 1,
		name:    "base tree: meta and wizard",
		migrate: func(tx *bolt.Tx) error {
			return createBuckets(tx, [][]byte{bucketMeta}, [][]byte{bucketWizard})
		},
	},
	{
		version: 2,
		name:    "microsoft: account, customers, gdap, consents, snapshots, syncs",
		migrate: func(tx *bolt.Tx) error {
			return createBuckets(tx,
				[][]byte{bucketMicrosoft, bucketAccount},
				[][]byte{bucketMicrosoft, bucketCustomers},
				[][]byte{bucketMicrosoft, bucketGDAP},
				[][]byte{bucketMicrosoft, bucketConsents},
				[][]byte{bucketMicrosoft, bucketSnapshots},
				[][]byte{bucketMicrosoft, bucketSyncs},
			)
		},
	},
	{
		version: 3,
		name:    "distributor, psa (with its write log) and mappings",
		migrate: func(tx *bolt.Tx) error {
			return createBuckets(tx,
				pathDistributor,
				[][]byte{bucketDistributor, bucketSyncs},
				pathPSA,
				[][]byte{bucketPSA, bucketSyncs},
				pathPSAWrites,
				pathMappings,
			)
		},
	},
	{
		version: 4,
		name:    "microsoft: each snapshot's users apart from it",
		migrate: func(tx *bolt.Tx) error {
			if err := createBuckets(tx, pathUsers); err != nil {
				return err
			}
			snaps, err := bucket(tx, pathSnapshots...)
			if err != nil {
				return err
			}
			users, err := bucket(tx, pathUsers...)
			if err != nil {
				return err
			}
			// Collected first: a bucket is not changed while its cursor
			// walks it.
			type moved struct {
				key  []byte
				snap connectors.LicenceSnapshot
			}
			var todo []moved
			err = snaps.ForEach(func(k, v []byte) error {
				var snap connectors.LicenceSnapshot
				if err := json.Unmarshal(v, &snap); err != nil {
					return damage{fmt.Sprintf("%s/%s does not decode: %v", bucketName(pathSnapshots), k, err)}
				}
				if len(snap.Users) > 0 {
					todo = append(todo, moved{bytes.Clone(k), snap})
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, m := range todo {
				if err := put(users, m.key, m.snap.Users); err != nil {
					return err
				}
				m.snap.Users = nil
				if err := put(snaps, m.key, m.snap); err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		version: 5,
		name:    "reports: the last licence tables, and the data version they hold for",
		migrate: func(tx *bolt.Tx) error {
			if err := createBuckets(tx, [][]byte{bucketReports}); err != nil {
				return err
			}
			// From here every write bumps it (store.update); starting at 1
			// tells a migrated file from one no seats has written since.
			return tx.Bucket(bucketMeta).Put(keyDataVersion, u64(1))
		},
	},
}

// errNothingToMigrate rolls back the migration transaction when the file is
// already current (another seats migrated it meanwhile): a rollback writes
// nothing, where an empty commit would still rewrite a meta page.
var errNothingToMigrate = errors.New("nothing to migrate")

// migrate runs every migration newer than the file's version and records the
// last one. It refuses a file from a newer seats and one that is not ours.
func migrate(tx *bolt.Tx) error {
	version, err := storedVersion(tx)
	if err != nil {
		return err
	}
	if version > LatestSchema {
		// Open's read-only check saw an older version; a newer seats
		// migrated the file in between. Report it the same way.
		return newerSchemaDuringMigrate{version}
	}
	pending := 0
	for _, m := range migrations {
		if uint64(m.version) <= version {
			continue
		}
		if err := m.migrate(tx); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if err := setVersion(tx, m.version); err != nil {
			return err
		}
		pending++
	}
	if pending == 0 {
		return errNothingToMigrate
	}
	return nil
}

// newerSchemaDuringMigrate carries the version out of the transaction so that
// Open can word it with the path.
type newerSchemaDuringMigrate struct{ version uint64 }

func (e newerSchemaDuringMigrate) Error() string {
	return fmt.Sprintf("schema %d is newer than %d", e.version, LatestSchema)
}

// setVersion records the schema version in meta.
func setVersion(tx *bolt.Tx, version int) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return damage{"it has no meta bucket"}
	}
	return meta.Put(keySchemaVersion, u64(uint64(version)))
}

// createBuckets creates each bucket path, parents first, keeping any that
// already exist.
func createBuckets(tx *bolt.Tx, paths ...[][]byte) error {
	for _, path := range paths {
		b, err := tx.CreateBucketIfNotExists(path[0])
		if err != nil {
			return fmt.Errorf("create bucket %s: %w (seats.db is damaged: move it aside and seats will start a fresh one)", path[0], err)
		}
		for _, name := range path[1:] {
			if b, err = b.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w (seats.db is damaged: move it aside and seats will start a fresh one)", bucketName(path), err)
			}
		}
	}
	return nil
}
