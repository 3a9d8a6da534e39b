package tdsynnex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

func badAnswer(op, message string) error {
	return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Message: message}
}

// listField reads the rows under key from a list answer decoded as an
// object. Ion leaves empty lists out (an empty answer is {}), so an object
// with none of the list's fields is an empty page; an object with other
// fields only, or the rows not a list, is not an Ion list at all.
func listField(op string, env map[string]json.RawMessage, key string, known ...string) ([]json.RawMessage, error) {
	raw, ok := env[key]
	if !ok {
		for _, k := range known {
			if _, ok := env[k]; ok {
				return nil, nil
			}
		}
		if len(env) > 0 {
			return nil, badAnswer(op, fmt.Sprintf("the answer has no %q: it is not an Ion list", key))
		}
		return nil, nil
	}
	if string(raw) == "null" {
		return nil, nil
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, badAnswer(op, fmt.Sprintf("%q in the answer is not a list: it is not an Ion list", key))
	}
	return rows, nil
}

// decodeRow decodes one row of a page, naming its place when it cannot.
func decodeRow(op string, page, i int, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: fmt.Sprintf("row %d of page %d does not decode", i, page+1), Err: err}
	}
	return nil
}

// eachCustomerPage reads every page of customers, following nextPageToken
// until it is empty; fn gets each page's rows in order. A token seen twice
// is a loop on the server's side, reported rather than followed.
func (c *Client) eachCustomerPage(ctx context.Context, op string, size int, fn func(page int, rows []json.RawMessage) error) error {
	seen := map[string]bool{}
	token := ""
	for page := 0; ; page++ {
		if page >= maxPages {
			return badAnswer(op, fmt.Sprintf("more than %d pages", maxPages))
		}
		q := url.Values{}
		q.Set("pageSize", strconv.Itoa(size))
		if token != "" {
			q.Set("pageToken", token)
		}
		var env map[string]json.RawMessage
		if err := c.get(ctx, "/customers", q, op, &env); err != nil {
			return err
		}
		rows, err := listField(op, env, "customers", "nextPageToken")
		if err != nil {
			return err
		}
		if err := fn(page, rows); err != nil {
			return err
		}
		token = ""
		if raw, ok := env["nextPageToken"]; ok {
			var f flex
			if err := json.Unmarshal(raw, &f); err != nil {
				return badAnswer(op, "nextPageToken is not a token")
			}
			token = f.String()
		}
		if token == "" {
			return nil
		}
		if seen[token] {
			return badAnswer(op, "the server sent the same nextPageToken twice")
		}
		seen[token] = true
	}
}

// eachSubscriptionPage reads every page of subscriptions with
// pagination.limit and pagination.offset. The offset counts items (Ion's SDK
// adds the page size to it), and Ion gives no total: the walk advances by
// the rows actually received, so a server that answers fewer than asked
// loses none, and stops at the first empty page.
func (c *Client) eachSubscriptionPage(ctx context.Context, op string, fn func(page int, rows []json.RawMessage) error) error {
	offset := 0
	for page := 0; ; page++ {
		if page >= maxPages {
			return badAnswer(op, fmt.Sprintf("more than %d pages", maxPages))
		}
		q := url.Values{}
		q.Set("pagination.limit", strconv.Itoa(PageSize))
		q.Set("pagination.offset", strconv.Itoa(offset))
		var env map[string]json.RawMessage
		if err := c.get(ctx, "/subscriptions", q, op, &env); err != nil {
			return err
		}
		rows, err := listField(op, env, "items")
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(page, rows); err != nil {
			return err
		}
		offset += len(rows)
	}
}

// Accounts lists every customer of the reseller at Ion, all pages, in
// Ion's order, inactive ones included (marked), each with the Microsoft
// tenant id of its cloud profiles where one has it. The cloud profiles are
// read concurrently as pages arrive. A customer without an id cannot be
// matched or referred to, so it fails the read as a bad response.
func (c *Client) Accounts(ctx context.Context) ([]connectors.DistributorAccount, error) {
	const op = "list customers"
	var (
		mu  sync.Mutex
		out []connectors.DistributorAccount
	)
	g, gctx := errgroup.WithContext(ctx)
	err := c.eachCustomerPage(gctx, op, PageSize, func(p int, rows []json.RawMessage) error {
		for i, raw := range rows {
			var w wireCustomer
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			a := accountFrom(w)
			if a.ID == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no customer id in its name", i, p+1))
			}
			mu.Lock()
			k := len(out)
			out = append(out, a)
			mu.Unlock()
			g.Go(func() error {
				tenant, err := c.tenantOf(gctx, a.ID)
				if err != nil {
					return err
				}
				if tenant != "" {
					mu.Lock()
					out[k].TenantID, out[k].TenantIDSource = tenant, tenantIDSourceField
					mu.Unlock()
				}
				return nil
			})
		}
		return nil
	})
	// A failed profile read cancels gctx, which then fails the page being
	// read: report the profile's error, the cause, rather than the
	// cancellation.
	if gerr := g.Wait(); gerr != nil && (err == nil || connectors.KindOf(err) == connectors.ErrCanceled) {
		err = gerr
	}
	if err != nil {
		return nil, err
	}
	return dedupe(out, func(a connectors.DistributorAccount) string { return a.ID }), nil
}

// accountFrom maps a customer (its tenant id comes from its cloud profiles).
func accountFrom(w wireCustomer) connectors.DistributorAccount {
	name := w.CustomerOrganization.String()
	if name == "" {
		name = w.CustomerName.String() // a person's name, but the only one there is
	}
	return connectors.DistributorAccount{
		ID:     customerID(w),
		Name:   name,
		Domain: domainFromEmail(w.CustomerEmail.String()),
		Active: customerActive(w.CustomerStatus.String()),
	}
}

// tenantOf reads a customer's cloud profiles for its Microsoft tenant id:
// "" when it has none, or when Ion has no profiles for it (404). The
// answer's shape is not published: a list under "cloudProfiles",
// "profiles" or "items", or a bare list, is read.
func (c *Client) tenantOf(ctx context.Context, customerID string) (string, error) {
	const op = "read cloud profiles"
	var raw json.RawMessage
	err := c.get(ctx, "/customers/"+url.PathEscape(customerID)+"/cloudProfiles", nil, op, &raw)
	switch {
	case connectors.KindOf(err) == connectors.ErrNotFound:
		return "", nil
	case err != nil:
		return "", err
	}
	rows, err := profileRows(op, raw)
	if err != nil {
		return "", err
	}
	profiles := make([]wireCloudProfile, 0, len(rows))
	for _, r := range rows {
		var p wireCloudProfile
		if json.Unmarshal(r, &p) == nil { // an odd profile is skipped: it only offers a tenant id
			profiles = append(profiles, p)
		}
	}
	return tenantFromProfiles(profiles), nil
}

func profileRows(op string, raw json.RawMessage) ([]json.RawMessage, error) {
	trimmed := strings.TrimSpace(string(raw))
	if trimmed == "" || trimmed == "null" {
		return nil, nil
	}
	if trimmed[0] == '[' {
		var rows []json.RawMessage
		if err := json.Unmarshal(raw, &rows); err != nil {
			return nil, badAnswer(op, "the answer is not a list of cloud profiles")
		}
		return rows, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, badAnswer(op, "the answer is not a list of cloud profiles")
	}
	for _, key := range []string{"cloudProfiles", "profiles", "items"} {
		if _, ok := env[key]; ok {
			return listField(op, env, key)
		}
	}
	if len(env) > 0 {
		return nil, badAnswer(op, "the answer has no \"cloudProfiles\": it is not an Ion list")
	}
	return nil, nil
}

// Subscriptions lists every subscription of every customer, all pages, in
// Ion's order: cancelled, suspended, trial and other vendors' ones too
// (marked). What was odd about a row (an unknown status, a fractional
// quantity, an unreadable date) is in its Warnings; only an answer seats
// cannot read at all fails the call. Offsets can shift when a row is added
// during the walk, so a row seen twice is kept once.
func (c *Client) Subscriptions(ctx context.Context) ([]connectors.DistributorSubscription, error) {
	const op = "list subscriptions"
	var out []connectors.DistributorSubscription
	err := c.eachSubscriptionPage(ctx, op, func(p int, rows []json.RawMessage) error {
		for i, raw := range rows {
			var w wireSubscription
			if err := decodeRow(op, p, i, raw, &w); err != nil {
				return err
			}
			if w.ID.String() == "" {
				return badAnswer(op, fmt.Sprintf("row %d of page %d has no id", i, p+1))
			}
			out = append(out, subscriptionFrom(w))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dedupe(out, func(s connectors.DistributorSubscription) string { return s.ID }), nil
}

// subscriptionFrom maps one subscription item.
func subscriptionFrom(w wireSubscription) connectors.DistributorSubscription {
	var warnings []string
	warn := func(s string) {
		if s != "" {
			warnings = append(warnings, field.OneLine(s, field.MaxWarningRunes))
		}
	}
	info := wireProductInfo{}
	if w.CCPProductInfo != nil {
		info = *w.CCPProductInfo
	}
	name := firstOf(info.SkuDisplayName.String(), info.ProductDisplayName.String(), w.SubscriptionName.String())
	vendor, microsoft, msg := vendorOf(w, name)
	warn(msg)
	vendorSKU := firstOf(w.MfgPartNumber.String(), w.SubscriptionOfferID.String())
	if vendorSKU == "" && w.SubscriptionProductID.String() != "" {
		vendorSKU = strings.Trim(w.SubscriptionProductID.String()+":"+w.SubscriptionSkuID.String(), ":")
	}
	s := connectors.DistributorSubscription{
		ID:        w.ID.String(),
		AccountID: w.CustomerID.String(),
		Product: connectors.DistributorProduct{
			ID:        firstOf(w.CCPProductID.String(), info.ProductID.String(), w.SubscriptionProductID.String()),
			Name:      name,
			VendorSKU: vendorSKU,
			Vendor:    vendor,
		},
		RawStatus: w.SubscriptionStatus.String(),
		Microsoft: microsoft,
	}
	if microsoft {
		// Ion's subscriptionId is the provider's own id: for Microsoft the
		// commerce subscription id Graph shows (unconfirmed on a live
		// account). Another vendor's id could never match, so it is left out.
		s.MicrosoftSubscriptionID = guidOrVerbatim(w.SubscriptionID.String())
	}
	// Ion gives Partner Center's SKU id ("0002"), not Graph's skuId: SkuID
	// stays empty and matching ties the product by name.
	s.Quantity, msg = parseQuantity(w.Quantity, w.TotalLicense)
	s.QuantityDoubtful = msg != ""
	warn(msg)
	s.Status, msg = mapStatus(w.SubscriptionStatus.String(), w.IsTrial.isTrue())
	warn(msg)
	s.Term, msg = mapTerm(w.SubscriptionBillingTerm.String(), w.MfgPartNumber.String())
	warn(msg)
	s.BillingFrequency, msg = mapBilling(w.SubscriptionBillingCycle.String(), w.MfgPartNumber.String())
	warn(msg)
	s.UnitPrice, msg = parsePrice("price", w.Price, w.Currency)
	warn(msg)
	s.UnitCost, msg = parsePrice("cost", w.Cost, w.Currency)
	warn(msg)
	s.StartDate = readDate("subscriptionStartDate", w.SubscriptionStartDate.String(), warn)
	end := readDate("subscriptionEndDate", w.SubscriptionEndDate.String(), warn)
	// renewalDate is the end of the commitment; where Ion gives none, the
	// end date of a subscription that renews is read as the same.
	s.CommitmentEnd = readDate("renewalDate", w.RenewalDate.String(), warn)
	if s.CommitmentEnd.IsZero() {
		s.CommitmentEnd = end
	}
	// subscriptionEndDate of a subscription that renews is the end of its
	// current term, not an end: it is EndDate only once the subscription is
	// cancelled, ending, or set not to renew.
	if endsForGood(s.Status, w) {
		s.EndDate = end
	}
	s.Warnings = warnings
	return s
}

// endsForGood reports whether the subscription's end date is when it stops.
func endsForGood(status connectors.SubscriptionStatus, w wireSubscription) bool {
	switch status {
	case connectors.StatusCancelled, connectors.StatusPendingCancel, connectors.StatusTrial:
		return true
	}
	return w.AutoRenew.isFalse() || field.FoldEnum(w.SubscriptionRenewStatus.String()) == "disabled"
}

// readDate parses an optional date, warning when it is present but
// unreadable (the zero time then stands for "not known").
func readDate(field, v string, warn func(string)) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		warn(fmt.Sprintf("%s: %v", field, err))
	}
	return t
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// dedupe keeps the first of rows with the same key, in order.
func dedupe[T any](rows []T, key func(T) string) []T {
	seen := make(map[string]bool, len(rows))
	out := rows[:0]
	for _, r := range rows {
		k := key(r)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}
