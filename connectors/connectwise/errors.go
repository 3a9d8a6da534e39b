package connectwise

import (
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// explain rewrites an API error into what the engineer should fix, keeping
// its kind, status and ConnectWise's own code and words (in brackets):
//
//   - 401: the API key pair (or company id) was refused;
//   - a refusal that names the clientId (ConnectWise answers 400 without
//     one): register one and set psa.connectwise.client_id;
//   - 403: the API member's security role lacks a permission;
//   - 404 without ConnectWise's error body (IIS's page): no API at this
//     URL, which on cloud is also how a wrong company id can show;
//   - a 2xx that is not ConnectWise's JSON: the URL is not an API;
//   - a host that does not resolve.
//
// Errors of other kinds pass through unchanged. Nothing here repeats the
// private key: it is only ever in the Authorization header, which httpx
// redacts.
func (c *Client) explain(err error) error {
	var ce *connectors.Error
	if err == nil || !errors.As(err, &ce) || ce.Service != service {
		return err
	}
	out := *ce
	said := ""
	if w := firstNonEmpty(ce.Message, ce.Code); w != "" {
		// The code stays in Error.Code (and in front of the message).
		said = " (ConnectWise said: " + w + ")"
	}
	where := c.where()
	switch {
	case mentionsClientID(ce):
		out.Kind = connectors.ErrUnauthorized
		out.Message = "ConnectWise refused the clientId" + said + ": register the integration at https://developer.connectwise.com (My Clients) and set psa.connectwise.client_id to its GUID"
	case ce.Status == http.StatusUnauthorized:
		out.Kind = connectors.ErrUnauthorized
		out.Message = "ConnectWise refused the API key pair (public and private key) for company \"" + c.cfg.CompanyID + "\"" + said +
			": check psa.connectwise.company_id, psa.connectwise.public_key and the private key of the API member (System > Members > API Members > API Keys)"
	case ce.Status == http.StatusForbidden:
		out.Message = "the API member's security role does not allow this" + said +
			": give its role Companies > Company Maintenance (inquire), Procurement > Product Catalog (inquire) and Finance > Agreements (inquire, and edit to write quantities)"
	case ce.Status == http.StatusNotFound && ce.Code == "":
		out.Message = "there is no ConnectWise API at " + where +
			": check psa.connectwise.url (with its codebase, e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0) or psa.connectwise.site; on ConnectWise cloud a wrong company id or key pair can also answer this way"
	case ce.Kind == connectors.ErrBadResponse && ce.Status >= 200 && ce.Status <= 299 && ce.Message == "":
		out.Message = "the answer from " + where + " is not ConnectWise's: check psa.connectwise.url or psa.connectwise.site"
	case ce.Status == 0 && unreachableHost(err) != "":
		out.Message = "cannot find the host " + unreachableHost(err) + ": check psa.connectwise.url or psa.connectwise.site, and the network"
	default:
		return err
	}
	return &out
}

// where names the API base for messages (redacted, though it holds no
// secret).
func (c *Client) where() string {
	c.baseMu.Lock()
	defer c.baseMu.Unlock()
	if c.base != "" {
		return httpx.Redact(c.base)
	}
	return httpx.Redact(c.cfg.Site)
}

// mentionsClientID reports whether a refusal is about the clientId header.
func mentionsClientID(ce *connectors.Error) bool {
	if ce.Status != http.StatusBadRequest && ce.Status != http.StatusUnauthorized && ce.Status != http.StatusForbidden {
		return false
	}
	return strings.Contains(strings.ToLower(ce.Code+" "+ce.Message), "clientid")
}

// unreachableHost returns the host name of a DNS failure in err's chain, or "".
func unreachableHost(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.Name
	}
	return ""
}
