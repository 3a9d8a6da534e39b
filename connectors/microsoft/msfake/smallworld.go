package msfake

import (
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Real Microsoft 365 SKU ids (Graph skuId) used by the small world.
const (
	SkuBusinessPremium  = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" // SPB, Microsoft 365 Business Premium
	SkuBusinessStandard = "f245ecc8-75af-4f8e-b61f-27d8114de5f3" // O365_BUSINESS_PREMIUM, Microsoft 365 Business Standard
	SkuExchangePlan1    = "4b9405b0-7788-4568-add1-99614e613b69" // EXCHANGESTANDARD, Exchange Online (Plan 1)
)

// SmallWorldClientID is the application id of SmallWorld's app registration.
const SmallWorldClientID = "6a8c3b1e-2f4d-4e7a-9b5c-0d1e2f3a4b5c"

var skuPartNumbers = map[string]string{
	SkuBusinessPremium:  "SPB",
	SkuBusinessStandard: "O365_BUSINESS_PREMIUM",
	SkuExchangePlan1:    "EXCHANGESTANDARD",
}

// The small world's customers, in the order SmallWorld lists them; tests
// pick customers by these names.
const (
	SmallFabrikam  = "Fabrikam Dental"    // GDAP active with every role, roles assigned; consented
	SmallAdatum    = "Adatum Legal"       // GDAP active without Privileged Role Administrator
	SmallTailspin  = "Tailspin Bakery"    // GDAP active, ends within 30 days; no access assignments yet
	SmallWoodgrove = "Woodgrove Florists" // GDAP approvalPending
	SmallLitware   = "Litware Accounting" // GDAP expired
	SmallProseware = "Proseware Garage"   // no GDAP
)

// SmallWorld builds a small deterministic World for tests as of now: see
// SmallWorldAt.
func SmallWorld() *World { return SmallWorldAt(time.Now()) }

// SmallWorldAt builds the small test world with its dates relative to now
// (truncated to the day, so two calls on one day agree): a partner with one
// user and six customers covering every GDAP state (see the Small*
// constants), exactly one already consented, each with 2-3 real SKUs, their
// subscriptions and five users. ClientID is SmallWorldClientID and the
// signing key is fixed, so two servers over two SmallWorlds accept each
// other's tokens.
func SmallWorldAt(now time.Time) *World {
	day := now.UTC().Truncate(24 * time.Hour)
	days := func(n int) time.Time { return day.Add(time.Duration(n) * 24 * time.Hour) }

	partner := Partner{
		TenantID: guidFrom("small", "tenant", "partner"),
		Name:     "Northwind IT Services",
		Domain:   "northwindit.onmicrosoft.com",
		Users: []PartnerUser{{
			ObjectID: guidFrom("small", "partner-user", "alex"),
			UPN:      "alex.morgan@northwindit.onmicrosoft.com",
			Name:     "Alex Morgan",
		}},
	}
	fullRoles := []string{
		connectors.RoleGlobalReader, connectors.RoleDirectoryReaders, connectors.RoleLicenseAdministrator,
		connectors.RoleUserAdministrator, connectors.RolePrivilegedRoleAdministrator,
		connectors.RoleApplicationAdministrator, connectors.RoleCloudApplicationAdministrator,
	}
	noPRA := []string{
		connectors.RoleGlobalReader, connectors.RoleLicenseAdministrator,
		connectors.RoleUserAdministrator, connectors.RoleApplicationAdministrator,
	}

	type skuSpec struct {
		id      string
		enabled int
		status  string
	}
	build := func(name string, gdap []Relationship, skus []skuSpec, licences [][]string) Customer {
		slug := strings.ToLower(strings.Fields(name)[0])
		c := Customer{
			TenantID:     guidFrom("small", "tenant", name),
			Name:         name,
			Domain:       slug + ".onmicrosoft.com",
			Relationship: "reseller",
			GDAP:         gdap,
		}
		for _, sp := range skus {
			sub := Subscription{
				ID:                     guidFrom("small", "subscription", name, sp.id),
				CommerceSubscriptionID: guidFrom("small", "commerce", name, sp.id),
				SkuID:                  sp.id,
				SkuPartNumber:          skuPartNumbers[sp.id],
				Status:                 sp.status,
				TotalLicenses:          sp.enabled,
				CreatedAt:              days(-200),
				NextLifecycleAt:        days(165),
				OwnerTenantID:          partner.TenantID,
			}
			c.Subscriptions = append(c.Subscriptions, sub)
			c.Skus = append(c.Skus, Sku{
				SkuID: sp.id, SkuPartNumber: skuPartNumbers[sp.id], CapabilityStatus: sp.status,
				Enabled: sp.enabled, SubscriptionIDs: []string{sub.ID},
			})
		}
		first := []string{"Ada", "Ben", "Chloe", "Dev", "Erin"}
		for i, lic := range licences {
			c.Users = append(c.Users, User{
				ID:             guidFrom("small", "user", name, first[i]),
				DisplayName:    first[i] + " " + strings.Fields(name)[0],
				UPN:            strings.ToLower(first[i]) + "@" + c.Domain,
				AccountEnabled: i != 3, // the fourth user left: disabled, often still licensed
				Licenses:       lic,
			})
		}
		return c
	}
	rel := func(customer, status string, roles, assigned []string, created, activated, end time.Time) Relationship {
		return Relationship{
			ID:            guidFrom("small", "gdap", customer) + "-" + guidFrom("small", "gdap2", customer),
			DisplayName:   "Northwind-" + strings.Fields(customer)[0],
			Status:        status,
			Roles:         roles,
			AssignedRoles: assigned,
			Duration:      "P730D",
			CreatedAt:     created,
			ActivatedAt:   activated,
			EndAt:         end,
		}
	}
	const (
		spb = SkuBusinessPremium
		std = SkuBusinessStandard
		exo = SkuExchangePlan1
	)

	fabrikam := build(SmallFabrikam,
		[]Relationship{rel(SmallFabrikam, connectors.RelActive, fullRoles, fullRoles, days(-131), days(-130), days(600))},
		[]skuSpec{{spb, 10, "Enabled"}, {exo, 5, "Enabled"}},
		[][]string{{spb}, {spb}, {spb, exo}, {spb}, {exo}})
	fabrikam.Consent = &Consent{
		Method: "partner", Scopes: []string{"Directory.Read.All", "User.Read.All", "Organization.Read.All"},
		GrantedAt: days(-100),
	}
	adatum := build(SmallAdatum,
		[]Relationship{rel(SmallAdatum, connectors.RelActive, noPRA, noPRA, days(-331), days(-330), days(400))},
		[]skuSpec{{std, 8, "Enabled"}, {exo, 3, "Warning"}},
		[][]string{{std}, {std}, {std}, {exo}, nil})
	tailspin := build(SmallTailspin,
		[]Relationship{rel(SmallTailspin, connectors.RelActive, fullRoles, nil, days(-719), days(-718), days(12))},
		[]skuSpec{{spb, 5, "Enabled"}, {std, 2, "Enabled"}},
		[][]string{{spb}, {spb}, {std}, {std}, {spb}})
	woodgrove := build(SmallWoodgrove,
		[]Relationship{rel(SmallWoodgrove, connectors.RelApprovalPending, fullRoles, nil, days(-2), time.Time{}, time.Time{})},
		[]skuSpec{{std, 6, "Enabled"}, {exo, 2, "Enabled"}},
		[][]string{{std}, {std}, {exo}, {std}, {std}})
	litware := build(SmallLitware,
		[]Relationship{rel(SmallLitware, connectors.RelExpired, noPRA, nil, days(-751), days(-750), days(-20))},
		[]skuSpec{{spb, 4, "Enabled"}, {exo, 4, "Enabled"}},
		[][]string{{spb}, {spb, exo}, {exo}, {spb}, nil})
	proseware := build(SmallProseware, nil,
		[]skuSpec{{std, 3, "Enabled"}, {exo, 1, "Enabled"}, {spb, 1, "Enabled"}},
		[][]string{{std}, {std}, {exo}, nil, {spb}})

	return &World{
		SigningKey:  []byte("msfake SmallWorld signing key: for tests only, not a secret"),
		ClientID:    SmallWorldClientID,
		AppName:     "seats",
		Partner:     partner,
		Customers:   []Customer{fabrikam, adatum, tailspin, woodgrove, litware, proseware},
		GeneratedAt: day,
		Seed:        1,
	}
}
