package autotask

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/seats-msp/seats/connectors"
)

// thresholdInfo is the answer of ThresholdInformation.
type thresholdInfo struct {
	ExternalRequestThreshold *int `json:"externalRequestThreshold"`
	CurrentTimeframeCount    int  `json:"currentTimeframeRequestCount"`
}

// Check proves the settings and returns what the connect screen shows:
// "Autotask: 212 companies, 180 contracts, 640 contract services". It
// costs few calls of the shared budget: ThresholdInformation (the cheapest
// call that needs the credentials; it also proves the zone), a count of
// companies, the recurring contracts, and a count of their services per
// InBatch contracts. Its errors say what to fix: the API user, secret or
// integration code (ErrUnauthorized), the security level (ErrForbidden),
// the zone URL (ErrNotFound, or a host that does not resolve), the budget
// (ErrRateLimited).
func (c *Client) Check(ctx context.Context) (connectors.PSACheck, error) {
	res := connectors.PSACheck{DisplayName: "Autotask", AgreementsNoun: "contracts", LinesNoun: "contract services"}
	u, err := c.entityURL(ctx, "ThresholdInformation")
	if err != nil {
		return res, err
	}
	var th thresholdInfo
	if _, err := c.do(ctx, http.MethodGet, u, nil, "test the connection", &th); err != nil {
		return res, err
	}
	if th.ExternalRequestThreshold == nil {
		return res, badAnswer("test the connection", "the answer from "+c.where()+" is not Autotask's: check psa.autotask.url")
	}
	if res.Companies, err = c.count(ctx, "Companies", everything, "count companies"); err != nil {
		return res, err
	}
	var ids []string
	const op = "list contracts"
	err = c.each(ctx, "Contracts", contractFilter(c.cutoff(c.now())), op, func(p int, page []json.RawMessage) error {
		for i, raw := range page {
			var k wireContract
			if err := decodeRow(op, p, i, raw, &k); err != nil {
				return err
			}
			ids = append(ids, id(k.ID))
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Agreements = len(ids)
	for _, b := range batches(ids) {
		n, err := c.count(ctx, "ContractServices", []condition{inIDs("contractID", b)}, "count contract services")
		if err != nil {
			return res, err
		}
		res.Lines += n
	}
	return res, nil
}
