// Package pax8 is the Pax8 distributor connector: a read-only client of the
// Pax8 partner API (https://api.pax8.com/v1) that lists the MSP's companies
// and the subscriptions it is billed for, as connectors.Distributor values.
//
// It signs in with client credentials (a JSON body with the audience
// https://api.pax8.com) and reuses the token until shortly before it
// expires; pages every list with page/size to the last page; reads each
// Microsoft subscription's detail where the list lacks vendorSubscriptionId
// (Graph's commerceSubscriptionId) or vendorSkuId (Graph's skuId); and
// reads each product once for its vendor. Every call goes through
// connectors/httpx (retries with Retry-After, redaction, error kinds) and a
// transport that bounds the calls in flight.
//
// Nothing about a subscription is dropped or invented: an unknown status or
// term is kept as unknown, a fractional quantity or an unreadable date is
// kept as near as the types allow, and each says so in the subscription's
// Warnings. Prices absent from Pax8's answer are the unknown Money.
//
// pax8fake beside it serves the same API over plain data, for the tests and
// the sandbox.
package pax8
