package autotask

import (
	"errors"
	"net"
	"net/http"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// explain rewrites an API error into what the engineer should fix, keeping
// its kind, status and Autotask's own words (in brackets):
//
//   - 401: the API user's user name, secret or integration code was refused;
//   - 403: the API user's security level does not allow the entity;
//   - 429: the hourly request budget, shared with every integration, is spent;
//   - 404 without Autotask's error body (IIS's page): no API at this URL;
//   - a 2xx that is not Autotask's JSON: the URL is not an API;
//   - a host that does not resolve.
//
// Errors of other kinds pass through unchanged. Nothing here repeats the
// secret: it is only ever in the Secret header, which httpx redacts.
func (c *Client) explain(err error) error {
	var ce *connectors.Error
	if err == nil || !errors.As(err, &ce) || ce.Service != service {
		return err
	}
	out := *ce
	said := ""
	if w := firstNonEmpty(ce.Message, ce.Code); w != "" {
		said = " (Autotask said: " + w + ")"
	}
	switch {
	case ce.Status == http.StatusUnauthorized:
		out.Kind = connectors.ErrUnauthorized
		out.Message = "Autotask refused the API user \"" + c.cfg.UserName + "\"" + said +
			": check psa.autotask.username, the API user's secret (SEATS_PSA_AUTOTASK_SECRET, or run `seats connect psa`) and psa.autotask.integration_code; the API user must be active"
	case ce.Status == http.StatusForbidden:
		out.Message = "the API user's security level does not allow this" + said +
			": give the API user the security level API User (system), or one that can read companies, services and contracts and post contract service adjustments"
	case ce.Status == http.StatusTooManyRequests:
		out.Message = "Autotask's request budget is spent" + said +
			": the database answers 10,000 requests an hour, shared by every integration of the MSP; try again later, or see which integration uses it (Admin > API usage)"
	case ce.Status == http.StatusNotFound && ce.Code == "" && ce.Message == "" || ce.Status == http.StatusNotFound && isHTMLTitle(ce.Message):
		out.Message = "there is no Autotask API at " + c.where() + ": check psa.autotask.url (e.g. https://webservices15.autotask.net/ATServicesRest/), or leave it blank and seats looks the zone up"
	case ce.Kind == connectors.ErrBadResponse && ce.Status >= 200 && ce.Status <= 299 && ce.Message == "":
		out.Message = "the answer from " + c.where() + " is not Autotask's: check psa.autotask.url"
	case ce.Status == 0 && unreachableHost(err) != "":
		out.Message = "cannot find the host " + unreachableHost(err) + ": check psa.autotask.url and the network"
	default:
		return err
	}
	return &out
}

// isHTMLTitle reports whether a message is IIS's page title rather than
// Autotask's words.
func isHTMLTitle(m string) bool {
	return len(m) > 3 && m[:3] == "404"
}

// where names the API base for messages.
func (c *Client) where() string {
	c.baseMu.Lock()
	defer c.baseMu.Unlock()
	if c.base != nil {
		return httpx.Redact(c.base.String())
	}
	return "the zone of " + c.cfg.UserName
}

// unreachableHost returns the host name of a DNS failure in err's chain, or "".
func unreachableHost(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.Name
	}
	return ""
}
