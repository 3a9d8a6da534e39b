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

// Where cmd/seats keeps the token cache: in the file TokenCacheFile of the
// home, encrypted under a key kept in the secret store (the OS keyring) as
// TokenCacheKey. With a thousand customer tenants the cache is megabytes,
// more than a keyring holds; the key is 32 bytes.
const (
	TokenCacheFile = "token-cache"
	TokenCacheKey  = "microsoft.token_cache_key"
)

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
// every read and Export after every new token (a silent token for each of a
// thousand tenants is a thousand Exports), holding its exclusive cache lock
// for the Export. Export therefore only notes which in-memory cache is the
// newest; nothing is serialised until Flush, or until a second MSAL client
// sharing this TokenCache needs the newest contents. Serialising the whole,
// growing cache on every Export cost time in the square of the tenants (29 s
// of CPU at 1,000 tenants, about 50 minutes at 10,000) and made every token
// request queue behind it. It implements cache.ExportReplace and is safe for
// concurrent use, also by several MSAL clients in one process.
type TokenCache struct {
	store SecretStore

	mu     sync.Mutex
	loaded bool   // the secret has been read (or cleared) once
	data   []byte // the cache as last loaded or serialised; nil = empty
	gen    uint64 // bumped whenever the cache's contents change
	dirty  bool   // the newest contents differ from what the store holds
	// live is the MSAL in-memory cache that Exported last: it holds
	// generation gen, which data does not hold while dataGen lags behind.
	live    cache.Marshaler
	dataGen uint64 // the generation data holds
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
		t.dataGen = t.gen
		t.live = nil
	}
	key, keyed := cacheKey(u)
	if keyed && t.synced[key] == t.gen {
		return nil
	}
	if err := t.catchUp(); err != nil {
		return err
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

// catchUp serialises the live MSAL cache into data when data is older than
// it. Call with mu held.
func (t *TokenCache) catchUp() error {
	if t.live == nil || t.dataGen == t.gen {
		return nil
	}
	v, err := t.live.Marshal()
	if err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: "token cache", Op: "save the sign-in", Message: "the sign-in could not be serialised", Err: err}
	}
	t.data = v
	t.dataGen = t.gen
	return nil
}

// Export takes note that MSAL's cache m changed. It serialises nothing:
// Flush (or a Replace by another MSAL cache) does, once.
func (t *TokenCache) Export(ctx context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.loaded {
		// MSAL always Replaces before it Exports; exporting a cache that
		// was never loaded would overwrite the saved sign-in.
		return &connectors.Error{Kind: connectors.ErrUnavailable, Service: "token cache", Op: "save the sign-in", Message: "the saved sign-in was not read first, so it is not overwritten"}
	}
	t.gen++
	t.live = m
	t.dirty = true
	if key, ok := cacheKey(m); ok {
		t.synced[key] = t.gen
	}
	return nil
}

// Flush writes the cache to the secret store if it changed since the last
// write (or load); otherwise it does nothing. This is the one time per
// command the whole cache is serialised.
func (t *TokenCache) Flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.dirty {
		return nil
	}
	if err := t.catchUp(); err != nil {
		return err
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
	t.live = nil
	t.loaded = true
	t.dirty = false
	t.gen++
	t.dataGen = t.gen
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
