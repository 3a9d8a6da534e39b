package msfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/seats-msp/seats/connectors"
)

// BootstrapClientID is Microsoft Graph Command Line Tools, the public client
// `seats app create` signs in with before seats has an application of its
// own. The fake accepts it in the partner tenant, for Graph only, with the
// delegated scopes it asks for.
const BootstrapClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// PartnerCenterAppID is the application id of Microsoft Partner Center.
const PartnerCenterAppID = partnerCenterAppID

// Application is an app registration in the partner tenant.
type Application struct {
	ID                     string                `json:"id"`    // object id
	AppID                  string                `json:"appId"` // client id
	DisplayName            string                `json:"displayName"`
	SignInAudience         string                `json:"signInAudience"`
	IsFallbackPublicClient bool                  `json:"isFallbackPublicClient"`
	PublicClient           PublicClient          `json:"publicClient"`
	RequiredResourceAccess []RequiredResourceApp `json:"requiredResourceAccess"`
}

// PublicClient holds a public client's redirect URIs.
type PublicClient struct {
	RedirectURIs []string `json:"redirectUris"`
}

// RequiredResourceApp is the permissions an application asks of one API.
type RequiredResourceApp struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

// ResourceAccess is one permission: a delegated "Scope" or an app "Role".
type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// ServicePrincipal is an application's instance in the partner tenant.
type ServicePrincipal struct {
	ID          string            `json:"id"`
	AppID       string            `json:"appId"`
	DisplayName string            `json:"displayName"`
	Scopes      []PermissionScope `json:"oauth2PermissionScopes"`
}

// PermissionScope is a delegated permission an API offers.
type PermissionScope struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// PermissionGrant is an oauth2PermissionGrant: delegated permissions
// consented for a client (service principal) on a resource.
type PermissionGrant struct {
	ID          string `json:"id"`
	ClientID    string `json:"clientId"`    // the client's service principal object id
	ConsentType string `json:"consentType"` // AllPrincipals: admin consent for everyone
	PrincipalID string `json:"principalId,omitempty"`
	ResourceID  string `json:"resourceId"` // the API's service principal object id
	Scope       string `json:"scope"`      // space-separated
}

// graphScopeIDs are the delegated permissions Microsoft Graph's service
// principal offers in the fake: the ones seats and its bootstrap use.
var graphScopeIDs = map[string]string{
	"DelegatedAdminRelationship.Read.All":      "0c0064ea-477b-4130-82a5-4c2cc4ff68aa",
	"Organization.Read.All":                    "4908d5b9-3fb2-4b1e-9336-1888b7937185",
	"User.Read.All":                            "a154be20-db9c-4678-8ab7-66f6cc099a59",
	"User.Read":                                "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
	"Directory.Read.All":                       "06da0dbc-49e2-44d2-8312-53f166ab848a",
	"Application.ReadWrite.All":                "bdfbf15f-ee85-4955-8675-146e8e5296b5",
	"DelegatedPermissionGrant.ReadWrite.All":   "41ce6ca6-6826-4807-84f1-1c82854f7ee5",
	"Application.Read.All":                     "c79f8feb-a9db-4090-85f9-90d820caa0eb",
	"DelegatedAdminRelationship.ReadWrite.All": "885f682f-a990-4bad-a642-36736a74b0c7",
}

// partnerCenterImpersonation is Partner Center's one delegated permission.
const partnerCenterImpersonation = "1cebfa2a-fb4d-419e-b5f9-839b4383e05a"

// graphSP is Microsoft Graph's service principal, present in every tenant.
func (s *Server) graphSP() ServicePrincipal {
	sp := ServicePrincipal{ID: guidFrom("sp", s.w.Partner.TenantID, graphAppID), AppID: graphAppID, DisplayName: "Microsoft Graph"}
	for _, name := range slices.Sorted(maps.Keys(graphScopeIDs)) {
		sp.Scopes = append(sp.Scopes, PermissionScope{ID: graphScopeIDs[name], Value: name})
	}
	return sp
}

// servicePrincipals are the partner tenant's service principals: Graph,
// then those created. Call with the lock held.
func (s *Server) servicePrincipals() []ServicePrincipal {
	return append([]ServicePrincipal{s.graphSP()}, s.w.ServicePrincipals...)
}

// knownClient reports whether a client id may sign in: the world's own
// application, the bootstrap client, or an application registered in the
// partner tenant. Call with the lock held.
func (s *Server) knownClient(clientID string) bool {
	if clientID == "" {
		return false
	}
	if clientID == s.w.ClientID || clientID == BootstrapClientID {
		return true
	}
	return s.application(func(a Application) bool { return a.AppID == clientID }) != nil
}

// application finds a registered application. Call with the lock held.
func (s *Server) application(match func(Application) bool) *Application {
	for i := range s.w.Applications {
		if match(s.w.Applications[i]) {
			return &s.w.Applications[i]
		}
	}
	return nil
}

// consentFor is the consent of application appID in a customer tenant, or
// nil. The world's own application keeps its consent in Customer.Consent.
func (s *Server) consentFor(c *Customer, appID string) *Consent {
	if appID == s.w.ClientID {
		return c.Consent
	}
	return c.AppConsents[appID]
}

// setConsent records a consent of appID in a customer tenant.
func (s *Server) setConsent(c *Customer, appID string, consent *Consent) {
	if appID == s.w.ClientID {
		c.Consent = consent
		return
	}
	if c.AppConsents == nil {
		c.AppConsents = map[string]*Consent{}
	}
	c.AppConsents[appID] = consent
}

// appTokenScopes applies the rules for clients other than the world's own
// application: the bootstrap client reaches Graph in the partner tenant
// only; an application made in the partner tenant needs public client
// flows for a sign-in without a secret, and in the partner tenant the
// admin consent of the scopes it asks for. It returns what ".default"
// stands for (nil for the world's own application and in customer tenants,
// where the customer's consent decides). Call with the lock held.
func (s *Server) appTokenScopes(clientID string, t tenantRef, scopes scopeRequest) ([]string, *aadErr) {
	if clientID == s.w.ClientID {
		return nil, nil
	}
	if clientID == BootstrapClientID {
		if !t.isPartner() || scopes.res != resGraph {
			return nil, &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 50020,
				desc: "Microsoft Graph Command Line Tools may only reach Microsoft Graph in the partner tenant in this sandbox."}
		}
		return nil, nil
	}
	app := s.application(func(a Application) bool { return a.AppID == clientID })
	if app == nil {
		return nil, s.unknownClient(clientID, t.name)
	}
	if !app.IsFallbackPublicClient {
		return nil, &aadErr{status: http.StatusUnauthorized, code: "invalid_client", aadsts: 7000218,
			desc: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
	}
	if !t.isPartner() {
		return nil, nil
	}
	granted := s.grantedScopes(clientID, scopes.res)
	want := scopes.names
	if slices.Contains(want, ".default") {
		if len(granted) == 0 {
			return nil, consentRequired(clientID, app.DisplayName)
		}
		return granted, nil
	}
	for _, name := range want {
		if !slices.Contains(granted, name) {
			return nil, consentRequired(clientID, app.DisplayName)
		}
	}
	return nil, nil
}

func consentRequired(clientID, name string) *aadErr {
	return &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 65001, suberror: "consent_required",
		desc: fmt.Sprintf("The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.", clientID, name)}
}

// grantedScopes are the delegated scopes admin-consented for the
// application appID on the API res in the partner tenant. Call with the
// lock held.
func (s *Server) grantedScopes(appID string, res resource) []string {
	var client, api string
	resourceApp := graphAppID
	if res == resPartnerCenter {
		resourceApp = partnerCenterAppID
	}
	for _, sp := range s.servicePrincipals() {
		switch sp.AppID {
		case appID:
			client = sp.ID
		case resourceApp:
			api = sp.ID
		}
	}
	var out []string
	for _, g := range s.w.PermissionGrants {
		if g.ClientID == client && g.ResourceID == api && client != "" && api != "" && g.ConsentType == "AllPrincipals" {
			out = append(out, strings.Fields(g.Scope)...)
		}
	}
	return out
}

// userHasRole reports whether the user holds one of roles in the partner
// tenant; a user without roles listed is a Global Administrator.
func userHasRole(u PartnerUser, roles ...string) bool {
	have := u.Roles
	if have == nil {
		have = []string{connectors.RoleGlobalAdministrator}
	}
	for _, r := range roles {
		if slices.Contains(have, r) {
			return true
		}
	}
	return false
}

// The roles that may create applications, and that may grant tenant-wide
// consent for delegated permissions.
var (
	createAppRoles = []string{connectors.RoleGlobalAdministrator, connectors.RoleApplicationAdministrator, connectors.RoleCloudApplicationAdministrator}
	grantRoles     = []string{connectors.RoleGlobalAdministrator, connectors.RolePrivilegedRoleAdministrator,
		connectors.RoleApplicationAdministrator, connectors.RoleCloudApplicationAdministrator}
)

// serveDirectory serves the partner tenant's directory objects seats'
// application setup uses: /applications, /servicePrincipals,
// /oauth2PermissionGrants and /me/memberOf. It reports whether path was
// one of them. Call with the lock held.
func (s *Server) serveDirectory(w http.ResponseWriter, r *http.Request, p principal, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	collection := strings.ToLower(segs[0])
	switch {
	case collection == "me" && len(segs) == 2 && strings.EqualFold(segs[1], "memberOf"):
		s.serveMemberOf(w, r, p)
		return true
	case collection != "applications" && collection != "serviceprincipals" && collection != "oauth2permissiongrants":
		return false
	}
	if !p.tenant.isPartner() {
		writeDenied(w, r)
		return true
	}
	id := ""
	if len(segs) > 1 {
		id = segs[1]
	}
	switch {
	case r.Method == http.MethodGet && id == "":
		s.listDirectory(w, r, p, collection)
	case r.Method == http.MethodPost && id == "":
		s.createDirectory(w, r, p, collection)
	case r.Method == http.MethodPatch && id != "":
		s.patchDirectory(w, r, p, collection, id)
	default:
		writeGraphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest",
			"Specified HTTP method is not allowed for the request target.")
	}
	return true
}

// filterEq reads an OData filter of the form "<field> eq '<value>'", the
// only kind the fake understands.
var filterEq = regexp.MustCompile(`^\s*(\w+)\s+eq\s+'([^']*)'\s*$`)

func (s *Server) listDirectory(w http.ResponseWriter, r *http.Request, p principal, collection string) {
	if !hasScope(p, "Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All") {
		writeDenied(w, r)
		return
	}
	field, value := "", ""
	if f := r.URL.Query().Get("$filter"); f != "" {
		m := filterEq.FindStringSubmatch(f)
		if m == nil {
			writeGraphError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported query.")
			return
		}
		field, value = strings.ToLower(m[1]), m[2]
	}
	var out []any
	switch collection {
	case "applications":
		for _, a := range s.w.Applications {
			if field == "" || field == "displayname" && strings.EqualFold(a.DisplayName, value) || field == "appid" && strings.EqualFold(a.AppID, value) {
				out = append(out, a)
			}
		}
	case "serviceprincipals":
		for _, sp := range s.servicePrincipals() {
			if field == "" || field == "appid" && strings.EqualFold(sp.AppID, value) || field == "displayname" && strings.EqualFold(sp.DisplayName, value) {
				out = append(out, sp)
			}
		}
	case "oauth2permissiongrants":
		for _, g := range s.w.PermissionGrants {
			if field == "" || field == "clientid" && strings.EqualFold(g.ClientID, value) || field == "resourceid" && strings.EqualFold(g.ResourceID, value) {
				out = append(out, g)
			}
		}
	}
	if out == nil {
		out = []any{}
	}
	writeCollection(w, r, collection, out, "")
}

func (s *Server) createDirectory(w http.ResponseWriter, r *http.Request, p principal, collection string) {
	scope, roles, what := "Application.ReadWrite.All", createAppRoles, "create applications"
	if collection == "oauth2permissiongrants" {
		scope, roles, what = "DelegatedPermissionGrant.ReadWrite.All", grantRoles, "grant consent for the whole tenant"
	}
	if !hasScope(p, scope) || !userHasRole(p.user, roles...) {
		writeGraphError(w, r, http.StatusForbidden, "Authorization_RequestDenied",
			"Insufficient privileges to complete the operation. (The signed-in user may not "+what+".)")
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes))
	switch collection {
	case "applications":
		var a Application
		if err := dec.Decode(&a); err != nil || strings.TrimSpace(a.DisplayName) == "" {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "A displayName is required.")
			return
		}
		a.ID, a.AppID = newGUID(), newGUID()
		s.w.Applications = append(s.w.Applications, a)
		s.changed()
		writeJSON(w, http.StatusCreated, graphType, a)
	case "serviceprincipals":
		var body struct {
			AppID string `json:"appId"`
		}
		if err := dec.Decode(&body); err != nil || body.AppID == "" {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "An appId is required.")
			return
		}
		for _, sp := range s.servicePrincipals() {
			if strings.EqualFold(sp.AppID, body.AppID) {
				writeGraphError(w, r, http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue",
					"The service principal name is already in use.")
				return
			}
		}
		sp := ServicePrincipal{ID: newGUID(), AppID: body.AppID}
		switch {
		case body.AppID == partnerCenterAppID:
			sp.DisplayName = "Microsoft Partner Center"
			sp.Scopes = []PermissionScope{{ID: partnerCenterImpersonation, Value: "user_impersonation"}}
		default:
			app := s.application(func(a Application) bool { return strings.EqualFold(a.AppID, body.AppID) })
			if app == nil {
				writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest",
					fmt.Sprintf("The appId '%s' of the service principal does not reference a valid application object.", body.AppID))
				return
			}
			sp.DisplayName = app.DisplayName
		}
		s.w.ServicePrincipals = append(s.w.ServicePrincipals, sp)
		s.changed()
		writeJSON(w, http.StatusCreated, graphType, sp)
	case "oauth2permissiongrants":
		var g PermissionGrant
		if err := dec.Decode(&g); err != nil || g.ClientID == "" || g.ResourceID == "" || g.ConsentType == "" {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "clientId, consentType and resourceId are required.")
			return
		}
		if msg := s.checkGrant(g); msg != "" {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", msg)
			return
		}
		for _, old := range s.w.PermissionGrants {
			if old.ClientID == g.ClientID && old.ResourceID == g.ResourceID && old.ConsentType == g.ConsentType && old.PrincipalID == g.PrincipalID {
				writeGraphError(w, r, http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue",
					"Permission entry already exists.")
				return
			}
		}
		g.ID = newGUID()
		s.w.PermissionGrants = append(s.w.PermissionGrants, g)
		s.changed()
		writeJSON(w, http.StatusCreated, graphType, g)
	}
}

// checkGrant says what is wrong with a grant's ids and scopes, or "".
func (s *Server) checkGrant(g PermissionGrant) string {
	var client, api *ServicePrincipal
	sps := s.servicePrincipals()
	for i := range sps {
		switch sps[i].ID {
		case g.ClientID:
			client = &sps[i]
		case g.ResourceID:
			api = &sps[i]
		}
	}
	if client == nil || api == nil {
		return "clientId and resourceId must be the object ids of service principals in this tenant."
	}
	for _, sc := range strings.Fields(g.Scope) {
		if !slices.ContainsFunc(api.Scopes, func(p PermissionScope) bool { return p.Value == sc }) {
			return fmt.Sprintf("The scope '%s' is not offered by %s.", sc, api.DisplayName)
		}
	}
	return ""
}

func (s *Server) patchDirectory(w http.ResponseWriter, r *http.Request, p principal, collection, id string) {
	scope, roles, what := "Application.ReadWrite.All", createAppRoles, "change applications"
	if collection == "oauth2permissiongrants" {
		scope, roles, what = "DelegatedPermissionGrant.ReadWrite.All", grantRoles, "grant consent for the whole tenant"
	}
	if !hasScope(p, scope) || !userHasRole(p.user, roles...) {
		writeGraphError(w, r, http.StatusForbidden, "Authorization_RequestDenied",
			"Insufficient privileges to complete the operation. (The signed-in user may not "+what+".)")
		return
	}
	raw, err := readBody(w, r)
	if err != nil {
		writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "The request body is not JSON.")
		return
	}
	switch collection {
	case "applications":
		app := s.application(func(a Application) bool { return a.ID == id })
		if app == nil {
			writeGraphError(w, r, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist.", id))
			return
		}
		patched := *app
		if err := json.Unmarshal(raw, &patched); err != nil {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "The request body is not an application.")
			return
		}
		patched.ID, patched.AppID = app.ID, app.AppID
		*app = patched
	case "oauth2permissiongrants":
		i := slices.IndexFunc(s.w.PermissionGrants, func(g PermissionGrant) bool { return g.ID == id })
		if i < 0 {
			writeGraphError(w, r, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist.", id))
			return
		}
		patched := s.w.PermissionGrants[i]
		if err := json.Unmarshal(raw, &patched); err != nil {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", "The request body is not a permission grant.")
			return
		}
		patched.ID = id
		if msg := s.checkGrant(patched); msg != "" {
			writeGraphError(w, r, http.StatusBadRequest, "Request_BadRequest", msg)
			return
		}
		s.w.PermissionGrants[i] = patched
	default:
		writeGraphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest",
			"Specified HTTP method is not allowed for the request target.")
		return
	}
	s.changed()
	w.WriteHeader(http.StatusNoContent)
}

// serveMemberOf lists the signed-in user's groups in the partner tenant:
// the Partner Center role groups (AdminAgents...). User.Read suffices for
// one's own memberships.
func (s *Server) serveMemberOf(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.tenant.isPartner() {
		writeDenied(w, r)
		return
	}
	groups := p.user.Groups
	if groups == nil {
		groups = []string{"AdminAgents"}
	}
	out := make([]any, 0, len(groups))
	for _, g := range groups {
		out = append(out, map[string]any{
			"@odata.type": "#microsoft.graph.group",
			"id":          guidFrom("group", s.w.Partner.TenantID, g),
			"displayName": g,
		})
	}
	writeCollection(w, r, "directoryObjects", out, "")
}

// hasScope reports whether the caller's token carries one of scopes.
func hasScope(p principal, scopes ...string) bool {
	have := strings.Fields(p.claims.Scp)
	for _, sc := range scopes {
		if slices.Contains(have, sc) {
			return true
		}
	}
	return false
}

// readBody reads a small JSON request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes)).Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// changed tells the sandbox the world changed. Call with the lock held.
func (s *Server) changed() {
	if s.opts.OnChange != nil {
		s.opts.OnChange(s.w)
	}
}

// cloneDirectory deep-copies the directory objects of w into out.
func cloneDirectory(out, w *World) {
	out.Applications = make([]Application, len(w.Applications))
	for i, a := range w.Applications {
		a.PublicClient.RedirectURIs = slices.Clone(a.PublicClient.RedirectURIs)
		a.RequiredResourceAccess = slices.Clone(a.RequiredResourceAccess)
		for j := range a.RequiredResourceAccess {
			a.RequiredResourceAccess[j].ResourceAccess = slices.Clone(a.RequiredResourceAccess[j].ResourceAccess)
		}
		out.Applications[i] = a
	}
	if w.Applications == nil {
		out.Applications = nil
	}
	out.ServicePrincipals = slices.Clone(w.ServicePrincipals)
	for i := range out.ServicePrincipals {
		out.ServicePrincipals[i].Scopes = slices.Clone(out.ServicePrincipals[i].Scopes)
	}
	out.PermissionGrants = slices.Clone(w.PermissionGrants)
}

// cloneConsents deep-copies a customer's consents of other applications.
func cloneConsents(in map[string]*Consent) map[string]*Consent {
	if in == nil {
		return nil
	}
	out := make(map[string]*Consent, len(in))
	for id, c := range in {
		cp := *c
		cp.Scopes = slices.Clone(c.Scopes)
		out[id] = &cp
	}
	return out
}
