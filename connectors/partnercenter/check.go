package partnercenter

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Check proves the sign-in and the settings by reading what a sync reads
// (every customer, then each one's subscriptions) and returns the counts,
// for the connect screen: "Microsoft (direct bill): 42 customers, 310
// subscriptions". Partner Center has no count of subscriptions across
// customers, so it costs one call per customer (Concurrency at a time), as
// much as a sync. Its errors say what to fix: sign in again
// (ErrUnauthorized, ErrSignInRequired), a Partner Center role for the user
// (ErrForbidden), the URL (ErrNotFound, ErrBadResponse, a host that does not
// resolve).
func (c *Client) Check(ctx context.Context) (connectors.DistributorCheck, error) {
	res := connectors.DistributorCheck{DisplayName: "Microsoft (direct bill)", AccountsNoun: "customers"}
	accounts, err := c.Accounts(ctx)
	if err != nil {
		return res, c.explainCheck(err)
	}
	subs, err := c.Subscriptions(ctx)
	if err != nil {
		return res, c.explainCheck(err)
	}
	res.Accounts, res.Subscriptions = len(accounts), len(subs)
	return res, nil
}

// explainCheck rewrites an error about the URL into what to fix; errors
// about the sign-in and the user's role already say so and pass through.
func (c *Client) explainCheck(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Service != service {
		return err
	}
	out := *ce
	api := httpx.Redact(c.baseURL)
	switch {
	case ce.Kind == connectors.ErrNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Partner Center API at " + api + ": check " + settingURL + " (default " + DefaultBaseURL + ")"
	case ce.Kind == connectors.ErrUnauthorized && strings.Contains(strings.ToLower(ce.Message), "audience"):
		// The token was refused as meant for another API: the URL points
		// at a service that is not Partner Center (Graph says this).
		out.Message = "the service at " + api + " refused a Partner Center token as not meant for it: check " + settingURL + " (default " + DefaultBaseURL + ")"
	case ce.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + api + " is not Partner Center's: check " + settingURL + " (default " + DefaultBaseURL + ")"
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check " + settingURL + " and the network"
		} else {
			return err
		}
	}
	return &out
}
