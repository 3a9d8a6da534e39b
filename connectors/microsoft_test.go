package connectors

import (
	"reflect"
	"testing"
	"time"
)

func TestSummarizeGDAP(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	rel := func(status string, ends time.Duration, roles ...string) GDAPRelationship {
		r := GDAPRelationship{Status: status, Roles: roles}
		if ends != 0 {
			r.EndsAt = now.Add(ends)
		}
		return r
	}
	tests := []struct {
		name string
		rels []GDAPRelationship
		want GDAPSummary
	}{
		{"none", nil, GDAPSummary{Status: GDAPNone}},
		{"active", []GDAPRelationship{rel(RelActive, 200*day, RoleGlobalReader)},
			GDAPSummary{Status: GDAPActive, EndsAt: now.Add(200 * day), Roles: []string{RoleGlobalReader}}},
		{"expiring within 30 days", []GDAPRelationship{rel(RelActive, 10*day, RoleGlobalReader)},
			GDAPSummary{Status: GDAPExpiring, EndsAt: now.Add(10 * day), Roles: []string{RoleGlobalReader}}},
		{"latest end wins", []GDAPRelationship{rel(RelActive, 10*day, RoleGlobalReader), rel(RelActive, 400*day, RoleLicenseAdministrator)},
			GDAPSummary{Status: GDAPActive, EndsAt: now.Add(400 * day), Roles: []string{RoleLicenseAdministrator, RoleGlobalReader}}}, // sorted by id
		{"active past its end counts as ended", []GDAPRelationship{rel(RelActive, -day, RoleGlobalReader)}, GDAPSummary{Status: GDAPExpired}},
		{"pending", []GDAPRelationship{rel(RelApprovalPending, 0)}, GDAPSummary{Status: GDAPPending}},
		{"created and activating are pending", []GDAPRelationship{rel(RelCreated, 0), rel(RelActivating, 0)}, GDAPSummary{Status: GDAPPending}},
		{"pending beats expired", []GDAPRelationship{rel(RelExpired, -day), rel(RelApprovalPending, 0)}, GDAPSummary{Status: GDAPPending}},
		{"expired and terminated only", []GDAPRelationship{rel(RelExpired, -day), rel(RelTerminated, -day)}, GDAPSummary{Status: GDAPExpired}},
		{"expired plus active is active, with the active roles only",
			[]GDAPRelationship{rel(RelExpired, -day, RoleGlobalAdministrator), rel(RelActive, 100*day, RoleDirectoryReaders)},
			GDAPSummary{Status: GDAPActive, EndsAt: now.Add(100 * day), Roles: []string{RoleDirectoryReaders}}},
		{"assigned roles replace the ceiling",
			[]GDAPRelationship{{Status: RelActive, EndsAt: now.Add(100 * day), Roles: []string{RoleGlobalReader, RolePrivilegedRoleAdministrator}, AssignedRoles: []string{RoleGlobalReader}, AssignmentsRead: true}},
			GDAPSummary{Status: GDAPActive, EndsAt: now.Add(100 * day), Roles: []string{RoleGlobalReader}, RolesAssigned: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := SummarizeGDAP(tt.rels, now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMissingConsentRolesAndReadiness(t *testing.T) {
	t.Parallel()
	full := GDAPSummary{Status: GDAPActive, Roles: []string{RolePrivilegedRoleAdministrator, RoleApplicationAdministrator, RoleGlobalReader}}
	if m := full.MissingConsentRoles(); m != nil || !full.HasReadRole() {
		t.Fatalf("full roles: missing %v, read %v", m, full.HasReadRole())
	}
	noPRA := GDAPSummary{Status: GDAPActive, Roles: []string{RoleApplicationAdministrator}}
	if m := noPRA.MissingConsentRoles(); !reflect.DeepEqual(m, []string{"Privileged Role Administrator"}) || noPRA.HasReadRole() {
		t.Fatalf("without PRA: missing %v, read %v", m, noPRA.HasReadRole())
	}
	ga := GDAPSummary{Status: GDAPActive, Roles: []string{RoleGlobalAdministrator}}
	if m := ga.MissingConsentRoles(); m != nil {
		t.Fatalf("Global Administrator covers both roles, missing %v", m)
	}

	ready := CustomerStatus{GDAP: full, Consent: ConsentRecord{State: ConsentReady}}
	if !ready.Ready() || ready.Eligible() {
		t.Fatal("active + verified is Ready and not eligible")
	}
	expired := CustomerStatus{GDAP: GDAPSummary{Status: GDAPExpired}, Consent: ConsentRecord{State: ConsentReady}}
	if expired.Ready() || expired.Eligible() {
		t.Fatal("expired GDAP is neither Ready nor eligible")
	}
	sovereign := CustomerStatus{GDAP: GDAPSummary{Status: GDAPUnavailable}}
	if !sovereign.Eligible() {
		t.Fatal("without GDAP in the cloud, verification alone decides: eligible")
	}
}
