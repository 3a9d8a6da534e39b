package microsoft

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// TenantIDForDomain finds the tenant that owns a verified domain through
// the sign-in service's OpenID configuration, which answers for any
// verified domain of any tenant without a token: its issuer is
// <authority>/<tenant id>/v2.0. Partner Center lists only each customer's
// primary domain; this finds the others.
func (c *Client) TenantIDForDomain(ctx context.Context, domain string) (string, error) {
	const op = "find the tenant of a domain"
	domain = strings.TrimSpace(domain)
	if domain == "" || strings.ContainsAny(domain, "/?#") {
		return "", &connectors.Error{Kind: connectors.ErrBadRequest, Service: serviceSignIn, Op: op, Message: "not a domain: " + domain}
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	_, err := c.signInHTTP().Do(ctx, httpx.Request{
		Method: http.MethodGet,
		URL:    c.authorityHost + "/" + url.PathEscape(domain) + "/v2.0/.well-known/openid-configuration",
		Op:     op,
	}, &doc)
	if err != nil {
		if connectors.KindOf(err) == connectors.ErrBadRequest {
			// Entra answers 400 invalid_tenant for a domain nobody verified.
			return "", &connectors.Error{Kind: connectors.ErrNotFound, Service: serviceSignIn, Op: op, Message: "no Microsoft tenant has verified " + domain, Err: err}
		}
		return "", err
	}
	id := tenantOfIssuer(doc.Issuer)
	if id == "" {
		return "", &connectors.Error{Kind: connectors.ErrBadResponse, Service: serviceSignIn, Op: op, Message: "the OpenID configuration of " + domain + " names no tenant"}
	}
	return id, nil
}

// tenantOfIssuer is the tenant segment of an issuer such as
// https://login.microsoftonline.com/<tenant id>/v2.0.
func tenantOfIssuer(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if seg == "" || strings.Contains(seg, "{") {
		return ""
	}
	return seg
}

// signInHTTP is an httpx client for the sign-in service's own pages (not
// MSAL's token calls), over the configured TLS roots and proxy.
func (c *Client) signInHTTP() *httpx.Client {
	hc := httpx.DefaultHTTPClient()
	if c.cfg.HTTPClient != nil {
		hc = c.cfg.HTTPClient
	}
	return httpx.New(httpx.Options{Service: serviceSignIn, HTTPClient: hc, Logger: c.cfg.Logger, Sleep: c.cfg.Sleep, UserAgent: "seats"})
}
