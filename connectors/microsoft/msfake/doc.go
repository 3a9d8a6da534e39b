// Package msfake is a local server that speaks the Microsoft APIs seats uses
// (the Entra authority MSAL talks to, Partner Center and Microsoft Graph) over
// a World of plain data. The connector's tests run against it, and the
// sandbox serves the very same handler, so the sandbox is as honest as the
// tests.
//
// One handler serves all three services on one host, told apart by path:
//
//	/{tenant}/v2.0/.well-known/openid-configuration   authority (MSAL)
//	/{tenant}/oauth2/v2.0/devicecode                   device code flow
//	/{tenant}/oauth2/v2.0/token                        device_code, refresh_token, authorization_code grants
//	/{tenant}/oauth2/v2.0/authorize                    interactive flow, approved at once as Users[0]
//	/{tenant}/v2.0/adminconsent                        the customer admin's consent page (Option A)
//	/common/discovery/instance                         instance discovery, if a client leaves it on
//	/devicelogin                                       stands in for microsoft.com/devicelogin
//	/graph/v1.0/...                                    Microsoft Graph (EndpointsFor(base).GraphURL)
//	/partnercenter/v1/...                              Partner Center (EndpointsFor(base).PartnerCenterURL)
//
// {tenant} is "organizations", "common", the partner's tenant id or domain
// (all meaning the partner's own tenant), or a customer's tenant id or
// domain. No path segment other than the token endpoint's last one contains
// "token", because MSAL finds the devicecode endpoint by replacing every
// "token" in the token endpoint's URL.
//
// The fake answers as Microsoft does: the same JSON shapes, status codes,
// paging (Graph's @odata.nextLink, Partner Center's continuation token) and
// error bodies (Entra's AADSTS errors, Graph's and Partner Center's error
// objects). Tokens, codes and paging tokens are signed with the World's key
// and carry their own state, so that two processes serving the same World
// (successive seats commands against the sandbox) accept each other's.
//
// Access is decided the way a partner user's access is decided: a token for
// a customer tenant needs a usable GDAP relationship there and the app's
// consent; reading the customer's directory needs a GDAP read role; the
// Partner Center consent API needs Privileged Role Administrator and
// Application Administrator (or Global Administrator) through GDAP.
//
// Nothing the fake logs or answers contains a token, a code or the key.
package msfake
