package microsoft

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// AdminConsentURL is the link a customer's admin opens to consent seats in
// their tenant (Option A): Entra's v2 admin consent endpoint asking for
// CustomerGraphScopes only (not /.default, which would also ask the customer
// for the partner-side permissions the app is registered with), coming back
// to RedirectURI, which the app registration must list. State is random;
// seats does not rely on the redirect (it verifies with Graph instead).
func (c *Client) AdminConsentURL(tenantID string) string {
	scopes := make([]string, len(CustomerGraphScopes))
	for i, s := range CustomerGraphScopes {
		scopes[i] = c.graphURL + "/" + s
	}
	q := url.Values{}
	q.Set("client_id", c.cfg.ClientID)
	q.Set("scope", strings.Join(scopes, " "))
	q.Set("redirect_uri", RedirectURI)
	q.Set("state", randomState())
	return c.authorityHost + "/" + url.PathEscape(tenantID) + "/v2.0/adminconsent?" + q.Encode()
}

func randomState() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Verify proves seats can read the customer tenant: a Graph token for the
// tenant is issued silently and one subscribedSkus call answers. Kinds pass
// through: ErrConsentRequired when seats is not consented there,
// ErrForbidden without GDAP access or without a read role.
func (c *Client) Verify(ctx context.Context, tenantID string) error {
	tok, err := c.tenantToken(ctx, tenantID)
	if err != nil {
		return err
	}
	_, err = c.graph.Do(ctx, httpx.Request{
		Method: http.MethodGet,
		URL:    c.graphURL + "/v1.0/subscribedSkus?$select=skuId",
		Header: bearer(tok),
		Op:     "verify access to the tenant",
	}, nil)
	return err
}

// CheckConsent is the cheap check that seats is consented in a customer
// tenant: one token attempt for the tenant, no Graph call (an issued token
// proves the application is there and the partner user reaches the tenant).
// Kinds are Verify's: ErrConsentRequired when seats is not consented,
// ErrForbidden without GDAP access.
func (c *Client) CheckConsent(ctx context.Context, tenantID string) error {
	_, err := c.tenantToken(ctx, tenantID)
	return err
}

// tenantToken is a Graph token for a customer tenant, issued silently from
// the partner user's sign-in (GDAP).
func (c *Client) tenantToken(ctx context.Context, tenantID string) (string, error) {
	if strings.TrimSpace(tenantID) == "" {
		return "", &connectors.Error{Kind: connectors.ErrBadRequest, Service: "graph", Op: "token for a customer tenant", Message: "no customer tenant id given"}
	}
	return c.token(ctx, "token for tenant "+tenantID, c.customerScopes(), tenantID)
}

// graphSku is a Graph subscribedSku.
type graphSku struct {
	SkuID            string `json:"skuId"`
	SkuPartNumber    string `json:"skuPartNumber"`
	CapabilityStatus string `json:"capabilityStatus"`
	AppliesTo        string `json:"appliesTo"`
	ConsumedUnits    int    `json:"consumedUnits"`
	PrepaidUnits     struct {
		Enabled   int `json:"enabled"`
		Suspended int `json:"suspended"`
		Warning   int `json:"warning"`
		LockedOut int `json:"lockedOut"`
	} `json:"prepaidUnits"`
	SubscriptionIDs []string `json:"subscriptionIds"`
}

// graphSubscription is a Graph companySubscription.
type graphSubscription struct {
	ID                     string     `json:"id"`
	CommerceSubscriptionID string     `json:"commerceSubscriptionId"`
	SkuID                  string     `json:"skuId"`
	SkuPartNumber          string     `json:"skuPartNumber"`
	Status                 string     `json:"status"`
	TotalLicenses          int        `json:"totalLicenses"`
	IsTrial                bool       `json:"isTrial"`
	CreatedDateTime        *time.Time `json:"createdDateTime"`
	NextLifecycleDateTime  *time.Time `json:"nextLifecycleDateTime"`
	OwnerTenantID          string     `json:"ownerTenantId"`
}

// graphUser is a Graph user with its assigned licences.
type graphUser struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	AccountEnabled    *bool  `json:"accountEnabled"`
	AssignedLicenses  []struct {
		SkuID         string   `json:"skuId"`
		DisabledPlans []string `json:"disabledPlans"`
	} `json:"assignedLicenses"`
}

// The $select lists: only what seats maps.
const (
	selectSkus          = "skuId,skuPartNumber,capabilityStatus,appliesTo,consumedUnits,prepaidUnits,subscriptionIds"
	selectSubscriptions = "id,commerceSubscriptionId,skuId,skuPartNumber,status,totalLicenses,isTrial,createdDateTime,nextLifecycleDateTime,ownerTenantId"
	selectUsers         = "id,displayName,userPrincipalName,accountEnabled,assignedLicenses"
)

// Licences reads one customer tenant's subscribed SKUs, directory
// subscriptions and users with their licences: the first page of each in
// one Graph JSON batch (one round trip, not three), then any further pages
// of each. TakenAt is Config.Now. An error names the listing that failed
// (its Op) and carries Graph's status for it.
func (c *Client) Licences(ctx context.Context, tenantID string) (connectors.LicenceSnapshot, error) {
	if strings.TrimSpace(tenantID) == "" {
		_, err := c.tenantToken(ctx, tenantID)
		return connectors.LicenceSnapshot{}, err
	}
	return withToken(ctx, c, "token for tenant "+tenantID, c.customerScopes(), tenantID, func(tok string) (connectors.LicenceSnapshot, error) {
		return c.licences(ctx, tenantID, tok)
	})
}

// licences is Licences with a token.
func (c *Client) licences(ctx context.Context, tenantID, tok string) (connectors.LicenceSnapshot, error) {
	snap := connectors.LicenceSnapshot{
		TenantID:      tenantID,
		TakenAt:       c.now().UTC(),
		Skus:          []connectors.SubscribedSku{},
		Subscriptions: []connectors.DirectorySubscription{},
		Users:         []connectors.User{},
	}
	items := []batchItem{
		{id: "skus", url: "/subscribedSkus?$select=" + selectSkus, op: opSkus},
		{id: "subscriptions", url: "/directory/subscriptions?$select=" + selectSubscriptions, op: opSubscriptions},
		{id: "users", url: "/users?$select=" + selectUsers + "&$top=999", op: opUsers},
		{id: "organization", url: "/organization?$select=verifiedDomains", op: opOrganization},
	}
	got, err := c.graphBatch(ctx, tok, items)
	if err != nil {
		return connectors.LicenceSnapshot{}, err
	}
	for _, it := range items {
		if err := got[it.id].err; err != nil && it.id != "organization" {
			return connectors.LicenceSnapshot{}, err
		}
	}
	// The domains are only matching evidence: a tenant whose organization
	// cannot be read still has its licences read.
	if org := got["organization"]; org.err == nil {
		snap.Domains = verifiedDomains(org.body)
	}
	hdr := bearer(tok)
	root := c.graphURL + "/v1.0"
	err = httpx.ODataEachFrom(ctx, c.graph, got["skus"].body, root+items[0].url, hdr, opSkus, func(s graphSku) error {
		snap.Skus = append(snap.Skus, connectors.SubscribedSku{
			SkuID:            s.SkuID,
			SkuPartNumber:    s.SkuPartNumber,
			CapabilityStatus: s.CapabilityStatus,
			AppliesTo:        s.AppliesTo,
			ConsumedUnits:    s.ConsumedUnits,
			PrepaidUnits: connectors.PrepaidUnits{
				Enabled:   s.PrepaidUnits.Enabled,
				Suspended: s.PrepaidUnits.Suspended,
				Warning:   s.PrepaidUnits.Warning,
				LockedOut: s.PrepaidUnits.LockedOut,
			},
			SubscriptionIDs: s.SubscriptionIDs,
		})
		return nil
	})
	if err != nil {
		return connectors.LicenceSnapshot{}, err
	}
	err = httpx.ODataEachFrom(ctx, c.graph, got["subscriptions"].body, root+items[1].url, hdr, opSubscriptions, func(s graphSubscription) error {
		snap.Subscriptions = append(snap.Subscriptions, connectors.DirectorySubscription{
			ID:                     s.ID,
			CommerceSubscriptionID: s.CommerceSubscriptionID,
			SkuID:                  s.SkuID,
			SkuPartNumber:          s.SkuPartNumber,
			Status:                 s.Status,
			TotalLicenses:          s.TotalLicenses,
			IsTrial:                s.IsTrial,
			CreatedAt:              timeOf(s.CreatedDateTime),
			NextLifecycleAt:        timeOf(s.NextLifecycleDateTime),
			OwnerTenantID:          s.OwnerTenantID,
		})
		return nil
	})
	if err != nil {
		return connectors.LicenceSnapshot{}, err
	}
	err = httpx.ODataEachFrom(ctx, c.graph, got["users"].body, root+items[2].url, hdr, opUsers, func(u graphUser) error {
		user := connectors.User{
			ID:                u.ID,
			DisplayName:       u.DisplayName,
			UserPrincipalName: u.UserPrincipalName,
			// Graph omits accountEnabled for some synced accounts;
			// absent means it was never disabled.
			AccountEnabled: u.AccountEnabled == nil || *u.AccountEnabled,
		}
		for _, l := range u.AssignedLicenses {
			user.Licenses = append(user.Licenses, connectors.AssignedLicense{SkuID: l.SkuID, DisabledPlans: l.DisabledPlans})
		}
		snap.Users = append(snap.Users, user)
		return nil
	})
	if err != nil {
		return connectors.LicenceSnapshot{}, err
	}
	return snap, nil
}

// verifiedDomains reads the domain names of Graph's organization answer;
// an answer it cannot read gives none.
func verifiedDomains(body []byte) []string {
	var page struct {
		Value []struct {
			VerifiedDomains []struct {
				Name string `json:"name"`
			} `json:"verifiedDomains"`
		} `json:"value"`
	}
	if json.Unmarshal(body, &page) != nil {
		return nil
	}
	var out []string
	for _, o := range page.Value {
		for _, d := range o.VerifiedDomains {
			if name := strings.ToLower(strings.TrimSpace(d.Name)); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// What Licences reads, as errors name it.
const (
	opOrganization = "organization"

	opSkus          = "subscribed SKUs"
	opSubscriptions = "directory subscriptions"
	opUsers         = "users"
)
