// Package atomicfile writes the small private files the store keeps beside
// seats.db (config.yaml, the secrets fallback) so that a crash or a reader in
// another process never sees half a file, and the file is never readable by
// others, not even for a moment.
package atomicfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"

	"github.com/natefinch/atomic"
)

// WritePrivate replaces path with data, mode 0600, through a temporary file
// in the same folder and an atomic rename (MoveFileEx on Windows). The
// temporary file starts out 0600 and takes an existing file's mode, so a
// looser one is narrowed first. Errors are the underlying cause without the
// path; callers name the file in their own words.
func WritePrivate(path string, data []byte) error {
	if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return PathCause(err)
	}
	return atomic.WriteFile(path, bytes.NewReader(data))
}

// PathCause drops the path from an *fs.PathError (messages name the path
// already) and keeps any other error whole.
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
