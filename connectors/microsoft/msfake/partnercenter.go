package msfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/connectors"
)

// Partner Center's customer page sizes.
const (
	pcDefaultSize = 40
	pcMaxSize     = 500
)

// continuationGrant is the content of a Partner Center continuation token.
type continuationGrant struct {
	Offset int `json:"o"`
	Size   int `json:"n"`
}

// servePartnerCenter serves the Partner Center REST API under
// /partnercenter: the customer list and the application consent API.
func (s *Server) servePartnerCenter(w http.ResponseWriter, r *http.Request, rest string) {
	pcHeaders(w, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, msg := s.authenticate(r, resPartnerCenter)
	if msg != "" {
		writePCError(w, r, http.StatusUnauthorized, "Unauthorized", msg)
		return
	}
	if !p.tenant.isPartner() {
		writePCError(w, r, http.StatusForbidden, "Forbidden",
			"The token is for a customer tenant; Partner Center needs a token of the partner tenant.")
		return
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) < 2 || !strings.EqualFold(segs[0], "v1") || !strings.EqualFold(segs[1], "customers") {
		writePCError(w, r, http.StatusNotFound, "NotFound", "The requested resource was not found.")
		return
	}
	switch {
	case len(segs) == 2 && r.Method == http.MethodGet:
		s.pcCustomers(w, r)
	case len(segs) == 3 && r.Method == http.MethodGet:
		s.pcCustomer(w, r, segs[2])
	case len(segs) == 4 && strings.EqualFold(segs[3], "applicationconsents") && r.Method == http.MethodPost:
		s.pcApplicationConsent(w, r, p, segs[2])
	case len(segs) == 4 && strings.EqualFold(segs[3], "subscriptions") && r.Method == http.MethodGet:
		s.pcSubscriptions(w, r, p, segs[2])
	case len(segs) <= 4:
		writePCError(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested HTTP method is not allowed for this resource.")
	default:
		writePCError(w, r, http.StatusNotFound, "NotFound", "The requested resource was not found.")
	}
}

type pcAttributes struct {
	ObjectType string `json:"objectType"`
}

type pcLink struct {
	URI     string      `json:"uri"`
	Method  string      `json:"method"`
	Headers []pcKeyPair `json:"headers"`
}

type pcKeyPair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type pcCompanyProfile struct {
	TenantID    string       `json:"tenantId"`
	Domain      string       `json:"domain"`
	CompanyName string       `json:"companyName"`
	Attributes  pcAttributes `json:"attributes"`
}

type pcCustomer struct {
	ID                    string           `json:"id"`
	CommerceID            string           `json:"commerceId"`
	CompanyProfile        pcCompanyProfile `json:"companyProfile"`
	RelationshipToPartner string           `json:"relationshipToPartner"`
	AllowDelegatedAccess  bool             `json:"allowDelegatedAccess"`
	Attributes            pcAttributes     `json:"attributes"`
}

func toPCCustomer(c *Customer) pcCustomer {
	rel := c.Relationship
	if rel == "" {
		rel = "reseller"
	}
	return pcCustomer{
		ID:         c.TenantID,
		CommerceID: guidFrom("commerce", c.TenantID),
		CompanyProfile: pcCompanyProfile{
			TenantID: c.TenantID, Domain: c.Domain, CompanyName: c.Name,
			Attributes: pcAttributes{ObjectType: "CustomerCompanyProfile"},
		},
		RelationshipToPartner: rel,
		AllowDelegatedAccess:  rel == "reseller",
		Attributes:            pcAttributes{ObjectType: "Customer"},
	}
}

// pcCustomers lists customers a page at a time. The next page is asked for
// with seekOperation=Next and the MS-ContinuationToken header, as Partner
// Center does; the link's uri is relative to the API root.
func (s *Server) pcCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sizeParam, present := queryValue(q, "size")
	size, msg := s.pageSize(sizeParam, present, pcMaxSize, pcDefaultSize)
	if msg != "" {
		writePCError(w, r, http.StatusBadRequest, "BadRequest", msg)
		return
	}
	total := len(s.w.Customers)
	start := 0
	if seek, ok := queryValue(q, "seekOperation"); ok {
		if !strings.EqualFold(seek, "Next") {
			writePCError(w, r, http.StatusBadRequest, "BadRequest",
				fmt.Sprintf("The seek operation '%s' is not supported here; use Next.", seek))
			return
		}
		var g continuationGrant
		tok := r.Header.Get("MS-ContinuationToken")
		if tok == "" || unseal(s.w.SigningKey, "pc-customers", tok, &g) != nil || g.Offset < 0 || g.Offset > total {
			writePCError(w, r, http.StatusBadRequest, "BadRequest",
				"The continuation token is missing or not valid. Send the MS-ContinuationToken header from links.next.")
			return
		}
		start = g.Offset
		if !present {
			size = g.Size
		}
	}
	end := min(start+size, total)
	items := make([]pcCustomer, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, toPCCustomer(&s.w.Customers[i]))
	}
	self := "/v1/customers?size=" + strconv.Itoa(size)
	links := map[string]pcLink{"self": {URI: self, Method: http.MethodGet, Headers: []pcKeyPair{}}}
	body := map[string]any{
		// Partner Center counts the items of this page, not of the whole list.
		"totalCount": len(items),
		"items":      items,
		"attributes": pcAttributes{ObjectType: "Collection"},
	}
	if end < total {
		tok := seal(s.w.SigningKey, "pc-customers", continuationGrant{Offset: end, Size: size})
		links["next"] = pcLink{
			URI:     self + "&seekOperation=Next",
			Method:  http.MethodGet,
			Headers: []pcKeyPair{{Key: "MS-ContinuationToken", Value: tok}},
		}
		body["continuationToken"] = tok
	}
	body["links"] = links
	writeJSON(w, http.StatusOK, jsonType, body)
}

func (s *Server) pcCustomer(w http.ResponseWriter, r *http.Request, id string) {
	c := s.customerByID(id)
	if c == nil {
		writePCError(w, r, http.StatusNotFound, "NotFound", fmt.Sprintf("Customer %s was not found.", id))
		return
	}
	writeJSON(w, http.StatusOK, jsonType, toPCCustomer(c))
}

// customerByID finds a customer by tenant id. Call with the lock held.
func (s *Server) customerByID(id string) *Customer {
	if c, ok := s.customerBySegment(id); ok && strings.EqualFold(c.TenantID, id) {
		return c
	}
	return nil
}

type applicationConsent struct {
	ApplicationID     string             `json:"applicationId"`
	DisplayName       string             `json:"displayName"`
	ApplicationGrants []applicationGrant `json:"applicationGrants"`
}

type applicationGrant struct {
	EnterpriseApplicationID string `json:"enterpriseApplicationId"`
	Scope                   string `json:"scope"`
}

// pcApplicationConsent is the CPV application consent API, used with GDAP:
// it consents the world's app in a customer tenant when the partner user
// holds Privileged Role Administrator and Application Administrator (or
// Global Administrator) there through usable GDAP relationships.
func (s *Server) pcApplicationConsent(w http.ResponseWriter, r *http.Request, p principal, customerID string) {
	c := s.customerByID(customerID)
	if c == nil {
		writePCError(w, r, http.StatusNotFound, "NotFound", fmt.Sprintf("Customer %s was not found.", customerID))
		return
	}
	var req applicationConsent
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err := dec.Decode(&req); err != nil {
		writePCError(w, r, http.StatusBadRequest, "BadRequest", "The request body is not a valid application consent.")
		return
	}
	if !s.knownClient(req.ApplicationID) || req.ApplicationID == BootstrapClientID {
		writePCError(w, r, http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("The application %s is not a multi-tenant application of this partner.", req.ApplicationID))
		return
	}
	var scopes []string
	for _, g := range req.ApplicationGrants {
		if g.EnterpriseApplicationID == "" {
			continue
		}
		for _, sc := range strings.Split(g.Scope, ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				scopes = append(scopes, sc)
			}
		}
	}
	if len(scopes) == 0 {
		writePCError(w, r, http.StatusBadRequest, "BadRequest",
			"applicationGrants must name at least one enterpriseApplicationId with a scope.")
		return
	}
	if msg := s.consentDenied(c); msg != "" {
		writePCError(w, r, http.StatusForbidden, "Forbidden", msg)
		return
	}
	if s.consentFor(c, req.ApplicationID) != nil {
		writePCError(w, r, http.StatusConflict, "Conflict", "An application consent already exists for this application.")
		return
	}
	s.setConsent(c, req.ApplicationID, &Consent{Method: "partner", Scopes: scopes, GrantedAt: s.now().UTC()})
	if s.opts.OnChange != nil {
		s.opts.OnChange(s.w)
	}
	writeJSON(w, http.StatusCreated, jsonType, req)
}

// consentDenied says why the partner user may not consent in the customer
// tenant, or "" if they may. Call with the lock held.
func (s *Server) consentDenied(c *Customer) string {
	if len(usableRelationships(c, s.now())) == 0 {
		return "The signed-in partner user has no active GDAP relationship with this customer."
	}
	roles := gdapRoles(c, s.now())
	var missing []string
	for _, id := range connectors.ConsentRoles {
		if !roles[id] && !roles[connectors.RoleGlobalAdministrator] {
			missing = append(missing, connectors.RoleName(id))
		}
	}
	switch len(missing) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("The signed-in partner user lacks the %s role in this customer tenant (through GDAP).", missing[0])
	default:
		return fmt.Sprintf("The signed-in partner user lacks the %s roles in this customer tenant (through GDAP).",
			strings.Join(missing, " and "))
	}
}
