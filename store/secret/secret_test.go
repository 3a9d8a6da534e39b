package secret

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/seats-msp/seats/connectors"
)

// memKeyring is an in-memory keyring that records the longest password it was
// given. It never touches the real OS keyring.
type memKeyring struct {
	mu      sync.Mutex
	entries map[string]string // service + "\x00" + user -> password
	longest int
}

func newMemKeyring() *memKeyring { return &memKeyring{entries: map[string]string{}} }

func (k *memKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.entries[service+"\x00"+user]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[service+"\x00"+user] = password
	k.longest = max(k.longest, len(password))
	return nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.entries[service+"\x00"+user]; !ok {
		return ErrNotFound
	}
	delete(k.entries, service+"\x00"+user)
	return nil
}

func (k *memKeyring) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.entries)
}

// blockingKeyring never answers, like a Secret Service that is not running
// but whose D-Bus activation hangs. Its calls return when the test ends.
type blockingKeyring struct{ release chan struct{} }

func newBlockingKeyring(t *testing.T) *blockingKeyring {
	k := &blockingKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(k.release) })
	return k
}

func (k *blockingKeyring) Get(string, string) (string, error) {
	<-k.release
	return "", errors.New("released")
}
func (k *blockingKeyring) Set(string, string, string) error {
	<-k.release
	return errors.New("released")
}
func (k *blockingKeyring) Delete(string, string) error { <-k.release; return errors.New("released") }

// failingKeyring fails every call. With echo, its Set error quotes the
// password, as a careless keyring library might.
type failingKeyring struct{ echo bool }

func (k failingKeyring) Get(string, string) (string, error) {
	return "", errors.New("dbus: the name org.freedesktop.secrets was not provided")
}

func (k failingKeyring) Set(_, _, password string) error {
	if k.echo {
		return fmt.Errorf("cannot store %q", password)
	}
	return errors.New("dbus: the name org.freedesktop.secrets was not provided")
}

func (k failingKeyring) Delete(string, string) error {
	return errors.New("dbus: the name org.freedesktop.secrets was not provided")
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func open(t *testing.T, o Options) *Store {
	t.Helper()
	if o.Backend == "" {
		o.Backend = BackendAuto // do not let SEATS_SECRET_BACKEND decide
	}
	s, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestKeyringRoundTrip(t *testing.T) {
	t.Parallel()
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	tests := []struct {
		name  string
		value []byte
		parts int // keyring entries for it
	}{
		{"empty", []byte{}, 1},
		{"binary", allBytes, 1},
		{"just fits one entry", randomBytes(t, 1500), 1}, // 2,000 base64 characters
		{"just over one entry", randomBytes(t, 1503), 3}, // header + 2 parts
		{"50 KB MSAL cache", randomBytes(t, 50*1024), 1 + (base64.StdEncoding.EncodedLen(50*1024)+chunkSize-1)/chunkSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			kr := newMemKeyring()
			s := open(t, Options{Home: home, Keyring: kr})
			if err := s.Set("msal-cache", tt.value); err != nil {
				t.Fatalf("Set: %v", err)
			}
			got, err := s.Get("msal-cache")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !bytes.Equal(got, tt.value) {
				t.Fatalf("Get returned %d bytes, want the %d set", len(got), len(tt.value))
			}
			if kr.len() != tt.parts {
				t.Errorf("keyring holds %d entries, want %d", kr.len(), tt.parts)
			}
			if kr.longest > chunkSize {
				t.Errorf("a keyring entry is %d characters, over the %d limit", kr.longest, chunkSize)
			}
			if s.Backend() != "keyring" {
				t.Errorf("Backend = %q, want keyring", s.Backend())
			}
			if _, err := os.Stat(filepath.Join(home, FileName)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("secrets file exists although the keyring works (stat: %v)", err)
			}
			if err := s.Delete("msal-cache"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if kr.len() != 0 {
				t.Errorf("Delete left %d keyring entries", kr.len())
			}
			if _, err := s.Get("msal-cache"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get after Delete: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestKeyringShrinkingValueDropsOldParts(t *testing.T) {
	t.Parallel()
	kr := newMemKeyring()
	s := open(t, Options{Home: t.TempDir(), Keyring: kr})
	if err := s.Set("msal-cache", randomBytes(t, 20000)); err != nil {
		t.Fatal(err)
	}
	small := randomBytes(t, 4000) // 3 parts instead of 14
	if err := s.Set("msal-cache", small); err != nil {
		t.Fatal(err)
	}
	if kr.len() != 4 {
		t.Errorf("keyring holds %d entries, want header + 3 parts", kr.len())
	}
	if got, err := s.Get("msal-cache"); err != nil || !bytes.Equal(got, small) {
		t.Errorf("Get = %d bytes, %v", len(got), err)
	}
	if err := s.Set("msal-cache", []byte("tiny")); err != nil {
		t.Fatal(err)
	}
	if kr.len() != 1 {
		t.Errorf("keyring holds %d entries, want 1", kr.len())
	}
}

func TestKeyringDamagedValueReadsAsNotFound(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	kr := newMemKeyring()
	s := open(t, Options{Home: home, Keyring: kr})
	if err := s.Set("msal-cache", randomBytes(t, 10000)); err != nil {
		t.Fatal(err)
	}
	svc := ServiceName(home)
	damage := map[string]func(){
		"missing part":  func() { _ = kr.Delete(svc, "msal-cache.2") },
		"changed part":  func() { _ = kr.Set(svc, "msal-cache.3", "AAAA") },
		"broken header": func() { _ = kr.Set(svc, "msal-cache", headerPrefix+"x:y") },
		"not base64":    func() { _ = kr.Set(svc, "msal-cache", "***") },
	}
	for name, f := range damage {
		f()
		_, err := s.Get("msal-cache")
		if !errors.Is(err, ErrNotFound) || !errors.Is(err, connectors.ErrNotFound) {
			t.Errorf("%s: Get error = %v, want one matching ErrNotFound", name, err)
		}
	}
}

func TestServiceNamespacedByHome(t *testing.T) {
	t.Parallel()
	realHome := t.TempDir()
	sandbox := filepath.Join(realHome, "sandbox")
	kr := newMemKeyring()
	a := open(t, Options{Home: realHome, Keyring: kr})
	b := open(t, Options{Home: sandbox, Keyring: kr})
	if ServiceName(realHome) == ServiceName(sandbox) || !strings.HasPrefix(ServiceName(realHome), "seats:") {
		t.Fatalf("service names %q and %q", ServiceName(realHome), ServiceName(sandbox))
	}
	if err := a.Set("pax8", []byte("real key")); err != nil {
		t.Fatal(err)
	}
	if err := b.Set("pax8", []byte("fake key")); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Get("pax8"); string(got) != "real key" {
		t.Errorf("real home reads %q", got)
	}
	if got, _ := b.Get("pax8"); string(got) != "fake key" {
		t.Errorf("sandbox home reads %q", got)
	}
}

func TestBlockingKeyringFallsBackToFileAndWarnsOncePerHome(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	const timeout = 50 * time.Millisecond
	var warn bytes.Buffer
	s := open(t, Options{Home: home, Keyring: newBlockingKeyring(t), Timeout: timeout, Warn: &warn})

	start := time.Now()
	if err := s.Set("msal-cache", []byte("cache v1")); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if took := time.Since(start); took > 20*timeout {
		t.Errorf("Set took %v with a %v timeout", took, timeout)
	}
	start = time.Now()
	for i := 0; i < 3; i++ {
		if got, err := s.Get("msal-cache"); err != nil || string(got) != "cache v1" {
			t.Fatalf("Get = %q, %v", got, err)
		}
		if _, err := s.Get("absent"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(absent) = %v", err)
		}
	}
	if took := time.Since(start); took > 10*timeout {
		t.Errorf("reads after the fallback took %v: the keyring is still being asked", took)
	}
	path := filepath.Join(home, FileName)
	if want := "file " + path; s.Backend() != want {
		t.Errorf("Backend = %q, want %q", s.Backend(), want)
	}
	want := fmt.Sprintf("warning: no OS keyring available (it did not answer within %v); keeping secrets in %s (mode 0600)\n", timeout, path)
	if warn.String() != want {
		t.Errorf("warning output:\n%q\nwant:\n%q", warn.String(), want)
	}

	// A later run on the same home stays quiet but still uses the file.
	var warn2 bytes.Buffer
	s2 := open(t, Options{Home: home, Keyring: newBlockingKeyring(t), Timeout: timeout, Warn: &warn2})
	if err := s2.Set("pax8", []byte("key")); err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get("msal-cache"); err != nil || string(got) != "cache v1" {
		t.Errorf("second store Get = %q, %v", got, err)
	}
	if warn2.Len() != 0 {
		t.Errorf("second store warned again: %q", warn2.String())
	}
	if s2.Backend() != "file "+path {
		t.Errorf("second store Backend = %q", s2.Backend())
	}
}

func TestFailingKeyringFallsBackToFile(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	var warn bytes.Buffer
	s := open(t, Options{Home: home, Keyring: failingKeyring{}, Warn: &warn})
	if _, err := s.Get("msal-cache"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v, want ErrNotFound", err)
	}
	if err := s.Set("msal-cache", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("msal-cache"); err != nil || string(got) != "v" {
		t.Errorf("Get = %q, %v", got, err)
	}
	if !strings.Contains(warn.String(), "org.freedesktop.secrets was not provided") || strings.Count(warn.String(), "warning:") != 1 {
		t.Errorf("warning output %q", warn.String())
	}
	if err := s.Delete("msal-cache"); err != nil {
		t.Errorf("Delete: %v", err)
	}
	if _, err := s.Get("msal-cache"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v", err)
	}
}

func TestKeyringBackendNeverFallsBack(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	var warn bytes.Buffer
	s := open(t, Options{Home: home, Keyring: failingKeyring{}, Warn: &warn, Backend: BackendKeyring})
	err := s.Set("pax8", []byte("v"))
	if !errors.Is(err, connectors.ErrUnavailable) {
		t.Errorf("Set error = %v, want ErrUnavailable", err)
	}
	if _, err := s.Get("pax8"); !errors.Is(err, connectors.ErrUnavailable) {
		t.Errorf("Get error = %v, want ErrUnavailable", err)
	}
	if err := s.Delete("pax8"); !errors.Is(err, connectors.ErrUnavailable) {
		t.Errorf("Delete error = %v, want ErrUnavailable", err)
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 || warn.Len() != 0 {
		t.Errorf("keyring backend wrote %d files and warned %q", len(entries), warn.String())
	}
	if s.Backend() != "keyring" {
		t.Errorf("Backend = %q", s.Backend())
	}
}

func TestFileBackend(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "new-home")
	kr := newMemKeyring()
	var warn bytes.Buffer
	s := open(t, Options{Home: home, Keyring: kr, Warn: &warn, Backend: BackendFile})
	if err := s.Delete("absent"); err != nil {
		t.Errorf("Delete of an absent secret with no file: %v", err)
	}
	value := randomBytes(t, 3000)
	if err := s.Set("psa.halo", value); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("psa.halo"); err != nil || !bytes.Equal(got, value) {
		t.Fatalf("Get = %d bytes, %v", len(got), err)
	}
	path := filepath.Join(home, FileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil || m["psa.halo"] != base64.StdEncoding.EncodeToString(value) {
		t.Errorf("file is not a JSON map of base64 values (%v)", err)
	}
	if err := s.Delete("absent"); err != nil {
		t.Errorf("Delete of an absent secret: %v", err)
	}
	_, err = s.Get("absent")
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, connectors.ErrNotFound) {
		t.Errorf("Get(absent) = %v, want ErrNotFound matching connectors.ErrNotFound", err)
	}
	if kr.len() != 0 || warn.Len() != 0 {
		t.Errorf("file backend used the keyring (%d entries) or warned (%q)", kr.len(), warn.String())
	}
	if s.Backend() != "file "+path {
		t.Errorf("Backend = %q", s.Backend())
	}
}

// TestBackendFromEnv sets an env variable, so it must not run in parallel.
func TestBackendFromEnv(t *testing.T) {
	t.Setenv(EnvBackend, "file")
	s, err := Open(Options{Home: t.TempDir(), Keyring: failingKeyring{}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Backend(), "file ") {
		t.Errorf("Backend = %q, want the file from %s", s.Backend(), EnvBackend)
	}
	s, err = Open(Options{Home: t.TempDir(), Keyring: failingKeyring{}, Backend: BackendKeyring})
	if err != nil || s.Backend() != "keyring" {
		t.Errorf("explicit Options.Backend lost to the env: %v, %v", s, err)
	}
	t.Setenv(EnvBackend, "vault")
	if _, err := Open(Options{Home: t.TempDir()}); err == nil || !strings.Contains(err.Error(), EnvBackend) {
		t.Errorf("Open with a bad backend: %v", err)
	}
}

func TestOpenRejects(t *testing.T) {
	t.Parallel()
	if _, err := Open(Options{Backend: BackendFile}); err == nil {
		t.Error("Open without a home succeeded")
	}
	if _, err := Open(Options{Home: t.TempDir(), Backend: "plaintext"}); err == nil {
		t.Error("Open with an unknown backend succeeded")
	}
}

func TestLooseFileModeIsTightened(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	home := t.TempDir()
	path := filepath.Join(home, FileName)
	if err := os.WriteFile(path, []byte(`{"pax8":"a2V5"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // despite the umask
		t.Fatal(err)
	}
	var warn bytes.Buffer
	s := open(t, Options{Home: home, Keyring: newMemKeyring(), Warn: &warn})
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after Open, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(warn.String(), "mode 0644") || !strings.Contains(warn.String(), path) {
		t.Errorf("warning %q", warn.String())
	}
	if got, err := s.Get("pax8"); err != nil || string(got) != "key" {
		t.Errorf("Get = %q, %v", got, err)
	}
}

func TestConcurrentSetsFromTwoStoresKeepBoth(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	stores := []*Store{
		open(t, Options{Home: home, Backend: BackendFile}),
		open(t, Options{Home: home, Keyring: failingKeyring{}}), // auto, falls back
	}
	const perStore = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*perStore)
	for si, s := range stores {
		for i := 0; i < perStore; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Set(fmt.Sprintf("s%d-%d", si, i), []byte(fmt.Sprintf("value %d/%d", si, i)))
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Set: %v", err)
		}
	}
	reader := open(t, Options{Home: home, Backend: BackendFile})
	for si := range stores {
		for i := 0; i < perStore; i++ {
			name := fmt.Sprintf("s%d-%d", si, i)
			got, err := reader.Get(name)
			if err != nil || string(got) != fmt.Sprintf("value %d/%d", si, i) {
				t.Errorf("%s = %q, %v: a concurrent write was lost", name, got, err)
			}
		}
	}
}

func TestFileCopyShadowsStaleKeyringUntilNextSet(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	kr := newMemKeyring()
	if err := kr.Set(ServiceName(home), "msal-cache", base64.StdEncoding.EncodeToString([]byte("stale"))); err != nil {
		t.Fatal(err)
	}
	// A run without keyring wrote a newer value to the file.
	down := open(t, Options{Home: home, Keyring: failingKeyring{}})
	if err := down.Set("msal-cache", []byte("fresh")); err != nil {
		t.Fatal(err)
	}
	// The keyring is back.
	up := open(t, Options{Home: home, Keyring: kr})
	if got, err := up.Get("msal-cache"); err != nil || string(got) != "fresh" {
		t.Fatalf("Get = %q, %v; want the file's newer value", got, err)
	}
	if err := up.Set("msal-cache", []byte("newest")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(home, FileName))
	if strings.Contains(string(data), "msal-cache") {
		t.Errorf("file still holds the secret after a keyring write: %s", data)
	}
	if got, err := up.Get("msal-cache"); err != nil || string(got) != "newest" {
		t.Errorf("Get = %q, %v", got, err)
	}
}

func TestDeleteAbsent(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{BackendAuto, BackendKeyring, BackendFile} {
		s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring(), Backend: backend})
		if err := s.Delete("never-set"); err != nil {
			t.Errorf("%s: Delete of an absent secret: %v", backend, err)
		}
	}
}

func TestInvalidNames(t *testing.T) {
	t.Parallel()
	s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring()})
	for _, name := range []string{"", "msal-cache.1", "has space", ".hidden", "a/b", strings.Repeat("x", 129)} {
		if err := s.Set(name, []byte("v")); err == nil {
			t.Errorf("Set(%q) succeeded", name)
		}
		if _, err := s.Get(name); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v, want an invalid-name error", name, err)
		}
	}
	for _, name := range []string{"msal-cache", "pax8.client_secret", "v2.key"} {
		if err := s.Set(name, []byte("v")); err != nil {
			t.Errorf("Set(%q): %v", name, err)
		}
	}
}

func TestErrorsNeverContainTheSecret(t *testing.T) {
	t.Parallel()
	secret := []byte("hunter2-very-secret-client-key")
	enc := base64.StdEncoding.EncodeToString(secret)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		o    Options
	}{
		{"keyring echoes the password", Options{Home: t.TempDir(), Keyring: failingKeyring{echo: true}, Backend: BackendKeyring}},
		{"keyring echoes, then the file fails", Options{Home: filepath.Join(notADir, "home"), Keyring: failingKeyring{echo: true}}},
		{"file cannot be written", Options{Home: filepath.Join(notADir, "home"), Backend: BackendFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var warn bytes.Buffer
			tt.o.Warn = &warn
			s := open(t, tt.o)
			err := s.Set("pax8", secret)
			if err == nil {
				t.Fatal("Set succeeded; the test needs an error path")
			}
			for _, out := range []string{err.Error(), warn.String()} {
				if strings.Contains(out, string(secret)) || strings.Contains(out, enc) || strings.Contains(out, "hunter2") {
					t.Errorf("output leaks the secret: %q", out)
				}
			}
		})
	}
}

func TestBlockingKeyringFirstCallIsBounded(t *testing.T) {
	t.Parallel()
	const timeout = 40 * time.Millisecond
	calls := map[string]func(s *Store) error{
		"Get": func(s *Store) error {
			if _, err := s.Get("msal-cache"); !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("Get = %v, want ErrNotFound", err)
			}
			return nil
		},
		"Set":    func(s *Store) error { return s.Set("msal-cache", []byte("v")) },
		"Delete": func(s *Store) error { return s.Delete("msal-cache") },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			var warn bytes.Buffer
			s := open(t, Options{Home: home, Keyring: newBlockingKeyring(t), Timeout: timeout, Warn: &warn})
			start := time.Now()
			if err := call(s); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > 25*timeout {
				t.Errorf("%s took %v with a %v timeout", name, took, timeout)
			}
			if !strings.HasPrefix(s.Backend(), "file ") || strings.Count(warn.String(), "warning:") != 1 {
				t.Errorf("Backend %q, warning %q", s.Backend(), warn.String())
			}
			fi, err := os.Stat(filepath.Join(home, markerName))
			if err != nil {
				t.Fatalf("no marker after the warning: %v", err)
			}
			if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
				t.Errorf("marker mode %v", fi.Mode().Perm())
			}
		})
	}
}

// TestOSKeyringMapsNotFound runs OSKeyring against go-keyring's in-memory
// mock (keyring.MockInit), never the real OS keyring. MockInit swaps a
// package-global provider, so this test is not parallel.
func TestOSKeyringMapsNotFound(t *testing.T) {
	keyring.MockInit()
	kr := OSKeyring()
	if _, err := kr.Get("seats:test", "absent"); !errors.Is(err, ErrNotFound) || !errors.Is(err, connectors.ErrNotFound) {
		t.Errorf("Get(absent) = %v, want ErrNotFound", err)
	}
	if err := kr.Delete("seats:test", "absent"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete(absent) = %v, want ErrNotFound", err)
	}
	s := open(t, Options{Home: t.TempDir(), Keyring: kr})
	if err := s.Set("pax8", randomBytes(t, 5000)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("pax8"); err != nil || len(got) != 5000 {
		t.Errorf("Get = %d bytes, %v", len(got), err)
	}
	if err := s.Delete("pax8"); err != nil {
		t.Errorf("Delete: %v", err)
	}
	keyring.MockInitWithError(errors.New("no keyring in this mock"))
	var warn bytes.Buffer
	s = open(t, Options{Home: t.TempDir(), Keyring: kr, Warn: &warn})
	if err := s.Set("pax8", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warn.String(), "no keyring in this mock") {
		t.Errorf("warning %q", warn.String())
	}
}

// TestCrossProcessWritesKeepBoth runs two copies of this test binary that
// write to one home at the same time: the flock must keep every write.
func TestCrossProcessWritesKeepBoth(t *testing.T) {
	const perChild = 20
	if home := os.Getenv("SEATS_SECRET_TEST_CHILD_HOME"); home != "" {
		prefix := os.Getenv("SEATS_SECRET_TEST_CHILD_PREFIX")
		s := open(t, Options{Home: home, Backend: BackendFile})
		for i := 0; i < perChild; i++ {
			if err := s.Set(fmt.Sprintf("%s-%d", prefix, i), []byte(prefix)); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	t.Parallel()
	home := t.TempDir()
	var children []*exec.Cmd
	var outputs []*bytes.Buffer
	for _, prefix := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrossProcessWritesKeepBoth$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SEATS_SECRET_TEST_CHILD_HOME="+home, "SEATS_SECRET_TEST_CHILD_PREFIX="+prefix)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children = append(children, cmd)
		outputs = append(outputs, &out)
	}
	for i, cmd := range children {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outputs[i])
		}
	}
	s := open(t, Options{Home: home, Backend: BackendFile})
	for _, prefix := range []string{"a", "b"} {
		for i := 0; i < perChild; i++ {
			name := fmt.Sprintf("%s-%d", prefix, i)
			if got, err := s.Get(name); err != nil || string(got) != prefix {
				t.Errorf("%s = %q, %v: a write from another process was lost", name, got, err)
			}
		}
	}
}

func TestBackendAsksTheKeyringWhenTheFileAnswered(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	// A value left in the file from a time without keyring answers Get
	// without touching the keyring; Backend must still tell the truth.
	fileStore, err := Open(Options{Home: home, Backend: BackendFile})
	if err != nil {
		t.Fatal(err)
	}
	if err := fileStore.Set("cache", []byte("v")); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	broken := failingKeyring{}
	s, err := Open(Options{Home: home, Keyring: broken, Warn: &warn, Backend: BackendAuto})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("cache"); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if got := s.Backend(); !strings.HasPrefix(got, "file ") {
		t.Fatalf("Backend() = %q with a broken keyring", got)
	}
}

// countingKeyring counts calls and answers like a working keyring with
// nothing stored.
type countingKeyring struct{ calls atomic.Int64 }

func (k *countingKeyring) Get(string, string) (string, error) {
	k.calls.Add(1)
	return "", keyring.ErrNotFound
}
func (k *countingKeyring) Set(string, string, string) error { k.calls.Add(1); return nil }
func (k *countingKeyring) Delete(string, string) error      { k.calls.Add(1); return nil }

func TestHungKeyringIsNotAskedAgainForADay(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	first := open(t, Options{Home: home, Keyring: newBlockingKeyring(t), Timeout: 20 * time.Millisecond, Backend: BackendAuto})
	if err := first.Set("cache", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// The next command: the keyring is not asked (it would cost the timeout
	// again), the file answers.
	kr := &countingKeyring{}
	next := open(t, Options{Home: home, Keyring: kr, Backend: BackendAuto})
	if v, err := next.Get("cache"); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if !strings.HasPrefix(next.Backend(), "file ") || kr.calls.Load() != 0 {
		t.Fatalf("backend %q after %d keyring calls; want the file and none", next.Backend(), kr.calls.Load())
	}
	// A day later the keyring is tried again.
	old := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(filepath.Join(home, hungName), old, old); err != nil {
		t.Fatal(err)
	}
	later := open(t, Options{Home: home, Keyring: kr, Backend: BackendAuto})
	if later.Backend() != BackendKeyring || kr.calls.Load() == 0 {
		t.Fatalf("a day later: backend %q after %d keyring calls", later.Backend(), kr.calls.Load())
	}
}

func TestRefusingKeyringLeavesNoHungMark(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := open(t, Options{Home: home, Keyring: failingKeyring{}, Backend: BackendAuto})
	if err := s.Set("cache", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, hungName)); !os.IsNotExist(err) {
		t.Fatalf("a keyring that refuses at once was marked hung (%v)", err)
	}
}
