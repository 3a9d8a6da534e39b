package pax8

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// eachPage reads every page of the list at path, size PageSize: page 0
// first, which says how many pages there are, then all the others at once
// (the transport bounds how many are in flight), so a listing takes about
// two round trips more than its share of the concurrency rather than one
// round trip per page. fn gets each page's number and rows as they arrive,
// possibly from several goroutines at once; its error stops the walk.
//
// Pages are addressed by number, as Pax8 pages by offset: a row added or
// removed during the walk can shift rows between pages, so callers drop
// duplicates by id.
func (c *Client) eachPage(ctx context.Context, path, op string, fn func(page int, rows []json.RawMessage) error) error {
	first, err := c.page(ctx, path, op, 0, PageSize)
	if err != nil {
		return err
	}
	if first.Page == nil {
		return badPage(op, "the answer has no \"page\" block: it is not a Pax8 list")
	}
	total := first.Page.TotalPages
	if total > maxPages || total < 0 {
		return badPage(op, fmt.Sprintf("the server reports %d pages", total))
	}
	if err := fn(0, first.Content); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	for p := 1; p < int(total); p++ {
		g.Go(func() error {
			env, err := c.page(gctx, path, op, p, PageSize)
			if err != nil {
				return err
			}
			return fn(p, env.Content)
		})
	}
	return g.Wait()
}

// page GETs one page of a list.
func (c *Client) page(ctx context.Context, path, op string, number, size int) (pageEnvelope, error) {
	q := url.Values{}
	q.Set("page", strconv.Itoa(number))
	q.Set("size", strconv.Itoa(size))
	var env pageEnvelope
	err := c.get(ctx, path, q, op, &env)
	if err == nil && env.Content == nil && env.Page == nil {
		err = badPage(op, "the answer has neither \"content\" nor \"page\": it is not a Pax8 list")
	}
	return env, err
}

func badPage(op, message string) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: message}
}

// decodeRow decodes one row of a page, naming its place when it cannot.
func decodeRow(op string, page, i int, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("row %d of page %d does not decode", i, page), Err: err}
	}
	return nil
}

// Accounts lists every company of the MSP at Pax8, all pages, in Pax8's
// order, inactive ones included (marked). A company without an id cannot
// be matched or referred to, so it fails the read as a bad response.
func (c *Client) Accounts(ctx context.Context) ([]connectors.DistributorAccount, error) {
	const op = "list companies"
	var pages pageSlots[connectors.DistributorAccount]
	err := c.eachPage(ctx, "/companies", op, func(p int, rows []json.RawMessage) error {
		out := make([]connectors.DistributorAccount, 0, len(rows))
		for i, raw := range rows {
			var w wireCompany
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			if w.ID == "" {
				return badPage(op, fmt.Sprintf("row %d of page %d has no id", i, p))
			}
			out = append(out, accountFrom(w))
		}
		pages.set(p, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dedupe(pages.flatten(), func(a connectors.DistributorAccount) string { return a.ID }), nil
}

// accountFrom maps a company.
func accountFrom(w wireCompany) connectors.DistributorAccount {
	a := connectors.DistributorAccount{
		ID:     w.ID,
		Name:   w.Name,
		Domain: field.Domain(w.Website),
		Active: accountActive(w.Status),
	}
	if id := tenantIDFrom(w.ExternalID); id != "" {
		a.TenantID, a.TenantIDSource = id, "pax8 externalId"
	}
	return a
}

// dedupe keeps the first of rows with the same key, in order.
func dedupe[T any](rows []T, key func(T) string) []T {
	seen := make(map[string]bool, len(rows))
	out := rows[:0]
	for _, r := range rows {
		k := key(r)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}
