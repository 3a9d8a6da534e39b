package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// maxCheckFindings bounds how many of bbolt's findings a Check error
// quotes: a damaged file can yield thousands, and the first few say enough.
const maxCheckFindings = 5

// Check runs bbolt's consistency check over the whole file at path: every
// page reachable exactly once or free, none out of bounds, the keys of every
// bucket in order. It opens the file read-only (a shared lock, waiting at
// most DefaultLockTimeout, else ErrBusy) and changes nothing: a missing
// file is an error, never created. A file that fails the check, or that
// bbolt refuses to open, is ErrCorrupt, with the first findings quoted.
//
// Open and the typed methods read only the pages they need, so a file can
// serve them and still be damaged elsewhere; Check is what proves that a
// file left by a killed seats is sound.
func Check(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store: check %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("store: check %s: %w", abs, err)
	}
	s := &Store{path: abs, lockTimeout: DefaultLockTimeout, gate: gateFor(abs)}
	deadline, release, err := s.acquire()
	if err != nil {
		return err
	}
	defer release()
	var findings []string
	count := 0
	err = s.withDB(modeReadOnly, deadline, func(db *bolt.DB) error {
		return db.View(func(tx *bolt.Tx) error {
			// The channel must be drained to the end: bbolt's checker
			// goroutine blocks on each finding until it is read.
			for finding := range tx.Check() {
				count++
				if len(findings) < maxCheckFindings {
					findings = append(findings, finding.Error())
				}
			}
			return nil
		})
	})
	if err != nil {
		return s.classify("check", err)
	}
	if count == 0 {
		return nil
	}
	what := strings.Join(findings, "; ")
	if count > len(findings) {
		what += fmt.Sprintf("; and %d more", count-len(findings))
	}
	return s.corrupt(errors.New("consistency check: " + what))
}
