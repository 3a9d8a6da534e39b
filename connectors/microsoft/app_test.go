package microsoft_test

import (
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// appAdmin signs in to the fake with the bootstrap client.
func appAdmin(t *testing.T, f *fake) *microsoft.AppAdmin {
	t.Helper()
	a, err := microsoft.NewAppAdmin(f.config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	dc, err := a.StartDeviceCode(ctx)
	if err != nil {
		t.Fatalf("bootstrap device code: %v", err)
	}
	if _, err := a.WaitDeviceCode(ctx, dc); err != nil {
		t.Fatalf("bootstrap sign-in: %v", err)
	}
	return a
}

// TestEnsureAppCreatesAWorkingApplication: from a partner tenant without
// it, EnsureApp creates the application, its service principal and the
// admin consent; seats then signs in with the new id and reads Partner
// Center and GDAP. A second run changes nothing and duplicates nothing.
func TestEnsureAppCreatesAWorkingApplication(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	a := appAdmin(t, f)
	var steps []string
	rep, err := a.EnsureApp(testCtx(t), func(s string) { steps = append(steps, s) })
	if err != nil {
		t.Fatalf("EnsureApp: %v", err)
	}
	if missing := rep.State.Missing(); len(missing) != 0 {
		t.Fatalf("after EnsureApp the application lacks %q", missing)
	}
	if !strings.Contains(strings.Join(rep.Actions, "\n"), "created the application seats (client id "+rep.State.AppID) || len(steps) < 4 {
		t.Fatalf("report %q, steps %q", rep.Actions, steps)
	}

	// seats signs in as the new application.
	c := f.client(t, func(cfg *microsoft.Config) { cfg.ClientID = rep.State.AppID })
	signIn(t, c)
	if _, err := c.Customers(testCtx(t)); err != nil {
		t.Fatalf("Customers with the new application: %v", err)
	}
	if _, _, err := c.GDAPRelationships(testCtx(t)); err != nil {
		t.Fatalf("GDAP with the new application: %v", err)
	}
	// A customer consented for the sandbox's own application is not
	// consented for this new one.
	for _, cu := range f.world.Customers {
		if cu.Consent != nil {
			if err := c.Verify(testCtx(t), cu.TenantID); connectors.KindOf(err) != connectors.ErrConsentRequired {
				t.Fatalf("Verify %s with a new application: %v, want consent required", cu.Name, err)
			}
			break
		}
	}

	again, err := a.EnsureApp(testCtx(t), nil)
	if err != nil {
		t.Fatalf("EnsureApp again: %v", err)
	}
	w := f.ms.World()
	if again.State.AppID != rep.State.AppID || len(w.Applications) != 1 || len(w.PermissionGrants) != 2 {
		t.Fatalf("a second run duplicated: app %s (was %s), %d applications, %d grants", again.State.AppID, rep.State.AppID, len(w.Applications), len(w.PermissionGrants))
	}
	if !strings.Contains(strings.Join(again.Actions, "\n"), "reused the existing application") {
		t.Fatalf("second report %q", again.Actions)
	}
}

// TestEnsureAppCompletesAnIncompleteApplication: an application named
// seats without public client flows and one permission is completed, not
// duplicated; ShowApp names what it lacked before.
func TestEnsureAppCompletesAnIncompleteApplication(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	f.ms.Mutate(func(w *msfake.World) {
		w.Applications = append(w.Applications, msfake.Application{ID: "11111111-2222-4333-8444-555555555555", AppID: "66666666-7777-4888-8999-000000000000",
			DisplayName: "seats", SignInAudience: "AzureADMyOrg",
			RequiredResourceAccess: []msfake.RequiredResourceApp{{ResourceAppID: "00000003-0000-0000-c000-000000000000",
				ResourceAccess: []msfake.ResourceAccess{{ID: "0c0064ea-477b-4130-82a5-4c2cc4ff68aa", Type: "Scope"}}}}})
	})
	a := appAdmin(t, f)
	before, err := a.ShowApp(testCtx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	missing := strings.Join(before.Missing(), "; ")
	for _, w := range []string{"multi-tenant", "public client flows", "Microsoft Graph User.Read.All", "service principal"} {
		if !strings.Contains(missing, w) {
			t.Errorf("ShowApp's missing %q lacks %q", missing, w)
		}
	}
	rep, err := a.EnsureApp(testCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.State.AppID != "66666666-7777-4888-8999-000000000000" || len(rep.State.Missing()) != 0 || len(f.ms.World().Applications) != 1 {
		t.Fatalf("not completed in place: %+v, missing %q", rep.State, rep.State.Missing())
	}
	if !strings.Contains(strings.Join(rep.Actions, "\n"), "completed the existing application") {
		t.Fatalf("report %q", rep.Actions)
	}
}

// TestEnsureAppNamesTheMissingRole: an account that may not create
// applications is told which role it needs, and nothing is created.
func TestEnsureAppNamesTheMissingRole(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	f.ms.Mutate(func(w *msfake.World) { w.Partner.Users[0].Roles = []string{connectors.RoleGlobalReader} })
	a := appAdmin(t, f)
	_, err := a.EnsureApp(testCtx(t), nil)
	if connectors.KindOf(err) != connectors.ErrForbidden || !strings.Contains(err.Error(), "Application Administrator") {
		t.Fatalf("EnsureApp without the role: %v", err)
	}
	if n := len(f.ms.World().Applications); n != 0 {
		t.Fatalf("%d applications created", n)
	}
}

// TestNewApplicationWithoutConsentCannotSignIn: the fake does not let an
// application sign in to the partner tenant before its admin consent.
func TestNewApplicationWithoutConsentCannotSignIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	f.ms.Mutate(func(w *msfake.World) {
		w.Applications = append(w.Applications, msfake.Application{ID: "11111111-2222-4333-8444-555555555555", AppID: "66666666-7777-4888-8999-000000000000",
			DisplayName: "seats", SignInAudience: "AzureADMultipleOrgs", IsFallbackPublicClient: true})
	})
	c := f.client(t, func(cfg *microsoft.Config) { cfg.ClientID = "66666666-7777-4888-8999-000000000000" })
	ctx := testCtx(t)
	dc, err := c.StartDeviceCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitDeviceCode(ctx, dc); connectors.KindOf(err) != connectors.ErrConsentRequired {
		t.Fatalf("sign-in before consent: %v, want consent required", err)
	}
}
