// Package tdsynnex is the TD SYNNEX StreamOne Ion (API v3) distributor
// connector: a read-only client that lists the MSP's customers and the
// subscriptions it is billed for, as connectors.Distributor values.
//
// # Signing in: a refresh token that rotates
//
// Ion signs in with the OAuth refresh-token grant (POST /oauth/token, a form
// body). Every exchange answers a new refresh token and ends the old one:
// the token in Config.RefreshToken works exactly once. So the client hands
// each new refresh token to Config.SaveRefreshToken before anything else
// happens (before the access token is used), and only then goes on. If
// saving fails, the call stops with an error that says so and what to do
// (reconnect with `seats connect distributor --kind tdsynnex`); the new
// token is kept in memory and saving is tried again on the next call.
// Exchanges run one at a time: concurrent calls wait for the one in flight
// and share its access token, so no refresh token is ever sent twice. An
// exchange that has left is not abandoned when its caller gives up (only
// when nobody has waited for it for a few seconds), since one that reached
// TD SYNNEX has already used up the old token.
//
// For the integrator: the environment variable
// SEATS_DISTRIBUTOR_TDSYNNEX_REFRESH_TOKEN can only seed the first token.
// After the first exchange it is dead, and the token to use is the one last
// given to SaveRefreshToken (the secret store's
// distributor.tdsynnex.refresh_token). Prefer the stored token whenever one
// has been saved, and take the environment's only while the store has none;
// otherwise every run after the first would start from a used token and be
// refused.
//
// # Reading
//
// Customers page with pageSize/pageToken (nextPageToken), and each
// customer's id is the last segment of its "name"
// (accounts/{accountId}/customers/{customerId}). Each customer's cloud
// profiles are read for the Microsoft tenant id (DistributorAccount.TenantID,
// TenantIDSource "tdsynnex cloudProfiles.tenantId"). Subscriptions page with
// pagination.limit/pagination.offset, an item offset, until a page comes
// back empty. Every call goes through connectors/httpx (retries with
// Retry-After, redaction, error kinds) and a transport that bounds the calls
// in flight, except the token exchange, whose form body httpx cannot send
// (see token.go).
//
// Nothing about a subscription is dropped or invented: an unknown status,
// term or billing cycle is kept as unknown, a fractional quantity or an
// unreadable date kept as near as the types allow, and each says so in the
// subscription's Warnings; prices absent from the answer are the unknown
// Money; other vendors' products are kept with Microsoft false.
//
// tdsynnexfake beside it serves the same API over plain data, for the tests
// and the sandbox.
package tdsynnex
