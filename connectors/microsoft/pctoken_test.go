package microsoft_test

import (
	"net/http"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// The token PartnerCenterToken hands out is one Partner Center accepts,
// it is reused rather than asked for again, and without a sign-in the
// error says to sign in.
func TestPartnerCenterToken(t *testing.T) {
	t.Parallel()
	f := newFake(t, msfake.Options{})
	c := f.client(t)
	ctx := testCtx(t)

	_, err := c.PartnerCenterToken(ctx)
	if connectors.KindOf(err) != connectors.ErrSignInRequired {
		t.Fatalf("PartnerCenterToken before sign-in: %v, want %v", err, connectors.ErrSignInRequired)
	}

	signIn(t, c)
	tok, err := c.PartnerCenterToken(ctx)
	if err != nil || tok == "" {
		t.Fatalf("PartnerCenterToken: a token of %d bytes, %v", len(tok), err)
	}
	before := f.spy.tokenRequests.Load()
	again, err := c.PartnerCenterToken(ctx)
	if err != nil || again != tok {
		t.Fatalf("second PartnerCenterToken: a different token or %v", err)
	}
	if n := f.spy.tokenRequests.Load() - before; n != 0 {
		t.Errorf("%d token requests for a token already held, want 0", n)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, msfake.EndpointsFor(f.srv.URL).PartnerCenterURL+"/v1/customers?size=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET /v1/customers: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Partner Center answered %d to the token, want 200", resp.StatusCode)
	}
}
