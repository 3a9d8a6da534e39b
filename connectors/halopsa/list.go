package halopsa

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
)

// page is one answer of a paged list: {"record_count":N,"<key>":[…]}.
type page struct {
	RecordCount *int
	Rows        []json.RawMessage
}

// eachPage reads every page of the list at path with Halo's paging,
// pageinate=true&page_size=&page_no= (sic), and calls fn with each page's
// number and rows, possibly from several goroutines at once.
//
// Page 1 comes first; its record_count and the rows it actually holds (a
// server may serve fewer than page_size) say how many pages there are,
// and those are read at once within Concurrency. A list that grew during
// the walk is followed page by page until a page comes back short. Pages
// are addressed by number, so a row may shift between pages: callers drop
// duplicates by id.
func (c *Client) eachPage(ctx context.Context, path, key string, query url.Values, op string, fn func(p int, rows []json.RawMessage) error) error {
	get := func(ctx context.Context, p int) (page, error) {
		q := url.Values{}
		for k, vs := range query {
			q[k] = vs
		}
		q.Set("pageinate", "true")
		q.Set("page_size", strconv.Itoa(PageSize))
		q.Set("page_no", strconv.Itoa(p))
		var raw map[string]json.RawMessage
		if err := c.get(ctx, path, q, op, &raw); err != nil {
			return page{}, err
		}
		return decodePage(op, key, p, raw)
	}
	first, err := get(ctx, 1)
	if err != nil {
		return err
	}
	if err := fn(1, first.Rows); err != nil {
		return err
	}
	served := len(first.Rows)
	if first.RecordCount == nil || served == 0 || *first.RecordCount <= served {
		return nil
	}
	total := *first.RecordCount
	last := (total + served - 1) / served
	if last > maxPages {
		return badAnswer(op, fmt.Sprintf("Halo reports %d rows in pages of %d", total, served))
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	var lastRows int
	for p := 2; p <= last; p++ {
		g.Go(func() error {
			pg, err := get(gctx, p)
			if err != nil {
				return err
			}
			if p == last {
				lastRows = len(pg.Rows)
			}
			return fn(p, pg.Rows)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// The last page full: the list may have grown while it was read.
	for p := last + 1; lastRows >= served && p <= maxPages; p++ {
		pg, err := get(ctx, p)
		if err != nil {
			return err
		}
		if err := fn(p, pg.Rows); err != nil {
			return err
		}
		lastRows = len(pg.Rows)
	}
	return nil
}

// decodePage reads a page's record_count and rows under key. A page
// without the key, or with something other than a list there, is not a
// Halo answer.
func decodePage(op, key string, p int, raw map[string]json.RawMessage) (page, error) {
	rowsRaw, ok := raw[key]
	if !ok {
		return page{}, badAnswer(op, fmt.Sprintf("page %d has no %q list", p, key))
	}
	var pg page
	if err := json.Unmarshal(rowsRaw, &pg.Rows); err != nil {
		return page{}, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("the %q of page %d is not a list", key, p), Err: err}
	}
	if rc, ok := raw["record_count"]; ok {
		var n int
		if err := json.Unmarshal(rc, &n); err != nil || n < 0 {
			return page{}, badAnswer(op, fmt.Sprintf("page %d has a record_count that is not a count", p))
		}
		pg.RecordCount = &n
	}
	return pg, nil
}

func badAnswer(op, message string) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: message}
}

func decodeRow(op string, p, i int, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("row %d of page %d does not decode", i+1, p), Err: err}
	}
	return nil
}

// lessID orders ids as numbers ("-94" before "9" before "10").
func lessID(a, b string) bool {
	na, ea := strconv.ParseInt(a, 10, 64)
	nb, eb := strconv.ParseInt(b, 10, 64)
	if ea == nil && eb == nil {
		return na < nb
	}
	return a < b
}

// Companies lists every client, inactive ones included, ordered by id.
func (c *Client) Companies(ctx context.Context) ([]connectors.PSACompany, error) {
	const op = "list clients"
	var (
		mu  sync.Mutex
		out []connectors.PSACompany
		got = map[string]bool{}
	)
	err := c.eachPage(ctx, "/Client", "clients", url.Values{"includeinactive": {"true"}}, op, func(p int, rows []json.RawMessage) error {
		for i, raw := range rows {
			var w wireClient
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			co := companyFrom(w)
			if co.ID == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
			}
			mu.Lock()
			if !got[co.ID] {
				got[co.ID] = true
				out = append(out, co)
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out, nil
}

// Catalog lists every item, inactive ones included, ordered by id.
func (c *Client) Catalog(ctx context.Context) ([]connectors.CatalogItem, error) {
	const op = "list items"
	var (
		mu  sync.Mutex
		out []connectors.CatalogItem
		got = map[string]bool{}
	)
	err := c.eachPage(ctx, "/Item", "items", url.Values{"includeinactive": {"true"}}, op, func(p int, rows []json.RawMessage) error {
		for i, raw := range rows {
			var w wireItem
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			it := c.itemFrom(w)
			if it.ID == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
			}
			mu.Lock()
			if !got[it.ID] {
				got[it.ID] = true
				out = append(out, it)
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out, nil
}

// Lines lists the lines of every recurring invoice, kept and marked
// whatever their state, ordered by invoice and line id.
func (c *Client) Lines(ctx context.Context) ([]connectors.BillingLine, error) {
	lines, _, err := c.readLines(ctx)
	return lines, err
}

// readLines reads the recurring invoices with includelines=true. Should a
// release answer the list without lines[] (the key absent, not empty),
// that invoice's lines are read with a call of its own: the reference is
// not sure the list includes them.
func (c *Client) readLines(ctx context.Context) ([]connectors.BillingLine, int, error) {
	const op = "list recurring invoices"
	now := c.now()
	var (
		mu       sync.Mutex
		lines    []connectors.BillingLine
		invoices = map[string]bool{}
	)
	work, wctx := errgroup.WithContext(ctx)
	work.SetLimit(c.cfg.Concurrency)
	add := func(h wireInvoice, lop string) error {
		got, err := c.invoiceLines(h, now, lop)
		if err != nil {
			return err
		}
		mu.Lock()
		lines = append(lines, got...)
		mu.Unlock()
		return nil
	}
	err := c.eachPage(wctx, "/RecurringInvoice", "invoices", url.Values{"includelines": {"true"}}, op, func(p int, rows []json.RawMessage) error {
		for i, raw := range rows {
			var h wireInvoice
			if err := decodeRow(op, p, i, raw, &h); err != nil {
				return err
			}
			hid := id(h.ID)
			if hid == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
			}
			mu.Lock()
			dup := invoices[hid]
			invoices[hid] = true
			mu.Unlock()
			if dup {
				continue
			}
			if h.Lines != nil {
				if err := add(h, op); err != nil {
					return err
				}
				continue
			}
			work.Go(func() error {
				full, err := c.readInvoice(wctx, hid)
				if err != nil {
					return err
				}
				return add(full, "read recurring invoice "+hid)
			})
		}
		return nil
	})
	werr := work.Wait()
	switch {
	case err == nil:
		err = werr
	case werr != nil && connectors.KindOf(err) == connectors.ErrCanceled && ctx.Err() == nil:
		err = werr
	}
	if err != nil {
		return nil, 0, err
	}
	sort.Slice(lines, func(i, j int) bool {
		if lines[i].AgreementID != lines[j].AgreementID {
			return lessID(lines[i].AgreementID, lines[j].AgreementID)
		}
		return lessID(lines[i].LineID, lines[j].LineID)
	})
	out := lines[:0]
	for i, l := range lines {
		if i > 0 && l.LineID == lines[i-1].LineID && l.AgreementID == lines[i-1].AgreementID {
			continue
		}
		out = append(out, l)
	}
	return out, len(invoices), nil
}

// invoiceLines maps the lines of one invoice.
func (c *Client) invoiceLines(h wireInvoice, now time.Time, op string) ([]connectors.BillingLine, error) {
	out := make([]connectors.BillingLine, 0, len(h.Lines))
	for i, raw := range h.Lines {
		var w wireLine
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
				Message: fmt.Sprintf("line %d of recurring invoice %s does not decode", i+1, id(h.ID)), Err: err}
		}
		l, _ := c.lineFrom(h, w, now)
		if l.LineID == "" {
			return nil, badAnswer(op, fmt.Sprintf("line %d of recurring invoice %s has no id", i+1, id(h.ID)))
		}
		out = append(out, l)
	}
	return out, nil
}

// readInvoice reads one recurring invoice with its lines.
func (c *Client) readInvoice(ctx context.Context, hid string) (wireInvoice, error) {
	op := "read recurring invoice " + hid
	var h wireInvoice
	if err := c.get(ctx, "/RecurringInvoice/"+url.PathEscape(hid), url.Values{"includelines": {"true"}}, op, &h); err != nil {
		return wireInvoice{}, err
	}
	if id(h.ID) != hid {
		return wireInvoice{}, badAnswer(op, "Halo answered with another recurring invoice")
	}
	if h.Lines == nil {
		return wireInvoice{}, badAnswer(op, "Halo answered without the invoice's lines")
	}
	return h, nil
}
