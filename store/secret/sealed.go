package secret

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// Sealed keeps one large secret in a file of its own, encrypted, with only
// its small key in the Store (the OS keyring when there is one). It is for
// the MSAL token cache, which runs to megabytes with thousands of customer
// tenants: a keyring cannot hold that (the Store would split it into
// thousands of entries, and some desktops prompt for each), while a 32-byte
// key fits in one entry everywhere.
//
// The file is <home>/<file>, mode 0600, replaced atomically; its content is
// a fixed header, a random nonce and the value sealed with AES-256-GCM under
// the key kept in the Store as keyName. Whoever can read the file but not
// the keyring learns nothing; a file whose key is gone, or that was altered,
// reads as not found (a lost sign-in, not garbage).
//
// Sealed satisfies the same Get/Set/Delete contract as the Store for its one
// name; every other name passes through to the Store. A value that an older
// seats kept in the Store under the sealed name is still read, and moved to
// the file on the next Set.
type Sealed struct {
	s       *Store
	name    string // the secret's name, e.g. microsoft.token_cache
	path    string // <home>/<file>
	keyName string // the key's name in the Store

	mu  sync.Mutex
	key []byte // the key, once read or made
}

// sealedHeader starts every sealed file, so that another file put there by
// mistake is recognised as not ours.
var sealedHeader = []byte("seats-sealed-v1\n")

// Sealed returns the sealed file for the secret name, at <home>/file, with
// its key kept in the Store as keyName.
func (s *Store) Sealed(name, file, keyName string) *Sealed {
	return &Sealed{s: s, name: name, path: filepath.Join(s.home, file), keyName: keyName}
}

// Path is the sealed file, for the README's and status's sake.
func (f *Sealed) Path() string { return f.path }

// Get returns the value of name: for the sealed name, the decrypted file
// (or, when there is no file yet, a value an older seats kept in the Store);
// ErrNotFound when there is none or it cannot be decrypted with the key.
func (f *Sealed) Get(name string) ([]byte, error) {
	if name != f.name {
		return f.s.Get(name)
	}
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f.s.Get(name) // kept by an older seats, or nothing
	}
	if err != nil {
		return nil, fmt.Errorf("secret: cannot read %s (%w): make it readable, or move it away and sign in again", f.path, atomicfile.PathCause(err))
	}
	key, err := f.readKey()
	if err != nil {
		return nil, err
	}
	v, err := unseal(key, data)
	if err != nil {
		return nil, fmt.Errorf("secret: %s cannot be decrypted with its key (%v); sign in again: %w", f.path, err, ErrNotFound)
	}
	return v, nil
}

// Set encrypts value into the file, making the key first if there is none.
func (f *Sealed) Set(name string, value []byte) error {
	if name != f.name {
		return f.s.Set(name, value)
	}
	key, err := f.keyForWrite()
	if err != nil {
		return err
	}
	sealed, err := seal(key, value)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("secret: create %s: %w", filepath.Dir(f.path), atomicfile.PathCause(err))
	}
	if err := writeFileAtomic(f.path, sealed); err != nil {
		return err
	}
	// A copy an older seats kept in the Store is now out of date.
	if err := f.s.Delete(name); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Delete removes the file, its key and any copy an older seats kept.
func (f *Sealed) Delete(name string) error {
	if name != f.name {
		return f.s.Delete(name)
	}
	var errs []error
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, fmt.Errorf("secret: cannot remove %s (%w): remove it by hand", f.path, atomicfile.PathCause(err)))
	}
	for _, n := range []string{f.keyName, name} {
		if err := f.s.Delete(n); err != nil && !errors.Is(err, ErrNotFound) {
			errs = append(errs, err)
		}
	}
	f.mu.Lock()
	f.key = nil
	f.mu.Unlock()
	return errors.Join(errs...)
}

// readKey returns the key; a missing key is ErrNotFound (the file cannot be
// read without it), any other failure is returned as it is, so that a
// keyring that is briefly unavailable is not taken for a lost sign-in.
func (f *Sealed) readKey() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.key != nil {
		return f.key, nil
	}
	key, err := f.s.Get(f.keyName)
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("secret: the key of %s is damaged; sign in again: %w", f.path, ErrNotFound)
	}
	f.key = key
	return key, nil
}

// keyForWrite returns the key, making and storing one when there is none.
// Making it happens under a lock file of its own (<file>.lock; not the
// secrets file's lock, which storing the key takes), so that two seats
// starting together agree on one key.
func (f *Sealed) keyForWrite() ([]byte, error) {
	key, err := f.readKey()
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(f.s.home, 0o700); err != nil {
		return nil, fmt.Errorf("secret: create %s: %w", f.s.home, atomicfile.PathCause(err))
	}
	lockPath := f.path + ".lock"
	mu, _ := inProcess.LoadOrStore(lockPath, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	unlock, err := lockFile(lockPath, lockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if key, err := f.s.Get(f.keyName); err == nil && len(key) == 32 {
		f.key = key // another process made it meanwhile
		return key, nil
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secret: make a key: %w", err)
	}
	if err := f.s.Set(f.keyName, key); err != nil {
		return nil, err
	}
	f.key = key
	return key, nil
}

// seal encrypts value: header, nonce, AES-256-GCM ciphertext. The header is
// authenticated too.
func seal(key, value []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: make a nonce: %w", err)
	}
	out := append(append(bytes.Clone(sealedHeader), nonce...), gcm.Seal(nil, nonce, value, sealedHeader)...)
	return out, nil
}

// unseal reverses seal. Its errors never quote the content.
func unseal(key, data []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, sealedHeader) || len(data) < len(sealedHeader)+gcm.NonceSize() {
		return nil, errors.New("not a sealed seats file")
	}
	rest := data[len(sealedHeader):]
	v, err := gcm.Open(nil, rest[:gcm.NonceSize()], rest[gcm.NonceSize():], sealedHeader)
	if err != nil {
		return nil, errors.New("the content does not match its key")
	}
	return v, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: key: %w", err)
	}
	return cipher.NewGCM(block)
}
