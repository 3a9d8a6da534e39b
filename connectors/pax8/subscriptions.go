package pax8

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// Subscriptions lists every subscription of every company, all pages, in
// Pax8's order: cancelled, suspended, trial and non-Microsoft ones too
// (marked). For each subscription it also reads, concurrently:
//
//   - its product, once per product per call, for the vendor (Pax8's
//     subscriptions do not say it) and the vendor's SKU;
//   - for Microsoft products whose row lacks vendorSubscriptionId or
//     vendorSkuId, the subscription's detail, which has them (Pax8 returns
//     them only there).
//
// The transport bounds how many of these calls are in flight. What was odd
// about a row (an unknown status, a fractional quantity, an unreadable
// date) is in its Warnings; only an answer seats cannot read at all fails
// the call.
func (c *Client) Subscriptions(ctx context.Context) ([]connectors.DistributorSubscription, error) {
	const op = "list subscriptions"
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	products := &productCache{c: c, entries: map[string]*productEntry{}}
	rows, rctx := errgroup.WithContext(ctx)
	// A row waits here, not at the transport: 28,000 rows each holding a
	// prepared request in a goroutine of its own were a fifth of the heap
	// of a 10,000-tenant sync. Twice the calls in flight keeps the
	// transport busy.
	rows.SetLimit(2 * c.cfg.Concurrency)
	var pages pageSlots[connectors.DistributorSubscription]
	err := c.eachPage(rctx, "/subscriptions", op, func(p int, raws []json.RawMessage) error {
		subs := make([]connectors.DistributorSubscription, len(raws))
		for i, raw := range raws {
			var w wireSubscription
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			if strings.TrimSpace(w.ID) == "" {
				return badPage(op, fmt.Sprintf("row %d of page %d has no id", i, p))
			}
			rows.Go(func() error {
				s, err := c.subscription(rctx, w, products)
				subs[i] = s
				return err
			})
		}
		pages.set(p, subs)
		return nil
	})
	if err != nil {
		cancel() // stop the detail calls of pages already read
	}
	// A failed row cancels rctx, which then fails the pages still being
	// read: report the row's error, the cause, rather than the cancellation.
	if rerr := rows.Wait(); rerr != nil && (err == nil || connectors.KindOf(err) == connectors.ErrCanceled) {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	return dedupe(pages.flatten(), func(s connectors.DistributorSubscription) string { return s.ID }), nil
}

// subscription completes one listed row with its product and, where
// needed, its detail, and maps it.
func (c *Client) subscription(ctx context.Context, w wireSubscription, products *productCache) (connectors.DistributorSubscription, error) {
	var warnings []string
	prod, found, err := products.get(ctx, strings.TrimSpace(w.ProductID))
	if err != nil {
		return connectors.DistributorSubscription{}, err
	}
	var microsoft bool
	if found {
		microsoft = isMicrosoftVendor(prod.VendorName)
	} else {
		// Without the product, the name is the only hint of the vendor.
		microsoft = strings.HasPrefix(strings.ToLower(strings.TrimSpace(w.ProductName)), "microsoft")
		warnings = append(warnings, fmt.Sprintf("Pax8 has no product %q; the vendor is guessed from the name", field.Clip(w.ProductID)))
	}
	if microsoft && (strings.TrimSpace(w.VendorSubscriptionID) == "" || strings.TrimSpace(w.VendorSkuID) == "") {
		var d wireSubscription
		err := c.get(ctx, "/subscriptions/"+url.PathEscape(w.ID), nil, "read subscription", &d)
		switch {
		case connectors.KindOf(err) == connectors.ErrNotFound:
			// Gone between the list and the detail: keep what the list said.
			warnings = append(warnings, "Pax8 no longer finds this subscription's detail; its Microsoft ids are unknown")
		case err != nil:
			return connectors.DistributorSubscription{}, err
		default:
			if strings.TrimSpace(w.VendorSubscriptionID) == "" {
				w.VendorSubscriptionID = d.VendorSubscriptionID
			}
			if strings.TrimSpace(w.VendorSkuID) == "" {
				w.VendorSkuID = d.VendorSkuID
			}
		}
	}
	s := subscriptionFrom(w, prod, microsoft)
	s.Warnings = append(warnings, s.Warnings...)
	if len(s.Warnings) == 0 {
		s.Warnings = nil
	}
	return s, nil
}

// subscriptionFrom maps a subscription row, its product (zero when
// unknown) and whether the product is Microsoft's.
func subscriptionFrom(w wireSubscription, prod wireProduct, microsoft bool) connectors.DistributorSubscription {
	var warnings []string
	warn := func(s string) {
		if s != "" {
			warnings = append(warnings, field.OneLine(s, field.MaxWarningRunes))
		}
	}
	name := strings.TrimSpace(w.ProductName)
	if name == "" {
		name = strings.TrimSpace(prod.Name)
	}
	s := connectors.DistributorSubscription{
		ID:        strings.TrimSpace(w.ID),
		AccountID: strings.TrimSpace(w.CompanyID),
		Product: connectors.DistributorProduct{
			ID:        strings.TrimSpace(w.ProductID),
			Name:      name,
			VendorSKU: strings.TrimSpace(prod.VendorSKU),
			Vendor:    strings.TrimSpace(prod.VendorName),
		},
		RawStatus: strings.TrimSpace(w.Status),
		Microsoft: microsoft,
	}
	if microsoft {
		// A non-Microsoft vendor's subscription id would never match a
		// Graph commerceSubscriptionId; only Microsoft's are bridged.
		s.MicrosoftSubscriptionID = guidOrVerbatim(w.VendorSubscriptionID)
		var msg string
		s.SkuID, msg = skuIDFrom(w.VendorSkuID)
		warn(msg)
	}
	var msg string
	s.Quantity, msg = parseQuantity(w.Quantity)
	s.QuantityDoubtful = msg != ""
	warn(msg)
	s.Status, msg = mapStatus(w.Status)
	warn(msg)
	s.Term, msg = mapTerm(w.CommitmentTerm)
	warn(msg)
	s.BillingFrequency, msg = mapBilling(w.BillingTerm)
	warn(msg)
	// price is the MSP's price to the customer, partnerCost what Pax8
	// bills the MSP, both per unit for the billing period.
	s.UnitPrice, msg = parsePrice("price", w.Price, w.CurrencyCode)
	warn(msg)
	s.UnitCost, msg = parsePrice("partnerCost", w.PartnerCost, w.CurrencyCode)
	warn(msg)
	s.StartDate = readDate("startDate", w.StartDate, warn)
	s.EndDate = readDate("endDate", w.EndDate, warn)
	if w.CommitmentTerm != nil {
		s.CommitmentEnd = readDate("commitmentTerm.endDate", w.CommitmentTerm.EndDate, warn)
	}
	s.Warnings = warnings
	return s
}

// readDate parses an optional date, warning when it is present but
// unreadable (the zero time then stands for "not known").
func readDate(field, v string, warn func(string)) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		warn(fmt.Sprintf("%s: %v", field, err))
	}
	return t
}

// productCache reads each product once per listing, however many
// subscriptions share it, and lets concurrent readers wait for the one
// request in flight.
type productCache struct {
	c       *Client
	mu      sync.Mutex
	entries map[string]*productEntry
}

type productEntry struct {
	done  chan struct{}
	prod  wireProduct
	found bool
	err   error
}

// get returns the product with id; found is false when Pax8 has no such
// product (404) or id is empty.
func (pc *productCache) get(ctx context.Context, id string) (wireProduct, bool, error) {
	if id == "" {
		return wireProduct{}, false, nil
	}
	pc.mu.Lock()
	e, ok := pc.entries[id]
	if !ok {
		e = &productEntry{done: make(chan struct{})}
		pc.entries[id] = e
	}
	pc.mu.Unlock()
	if !ok {
		err := pc.c.get(ctx, "/products/"+url.PathEscape(id), nil, "read product", &e.prod)
		switch {
		case connectors.KindOf(err) == connectors.ErrNotFound:
		case err != nil:
			e.err = err
		default:
			e.found = true
		}
		close(e.done)
	}
	select {
	case <-e.done:
		return e.prod, e.found, e.err
	case <-ctx.Done():
		return wireProduct{}, false, &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: "read product", Err: ctx.Err()}
	}
}

// pageSlots collects results by page number from concurrent pages.
type pageSlots[T any] struct {
	mu    sync.Mutex
	pages map[int][]T
}

func (s *pageSlots[T]) set(p int, rows []T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pages == nil {
		s.pages = map[int][]T{}
	}
	s.pages[p] = rows
}

// flatten returns every row in page order.
func (s *pageSlots[T]) flatten() []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []T
	for p := 0; len(s.pages) > 0 && p <= maxPages; p++ {
		rows, ok := s.pages[p]
		if !ok {
			continue
		}
		out = append(out, rows...)
		delete(s.pages, p)
	}
	return out
}
