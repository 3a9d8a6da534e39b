package halopsa

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/seats-msp/seats/connectors"
)

// Check proves the settings and the credentials and returns what the
// connect screen shows: "HaloPSA: 212 companies, 180 recurring invoices,
// 640 invoice lines". Signing in proves the URL, tenant, client id and
// secret; counting clients (one row, record_count) proves the API answers;
// reading the recurring invoices as a sync does proves the application may
// read them. Its errors say what to fix.
func (c *Client) Check(ctx context.Context) (connectors.PSACheck, error) {
	res := connectors.PSACheck{DisplayName: "HaloPSA", AgreementsNoun: "recurring invoices", LinesNoun: "invoice lines"}
	if _, err := c.token.Get(ctx); err != nil {
		return res, err
	}
	var raw map[string]json.RawMessage
	q := url.Values{"pageinate": {"true"}, "page_size": {"1"}, "page_no": {"1"}, "includeinactive": {"true"}}
	if err := c.get(ctx, "/Client", q, "count clients", &raw); err != nil {
		return res, err
	}
	pg, err := decodePage("count clients", "clients", 1, raw)
	if err != nil {
		return res, err
	}
	if pg.RecordCount == nil {
		return res, badAnswer("count clients", "the answer from "+c.base+" has no record_count: check psa.halopsa.url")
	}
	res.Companies = *pg.RecordCount
	lines, invoices, err := c.readLines(ctx)
	if err != nil {
		return res, err
	}
	res.Agreements, res.Lines = invoices, len(lines)
	return res, nil
}
