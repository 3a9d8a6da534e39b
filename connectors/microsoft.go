package connectors

import (
	"context"
	"sort"
	"time"
)

// Account is the partner user signed in to the MSP's own Microsoft tenant.
type Account struct {
	Username        string `json:"username"`          // user principal name, e.g. alex@msp.example
	Name            string `json:"name,omitempty"`    // display name, when the ID token carries one
	HomeAccountID   string `json:"home_account_id"`   // MSAL's <oid>.<tid>, the key of the token cache
	PartnerTenantID string `json:"partner_tenant_id"` // the MSP's own tenant
}

// Customer is one customer tenant of the partner, as Partner Center lists it.
type Customer struct {
	TenantID      string `json:"tenant_id"`
	Name          string `json:"name"`
	PrimaryDomain string `json:"primary_domain"`
	Relationship  string `json:"relationship,omitempty"` // reseller, advisor... as Partner Center says
}

// Well-known Entra role template ids that decide what seats can do in a
// customer tenant through GDAP.
const (
	RoleGlobalAdministrator           = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedRoleAdministrator   = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleApplicationAdministrator      = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleCloudApplicationAdministrator = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleGlobalReader                  = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleLicenseAdministrator          = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
	RoleUserAdministrator             = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	RoleDirectoryReaders              = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
	RoleDirectoryWriters              = "9360feb5-f418-4baa-8175-e2a00bac4301"
	RoleHelpdeskAdministrator         = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
	RoleServiceSupportAdministrator   = "f023fd81-a637-4b56-95fd-791ac0226033"
	RoleExchangeAdministrator         = "29232cdf-9323-42fd-ade2-1d097af3e4de"
	RoleSecurityReader                = "5d6b6bb7-de71-4623-b4af-96380a352509"
)

var roleNames = map[string]string{
	RoleGlobalAdministrator:           "Global Administrator",
	RolePrivilegedRoleAdministrator:   "Privileged Role Administrator",
	RoleApplicationAdministrator:      "Application Administrator",
	RoleCloudApplicationAdministrator: "Cloud Application Administrator",
	RoleGlobalReader:                  "Global Reader",
	RoleLicenseAdministrator:          "License Administrator",
	RoleUserAdministrator:             "User Administrator",
	RoleDirectoryReaders:              "Directory Readers",
	RoleDirectoryWriters:              "Directory Writers",
	RoleHelpdeskAdministrator:         "Helpdesk Administrator",
	RoleServiceSupportAdministrator:   "Service Support Administrator",
	RoleExchangeAdministrator:         "Exchange Administrator",
	RoleSecurityReader:                "Security Reader",
}

// RoleName returns the display name of a role template id, or the id itself.
func RoleName(id string) string {
	if n, ok := roleNames[id]; ok {
		return n
	}
	return id
}

// ReadRoles are the roles any one of which lets a partner user read licences
// and users in a customer tenant.
var ReadRoles = []string{
	RoleGlobalReader, RoleDirectoryReaders, RoleLicenseAdministrator,
	RoleUserAdministrator, RoleDirectoryWriters, RoleGlobalAdministrator,
}

// ConsentRoles are the roles the partner-account consent (Option B) needs.
var ConsentRoles = []string{RolePrivilegedRoleAdministrator, RoleApplicationAdministrator}

// GDAP relationship statuses as Graph spells them.
const (
	RelCreated              = "created"
	RelApprovalPending      = "approvalPending"
	RelApproved             = "approved"
	RelActivating           = "activating"
	RelActive               = "active"
	RelExpiring             = "expiring"
	RelExpired              = "expired"
	RelTerminationRequested = "terminationRequested"
	RelTerminating          = "terminating"
	RelTerminated           = "terminated"
)

// GDAPRelationship is one delegatedAdminRelationship with one customer.
type GDAPRelationship struct {
	ID               string    `json:"id"`
	DisplayName      string    `json:"display_name"`
	CustomerTenantID string    `json:"customer_tenant_id"`
	CustomerName     string    `json:"customer_name"`
	Status           string    `json:"status"`
	Roles            []string  `json:"roles"` // role template ids the relationship grants at most
	ActivatedAt      time.Time `json:"activated_at,omitzero"`
	EndsAt           time.Time `json:"ends_at,omitzero"`
	// AssignedRoles are the roles given to security groups through active
	// access assignments. AssignmentsRead is false when they could not be
	// read; then Roles is all we know.
	AssignedRoles   []string `json:"assigned_roles,omitempty"`
	AssignmentsRead bool     `json:"assignments_read"`
	// AssignmentsError says why the access assignments could not be read
	// when that was a fault (an answer cut short, a relationship ended a
	// moment ago), not a refusal; "" otherwise. Then nothing is known of
	// this relationship's roles now, and the customer keeps the GDAP
	// summary last known, marked stale with this reason.
	AssignmentsError string `json:"assignments_error,omitempty"`
}

// GDAPStatus is one customer's GDAP state, summarised over all its relationships.
type GDAPStatus string

// The GDAP statuses seats shows.
const (
	GDAPActive      GDAPStatus = "active"
	GDAPExpiring    GDAPStatus = "expiring" // active, but ends within ExpiringWithin
	GDAPPending     GDAPStatus = "pending"
	GDAPExpired     GDAPStatus = "expired"
	GDAPNone        GDAPStatus = "none"
	GDAPUnavailable GDAPStatus = "unavailable" // sovereign clouds have no GDAP API
)

// Label is the status as people read it.
func (s GDAPStatus) Label() string {
	switch s {
	case GDAPActive:
		return "Active"
	case GDAPExpiring:
		return "Expiring"
	case GDAPPending:
		return "Pending"
	case GDAPExpired:
		return "Expired"
	case GDAPUnavailable:
		return "not available in this cloud"
	default:
		return "None"
	}
}

// Usable reports whether the status grants access (Active or Expiring).
func (s GDAPStatus) Usable() bool { return s == GDAPActive || s == GDAPExpiring }

// AllowsAccess reports whether seats may try to read the tenant: GDAP is
// Active or Expiring, or the cloud has no GDAP at all (the sovereign clouds),
// where only verifying a token for the tenant can tell.
func (s GDAPStatus) AllowsAccess() bool { return s.Usable() || s == GDAPUnavailable }

// ExpiringWithin is how close to its end an active relationship counts as Expiring.
const ExpiringWithin = 30 * 24 * time.Hour

// GDAPSummary is a customer's GDAP status with what it lets seats do.
type GDAPSummary struct {
	Status GDAPStatus `json:"status"`
	EndsAt time.Time  `json:"ends_at,omitzero"` // the latest end of an active relationship
	// Roles are the roles of active relationships: the assigned ones where
	// access assignments were readable, else the relationship's ceiling.
	Roles         []string `json:"roles,omitempty"`
	RolesAssigned bool     `json:"roles_assigned"` // true when Roles came from access assignments
	// Stale is set when the last refresh could not read this customer's
	// GDAP whole; the summary is the one read before, and StaleReason says
	// what went wrong.
	Stale       bool   `json:"stale,omitempty"`
	StaleReason string `json:"stale_reason,omitempty"`
}

// HasRole reports whether the summary's roles include id.
func (g GDAPSummary) HasRole(id string) bool {
	for _, r := range g.Roles {
		if r == id {
			return true
		}
	}
	return false
}

// HasReadRole reports whether any role lets seats read licences and users.
func (g GDAPSummary) HasReadRole() bool {
	for _, r := range ReadRoles {
		if g.HasRole(r) {
			return true
		}
	}
	return false
}

// MissingConsentRoles lists the names of the roles Option B needs that the
// summary lacks.
func (g GDAPSummary) MissingConsentRoles() []string {
	var missing []string
	for _, r := range ConsentRoles {
		if !g.HasRole(r) && !g.HasRole(RoleGlobalAdministrator) {
			missing = append(missing, RoleName(r))
		}
	}
	return missing
}

// SummarizeGDAP folds every relationship of one customer into one status, as
// of now: Active if one is active (Expiring if the latest end is within
// ExpiringWithin), Pending if one is on its way, Expired if all have ended,
// None if there are none.
func SummarizeGDAP(rels []GDAPRelationship, now time.Time) GDAPSummary {
	var sum GDAPSummary
	pending, ended := false, false
	roles := map[string]bool{}
	assigned := false
	for _, r := range rels {
		switch r.Status {
		case RelActive, RelExpiring:
			if !r.EndsAt.IsZero() && !r.EndsAt.After(now) {
				ended = true
				continue
			}
			sum.Status = GDAPActive
			if r.EndsAt.After(sum.EndsAt) {
				sum.EndsAt = r.EndsAt
			}
			src := r.Roles
			if r.AssignmentsRead {
				src = r.AssignedRoles
				assigned = true
			}
			for _, id := range src {
				roles[id] = true
			}
		case RelCreated, RelApprovalPending, RelApproved, RelActivating:
			pending = true
		case RelExpired, RelTerminated, RelTerminating, RelTerminationRequested:
			ended = true
		}
	}
	switch {
	case sum.Status == GDAPActive:
		if !sum.EndsAt.IsZero() && sum.EndsAt.Sub(now) <= ExpiringWithin {
			sum.Status = GDAPExpiring
		}
		for id := range roles {
			sum.Roles = append(sum.Roles, id)
		}
		sort.Strings(sum.Roles)
		sum.RolesAssigned = assigned
	case pending:
		sum.Status = GDAPPending
	case ended:
		sum.Status = GDAPExpired
	default:
		sum.Status = GDAPNone
	}
	return sum
}

// ConsentState is where a customer stands on the way to Ready.
type ConsentState string

// The consent states.
const (
	ConsentNone      ConsentState = "not_consented"
	ConsentVerifying ConsentState = "verifying"
	ConsentReady     ConsentState = "ready"
	ConsentLost      ConsentState = "lost"   // was Ready, stopped working
	ConsentFailed    ConsentState = "failed" // the last attempt failed
)

// Label is the state as people read it.
func (s ConsentState) Label() string {
	switch s {
	case ConsentVerifying:
		return "Verifying"
	case ConsentReady:
		return "Ready"
	case ConsentLost:
		return "Lost"
	case ConsentFailed:
		return "Failed"
	default:
		return "Not consented"
	}
}

// ConsentMethod is how consent was given.
type ConsentMethod string

// The two consent methods.
const (
	ConsentByPartner ConsentMethod = "partner" // Option B: Partner Center applicationconsents
	ConsentByAdmin   ConsentMethod = "admin"   // Option A: the customer's admin opened the link
)

// ConsentRecord is what seats knows about its consent in one customer tenant.
type ConsentRecord struct {
	TenantID   string        `json:"tenant_id"`
	State      ConsentState  `json:"state"`
	Method     ConsentMethod `json:"method,omitempty"`
	Reason     string        `json:"reason,omitempty"` // why not Ready, in one sentence
	UpdatedAt  time.Time     `json:"updated_at"`
	VerifiedAt time.Time     `json:"verified_at,omitzero"` // last successful verification
	// LinkSentAt is when an admin-consent link (Option A) was last handed
	// out for this tenant and not yet seen accepted; zero otherwise.
	LinkSentAt time.Time `json:"link_sent_at,omitzero"`
	// PID is the process that recorded a Verifying state, so that a state
	// left by a seats that no longer runs reads as interrupted.
	PID int `json:"pid,omitempty"`
}

// PrepaidUnits are a subscribed SKU's licence counts by state.
type PrepaidUnits struct {
	Enabled   int `json:"enabled"`
	Suspended int `json:"suspended"`
	Warning   int `json:"warning"`
	LockedOut int `json:"locked_out"`
}

// SubscribedSku is one licence SKU the tenant has, with its counts.
type SubscribedSku struct {
	SkuID            string       `json:"sku_id"`
	SkuPartNumber    string       `json:"sku_part_number"`
	CapabilityStatus string       `json:"capability_status"`
	AppliesTo        string       `json:"applies_to,omitempty"`
	ConsumedUnits    int          `json:"consumed_units"`
	PrepaidUnits     PrepaidUnits `json:"prepaid_units"`
	SubscriptionIDs  []string     `json:"subscription_ids,omitempty"`
}

// Unused is enabled licences minus assigned ones (never negative).
func (s SubscribedSku) Unused() int {
	if u := s.PrepaidUnits.Enabled - s.ConsumedUnits; u > 0 {
		return u
	}
	return 0
}

// DirectorySubscription is one commercial subscription inside the tenant
// (Graph companySubscription).
type DirectorySubscription struct {
	ID                     string    `json:"id"`
	CommerceSubscriptionID string    `json:"commerce_subscription_id,omitempty"`
	SkuID                  string    `json:"sku_id"`
	SkuPartNumber          string    `json:"sku_part_number"`
	Status                 string    `json:"status"`
	TotalLicenses          int       `json:"total_licenses"`
	IsTrial                bool      `json:"is_trial"`
	CreatedAt              time.Time `json:"created_at,omitzero"`
	NextLifecycleAt        time.Time `json:"next_lifecycle_at,omitzero"`
	OwnerTenantID          string    `json:"owner_tenant_id,omitempty"`
}

// AssignedLicense is one licence assigned to a user.
type AssignedLicense struct {
	SkuID         string   `json:"sku_id"`
	DisabledPlans []string `json:"disabled_plans,omitempty"`
}

// User is one user of a customer tenant with the licences assigned to them.
type User struct {
	ID                string            `json:"id"`
	DisplayName       string            `json:"display_name"`
	UserPrincipalName string            `json:"upn"`
	AccountEnabled    bool              `json:"account_enabled"`
	Licenses          []AssignedLicense `json:"licenses,omitempty"`
}

// LicenceSnapshot is everything read about licences in one tenant at one time.
type LicenceSnapshot struct {
	TenantID      string                  `json:"tenant_id"`
	TakenAt       time.Time               `json:"taken_at"`
	Skus          []SubscribedSku         `json:"skus"`
	Subscriptions []DirectorySubscription `json:"subscriptions"`
	Users         []User                  `json:"users"`
	// Domains are the tenant's verified domains (Graph organization
	// verifiedDomains): evidence for matching it to a distributor account
	// or PSA company by website.
	Domains []string `json:"domains,omitempty"`
	// Stale is set when the last sync of this tenant failed; the data is the
	// previous successful read and StaleReason says why it was not refreshed.
	Stale       bool      `json:"stale,omitempty"`
	StaleReason string    `json:"stale_reason,omitempty"`
	StaleSince  time.Time `json:"stale_since,omitzero"`
}

// Microsoft is what seats needs from Microsoft: the partner's customers and
// GDAP relationships, consent into customer tenants, and licence reads.
// Sign-in lives with the implementation because it is interactive.
type Microsoft interface {
	// Customers lists every customer of the signed-in partner, all pages.
	Customers(ctx context.Context) ([]Customer, error)
	// GDAPRelationships lists every delegated admin relationship of the
	// partner, all pages, with access assignments where readable. available
	// is false in a cloud that has no GDAP API (the sovereign clouds).
	GDAPRelationships(ctx context.Context) (rels []GDAPRelationship, available bool, err error)
	// ConsentPartner grants seats' application its Graph scopes in the
	// customer tenant with the signed-in partner account (Option B). An
	// existing consent is not an error.
	ConsentPartner(ctx context.Context, tenantID string) error
	// AdminConsentURL is the link the customer's own admin opens (Option A).
	AdminConsentURL(tenantID string) string
	// Verify proves seats can read the tenant: a token for the tenant is
	// issued silently and subscribedSkus answers. A missing consent is an
	// error of kind ErrConsentRequired.
	Verify(ctx context.Context, tenantID string) error
	// Licences reads subscribed SKUs, directory subscriptions and users (all
	// pages) of one customer tenant.
	Licences(ctx context.Context, tenantID string) (LicenceSnapshot, error)
}

// CustomerStatus joins what seats knows about one customer: who it is, its
// GDAP status and its consent state. It is what the customer table and
// `seats status` show.
type CustomerStatus struct {
	Customer
	GDAP    GDAPSummary   `json:"gdap"`
	Consent ConsentRecord `json:"consent"`
}

// Ready reports whether seats can read this customer's licences now:
// GDAP Active or Expiring (or no GDAP in this cloud), and consent verified.
func (c CustomerStatus) Ready() bool {
	return c.GDAP.Status.AllowsAccess() && c.Consent.State == ConsentReady
}

// Eligible reports whether the bulk partner consent should try this
// customer: GDAP grants access and seats is not Ready there yet.
func (c CustomerStatus) Eligible() bool {
	return c.GDAP.Status.AllowsAccess() && !c.Ready()
}
