package connectwise

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
)

// eachPage reads every page of the list at path (relative to the API base)
// with query (conditions, orderBy), PageSize rows a page, and calls fn with
// each page's number and rows, possibly from several goroutines at once;
// fn's error stops the walk.
//
// Page 1 comes first. Its Link header names the next and the last page:
// when it names the last, the pages up to it are read at once (the
// transport bounds how many are in flight), so a long list costs about two
// round trips rather than one per page; otherwise rel="next" is followed
// one page at a time to the end. Either way the walk ends only at a page
// without rel="next", so a list that grew meanwhile is read to its new end.
//
// Only the page numbers are taken from the links: each URL is built on
// the configured API base, so a link naming another host (or none) can
// neither lead the credentials elsewhere nor break the walk. Pages are
// addressed by number, so a row added or removed during the walk can
// shift rows between pages: callers drop duplicates by id.
func (c *Client) eachPage(ctx context.Context, path string, query url.Values, op string, fn func(page int, rows []json.RawMessage) error) error {
	base, err := c.apiURL(ctx)
	if err != nil {
		return err
	}
	at := func(page int) string {
		q := url.Values{}
		for k, vs := range query {
			q[k] = vs
		}
		q.Set("page", strconv.Itoa(page))
		q.Set("pageSize", strconv.Itoa(PageSize))
		return base + path + "?" + q.Encode()
	}
	rows, links, err := c.page(ctx, at(1), op)
	if err != nil {
		return err
	}
	if err := fn(1, rows); err != nil {
		return err
	}
	next := links.next
	if links.last > maxPages {
		return badAnswer(op, fmt.Sprintf("the server reports %d pages", links.last))
	}
	if next == 2 && links.last > 2 {
		// Pages 2..last at once; the last one's links say whether the list
		// grew past it.
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(c.cfg.Concurrency)
		var lastLinks pageLinks
		for p := 2; p <= links.last; p++ {
			g.Go(func() error {
				rows, l, err := c.page(gctx, at(p), op)
				if err != nil {
					return err
				}
				if p == links.last {
					lastLinks = l
				}
				return fn(p, rows)
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		next = lastLinks.next
		if next != 0 && next <= links.last {
			return badAnswer(op, "the last page links back into the list")
		}
	}
	for current := 1; next != 0; {
		if next <= current || next > maxPages {
			return badAnswer(op, fmt.Sprintf("the next-page link goes from page %d to page %d", current, next))
		}
		current = next
		rows, links, err := c.page(ctx, at(current), op)
		if err != nil {
			return err
		}
		if err := fn(current, rows); err != nil {
			return err
		}
		next = links.next
	}
	return nil
}

// pageLinks are the page numbers a Link header names; 0 for none.
type pageLinks struct {
	next, last int
}

// page GETs one page: a JSON array of rows and its Link header.
func (c *Client) page(ctx context.Context, u, op string) ([]json.RawMessage, pageLinks, error) {
	var rows []json.RawMessage
	resp, err := c.getURL(ctx, u, op, &rows)
	if err != nil {
		return nil, pageLinks{}, err
	}
	var links pageLinks
	for _, l := range parseLinks(resp.Header.Values("Link")) {
		p := pageOf(l.url)
		switch {
		case p == 0:
		case l.has("next"):
			links.next = p
		case l.has("last"):
			links.last = p
		}
	}
	if links.next != 0 && links.last != 0 && links.last < links.next {
		links.last = 0 // contradictory: follow next alone
	}
	return rows, links, nil
}

// pageOf returns the page number of a link's URL, or 0.
func pageOf(raw string) int {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return 0
	}
	for k, vs := range u.Query() {
		if strings.EqualFold(k, "page") && len(vs) > 0 {
			if n, err := strconv.Atoi(vs[0]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// link is one entry of a Link header.
type link struct {
	url  string
	rels []string
}

func (l link) has(rel string) bool {
	for _, r := range l.rels {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// parseLinks reads RFC 8288 Link header values:
// `<https://…?page=2>; rel="next", <https://…?page=9>; rel="last"`. It
// never fails: what it cannot read it skips.
func parseLinks(values []string) []link {
	var out []link
	for _, v := range values {
		for len(v) > 0 {
			start := strings.IndexByte(v, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(v[start:], '>')
			if end < 0 {
				break
			}
			l := link{url: v[start+1 : start+end]}
			rest := v[start+end+1:]
			// The parameters run to the next "<" that follows a comma.
			params := rest
			if next := strings.Index(rest, "<"); next >= 0 {
				params, rest = rest[:next], rest[next:]
			} else {
				rest = ""
			}
			for _, p := range strings.Split(params, ";") {
				name, val, ok := strings.Cut(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(p), ",")), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				l.rels = append(l.rels, strings.Fields(strings.Trim(strings.TrimSpace(val), `"`))...)
			}
			out = append(out, l)
			v = rest
		}
	}
	return out
}

func badAnswer(op, message string) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: message}
}

// decodeRow decodes one row of a page, naming its place when it cannot.
func decodeRow(op string, page, i int, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("row %d of page %d does not decode", i+1, page), Err: err}
	}
	return nil
}

// lessID orders ids as numbers (shorter digit strings first), so "9" comes
// before "10".
func lessID(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
