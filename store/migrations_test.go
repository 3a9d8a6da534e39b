package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/seats-msp/seats/connectors"
	bolt "go.etcd.io/bbolt"
)

// migrationTests has one case per migration, in the same order: init writes
// data in the shape the file has before the migration, check verifies the
// shape after it (and that init's data survived).
var migrationTests = []struct {
	name  string
	init  func(tx *bolt.Tx) error
	check func(tx *bolt.Tx) error
}{
	{
		name: "base tree",
		init: func(*bolt.Tx) error { return nil }, // a brand-new file holds nothing
		check: func(tx *bolt.Tx) error {
			return wantBuckets(tx, [][]byte{bucketMeta}, [][]byte{bucketWizard})
		},
	},
	{
		name: "microsoft buckets",
		init: func(tx *bolt.Tx) error {
			return tx.Bucket(bucketWizard).Put(keyWizardProgress, []byte(`{"current":"connect","done":["distributor"]}`))
		},
		check: func(tx *bolt.Tx) error {
			if err := wantBuckets(tx, pathAccount, pathCustomers, pathGDAP, pathConsents, pathSnapshots, [][]byte{bucketMicrosoft, bucketSyncs}); err != nil {
				return err
			}
			if got := string(tx.Bucket(bucketWizard).Get(keyWizardProgress)); got != `{"current":"connect","done":["distributor"]}` {
				return fmt.Errorf("wizard progress became %q", got)
			}
			return nil
		},
	},
	{
		name: "distributor, psa and mappings",
		init: func(tx *bolt.Tx) error {
			b, err := bucket(tx, pathSnapshots...)
			if err != nil {
				return err
			}
			return b.Put([]byte("t1"), []byte(`{"tenant_id":"t1"}`))
		},
		check: func(tx *bolt.Tx) error {
			if err := wantBuckets(tx, pathDistributor, [][]byte{bucketDistributor, bucketSyncs}, pathPSA,
				[][]byte{bucketPSA, bucketSyncs}, pathPSAWrites, pathMappings); err != nil {
				return err
			}
			b, err := bucket(tx, pathSnapshots...)
			if err != nil {
				return err
			}
			if got := string(b.Get([]byte("t1"))); got != `{"tenant_id":"t1"}` {
				return fmt.Errorf("a licence snapshot became %q", got)
			}
			return nil
		},
	},
	{
		name: "users apart from snapshots",
		init: func(tx *bolt.Tx) error {
			b, err := bucket(tx, pathSnapshots...)
			if err != nil {
				return err
			}
			if err := b.Put([]byte("t1"), []byte(`{"tenant_id":"t1","skus":[{"sku_id":"s1"}],"users":[{"id":"u1","upn":"a@t1.example"}]}`)); err != nil {
				return err
			}
			return b.Put([]byte("t2"), []byte(`{"tenant_id":"t2"}`))
		},
		check: func(tx *bolt.Tx) error {
			if err := wantBuckets(tx, pathUsers); err != nil {
				return err
			}
			b, err := bucket(tx, pathSnapshots...)
			if err != nil {
				return err
			}
			ub, err := bucket(tx, pathUsers...)
			if err != nil {
				return err
			}
			var snap connectors.LicenceSnapshot
			if err := json.Unmarshal(b.Get([]byte("t1")), &snap); err != nil || len(snap.Users) != 0 || len(snap.Skus) != 1 {
				return fmt.Errorf("t1's snapshot after the move: %+v, %v; want its SKUs without users", snap, err)
			}
			var users []connectors.User
			if err := json.Unmarshal(ub.Get([]byte("t1")), &users); err != nil || len(users) != 1 || users[0].UserPrincipalName != "a@t1.example" {
				return fmt.Errorf("t1's users after the move: %+v, %v", users, err)
			}
			if got := string(b.Get([]byte("t2"))); got != `{"tenant_id":"t2"}` {
				return fmt.Errorf("a snapshot without users was rewritten: %q", got)
			}
			return nil
		},
	},
	{
		name: "reports and the data version",
		init: func(tx *bolt.Tx) error {
			return tx.Bucket(bucketWizard).Put(keyInventory, []byte(`{"takenAt":"2026-11-01T00:00:00Z"}`))
		},
		check: func(tx *bolt.Tx) error {
			if err := wantBuckets(tx, [][]byte{bucketReports}); err != nil {
				return err
			}
			if v := dataVersion(tx); v != 1 {
				return fmt.Errorf("data version %d after the migration, want 1", v)
			}
			if got := string(tx.Bucket(bucketWizard).Get(keyInventory)); got != `{"takenAt":"2026-11-01T00:00:00Z"}` {
				return fmt.Errorf("the inventory became %q", got)
			}
			return nil
		},
	},
}

// drawnTree is every bucket of the tree drawn in the package doc.
var drawnTree = [][][]byte{
	{bucketMeta}, {bucketWizard},
	{bucketMicrosoft}, pathAccount, pathCustomers, pathGDAP, pathConsents, pathSnapshots, pathUsers, {bucketMicrosoft, bucketSyncs},
	pathDistributor, {bucketDistributor, bucketSyncs}, pathPSA, {bucketPSA, bucketSyncs}, pathPSAWrites, pathMappings,
	{bucketReports},
}

func wantBuckets(tx *bolt.Tx, paths ...[][]byte) error {
	for _, path := range paths {
		if _, err := bucket(tx, path...); err != nil {
			return err
		}
	}
	return nil
}

func TestMigrationsCountedAlike(t *testing.T) {
	t.Parallel()
	if len(migrationTests) != len(migrations) {
		t.Fatalf("%d migration tests for %d migrations: add a test for each migration", len(migrationTests), len(migrations))
	}
	if LatestSchema != len(migrations) {
		t.Errorf("LatestSchema = %d, but there are %d migrations", LatestSchema, len(migrations))
	}
	for i, m := range migrations {
		if m.version != i+1 {
			t.Errorf("migration %d (%s) has version %d, want %d: versions run 1, 2, 3... in order", i, m.name, m.version, i+1)
		}
	}
}

// fileAtVersion builds a file with the first version migrations applied, then
// lets init write into it.
func fileAtVersion(t *testing.T, version int, init func(tx *bolt.Tx) error) string {
	t.Helper()
	path := testPath(t, "seats.db")
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		for _, m := range migrations[:version] {
			if err := m.migrate(tx); err != nil {
				return err
			}
			if err := setVersion(tx, m.version); err != nil {
				return err
			}
		}
		return init(tx)
	})
	return path
}

// TestEachMigration applies each migration alone to a file at the version
// before it.
func TestEachMigration(t *testing.T) {
	t.Parallel()
	if len(migrationTests) != len(migrations) {
		t.Skip("TestMigrationsCountedAlike fails")
	}
	for i, tt := range migrationTests {
		t.Run(fmt.Sprintf("%d %s", migrations[i].version, tt.name), func(t *testing.T) {
			t.Parallel()
			path := fileAtVersion(t, i, tt.init)
			rawUpdate(t, path, migrations[i].migrate)
			db, err := bolt.Open(path, fileMode, &bolt.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.View(tt.check); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestOpenMigratesFromEveryVersion lets Open bring a file from each older
// version to the latest, running every later migration's check.
func TestOpenMigratesFromEveryVersion(t *testing.T) {
	t.Parallel()
	if len(migrationTests) != len(migrations) {
		t.Skip("TestMigrationsCountedAlike fails")
	}
	for from := range len(migrations) {
		t.Run(fmt.Sprintf("from %d", from), func(t *testing.T) {
			t.Parallel()
			path := fileAtVersion(t, from, migrationTests[from].init)
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if v, err := s.SchemaVersion(); err != nil || v != LatestSchema {
				t.Fatalf("SchemaVersion() = %d, %v; want %d", v, err, LatestSchema)
			}
			// This migration's check (init's data came through) and the
			// whole tree of the package doc.
			err = s.view("check", func(tx *bolt.Tx) error {
				if err := migrationTests[from].check(tx); err != nil {
					return err
				}
				return wantBuckets(tx, drawnTree...)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMigrateSkipsCurrentFile(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	err := s.run("migrate again", modeReadWrite, true, migrate)
	if !errors.Is(err, errNothingToMigrate) {
		t.Errorf("migrate on a current file = %v, want %v (a rollback, no write)", err, errNothingToMigrate)
	}
}
