// Package tdsynnexfake is a local server that speaks the parts of TD
// SYNNEX StreamOne Ion's API v3 seats uses, over a World of plain data. The
// tdsynnex connector's tests run against it, and the sandbox can serve the
// very same handler.
//
//	POST /oauth/token                                   refresh-token grant, form body; the
//	                                                    refresh token ROTATES: each one works once
//	GET  /api/v3/accounts/{a}/customers[/{id}]          pageSize/pageToken → nextPageToken
//	GET  /api/v3/accounts/{a}/customers/{id}/cloudProfiles
//	GET  /api/v3/accounts/{a}/subscriptions             pagination.limit/pagination.offset → items
//
// It answers as Ion is documented to, awkward parts included: a customer's
// id only as the last segment of its "name"; empty lists left out of the
// answer ({} for a page past the end, no nextPageToken on the last page);
// subscription statuses in lower case; dates in several spellings; prices,
// quantities and currencies as the world holds them (absent where absent);
// a used, revoked or unknown refresh token refused with 400
// {"error":"invalid_grant"}; 401 for a missing, bad or expired access
// token; 403 for another reseller's account; and gRPC-gateway error bodies
// {"code","message","details"} elsewhere. It is read-only, as seats is.
//
// Levers for tests: FailNext, ThrottleNext (429 with Retry-After),
// TruncateNext (a 200 cut short), ExpireTokens (access tokens),
// RevokeSecret (the current refresh token), SetLatency; TokenCalls counts
// exchanges. Generate builds a world from the neutral fakekit input.
//
// Nothing the fake answers contains a refresh token other than the new one
// it issues in a token answer.
package tdsynnexfake
