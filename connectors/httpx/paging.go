package httpx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/seats-msp/seats/connectors"
)

// Paging. Both helpers follow the server's links verbatim (never rebuilding
// skip tokens), refuse a next link that leaves the scheme and host of the
// first page (the request carries our Authorization header), guard against
// loops (the same next link twice -> ErrBadResponse) and cap pages
// (Options.MaxPages, DefaultMaxPages by default -> ErrBadResponse).
//
// An error from fn stops the walk and comes back as it is, so a caller can
// stop early with its own sentinel; errors of the walk itself are
// *connectors.Error.

// odataPage is one page of an OData collection (Graph).
type odataPage struct {
	Value    json.RawMessage `json:"value"`
	NextLink string          `json:"@odata.nextLink"`
}

// ODataEach GETs url and every "@odata.nextLink", decoding each element of
// "value" into a T and calling fn in order. header (e.g. Authorization) is
// sent with every page; op names the walk in errors. A page without a
// "value" member, or an element that does not decode into a T, is
// ErrBadResponse.
func ODataEach[T any](ctx context.Context, c *Client, url string, header http.Header, op string, fn func(T) error) error {
	walk := newPageWalk(c, op, url)
	next := url
	for next != "" {
		if err := walk.visit(next, nil); err != nil {
			return err
		}
		var page odataPage
		if _, err := c.Do(ctx, Request{Method: http.MethodGet, URL: next, Header: header, Op: op}, &page); err != nil {
			return err
		}
		if err := eachElement(c, op, "value", page.Value, fn); err != nil {
			return err
		}
		if page.NextLink == "" {
			return nil
		}
		var err error
		if next, err = walk.resolve(next, page.NextLink); err != nil {
			return err
		}
	}
	return nil
}

// ODataEachFrom is ODataEach for a walk whose first page has already been
// fetched (as the answer to one request of a Graph JSON batch): page is
// that page's JSON and pageURL the absolute URL it answers, against which
// the next links are checked. The elements of page go to fn, then the walk
// goes on from page's "@odata.nextLink", if any, exactly as ODataEach does.
func ODataEachFrom[T any](ctx context.Context, c *Client, page json.RawMessage, pageURL string, header http.Header, op string, fn func(T) error) error {
	var first odataPage
	if err := json.Unmarshal(page, &first); err != nil {
		return pagingError(c, op, "the page is not an OData collection", err)
	}
	if err := eachElement(c, op, "value", first.Value, fn); err != nil {
		return err
	}
	if first.NextLink == "" {
		return nil
	}
	walk := newPageWalk(c, op, pageURL)
	if err := walk.visit(pageURL, nil); err != nil {
		return err
	}
	next, err := walk.resolve(pageURL, first.NextLink)
	if err != nil {
		return err
	}
	return ODataEach(ctx, c, next, header, op, fn)
}

// pcLink is a Partner Center link object.
type pcLink struct {
	URI     string `json:"uri"`
	Method  string `json:"method"`
	Headers []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"headers"`
}

// pcPage is one page of a Partner Center collection.
type pcPage struct {
	Items json.RawMessage `json:"items"`
	Links struct {
		Next *pcLink `json:"next"`
	} `json:"links"`
}

// PartnerCenterEach GETs firstURL and follows "links.next": {"uri":
// "/v1/customers?seekOperation=Next", "method":"GET",
// "headers":[{"key":"MS-ContinuationToken","value":"..."}]}, copying every
// listed header onto the next request (on top of header). Relative uris
// (firstURL too) are resolved against base (e.g.
// "https://api.partnercenter.microsoft.com"); a uri lacking the "/v1"
// prefix gets it (the .NET SDK does this). Each element of "items" is
// decoded into a T and passed to fn in order. The walk stops when a page
// has no links.next. A page without "items", a next link whose method is
// not GET, or a header the link asks for that cannot be sent is
// ErrBadResponse.
func PartnerCenterEach[T any](ctx context.Context, c *Client, base, firstURL string, header http.Header, op string, fn func(T) error) error {
	first := resolvePartnerCenterURI(base, firstURL)
	walk := newPageWalk(c, op, first)
	next, nextHeader := first, header
	for {
		if err := walk.visit(next, nextHeader); err != nil {
			return err
		}
		var page pcPage
		if _, err := c.Do(ctx, Request{Method: http.MethodGet, URL: next, Header: nextHeader, Op: op}, &page); err != nil {
			return err
		}
		if err := eachElement(c, op, "items", page.Items, fn); err != nil {
			return err
		}
		link := page.Links.Next
		if link == nil || strings.TrimSpace(link.URI) == "" {
			return nil
		}
		if m := strings.TrimSpace(link.Method); m != "" && !strings.EqualFold(m, http.MethodGet) {
			return walk.bad("the next-page link asks for method %q, not GET", m)
		}
		var err error
		if next, err = walk.resolve(next, resolvePartnerCenterURI(base, link.URI)); err != nil {
			return err
		}
		nextHeader = header.Clone()
		if nextHeader == nil {
			nextHeader = make(http.Header)
		}
		for _, h := range link.Headers {
			if !validHeaderName(h.Key) || !validHeaderValue(h.Value) {
				return walk.bad("the next-page link carries a header that cannot be sent")
			}
			nextHeader.Set(h.Key, h.Value)
		}
	}
}

// resolvePartnerCenterURI turns a Partner Center link uri into a URL:
// absolute uris stay as they are; relative ones get a leading "/v1" when
// they lack it and are appended to base.
func resolvePartnerCenterURI(base, uri string) string {
	uri = strings.TrimSpace(uri)
	if u, err := url.Parse(uri); err == nil && u.IsAbs() {
		return uri
	}
	if !strings.HasPrefix(uri, "/") {
		uri = "/" + uri
	}
	if uri != "/v1" && !strings.HasPrefix(uri, "/v1/") && !strings.HasPrefix(uri, "/v1?") {
		uri = "/v1" + uri
	}
	return strings.TrimRight(base, "/") + uri
}

// eachElement decodes the JSON array raw (the member called member of a
// page) element by element into T and calls fn on each.
func eachElement[T any](c *Client, op, member string, raw json.RawMessage, fn func(T) error) error {
	if len(raw) == 0 {
		return pagingError(c, op, fmt.Sprintf("page has no %q member", member), nil)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return pagingError(c, op, fmt.Sprintf("page member %q is not a list", member), err)
	}
	for i, e := range elems {
		var v T
		if err := json.Unmarshal(e, &v); err != nil {
			return pagingError(c, op, fmt.Sprintf("element %d of %q does not decode", i, member), err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// pageWalk holds the guards of one paging walk: the origin the walk must
// stay on, the links already followed, and the page count.
type pageWalk struct {
	c      *Client
	op     string
	origin string // scheme://host of the first page
	seen   map[string]struct{}
	pages  int
}

func newPageWalk(c *Client, op, first string) *pageWalk {
	w := &pageWalk{c: c, op: op, seen: make(map[string]struct{})}
	if u, err := url.Parse(first); err == nil {
		w.origin = strings.ToLower(u.Scheme + "://" + u.Host)
	}
	return w
}

// visit records that the page at u (with the link's headers h) is about to
// be fetched; it fails when that page was fetched before in this walk or
// when the walk has reached the page cap.
func (w *pageWalk) visit(u string, h http.Header) error {
	if w.pages >= w.c.maxPages {
		return w.bad("more than %d pages", w.c.maxPages)
	}
	key := u + "\n" + strings.Join(headerKey(h), "\n")
	if _, dup := w.seen[key]; dup {
		return w.bad("the server sent the same next-page link twice")
	}
	w.seen[key] = struct{}{}
	w.pages++
	return nil
}

// resolve turns a next link (absolute, or relative to the current page)
// into the URL to fetch, refusing one that leaves the walk's origin.
func (w *pageWalk) resolve(current, link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", w.bad("the next-page link is not a URL")
	}
	next := link // verbatim: re-encoding could change an opaque skip token
	if !u.IsAbs() {
		cur, err := url.Parse(current)
		if err != nil {
			return "", w.bad("the next-page link is not a URL")
		}
		u = cur.ResolveReference(u)
		next = u.String()
	}
	if strings.ToLower(u.Scheme+"://"+u.Host) != w.origin {
		return "", w.bad("the next-page link leaves %s", w.origin)
	}
	return next, nil
}

func (w *pageWalk) bad(format string, args ...any) error {
	return pagingError(w.c, w.op, fmt.Sprintf(format, args...), nil)
}

func pagingError(c *Client, op, message string, err error) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: c.service, Op: op, Message: message, Err: err}
}

// headerKey renders the headers a next link asks for, sorted, for the loop
// guard: Partner Center repeats the same uri on every page and only the
// MS-ContinuationToken header moves on.
func headerKey(h http.Header) []string {
	out := make([]string, 0, len(h))
	for k, vs := range h {
		out = append(out, k+": "+strings.Join(vs, ", "))
	}
	sort.Strings(out)
	return out
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 5.1).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r > 0x7e || r <= 0x20 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v can be sent as a header value: no
// control characters other than tab, so a link cannot smuggle a new line.
func validHeaderValue(v string) bool {
	for _, r := range v {
		if r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
