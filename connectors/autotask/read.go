package autotask

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// everything is the filter of a query that wants every record: Autotask
// refuses a query without a condition.
var everything = []condition{{Op: "gte", Field: "id", Value: 0}}

// Companies lists every company, active or not, all pages, ordered by id.
// The type comes from companyType's label in the database's picklist
// (Customer, Lead, Prospect, Dead, Cancellation, Vendor, Partner on a
// default install); when the database does not serve the picklist, from
// the default install's labels.
func (c *Client) Companies(ctx context.Context) ([]connectors.PSACompany, error) {
	const op = "list companies"
	rows, labels, err := rowsWithLabels(ctx, c, "Companies", "companyType", op, func(w wireCompany) json.Number { return w.ID })
	if err != nil {
		return nil, err
	}
	if len(labels) == 0 {
		labels = defaultCompanyTypes
	}
	out := make([]connectors.PSACompany, 0, len(rows))
	seen := map[string]bool{}
	for _, w := range rows {
		co := connectors.PSACompany{
			ID:         id(w.ID),
			Name:       strings.TrimSpace(w.CompanyName),
			Identifier: strings.TrimSpace(w.CompanyNumber),
			Domain:     field.Domain(w.WebAddress),
			Active:     w.IsActive,
			TenantIDs:  tenantIDsFrom(w.UserDefinedFields),
		}
		co.RawType = labels[strings.TrimSpace(string(w.CompanyType))]
		if co.RawType == "" && strings.TrimSpace(string(w.CompanyType)) != "" {
			co.RawType = "type " + field.Clip(string(w.CompanyType))
		}
		co.Type = companyType(co.RawType)
		if seen[co.ID] {
			continue
		}
		seen[co.ID] = true
		out = append(out, co)
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out, nil
}

// Catalog lists every service, active or not, all pages, ordered by id.
// Services are what recurring contracts bill, so every one is recurring;
// its SKU is the MSP's own code, and the manufacturer's product number (or
// else the catalogue part number) is where MSPs keep Microsoft's. Prices
// are in the configured currency.
func (c *Client) Catalog(ctx context.Context) ([]connectors.CatalogItem, error) {
	const op = "list services"
	rows, labels, err := rowsWithLabels(ctx, c, "Services", "periodType", op, func(w wireService) json.Number { return w.ID })
	if err != nil {
		return nil, err
	}
	out := make([]connectors.CatalogItem, 0, len(rows))
	seen := map[string]bool{}
	for _, w := range rows {
		it := connectors.CatalogItem{
			ID:          id(w.ID),
			Identifier:  strings.TrimSpace(w.SKU),
			Description: strings.TrimSpace(w.Name),
			VendorSKU:   firstNonEmpty(w.ManufacturerServiceProviderProductNumber, w.CatalogNumberPartNumber),
			Recurring:   true,
			Active:      w.IsActive,
		}
		it.BillingFrequency, _ = frequency(labels[strings.TrimSpace(string(w.PeriodType))])
		it.Price, _ = parseMoney("unitPrice", w.UnitPrice, c.currency)
		it.Cost, _ = parseMoney("unitCost", w.UnitCost, c.currency)
		if seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].ID, out[j].ID) })
	return out, nil
}

// Lines lists the contract services of every recurring service contract
// that is in effect or ended within KeepEndedFor, with each contract's
// state, ordered by contract and contract service id. What is read is
// kept, marked: cut to 0 units, priced at 0, starting later, fractional, on
// an inactive or ended contract.
//
// Three kinds of call, whatever the number of contracts: the contracts
// (type 7, ending after the cut-off), their services in batches of
// InBatch contract ids, and those services' units rows in batches of
// InBatch service ids (rows ending after the cut-off).
func (c *Client) Lines(ctx context.Context) ([]connectors.BillingLine, error) {
	lines, _, err := c.readLines(ctx)
	return lines, err
}

// cutoff is the earliest end (of a contract, a units row) that is read.
func (c *Client) cutoff(now time.Time) string {
	return now.Add(-c.keepFor).UTC().Truncate(24 * time.Hour).Format("2006-01-02T15:04:05Z")
}

// contractFilter asks for the recurring service contracts ending after cut.
func contractFilter(cut string) []condition {
	return []condition{{Op: "eq", Field: "contractType", Value: recurringContract}, {Op: "gte", Field: "endDate", Value: cut}}
}

// readLines reads the lines and counts the contracts they were read from.
func (c *Client) readLines(ctx context.Context) ([]connectors.BillingLine, int, error) {
	now := c.now()
	cut := c.cutoff(now)
	var (
		periods   map[string]string
		contracts = map[string]wireContract{}
		order     []string
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		periods, err = c.picklist(gctx, "Contracts", "contractPeriodType")
		return err
	})
	g.Go(func() error {
		const op = "list contracts"
		return c.each(gctx, "Contracts", contractFilter(cut), op, func(p int, page []json.RawMessage) error {
			for i, raw := range page {
				var k wireContract
				if err := decodeRow(op, p, i, raw, &k); err != nil {
					return err
				}
				kid := id(k.ID)
				if kid == "" {
					return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
				}
				if _, dup := contracts[kid]; !dup {
					order = append(order, kid)
				}
				contracts[kid] = k
			}
			return nil
		})
	})
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	services, err := c.contractServices(ctx, order)
	if err != nil {
		return nil, 0, err
	}
	serviceIDs := make([]string, 0, len(services))
	for _, s := range services {
		serviceIDs = append(serviceIDs, id(s.ID))
	}
	units, err := c.units(ctx, serviceIDs, cut)
	if err != nil {
		return nil, 0, err
	}
	lines := make([]connectors.BillingLine, 0, len(services))
	for _, s := range services {
		k, ok := contracts[id(s.ContractID)]
		if !ok {
			continue // a contract service of a contract not asked for
		}
		l, _ := c.lineFrom(k, s, units[id(s.ID)], periods, now)
		lines = append(lines, l)
	}
	sort.Slice(lines, func(i, j int) bool {
		if lines[i].AgreementID != lines[j].AgreementID {
			return lessID(lines[i].AgreementID, lines[j].AgreementID)
		}
		return lessID(lines[i].LineID, lines[j].LineID)
	})
	return lines, len(contracts), nil
}

// inBatches runs fn on each batch of ids, Concurrency at a time, and
// gathers what they return.
func inBatches[T any](ctx context.Context, c *Client, ids []string, fn func(ctx context.Context, batch []string) ([]T, error)) ([]T, error) {
	var (
		mu  sync.Mutex
		out []T
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	for _, b := range batches(ids) {
		g.Go(func() error {
			got, err := fn(gctx, b)
			if err != nil {
				return err
			}
			mu.Lock()
			out = append(out, got...)
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// contractServices reads the services of the contracts, deduplicated by id.
func (c *Client) contractServices(ctx context.Context, contractIDs []string) ([]wireContractService, error) {
	const op = "list contract services"
	all, err := inBatches(ctx, c, contractIDs, func(ctx context.Context, batch []string) ([]wireContractService, error) {
		var out []wireContractService
		err := c.each(ctx, "ContractServices", []condition{inIDs("contractID", batch)}, op, func(p int, page []json.RawMessage) error {
			for i, raw := range page {
				var s wireContractService
				if err := decodeRow(op, p, i, raw, &s); err != nil {
					return err
				}
				if id(s.ID) == "" {
					return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
				}
				out = append(out, s)
			}
			return nil
		})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := all[:0]
	for _, s := range all {
		if !seen[id(s.ID)] {
			seen[id(s.ID)] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// units reads the units rows of the contract services that end after cut,
// by contract service id.
func (c *Client) units(ctx context.Context, serviceIDs []string, cut string) (map[string][]wireUnits, error) {
	const op = "list contract service units"
	all, err := inBatches(ctx, c, serviceIDs, func(ctx context.Context, batch []string) ([]wireUnits, error) {
		var out []wireUnits
		filter := []condition{inIDs("contractServiceID", batch), {Op: "gte", Field: "endDate", Value: cut}}
		err := c.each(ctx, "ContractServiceUnits", filter, op, func(p int, page []json.RawMessage) error {
			for i, raw := range page {
				var u wireUnits
				if err := decodeRow(op, p, i, raw, &u); err != nil {
					return err
				}
				if id(u.ID) == "" {
					return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
				}
				out = append(out, u)
			}
			return nil
		})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	by := map[string][]wireUnits{}
	seen := map[string]bool{}
	for _, u := range all {
		if !seen[id(u.ID)] {
			seen[id(u.ID)] = true
			by[id(u.ContractServiceID)] = append(by[id(u.ContractServiceID)], u)
		}
	}
	return by, nil
}

// rowsWithLabels reads every row of entity, all pages, and at the same time
// the labels of its picklist field; a row without an id is a bad answer.
func rowsWithLabels[W any](ctx context.Context, c *Client, entity, field, op string, idOf func(W) json.Number) ([]W, map[string]string, error) {
	var (
		labels map[string]string
		rows   []W
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		labels, err = c.picklist(gctx, entity, field)
		return err
	})
	g.Go(func() error {
		return c.each(gctx, entity, everything, op, func(p int, page []json.RawMessage) error {
			for i, raw := range page {
				var w W
				if err := decodeRow(op, p, i, raw, &w); err != nil {
					return err
				}
				if id(idOf(w)) == "" {
					return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i+1, p))
				}
				rows = append(rows, w)
			}
			return nil
		})
	})
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	return rows, labels, nil
}
