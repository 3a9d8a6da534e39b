package msfake

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Graph's page sizes.
const (
	graphDefaultTop = 100
	graphMaxTop     = 999
	gdapMaxTop      = 300
)

// graphTime formats a time as Graph does (UTC, seven fractional digits).
func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// graphTimeOrNull is graphTime, or JSON null for the zero time.
func graphTimeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := graphTime(t)
	return &s
}

// serveGraph serves Microsoft Graph v1.0 under /graph. Partner-tenant tokens
// reach the partner's own objects and GDAP relationships; customer-tenant
// tokens reach the customer's licences and users through GDAP.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request, rest string) {
	graphRequestIDs(w, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, msg := s.authenticate(r, resGraph)
	if msg != "" {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="%s/common/oauth2/authorize", client_id="%s"`,
			baseURL(r), graphAppID))
		writeGraphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return
	}
	version, path, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	if version != "v1.0" {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid version: %s", version))
		return
	}
	if s.serveDirectory(w, r, p, path) {
		return // applications, service principals, grants, memberOf: apps.go
	}
	if r.Method != http.MethodGet {
		writeGraphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest",
			"Specified HTTP method is not allowed for the request target.")
		return
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	// Graph matches segment names without regard to case; ids keep theirs.
	switch strings.ToLower(strings.Trim(path, "/")) {
	case "me":
		s.graphMe(w, r, p)
	case "organization":
		s.graphOrganization(w, r, p)
	case "users":
		s.graphUsers(w, r, p)
	case "subscribedskus":
		s.graphSubscribedSkus(w, r, p)
	case "directory/subscriptions":
		s.graphSubscriptions(w, r, p)
	default:
		if len(segs) >= 2 && strings.EqualFold(segs[0], "tenantRelationships") &&
			strings.EqualFold(segs[1], "delegatedAdminRelationships") {
			s.graphGDAP(w, r, p, segs[2:])
			return
		}
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("Resource not found for the segment '%s'.", segs[0]))
	}
}

// mayRead reports whether the caller may read the tenant's directory: in
// the partner's own tenant always; in a customer tenant only through a usable
// GDAP relationship with a read role. Call with the lock held.
func (s *Server) mayRead(p principal) bool {
	c := p.tenant.customer
	if c == nil {
		return true
	}
	roles := gdapRoles(c, s.now())
	for _, id := range connectors.ReadRoles {
		if roles[id] {
			return true
		}
	}
	return false
}

func writeDenied(w http.ResponseWriter, r *http.Request) {
	writeGraphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

func graphContext(r *http.Request, what string) string {
	return baseURL(r) + graphPrefix + "/v1.0/$metadata#" + what
}

// collection writes a Graph collection page.
func writeCollection(w http.ResponseWriter, r *http.Request, context string, value any, next string) {
	body := map[string]any{"@odata.context": graphContext(r, context), "value": value}
	if next != "" {
		body["@odata.nextLink"] = next
	}
	writeJSON(w, http.StatusOK, graphType, body)
}

func (s *Server) graphMe(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.tenant.isPartner() {
		// A GDAP user is no object of the customer's directory.
		writeGraphError(w, r, http.StatusNotFound, "Request_ResourceNotFound",
			fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", p.user.ObjectID))
		return
	}
	writeJSON(w, http.StatusOK, graphType, map[string]any{
		"@odata.context":    graphContext(r, "users/$entity"),
		"id":                p.user.ObjectID,
		"displayName":       p.user.Name,
		"userPrincipalName": p.user.UPN,
		"mail":              p.user.UPN,
		"businessPhones":    []string{},
		"jobTitle":          nil,
		"preferredLanguage": "en-US",
	})
}

func (s *Server) graphOrganization(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.mayRead(p) {
		writeDenied(w, r)
		return
	}
	id, name, domain := s.w.Partner.TenantID, s.w.Partner.Name, s.w.Partner.Domain
	if c := p.tenant.customer; c != nil {
		id, name, domain = c.TenantID, c.Name, c.Domain
	}
	domains := []map[string]any{}
	if domain != "" {
		domains = append(domains, map[string]any{
			"name": domain, "isDefault": true, "isInitial": strings.HasSuffix(domain, ".onmicrosoft.com"),
			"type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline",
		})
	}
	writeCollection(w, r, "organization", []map[string]any{{
		"id": id, "displayName": name, "tenantType": "AAD", "verifiedDomains": domains,
	}}, "")
}

// graphUserFields are the user properties always returned, whatever $select
// says: the ones seats reads.
var graphUserFields = []string{"id", "displayName", "userPrincipalName", "accountEnabled", "assignedLicenses"}

func (s *Server) graphUsers(w http.ResponseWriter, r *http.Request, p principal) {
	if s.opts.ThrottleOnce && !s.throttled {
		s.throttled = true
		w.Header().Set("Retry-After", "1")
		writeGraphError(w, r, http.StatusTooManyRequests, "TooManyRequests",
			"Too many requests. Please retry after the time given in the Retry-After header.")
		return
	}
	if !s.mayRead(p) {
		writeDenied(w, r)
		return
	}
	q := r.URL.Query()
	if _, ok := queryValue(q, "$filter"); ok {
		writeGraphError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery",
			"The seats sandbox does not support $filter on users; read all pages instead.")
		return
	}
	var users []User
	if c := p.tenant.customer; c != nil {
		users = c.Users
	} else {
		for _, u := range s.w.Partner.Users {
			users = append(users, User{ID: u.ObjectID, DisplayName: u.Name, UPN: u.UPN, AccountEnabled: true})
		}
	}
	start, end, next, msg := s.graphPage(r, "users:"+p.tenant.id, len(users), graphMaxTop, graphDefaultTop)
	if msg != "" {
		writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	// $select is honoured loosely: seats' fields always come back, any other
	// selected property comes back null, as Graph shows a property it has no
	// value for.
	var extra []string
	if sel, ok := queryValue(q, "$select"); ok {
		for _, f := range strings.Split(sel, ",") {
			f = strings.TrimSpace(f)
			if f != "" && !slices.ContainsFunc(graphUserFields, func(g string) bool { return strings.EqualFold(f, g) }) {
				extra = append(extra, f)
			}
		}
	}
	value := make([]map[string]any, 0, end-start)
	for _, u := range users[start:end] {
		lic := make([]map[string]any, 0, len(u.Licenses))
		for _, id := range u.Licenses {
			lic = append(lic, map[string]any{"skuId": id, "disabledPlans": []string{}})
		}
		item := map[string]any{
			"id": u.ID, "displayName": u.DisplayName, "userPrincipalName": u.UPN,
			"accountEnabled": u.AccountEnabled, "assignedLicenses": lic,
		}
		for _, f := range extra {
			item[f] = nil
		}
		value = append(value, item)
	}
	writeCollection(w, r, "users", value, next)
}

func (s *Server) graphSubscribedSkus(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.mayRead(p) {
		writeDenied(w, r)
		return
	}
	value := []map[string]any{}
	if c := p.tenant.customer; c != nil {
		for _, sku := range c.Skus {
			consumed := 0
			for _, u := range c.Users {
				if slices.Contains(u.Licenses, sku.SkuID) {
					consumed++
				}
			}
			subs := sku.SubscriptionIDs
			if subs == nil {
				subs = []string{}
			}
			value = append(value, map[string]any{
				"accountName":      c.Name,
				"accountId":        c.TenantID,
				"appliesTo":        "User",
				"capabilityStatus": sku.CapabilityStatus,
				"consumedUnits":    consumed,
				"id":               c.TenantID + "_" + sku.SkuID,
				"skuId":            sku.SkuID,
				"skuPartNumber":    sku.SkuPartNumber,
				"subscriptionIds":  subs,
				"prepaidUnits": map[string]int{
					"enabled": sku.Enabled, "suspended": sku.Suspended, "warning": sku.Warning, "lockedOut": sku.LockedOut,
				},
				"servicePlans": []any{},
			})
		}
	}
	// subscribedSkus has no paging: Graph returns every SKU at once.
	writeCollection(w, r, "subscribedSkus", value, "")
}

func (s *Server) graphSubscriptions(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.mayRead(p) {
		writeDenied(w, r)
		return
	}
	var subs []Subscription
	if c := p.tenant.customer; c != nil {
		subs = c.Subscriptions
	}
	start, end, next, msg := s.graphPage(r, "subscriptions:"+p.tenant.id, len(subs), graphMaxTop, graphDefaultTop)
	if msg != "" {
		writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	value := make([]map[string]any, 0, end-start)
	for _, sub := range subs[start:end] {
		var owner any
		if sub.OwnerTenantID != "" {
			owner = sub.OwnerTenantID
		}
		value = append(value, map[string]any{
			"id":                     sub.ID,
			"commerceSubscriptionId": sub.CommerceSubscriptionID,
			"createdDateTime":        graphTimeOrNull(sub.CreatedAt),
			"isTrial":                sub.IsTrial,
			"nextLifecycleDateTime":  graphTimeOrNull(sub.NextLifecycleAt),
			"ownerId":                nil,
			"ownerTenantId":          owner,
			"ownerType":              nil,
			"skuId":                  sub.SkuID,
			"skuPartNumber":          sub.SkuPartNumber,
			"status":                 sub.Status,
			"totalLicenses":          sub.TotalLicenses,
			"serviceStatus":          []any{},
		})
	}
	writeCollection(w, r, "directory/subscriptions", value, next)
}

// gdapEntry is one relationship with the customer it belongs to.
type gdapEntry struct {
	customer *Customer
	rel      Relationship
}

// graphGDAP serves tenantRelationships/delegatedAdminRelationships and its
// accessAssignments, which only the partner tenant has.
func (s *Server) graphGDAP(w http.ResponseWriter, r *http.Request, p principal, segs []string) {
	if !p.tenant.isPartner() {
		writeDenied(w, r)
		return
	}
	if len(segs) == 0 {
		var all []gdapEntry
		for i := range s.w.Customers {
			c := &s.w.Customers[i]
			for _, rel := range c.GDAP {
				all = append(all, gdapEntry{customer: c, rel: rel})
			}
		}
		s.gdapList(w, r, all)
		return
	}
	ref, ok := s.relIndex[segs[0]]
	if !ok {
		writeGraphError(w, r, http.StatusNotFound, "Request_ResourceNotFound",
			fmt.Sprintf("The delegated admin relationship with id '%s' was not found.", segs[0]))
		return
	}
	c := &s.w.Customers[ref.customer]
	entry := gdapEntry{customer: c, rel: c.GDAP[ref.rel]}
	switch {
	case len(segs) == 1:
		body := relationshipJSON(entry)
		body["@odata.context"] = graphContext(r, "tenantRelationships/delegatedAdminRelationships/$entity")
		writeJSON(w, http.StatusOK, graphType, body)
	case len(segs) == 2 && strings.EqualFold(segs[1], "accessAssignments"):
		s.gdapAssignments(w, r, entry)
	default:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("Resource not found for the segment '%s'.", segs[len(segs)-1]))
	}
}

func (s *Server) gdapList(w http.ResponseWriter, r *http.Request, all []gdapEntry) {
	if f, ok := queryValue(r.URL.Query(), "$filter"); ok {
		status, ok := statusFilter(f)
		if !ok {
			writeGraphError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery",
				"The seats sandbox supports only $filter=status eq '<status>' here.")
			return
		}
		all = slices.DeleteFunc(all, func(e gdapEntry) bool { return e.rel.Status != status })
	}
	start, end, next, msg := s.graphPage(r, "gdap", len(all), gdapMaxTop, graphDefaultTop)
	if msg != "" {
		writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	value := make([]map[string]any, 0, end-start)
	for _, e := range all[start:end] {
		value = append(value, relationshipJSON(e))
	}
	writeCollection(w, r, "tenantRelationships/delegatedAdminRelationships", value, next)
}

// statusFilter parses the one $filter form supported: status eq 'x'.
func statusFilter(f string) (string, bool) {
	fields := strings.Fields(f)
	if len(fields) != 3 || !strings.EqualFold(fields[0], "status") || !strings.EqualFold(fields[1], "eq") {
		return "", false
	}
	v := fields[2]
	if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return "", false
	}
	return v[1 : len(v)-1], true
}

func unifiedRoles(ids []string) []map[string]string {
	out := make([]map[string]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, map[string]string{"roleDefinitionId": id})
	}
	return out
}

func etag(parts ...string) string {
	return `W/"` + b64.EncodeToString([]byte(guidFrom(parts...))) + `"`
}

func relationshipJSON(e gdapEntry) map[string]any {
	rel := e.rel
	modified := rel.CreatedAt
	if rel.ActivatedAt.After(modified) {
		modified = rel.ActivatedAt
	}
	return map[string]any{
		"@odata.type":          "#microsoft.graph.delegatedAdminRelationship",
		"@odata.etag":          etag("rel", rel.ID, rel.Status),
		"id":                   rel.ID,
		"displayName":          rel.DisplayName,
		"duration":             rel.Duration,
		"status":               rel.Status,
		"autoExtendDuration":   "PT0S",
		"createdDateTime":      graphTime(rel.CreatedAt),
		"lastModifiedDateTime": graphTime(modified),
		"activatedDateTime":    graphTimeOrNull(rel.ActivatedAt),
		"endDateTime":          graphTimeOrNull(rel.EndAt),
		"customer":             map[string]string{"tenantId": e.customer.TenantID, "displayName": e.customer.Name},
		"accessDetails":        map[string]any{"unifiedRoles": unifiedRoles(rel.Roles)},
	}
}

// gdapAssignments lists a relationship's access assignments: one active
// assignment to a security group carrying AssignedRoles, none when nil.
func (s *Server) gdapAssignments(w http.ResponseWriter, r *http.Request, e gdapEntry) {
	rel := e.rel
	var items []map[string]any
	if rel.AssignedRoles != nil {
		created := rel.ActivatedAt
		if created.IsZero() {
			created = rel.CreatedAt
		}
		items = append(items, map[string]any{
			"@odata.etag": etag("assignment", rel.ID),
			"id":          guidFrom("assignment", rel.ID),
			"status":      "active",
			"accessContainer": map[string]string{
				"accessContainerId":   guidFrom("group", rel.ID),
				"accessContainerType": "securityGroup",
			},
			"accessDetails":        map[string]any{"unifiedRoles": unifiedRoles(rel.AssignedRoles)},
			"createdDateTime":      graphTime(created),
			"lastModifiedDateTime": graphTime(created),
		})
	}
	start, end, next, msg := s.graphPage(r, "assignments:"+rel.ID, len(items), gdapMaxTop, graphDefaultTop)
	if msg != "" {
		writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	value := items[start:end]
	if value == nil {
		value = []map[string]any{}
	}
	writeCollection(w, r, "tenantRelationships/delegatedAdminRelationships('"+rel.ID+"')/accessAssignments", value, next)
}
