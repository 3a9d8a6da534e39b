// Package partnercenter is the distributor connector for MSPs that
// Microsoft bills directly (CSP direct-bill partners): it reads what
// Partner Center says each customer holds, as connectors.Distributor
// values, read-only.
//
// It lists the partner's customers (GET /v1/customers, following
// links.next and its MS-ContinuationToken) and then each customer's
// subscriptions (GET /v1/customers/{customer-tenant-id}/subscriptions), a
// bounded number of customers at a time. The customer id is the Microsoft
// tenant id, so every account carries its tenant. Partner Center
// subscriptions carry no prices: cost and price stay the unknown Money.
//
// There is no secret of its own: it calls Partner Center with the MSP's
// Microsoft sign-in (a TokenSource, which *microsoft.Client is). A token
// Partner Center refuses is ErrUnauthorized with a message to sign in again
// (`seats login`, or the wizard's sign-in step).
//
// Nothing about a subscription is dropped or invented: an unknown status or
// term is kept as unknown, a fractional quantity or an unreadable date is
// kept as near as the types allow, and each says so in the subscription's
// Warnings. Every call goes through connectors/httpx (retries honouring
// Retry-After, redaction, error kinds).
//
// The fake is the Microsoft fake, connectors/microsoft/msfake: it is
// Partner Center in tests and in the sandbox.
package partnercenter
