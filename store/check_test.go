package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckSoundFile(t *testing.T) {
	t.Parallel()
	_, s := goodFile(t)
	before := readFile(t, s.Path())
	if err := Check(s.Path()); err != nil {
		t.Fatalf("Check of a sound file: %v", err)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Error("Check changed the file")
	}
}

func TestCheckMissingFileIsNotCreated(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "seats.db")
	err := Check(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Check of a missing file = %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Check created the file: %v", err)
	}
}

// A file whose pages open and read but whose keys are out of order: the
// typed methods would not notice; Check must.
func TestCheckFindsDamageThatReadsMiss(t *testing.T) {
	t.Parallel()
	good, _ := goodFile(t)
	// The snapshots are keyed tenant-00..tenant-49; renaming one key in
	// place leaves the page readable and its keys out of order.
	damaged := bytes.ReplaceAll(good, []byte("tenant-05"), []byte("tenant-95"))
	if bytes.Equal(damaged, good) {
		t.Fatal("the sample file holds no tenant-05")
	}
	path := writeDamaged(t, damaged)
	s, err := Open(path, Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("Open of the subtly damaged file: %v (the test needs one that opens)", err)
	}
	if _, err := s.Snapshots(); err != nil {
		t.Fatalf("Snapshots of the subtly damaged file: %v (the test needs one that reads)", err)
	}
	err = Check(path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Check = %v, want ErrCorrupt", err)
	}
	for _, want := range []string{path, "consistency check", "needs to be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err.Error(), want)
		}
	}
	if !bytes.Equal(damaged, readFile(t, path)) {
		t.Error("Check changed the damaged file")
	}
}

func TestCheckScribbledFileIsCorrupt(t *testing.T) {
	t.Parallel()
	path := writeDamaged(t, randomBytes(64<<10))
	if err := Check(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Check of random bytes = %v, want ErrCorrupt", err)
	}
}
