package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
)

// The first run's full sync keeps a source's snapshot only when it is of
// the kind connected now, not stale, and read within the window.
func TestReadRecently(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	read := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	fresh := readRecently(st, 5*time.Minute, read.Add(2*time.Minute))
	if _, ok := fresh(connectors.KindDistributor, "pax8"); ok {
		t.Error("a side never read counts as read recently")
	}
	if _, err := st.SaveDistributorSnapshot(connectors.DistributorSnapshot{Kind: "pax8", TakenAt: read}); err != nil {
		t.Fatal(err)
	}
	if at, ok := fresh(connectors.KindDistributor, "pax8"); !ok || !at.Equal(read) {
		t.Errorf("read 2 minutes ago: %v %v; want kept, read at %s", at, ok, read)
	}
	if _, ok := fresh(connectors.KindDistributor, "sherweb"); ok {
		t.Error("another kind's snapshot counts as read recently")
	}
	if _, ok := readRecently(st, 5*time.Minute, read.Add(6*time.Minute))(connectors.KindDistributor, "pax8"); ok {
		t.Error("a snapshot older than the window counts as read recently")
	}
	if _, ok := readRecently(st, 0, read)(connectors.KindDistributor, "pax8"); ok {
		t.Error("a zero window keeps a snapshot")
	}
	if err := st.MarkSourceStale(connectors.KindDistributor, "Pax8 answered 503", read.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, ok := fresh(connectors.KindDistributor, "pax8"); ok {
		t.Error("a stale snapshot counts as read recently")
	}
}
