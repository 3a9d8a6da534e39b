package msfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// The first-party application ids a scope may name instead of a URL.
const (
	graphAppID         = "00000003-0000-0000-c000-000000000000"
	partnerCenterAppID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"
)

// Lifetimes, as Entra's defaults.
const (
	accessTokenLife  = time.Hour
	refreshTokenLife = 90 * 24 * time.Hour
	authCodeLife     = 10 * time.Minute
)

// defaultGraphScopes is what ".default" stands for in the partner tenant:
// the delegated permissions seats' app registration is expected to carry.
var defaultGraphScopes = []string{
	"DelegatedAdminRelationship.Read.All", "Directory.Read.All", "Organization.Read.All",
	"User.Read", "User.Read.All",
}

// adminConsentScopes are the scopes an admin consent for ".default" grants.
var adminConsentScopes = []string{"Organization.Read.All", "User.Read.All"}

// tenantRef is a tenant the request names: the partner's own or a customer.
type tenantRef struct {
	id       string
	name     string
	customer *Customer // nil for the partner tenant; points into the world, use under the lock
}

func (t tenantRef) isPartner() bool { return t.customer == nil }

// resolveTenant maps an authority's tenant segment to a tenant: the
// "organizations" and "common" aliases and the partner's id or domain mean
// the partner; a customer's id or domain means that customer. Call with the
// lock held.
func (s *Server) resolveTenant(seg string) (tenantRef, bool) {
	p := s.w.Partner
	switch {
	case strings.EqualFold(seg, "organizations"), strings.EqualFold(seg, "common"),
		strings.EqualFold(seg, p.TenantID), p.Domain != "" && strings.EqualFold(seg, p.Domain):
		return tenantRef{id: p.TenantID, name: p.Name}, true
	}
	if c, ok := s.customerBySegment(seg); ok {
		return tenantRef{id: c.TenantID, name: c.Name, customer: c}, true
	}
	return tenantRef{}, false
}

// partnerUser finds a partner user by object id. Call with the lock held.
func (s *Server) partnerUser(oid string) (PartnerUser, bool) {
	for _, u := range s.w.Partner.Users {
		if u.ObjectID == oid {
			return u, true
		}
	}
	return PartnerUser{}, false
}

// resource is the API a token is for.
type resource int

const (
	resGraph resource = iota + 1
	resPartnerCenter
)

func (r resource) path() string {
	if r == resPartnerCenter {
		return pcPrefix
	}
	return graphPrefix
}

// scopeRequest is a parsed scope parameter.
type scopeRequest struct {
	echo  []string // the requested scopes minus the OpenID ones, verbatim, for the response
	names []string // the permission names without their resource, e.g. "User.Read", ".default"
	res   resource
	aud   string // the audience of the token: the resource as the client named it
}

var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// parseScopes works out which API a scope parameter asks for, as Entra does:
// a URL scope names its resource, a GUID prefix names an application, a bare
// permission means Graph. One token serves one resource.
func parseScopes(base, scope string) (scopeRequest, *aadErr) {
	var req scopeRequest
	for _, sc := range strings.Fields(scope) {
		if oidcScopes[strings.ToLower(sc)] {
			continue
		}
		req.echo = append(req.echo, sc)
		res, aud, name, err := scopeResource(base, sc)
		if err != nil {
			return scopeRequest{}, err
		}
		if req.res != 0 && req.res != res {
			return scopeRequest{}, &aadErr{status: http.StatusBadRequest, code: "invalid_request", aadsts: 28000,
				desc: fmt.Sprintf("Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", scope)}
		}
		if req.res == 0 {
			req.res, req.aud = res, aud
		}
		req.names = append(req.names, name)
	}
	if req.res == 0 {
		// Only OpenID scopes: Entra issues a Graph token with User.Read.
		req.res, req.aud, req.names = resGraph, base+graphPrefix, []string{"User.Read"}
	}
	return req, nil
}

func scopeResource(base, sc string) (resource, string, string, *aadErr) {
	unknown := func(name string) *aadErr {
		return &aadErr{status: http.StatusBadRequest, code: "invalid_resource", aadsts: 500011,
			desc: fmt.Sprintf("The resource principal named %s was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", name)}
	}
	i := strings.LastIndex(sc, "/")
	if i < 0 {
		return resGraph, base + graphPrefix, sc, nil
	}
	prefix, name := sc[:i], sc[i+1:]
	if strings.Contains(prefix, "://") {
		u, err := url.Parse(prefix)
		if err != nil {
			return 0, "", "", unknown(prefix)
		}
		// The host is not compared: a sandbox may come back on another port,
		// and tokens cached by the previous run must still be accepted.
		switch strings.TrimRight(u.Path, "/") {
		case graphPrefix:
			return resGraph, prefix, name, nil
		case pcPrefix:
			return resPartnerCenter, prefix, name, nil
		}
		return 0, "", "", unknown(prefix)
	}
	switch strings.ToLower(prefix) {
	case graphAppID:
		return resGraph, base + graphPrefix, name, nil
	case partnerCenterAppID:
		return resPartnerCenter, base + pcPrefix, name, nil
	}
	return 0, "", "", unknown(prefix)
}

// accessClaims are the claims of the fake's access tokens, a subset of
// Entra's v1 access token.
type accessClaims struct {
	Aud   string `json:"aud"`
	Iss   string `json:"iss"`
	Iat   int64  `json:"iat"`
	Nbf   int64  `json:"nbf"`
	Exp   int64  `json:"exp"`
	AppID string `json:"appid"`
	IdP   string `json:"idp,omitempty"` // the user's home issuer when the token is for another tenant
	Name  string `json:"name"`
	OID   string `json:"oid"`
	Scp   string `json:"scp"`
	Sub   string `json:"sub"`
	TID   string `json:"tid"`
	UPN   string `json:"upn"`
	Ver   string `json:"ver"`
}

// idClaims are the claims of the fake's ID tokens (v2.0).
type idClaims struct {
	Aud               string `json:"aud"`
	Iss               string `json:"iss"`
	Iat               int64  `json:"iat"`
	Nbf               int64  `json:"nbf"`
	Exp               int64  `json:"exp"`
	Name              string `json:"name"`
	OID               string `json:"oid"`
	PreferredUsername string `json:"preferred_username"`
	Sub               string `json:"sub"`
	TID               string `json:"tid"`
	Ver               string `json:"ver"`
}

// refreshGrant is the content of a refresh token.
type refreshGrant struct {
	OID string `json:"oid"`
	CID string `json:"cid"`
	Iat int64  `json:"iat"` // unix milliseconds
	Gen int64  `json:"gen"` // the issuing server's revocation generation
}

// tokenResponse is Entra's token endpoint answer.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	ClientInfo   string `json:"client_info"`
}

func issuerOf(base, tenantID string) string { return base + "/" + tenantID + "/v2.0" }

// usableRelationships are the customer's relationships that grant access now:
// active (or expiring) and not past their end.
func usableRelationships(c *Customer, now time.Time) []Relationship {
	var out []Relationship
	for _, rel := range c.GDAP {
		if rel.Status != connectors.RelActive && rel.Status != connectors.RelExpiring {
			continue
		}
		if !rel.EndAt.IsZero() && !rel.EndAt.After(now) {
			continue
		}
		out = append(out, rel)
	}
	return out
}

// effectiveRoles are the roles the partner user holds through a
// relationship: its access assignments where there are any, else the
// relationship's roles.
func effectiveRoles(rel Relationship) []string {
	if rel.AssignedRoles != nil {
		return rel.AssignedRoles
	}
	return rel.Roles
}

// gdapRoles is the union of the roles of every usable relationship: a user
// in several GDAP security groups holds all their roles at once.
func gdapRoles(c *Customer, now time.Time) map[string]bool {
	roles := map[string]bool{}
	for _, rel := range usableRelationships(c, now) {
		for _, id := range effectiveRoles(rel) {
			roles[id] = true
		}
	}
	return roles
}

// issue signs tokens for a partner user in a tenant, after the checks Entra
// makes for a partner user reaching into a customer tenant through GDAP.
// Call with the lock held.
func (s *Server) issue(base, clientID string, user PartnerUser, t tenantRef, scopes scopeRequest) (tokenResponse, *aadErr) {
	now := s.now()
	w := s.w
	appScopes, e := s.appTokenScopes(clientID, t, scopes)
	if e != nil {
		return tokenResponse{}, e
	}
	if c := t.customer; c != nil {
		if len(usableRelationships(c, now)) == 0 {
			return tokenResponse{}, &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 50020,
				desc: fmt.Sprintf("User account '{EUII Hidden}' from identity provider '%s' does not exist in tenant '%s' and cannot access the application '%s'(%s) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
					issuerOf(base, w.Partner.TenantID), c.Name, w.ClientID, w.AppName)}
		}
		if s.consentFor(c, clientID) == nil {
			return tokenResponse{}, &aadErr{status: http.StatusBadRequest, code: "invalid_grant", aadsts: 65001,
				suberror: "consent_required",
				desc: fmt.Sprintf("The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.",
					clientID, w.AppName)}
		}
	}
	scp := scopes.names
	if slices.Contains(scp, ".default") {
		switch {
		case appScopes != nil:
			scp = appScopes
		case scopes.res == resPartnerCenter:
			scp = []string{"user_impersonation"}
		case t.customer != nil:
			scp = s.consentFor(t.customer, clientID).Scopes
		default:
			scp = defaultGraphScopes
		}
	}
	iat := now.Unix()
	at := accessClaims{
		Aud: scopes.aud, Iss: issuerOf(base, t.id), Iat: iat, Nbf: iat, Exp: now.Add(accessTokenLife).Unix(),
		AppID: clientID, Name: user.Name, OID: user.ObjectID, Scp: strings.Join(scp, " "),
		Sub: guidFrom("sub", user.ObjectID, clientID, scopes.aud), TID: t.id, UPN: user.UPN, Ver: "1.0",
	}
	if !t.isPartner() {
		at.IdP = issuerOf(base, w.Partner.TenantID)
	}
	id := idClaims{
		Aud: clientID, Iss: issuerOf(base, t.id), Iat: iat, Nbf: iat, Exp: now.Add(accessTokenLife).Unix(),
		Name: user.Name, OID: user.ObjectID, PreferredUsername: user.UPN,
		Sub: guidFrom("sub", user.ObjectID, clientID), TID: t.id, Ver: "2.0",
	}
	access := signJWT(w.SigningKey, at)
	if s.opts.OpaqueAccessTokens {
		access = seal(w.SigningKey, "at", at)
	}
	info, _ := json.Marshal(map[string]string{"uid": user.ObjectID, "utid": w.Partner.TenantID})
	rt := refreshGrant{OID: user.ObjectID, CID: clientID, Iat: now.UnixMilli(), Gen: s.rtGeneration}
	return tokenResponse{
		TokenType:    "Bearer",
		Scope:        strings.Join(scopes.echo, " "),
		ExpiresIn:    int(accessTokenLife / time.Second),
		ExtExpiresIn: int(accessTokenLife / time.Second),
		AccessToken:  access,
		RefreshToken: seal(w.SigningKey, "rt", rt),
		IDToken:      signJWT(w.SigningKey, id),
		ClientInfo:   b64.EncodeToString(info),
	}, nil
}

// principal is who an API call comes from, after its token was checked.
type principal struct {
	claims accessClaims
	user   PartnerUser
	tenant tenantRef
}

// authenticate checks the request's bearer token for the API res. On
// failure it returns the message the API puts in its 401. Call with the lock
// held.
func (s *Server) authenticate(r *http.Request, res resource) (principal, string) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return principal{}, "Access token is empty."
	}
	var c accessClaims
	err := parseJWT(s.w.SigningKey, tok, &c)
	if err != nil && s.opts.OpaqueAccessTokens {
		err = unseal(s.w.SigningKey, "at", tok, &c)
	}
	if err != nil {
		if err == errBadSignature {
			return principal{}, "Access token validation failure. Invalid signature."
		}
		return principal{}, "IDX14100: JWT is not well formed."
	}
	now := s.now().Unix()
	if c.Exp <= now {
		return principal{}, "Lifetime validation failed, the token is expired."
	}
	if c.Nbf > now+300 { // Entra allows five minutes of clock skew
		return principal{}, "Lifetime validation failed, the token is not yet valid."
	}
	if !audienceIs(c.Aud, res) {
		return principal{}, "Access token validation failure. Invalid audience."
	}
	if !s.knownClient(c.AppID) {
		return principal{}, "Access token validation failure. The application is not known in this directory."
	}
	t, ok := s.resolveTenant(c.TID)
	if !ok || t.id != c.TID {
		return principal{}, "Access token validation failure. The tenant is not known."
	}
	u, ok := s.partnerUser(c.OID)
	if !ok {
		return principal{}, "Access token validation failure. The user is not known."
	}
	return principal{claims: c, user: u, tenant: t}, ""
}

// audienceIs reports whether aud names the API res (by path; see
// scopeResource for why the host is not compared).
func audienceIs(aud string, res resource) bool {
	u, err := url.Parse(aud)
	if err != nil || u.Scheme == "" {
		return false
	}
	return strings.TrimRight(u.Path, "/") == res.path()
}
