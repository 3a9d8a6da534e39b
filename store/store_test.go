package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/seats-msp/seats/connectors"
)

// testPath returns a path under a fresh temp dir whose cleanup runs bbolt's
// consistency check on the file, if one is there by then, and fails the test
// on any finding.
func testPath(tb testing.TB, rel string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), rel)
	tb.Cleanup(func() { checkConsistency(tb, path) })
	return path
}

func checkConsistency(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	db, err := bolt.Open(path, fileMode, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		tb.Errorf("consistency check: open %s: %v", path, err)
		return
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			tb.Errorf("consistency check of %s: %v", path, err)
		}
		return nil
	})
	if err != nil {
		tb.Errorf("consistency check: %v", err)
	}
}

// openTestStore opens a new store in a temp dir; bbolt's consistency check
// runs on it when the test ends.
func openTestStore(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(testPath(tb, "seats.db"), Options{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return s
}

// rawUpdate changes the file behind the store's back, as another program
// (or another seats version) would.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, fileMode, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatalf("raw update: %v", err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenCreatesPrivateFileAndHome(t *testing.T) {
	t.Parallel()
	path := testPath(t, filepath.Join("home", "seats", "seats.db"))
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	tests := []struct {
		path string
		mode fs.FileMode
	}{
		{path, fileMode},
		{filepath.Dir(path), dirMode | fs.ModeDir},
	}
	for _, tt := range tests {
		info, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		// The umask may take bits away, never add them.
		if info.Mode()&^tt.mode != 0 || info.Mode()&0o600 != 0o600 {
			t.Errorf("%s: mode %v, want at most %v", tt.path, info.Mode(), tt.mode)
		}
	}
	v, err := s.SchemaVersion()
	if err != nil || v != LatestSchema {
		t.Errorf("SchemaVersion() = %d, %v; want %d", v, err, LatestSchema)
	}
	if s.lockTimeout != DefaultLockTimeout {
		t.Errorf("lock timeout %v, want the default %v", s.lockTimeout, DefaultLockTimeout)
	}
}

func TestOpenCurrentFileDoesNotWrite(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if err := s.SaveWizardProgress(WizardProgress{Current: "connect"}); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, s.Path())
	again, err := Open(s.Path(), Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Error("opening a current file changed it")
	}
	p, err := again.WizardProgress()
	if err != nil || p.Current != "connect" {
		t.Errorf("WizardProgress() = %+v, %v; want the saved one", p, err)
	}
}

func TestOpenInitialisesEmptyFile(t *testing.T) {
	t.Parallel()
	path := testPath(t, "seats.db")
	if err := os.WriteFile(path, nil, fileMode); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open of an empty file: %v", err)
	}
	if v, err := s.SchemaVersion(); err != nil || v != LatestSchema {
		t.Errorf("SchemaVersion() = %d, %v; want %d", v, err, LatestSchema)
	}
}

func TestWizardProgressRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	got, err := s.WizardProgress()
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != "" || got.Done != nil || !got.UpdatedAt.IsZero() {
		t.Errorf("WizardProgress() before any save = %+v, want the zero value", got)
	}
	cet := time.FixedZone("CET", 3600)
	in := WizardProgress{Current: "consent", Done: []string{"distributor", "connect"}, UpdatedAt: time.Date(2025, 3, 1, 10, 30, 0, 5, cet)}
	if err := s.SaveWizardProgress(in); err != nil {
		t.Fatal(err)
	}
	got, err = s.WizardProgress()
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != in.Current || strings.Join(got.Done, ",") != "distributor,connect" || !got.UpdatedAt.Equal(in.UpdatedAt) {
		t.Errorf("WizardProgress() = %+v, want %+v", got, in)
	}
	if got.UpdatedAt.Location() != time.UTC {
		t.Errorf("UpdatedAt in %v, want UTC", got.UpdatedAt.Location())
	}
}

// everyMethod calls each public method once; the lock tests expect each to
// give up with ErrBusy.
var everyMethod = []struct {
	name string
	call func(s *Store) error
}{
	{"Open", func(s *Store) error { _, err := Open(s.Path(), Options{LockTimeout: s.lockTimeout}); return err }},
	{"SchemaVersion", func(s *Store) error { _, err := s.SchemaVersion(); return err }},
	{"SaveAccount", func(s *Store) error { return s.SaveAccount(connectors.Account{Username: "a@msp.example"}) }},
	{"Account", func(s *Store) error { _, _, err := s.Account(); return err }},
	{"ClearAccount", func(s *Store) error { return s.ClearAccount() }},
	{"ReplaceCustomers", func(s *Store) error { return s.ReplaceCustomers(nil, nil, time.Now()) }},
	{"CustomersRefreshedAt", func(s *Store) error { _, err := s.CustomersRefreshedAt(); return err }},
	{"SaveConsent", func(s *Store) error { return s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"}) }},
	{"Consent", func(s *Store) error { _, _, err := s.Consent("t1"); return err }},
	{"CustomerStatuses", func(s *Store) error { _, err := s.CustomerStatuses(); return err }},
	{"SaveSnapshot", func(s *Store) error { return s.SaveSnapshot(connectors.LicenceSnapshot{TenantID: "t1"}) }},
	{"SaveSnapshots", func(s *Store) error { return s.SaveSnapshots([]connectors.LicenceSnapshot{{TenantID: "t1"}}) }},
	{"Snapshot", func(s *Store) error { _, _, err := s.Snapshot("t1"); return err }},
	{"Snapshots", func(s *Store) error { _, err := s.Snapshots(); return err }},
	{"MarkStale", func(s *Store) error { return s.MarkStale("t1", "boom", time.Now()) }},
	{"AddSyncRun", func(s *Store) error { _, err := s.AddSyncRun(SyncRun{Kind: SyncMicrosoft}); return err }},
	{"LastSyncRun", func(s *Store) error { _, _, err := s.LastSyncRun(SyncMicrosoft); return err }},
	{"WizardProgress", func(s *Store) error { _, err := s.WizardProgress(); return err }},
	{"SaveWizardProgress", func(s *Store) error { return s.SaveWizardProgress(WizardProgress{Current: "x"}) }},
}

var readMethods = map[string]bool{
	"Open": true, "SchemaVersion": true, "Account": true, "CustomersRefreshedAt": true, "Consent": true,
	"CustomerStatuses": true, "Snapshot": true, "Snapshots": true, "LastSyncRun": true, "WizardProgress": true,
}

func TestLockedFileGivesBusyNotAHang(t *testing.T) {
	t.Parallel()
	const lockTimeout = 100 * time.Millisecond
	tests := []struct {
		name string
		// readOnly holds a shared lock, as another seats reading does:
		// readers still get in, writers must wait.
		readOnly bool
	}{
		{"another seats writing", false},
		{"another seats reading", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTestStore(t)
			quick, err := Open(s.Path(), Options{LockTimeout: lockTimeout})
			if err != nil {
				t.Fatal(err)
			}
			hold, err := bolt.Open(s.Path(), fileMode, &bolt.Options{Timeout: time.Second, ReadOnly: tt.readOnly})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { hold.Close() })
			wantMsg := fmt.Sprintf("another seats is busy with this home (%s); try again in a moment", filepath.Dir(s.Path()))
			// One call at a time: calls of one process queue for the file,
			// so parallel ones would spend their short timeout in the queue.
			t.Run("calls", func(t *testing.T) {
				for _, m := range everyMethod {
					t.Run(m.name, func(t *testing.T) {
						start := time.Now()
						err := m.call(quick)
						if elapsed := time.Since(start); elapsed > 3*time.Second {
							t.Errorf("gave up after %v, want about %v", elapsed, lockTimeout)
						}
						if tt.readOnly && readMethods[m.name] {
							if err != nil {
								t.Errorf("a reader blocked a reader: %v", err)
							}
							return
						}
						if !errors.Is(err, ErrBusy) {
							t.Fatalf("err = %v, want ErrBusy", err)
						}
						if err.Error() != wantMsg {
							t.Errorf("message %q, want %q", err.Error(), wantMsg)
						}
					})
				}
			})
			if err := hold.Close(); err != nil {
				t.Fatal(err)
			}
			if err := quick.SaveConsent(connectors.ConsentRecord{TenantID: "t1", State: connectors.ConsentReady}); err != nil {
				t.Errorf("after the other seats let go: %v", err)
			}
		})
	}
}

func TestTwoStoresOnOneFileTakeTurns(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	other, err := Open(s.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	const perStore = 15
	var wg sync.WaitGroup
	errs := make(chan error, 2*perStore*2)
	for name, st := range map[string]*Store{"wizard": s, "sync": other} {
		wg.Go(func() {
			for i := range perStore {
				if err := st.SaveConsent(connectors.ConsentRecord{TenantID: fmt.Sprintf("%s-%d", name, i), State: connectors.ConsentReady}); err != nil {
					errs <- err
				}
				if _, err := st.AddSyncRun(SyncRun{Kind: SyncMicrosoft, Tenants: i}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assertConsents(t, s, []string{"wizard", "sync"}, perStore)
	run, ok, err := other.LastSyncRun(SyncMicrosoft)
	if err != nil || !ok || run.ID != 2*perStore {
		t.Errorf("LastSyncRun() = %+v, %v, %v; want id %d", run, ok, err, 2*perStore)
	}
}

func assertConsents(t *testing.T, s *Store, prefixes []string, n int) {
	t.Helper()
	for _, p := range prefixes {
		for i := range n {
			id := fmt.Sprintf("%s-%d", p, i)
			r, ok, err := s.Consent(id)
			if err != nil || !ok || r.State != connectors.ConsentReady {
				t.Errorf("Consent(%s) = %+v, %v, %v; want the saved record", id, r, ok, err)
			}
		}
	}
}

const helperEnv = "SEATS_STORE_TEST_HELPER_PATH"

// TestHelperProcess is not a test: TestTwoProcessesShareTheFile runs the test
// binary again with only this function, as the second seats process.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("runs only as the second process of TestTwoProcessesShareTheFile")
	}
	s, err := Open(path, Options{LockTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := s.SaveConsent(connectors.ConsentRecord{TenantID: fmt.Sprintf("process-%d", i), State: connectors.ConsentReady}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTwoProcessesShareTheFile(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+s.Path())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var writeErr error
	for i := range 20 {
		if writeErr = s.SaveConsent(connectors.ConsentRecord{TenantID: fmt.Sprintf("here-%d", i), State: connectors.ConsentReady}); writeErr != nil {
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s", err, out.String())
	}
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	assertConsents(t, s, []string{"here", "process"}, 20)
}

// writeDamaged writes data as a file outside any consistency check (it is
// not a sound bbolt file on purpose) and returns its path.
func writeDamaged(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seats.db")
	if err := os.WriteFile(path, data, fileMode); err != nil {
		t.Fatal(err)
	}
	return path
}

// goodFile returns the bytes of a sound store holding some data, and that
// store.
func goodFile(t *testing.T) ([]byte, *Store) {
	t.Helper()
	s := openTestStore(t)
	var snaps []connectors.LicenceSnapshot
	for i := range 50 {
		snaps = append(snaps, sampleSnapshot(fmt.Sprintf("tenant-%02d", i), 20))
	}
	if err := s.SaveSnapshots(snaps); err != nil {
		t.Fatal(err)
	}
	return readFile(t, s.Path()), s
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestDamagedFileIsRefusedAndLeftAlone(t *testing.T) {
	t.Parallel()
	good, _ := goodFile(t)
	pageSize := os.Getpagesize()
	scribble := func(from int, with byte) []byte {
		b := bytes.Clone(good)
		for i := from; i < len(b); i++ {
			b[i] = with ^ byte(i)
		}
		return b
	}
	metaFlip := bytes.Clone(good)
	for _, page := range []int{0, 1} {
		for i := 16; i < 80; i++ { // the meta struct, checksum included
			metaFlip[page*pageSize+i] ^= 0x5a
		}
	}
	tests := []struct {
		name string
		file func(t *testing.T) string
	}{
		{"random bytes, one page", func(t *testing.T) string { return writeDamaged(t, randomBytes(4096)) }},
		{"random bytes, 64 KiB", func(t *testing.T) string { return writeDamaged(t, randomBytes(64<<10)) }},
		{"a few bytes of text", func(t *testing.T) string { return writeDamaged(t, []byte("not a database\n")) }},
		{"both meta pages scribbled", func(t *testing.T) string { return writeDamaged(t, metaFlip) }},
		{"data pages scribbled", func(t *testing.T) string { return writeDamaged(t, scribble(2*pageSize, 0x37)) }},
		{"sound bbolt file of another program", func(t *testing.T) string {
			path := testPath(t, "other.db")
			rawUpdate(t, path, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket([]byte("settings"))
				if err != nil {
					return err
				}
				return b.Put([]byte("colour"), []byte("blue"))
			})
			return path
		}},
		{"malformed schema version", func(t *testing.T) string {
			path := testPath(t, "seats.db")
			rawUpdate(t, path, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket(bucketMeta)
				if err != nil {
					return err
				}
				return b.Put(keySchemaVersion, []byte("2"))
			})
			return path
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tt.file(t)
			before := readFile(t, path)
			s, err := Open(path, Options{LockTimeout: time.Second})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open() = %v, %v; want ErrCorrupt", s, err)
			}
			for _, want := range []string{path, "move it aside", "untouched"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q lacks %q", err.Error(), want)
				}
			}
			if !bytes.Equal(before, readFile(t, path)) {
				t.Error("the damaged file was changed")
			}
		})
	}
}

func TestFileDamagedAfterOpen(t *testing.T) {
	t.Parallel()
	good, s := goodFile(t)
	damaged := bytes.Clone(good)
	for i := 2 * os.Getpagesize(); i < len(damaged); i++ {
		damaged[i] = 0xff
	}
	// Swap the damaged copy in by rename, as a broken disk would present it,
	// and put the good file back for the consistency check.
	path := s.Path()
	aside := path + ".good"
	if err := os.Rename(path, aside); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Rename(aside, path) })
	if err := os.WriteFile(path, damaged, fileMode); err != nil {
		t.Fatal(err)
	}
	for _, m := range everyMethod {
		err := m.call(s)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", m.name, err)
		}
	}
	if !bytes.Equal(damaged, readFile(t, path)) {
		t.Error("the damaged file was changed")
	}
}

func TestBboltPanicBecomesCorrupt(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	// A managed transaction may not be rolled back by hand: bbolt asserts
	// that with a panic, the same way it reports a page it cannot read.
	err := s.view("provoke", func(tx *bolt.Tx) error { return tx.Rollback() })
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), "managed tx rollback not allowed") {
		t.Errorf("message %q does not say what bbolt found", err.Error())
	}
	// The file was closed and unlocked on the way out.
	if err := s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"}); err != nil {
		t.Errorf("after the panic: %v", err)
	}
}

func TestOwnPanicIsNotCalledCorruption(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	defer func() {
		if r := recover(); r != "a bug in seats" {
			t.Errorf("recovered %v, want the original panic", r)
		}
		if err := s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"}); err != nil {
			t.Errorf("after the panic: %v", err)
		}
	}()
	_ = s.update("provoke", func(*bolt.Tx) error { panic("a bug in seats") })
	t.Error("the panic was swallowed")
}

func TestNewerSchemaIsRefusedAndLeftAlone(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if err := s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"}); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, s.Path(), func(tx *bolt.Tx) error { return setVersion(tx, LatestSchema+1) })
	before := readFile(t, s.Path())
	want := fmt.Sprintf("seats.db at %s was written by a newer seats (schema %d; this seats knows up to %d): upgrade seats", s.Path(), LatestSchema+1, LatestSchema)

	_, err := Open(s.Path(), Options{})
	if !errors.Is(err, ErrNewerSchema) || err.Error() != want {
		t.Errorf("Open() error = %v, want ErrNewerSchema %q", err, want)
	}
	// A Store opened before the upgrade refuses too, reads and writes alike.
	for _, m := range everyMethod {
		if m.name == "Open" || m.name == "SchemaVersion" {
			continue
		}
		if err := m.call(s); !errors.Is(err, ErrNewerSchema) {
			t.Errorf("%s: err = %v, want ErrNewerSchema", m.name, err)
		}
	}
	if v, err := s.SchemaVersion(); err != nil || v != LatestSchema+1 {
		t.Errorf("SchemaVersion() = %d, %v; want %d", v, err, LatestSchema+1)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Error("the newer file was changed")
	}
}

func TestFileReplacedByOlderOne(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	rawUpdate(t, s.Path(), func(tx *bolt.Tx) error { return setVersion(tx, 1) })
	err := s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"})
	if err == nil || !strings.Contains(err.Error(), "restart seats") {
		t.Errorf("err = %v, want a request to restart seats", err)
	}
	// Opening it again migrates it back.
	if _, err := Open(s.Path(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"}); err != nil {
		t.Errorf("after Open: %v", err)
	}
}

func TestFileGoneIsNotRecreated(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	err := s.SaveConsent(connectors.ConsentRecord{TenantID: "t1"})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), s.Path()) {
		t.Errorf("err = %v, want one naming the missing file", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the file came back: %v", err)
	}
}

func TestPanickedInBbolt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stack string
		want  bool
	}{
		{"assertion", "goroutine 1 [running]:\nruntime/debug.Stack()\n\t/x.go:1\npanic({0x1, 0x2})\n\t/go/src/runtime/panic.go:1\ngo.etcd.io/bbolt/internal/common.Assert(...)\n\t/b.go:1\n", true},
		{"index out of range in bbolt", "panic({0x1, 0x2})\n\t/p.go:1\nruntime.goPanicIndex(0x1, 0x0)\n\t/p.go:2\ngo.etcd.io/bbolt.(*Cursor).search(...)\n\t/c.go:1\n", true},
		{"our own code", "panic({0x1, 0x2})\n\t/p.go:1\ngithub.com/seats-msp/seats/store.TestX.func1(...)\n\t/s.go:1\n", false},
		{"no panic frame", "goroutine 1 [running]:\nmain.main()\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := panickedInBbolt([]byte(tt.stack)); got != tt.want {
				t.Errorf("panickedInBbolt() = %v, want %v", got, tt.want)
			}
		})
	}
}
