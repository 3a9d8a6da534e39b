package microsoft_test

import (
	"context"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"

	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     microsoft.Config
		wantErr string // "" = no error
	}{
		{"no client id", microsoft.Config{}, "microsoft.client_id is not set: seats needs the application (client) id of its app registration"},
		{"blank client id", microsoft.Config{ClientID: "  "}, "microsoft.client_id"},
		{"plain http graph", microsoft.Config{ClientID: "id", GraphURL: "http://graph.example"}, "microsoft.graph_url"},
		{"authority without host", microsoft.Config{ClientID: "id", AuthorityHost: "https://"}, "microsoft.authority_host"},
		// MSAL reads a first path segment dstsv2 as a dSTS authority, which
		// takes one fixed tenant only.
		{"authority MSAL refuses", microsoft.Config{ClientID: "id", AuthorityHost: "https://login.example.com/dstsv2"},
			"the Microsoft sign-in authority is not valid: check microsoft.authority_host and microsoft.tenant_id"},
		{"global cloud defaults", microsoft.Config{ClientID: "id"}, ""},
		{"gov cloud", microsoft.Config{ClientID: "id", AuthorityHost: "https://login.microsoftonline.us", GraphURL: "https://graph.microsoft.us/"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := microsoft.New(tc.cfg)
			if tc.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New: %v, want an error naming %s", err, tc.wantErr)
			}
		})
	}
}

func TestAdminConsentURL(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	tenant := f.world.Customers[0].TenantID
	link := c.AdminConsentURL(tenant)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("AdminConsentURL %q: %v", link, err)
	}
	ep := msfake.EndpointsFor(f.srv.URL)
	if got := u.Scheme + "://" + u.Host; got != ep.AuthorityHost {
		t.Errorf("host %s, want %s", got, ep.AuthorityHost)
	}
	if u.Path != "/"+tenant+"/v2.0/adminconsent" {
		t.Errorf("path %s", u.Path)
	}
	q := u.Query()
	// Only the customer-side scopes: least privilege for the customer's admin.
	want := map[string]string{"client_id": f.world.ClientID, "scope": ep.GraphURL + "/Organization.Read.All " + ep.GraphURL + "/User.Read.All", "redirect_uri": "http://localhost"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Get("state") == "" || q.Get("state") == mustQuery(t, c.AdminConsentURL(tenant)).Get("state") {
		t.Errorf("state %q should be random per link", q.Get("state"))
	}
	// The link opens the fake's consent page.
	resp, err := f.srv.Client().Get(link)
	if err != nil {
		t.Fatalf("GET consent page: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("consent page answered %d", resp.StatusCode)
	}
}

func mustQuery(t *testing.T, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("parse %q: %v", link, err)
	}
	return u.Query()
}

func TestGDAPUnavailableWithoutCall(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t, func(cfg *microsoft.Config) { cfg.GDAP = false })
	signIn(t, c)
	rels, available, err := c.GDAPRelationships(testCtx(t))
	if err != nil || available || rels != nil {
		t.Fatalf("GDAPRelationships without GDAP = %v, %t, %v; want nil, false, nil", rels, available, err)
	}
	if n := f.ms.Calls(); n != 0 {
		t.Fatalf("%d API calls, want none", n)
	}
}

func TestGDAPAssignments(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{PageSize: 2})
	c := f.client(t)
	signIn(t, c)
	// The first active relationship's assignments are not readable.
	var hidden string
	for _, cu := range f.world.Customers {
		for _, r := range cu.GDAP {
			if hidden == "" && r.Status == connectors.RelActive {
				hidden = r.ID
			}
		}
	}
	f.ms.FailNext(http.MethodGet, "/graph/v1.0/tenantRelationships/delegatedAdminRelationships/"+hidden+"/accessAssignments", http.StatusForbidden, "", 1)

	rels, available, err := c.GDAPRelationships(testCtx(t))
	if err != nil || !available {
		t.Fatalf("GDAPRelationships: %v (available %t)", err, available)
	}
	want := map[string]msfake.Relationship{}
	for _, cu := range f.world.Customers {
		for _, r := range cu.GDAP {
			want[r.ID] = r
		}
	}
	if len(rels) != len(want) {
		t.Fatalf("%d relationships, want %d", len(rels), len(want))
	}
	for _, r := range rels {
		w := want[r.ID]
		if r.Status != w.Status || strings.Join(r.Roles, ",") != strings.Join(w.Roles, ",") {
			t.Errorf("relationship %s: status %s roles %v, want %s %v", r.ID, r.Status, r.Roles, w.Status, w.Roles)
		}
		if !r.EndsAt.Equal(w.EndAt) || !r.ActivatedAt.Equal(w.ActivatedAt) {
			t.Errorf("relationship %s: activated %v ends %v, want %v %v", r.ID, r.ActivatedAt, r.EndsAt, w.ActivatedAt, w.EndAt)
		}
		usable := r.Status == connectors.RelActive || r.Status == connectors.RelExpiring
		switch {
		case r.ID == hidden:
			if r.AssignmentsRead || r.AssignedRoles != nil {
				t.Errorf("relationship %s: assignments read despite 403", r.ID)
			}
		case usable && len(w.AssignedRoles) == 0:
			if r.AssignmentsRead || r.AssignedRoles != nil {
				t.Errorf("relationship %s: no assignments, yet read as %v", r.ID, r.AssignedRoles)
			}
		case usable:
			if !r.AssignmentsRead || strings.Join(r.AssignedRoles, ",") != strings.Join(sortedCopy(w.AssignedRoles), ",") {
				t.Errorf("relationship %s: assigned %v (read %t), want %v", r.ID, r.AssignedRoles, r.AssignmentsRead, w.AssignedRoles)
			}
		default:
			if r.AssignmentsRead {
				t.Errorf("relationship %s (%s): assignments read for a relationship that grants nothing", r.ID, r.Status)
			}
		}
	}
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestGraphCallsBoundedByConcurrency(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{PageSize: 1, Latency: 15 * time.Millisecond})
	const limit = 2
	c := f.client(t, func(cfg *microsoft.Config) { cfg.Concurrency = limit })
	signIn(t, c)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	ctx := testCtx(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Licences(ctx, consented); err != nil {
				t.Errorf("Licences: %v", err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, _, err := c.GDAPRelationships(ctx); err != nil {
			t.Errorf("GDAPRelationships: %v", err)
		}
	}()
	wg.Wait()
	if peak := f.spy.graphPeak.Load(); peak > limit || peak < 1 {
		t.Fatalf("peak Graph calls in flight = %d, want at most %d", peak, limit)
	}
}

func TestConsentPartnerRetryKeepsRequestID(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	signIn(t, c)
	tenant := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasConsentRoles(roles) && c.Consent == nil
	})
	path := "/partnercenter/v1/customers/" + tenant + "/applicationconsents"
	f.ms.FailNext(http.MethodPost, path, http.StatusServiceUnavailable, "", 1)
	if err := c.ConsentPartner(testCtx(t), tenant); err != nil {
		t.Fatalf("ConsentPartner after one 503: %v", err)
	}
	ids := f.spy.requestIDs(http.MethodPost + " " + path)
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Fatalf("MS-RequestId of the tries = %q, want two equal ids", ids)
	}
	w := f.ms.World()
	for _, cu := range w.Customers {
		if cu.TenantID == tenant && (cu.Consent == nil || strings.Join(cu.Consent.Scopes, ",") != strings.Join(microsoft.CustomerGraphScopes, ",")) {
			t.Fatalf("consent recorded as %+v, want scopes %v", cu.Consent, microsoft.CustomerGraphScopes)
		}
	}
}

func TestNoTokenInDebugLog(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{PageSize: 2})
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := f.client(t, func(cfg *microsoft.Config) { cfg.Logger = logger })
	signIn(t, c)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	ctx := testCtx(t)
	if _, err := c.Customers(ctx); err != nil {
		t.Fatalf("Customers: %v", err)
	}
	if _, err := c.Licences(ctx, consented); err != nil {
		t.Fatalf("Licences: %v", err)
	}
	mu.Lock()
	log := buf.String()
	mu.Unlock()
	if log == "" {
		t.Fatalf("nothing was logged")
	}
	tokens := f.spy.bearerTokens()
	if len(tokens) < 2 {
		t.Fatalf("saw %d bearer tokens, want a Partner Center and a tenant one", len(tokens))
	}
	for _, tok := range tokens {
		if strings.Contains(log, tok) || strings.Contains(log, tok[:20]) {
			t.Fatalf("the debug log carries a bearer token")
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestVerifyAndLicencesNeedATenant(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	signIn(t, c)
	ctx := testCtx(t)
	const says = "no customer tenant id given"
	if err := c.Verify(ctx, ""); !errors.Is(err, connectors.ErrBadRequest) || !strings.Contains(err.Error(), says) {
		t.Errorf("Verify(\"\") = %v, want bad request saying %q", err, says)
	}
	if _, err := c.Licences(ctx, " "); !errors.Is(err, connectors.ErrBadRequest) || !strings.Contains(err.Error(), says) {
		t.Errorf("Licences(\" \") = %v, want bad request saying %q", err, says)
	}
	if err := c.ConsentPartner(ctx, ""); !errors.Is(err, connectors.ErrBadRequest) || !strings.Contains(err.Error(), says) {
		t.Errorf("ConsentPartner(\"\") = %v, want bad request saying %q", err, says)
	}
}

// TestLicencesInOneBatch: a small tenant's SKUs, subscriptions and users
// cost one Graph round trip; an item Graph throttles inside the batch is
// sent again alone, and an item that keeps failing names its listing.
func TestLicencesInOneBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inject    func(ms *msfake.Server)
		wantCalls int64
		wantKind  connectors.Kind
		wantOp    string
	}{
		{name: "one round trip", inject: func(*msfake.Server) {}, wantCalls: 1},
		{name: "throttled item sent again", inject: func(ms *msfake.Server) {
			ms.FailNext("GET", "/graph/v1.0/users", 429, "", 1)
		}, wantCalls: 2},
		{name: "item failing every time", inject: func(ms *msfake.Server) {
			ms.FailNext("GET", "/graph/v1.0/subscribedSkus", 503, "", 100)
		}, wantCalls: 4, wantKind: connectors.ErrUnavailable, wantOp: "subscribed SKUs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, msfake.Options{})
			c := f.client(t)
			signIn(t, c)
			consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
				return usable && hasReadRole(roles) && c.Consent != nil && len(c.Users) < 100
			})
			tt.inject(f.ms)
			before := f.ms.Calls()
			snap, err := c.Licences(testCtx(t), consented)
			if n := f.ms.Calls() - before; n != tt.wantCalls {
				t.Errorf("%d Graph calls, want %d", n, tt.wantCalls)
			}
			if tt.wantKind != connectors.KindUnknown {
				var ce *connectors.Error
				if !errors.As(err, &ce) || ce.Kind != tt.wantKind || ce.Op != tt.wantOp || ce.Status != 503 {
					t.Fatalf("Licences: %v, want %v for %q with status 503", err, tt.wantKind, tt.wantOp)
				}
				return
			}
			if err != nil || len(snap.Skus) == 0 || len(snap.Users) == 0 {
				t.Fatalf("Licences: %d SKUs, %d users, %v", len(snap.Skus), len(snap.Users), err)
			}
		})
	}
}

// TestGDAPAssignmentFaultCostsOneRelationship: a relationship whose access
// assignments answer 404 (ended a moment ago) or keep failing is marked
// with the reason; the call itself succeeds with every other relationship.
// A batch whose answer is cut short every time marks its relationships,
// and still fails nothing else.
func TestGDAPAssignmentFaultCostsOneRelationship(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		inject func(f *fake, rel string)
		all    bool // every active relationship is marked
	}{
		{name: "404 for one", inject: func(f *fake, rel string) {
			f.ms.FailNext(http.MethodGet, "/graph/v1.0/tenantRelationships/delegatedAdminRelationships/"+rel+"/accessAssignments", http.StatusNotFound, "", 1)
		}},
		{name: "503 for one every time", inject: func(f *fake, rel string) {
			f.ms.FailNext(http.MethodGet, "/graph/v1.0/tenantRelationships/delegatedAdminRelationships/"+rel+"/accessAssignments", http.StatusServiceUnavailable, "", 100)
		}},
		{name: "batch truncated every time", all: true, inject: func(f *fake, _ string) {
			f.ms.FailNextFault(http.MethodPost, "/graph/v1.0/$batch", msfake.FaultTruncated, 100)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, msfake.Options{})
			c := f.client(t)
			signIn(t, c)
			var target string
			for _, cu := range f.world.Customers {
				for _, r := range cu.GDAP {
					if target == "" && r.Status == connectors.RelActive {
						target = r.ID
					}
				}
			}
			tc.inject(f, target)
			rels, _, err := c.GDAPRelationships(testCtx(t))
			if err != nil {
				t.Fatalf("GDAPRelationships: %v; one relationship's assignments must not fail the call", err)
			}
			for _, r := range rels {
				active := r.Status == connectors.RelActive || r.Status == connectors.RelExpiring
				marked := r.AssignmentsError != ""
				want := r.ID == target || (tc.all && active)
				if marked != want {
					t.Errorf("relationship %s: assignments error %q, want marked=%t", r.ID, r.AssignmentsError, want)
				}
				if marked && !strings.Contains(r.AssignmentsError, "Graph answered") {
					t.Errorf("relationship %s: reason %q does not name what answered", r.ID, r.AssignmentsError)
				}
			}
		})
	}
}

// TestCallsInFlightReuseConnections: with many calls in flight, finished
// connections are kept for the next calls instead of closed (net/http keeps
// two per host by default), so a sync does not TLS-handshake per call.
func TestCallsInFlightReuseConnections(t *testing.T) {
	t.Parallel()
	ms := msfake.New(msfake.SmallWorld(), msfake.Options{Latency: 5 * time.Millisecond})
	srv := httptest.NewUnstartedServer(ms)
	var opened atomic.Int64
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	w := ms.World()
	ep := msfake.EndpointsFor(srv.URL)
	c, err := microsoft.New(microsoft.Config{ClientID: w.ClientID, AuthorityHost: ep.AuthorityHost, GraphURL: ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL, GDAP: true, HTTPClient: srv.Client(), Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	signIn(t, c)
	var tenant string
	for _, cu := range w.Customers {
		if cu.Consent != nil {
			tenant = cu.TenantID
		}
	}
	round := func() {
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := c.Verify(testCtx(t), tenant); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	round()
	before := opened.Load()
	for range 3 {
		round()
	}
	if n := opened.Load() - before; n > 2 {
		t.Fatalf("%d new connections for 48 more calls, 8 in flight: idle connections are not kept", n)
	}
}

// countingCache counts MSAL's reads of the token cache.
type countingCache struct {
	*microsoft.TokenCache
	replaces atomic.Int64
}

func (c *countingCache) Replace(ctx context.Context, u cache.Unmarshaler, h cache.ReplaceHints) error {
	c.replaces.Add(1)
	return c.TokenCache.Replace(ctx, u, h)
}

// TestTenantTokenAskedOfMSALOncePerProcess: once a tenant's token was
// issued, further calls for it (and the account lookup) do not go back to
// MSAL, whose every lookup scans a cache holding an entry per tenant.
func TestTenantTokenAskedOfMSALOncePerProcess(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	cc := &countingCache{TokenCache: microsoft.NewTokenCache(newMemSecrets())}
	c := f.client(t, func(cfg *microsoft.Config) { cfg.Cache = cc })
	signIn(t, c)
	consented := tenantWhere(t, f, func(c msfake.Customer, roles map[string]bool, usable bool) bool {
		return usable && hasReadRole(roles) && c.Consent != nil
	})
	if err := c.Verify(testCtx(t), consented); err != nil {
		t.Fatal(err)
	}
	before := cc.replaces.Load()
	for range 5 {
		if err := c.Verify(testCtx(t), consented); err != nil {
			t.Fatal(err)
		}
	}
	if n := cc.replaces.Load() - before; n != 0 {
		t.Fatalf("MSAL read its cache %d times for a token already issued", n)
	}
}
