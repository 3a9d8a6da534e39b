package autotask

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// do sends one read to the API with the credential headers. A query is a
// read though it is POSTed, so it is marked idempotent and retried like a
// GET. (The adjustment, the one write, goes through postAdjustment.)
func (c *Client) do(ctx context.Context, method string, u *url.URL, body any, op string, out any) (*http.Response, error) {
	base, err := c.apiURL(ctx)
	if err != nil {
		return nil, err
	}
	if !sameHost(base, u) {
		return nil, badAnswer(op, "Autotask sent seats to another host ("+httpx.Redact(u.Host)+"): the credentials are not sent there")
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: method, URL: u.String(), Header: c.header, Body: body, Op: op, Idempotent: true}, out)
	return resp, c.explain(err)
}

// entityURL is the base joined with path parts ("Companies", "query").
func (c *Client) entityURL(ctx context.Context, parts ...string) (*url.URL, error) {
	base, err := c.apiURL(ctx)
	if err != nil {
		return nil, err
	}
	u := *base
	for _, p := range parts {
		u.Path += "/" + url.PathEscape(p)
	}
	return &u, nil
}

// each reads every page of a query on entity, calling fn with each page's
// number and rows. The first page is POSTed; the next ones are GETs of
// nextPageUrl, followed verbatim (Autotask's paging state lives in it)
// but only on the zone's own host.
func (c *Client) each(ctx context.Context, entity string, filter []condition, op string, fn func(page int, rows []json.RawMessage) error) error {
	u, err := c.entityURL(ctx, entity, "query")
	if err != nil {
		return err
	}
	var p wirePage
	if _, err := c.do(ctx, http.MethodPost, u, query{Filter: filter, MaxRecords: PageSize}, op, &p); err != nil {
		return err
	}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if len(p.Errors) > 0 {
			return answeredErrors(op, p.Errors)
		}
		if p.Items == nil {
			return badAnswer(op, fmt.Sprintf("page %d has no items", page))
		}
		if err := fn(page, *p.Items); err != nil {
			return err
		}
		if p.PageDetails == nil || p.PageDetails.NextPageURL == nil || strings.TrimSpace(*p.PageDetails.NextPageURL) == "" {
			return nil
		}
		next := strings.TrimSpace(*p.PageDetails.NextPageURL)
		if seen[next] || page >= maxPages {
			return badAnswer(op, fmt.Sprintf("the pages do not end (page %d links back or beyond %d pages)", page, maxPages))
		}
		seen[next] = true
		nu, err := url.Parse(next)
		if err != nil || !nu.IsAbs() {
			return badAnswer(op, fmt.Sprintf("page %d's nextPageUrl is not a URL", page))
		}
		p = wirePage{}
		if _, err := c.do(ctx, http.MethodGet, nu, nil, op, &p); err != nil {
			return err
		}
	}
}

// count asks {Entity}/query/count.
func (c *Client) count(ctx context.Context, entity string, filter []condition, op string) (int, error) {
	u, err := c.entityURL(ctx, entity, "query", "count")
	if err != nil {
		return 0, err
	}
	var out struct {
		QueryCount *int              `json:"queryCount"`
		Errors     []json.RawMessage `json:"errors"`
	}
	if _, err := c.do(ctx, http.MethodPost, u, query{Filter: filter, MaxRecords: PageSize}, op, &out); err != nil {
		return 0, err
	}
	if len(out.Errors) > 0 {
		return 0, answeredErrors(op, out.Errors)
	}
	if out.QueryCount == nil || *out.QueryCount < 0 {
		return 0, badAnswer(op, "the answer has no queryCount")
	}
	return *out.QueryCount, nil
}

// get reads one record by id into out; found is false for Autotask's
// {"item":null}, its answer for an id it does not have.
func (c *Client) get(ctx context.Context, entity, recordID, op string, out any) (found bool, err error) {
	u, err := c.entityURL(ctx, entity, recordID)
	if err != nil {
		return false, err
	}
	var w wireItem
	if _, err := c.do(ctx, http.MethodGet, u, nil, op, &w); err != nil {
		if connectors.KindOf(err) == connectors.ErrNotFound {
			return false, nil
		}
		return false, err
	}
	if len(w.Errors) > 0 {
		return false, answeredErrors(op, w.Errors)
	}
	raw := strings.TrimSpace(string(w.Item))
	if raw == "" || raw == "null" {
		return false, nil
	}
	if err := json.Unmarshal(w.Item, out); err != nil {
		return false, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: "Autotask answered with a record seats cannot read", Err: err}
	}
	return true, nil
}

// picklist returns the labels of a picklist field by value, read once per
// Client from entityInformation/fields (Autotask's labels differ between
// databases, so they are read rather than assumed). A database that does
// not serve the metadata (404) gives nil, and callers fall back.
func (c *Client) picklist(ctx context.Context, entity, field string) (map[string]string, error) {
	key := entity + "." + field
	c.pickMu.Lock()
	labels, ok := c.picklists[key]
	c.pickMu.Unlock()
	if ok {
		return labels, nil
	}
	u, err := c.entityURL(ctx, entity, "entityInformation", "fields")
	if err != nil {
		return nil, err
	}
	var info wireFields
	if _, err := c.do(ctx, http.MethodGet, u, nil, "read the "+entity+" picklists", &info); err != nil {
		if connectors.KindOf(err) == connectors.ErrNotFound {
			return nil, nil
		}
		return nil, err
	}
	c.pickMu.Lock()
	defer c.pickMu.Unlock()
	for _, f := range info.Fields {
		if !f.IsPickList {
			continue
		}
		m := map[string]string{}
		for _, v := range f.PicklistValues {
			m[strings.TrimSpace(string(v.Value))] = strings.TrimSpace(v.Label)
		}
		c.picklists[entity+"."+f.Name] = m
	}
	labels = c.picklists[key]
	if labels == nil {
		labels = map[string]string{} // not a picklist here: remember that too
		c.picklists[key] = labels
	}
	return labels, nil
}

// batches cuts ids into runs of at most InBatch.
func batches(ids []string) [][]string {
	var out [][]string
	for len(ids) > 0 {
		n := min(len(ids), InBatch)
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return out
}

// inIDs is an "in" condition on field over ids (sent as numbers).
func inIDs(field string, ids []string) condition {
	vs := make([]any, len(ids))
	for i, s := range ids {
		vs[i] = json.Number(s)
	}
	return condition{Op: "in", Field: field, Value: vs}
}

func badAnswer(op, message string) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: message}
}

// answeredErrors reports the errors of an answer that came back 200.
func answeredErrors(op string, errs []json.RawMessage) error {
	body, _ := json.Marshal(map[string]any{"errors": errs})
	_, msg := httpx.DecodeErrorBody(body)
	return &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op, Message: "Autotask answered with errors: " + firstNonEmpty(msg, "(no words)")}
}

// decodeRow decodes one row of a page, naming its place when it cannot.
func decodeRow(op string, page, i int, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("row %d of page %d does not decode", i+1, page), Err: err}
	}
	return nil
}

// lessID orders ids as numbers.
func lessID(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
