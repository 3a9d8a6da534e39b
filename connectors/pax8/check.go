package pax8

import (
	"context"
	"errors"
	"net/http"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// Check proves the settings and the credential with three cheap calls (a
// token, one company, one subscription) and returns the counts Pax8
// reports, for the connect screen: "Pax8: 142 companies, 1,310
// subscriptions". Its errors say what to fix: a refused secret
// (ErrUnauthorized), a credential without access to the partner API
// (ErrForbidden), a wrong URL (ErrNotFound, ErrBadResponse, or a host that
// does not resolve).
func (c *Client) Check(ctx context.Context) (connectors.DistributorCheck, error) {
	res := connectors.DistributorCheck{DisplayName: "Pax8", AccountsNoun: "companies"}
	companies, err := c.page(ctx, "/companies", "count companies", 0, 1)
	if err == nil {
		err = needPage(companies, "count companies")
	}
	if err != nil {
		return res, c.explainCheck(err)
	}
	subs, err := c.page(ctx, "/subscriptions", "count subscriptions", 0, 1)
	if err == nil {
		err = needPage(subs, "count subscriptions")
	}
	if err != nil {
		return res, c.explainCheck(err)
	}
	res.Accounts = int(companies.Page.TotalElements)
	res.Subscriptions = int(subs.Page.TotalElements)
	return res, nil
}

func needPage(env pageEnvelope, op string) error {
	if env.Page == nil {
		return badPage(op, "the answer has no \"page\" block: it is not a Pax8 list")
	}
	return nil
}

// explainCheck rewrites an API error into what the engineer should fix.
// Token errors already say so (explainTokenError) and pass through.
func (c *Client) explainCheck(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Op == "sign in" {
		return err
	}
	out := *ce
	said := ""
	if ce.Message != "" {
		said = " (Pax8 said: " + ce.Message + ")"
	}
	api := httpx.Redact(c.baseURL)
	switch {
	case ce.Kind == connectors.ErrUnauthorized:
		out.Message = "Pax8 issued a token but refused it" + said + ": check distributor.pax8.token_url and that the app is a partner API app"
	case ce.Kind == connectors.ErrForbidden:
		out.Message = "this credential has no access to the partner API" + said + ": in Pax8, the developer app must be made by a Partner Admin or Primary Partner Admin"
	case ce.Kind == connectors.ErrNotFound || ce.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Pax8 API at " + api + said + ": check distributor.pax8.url (default " + DefaultBaseURL + ")"
	case ce.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + api + " is not Pax8's: check distributor.pax8.url (default " + DefaultBaseURL + ")"
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check distributor.pax8.url and the network"
		}
	}
	return &out
}
