package msfake

import "time"

// World is everything the fake Microsoft knows: one partner tenant, its
// customers with their GDAP relationships, consents, licences and users. It
// is plain data so that the sandbox can generate it from a seed and keep it
// in a file that several seats processes share.
type World struct {
	// SigningKey signs the fake's tokens and device codes (HMAC-SHA256), so
	// that a token issued by one process is accepted by another serving the
	// same world.
	SigningKey []byte `json:"signing_key"`
	// ClientID is the application id the world knows: the one seats is
	// configured with. Tokens are issued to it only.
	ClientID    string     `json:"client_id"`
	AppName     string     `json:"app_name"` // shown on consent pages, e.g. "seats"
	Partner     Partner    `json:"partner"`
	Customers   []Customer `json:"customers"`
	GeneratedAt time.Time  `json:"generated_at"`
	Seed        int64      `json:"seed"`
	// Applications, ServicePrincipals and PermissionGrants are what the
	// partner tenant's directory holds beyond the world's own application:
	// what `seats app create` made (see apps.go).
	Applications      []Application      `json:"applications,omitempty"`
	ServicePrincipals []ServicePrincipal `json:"service_principals,omitempty"`
	PermissionGrants  []PermissionGrant  `json:"permission_grants,omitempty"`
}

// Partner is the MSP's own tenant.
type Partner struct {
	TenantID string        `json:"tenant_id"`
	Name     string        `json:"name"`
	Domain   string        `json:"domain"`
	Users    []PartnerUser `json:"users"` // device-code sign-in approves as Users[0]
}

// PartnerUser is a user of the partner tenant who can sign in.
type PartnerUser struct {
	ObjectID string `json:"object_id"`
	UPN      string `json:"upn"`
	Name     string `json:"name"`
	// Roles are the user's directory roles in the partner tenant (role
	// template ids); nil means Global Administrator, the MSP's own admin
	// the sandbox signs in as.
	Roles []string `json:"roles,omitempty"`
	// Groups are the Partner Center role groups the user is in
	// ("AdminAgents", "SalesAgents", "HelpdeskAgents"); nil means
	// AdminAgents.
	Groups []string `json:"groups,omitempty"`
}

// Customer is one customer tenant.
type Customer struct {
	TenantID     string         `json:"tenant_id"`
	Name         string         `json:"name"`
	Domain       string         `json:"domain"`       // primary (default) domain
	Relationship string         `json:"relationship"` // "reseller" for CSP customers
	GDAP         []Relationship `json:"gdap"`
	Consent      *Consent       `json:"consent,omitempty"` // nil until consented
	// AppConsents are consents of applications other than the world's own
	// (one made by seats app create), by application id.
	AppConsents   map[string]*Consent `json:"app_consents,omitempty"`
	Skus          []Sku               `json:"skus"`
	Subscriptions []Subscription      `json:"subscriptions"`
	Users         []User              `json:"users"`
}

// Relationship is one GDAP delegatedAdminRelationship with the customer.
type Relationship struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"display_name"`
	Status      string   `json:"status"` // Graph's spelling: active, approvalPending, expired...
	Roles       []string `json:"roles"`  // role template ids granted by the relationship
	// AssignedRoles are the roles given through active access assignments
	// (nil means the relationship has no access assignment yet).
	AssignedRoles []string  `json:"assigned_roles,omitempty"`
	Duration      string    `json:"duration"` // ISO 8601, e.g. P730D
	CreatedAt     time.Time `json:"created_at"`
	ActivatedAt   time.Time `json:"activated_at,omitzero"`
	EndAt         time.Time `json:"end_at,omitzero"`
}

// Consent records that the world's application was consented in a customer
// tenant, and how.
type Consent struct {
	Method    string    `json:"method"` // "partner" (Partner Center applicationconsents) or "admin" (adminconsent page)
	Scopes    []string  `json:"scopes"`
	GrantedAt time.Time `json:"granted_at"`
}

// Sku is one subscribed SKU. Consumed units are not stored: the fake counts
// the users that have the SKU assigned, as Microsoft does.
type Sku struct {
	SkuID            string   `json:"sku_id"`
	SkuPartNumber    string   `json:"sku_part_number"`
	CapabilityStatus string   `json:"capability_status"` // Enabled, Warning, Suspended...
	Enabled          int      `json:"enabled"`
	Suspended        int      `json:"suspended"`
	Warning          int      `json:"warning"`
	LockedOut        int      `json:"locked_out"`
	SubscriptionIDs  []string `json:"subscription_ids"`
}

// Subscription is one companySubscription in the tenant.
type Subscription struct {
	ID                     string    `json:"id"`
	CommerceSubscriptionID string    `json:"commerce_subscription_id"`
	SkuID                  string    `json:"sku_id"`
	SkuPartNumber          string    `json:"sku_part_number"`
	Status                 string    `json:"status"`
	TotalLicenses          int       `json:"total_licenses"`
	IsTrial                bool      `json:"is_trial"`
	CreatedAt              time.Time `json:"created_at"`
	NextLifecycleAt        time.Time `json:"next_lifecycle_at,omitzero"`
	OwnerTenantID          string    `json:"owner_tenant_id,omitempty"`
	// Partner Center's view of the subscription (GET
	// /v1/customers/{id}/subscriptions, see pcsubscriptions.go). Each is
	// optional: "" derives it from the fields above, so worlds made before
	// these fields existed serve the same subscriptions.
	OfferID      string `json:"offer_id,omitempty"`      // e.g. "CFQ7TTC0LH18:0001"
	OfferName    string `json:"offer_name,omitempty"`    // e.g. "Microsoft 365 Business Premium"
	TermDuration string `json:"term_duration,omitempty"` // ISO 8601 as Partner Center writes it: P1M, P1Y, P3Y
	BillingCycle string `json:"billing_cycle,omitempty"` // monthly, annual, triennial, none...
	PCStatus     string `json:"pc_status,omitempty"`     // as Partner Center spells it: active, suspended, deleted, expired...
}

// User is one user of a customer tenant.
type User struct {
	ID             string   `json:"id"`
	DisplayName    string   `json:"display_name"`
	UPN            string   `json:"upn"`
	AccountEnabled bool     `json:"account_enabled"`
	Licenses       []string `json:"licenses"` // assigned skuIds
}
