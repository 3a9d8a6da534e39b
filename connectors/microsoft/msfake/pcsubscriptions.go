package msfake

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors/skus"
)

// Partner Center's customer subscriptions:
//
//	GET /partnercenter/v1/customers/{customer-tenant-id}/subscriptions
//
// what a direct-bill partner is billed for, per customer. The answer is the
// collection envelope of every Partner Center list. Microsoft documents no
// paging for it, so the fake answers every subscription at once unless
// Options.PageSize is set; then it pages exactly as the customer list does
// (links.next with seekOperation=Next and an MS-ContinuationToken header),
// so that a client which follows links.next is proven to.
//
// The answer follows the documentation's samples, awkward parts included:
// ids in upper case (Graph writes the same GUIDs in lower case), dates
// spelled two ways (see PartnerCenterTime), a commitmentEndDate in the year
// 9999 for a subscription without a commitment, and 403 for a customer the
// partner does not resell to.

// pcSubscriptionsAllowedGroups are the Partner Center role groups that may
// read a customer's subscriptions. A user in none of them is refused, as
// Partner Center refuses a user without a Partner Center role.
var pcSubscriptionsAllowedGroups = []string{"AdminAgents", "SalesAgents", "HelpdeskAgents"}

// pcSubscriptions answers one page of a customer's subscriptions. Call
// with the lock held, after the token was checked.
func (s *Server) pcSubscriptions(w http.ResponseWriter, r *http.Request, p principal, customerID string) {
	if !pcMayReadSubscriptions(p.user) {
		writePCError(w, r, http.StatusForbidden, "Forbidden",
			"The signed-in user has no Partner Center role that may read subscriptions (Admin agent, Sales agent or Helpdesk agent).")
		return
	}
	c := s.customerByID(customerID)
	if c == nil {
		writePCError(w, r, http.StatusNotFound, "NotFound", fmt.Sprintf("Customer %s was not found.", customerID))
		return
	}
	if rel := pcRelationship(c); !strings.EqualFold(rel, "reseller") {
		// The customer is the partner's through GDAP or advice only: there
		// is nothing the partner sells it, and Partner Center refuses
		// rather than answer an empty list (the less kind of the two
		// readings the documentation allows; a client must take both).
		writePCError(w, r, http.StatusForbidden, "Forbidden",
			fmt.Sprintf("The partner does not have a reseller relationship with customer %s.", c.TenantID))
		return
	}
	subs := s.pcSubscriptionsOf(c)
	total := len(subs)
	start, size := 0, total
	if s.opts.PageSize > 0 {
		size = s.opts.PageSize
	}
	kind := "pc-subscriptions:" + strings.ToLower(c.TenantID)
	q := r.URL.Query()
	if seek, ok := queryValue(q, "seekOperation"); ok {
		if !strings.EqualFold(seek, "Next") {
			writePCError(w, r, http.StatusBadRequest, "BadRequest",
				fmt.Sprintf("The seek operation '%s' is not supported here; use Next.", seek))
			return
		}
		var g continuationGrant
		tok := r.Header.Get("MS-ContinuationToken")
		if tok == "" || unseal(s.w.SigningKey, kind, tok, &g) != nil || g.Offset < 0 || g.Offset > total {
			writePCError(w, r, http.StatusBadRequest, "BadRequest",
				"The continuation token is missing or not valid. Send the MS-ContinuationToken header from links.next.")
			return
		}
		start = g.Offset
	}
	end := min(start+max(size, 1), total)
	items := make([]map[string]any, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, subs[i])
	}
	self := "/v1/customers/" + c.TenantID + "/subscriptions"
	links := map[string]pcLink{"self": {URI: self, Method: http.MethodGet, Headers: []pcKeyPair{}}}
	body := map[string]any{
		"totalCount": len(items),
		"items":      items,
		"attributes": pcAttributes{ObjectType: "Collection"},
	}
	if end < total {
		tok := seal(s.w.SigningKey, kind, continuationGrant{Offset: end, Size: size})
		links["next"] = pcLink{
			// Relative and without /v1, as some Partner Center links are:
			// the client must put the prefix back (the SDK does).
			URI:     strings.TrimPrefix(self, "/v1") + "?seekOperation=Next",
			Method:  http.MethodGet,
			Headers: []pcKeyPair{{Key: "MS-ContinuationToken", Value: tok}},
		}
		body["continuationToken"] = tok
	}
	body["links"] = links
	writeJSON(w, http.StatusOK, jsonType, body)
}

// pcMayReadSubscriptions reports whether the partner user holds a Partner
// Center role (nil groups mean AdminAgents, as elsewhere in the fake).
func pcMayReadSubscriptions(u PartnerUser) bool {
	if u.Groups == nil {
		return true
	}
	for _, g := range u.Groups {
		for _, ok := range pcSubscriptionsAllowedGroups {
			if strings.EqualFold(g, ok) {
				return true
			}
		}
	}
	return false
}

// pcRelationship is the customer's relationshipToPartner as the customer
// list shows it.
func pcRelationship(c *Customer) string {
	if c.Relationship == "" {
		return "reseller"
	}
	return c.Relationship
}

// PartnerCenterSubscriptions lists the subscriptions of c that Partner
// Center shows the partner whose tenant is partnerTenantID: those the
// partner sold (OwnerTenantID empty or the partner's own), in world order.
// Tests use it to know what a client must read.
func PartnerCenterSubscriptions(c Customer, partnerTenantID string) []Subscription {
	var out []Subscription
	for _, sub := range c.Subscriptions {
		if sub.OwnerTenantID == "" || strings.EqualFold(sub.OwnerTenantID, partnerTenantID) {
			out = append(out, sub)
		}
	}
	return out
}

// pcSubscriptionsOf renders the customer's Partner Center subscriptions.
// Call with the lock held.
func (s *Server) pcSubscriptionsOf(c *Customer) []map[string]any {
	subs := PartnerCenterSubscriptions(*c, s.w.Partner.TenantID)
	out := make([]map[string]any, 0, len(subs))
	for i, sub := range subs {
		out = append(out, pcSubscriptionJSON(c, sub, i))
	}
	return out
}

// farFuture is the commitmentEndDate Partner Center gives a subscription
// without a commitment (the documentation's sample says 9999-12-10).
var farFuture = time.Date(9999, 12, 10, 0, 0, 0, 0, time.UTC)

// pcSubscriptionJSON is one subscription as Partner Center writes it; i
// is its position among the customer's subscriptions (it picks the date
// spelling).
func pcSubscriptionJSON(c *Customer, sub Subscription, i int) map[string]any {
	id := strings.ToUpper(PartnerCenterSubscriptionID(sub))
	offerID := PartnerCenterOfferID(sub)
	name := sub.OfferName
	if name == "" {
		name = skus.DisplayName(sub.SkuID, sub.SkuPartNumber)
	}
	status := PartnerCenterStatus(sub)
	commitmentEnd := sub.NextLifecycleAt
	if commitmentEnd.IsZero() {
		commitmentEnd = farFuture
	}
	return map[string]any{
		"id":                 id,
		"entitlementId":      strings.ToUpper(guidFrom("entitlement", sub.ID)),
		"offerId":            offerID,
		"offerName":          name,
		"friendlyName":       name,
		"productType":        map[string]any{"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"},
		"quantity":           sub.TotalLicenses,
		"unitType":           "Licenses",
		"creationDate":       PartnerCenterTime(sub.CreatedAt, i),
		"effectiveStartDate": PartnerCenterTime(sub.CreatedAt.UTC().Truncate(24*time.Hour), i),
		"commitmentEndDate":  PartnerCenterTime(commitmentEnd, i),
		"status":             status,
		"autoRenewEnabled":   PartnerCenterAutoRenew(sub),
		"isTrial":            sub.IsTrial,
		"billingType":        "license",
		"billingCycle":       PartnerCenterBillingCycle(sub),
		"termDuration":       PartnerCenterTermDuration(sub),
		"isMicrosoftProduct": true,
		"publisherName":      "Microsoft Corporation",
		"partnerId":          "",
		"contractType":       "subscription",
		"orderId":            strings.ToUpper(guidFrom("order", sub.ID)),
		"links": map[string]any{
			"self": pcLink{URI: "/customers/" + c.TenantID + "/subscriptions/" + id, Method: http.MethodGet, Headers: []pcKeyPair{}},
		},
		"attributes": map[string]string{"etag": etag(sub.ID, strconv.Itoa(sub.TotalLicenses), status), "objectType": "Subscription"},
	}
}

// PartnerCenterSubscriptionID is the id Partner Center gives sub: its
// commerce subscription id (Graph's commerceSubscriptionId), which is what
// Microsoft's documents suggest but do not confirm; the fake writes it in
// upper case, as the documentation's samples do.
func PartnerCenterSubscriptionID(sub Subscription) string {
	if sub.CommerceSubscriptionID != "" {
		return sub.CommerceSubscriptionID
	}
	return sub.ID
}

// PartnerCenterOfferID is sub's offerId: OfferID, else an NCE-shaped
// product:sku id derived from the SKU id (CFQ7TTC0 and four characters).
func PartnerCenterOfferID(sub Subscription) string {
	if sub.OfferID != "" {
		return sub.OfferID
	}
	const alphabet = "0123456789BCDFGHJKLMNPQRSTVWXZ"
	sum := sha256.Sum256([]byte(strings.ToLower(sub.SkuID)))
	var b strings.Builder
	b.WriteString("CFQ7TTC0")
	for _, x := range sum[:4] {
		b.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	b.WriteString(":0001")
	return b.String()
}

// PartnerCenterStatus is sub's status as Partner Center spells it:
// PCStatus, else derived from Graph's status (Enabled active, Warning
// expired: the grace period after a term ended unrenewed, Suspended
// suspended, LockedOut disabled, Deleted deleted; anything else active).
func PartnerCenterStatus(sub Subscription) string {
	if sub.PCStatus != "" {
		return sub.PCStatus
	}
	switch strings.ToLower(sub.Status) {
	case "warning", "expired":
		return "expired"
	case "suspended":
		return "suspended"
	case "lockedout":
		return "disabled"
	case "deleted":
		return "deleted"
	}
	return "active"
}

// PartnerCenterTermDuration is sub's termDuration: TermDuration, else P1Y
// when the next lifecycle date falls on a yearly anniversary of its
// creation (within a day, for leap years), else P1M (trials, monthly
// terms, no lifecycle date).
func PartnerCenterTermDuration(sub Subscription) string {
	if sub.TermDuration != "" {
		return sub.TermDuration
	}
	if sub.IsTrial || sub.NextLifecycleAt.IsZero() || !sub.NextLifecycleAt.After(sub.CreatedAt) {
		return "P1M"
	}
	for k := 1; k <= 50; k++ {
		d := sub.NextLifecycleAt.Sub(sub.CreatedAt.AddDate(k, 0, 0))
		if d < 0 {
			d = -d
		}
		if d <= 24*time.Hour {
			return "P1Y"
		}
	}
	return "P1M"
}

// PartnerCenterBillingCycle is sub's billingCycle: BillingCycle, else none
// for a trial, annual or monthly for a yearly term (by the first hex digit
// of the subscription id: NCE lets the partner choose), triennial for a
// three-year one, else monthly.
func PartnerCenterBillingCycle(sub Subscription) string {
	if sub.BillingCycle != "" {
		return sub.BillingCycle
	}
	if sub.IsTrial {
		return "none"
	}
	switch PartnerCenterTermDuration(sub) {
	case "P1Y":
		if id := PartnerCenterSubscriptionID(sub); id != "" && strings.ContainsRune("02468ace", rune(strings.ToLower(id)[0])) {
			return "annual"
		}
		return "monthly"
	case "P3Y":
		return "triennial"
	}
	return "monthly"
}

// PartnerCenterAutoRenew is sub's autoRenewEnabled: on for an active
// subscription that is not a trial.
func PartnerCenterAutoRenew(sub Subscription) bool {
	return !sub.IsTrial && PartnerCenterStatus(sub) == "active"
}

// PartnerCenterTime writes t the way Partner Center writes the dates of
// the subscription at position i of its customer's list. Its samples use
// two spellings, and the fake alternates them: even positions
// "2017-04-10T23:02:26.02Z" (fraction trimmed, Z), odd ones
// "2019-01-09T00:21:45.9263727+00:00" (seven digits, an offset).
func PartnerCenterTime(t time.Time, i int) string {
	t = t.UTC()
	if i%2 == 0 {
		return t.Format("2006-01-02T15:04:05.9999999Z07:00")
	}
	return t.Format("2006-01-02T15:04:05.0000000") + "+00:00"
}
