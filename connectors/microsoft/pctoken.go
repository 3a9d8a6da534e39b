package microsoft

import "context"

// PartnerCenterToken returns an access token for the Partner Center API
// (scope {PartnerCenterURL}/user_impersonation) for the signed-in partner
// user, silently: from the token cache, or redeemed with the sign-in's
// refresh token. It lets another connector call Partner Center with the
// MSP's existing Microsoft sign-in instead of a secret of its own (the
// direct-bill distributor, connectors/partnercenter). Tokens are memoised
// until five minutes before they expire, so asking once per call is cheap.
//
// Not signed in, or a sign-in that has expired, is an error of kind
// ErrSignInRequired that says to run `seats login`.
func (c *Client) PartnerCenterToken(ctx context.Context) (string, error) {
	return c.token(ctx, "token for Partner Center", c.partnerCenterScopes(), "")
}
