package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultLockTimeout is how long a call waits for the file when
// Options.LockTimeout is not set: long enough to outlast another seats's
// transaction, short enough that a person is not left staring at a frozen
// screen.
const DefaultLockTimeout = 5 * time.Second

// fileMode and dirMode keep the file and the home private to the user: the
// file names customers and their licences.
const (
	fileMode fs.FileMode = 0o600
	dirMode  fs.FileMode = 0o700
)

// The kinds of trouble with the file itself. Errors from this package wrap
// one of them with a message for people that names the file; test with
// errors.Is.
var (
	// ErrBusy: another seats held the file for longer than the lock
	// timeout. Nothing was read or written; trying again later is safe.
	ErrBusy = errors.New("seats.db is in use by another seats")
	// ErrCorrupt: the file is damaged or is not a seats database. It was
	// not changed; moving it aside lets seats start a fresh one.
	ErrCorrupt = errors.New("seats.db is damaged")
	// ErrNewerSchema: the file was written by a newer seats. It was not
	// changed; this seats must be upgraded to use it.
	ErrNewerSchema = errors.New("seats.db is from a newer seats")
)

// fileError is a problem with seats.db itself, worded for the person who
// has to act on it. It wraps one of the kinds above and, when there is one,
// the underlying cause.
type fileError struct {
	kind  error
	msg   string
	cause error
}

func (e *fileError) Error() string { return e.msg }

func (e *fileError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// damage says what inside the file is not as the schema draws it. Code in a
// transaction returns it; run turns it into an ErrCorrupt for the file.
type damage struct{ what string }

func (d damage) Error() string { return d.what }

// Options tune how a Store uses the file.
type Options struct {
	// LockTimeout bounds how long any call waits for the file while another
	// seats (or another goroutine) holds it. Zero or negative means
	// DefaultLockTimeout.
	LockTimeout time.Duration
}

// Store is seats.db. It holds no open file between calls, so it is cheap, and
// safe for concurrent use by several goroutines; two processes each with a
// Store on the same file take turns.
type Store struct {
	path        string
	lockTimeout time.Duration
	// gate lets one call of this process at a time at the file. The file
	// lock alone would serialise them too, but bbolt retries it only every
	// 50ms, so callers of one process could starve each other; a channel
	// queues them in order.
	gate chan struct{}
}

// gates holds one gate per absolute path, shared by every Store of this
// process on that file. It is process-wide because the thing it guards, the
// file, is.
var gates sync.Map // string -> chan struct{}

func gateFor(path string) chan struct{} {
	g, _ := gates.LoadOrStore(path, make(chan struct{}, 1))
	return g.(chan struct{})
}

// Open returns the store at path, creating the file (0600, and its directory
// 0700) when it is missing and running every pending migration in one
// transaction. An existing file is first checked read-only, so a file that
// is damaged (ErrCorrupt) or from a newer seats (ErrNewerSchema) is never
// opened for writing and is left exactly as it was. When another seats holds
// the file for longer than o.LockTimeout, Open returns ErrBusy.
func Open(path string, o Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{path: abs, lockTimeout: o.LockTimeout, gate: gateFor(abs)}
	if s.lockTimeout <= 0 {
		s.lockTimeout = DefaultLockTimeout
	}
	if err := os.MkdirAll(filepath.Dir(abs), dirMode); err != nil {
		return nil, fmt.Errorf("store: create the seats home: %w", err)
	}
	deadline, release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()

	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A new home: create the file below.
	case err != nil:
		return nil, fmt.Errorf("store: seats.db at %s cannot be read (%w): fix it, or move it aside and seats will start a fresh one", abs, err)
	case info.IsDir():
		return nil, fmt.Errorf("store: seats.db at %s is a directory: move it aside", abs)
	case info.Size() == 0:
		// An empty file holds nothing to lose (a first run that stopped
		// before bbolt wrote a page); bbolt initialises it below.
	default:
		var version uint64
		err := s.withDB(modeReadOnly, deadline, func(db *bolt.DB) error {
			return db.View(func(tx *bolt.Tx) error {
				var err error
				version, err = storedVersion(tx)
				return err
			})
		})
		if err != nil {
			return nil, s.classify("open", err)
		}
		if version > LatestSchema {
			return nil, s.newer(version)
		}
		if version == LatestSchema {
			return s, nil
		}
	}

	err = s.withDB(modeCreate, deadline, func(db *bolt.DB) error {
		err := db.Update(func(tx *bolt.Tx) error { return migrate(tx) })
		if errors.Is(err, errNothingToMigrate) {
			return nil
		}
		return err
	})
	var newer newerSchemaDuringMigrate
	if errors.As(err, &newer) {
		return nil, s.newer(newer.version)
	}
	if err != nil {
		return nil, s.classify("migrate", err)
	}
	return s, nil
}

// Path is the absolute path of the file.
func (s *Store) Path() string { return s.path }

// SchemaVersion reads the schema version stored in the file: LatestSchema
// after Open, unless a newer seats has since migrated the file.
func (s *Store) SchemaVersion() (int, error) {
	var version uint64
	err := s.run("read schema version", modeReadOnly, false, func(tx *bolt.Tx) error {
		var err error
		version, err = storedVersion(tx)
		return err
	})
	return int(version), err
}

// storedVersion reads meta/schema_version. A file with no bucket at all is a
// fresh one (version 0); one with buckets but no meta is not ours.
func storedVersion(tx *bolt.Tx) (uint64, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		if k, _ := tx.Cursor().First(); k != nil {
			return 0, damage{"it has no meta bucket"}
		}
		return 0, nil
	}
	v := meta.Get(keySchemaVersion)
	if len(v) != 8 {
		return 0, damage{"its schema version is missing or malformed"}
	}
	return binary.BigEndian.Uint64(v), nil
}

// checkCurrent makes sure the file is still at the schema this build knows:
// another, newer seats may have migrated it since Open, or the file may have
// been replaced.
func (s *Store) checkCurrent(tx *bolt.Tx) error {
	version, err := storedVersion(tx)
	if err != nil {
		return err
	}
	switch {
	case version > LatestSchema:
		return s.newer(version)
	case version < LatestSchema:
		return fmt.Errorf("seats.db at %s was replaced by an older or empty file while seats was running (schema %d, expected %d): restart seats", s.path, version, LatestSchema)
	}
	return nil
}

// bucket walks a bucket path. A missing bucket in a current file is damage.
func bucket(tx *bolt.Tx, path ...[]byte) (*bolt.Bucket, error) {
	b := tx.Bucket(path[0])
	for _, name := range path[1:] {
		if b == nil {
			break
		}
		b = b.Bucket(name)
	}
	if b == nil {
		return nil, damage{"bucket " + bucketName(path) + " is missing"}
	}
	return b, nil
}

// openMode is how withDB opens the file.
type openMode int

const (
	modeReadOnly  openMode = iota // shared lock; excludes only writers
	modeReadWrite                 // exclusive lock; the file must exist
	modeCreate                    // exclusive lock; creates a missing file (Open only)
)

// acquire takes this process's gate for the file, waiting at most the lock
// timeout. The deadline it returns bounds the file lock that follows, so the
// whole call waits no longer than the timeout.
func (s *Store) acquire() (deadline time.Time, release func(), err error) {
	deadline = time.Now().Add(s.lockTimeout)
	timer := time.NewTimer(s.lockTimeout)
	defer timer.Stop()
	select {
	case s.gate <- struct{}{}:
		return deadline, func() { <-s.gate }, nil
	case <-timer.C:
		return deadline, nil, s.busy()
	}
}

// run opens the file, runs fn in one View (modeReadOnly) or Update
// (modeReadWrite) and closes the file. With current set it first checks that
// the file is at LatestSchema. Errors come back classified, named after op.
func (s *Store) run(op string, mode openMode, current bool, fn func(tx *bolt.Tx) error) error {
	deadline, release, err := s.acquire()
	if err != nil {
		return err
	}
	defer release()
	txFn := fn
	if current {
		txFn = func(tx *bolt.Tx) error {
			if err := s.checkCurrent(tx); err != nil {
				return err
			}
			return fn(tx)
		}
	}
	err = s.withDB(mode, deadline, func(db *bolt.DB) error {
		if mode == modeReadOnly {
			return db.View(txFn)
		}
		return db.Update(txFn)
	})
	return s.classify(op, err)
}

func (s *Store) view(op string, fn func(tx *bolt.Tx) error) error {
	return s.run(op, modeReadOnly, true, fn)
}

// update runs fn in a write transaction and bumps the data version, so
// that licence tables kept before no longer hold (tables.go). Every write
// goes through it but the bookkeeping ones.
func (s *Store) update(op string, fn func(tx *bolt.Tx) error) error {
	return s.run(op, modeReadWrite, true, func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return bumpDataVersion(tx)
	})
}

// updateBookkeeping is update for the writes that change nothing a
// reconcile reads: the wizard's progress and inventory, and the kept
// tables themselves. A write that does not belong here and uses it would
// let stale tables be shown, so the list is short and named.
func (s *Store) updateBookkeeping(op string, fn func(tx *bolt.Tx) error) error {
	return s.run(op, modeReadWrite, true, fn)
}

// withDB opens the file in mode, hands it to fn and closes it. The file lock
// is waited for until deadline. A panic raised inside bbolt (it panics on
// pages it cannot make sense of) becomes ErrCorrupt; any other panic is a bug
// and goes on up.
func (s *Store) withDB(mode openMode, deadline time.Time, fn func(db *bolt.DB) error) (err error) {
	timeout := time.Until(deadline)
	if timeout <= 0 {
		// bbolt reads a zero timeout as "wait forever".
		return s.busy()
	}
	var (
		file *os.File
		db   *bolt.DB
	)
	defer func() {
		r := recover()
		var stack []byte
		if r != nil {
			stack = debug.Stack()
		}
		switch {
		case db != nil:
			if cerr := db.Close(); cerr != nil && err == nil && r == nil {
				err = cerr
			}
		case r != nil && file != nil:
			// bbolt panicked inside Open, before it could close its file.
			// Closing is not enough: its memory map of the file (which
			// cannot be reached to unmap) keeps the lock alive, so unlock
			// explicitly. The read-only map stays until seats exits.
			unlockFile(file)
			_ = file.Close()
		}
		if r == nil {
			return
		}
		if !panickedInBbolt(stack) {
			panic(r)
		}
		err = s.corrupt(fmt.Errorf("%v", r))
	}()
	opts := &bolt.Options{
		Timeout:  timeout,
		ReadOnly: mode == modeReadOnly,
		OpenFile: func(name string, flag int, perm fs.FileMode) (*os.File, error) {
			if mode != modeCreate {
				// A file that vanished since Open must not come back
				// empty under the user's feet.
				flag &^= os.O_CREATE
			}
			f, err := os.OpenFile(name, flag, perm)
			file = f
			return f, err
		},
	}
	opened, err := bolt.Open(s.path, fileMode, opts)
	if err != nil {
		return err
	}
	db = opened
	return fn(db)
}

// panickedInBbolt reports whether the panic whose stack this is was raised by
// bbolt's own code (skipping runtime frames such as an index check).
func panickedInBbolt(stack []byte) bool {
	lines := strings.Split(string(stack), "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "panic(") {
			continue
		}
		for _, next := range lines[i+1:] {
			if next == "" || strings.HasPrefix(next, "\t") || strings.HasPrefix(next, "runtime.") {
				continue
			}
			return strings.HasPrefix(next, "go.etcd.io/bbolt")
		}
		return false
	}
	return false
}

// classify turns what went wrong into the error the caller gets: the file
// kinds unchanged, bbolt's refusals as ErrCorrupt or ErrBusy, the rest
// prefixed with the operation.
func (s *Store) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *fileError
	if errors.As(err, &fe) {
		return fe
	}
	var d damage
	if errors.As(err, &d) {
		return s.corrupt(d)
	}
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return s.busy()
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("seats.db at %s has gone since seats opened it: restart seats to start a fresh one: %w", s.path, err)
	case refusedByBbolt(err):
		return s.corrupt(err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// refusedByBbolt reports whether bbolt rejected the file's content, rather
// than the system failing to read, lock or grow it (which is no reason to
// call the file damaged). One of its refusals has no sentinel.
func refusedByBbolt(err error) bool {
	for _, target := range []error{berrors.ErrInvalid, berrors.ErrVersionMismatch, berrors.ErrChecksum, berrors.ErrInvalidMapping} {
		if errors.Is(err, target) {
			return true
		}
	}
	return strings.HasPrefix(err.Error(), "file size too small")
}

func (s *Store) busy() error {
	return &fileError{
		kind: ErrBusy,
		msg:  fmt.Sprintf("another seats is busy with this home (%s); try again in a moment", filepath.Dir(s.path)),
	}
}

func (s *Store) corrupt(cause error) error {
	return &fileError{
		kind:  ErrCorrupt,
		msg:   fmt.Sprintf("seats.db at %s is damaged or is not a seats database (%v); seats left it untouched: move it aside and seats will start a fresh one", s.path, cause),
		cause: cause,
	}
}

func (s *Store) newer(version uint64) error {
	return &fileError{
		kind: ErrNewerSchema,
		msg:  fmt.Sprintf("seats.db at %s was written by a newer seats (schema %d; this seats knows up to %d): upgrade seats", s.path, version, LatestSchema),
	}
}

// get copies the value of key out of b; nil when absent.
func get(b *bolt.Bucket, key []byte) []byte {
	return clone(b.Get(key))
}

// put encodes v under key.
func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := encode(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// decode reads a value copied out of the file. A value that does not decode
// is damage to the file, reported with where it was found. go-json reads
// what encoding/json wrote (the same tags, time.Time and json.Unmarshaler
// alike) in half the time: at 10,000 customers decoding is most of what
// opening the summary and the licence tables waits for.
func (s *Store) decode(where string, data []byte, v any) error {
	if err := gojson.Unmarshal(data, v); err != nil {
		return s.corrupt(damage{fmt.Sprintf("%s does not decode: %v", where, err)})
	}
	return nil
}

// decodeApart is decode for a large value whose strings outlive it: go-json's
// strings point into its copy of the whole value, so one string kept (an
// account's name in the licence tables) keeps the whole copy alive.
// encoding/json copies each string apart: twice the time, and a 16 MB
// snapshot is not held for the sake of its names (at 10,000 customers the
// distributor's and the PSA's snapshots were 31 MB of the tables' heap).
func (s *Store) decodeApart(where string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return s.corrupt(damage{fmt.Sprintf("%s does not decode: %v", where, err)})
	}
	return nil
}
