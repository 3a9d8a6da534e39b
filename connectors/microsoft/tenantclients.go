package microsoft

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/seats-msp/seats/connectors"
)

// Customer tenants' tokens come from MSAL clients of their own, apart from
// the partner's (Client.pca), each for a share of the tenants.
//
// MSAL looks a token up by walking every access token, ID token and
// account in its cache, and writes one of each per tenant: with one client
// for every tenant, each lookup walked them all, and a sync of 10,000
// tenants spent a quarter of its CPU there, in the square of the tenants,
// holding MSAL's cache lock. Each tenant client starts from the partner's
// refresh token alone and keeps its tenants' tokens in memory, for the
// command that asked for them: a later command asks again (one token
// request per tenant, as when they expire within the hour), and the saved
// sign-in holds the partner's tokens only, not one of each per tenant.
const tenantClients = 16

// capturingCache is the partner client's cache: it passes MSAL's calls to
// the configured one (none: memory only) and remembers MSAL's in-memory
// cache, whose refresh token the tenant clients start from.
type capturingCache struct {
	next cache.ExportReplace

	mu sync.Mutex
	m  cache.Marshaler
}

func (c *capturingCache) Replace(ctx context.Context, u cache.Unmarshaler, h cache.ReplaceHints) error {
	c.note(u)
	if c.next == nil {
		return nil
	}
	return c.next.Replace(ctx, u, h)
}

func (c *capturingCache) Export(ctx context.Context, m cache.Marshaler, h cache.ExportHints) error {
	c.note(m)
	if c.next == nil {
		return nil
	}
	return c.next.Export(ctx, m, h)
}

func (c *capturingCache) note(v any) {
	if m, ok := v.(cache.Marshaler); ok {
		c.mu.Lock()
		c.m = m
		c.mu.Unlock()
	}
}

// refreshTokens is the partner cache's refresh tokens and app metadata (the
// family a refresh token belongs to), serialised as MSAL reads a cache:
// everything a tenant client needs to redeem them, and nothing per tenant.
func (c *capturingCache) refreshTokens() ([]byte, error) {
	c.mu.Lock()
	m := c.m
	c.mu.Unlock()
	if m == nil {
		return nil, errNotSignedIn()
	}
	data, err := m.Marshal()
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: serviceSignIn, Op: "share the sign-in", Message: "the sign-in could not be serialised", Err: err}
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: serviceSignIn, Op: "share the sign-in", Message: "the sign-in could not be serialised", Err: err}
	}
	keep := map[string]json.RawMessage{}
	for _, k := range []string{"RefreshToken", "AppMetadata"} {
		if v, ok := all[k]; ok {
			keep[k] = v
		}
	}
	return json.Marshal(keep)
}

// seededCache starts a tenant client's in-memory cache from the partner's
// refresh tokens, once, and keeps nothing: Export writes nowhere.
type seededCache struct {
	seed []byte
	once sync.Once
	err  error
}

func (s *seededCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	s.once.Do(func() { s.err = u.Unmarshal(s.seed) })
	return s.err
}

func (s *seededCache) Export(context.Context, cache.Marshaler, cache.ExportHints) error { return nil }

// tenantClient is the MSAL client for tenantID's tokens, made (with its
// siblings) from the partner's sign-in on first use.
func (c *Client) tenantClient(tenantID string) (public.Client, error) {
	c.tenantMu.Lock()
	defer c.tenantMu.Unlock()
	if c.tenantPCAs == nil {
		seed, err := c.capture.refreshTokens()
		if err != nil {
			return public.Client{}, err
		}
		pcas := make([]public.Client, tenantClients)
		for i := range pcas {
			opts := append(c.pcaOpts[:len(c.pcaOpts):len(c.pcaOpts)], public.WithCache(&seededCache{seed: seed}))
			if pcas[i], err = public.New(c.cfg.ClientID, opts...); err != nil {
				return public.Client{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: serviceSignIn, Op: "configure sign-in",
					Message: "the Microsoft sign-in authority is not valid: check microsoft.authority_host and microsoft.tenant_id", Err: err}
			}
		}
		c.tenantPCAs = pcas
	}
	h := fnv.New32a()
	h.Write([]byte(tenantID))
	return c.tenantPCAs[h.Sum32()%tenantClients], nil
}

// forgetTenantClients drops the tenant clients and their tokens: after a
// sign-in or sign-out they would hold another sign-in's.
func (c *Client) forgetTenantClients() {
	c.tenantMu.Lock()
	c.tenantPCAs = nil
	c.tenantMu.Unlock()
}

// ReleaseTenantTokens drops the customer tenants' tokens this process
// holds, keeping the partner's: a sync uses each tenant's token once, and
// 10,000 of them held afterwards (80 MB) only weigh on what comes next,
// the licence tables. A later call into a tenant asks for its token again.
func (c *Client) ReleaseTenantTokens() {
	c.memoMu.Lock()
	for key := range c.tokens {
		if !strings.HasPrefix(key, "\x00") { // a tenant's: tokenFor keys them by tenant first
			delete(c.tokens, key)
		}
	}
	c.memoMu.Unlock()
	c.forgetTenantClients()
}
