package secret

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/conformance"

	"github.com/gofrs/flock"
)

// The sealed file of these tests, as seats names the MSAL token cache.
const (
	metName    = "microsoft.token_cache"
	metFile    = "token-cache.bin"
	metKeyName = "microsoft.token_cache_key"
)

// writeSecretsFile puts content in <home>/secrets, as a damaged disk or a
// hand edit would leave it.
func writeSecretsFile(t *testing.T, home, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(home, FileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sealedWithValue returns a keyring-backed Store whose sealed file holds a
// value, and the sealed file.
func sealedWithValue(t *testing.T) (*Store, *Sealed) {
	t.Helper()
	s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring(), Backend: BackendKeyring})
	f := s.Sealed(metName, metFile, metKeyName)
	if err := f.Set(metName, []byte("tokens")); err != nil {
		t.Fatal(err)
	}
	return s, f
}

// TestErrorsMet meets each error of the secret store the way a person does,
// and checks what it says.
func TestErrorsMet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// meet produces the error; want are the words it must hold.
		meet func(t *testing.T) (err error, want []string)
	}{
		{"a secret never set", func(t *testing.T) (error, []string) {
			s := open(t, Options{Home: t.TempDir(), Backend: BackendFile})
			_, err := s.Get("pax8.client_secret")
			return err, []string{"secret not found"}
		}},
		{"one value in the secrets file is not base64", func(t *testing.T) (error, []string) {
			home := t.TempDir()
			writeSecretsFile(t, home, `{"pax8.client_secret": "not base64!"}`)
			s := open(t, Options{Home: home, Backend: BackendFile})
			_, err := s.Get("pax8.client_secret")
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("err = %v, want one matching ErrNotFound", err)
			}
			return err, []string{`"pax8.client_secret" in ` + filepath.Join(home, FileName) + " is damaged; it must be set again"}
		}},
		{"the secrets file is not JSON", func(t *testing.T) (error, []string) {
			home := t.TempDir()
			writeSecretsFile(t, home, "pax8.client_secret = hunter2\n")
			s := open(t, Options{Home: home, Backend: BackendFile})
			_, err := s.Get("pax8.client_secret")
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q quotes the file", err)
			}
			return err, []string{filepath.Join(home, FileName) + " is damaged (not a JSON map of names to base64 values); move it away and sign in again"}
		}},
		{"the secrets file is a folder", func(t *testing.T) (error, []string) {
			home := t.TempDir()
			if err := os.Mkdir(filepath.Join(home, FileName), 0o700); err != nil {
				t.Fatal(err)
			}
			s := open(t, Options{Home: home, Backend: BackendFile})
			_, err := s.Get("pax8.client_secret")
			return err, []string{"secret: cannot read " + filepath.Join(home, FileName) + " (", "): make it readable, or move it away and sign in again"}
		}},
		{"the lock file is a folder", func(t *testing.T) (error, []string) {
			home := t.TempDir()
			if err := os.Mkdir(filepath.Join(home, lockFileName), 0o700); err != nil {
				t.Fatal(err)
			}
			s := open(t, Options{Home: home, Backend: BackendFile})
			err := s.Set("pax8.client_secret", []byte("v"))
			return err, []string{"secret: cannot lock " + filepath.Join(home, lockFileName) + ": ", "; move it aside and try again"}
		}},
		{"a keyring entry is not base64", func(t *testing.T) (error, []string) {
			home := t.TempDir()
			kr := newMemKeyring()
			if err := kr.Set(ServiceName(home), "pax8.client_secret", "***"); err != nil {
				t.Fatal(err)
			}
			s := open(t, Options{Home: home, Keyring: kr, Backend: BackendKeyring})
			_, err := s.Get("pax8.client_secret")
			return err, []string{`"pax8.client_secret" in the OS keyring is incomplete or damaged; it must be set again`}
		}},
		{"the sealed file is not one", func(t *testing.T) (error, []string) {
			_, f := sealedWithValue(t)
			if err := os.WriteFile(f.Path(), []byte("hello"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := f.Get(metName)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("err = %v, want one matching ErrNotFound", err)
			}
			return err, []string{f.Path() + " cannot be decrypted with its key (not a sealed seats file); sign in again"}
		}},
		{"the sealed file was altered", func(t *testing.T) (error, []string) {
			_, f := sealedWithValue(t)
			data, err := os.ReadFile(f.Path())
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)-1] ^= 1
			if err := os.WriteFile(f.Path(), data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = f.Get(metName)
			return err, []string{"cannot be decrypted with its key (the content does not match its key); sign in again"}
		}},
		{"the sealed file's key is damaged", func(t *testing.T) (error, []string) {
			s, f := sealedWithValue(t)
			if err := s.Set(metKeyName, []byte("short")); err != nil {
				t.Fatal(err)
			}
			_, err := s.Sealed(metName, metFile, metKeyName).Get(metName)
			return err, []string{"secret: the key of " + f.Path() + " is damaged; sign in again"}
		}},
		{"the sealed file is a folder when read", func(t *testing.T) (error, []string) {
			s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring(), Backend: BackendKeyring})
			f := s.Sealed(metName, metFile, metKeyName)
			if err := os.Mkdir(f.Path(), 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := f.Get(metName)
			return err, []string{"secret: cannot read " + f.Path() + " (", "): make it readable, or move it away and sign in again"}
		}},
		{"the sealed file is a folder when written", func(t *testing.T) (error, []string) {
			s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring(), Backend: BackendKeyring})
			f := s.Sealed(metName, metFile, metKeyName)
			if err := os.Mkdir(f.Path(), 0o700); err != nil {
				t.Fatal(err)
			}
			// Writing narrows the folder's mode first; widen it again so
			// that the temp dir can be removed.
			t.Cleanup(func() { _ = os.Chmod(f.Path(), 0o700) })
			err := f.Set(metName, []byte("tokens"))
			return err, []string{"secret: cannot write " + f.Path() + ": ", "; make sure you may write to its folder, or move it aside"}
		}},
		{"the sealed file is a folder when deleted", func(t *testing.T) (error, []string) {
			s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring(), Backend: BackendKeyring})
			f := s.Sealed(metName, metFile, metKeyName)
			if err := os.MkdirAll(filepath.Join(f.Path(), "inside"), 0o700); err != nil {
				t.Fatal(err)
			}
			err := f.Delete(metName)
			return err, []string{"secret: cannot remove " + f.Path() + " (", "): remove it by hand"}
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

// TestLockHeldByAnotherSeatsMet holds the secrets file's lock as another
// seats process would, and waits for it a little.
func TestLockHeldByAnotherSeatsMet(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), lockFileName)
	other := flock.New(path)
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Unlock() })
	_, err := lockFile(path, 30*time.Millisecond)
	want := "secret: " + path + " is locked by another seats process for more than 30ms: wait for it to finish, then try again"
	if err == nil || err.Error() != want {
		t.Errorf("lockFile: %v, want %q", err, want)
	}
}

// TestSecretsFileOthersMayReadAndSeatsCannotChangeMet: a secrets file that
// others may read and whose mode seats cannot change, as one owned by
// another user (left by sudo seats). A test cannot own a file as another
// user, so the file is a link to a procfs file: readable by all, and whose
// mode nobody, not even root, may change.
func TestSecretsFileOthersMayReadAndSeatsCannotChangeMet(t *testing.T) {
	t.Parallel()
	const target = "/proc/self/status"
	fi, err := os.Stat(target)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		t.Skipf("no procfs file readable by others here (%v)", err)
	}
	home := t.TempDir()
	path := filepath.Join(home, FileName)
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	_, err = Open(Options{Home: home, Backend: BackendFile})
	if err == nil {
		t.Skip("this system let seats change a procfs file's mode")
	}
	want := fmt.Sprintf("secret: %s has mode %04o, readable by others, and seats cannot make it private (", path, fi.Mode().Perm())
	if !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "): have its owner run chmod 600 on it") {
		t.Errorf("Open: %v, want %q ... and what to do", err, want)
	}
}

// TestUnknownBackendMet sets SEATS_SECRET_BACKEND, so it must not run in
// parallel.
func TestUnknownBackendMet(t *testing.T) {
	t.Setenv(EnvBackend, "vault")
	_, err := Open(Options{Home: t.TempDir()})
	want := `secret: unknown backend "vault" (want auto, keyring or file; see SEATS_SECRET_BACKEND)`
	if err == nil || err.Error() != want {
		t.Errorf("Open: %v, want %q", err, want)
	}
}
