package sherweb

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// Accounts lists every customer of the MSP at Sherweb, in Sherweb's order,
// suspended ones included (inactive). Sherweb answers the whole list at
// once. A customer without an id cannot be matched or referred to, so it
// fails the read as a bad response.
func (c *Client) Accounts(ctx context.Context) ([]connectors.DistributorAccount, error) {
	customers, err := c.customers(ctx, "list customers")
	if err != nil {
		return nil, err
	}
	out := make([]connectors.DistributorAccount, 0, len(customers))
	for _, w := range customers {
		out = append(out, accountFrom(w))
	}
	return out, nil
}

// customers reads GET /customers, duplicates dropped.
func (c *Client) customers(ctx context.Context, op string) ([]wireCustomer, error) {
	var rows []wireCustomer
	if err := c.list(ctx, "/customers", nil, op, &rows); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(rows))
	out := rows[:0]
	for i, w := range rows {
		id := strings.TrimSpace(w.ID)
		if id == "" {
			return nil, bad(op, fmt.Sprintf("customer %d of the list has no id", i))
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, w)
	}
	return out, nil
}

// list GETs a Service Provider list ({"items":[...]}) into rows, which
// must point to a slice. An answer without "items" is not a Sherweb list.
func (c *Client) list(ctx context.Context, path string, query url.Values, op string, rows any) error {
	var env listEnvelope
	if err := c.get(ctx, serviceProviderAPI, path, query, op, &env); err != nil {
		return err
	}
	items := strings.TrimSpace(string(env.Items))
	if items == "" {
		return bad(op, "the answer has no \"items\": it is not a Sherweb list")
	}
	if items == "null" {
		return nil
	}
	if err := json.Unmarshal(env.Items, rows); err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: "the items of Sherweb's list could not be read", Err: err}
	}
	return nil
}

func bad(op, message string) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: message}
}

// Subscriptions lists every subscription of every customer: the customers
// first, then for each at once (the transport bounds the calls in flight)
// its subscriptions' details and their pricing information, joined on id,
// and meanwhile the Distributor API's payable charges once, for the MSP's
// costs. What was odd about a row is in its Warnings; only an answer seats
// cannot read at all fails the call. A credential that may not read the
// Distributor API leaves every cost blank, each subscription saying why.
func (c *Client) Subscriptions(ctx context.Context) ([]connectors.DistributorSubscription, error) {
	const op = "list subscriptions"
	customers, err := c.customers(ctx, op)
	if err != nil {
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	var costs *costIndex
	g.Go(func() error {
		var err error
		costs, err = c.payableCharges(gctx)
		return err
	})
	perCustomer := make([][]wireSubscription, len(customers))
	for i, cust := range customers {
		g.Go(func() error {
			rows, err := c.customerSubscriptions(gctx, cust.ID)
			perCustomer[i] = rows
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []connectors.DistributorSubscription
	seen := map[string]bool{}
	for i, cust := range customers {
		for _, w := range perCustomer[i] {
			id := strings.TrimSpace(w.ID)
			if seen[id] {
				continue
			}
			seen[id] = true
			cost, warning := costs.lookup(cust.DisplayName, w)
			out = append(out, subscriptionFrom(w, cust, cost, warning))
		}
	}
	return out, nil
}

// customerSubscriptions reads one customer's subscriptions: details and
// pricing information at once, joined on id, or the older combined list
// where the API has no split endpoints. A customer deleted since the list
// (Sherweb's CustomerNotFound) has none.
func (c *Client) customerSubscriptions(ctx context.Context, customerID string) ([]wireSubscription, error) {
	q := url.Values{"customerId": {customerID}}
	if !c.legacyEndpoints.Load() {
		var details, pricing []wireSubscription
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() error {
			return c.list(gctx, "/billing/subscriptions/details", q, "list subscriptions", &details)
		})
		g.Go(func() error {
			return c.list(gctx, "/billing/subscriptions/pricing-information", q, "read subscription pricing", &pricing)
		})
		err := g.Wait()
		switch {
		case err == nil:
			return joinPricing(details, pricing), nil
		case customerNotFound(err):
			return nil, nil
		case connectors.KindOf(err) != connectors.ErrNotFound:
			return nil, err
		}
		// The split endpoints are missing: an older API version.
		c.legacyEndpoints.Store(true)
	}
	var rows []wireSubscription
	err := c.list(ctx, "/billing/subscriptions", q, "list subscriptions", &rows)
	if customerNotFound(err) {
		return nil, nil
	}
	return rows, err
}

// customerNotFound recognises Sherweb's CustomerNotFoundProblemDetails: a
// 404 whose title or detail says the customer was not found (as opposed to
// a 404 for a path the API does not have).
func customerNotFound(err error) bool {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrNotFound {
		return false
	}
	m := strings.ToLower(ce.Code + " " + ce.Message)
	return strings.Contains(m, "customer") && (strings.Contains(m, "not found") || strings.Contains(m, "notfound"))
}

// joinPricing completes each detail row with its pricing information
// (billing cycle and fees; the commitment term if the details lack it). A
// row without pricing keeps no billing cycle, which its warning says.
func joinPricing(details, pricing []wireSubscription) []wireSubscription {
	byID := make(map[string]wireSubscription, len(pricing))
	for _, p := range pricing {
		byID[strings.ToLower(strings.TrimSpace(p.ID))] = p
	}
	for i, d := range details {
		p, ok := byID[strings.ToLower(strings.TrimSpace(d.ID))]
		if !ok {
			continue
		}
		d.BillingCycle, d.Fees = p.BillingCycle, p.Fees
		if d.CommitmentTerm == nil {
			d.CommitmentTerm = p.CommitmentTerm
		}
		details[i] = d
	}
	return details
}

// Costs.

// costIndex holds the recurring payable charges by customer display name
// and SKU; denied says why there are none at all.
type costIndex struct {
	charges map[costKey][]charge
	denied  string
}

type costKey struct{ customer, sku string }

type charge struct {
	netPrice connectors.Money
	cycle    string // billingCycleType, folded
	quantity string
	// unreadable says why netPrice could not be read (no currency, an
	// unknown one, not a number); netPrice is then unknown.
	unreadable string
}

// payableCharges reads the Distributor API's payable charges for the
// billing period of today (the client's clock). A credential the
// Distributor API refuses (401 or 403 after a new token, or a token endpoint
// that will not grant its scope) is not a failure of the sync: the costs
// are then unknown, and each subscription says why.
func (c *Client) payableCharges(ctx context.Context) (*costIndex, error) {
	const op = "read payable charges"
	q := url.Values{"date": {c.now().UTC().Format("2006-01-02")}}
	var out wirePayableCharges
	err := c.get(ctx, distributorAPI, "/billing/payable-charges", q, op, &out)
	switch k := connectors.KindOf(err); {
	case err == nil:
	case k == connectors.ErrForbidden || k == connectors.ErrUnauthorized && !isTokenCode(err, "invalid_client"):
		return &costIndex{denied: "Sherweb's Distributor API refused this credential, so the cost is unknown: give the API client access to the Distributor API in Cumulus (Security > APIs)"}, nil
	default:
		return nil, err
	}
	return indexCharges(op, out.Charges)
}

// indexCharges indexes the recurring charges with a readable net price.
func indexCharges(op string, raws []json.RawMessage) (*costIndex, error) {
	idx := &costIndex{charges: map[costKey][]charge{}}
	for i, raw := range raws {
		var w wireCharge
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
				Message: fmt.Sprintf("charge %d does not decode", i), Err: err}
		}
		if field.FoldEnum(w.ChargeType) != "recurring" {
			continue // setup fees and usage are not a seat's price
		}
		ch := charge{cycle: field.FoldEnum(w.BillingCycleType), quantity: strings.TrimSpace(string(w.Quantity))}
		m, msg := parsePrice("netPrice", w.NetPrice, w.Currency)
		switch {
		case msg == "" && m.Known():
			ch.netPrice = m
		case msg == "":
			ch.unreadable = "its payable charge gives no netPrice"
		default:
			// An unreadable cost stays unknown rather than wrong, and the
			// subscription says why.
			ch.unreadable = "its payable charge's " + msg
		}
		k := costKey{customer: foldName(tag(w.Tags, "CustomerDisplayName")), sku: strings.ToLower(strings.TrimSpace(w.SKU))}
		idx.charges[k] = append(idx.charges[k], ch)
	}
	return idx, nil
}

// tag returns the value of the named tag, or "".
func tag(tags []wireTag, name string) string {
	for _, t := range tags {
		if strings.EqualFold(strings.TrimSpace(t.Name), name) {
			return t.Value
		}
	}
	return ""
}

// foldName is a display name for joining: trimmed, inner spaces collapsed,
// lower case. Sherweb writes the same name on both sides; this forgives
// only whitespace and case.
func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// lookup returns the MSP's unit cost of subscription w of the customer
// named customer: the netPrice of the recurring payable charge of the same
// customer and SKU. Where several charges match (the SKU bought twice),
// the one of the same billing cycle and quantity decides; if they still
// disagree the cost stays unknown, with a warning. No charge at all (a
// trial, a product billed elsewhere) is an unknown cost without one.
func (idx *costIndex) lookup(customer string, w wireSubscription) (connectors.Money, string) {
	if idx == nil {
		return connectors.Money{}, ""
	}
	if idx.denied != "" {
		return connectors.Money{}, idx.denied
	}
	var cands []charge
	unreadable := ""
	for _, ch := range idx.charges[costKey{customer: foldName(customer), sku: strings.ToLower(strings.TrimSpace(w.SKU))}] {
		if ch.unreadable != "" {
			unreadable = cmp.Or(unreadable, ch.unreadable)
			continue
		}
		cands = append(cands, ch)
	}
	if len(cands) == 0 {
		if unreadable != "" {
			return connectors.Money{}, "cost unknown: " + unreadable
		}
		return connectors.Money{}, ""
	}
	if m, ok := samePrice(cands); ok {
		return m, ""
	}
	cycle := map[string]string{"monthly": "monthly", "yearly": "yearly", "none": "onetime"}[field.FoldEnum(w.BillingCycle)]
	var narrowed []charge
	for _, ch := range cands {
		if (cycle == "" || ch.cycle == cycle) && ch.quantity == strings.TrimSpace(string(w.Quantity)) {
			narrowed = append(narrowed, ch)
		}
	}
	if m, ok := samePrice(narrowed); ok {
		return m, ""
	}
	return connectors.Money{}, "several payable charges of different prices match this subscription; its cost is left blank"
}

// samePrice returns the one price all charges share.
func samePrice(chs []charge) (connectors.Money, bool) {
	if len(chs) == 0 {
		return connectors.Money{}, false
	}
	for _, ch := range chs[1:] {
		if ch.netPrice != chs[0].netPrice {
			return connectors.Money{}, false
		}
	}
	return chs[0].netPrice, true
}
