package connectwise

import (
	"context"
	"net/url"

	"github.com/seats-msp/seats/connectors"
)

// systemInfo is the answer of /system/info; only its presence matters.
type systemInfo struct {
	Version string `json:"version"`
}

// Check proves the settings and the keys and returns what the connect
// screen shows: "ConnectWise: 212 companies, 180 agreements, 640
// additions". It asks /system/info first (the cheapest call that needs the
// keys and the clientId), then counts companies, then reads the agreements
// and their additions as a sync does, so that a role without the finance
// permissions fails here rather than at the first sync. Its errors say what
// to fix: the key pair (ErrUnauthorized), the clientId, the API member's
// role (ErrForbidden), the site, URL or codebase (ErrNotFound, or a host
// that does not resolve).
func (c *Client) Check(ctx context.Context) (connectors.PSACheck, error) {
	res := connectors.PSACheck{DisplayName: "ConnectWise", AgreementsNoun: "agreements", LinesNoun: "additions"}
	var info systemInfo
	if _, err := c.get(ctx, "/system/info", nil, "test the connection", &info); err != nil {
		return res, err
	}
	if info.Version == "" {
		return res, badAnswer("test the connection", "the answer from "+c.where()+" is not ConnectWise's: check psa.connectwise.url or psa.connectwise.site")
	}
	n, err := c.countCompanies(ctx)
	if err != nil {
		return res, err
	}
	res.Companies = n
	lines, agreements, err := c.readLines(ctx)
	if err != nil {
		return res, err
	}
	res.Agreements, res.Lines = agreements, len(lines)
	return res, nil
}

// countCompanies asks /company/companies/count; an instance without it
// (404) has its companies listed and counted instead.
func (c *Client) countCompanies(ctx context.Context) (int, error) {
	var out struct {
		Count *int `json:"count"`
	}
	_, err := c.get(ctx, "/company/companies/count", url.Values{"conditions": {"deletedFlag=false"}}, "count companies", &out)
	if connectors.KindOf(err) == connectors.ErrNotFound {
		all, err := c.Companies(ctx)
		return len(all), err
	}
	if err != nil {
		return 0, err
	}
	if out.Count == nil || *out.Count < 0 {
		return 0, badAnswer("count companies", "the answer has no count")
	}
	return *out.Count, nil
}
