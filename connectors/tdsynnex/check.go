package tdsynnex

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Check proves the settings and the refresh token and returns how many
// customers and subscriptions Ion lists, for the connect screen: "TD SYNNEX
// StreamOne Ion: 42 customers, 310 subscriptions". Ion's lists carry no
// totals, so it counts the pages (one exchange of the refresh token, which
// rotates it and saves the new one like any call; no cloud profiles). Its
// errors say what to fix: a refused token (ErrUnauthorized), a user without
// API access (ErrForbidden), a wrong URL or account id (ErrNotFound,
// ErrBadResponse, or a host that does not resolve).
func (c *Client) Check(ctx context.Context) (connectors.DistributorCheck, error) {
	res := connectors.DistributorCheck{DisplayName: displayName, AccountsNoun: accountsNoun}
	err := c.eachCustomerPage(ctx, "count customers", PageSize, func(_ int, rows []json.RawMessage) error {
		res.Accounts += len(rows)
		return nil
	})
	if err != nil {
		return res, c.explainCheck(err)
	}
	err = c.eachSubscriptionPage(ctx, "count subscriptions", func(_ int, rows []json.RawMessage) error {
		res.Subscriptions += len(rows)
		return nil
	})
	if err != nil {
		return res, c.explainCheck(err)
	}
	return res, nil
}

// explainCheck rewrites an API error into what the engineer should fix.
// Token and save errors already say so and pass through.
func (c *Client) explainCheck(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Op == "sign in" || ce.Op == "save refresh token" {
		return err
	}
	out := *ce
	said := ""
	if ce.Message != "" {
		said = " (TD SYNNEX said: " + ce.Message + ")"
	}
	api := httpx.Redact(c.apiURL)
	switch {
	case ce.Kind == connectors.ErrUnauthorized:
		out.Message = "TD SYNNEX issued a token but refused it" + said + ": check " + SettingURL + " and that the Ion user has API access"
	case ce.Kind == connectors.ErrForbidden:
		out.Message = "this Ion user may not read account " + c.cfg.AccountID + said + ": check " + SettingAccountID + " and the user's roles in Ion"
	case ce.Kind == connectors.ErrNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Ion account API at " + api + said + ": check " + SettingAccountID + " and " + SettingURL + " (default " + DefaultBaseURL + ")"
	case ce.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + api + " is not Ion's: check " + SettingURL + " (default " + DefaultBaseURL + ")"
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check " + SettingURL + " and the network"
		}
	}
	return &out
}
