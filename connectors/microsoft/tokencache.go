package microsoft

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"github.com/seats-msp/seats/connectors"
)

// TokenCacheSecret is the secret-store name the MSAL token cache is kept
// under: one entry for the whole cache, whatever MSAL's partition hints say
// (the maintainers' advice for a CLI).
const TokenCacheSecret = "microsoft.token_cache"

// SecretStore keeps named secrets. Get reports a missing secret with an
// error for which errors.Is(err, connectors.ErrNotFound) holds (or with a
// nil value and no error); any other error is a failure to read. Delete of
// a missing secret may report ErrNotFound the same way.
type SecretStore interface {
	Get(name string) ([]byte, error)
	Set(name string, v []byte) error
	Delete(name string) error
}

// TokenCache keeps MSAL's token cache in memory for the whole command and
// writes it to the secret store once, on Flush. MSAL calls Replace before
// every read and Export after every write (a silent token for each of a
// thousand tenants is a thousand Exports); a keyring write each time would
// be slow and, on some desktops, prompt the user. It implements
// cache.ExportReplace and is safe for concurrent use, also by several MSAL
// clients in one process.
type TokenCache struct {
	store SecretStore

	mu     sync.Mutex
	loaded bool   // the secret has been read (or cleared) once
	data   []byte // the cache as last loaded or exported; nil = empty
	gen    uint64 // bumped whenever data changes
	dirty  bool   // data differs from what the store holds
	// synced remembers, per MSAL in-memory cache, the generation its
	// contents equal, so Replace skips re-reading a cache that is already
	// up to date (unmarshalling a large cache on every token read would
	// cost more than the calls). Keys are the caches themselves (pointers),
	// which also keeps them from being collected and their address reused.
	synced map[any]uint64
}

// The TokenCache plugs into MSAL.
var _ cache.ExportReplace = (*TokenCache)(nil)

// NewTokenCache returns a TokenCache over s. Nothing is read until MSAL
// first needs the cache.
func NewTokenCache(s SecretStore) *TokenCache {
	return &TokenCache{store: s, synced: map[any]uint64{}}
}

// emptyCache is what an absent cache unmarshals from: it resets MSAL's
// in-memory cache to empty.
var emptyCache = []byte("{}")

// Replace loads the cache into MSAL's in-memory cache. The secret store is
// read once; a failure to read it is returned (and retried on the next
// call) rather than treated as empty, because an empty cache would be
// exported over the saved sign-in.
func (t *TokenCache) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.loaded {
		v, err := t.store.Get(TokenCacheSecret)
		switch {
		case err == nil:
			t.data = bytes.Clone(v)
		case errors.Is(err, connectors.ErrNotFound):
			t.data = nil
		default:
			return &connectors.Error{Kind: connectors.ErrUnavailable, Service: "token cache", Op: "read the saved sign-in", Message: "the secret store could not be read", Err: err}
		}
		t.loaded = true
		t.gen++
	}
	key, keyed := cacheKey(u)
	if keyed && t.synced[key] == t.gen {
		return nil
	}
	data := t.data
	if len(data) == 0 {
		data = emptyCache
	}
	if err := u.Unmarshal(data); err != nil {
		// A corrupt cache is a lost sign-in, not a fatal error: start
		// empty and let the user sign in again.
		if err := u.Unmarshal(emptyCache); err != nil {
			return &connectors.Error{Kind: connectors.ErrBadResponse, Service: "token cache", Op: "read the saved sign-in", Message: "the saved sign-in is unreadable", Err: err}
		}
	}
	if keyed {
		t.synced[key] = t.gen
	}
	return nil
}

// Export takes MSAL's cache after a write. It only remembers it; Flush
// writes it to the secret store.
func (t *TokenCache) Export(ctx context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := m.Marshal()
	if err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: "token cache", Op: "save the sign-in", Message: "the sign-in could not be serialised", Err: err}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.loaded {
		// MSAL always Replaces before it Exports; exporting a cache that
		// was never loaded would overwrite the saved sign-in.
		return &connectors.Error{Kind: connectors.ErrUnavailable, Service: "token cache", Op: "save the sign-in", Message: "the saved sign-in was not read first, so it is not overwritten"}
	}
	if !bytes.Equal(v, t.data) {
		t.data = v
		t.gen++
		t.dirty = true
	}
	if key, ok := cacheKey(m); ok {
		t.synced[key] = t.gen
	}
	return nil
}

// Flush writes the cache to the secret store if it changed since the last
// write (or load); otherwise it does nothing.
func (t *TokenCache) Flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.dirty {
		return nil
	}
	if err := t.store.Set(TokenCacheSecret, t.data); err != nil {
		return &connectors.Error{Kind: connectors.ErrUnavailable, Service: "token cache", Op: "save the sign-in", Message: "the secret store could not be written", Err: err}
	}
	t.dirty = false
	return nil
}

// Clear forgets every token, in memory and in the secret store (seats
// logout). MSAL clients using this cache see an empty cache on their next
// read.
func (t *TokenCache) Clear() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.store.Delete(TokenCacheSecret); err != nil && !errors.Is(err, connectors.ErrNotFound) {
		return &connectors.Error{Kind: connectors.ErrUnavailable, Service: "token cache", Op: "forget the sign-in", Message: "the secret store could not be written", Err: err}
	}
	t.data = nil
	t.loaded = true
	t.dirty = false
	t.gen++
	return nil
}

// cacheKey identifies MSAL's in-memory cache by its pointer; a value that
// is not a pointer is never assumed to be in sync.
func cacheKey(v any) (any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, false
	}
	return v, true
}
