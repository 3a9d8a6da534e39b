package sherweb

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Check proves the settings and the credentials: a token, the customers,
// and each customer's subscription details (Sherweb has no count and no
// paging, so counting subscriptions costs one call per customer, made
// Concurrency at a time). It returns the counts for the connect screen:
// "Sherweb: 42 customers, 310 subscriptions". Its errors say what to fix:
// a refused secret or subscription key (ErrUnauthorized), a credential
// without access (ErrForbidden), a wrong URL (ErrNotFound, ErrBadResponse,
// or a host that does not resolve).
func (c *Client) Check(ctx context.Context) (connectors.DistributorCheck, error) {
	res := connectors.DistributorCheck{DisplayName: "Sherweb", AccountsNoun: "customers"}
	customers, err := c.customers(ctx, "count customers")
	if err != nil {
		return res, c.explainCheck(err)
	}
	var subs atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for _, cust := range customers {
		g.Go(func() error {
			var rows []wireSubscription
			path := "/billing/subscriptions/details"
			if c.legacyEndpoints.Load() {
				path = "/billing/subscriptions"
			}
			err := c.list(gctx, path, url.Values{"customerId": {cust.ID}}, "count subscriptions", &rows)
			if connectors.KindOf(err) == connectors.ErrNotFound && !customerNotFound(err) && !c.legacyEndpoints.Load() {
				c.legacyEndpoints.Store(true)
				err = c.list(gctx, "/billing/subscriptions", url.Values{"customerId": {cust.ID}}, "count subscriptions", &rows)
			}
			if customerNotFound(err) {
				return nil
			}
			subs.Add(int64(len(rows)))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return res, c.explainCheck(err)
	}
	res.Accounts = len(customers)
	res.Subscriptions = int(subs.Load())
	return res, nil
}

// explainCheck rewrites an API error into what the engineer should fix.
// Token and subscription-key errors already say so and pass through.
func (c *Client) explainCheck(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Op == "sign in" || ce.Message == subscriptionKeyRefused {
		return err
	}
	out := *ce
	said := ""
	if ce.Message != "" {
		said = " (Sherweb said: " + ce.Message + ")"
	}
	api := httpx.Redact(c.spURL)
	switch {
	case ce.Kind == connectors.ErrUnauthorized:
		out.Message = "Sherweb issued a token but refused it" + said + ": check " + settingTokenURL + " and the API client in Cumulus"
	case ce.Kind == connectors.ErrForbidden:
		out.Message = "this API client has no access to the Service Provider API" + said + ": check its access in Cumulus under Security > APIs"
	case ce.Kind == connectors.ErrNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Sherweb API at " + api + said + ": check " + settingURL + " (default " + DefaultBaseURL + ")"
	case ce.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + api + " is not Sherweb's: check " + settingURL + " (default " + DefaultBaseURL + ")"
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check " + settingURL + " and the network"
		}
	}
	return &out
}
