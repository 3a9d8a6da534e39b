package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

type sku struct {
	ID string `json:"skuId"`
}

// pagedServer serves pages keyed by "path?rawquery" (and, for Partner
// Center, "+token" when an MS-ContinuationToken header came with it); the
// handler gets the server URL so pages can link to it.
type pagedServer struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]string
	reqs  []*http.Request
}

func newPagedServer(t *testing.T, pages func(base string) map[string]string) *pagedServer {
	t.Helper()
	p := &pagedServer{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		if tok := r.Header.Get("MS-ContinuationToken"); tok != "" {
			key += "+" + tok
		}
		p.mu.Lock()
		p.reqs = append(p.reqs, r.Clone(context.Background()))
		body, ok := p.pages[key]
		p.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":{"code":"Request_ResourceNotFound","message":"no page %s"}}`, key)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(p.Close)
	p.pages = pages(p.URL)
	return p
}

func (p *pagedServer) requests() []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*http.Request(nil), p.reqs...)
}

func collect[T any](got *[]T) func(T) error {
	return func(v T) error { *got = append(*got, v); return nil }
}

func skuIDs(ss []sku) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return strings.Join(ids, ",")
}

func TestODataEach(t *testing.T) {
	t.Parallel()
	threePages := func(base string) map[string]string {
		return map[string]string{
			"/v1.0/subscribedSkus":                  `{"@odata.context":"x","value":[{"skuId":"a"},{"skuId":"b"}],"@odata.nextLink":"` + base + `/v1.0/subscribedSkus?$skiptoken=p%2B2"}`,
			"/v1.0/subscribedSkus?$skiptoken=p%2B2": `{"value":[{"skuId":"c"}],"@odata.nextLink":"/v1.0/subscribedSkus?$skiptoken=p3"}`,
			"/v1.0/subscribedSkus?$skiptoken=p3":    `{"value":[]}`,
		}
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a next link led the client to another host: %s", r.URL)
	}))
	t.Cleanup(other.Close)

	tests := []struct {
		name     string
		pages    func(base string) map[string]string
		maxPages int
		wantIDs  string
		wantKind connectors.Kind
		wantHits int
	}{
		{name: "three pages, absolute and relative links, escapes kept", pages: threePages, wantIDs: "a,b,c", wantHits: 3},
		{name: "page cap", pages: threePages, maxPages: 2, wantIDs: "a,b,c", wantKind: connectors.ErrBadResponse, wantHits: 2},
		{
			name: "loop", wantIDs: "a,b", wantKind: connectors.ErrBadResponse, wantHits: 2,
			pages: func(base string) map[string]string {
				return map[string]string{
					"/v1.0/subscribedSkus":        `{"value":[{"skuId":"a"}],"@odata.nextLink":"` + base + `/v1.0/subscribedSkus?page=2"}`,
					"/v1.0/subscribedSkus?page=2": `{"value":[{"skuId":"b"}],"@odata.nextLink":"` + base + `/v1.0/subscribedSkus"}`,
				}
			},
		},
		{
			name: "next link to another host", wantIDs: "a", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1.0/subscribedSkus": `{"value":[{"skuId":"a"}],"@odata.nextLink":"` + other.URL + `/steal"}`}
			},
		},
		{
			name: "error on a later page", wantIDs: "a", wantKind: connectors.ErrNotFound, wantHits: 2,
			pages: func(base string) map[string]string {
				return map[string]string{"/v1.0/subscribedSkus": `{"value":[{"skuId":"a"}],"@odata.nextLink":"` + base + `/v1.0/gone"}`}
			},
		},
		{
			name: "no value member", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1.0/subscribedSkus": `{"id":"not a collection"}`}
			},
		},
		{
			name: "value is not a list", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1.0/subscribedSkus": `{"value":{"skuId":"a"}}`}
			},
		},
		{
			name: "element of the wrong type", wantIDs: "a", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1.0/subscribedSkus": `{"value":[{"skuId":"a"},{"skuId":42}]}`}
			},
		},
		{
			name: "null value is an empty page", wantHits: 1,
			pages: func(string) map[string]string { return map[string]string{"/v1.0/subscribedSkus": `{"value":null}`} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newPagedServer(t, tt.pages)
			c, _ := testClient(srv.Server, Options{MaxPages: tt.maxPages})
			var got []sku
			hdr := http.Header{"Authorization": {"Bearer t"}}
			err := ODataEach(context.Background(), c, srv.URL+"/v1.0/subscribedSkus", hdr, "list SKUs", collect(&got))
			if tt.wantKind == connectors.KindUnknown && err != nil {
				t.Fatalf("ODataEach: %v", err)
			}
			if tt.wantKind != connectors.KindUnknown {
				if e := asError(t, err); e.Kind != tt.wantKind || e.Op != "list SKUs" || e.Service != "test service" {
					t.Errorf("got %v (kind %v), want %v for op %q", err, e.Kind, tt.wantKind, "list SKUs")
				}
			}
			if ids := skuIDs(got); ids != tt.wantIDs {
				t.Errorf("got ids %q, want %q", ids, tt.wantIDs)
			}
			reqs := srv.requests()
			if len(reqs) != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", len(reqs), tt.wantHits)
			}
			for _, r := range reqs {
				if r.Header.Get("Authorization") != "Bearer t" || r.Method != http.MethodGet {
					t.Errorf("page %s sent as %s with Authorization %q", r.URL, r.Method, r.Header.Get("Authorization"))
				}
			}
		})
	}
}

func TestODataEachStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	srv := newPagedServer(t, func(base string) map[string]string {
		return map[string]string{
			"/v1.0/users":     `{"value":[{"skuId":"a"},{"skuId":"b"}],"@odata.nextLink":"` + base + `/v1.0/users?p=2"}`,
			"/v1.0/users?p=2": `{"value":[{"skuId":"c"}]}`,
		}
	})
	c, _ := testClient(srv.Server, Options{})
	stop := errors.New("enough")
	var got []sku
	err := ODataEach(context.Background(), c, srv.URL+"/v1.0/users", nil, "list users", func(s sku) error {
		got = append(got, s)
		if s.ID == "a" {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("got %v, want the callback's own error, unwrapped", err)
	}
	if skuIDs(got) != "a" || len(srv.requests()) != 1 {
		t.Errorf("got %q after %d requests, want to stop at the first element", skuIDs(got), len(srv.requests()))
	}
}

type pcCustomer struct {
	ID             string `json:"id"`
	CompanyProfile struct {
		CompanyName string `json:"companyName"`
	} `json:"companyProfile"`
}

// pcPageJSON renders a Partner Center collection page whose next link (when
// token is set) carries an MS-ContinuationToken.
func pcPageJSON(ids []string, nextURI, token string) string {
	items := make([]map[string]any, len(ids))
	for i, id := range ids {
		items[i] = map[string]any{"id": id, "companyProfile": map[string]string{"companyName": "Co " + id}}
	}
	page := map[string]any{"totalCount": len(ids), "items": items, "attributes": map[string]string{"objectType": "Collection"}}
	if nextURI != "" {
		page["links"] = map[string]any{"next": map[string]any{
			"uri": nextURI, "method": "GET",
			"headers": []map[string]string{{"key": "MS-ContinuationToken", "value": token}},
		}}
	}
	b, _ := json.Marshal(page)
	return string(b)
}

func TestPartnerCenterEach(t *testing.T) {
	t.Parallel()
	threePages := func(string) map[string]string {
		return map[string]string{
			"/v1/customers?size=2":                   pcPageJSON([]string{"c1", "c2"}, "customers?seekOperation=Next", "tok-1"),
			"/v1/customers?seekOperation=Next+tok-1": pcPageJSON([]string{"c3", "c4"}, "/v1/customers?seekOperation=Next", "tok-2"),
			"/v1/customers?seekOperation=Next+tok-2": pcPageJSON([]string{"c5"}, "", ""),
		}
	}
	tests := []struct {
		name     string
		pages    func(base string) map[string]string
		first    string // relative to the server, or absolute when it has a scheme
		maxPages int
		wantIDs  string
		wantKind connectors.Kind
		wantHits int
	}{
		{name: "three pages with continuation tokens", pages: threePages, first: "/v1/customers?size=2", wantIDs: "c1,c2,c3,c4,c5", wantHits: 3},
		{name: "first url without /v1", pages: threePages, first: "customers?size=2", wantIDs: "c1,c2,c3,c4,c5", wantHits: 3},
		{name: "page cap", pages: threePages, first: "/v1/customers?size=2", maxPages: 2, wantIDs: "c1,c2,c3,c4", wantKind: connectors.ErrBadResponse, wantHits: 2},
		{
			name: "same token twice is a loop", first: "/v1/customers?size=2", wantIDs: "c1,c2", wantKind: connectors.ErrBadResponse, wantHits: 2,
			pages: func(string) map[string]string {
				return map[string]string{
					"/v1/customers?size=2":                   pcPageJSON([]string{"c1"}, "/v1/customers?seekOperation=Next", "tok-1"),
					"/v1/customers?seekOperation=Next+tok-1": pcPageJSON([]string{"c2"}, "/v1/customers?seekOperation=Next", "tok-1"),
				}
			},
		},
		{
			name: "next method is not GET", first: "/v1/customers", wantIDs: "c1", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1/customers": `{"items":[{"id":"c1"}],"links":{"next":{"uri":"/v1/customers?x","method":"POST"}}}`}
			},
		},
		{
			name: "header with a new line", first: "/v1/customers", wantIDs: "c1", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1/customers": `{"items":[{"id":"c1"}],"links":{"next":{"uri":"/v1/customers?x","headers":[{"key":"MS-ContinuationToken","value":"a\r\nX-Evil: 1"}]}}}`}
			},
		},
		{
			name: "absolute next link to another host", first: "/v1/customers", wantIDs: "c1", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1/customers": `{"items":[{"id":"c1"}],"links":{"next":{"uri":"https://elsewhere.example/v1/customers?x"}}}`}
			},
		},
		{
			name: "no items member", first: "/v1/customers", wantKind: connectors.ErrBadResponse, wantHits: 1,
			pages: func(string) map[string]string { return map[string]string{"/v1/customers": `{"totalCount":0}`} },
		},
		{
			name: "empty collection", first: "/v1/customers", wantHits: 1,
			pages: func(string) map[string]string {
				return map[string]string{"/v1/customers": `{"totalCount":0,"items":[],"links":{"self":{"uri":"/customers"}}}`}
			},
		},
		{
			name: "error status", first: "/v1/customers/missing", wantKind: connectors.ErrNotFound, wantHits: 1,
			pages: func(string) map[string]string { return map[string]string{} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newPagedServer(t, tt.pages)
			c, _ := testClient(srv.Server, Options{MaxPages: tt.maxPages})
			hdr := http.Header{"Authorization": {"Bearer pc"}, "MS-CorrelationId": {"corr-1"}}
			var got []pcCustomer
			err := PartnerCenterEach(context.Background(), c, srv.URL, tt.first, hdr, "list customers", collect(&got))
			if tt.wantKind == connectors.KindUnknown && err != nil {
				t.Fatalf("PartnerCenterEach: %v", err)
			}
			if tt.wantKind != connectors.KindUnknown {
				if e := asError(t, err); e.Kind != tt.wantKind || e.Op != "list customers" {
					t.Errorf("got %v (kind %v), want %v", err, e.Kind, tt.wantKind)
				}
			}
			ids := make([]string, len(got))
			for i, cu := range got {
				ids[i] = cu.ID
				if cu.CompanyProfile.CompanyName == "" && tt.wantHits > 1 {
					t.Errorf("customer %s decoded without its company profile", cu.ID)
				}
			}
			if strings.Join(ids, ",") != tt.wantIDs {
				t.Errorf("got ids %q, want %q", strings.Join(ids, ","), tt.wantIDs)
			}
			reqs := srv.requests()
			if len(reqs) != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", len(reqs), tt.wantHits)
			}
			for _, r := range reqs {
				if r.Header.Get("Authorization") != "Bearer pc" || r.Header.Get("MS-CorrelationId") != "corr-1" {
					t.Errorf("page %s lost the caller's headers: %v", r.URL, r.Header)
				}
				if r.Header.Get("X-Evil") != "" {
					t.Errorf("a link smuggled a header into %s", r.URL)
				}
			}
			if len(hdr) != 2 {
				t.Errorf("the caller's header was changed: %v", hdr)
			}
		})
	}
}

func TestPartnerCenterEachBaseWithPath(t *testing.T) {
	t.Parallel()
	srv := newPagedServer(t, func(string) map[string]string {
		return map[string]string{
			"/pc/v1/customers":                       pcPageJSON([]string{"c1"}, "customers?seekOperation=Next", "t1"),
			"/pc/v1/customers?seekOperation=Next+t1": pcPageJSON([]string{"c2"}, "", ""),
		}
	})
	c, _ := testClient(srv.Server, Options{})
	var got []pcCustomer
	if err := PartnerCenterEach(context.Background(), c, srv.URL+"/pc/", srv.URL+"/pc/v1/customers", nil, "list customers", collect(&got)); err != nil {
		t.Fatalf("PartnerCenterEach: %v", err)
	}
	if len(got) != 2 || got[1].ID != "c2" {
		t.Errorf("got %+v, want c1 then c2", got)
	}
}

func TestResolvePartnerCenterURI(t *testing.T) {
	t.Parallel()
	const base = "https://api.partnercenter.microsoft.com"
	tests := []struct {
		base, uri, want string
	}{
		{base, "/v1/customers?seekOperation=Next", base + "/v1/customers?seekOperation=Next"},
		{base, "customers?seekOperation=Next", base + "/v1/customers?seekOperation=Next"},
		{base, "/customers?size=40", base + "/v1/customers?size=40"},
		{base, "v1/customers", base + "/v1/customers"},
		{base, "/v1", base + "/v1"},
		{base, "/v1?x=1", base + "/v1?x=1"},
		{base, "/v10/things", base + "/v1/v10/things"},
		{base + "/", "/v1/customers", base + "/v1/customers"},
		{base, "https://api.partnercenter.microsoft.com/v1/customers?x", "https://api.partnercenter.microsoft.com/v1/customers?x"},
		{"https://127.0.0.1:8443/pc", "/customers", "https://127.0.0.1:8443/pc/v1/customers"},
	}
	for _, tt := range tests {
		if got := resolvePartnerCenterURI(tt.base, tt.uri); got != tt.want {
			t.Errorf("resolvePartnerCenterURI(%q, %q) = %q, want %q", tt.base, tt.uri, got, tt.want)
		}
	}
}

func TestPagingCanceled(t *testing.T) {
	t.Parallel()
	srv := newPagedServer(t, func(base string) map[string]string {
		return map[string]string{"/v1.0/x": `{"value":[{"skuId":"a"}],"@odata.nextLink":"` + base + `/v1.0/x?p=2"}`}
	})
	c, _ := testClient(srv.Server, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	err := ODataEach(ctx, c, srv.URL+"/v1.0/x", nil, "list", func(sku) error { cancel(); return nil })
	if !errors.Is(err, connectors.ErrCanceled) || len(srv.requests()) != 1 {
		t.Errorf("got %v after %d requests, want ErrCanceled after the first page", err, len(srv.requests()))
	}
}
