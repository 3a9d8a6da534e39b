package secret

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// lockTimeout bounds the wait for another seats process to finish its
// read-modify-write of the secrets file; those take milliseconds, so waiting
// longer means something is stuck.
const lockTimeout = 10 * time.Second

// inProcess serialises file updates between Stores of one process. flock
// already does that on Unix (each Store opens its own descriptor), but not
// where locking is a no-op; this is the package's only global, and it only
// holds mutexes.
var inProcess sync.Map // lock file path -> *sync.Mutex

// fileGet reads name from the secrets file. Reads need no lock: writers
// replace the file by rename, so a reader sees the old or the new file whole.
func (s *Store) fileGet(name string) ([]byte, bool, error) {
	m, err := s.readFile()
	if err != nil {
		return nil, false, err
	}
	enc, ok := m[name]
	if !ok {
		return nil, false, nil
	}
	v, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, false, fmt.Errorf("secret: %q in %s is damaged; it must be set again: %w", name, s.path, ErrNotFound)
	}
	return v, true, nil
}

func (s *Store) fileSet(name string, value []byte) error {
	enc := base64.StdEncoding.EncodeToString(value)
	return s.fileUpdate(func(m map[string]string) bool {
		m[name] = enc
		return true
	})
}

// fileDelete removes name from the file; with no file there is nothing to
// do, and no lock or file is created.
func (s *Store) fileDelete(name string) error {
	if _, err := os.Stat(s.path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return s.fileUpdate(func(m map[string]string) bool {
		if _, ok := m[name]; !ok {
			return false
		}
		delete(m, name)
		return true
	})
}

// readFile returns the file's map; a missing file is an empty map. Its
// errors never quote the content.
func (s *Store) readFile() (map[string]string, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret: cannot read %s (%w): make it readable, or move it away and sign in again", s.path, atomicfile.PathCause(err))
	}
	if err := s.tightenFileMode(); err != nil {
		return nil, err
	}
	m := map[string]string{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("secret: %s is damaged (not a JSON map of names to base64 values); move it away and sign in again", s.path)
		}
	}
	return m, nil
}

// fileUpdate is the read-modify-write of the secrets file under both locks;
// change reports whether it changed the map (no write otherwise).
func (s *Store) fileUpdate(change func(m map[string]string) bool) error {
	if err := os.MkdirAll(s.home, 0o700); err != nil {
		return fmt.Errorf("secret: create %s: %w", s.home, atomicfile.PathCause(err))
	}
	lockPath := filepath.Join(s.home, lockFileName)
	mu, _ := inProcess.LoadOrStore(lockPath, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	unlock, err := lockFile(lockPath, lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()

	m, err := s.readFile()
	if err != nil {
		return err
	}
	if !change(m) {
		return nil
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("secret: encode %s: %w", s.path, err)
	}
	return writeFileAtomic(s.path, append(data, '\n'))
}

// tightenFileMode makes an existing secrets file 0600 and warns when it was
// wider: a file others could read may already have leaked. Windows has no
// such modes.
func (s *Store) tightenFileMode() error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		// Nothing there to tighten; reading or writing reports real problems.
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(s.path, 0o600); err != nil {
			return fmt.Errorf("secret: %s has mode %04o, readable by others, and seats cannot make it private (%w): have its owner run chmod 600 on it", s.path, perm, atomicfile.PathCause(err))
		}
		s.warnf("warning: %s had mode %04o, readable by others; changed it to 0600\n", s.path, perm)
	}
	return nil
}

// writeFileAtomic replaces path with data through a 0600 temporary file in the
// same folder and a rename, so no reader ever sees half a file.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WritePrivate(path, data); err != nil {
		return fmt.Errorf("secret: cannot write %s: %w; make sure you may write to its folder, or move it aside", path, err)
	}
	return nil
}
