package microsoft_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
)

// memSecrets is a SecretStore in memory that counts its calls and can be
// told to fail.
type memSecrets struct {
	mu                        sync.Mutex
	vals                      map[string][]byte
	gets, sets, deletes       int
	getErr, setErr, deleteErr error
}

func newMemSecrets() *memSecrets { return &memSecrets{vals: map[string][]byte{}} }

func (m *memSecrets) Get(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	if m.getErr != nil {
		return nil, m.getErr
	}
	v, ok := m.vals[name]
	if !ok {
		return nil, fmt.Errorf("secret %q: %w", name, connectors.ErrNotFound)
	}
	return append([]byte(nil), v...), nil
}

func (m *memSecrets) Set(name string, v []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sets++
	if m.setErr != nil {
		return m.setErr
	}
	m.vals[name] = append([]byte(nil), v...)
	return nil
}

func (m *memSecrets) Delete(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deletes++
	if m.deleteErr != nil {
		return m.deleteErr
	}
	if _, ok := m.vals[name]; !ok {
		return fmt.Errorf("secret %q: %w", name, connectors.ErrNotFound)
	}
	delete(m.vals, name)
	return nil
}

func (m *memSecrets) counts() (gets, sets, deletes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets, m.sets, m.deletes
}

func (m *memSecrets) value(name string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vals[name]
	return v, ok
}

func (m *memSecrets) setGetErr(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.getErr = err
}

// memCache stands in for MSAL's in-memory cache: it holds bytes and counts
// how often it is replaced.
type memCache struct {
	data       []byte
	unmarshals int
	marshals   int
}

func (c *memCache) Unmarshal(b []byte) error {
	c.unmarshals++
	c.data = append([]byte(nil), b...)
	return nil
}

func (c *memCache) Marshal() ([]byte, error) {
	c.marshals++
	return c.data, nil
}

// TestTokenCacheSerialisesOncePerCommand: a thousand new tokens cost no
// serialisation at all until Flush, which serialises once. Serialising the
// growing cache on every Export made a sync quadratic in the tenants.
func TestTokenCacheSerialisesOncePerCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newMemSecrets()
	tc := microsoft.NewTokenCache(store)
	mc := &memCache{}
	for i := range 1000 {
		if err := tc.Replace(ctx, mc, cache.ReplaceHints{}); err != nil {
			t.Fatal(err)
		}
		mc.data = []byte(fmt.Sprintf(`{"n":%d}`, i))
		if err := tc.Export(ctx, mc, cache.ExportHints{}); err != nil {
			t.Fatal(err)
		}
	}
	if mc.marshals != 0 {
		t.Fatalf("%d serialisations before Flush, want 0", mc.marshals)
	}
	if err := tc.Flush(); err != nil {
		t.Fatal(err)
	}
	if mc.marshals != 1 {
		t.Fatalf("%d serialisations after Flush, want 1", mc.marshals)
	}
	if v, _ := store.value(microsoft.TokenCacheSecret); string(v) != `{"n":999}` {
		t.Fatalf("stored %q, want the last export", v)
	}
}

// TestTokenCacheSharedByTwoClients: a second MSAL cache reading after the
// first one exported sees the newest tokens (serialised then, once).
func TestTokenCacheSharedByTwoClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tc := microsoft.NewTokenCache(newMemSecrets())
	a, b := &memCache{}, &memCache{}
	for _, mc := range []*memCache{a, b} {
		if err := tc.Replace(ctx, mc, cache.ReplaceHints{}); err != nil {
			t.Fatal(err)
		}
	}
	a.data = []byte(`{"from":"a"}`)
	if err := tc.Export(ctx, a, cache.ExportHints{}); err != nil {
		t.Fatal(err)
	}
	if err := tc.Replace(ctx, b, cache.ReplaceHints{}); err != nil {
		t.Fatal(err)
	}
	if string(b.data) != `{"from":"a"}` {
		t.Fatalf("second cache holds %q, want the first one's export", b.data)
	}
	// a is still in sync: reading again costs nothing.
	before := a.unmarshals
	if err := tc.Replace(ctx, a, cache.ReplaceHints{}); err != nil {
		t.Fatal(err)
	}
	if a.unmarshals != before {
		t.Fatalf("an up-to-date cache was replaced again")
	}
}

func TestTokenCacheWritesOnceOnFlush(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newMemSecrets()
	tc := microsoft.NewTokenCache(store)
	mc := &memCache{}
	for i := range 50 {
		if err := tc.Replace(ctx, mc, cache.ReplaceHints{}); err != nil {
			t.Fatalf("Replace %d: %v", i, err)
		}
		mc.data = []byte(fmt.Sprintf(`{"n":%d}`, i))
		if err := tc.Export(ctx, mc, cache.ExportHints{}); err != nil {
			t.Fatalf("Export %d: %v", i, err)
		}
	}
	if gets, sets, _ := store.counts(); gets != 1 || sets != 0 {
		t.Fatalf("before Flush: %d gets, %d sets; want 1 get, 0 sets", gets, sets)
	}
	// MSAL's cache stayed in sync with every export, so it was loaded once.
	if mc.unmarshals != 1 {
		t.Errorf("in-memory cache replaced %d times, want 1", mc.unmarshals)
	}
	if err := tc.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if err := tc.Flush(); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
	if _, sets, _ := store.counts(); sets != 1 {
		t.Fatalf("%d secret-store writes after two Flushes, want 1", sets)
	}
	if v, _ := store.value(microsoft.TokenCacheSecret); string(v) != `{"n":49}` {
		t.Fatalf("stored %q, want the last export", v)
	}
}

func TestTokenCacheReplace(t *testing.T) {
	t.Parallel()
	boom := errors.New("keyring locked")
	tests := []struct {
		name     string
		saved    []byte // nil = no secret
		getErr   error
		wantErr  error
		wantData string // what MSAL's cache holds afterwards
	}{
		{name: "saved cache is loaded", saved: []byte(`{"saved":1}`), wantData: `{"saved":1}`},
		{name: "missing secret is an empty cache", wantData: `{}`},
		{name: "failing store is an error and does not wipe", saved: []byte(`{"saved":1}`), getErr: boom, wantErr: boom, wantData: `{"before":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newMemSecrets()
			if tc.saved != nil {
				store.vals[microsoft.TokenCacheSecret] = tc.saved
			}
			store.getErr = tc.getErr
			cacheUnderTest := microsoft.NewTokenCache(store)
			mc := &memCache{data: []byte(`{"before":1}`)}
			err := cacheUnderTest.Replace(context.Background(), mc, cache.ReplaceHints{})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Replace: %v, want %v", err, tc.wantErr)
			}
			if string(mc.data) != tc.wantData {
				t.Fatalf("MSAL cache holds %q, want %q", mc.data, tc.wantData)
			}
			if tc.wantErr == nil {
				return
			}
			// A failed load must not let an Export overwrite the saved
			// cache, and the next Replace tries the store again.
			if err := cacheUnderTest.Export(context.Background(), mc, cache.ExportHints{}); err == nil {
				t.Fatalf("Export after a failed load succeeded")
			}
			store.setGetErr(nil)
			if err := cacheUnderTest.Replace(context.Background(), mc, cache.ReplaceHints{}); err != nil {
				t.Fatalf("Replace after the store recovered: %v", err)
			}
			if string(mc.data) != string(tc.saved) {
				t.Fatalf("after recovery MSAL cache holds %q, want %q", mc.data, tc.saved)
			}
			if err := cacheUnderTest.Flush(); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if v, _ := store.value(microsoft.TokenCacheSecret); string(v) != string(tc.saved) {
				t.Fatalf("saved cache became %q", v)
			}
		})
	}
}

func TestTokenCacheClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newMemSecrets()
	store.vals[microsoft.TokenCacheSecret] = []byte(`{"saved":1}`)
	tc := microsoft.NewTokenCache(store)
	mc := &memCache{}
	if err := tc.Replace(ctx, mc, cache.ReplaceHints{}); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	if err := tc.Clear(); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if _, ok := store.value(microsoft.TokenCacheSecret); ok {
		t.Fatalf("secret still stored after Clear")
	}
	// The next read empties MSAL's in-memory cache too.
	if err := tc.Replace(ctx, mc, cache.ReplaceHints{}); err != nil {
		t.Fatalf("Replace after Clear: %v", err)
	}
	if string(mc.data) != `{}` {
		t.Fatalf("MSAL cache holds %q after Clear, want empty", mc.data)
	}
	if err := tc.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if _, sets, _ := store.counts(); sets != 0 {
		t.Fatalf("Flush after Clear wrote %d times, want 0", sets)
	}
	// Clearing what is already gone is fine.
	if err := tc.Clear(); err != nil {
		t.Fatalf("second Clear: %v", err)
	}
}

func TestTokenCacheFlushError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newMemSecrets()
	store.setErr = errors.New("disk full")
	tc := microsoft.NewTokenCache(store)
	mc := &memCache{}
	if err := tc.Replace(ctx, mc, cache.ReplaceHints{}); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	mc.data = []byte(`{"new":1}`)
	if err := tc.Export(ctx, mc, cache.ExportHints{}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	err := tc.Flush()
	if !errors.Is(err, store.setErr) || connectors.KindOf(err) != connectors.ErrUnavailable {
		t.Fatalf("Flush: %v, want the store's error with kind unavailable", err)
	}
	// Still dirty: a later Flush tries again.
	store.mu.Lock()
	store.setErr = nil
	store.mu.Unlock()
	if err := tc.Flush(); err != nil {
		t.Fatalf("retry Flush: %v", err)
	}
	if v, _ := store.value(microsoft.TokenCacheSecret); string(v) != `{"new":1}` {
		t.Fatalf("stored %q", v)
	}
}
