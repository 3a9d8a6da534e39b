// Package microsoft is seats' real Microsoft connector: it signs the partner
// user in with MSAL (device code or browser, as a public client), lists the
// partner's customers from Partner Center and its GDAP relationships from
// Microsoft Graph, consents seats' application into customer tenants through
// Partner Center, and reads licences inside customer tenants with Graph
// tokens that MSAL issues silently, per tenant, from the one sign-in.
//
// Every Partner Center and Graph call goes through connectors/httpx, so that
// retries, paging, error kinds and redaction are the same as everywhere else;
// MSAL's own failures are classified here into the same connectors.Error
// kinds. No token ever reaches an error or a log.
//
// Hosts are configurable (Config.AuthorityHost, GraphURL, PartnerCenterURL)
// because the sovereign clouds and the sandbox (msfake) use other ones; every
// scope is built from the configured Graph and Partner Center hosts.
//
// The app registration behind Config.ClientID must be a multi-tenant public
// client with http://localhost listed as a public-client (mobile and
// desktop) redirect URI: the browser sign-in and the admin consent link both
// come back there.
package microsoft
