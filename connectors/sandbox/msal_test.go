package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// The sandbox is only useful if seats' own client, MSAL, accepts it: HTTPS
// on 127.0.0.1 behind the sandbox CA, and tokens that outlive the process
// that issued them, since every seats command starts its own sandbox.
func TestMSALSignsInAndSurvivesARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	first := start(t, testOptions(dir, nil))
	world := first.Fake().World()
	client, err := public.New(first.ClientID(),
		public.WithAuthority(first.Endpoints().AuthorityHost+"/organizations"),
		public.WithInstanceDiscovery(false),
		public.WithHTTPClient(trustingClient(t, first.CAFile())))
	if err != nil {
		t.Fatal(err)
	}
	graph := []string{first.Endpoints().GraphURL + "/.default"}
	dc, err := client.AcquireTokenByDeviceCode(ctx, graph)
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	if res.Account.PreferredUsername != world.Partner.Users[0].UPN {
		t.Errorf("signed in as %q, want %q", res.Account.PreferredUsername, world.Partner.Users[0].UPN)
	}

	// The next "command": a new server on the same home, the same port, so
	// the MSAL cache still points at it and its refresh token still works.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := start(t, testOptions(dir, nil))
	if second.External() || second.URL() != first.URL() {
		t.Fatalf("restart: External=%v at %s, want serving at %s", second.External(), second.URL(), first.URL())
	}
	consented := ""
	for _, c := range world.Customers {
		if c.Consent != nil {
			consented = c.TenantID
			break
		}
	}
	if consented == "" {
		t.Fatal("the generated world has no consented customer")
	}
	if _, err := client.AcquireTokenSilent(ctx, graph, public.WithSilentAccount(res.Account), public.WithTenantID(consented)); err != nil {
		t.Fatalf("customer token after the restart: %v", err)
	}
}
