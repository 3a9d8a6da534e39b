// Package sherwebfake is a local server that speaks the parts of Sherweb's
// partner APIs seats uses, over a World of plain data. The sherweb
// connector's tests run against it, and the sandbox can serve the very same
// handler.
//
//	POST /auth/oidc/connect/token                       client credentials, FORM body, scope
//	                                                    "service-provider" and/or "distributor"
//	GET  /service-provider/v1/customers                 {"items":[...]}, never paged
//	GET  /service-provider/v1/billing/subscriptions/details?customerId=
//	GET  /service-provider/v1/billing/subscriptions/pricing-information?customerId=
//	GET  /service-provider/v1/billing/subscriptions?customerId=   the older combined list
//	GET  /distributor/v1/billing/payable-charges?date=yyyy-MM-dd  the MSP's costs
//
// It answers as Sherweb documents: every API call needs the
// Ocp-Apim-Subscription-Key header (the gateway's own 401 {"statusCode",
// "message"} without it or with a wrong one) and a bearer token of the
// API's scope; lists come whole ("page" and "pageSize" are ignored);
// timestamps like "2023-11-21T20:27:05.7613888" (seven fractional digits,
// no zone) beside "...Z" and bare dates; subscriptions without a status,
// vendor or Microsoft id; payable charges that name the customer only in a
// CustomerDisplayName tag; errors as RFC 7807 problem details
// ({"type","title","status","detail","instance"}), CustomerNotFound for an
// unknown customer; the token endpoint's {"error":"invalid_client"} for a
// wrong secret; 429 with Retry-After. It is read-only, as seats is with
// Sherweb.
//
// Levers for tests: FailNext, ThrottleNext (429 with Retry-After),
// TruncateNext (a 200 cut short), ExpireTokens, RevokeSecret, SetLatency,
// and Options for an older API (LegacyEndpoints) or a token endpoint that
// grants one scope per token (SingleScopeTokens). Generate builds a world
// from the sandbox's neutral fakekit.DistributorInput.
//
// Nothing the fake answers contains the client secret or the subscription
// key.
package sherwebfake
