package store

import (
	"path/filepath"
	"testing"
)

func TestHomeIDIsMadeOnceAndKept(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "seats.db")
	s1, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id1, err := s1.HomeID()
	if err != nil || len(id1) != 24 {
		t.Fatalf("HomeID = %q, %v", id1, err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if id2, _ := s2.HomeID(); id2 != id1 {
		t.Errorf("second open: %q, want %q", id2, id1)
	}
	other, _ := Open(filepath.Join(t.TempDir(), "seats.db"), Options{})
	if id3, _ := other.HomeID(); id3 == id1 {
		t.Error("two homes share an id")
	}
}
