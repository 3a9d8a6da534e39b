package partnercenter

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// customer is one listed customer: its account and its relationship.
type customer struct {
	account      connectors.DistributorAccount
	relationship string // relationshipToPartner: reseller, advisor, none...
}

// customers lists every customer of the partner, all pages, in Partner
// Center's order, without duplicates. A customer without an id cannot be
// referred to, so it fails the read as a bad response.
func (c *Client) customers(ctx context.Context) ([]customer, error) {
	const op = "list customers"
	rows, err := walk[wireCustomer](ctx, c, "/v1/customers?size="+strconv.Itoa(CustomersPageSize), op)
	if err != nil {
		return nil, explainForbidden(err)
	}
	out := make([]customer, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for i, w := range rows {
		a := accountFrom(w)
		if a.ID == "" {
			return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
				Message: fmt.Sprintf("customer %d of the list has no id", i)}
		}
		if seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		out = append(out, customer{account: a, relationship: strings.TrimSpace(w.RelationshipToPartner)})
	}
	return out, nil
}

// Accounts lists every customer of the partner in Partner Center, all
// pages. Each carries its tenant id (the customer id) and its default
// domain.
func (c *Client) Accounts(ctx context.Context) ([]connectors.DistributorAccount, error) {
	cs, err := c.customers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]connectors.DistributorAccount, len(cs))
	for i, cu := range cs {
		out[i] = cu.account
	}
	return out, nil
}

// Subscriptions lists the subscriptions of every customer, in customer
// order and Partner Center's order within one: deleted, suspended, trial
// and other publishers' ones too (marked). Customers are read at most
// Concurrency at a time.
//
// What an MSP billed directly by Microsoft expects of a customer Partner
// Center has nothing on:
//
//   - 404 (the customer left between the two reads, or has no subscription
//     resource): no subscriptions; the customer stays in Accounts.
//   - 403 for a customer the partner does not resell to
//     (relationshipToPartner other than "reseller": a GDAP-only or advisor
//     customer, which another partner or the customer itself pays for):
//     no subscriptions either; Microsoft bills the MSP nothing there.
//   - 403 for a reseller customer fails the read (ErrForbidden): the
//     signed-in user lacks a Partner Center role, and skipping would hide
//     seats Microsoft does bill.
//
// Each skip is logged (Config.Logger). Any other failure of one customer
// fails the whole read, since a partial list would look like seats
// cancelled.
func (c *Client) Subscriptions(ctx context.Context) ([]connectors.DistributorSubscription, error) {
	cs, err := c.customers(ctx)
	if err != nil {
		return nil, err
	}
	per := make([][]connectors.DistributorSubscription, len(cs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	for i, cu := range cs {
		g.Go(func() error {
			subs, err := c.customerSubscriptions(gctx, cu)
			per[i] = subs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []connectors.DistributorSubscription
	seen := map[string]bool{}
	for _, subs := range per {
		for _, s := range subs {
			if seen[s.ID] {
				continue
			}
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// customerSubscriptions reads and maps one customer's subscriptions; a
// customer Partner Center has nothing on for this partner gives none (see
// Subscriptions).
func (c *Client) customerSubscriptions(ctx context.Context, cu customer) ([]connectors.DistributorSubscription, error) {
	id := cu.account.ID
	op := "list subscriptions of customer " + id
	rows, err := walk[wireSubscription](ctx, c, "/v1/customers/"+url.PathEscape(id)+"/subscriptions", op)
	switch kind := connectors.KindOf(err); {
	case err == nil:
	case kind == connectors.ErrNotFound:
		c.skipped(cu, "Partner Center has no subscriptions of this customer (404)")
		return nil, nil
	case kind == connectors.ErrForbidden && !strings.EqualFold(cu.relationship, "reseller"):
		c.skipped(cu, "the partner does not resell to this customer (relationship "+strconvQuote(cu.relationship)+"); Partner Center refused its subscriptions (403)")
		return nil, nil
	default:
		return nil, explainForbidden(err)
	}
	out := make([]connectors.DistributorSubscription, 0, len(rows))
	for i, w := range rows {
		if strings.TrimSpace(w.ID) == "" {
			return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
				Message: fmt.Sprintf("subscription %d has no id", i)}
		}
		out = append(out, subscriptionFrom(id, w))
	}
	return out, nil
}

// skipped logs a customer whose subscriptions were not read, and why.
func (c *Client) skipped(cu customer, why string) {
	if c.log != nil {
		c.log.Info("partner center: customer skipped", "customer", cu.account.ID, "name", cu.account.Name, "why", why)
	}
}

func strconvQuote(s string) string {
	if s == "" {
		return "none given"
	}
	return strconv.Quote(field.Clip(s))
}
