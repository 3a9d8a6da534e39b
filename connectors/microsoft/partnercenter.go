package microsoft

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// customersPageSize is the page size asked of Partner Center; it answers
// with fewer when it wants to.
const customersPageSize = 500

// pcCustomer is a Partner Center Customer, the fields seats maps.
type pcCustomer struct {
	ID             string `json:"id"`
	CompanyProfile struct {
		TenantID    string `json:"tenantId"`
		Domain      string `json:"domain"`
		CompanyName string `json:"companyName"`
	} `json:"companyProfile"`
	RelationshipToPartner string `json:"relationshipToPartner"`
}

// Customers lists every customer of the signed-in partner from Partner
// Center, following links.next through all pages.
func (c *Client) Customers(ctx context.Context) ([]connectors.Customer, error) {
	return withToken(ctx, c, "token for Partner Center", c.partnerCenterScopes(), "", func(tok string) ([]connectors.Customer, error) {
		return c.customers(ctx, tok)
	})
}

// customers is Customers with a token.
func (c *Client) customers(ctx context.Context, tok string) ([]connectors.Customer, error) {
	const op = "list customers"
	first := c.pcURL + "/v1/customers?size=" + strconv.Itoa(customersPageSize)
	var out []connectors.Customer
	err := httpx.PartnerCenterEach(ctx, c.pc, c.pcURL, first, partnerCenterHeader(tok), op, func(pc pcCustomer) error {
		tenant := pc.CompanyProfile.TenantID
		if tenant == "" {
			tenant = pc.ID // the docs use the two interchangeably
		}
		out = append(out, connectors.Customer{
			TenantID:      tenant,
			Name:          pc.CompanyProfile.CompanyName,
			PrimaryDomain: pc.CompanyProfile.Domain,
			Relationship:  pc.RelationshipToPartner,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// applicationConsent is Partner Center's applicationconsents request.
type applicationConsent struct {
	ApplicationID     string             `json:"applicationId"`
	DisplayName       string             `json:"displayName"`
	ApplicationGrants []applicationGrant `json:"applicationGrants"`
}

type applicationGrant struct {
	EnterpriseApplicationID string `json:"enterpriseApplicationId"`
	Scope                   string `json:"scope"` // comma-separated, as Partner Center wants
}

// ConsentPartner consents seats' application with CustomerGraphScopes in
// the customer tenant, as the signed-in partner user (Option B, Partner
// Center's applicationconsents). An existing consent (409) is success. A
// refusal is an error of kind ErrForbidden whose Message is Partner
// Center's reason in one sentence (it names the missing GDAP role); the
// roles pre-check is the caller's (GDAPSummary.MissingConsentRoles).
func (c *Client) ConsentPartner(ctx context.Context, tenantID string) error {
	const op = "consent seats in the customer tenant"
	if strings.TrimSpace(tenantID) == "" {
		return &connectors.Error{Kind: connectors.ErrBadRequest, Service: "partner center", Op: op, Message: "no customer tenant id given"}
	}
	tok, err := c.token(ctx, "token for Partner Center", c.partnerCenterScopes(), "")
	if err != nil {
		return err
	}
	body := applicationConsent{
		ApplicationID: c.cfg.ClientID,
		DisplayName:   "seats",
		ApplicationGrants: []applicationGrant{{
			EnterpriseApplicationID: graphAppID,
			Scope:                   strings.Join(CustomerGraphScopes, ","),
		}},
	}
	_, err = c.pc.Do(ctx, httpx.Request{
		Method: http.MethodPost,
		URL:    c.pcURL + "/v1/customers/" + url.PathEscape(tenantID) + "/applicationconsents",
		// One header for every attempt: the fixed MS-RequestId is what
		// lets Partner Center treat a retried POST as the same request.
		Header:     partnerCenterHeader(tok),
		Body:       body,
		Idempotent: true,
		Op:         op,
	}, nil)
	if err == nil {
		return nil
	}
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	switch {
	case ce.Status == http.StatusConflict:
		return nil // already consented
	case ce.Kind == connectors.ErrForbidden:
		refusal := *ce
		refusal.Message = oneSentence(ce.Message)
		if refusal.Message == "" {
			refusal.Message = "Partner Center refused the consent for the signed-in partner user."
		}
		return &refusal
	}
	return err
}

// oneSentence keeps the first sentence of a service's explanation.
func oneSentence(s string) string {
	s = firstLine(s)
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}
