package microsoft

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// BootstrapClientID is Microsoft Graph Command Line Tools, Microsoft's
// public client that may ask for any delegated Graph permission. `seats app
// create` signs in with it, once, to register seats' own application: before
// that, seats has no application to sign in as.
const BootstrapClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// PartnerCenterAppID is Microsoft Partner Center's application id, the API
// whose user_impersonation seats asks for.
const PartnerCenterAppID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"

// AppName is the display name of the application seats creates and looks
// for.
const AppName = "seats"

// bootstrapScopes are what the bootstrap sign-in asks for: create the
// application and its service principal, and grant admin consent.
var bootstrapScopes = []string{"Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"}

// AppPermission is one delegated permission seats' application requires.
type AppPermission struct {
	API      string // "Microsoft Graph", "Microsoft Partner Center"
	APIAppID string
	Scope    string
}

// RequiredPermissions are exactly the delegated permissions seats uses, and
// no more: the GDAP relationships in the partner tenant, the customer list
// and consent through Partner Center, and in customer tenants the
// organisation (SKUs, subscriptions) and users with their licences.
var RequiredPermissions = []AppPermission{
	{API: "Microsoft Graph", APIAppID: graphAppID, Scope: "DelegatedAdminRelationship.Read.All"},
	{API: "Microsoft Graph", APIAppID: graphAppID, Scope: "Organization.Read.All"},
	{API: "Microsoft Graph", APIAppID: graphAppID, Scope: "User.Read.All"},
	{API: "Microsoft Partner Center", APIAppID: PartnerCenterAppID, Scope: "user_impersonation"},
}

// PermissionState is one required permission and where it stands.
type PermissionState struct {
	AppPermission
	Declared bool // the application asks for it (requiredResourceAccess)
	Granted  bool // admin consent for everyone in the partner tenant
}

// AppState is seats' application as the partner tenant has it.
type AppState struct {
	Found                bool
	AppID                string // what microsoft.client_id must be
	ObjectID             string
	DisplayName          string
	MultiTenant          bool // signInAudience AzureADMultipleOrgs
	PublicClient         bool // public client flows (device code) allowed
	LocalhostRedirect    bool // http://localhost registered for public clients
	ServicePrincipalID   string
	Permissions          []PermissionState
	OtherApplicationsNow int // other applications with the same name
}

// Missing lists what the application lacks, each in a few words; empty
// when it is ready.
func (s AppState) Missing() []string {
	if !s.Found {
		return []string{"no application named " + AppName + " in the partner tenant"}
	}
	var out []string
	if !s.MultiTenant {
		out = append(out, "multi-tenant sign-in (accounts in any organisational directory)")
	}
	if !s.PublicClient {
		out = append(out, "public client flows (device code)")
	}
	if !s.LocalhostRedirect {
		out = append(out, "the redirect URI "+RedirectURI)
	}
	if s.ServicePrincipalID == "" {
		out = append(out, "its service principal (enterprise application) in the partner tenant")
	}
	for _, p := range s.Permissions {
		switch {
		case !p.Declared:
			out = append(out, fmt.Sprintf("the permission %s %s", p.API, p.Scope))
		case !p.Granted:
			out = append(out, fmt.Sprintf("admin consent for %s %s", p.API, p.Scope))
		}
	}
	return out
}

// AppReport is what EnsureApp did and where the application stands after.
type AppReport struct {
	State   AppState
	Actions []string // what was created or changed, in order, for people
}

// AppAdmin registers and inspects seats' application in the partner tenant.
// It signs in with BootstrapClientID by device code and keeps that sign-in
// in memory only: a token that may create applications is not worth
// keeping.
type AppAdmin struct {
	pca      public.Client
	graph    *httpx.Client
	graphURL string
}

// NewAppAdmin builds an AppAdmin over the hosts and HTTP settings of cfg
// (its ClientID and Cache are not used). It makes no network call.
func NewAppAdmin(cfg Config) (*AppAdmin, error) {
	cfg.ClientID = BootstrapClientID
	cfg.Cache = nil
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &AppAdmin{pca: c.pca, graph: c.graph, graphURL: c.graphURL}, nil
}

// StartDeviceCode asks for a device code for the bootstrap sign-in.
func (a *AppAdmin) StartDeviceCode(ctx context.Context) (*DeviceCode, error) {
	dc, err := a.pca.AcquireTokenByDeviceCode(ctx, a.scopes())
	if err != nil {
		return nil, classifyAuth(ctx, "start device-code sign-in", flowDeviceCode, err)
	}
	return &DeviceCode{UserCode: dc.Result.UserCode, VerificationURL: dc.Result.VerificationURL,
		Message: dc.Result.Message, ExpiresOn: dc.Result.ExpiresOn, msal: dc}, nil
}

// WaitDeviceCode waits for the bootstrap sign-in to finish.
func (a *AppAdmin) WaitDeviceCode(ctx context.Context, dc *DeviceCode) (connectors.Account, error) {
	if dc == nil {
		return connectors.Account{}, errors.New("microsoft: WaitDeviceCode needs the *DeviceCode that StartDeviceCode returned")
	}
	res, err := dc.msal.AuthenticationResult(ctx)
	if err != nil {
		return connectors.Account{}, classifyAuth(ctx, "device-code sign-in", flowDeviceCode, err)
	}
	return accountFromResult(res), nil
}

func (a *AppAdmin) scopes() []string {
	out := make([]string, len(bootstrapScopes))
	for i, s := range bootstrapScopes {
		out[i] = a.graphURL + "/" + s
	}
	return out
}

// header is the Authorization header of the bootstrap sign-in.
func (a *AppAdmin) header(ctx context.Context) (http.Header, error) {
	accts, err := a.pca.Accounts(ctx)
	if err != nil {
		return nil, classifyCacheErr(ctx, err)
	}
	if len(accts) == 0 {
		return nil, &connectors.Error{Kind: connectors.ErrSignInRequired, Service: serviceSignIn, Op: "use the setup sign-in",
			Message: "not signed in for the application setup: sign in with the code shown first"}
	}
	res, err := a.pca.AcquireTokenSilent(ctx, a.scopes(), public.WithSilentAccount(accts[0]))
	if err != nil {
		return nil, classifyAuth(ctx, "token for the application setup", flowSilent, err)
	}
	h := bearer(res.AccessToken)
	h.Set("Content-Type", "application/json")
	return h, nil
}

// Graph's shapes of the objects AppAdmin reads and writes.
type (
	graphApplication struct {
		ID                     string                `json:"id,omitempty"`
		AppID                  string                `json:"appId,omitempty"`
		DisplayName            string                `json:"displayName"`
		SignInAudience         string                `json:"signInAudience"`
		IsFallbackPublicClient bool                  `json:"isFallbackPublicClient"`
		PublicClient           graphPublicClient     `json:"publicClient"`
		RequiredResourceAccess []graphRequiredAccess `json:"requiredResourceAccess"`
	}
	graphPublicClient struct {
		RedirectURIs []string `json:"redirectUris"`
	}
	graphRequiredAccess struct {
		ResourceAppID  string                `json:"resourceAppId"`
		ResourceAccess []graphResourceAccess `json:"resourceAccess"`
	}
	graphResourceAccess struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	graphServicePrincipal struct {
		ID     string `json:"id"`
		AppID  string `json:"appId"`
		Scopes []struct {
			ID    string `json:"id"`
			Value string `json:"value"`
		} `json:"oauth2PermissionScopes"`
	}
	graphGrant struct {
		ID          string `json:"id,omitempty"`
		ClientID    string `json:"clientId"`
		ConsentType string `json:"consentType"`
		ResourceID  string `json:"resourceId"`
		Scope       string `json:"scope"`
	}
)

const multiTenant = "AzureADMultipleOrgs"

// The roles the signed-in user needs, named in refusals.
const (
	msgCreateRole  = "your account may not create or change applications in the partner tenant: it needs the Application Administrator, Cloud Application Administrator or Global Administrator role"
	msgConsentRole = "your account may not grant admin consent in the partner tenant: it needs the Cloud Application Administrator, Application Administrator, Privileged Role Administrator or Global Administrator role"
)

// list reads every object of a filtered Graph collection.
func list[T any](ctx context.Context, a *AppAdmin, h http.Header, collection, filter, op string) ([]T, error) {
	u := a.graphURL + "/v1.0/" + collection + "?$filter=" + url.QueryEscape(filter)
	var out []T
	err := httpx.ODataEach(ctx, a.graph, u, h, op, func(v T) error {
		out = append(out, v)
		return nil
	})
	return out, err
}

func filterEq(field, value string) string {
	return field + " eq '" + strings.ReplaceAll(value, "'", "''") + "'"
}

// servicePrincipal finds the service principal of appID, or nil.
func (a *AppAdmin) servicePrincipal(ctx context.Context, h http.Header, appID string) (*graphServicePrincipal, error) {
	sps, err := list[graphServicePrincipal](ctx, a, h, "servicePrincipals", filterEq("appId", appID), "find a service principal")
	if err != nil || len(sps) == 0 {
		return nil, err
	}
	return &sps[0], nil
}

// ensureServicePrincipal finds or creates the service principal of appID;
// created says which.
func (a *AppAdmin) ensureServicePrincipal(ctx context.Context, h http.Header, appID string) (sp *graphServicePrincipal, created bool, err error) {
	if sp, err = a.servicePrincipal(ctx, h, appID); err != nil || sp != nil {
		return sp, false, err
	}
	var made graphServicePrincipal
	_, err = a.graph.Do(ctx, httpx.Request{Method: http.MethodPost, URL: a.graphURL + "/v1.0/servicePrincipals",
		Header: h, Body: map[string]string{"appId": appID}, Op: "create a service principal"}, &made)
	var ce *connectors.Error
	switch {
	case errors.As(err, &ce) && ce.Status == http.StatusConflict:
		// Made meanwhile (another setup, replication): use that one.
		sp, err = a.servicePrincipal(ctx, h, appID)
		if err == nil && sp == nil {
			err = &connectors.Error{Kind: connectors.ErrBadResponse, Service: "graph", Op: "create a service principal",
				Message: "Graph says the service principal exists but does not list it; try again in a minute"}
		}
		return sp, false, err
	case err != nil:
		return nil, false, roleRefusal(err, msgCreateRole)
	}
	return &made, true, nil
}

// roleRefusal names the role a refused call needs.
func roleRefusal(err error, msg string) error {
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Kind == connectors.ErrForbidden {
		refusal := *ce
		refusal.Message = msg
		return &refusal
	}
	return err
}

// scopeIDs maps the delegated permissions an API offers to their ids.
func scopeIDs(sp *graphServicePrincipal) map[string]string {
	out := map[string]string{}
	if sp == nil {
		return out
	}
	for _, s := range sp.Scopes {
		out[s.Value] = s.ID
	}
	return out
}

// findApp is the application seats uses: by client id when one is given,
// else the one named AppName (the first made, when there are several).
func (a *AppAdmin) findApp(ctx context.Context, h http.Header, clientID string) (*graphApplication, int, error) {
	filter := filterEq("displayName", AppName)
	if clientID != "" {
		filter = filterEq("appId", clientID)
	}
	apps, err := list[graphApplication](ctx, a, h, "applications", filter, "find the seats application")
	if err != nil {
		return nil, 0, roleRefusal(err, msgCreateRole)
	}
	if len(apps) == 0 {
		return nil, 0, nil
	}
	return &apps[0], len(apps) - 1, nil
}

// EnsureApp makes the partner tenant hold seats' application with exactly
// what seats needs, and reports what it did. It is idempotent: an existing
// application named "seats" is reused, and one that lacks a setting or a
// permission is completed, never duplicated. Refusals name the role the
// signed-in account lacks. progress, if set, hears each step as it starts.
func (a *AppAdmin) EnsureApp(ctx context.Context, progress func(step string)) (AppReport, error) {
	say := func(step string) {
		if progress != nil {
			progress(step)
		}
	}
	var rep AppReport
	h, err := a.header(ctx)
	if err != nil {
		return rep, err
	}
	say("Reading the permissions Microsoft Graph and Partner Center offer")
	graphSP, err := a.servicePrincipal(ctx, h, graphAppID)
	if err != nil {
		return rep, err
	}
	if graphSP == nil {
		return rep, &connectors.Error{Kind: connectors.ErrNotFound, Service: "graph", Op: "find Microsoft Graph",
			Message: "the partner tenant has no Microsoft Graph service principal"}
	}
	pcSP, created, err := a.ensureServicePrincipal(ctx, h, PartnerCenterAppID)
	if err != nil {
		return rep, err
	}
	if created {
		rep.Actions = append(rep.Actions, "added Microsoft Partner Center to the partner tenant (its service principal)")
	}
	ids := map[string]map[string]string{graphAppID: scopeIDs(graphSP), PartnerCenterAppID: scopeIDs(pcSP)}
	want, err := requiredAccess(ids)
	if err != nil {
		return rep, err
	}

	say("Looking for an application named " + AppName)
	app, others, err := a.findApp(ctx, h, "")
	if err != nil {
		return rep, err
	}
	switch {
	case app == nil:
		say("Creating the application")
		body := graphApplication{DisplayName: AppName, SignInAudience: multiTenant, IsFallbackPublicClient: true,
			PublicClient: graphPublicClient{RedirectURIs: []string{RedirectURI}}, RequiredResourceAccess: want}
		var made graphApplication
		if _, err := a.graph.Do(ctx, httpx.Request{Method: http.MethodPost, URL: a.graphURL + "/v1.0/applications",
			Header: h, Body: body, Op: "create the seats application"}, &made); err != nil {
			return rep, roleRefusal(err, msgCreateRole)
		}
		app = &made
		rep.Actions = append(rep.Actions, fmt.Sprintf("created the application %s (client id %s): multi-tenant, public client flows on, redirect %s, %d delegated permissions",
			AppName, made.AppID, RedirectURI, len(RequiredPermissions)))
	default:
		if patch, changes := completeApp(*app, want); len(changes) > 0 {
			say("Completing the application")
			if _, err := a.graph.Do(ctx, httpx.Request{Method: http.MethodPatch, URL: a.graphURL + "/v1.0/applications/" + url.PathEscape(app.ID),
				Header: h, Body: patch, Idempotent: true, Op: "complete the seats application"}, nil); err != nil {
				return rep, roleRefusal(err, msgCreateRole)
			}
			app.SignInAudience, app.IsFallbackPublicClient = patch.SignInAudience, patch.IsFallbackPublicClient
			app.PublicClient, app.RequiredResourceAccess = patch.PublicClient, patch.RequiredResourceAccess
			rep.Actions = append(rep.Actions, fmt.Sprintf("completed the existing application %s (client id %s): %s", AppName, app.AppID, strings.Join(changes, "; ")))
		} else {
			rep.Actions = append(rep.Actions, fmt.Sprintf("reused the existing application %s (client id %s): its settings were right", AppName, app.AppID))
		}
		if others > 0 {
			rep.Actions = append(rep.Actions, fmt.Sprintf("left %d other applications named %s alone", others, AppName))
		}
	}

	say("Creating its service principal")
	sp, created, err := a.ensureServicePrincipal(ctx, h, app.AppID)
	if err != nil {
		return rep, err
	}
	if created {
		rep.Actions = append(rep.Actions, "created its service principal (the enterprise application) in the partner tenant")
	}

	say("Granting admin consent in the partner tenant")
	grantActions, err := a.ensureGrants(ctx, h, sp.ID, map[string]string{graphAppID: graphSP.ID, PartnerCenterAppID: pcSP.ID})
	if err != nil {
		return rep, err
	}
	rep.Actions = append(rep.Actions, grantActions...)

	rep.State, err = a.state(ctx, h, app, others)
	return rep, err
}

// requiredAccess is RequiredPermissions as Graph's requiredResourceAccess,
// with each permission's id read from the API's service principal.
func requiredAccess(ids map[string]map[string]string) ([]graphRequiredAccess, error) {
	var out []graphRequiredAccess
	for _, p := range RequiredPermissions {
		id, ok := ids[p.APIAppID][p.Scope]
		if !ok {
			return nil, &connectors.Error{Kind: connectors.ErrNotFound, Service: "graph", Op: "read the permissions " + p.API + " offers",
				Message: fmt.Sprintf("%s offers no delegated permission %s in the partner tenant", p.API, p.Scope)}
		}
		i := slices.IndexFunc(out, func(r graphRequiredAccess) bool { return r.ResourceAppID == p.APIAppID })
		if i < 0 {
			out = append(out, graphRequiredAccess{ResourceAppID: p.APIAppID})
			i = len(out) - 1
		}
		out[i].ResourceAccess = append(out[i].ResourceAccess, graphResourceAccess{ID: id, Type: "Scope"})
	}
	return out, nil
}

// completeApp returns app with what it lacks added (nothing taken away: a
// permission someone added by hand stays) and the changes in words.
func completeApp(app graphApplication, want []graphRequiredAccess) (graphApplication, []string) {
	var changes []string
	if app.SignInAudience != multiTenant {
		changes = append(changes, "made it multi-tenant")
		app.SignInAudience = multiTenant
	}
	if !app.IsFallbackPublicClient {
		changes = append(changes, "turned on public client flows")
		app.IsFallbackPublicClient = true
	}
	if !slices.Contains(app.PublicClient.RedirectURIs, RedirectURI) {
		changes = append(changes, "added the redirect "+RedirectURI)
		app.PublicClient.RedirectURIs = append(slices.Clone(app.PublicClient.RedirectURIs), RedirectURI)
	}
	rra := slices.Clone(app.RequiredResourceAccess)
	added := 0
	for _, w := range want {
		i := slices.IndexFunc(rra, func(r graphRequiredAccess) bool { return r.ResourceAppID == w.ResourceAppID })
		if i < 0 {
			rra = append(rra, graphRequiredAccess{ResourceAppID: w.ResourceAppID})
			i = len(rra) - 1
		}
		rra[i].ResourceAccess = slices.Clone(rra[i].ResourceAccess)
		for _, acc := range w.ResourceAccess {
			if !slices.Contains(rra[i].ResourceAccess, acc) {
				rra[i].ResourceAccess = append(rra[i].ResourceAccess, acc)
				added++
			}
		}
	}
	if added > 0 {
		changes = append(changes, fmt.Sprintf("added %d missing permissions", added))
	}
	app.RequiredResourceAccess = rra
	return app, changes
}

// ensureGrants gives admin consent for everyone in the partner tenant to
// the required permissions of each API: a missing grant is created, one
// that lacks scopes is widened.
func (a *AppAdmin) ensureGrants(ctx context.Context, h http.Header, clientSP string, apiSP map[string]string) ([]string, error) {
	grants, err := list[graphGrant](ctx, a, h, "oauth2PermissionGrants", filterEq("clientId", clientSP), "read the admin consent")
	if err != nil {
		return nil, roleRefusal(err, msgConsentRole)
	}
	var actions []string
	for _, api := range []string{graphAppID, PartnerCenterAppID} {
		var scopes []string
		name := ""
		for _, p := range RequiredPermissions {
			if p.APIAppID == api {
				scopes, name = append(scopes, p.Scope), p.API
			}
		}
		i := slices.IndexFunc(grants, func(g graphGrant) bool {
			return g.ResourceID == apiSP[api] && g.ConsentType == "AllPrincipals"
		})
		if i < 0 {
			g := graphGrant{ClientID: clientSP, ConsentType: "AllPrincipals", ResourceID: apiSP[api], Scope: strings.Join(scopes, " ")}
			if _, err := a.graph.Do(ctx, httpx.Request{Method: http.MethodPost, URL: a.graphURL + "/v1.0/oauth2PermissionGrants",
				Header: h, Body: g, Op: "grant admin consent"}, nil); err != nil {
				return actions, roleRefusal(err, msgConsentRole)
			}
			actions = append(actions, fmt.Sprintf("granted admin consent for %s: %s", name, strings.Join(scopes, ", ")))
			continue
		}
		have := strings.Fields(grants[i].Scope)
		var missing []string
		for _, s := range scopes {
			if !slices.Contains(have, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			continue
		}
		body := map[string]string{"scope": strings.Join(append(have, missing...), " ")}
		if _, err := a.graph.Do(ctx, httpx.Request{Method: http.MethodPatch, URL: a.graphURL + "/v1.0/oauth2PermissionGrants/" + url.PathEscape(grants[i].ID),
			Header: h, Body: body, Idempotent: true, Op: "widen the admin consent"}, nil); err != nil {
			return actions, roleRefusal(err, msgConsentRole)
		}
		actions = append(actions, fmt.Sprintf("added admin consent for %s: %s", name, strings.Join(missing, ", ")))
	}
	return actions, nil
}

// ShowApp reads seats' application (by clientID, or by name when clientID
// is empty) and where each of its settings and permissions stands. It
// changes nothing.
func (a *AppAdmin) ShowApp(ctx context.Context, clientID string) (AppState, error) {
	h, err := a.header(ctx)
	if err != nil {
		return AppState{}, err
	}
	app, others, err := a.findApp(ctx, h, clientID)
	if err != nil || app == nil {
		return AppState{AppID: clientID}, err
	}
	return a.state(ctx, h, app, others)
}

// state reads where app stands: settings, service principal, permissions
// declared and granted.
func (a *AppAdmin) state(ctx context.Context, h http.Header, app *graphApplication, others int) (AppState, error) {
	st := AppState{Found: true, AppID: app.AppID, ObjectID: app.ID, DisplayName: app.DisplayName,
		MultiTenant: app.SignInAudience == multiTenant, PublicClient: app.IsFallbackPublicClient,
		LocalhostRedirect: slices.Contains(app.PublicClient.RedirectURIs, RedirectURI), OtherApplicationsNow: others}
	apiSPs := map[string]*graphServicePrincipal{}
	for _, api := range []string{graphAppID, PartnerCenterAppID} {
		sp, err := a.servicePrincipal(ctx, h, api)
		if err != nil {
			return st, err
		}
		apiSPs[api] = sp
	}
	sp, err := a.servicePrincipal(ctx, h, app.AppID)
	if err != nil {
		return st, err
	}
	var grants []graphGrant
	if sp != nil {
		st.ServicePrincipalID = sp.ID
		if grants, err = list[graphGrant](ctx, a, h, "oauth2PermissionGrants", filterEq("clientId", sp.ID), "read the admin consent"); err != nil {
			return st, roleRefusal(err, msgConsentRole)
		}
	}
	for _, p := range RequiredPermissions {
		ps := PermissionState{AppPermission: p}
		id := scopeIDs(apiSPs[p.APIAppID])[p.Scope]
		for _, r := range app.RequiredResourceAccess {
			if r.ResourceAppID == p.APIAppID && id != "" && slices.Contains(r.ResourceAccess, graphResourceAccess{ID: id, Type: "Scope"}) {
				ps.Declared = true
			}
		}
		for _, g := range grants {
			if api := apiSPs[p.APIAppID]; api != nil && g.ResourceID == api.ID && g.ConsentType == "AllPrincipals" && slices.Contains(strings.Fields(g.Scope), p.Scope) {
				ps.Granted = true
			}
		}
		st.Permissions = append(st.Permissions, ps)
	}
	return st, nil
}
