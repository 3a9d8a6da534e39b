package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
)

type readinessFake struct {
	acct      connectors.Account
	signedIn  bool
	acctErr   error
	scopes    map[string][]string
	scopesErr error
	groups    []string
	rels      []connectors.GDAPRelationship
}

func (f readinessFake) Account(context.Context) (connectors.Account, bool, error) {
	return f.acct, f.signedIn, f.acctErr
}
func (f readinessFake) ConsentedScopes(_ context.Context, api string) ([]string, error) {
	return f.scopes[api], f.scopesErr
}
func (f readinessFake) PartnerGroups(context.Context) ([]string, error) { return f.groups, nil }
func (f readinessFake) GDAPRelationships(context.Context) ([]connectors.GDAPRelationship, bool, error) {
	return f.rels, true, nil
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	allScopes := map[string][]string{"graph": {"DelegatedAdminRelationship.Read.All", "Organization.Read.All", "User.Read.All", "User.Read"},
		"partner center": {"user_impersonation"}}
	rel := func(tenant string, roles ...string) connectors.GDAPRelationship {
		return connectors.GDAPRelationship{ID: tenant, CustomerTenantID: tenant, Status: connectors.RelActive, Roles: roles, EndsAt: now.AddDate(1, 0, 0)}
	}
	good := readinessFake{acct: connectors.Account{Username: "alex@msp.example"}, signedIn: true, scopes: allScopes,
		groups: []string{"AdminAgents"}, rels: []connectors.GDAPRelationship{rel("t1", connectors.ConsentRoles...)}}
	okProbes := []microsoft.EndpointProbe{{Name: "Graph", URL: "https://graph.microsoft.com/v1.0/organization", HasDT: true, Skew: 2 * time.Second}}
	tests := []struct {
		name     string
		in       ReadinessInput
		wantLine string // "<name> <status>" of one check
		wantFix  string
	}{
		{"all good", ReadinessInput{ClientID: "c", Source: good, Probes: okProbes, Now: now}, "Permissions ok", ""},
		{"no client id", ReadinessInput{Probes: okProbes, Now: now}, "Application fail", "seats app create"},
		{"not signed in", ReadinessInput{ClientID: "c", Source: readinessFake{}, Probes: okProbes, Now: now}, "Sign-in fail", "seats login"},
		{"missing scope", ReadinessInput{ClientID: "c", Source: func() readinessFake {
			f := good
			f.scopes = map[string][]string{"graph": {"User.Read.All"}, "partner center": {"user_impersonation"}}
			return f
		}(), Probes: okProbes, Now: now}, "Permissions fail", "seats app create"},
		{"not consented", ReadinessInput{ClientID: "c", Source: func() readinessFake {
			f := good
			f.scopesErr = &connectors.Error{Kind: connectors.ErrConsentRequired}
			return f
		}(), Probes: okProbes, Now: now}, "Permissions fail", "admin consent"},
		{"no admin agent", ReadinessInput{ClientID: "c", Source: func() readinessFake { f := good; f.groups = []string{"SalesAgents"}; return f }(), Probes: okProbes, Now: now},
			"Partner role fail", "Admin Agent"},
		{"gdap without consent roles", ReadinessInput{ClientID: "c", Source: func() readinessFake {
			f := good
			f.rels = append(f.rels, rel("t2", connectors.RoleGlobalReader))
			return f
		}(), Probes: okProbes, Now: now}, "GDAP warn", "--method admin"},
		{"clock off", ReadinessInput{ClientID: "c", Source: good, Probes: []microsoft.EndpointProbe{{Name: "Graph", URL: "https://g", HasDT: true, Skew: -7 * time.Minute}}, Now: now},
			"Clock fail", "clock"},
		{"tls inspected", ReadinessInput{ClientID: "c", Source: good, Probes: []microsoft.EndpointProbe{{Name: "Graph", URL: "https://graph.microsoft.com/x",
			Err: errors.New("x509: certificate signed by unknown authority"), TLS: true}}, Now: now}, "TLS Graph fail", "tls.ca_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var lines []string
			found := false
			for _, c := range Readiness(context.Background(), tt.in) {
				line := c.Name + " " + string(c.Status)
				lines = append(lines, line)
				if line == tt.wantLine {
					found = true
					if !strings.Contains(c.Fix, tt.wantFix) {
						t.Errorf("%s: fix %q, want it to mention %q", line, c.Fix, tt.wantFix)
					}
					if c.Status != CheckOK && c.Fix == "" {
						t.Errorf("%s says no fix", line)
					}
				}
			}
			if !found {
				t.Fatalf("checks %q lack %q", lines, tt.wantLine)
			}
		})
	}
}
