package secret

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestSealedRoundTripKeepsOnlyTheKeyInTheKeyring(t *testing.T) {
	t.Parallel()
	kr := newMemKeyring()
	home := t.TempDir()
	s := open(t, Options{Home: home, Keyring: kr, Backend: BackendKeyring})
	f := s.Sealed("microsoft.token_cache", "token-cache.bin", "microsoft.token_cache_key")
	value := bytes.Repeat([]byte(`{"AccessToken":{"k":"secret-token-value"}}`), 20000) // ~800 KB
	if err := f.Set("microsoft.token_cache", value); err != nil {
		t.Fatal(err)
	}
	got, err := f.Get("microsoft.token_cache")
	if err != nil || !bytes.Equal(got, value) {
		t.Fatalf("Get: %d bytes, %v; want the value back", len(got), err)
	}
	// The keyring holds one small entry: the key, not the value.
	if n := kr.len(); n != 1 {
		t.Fatalf("keyring holds %d entries, want 1 (the key)", n)
	}
	data, err := os.ReadFile(filepath.Join(home, "token-cache.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("secret-token-value")) {
		t.Fatal("the file holds the value in clear")
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(filepath.Join(home, "token-cache.bin")); fi.Mode().Perm() != 0o600 {
			t.Fatalf("file mode %v, want 0600", fi.Mode().Perm())
		}
	}
	// Another Store on the same home (the next command) reads it.
	again := open(t, Options{Home: home, Keyring: kr, Backend: BackendKeyring}).Sealed("microsoft.token_cache", "token-cache.bin", "microsoft.token_cache_key")
	if got, err := again.Get("microsoft.token_cache"); err != nil || !bytes.Equal(got, value) {
		t.Fatalf("next command: %d bytes, %v", len(got), err)
	}
	// Delete removes the file and the key.
	if err := again.Delete("microsoft.token_cache"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, "token-cache.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file still there after Delete: %v", err)
	}
	if n := kr.len(); n != 0 {
		t.Fatalf("keyring holds %d entries after Delete", n)
	}
	if _, err := again.Get("microsoft.token_cache"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
}

func TestSealedReadsAnOlderSeatsValueAndMovesIt(t *testing.T) {
	t.Parallel()
	kr := newMemKeyring()
	s := open(t, Options{Home: t.TempDir(), Keyring: kr, Backend: BackendKeyring})
	if err := s.Set("microsoft.token_cache", []byte(`{"old":1}`)); err != nil {
		t.Fatal(err)
	}
	f := s.Sealed("microsoft.token_cache", "token-cache.bin", "microsoft.token_cache_key")
	if got, err := f.Get("microsoft.token_cache"); err != nil || string(got) != `{"old":1}` {
		t.Fatalf("Get: %q, %v; want the older seats's value", got, err)
	}
	if err := f.Set("microsoft.token_cache", []byte(`{"new":1}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("microsoft.token_cache"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the old copy stays in the keyring: %v", err)
	}
	if got, err := f.Get("microsoft.token_cache"); err != nil || string(got) != `{"new":1}` {
		t.Fatalf("Get after Set: %q, %v", got, err)
	}
}

func TestSealedWithoutItsKeyOrAlteredReadsAsNotFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, s *Store, path string)
	}{
		{"key gone", func(t *testing.T, s *Store, _ string) {
			if err := s.Delete("microsoft.token_cache_key"); err != nil {
				t.Fatal(err)
			}
		}},
		{"file altered", func(t *testing.T, _ *Store, path string) {
			data, _ := os.ReadFile(path)
			data[len(data)-1] ^= 1
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			s := open(t, Options{Home: home, Keyring: newMemKeyring(), Backend: BackendKeyring})
			f := s.Sealed("microsoft.token_cache", "token-cache.bin", "microsoft.token_cache_key")
			if err := f.Set("microsoft.token_cache", []byte("tokens")); err != nil {
				t.Fatal(err)
			}
			tc.spoil(t, s, f.Path())
			fresh := s.Sealed("microsoft.token_cache", "token-cache.bin", "microsoft.token_cache_key")
			if _, err := fresh.Get("microsoft.token_cache"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestSealedPassesOtherNamesThrough(t *testing.T) {
	t.Parallel()
	s := open(t, Options{Home: t.TempDir(), Keyring: newMemKeyring(), Backend: BackendKeyring})
	f := s.Sealed("microsoft.token_cache", "token-cache.bin", "microsoft.token_cache_key")
	if err := f.Set("pax8.secret", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("pax8.secret"); err != nil || string(got) != "x" {
		t.Fatalf("Store.Get: %q, %v", got, err)
	}
}

// TestSealedWithTheFileBackend: making the key takes a lock; storing the key
// in the secrets file takes that file's lock, which must be another one.
func TestSealedWithTheFileBackend(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := open(t, Options{Home: home, Backend: BackendFile})
	f := s.Sealed("microsoft.token_cache", "token-cache", "microsoft.token_cache_key")
	done := make(chan error, 1)
	go func() { done <- f.Set("microsoft.token_cache", []byte("tokens")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Set did not return: the key's lock and the secrets file's lock are one")
	}
	if got, err := f.Get("microsoft.token_cache"); err != nil || string(got) != "tokens" {
		t.Fatalf("Get: %q, %v", got, err)
	}
}
