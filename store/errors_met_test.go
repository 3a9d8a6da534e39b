package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/conformance"

	bolt "go.etcd.io/bbolt"

	"github.com/seats-msp/seats/connectors"
)

// TestErrorsMet meets each error of the store the way a person does, and
// checks what it says.
func TestErrorsMet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// meet produces the error; want are the words it must hold.
		meet func(t *testing.T) (err error, want []string)
	}{
		{"seats.db is a directory", func(t *testing.T) (error, []string) {
			path := filepath.Join(t.TempDir(), "seats.db")
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, Options{LockTimeout: time.Second})
			return err, []string{path, "is a directory: move it aside"}
		}},
		{"seats.db is a link to itself", func(t *testing.T) (error, []string) {
			path := filepath.Join(t.TempDir(), "seats.db")
			if err := os.Symlink(path, path); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			_, err := Open(path, Options{LockTimeout: time.Second})
			return err, []string{path, "cannot be read", "fix it, or move it aside and seats will start a fresh one"}
		}},
		{"seats.db replaced by an older file while seats runs", func(t *testing.T) (error, []string) {
			s := openTestStore(t)
			rawUpdate(t, s.Path(), func(tx *bolt.Tx) error { return setVersion(tx, 1) })
			_, _, err := s.Account()
			return err, []string{s.Path(), "was replaced by an older or empty file while seats was running (schema", "restart seats"}
		}},
		{"seats.db removed while seats runs", func(t *testing.T) (error, []string) {
			s := openTestStore(t)
			if err := os.Remove(s.Path()); err != nil {
				t.Fatal(err)
			}
			_, err := s.CustomerStatuses()
			return err, []string{s.Path(), "has gone since seats opened it: restart seats to start a fresh one"}
		}},
		{"a damaged old file fails its migration", func(t *testing.T) (error, []string) {
			// A schema 3 file whose microsoft bucket holds a plain value
			// where migration 4 puts the snapshot users' bucket.
			path := fileAtVersion(t, 3, func(tx *bolt.Tx) error {
				b, err := bucket(tx, bucketMicrosoft)
				if err != nil {
					return err
				}
				return b.Put(bucketSnapshotUsers, []byte("not a bucket"))
			})
			before := readFile(t, path)
			_, err := Open(path, Options{LockTimeout: time.Second})
			if after := readFile(t, path); string(after) != string(before) {
				t.Error("the failed migration changed the file")
			}
			return err, []string{"migration 4", "create bucket microsoft/snapshot_users", "seats.db is damaged: move it aside and seats will start a fresh one"}
		}},
		{"Partner Center lists a customer without a tenant id", func(t *testing.T) (error, []string) {
			s := openTestStore(t)
			err := s.ReplaceCustomers([]connectors.Customer{{TenantID: "aaaa", Name: "Contoso"}, {Name: "Fabrikam"}}, nil, time.Now())
			return err, []string{"the customer list was not saved: customer 1", `"Fabrikam"`, "tenant id is empty", "check that customer in Partner Center, then refresh"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err, want := tt.meet(t)
			conformance.ErrorSays(t, err, want...)
		})
	}
}
