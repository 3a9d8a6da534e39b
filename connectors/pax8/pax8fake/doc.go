// Package pax8fake is a local server that speaks the Pax8 partner API seats
// uses, over a World of plain data. The pax8 connector's tests run against
// it, and the sandbox serves the very same handler, so the sandbox is as
// honest as the tests.
//
//	POST /v1/token                 client credentials, JSON body; tokens expire
//	GET  /v1/companies[/{id}]      companies, page/size paging
//	GET  /v1/subscriptions[/{id}]  the list without vendorSubscriptionId and
//	                               vendorSkuId (unless the world says so), the
//	                               detail with them
//	GET  /v1/products[/{id}]       products with their vendor
//
// It answers as Pax8 does: the page envelope {"content","page"{size,
// totalElements,totalPages,number}} with size 1..200 (default 10), mixed
// timestamp spellings ("2023-08-11T11:33:12.314-0600", "2025-07-13",
// "...Z"), commitmentTerm null for monthly subscriptions, 401 for a missing,
// bad or expired token, the token endpoint's {"error":"access_denied",
// "error_description":"Unauthorized"} for a wrong secret, and Pax8's error
// body {"type","message","instance","status","details"} elsewhere. It is
// read-only, as seats is with Pax8.
//
// Levers for tests: FailNext, ThrottleNext (429 with Retry-After),
// TruncateNext (a 200 cut short), ExpireTokens, RevokeSecret, SetLatency.
// Generate builds a world consistent with a Microsoft sandbox world.
//
// Nothing the fake answers contains the client secret.
package pax8fake
