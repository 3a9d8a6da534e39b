// Package sherweb is the Sherweb distributor connector: a read-only client
// of Sherweb's partner APIs that lists the MSP's customers and the
// subscriptions it is billed for, as connectors.Distributor values.
//
// Sherweb has two APIs behind one gateway (https://api.sherweb.com): the
// Service Provider API (customers, their subscriptions, the customer-side
// prices) and the Distributor API (payable charges: what Sherweb bills the
// MSP). Both take a bearer token from Sherweb's OpenID token endpoint
// (client credentials, a FORM-encoded body, a scope per API) and the
// Ocp-Apim-Subscription-Key header of Sherweb's Azure API Management
// gateway on every call. So there are two secrets: the client secret and
// the subscription key.
//
// What is read, per sync:
//
//	GET /service-provider/v1/customers                                     all customers, no paging
//	GET /service-provider/v1/billing/subscriptions/details?customerId=     per customer
//	GET /service-provider/v1/billing/subscriptions/pricing-information?customerId=
//	GET /distributor/v1/billing/payable-charges?date=yyyy-MM-dd            once: the MSP's costs
//
// Sherweb pages nothing ("page"/"pageSize" are ignored): each list comes
// whole. Where the split details/pricing-information endpoints are missing
// (an older API version answers 404), the combined
// /billing/subscriptions?customerId= is read instead.
//
// What Sherweb does not give is not invented. Customers carry no tenant id
// and no domain (only id, displayName, path, suspendedOn; a tenant id may
// hide in the undocumented Microsoft platform "details" dictionary, which is
// not read), so matching goes by name. Subscriptions carry no vendor (the
// product name tells Microsoft's apart), no Microsoft SKU id and no
// commerce subscription id, and no status: a listed subscription is
// active, one whose commitment will not renew is pending cancellation, and
// a customer's suspension suspends its subscriptions. A "status" field, if
// an API version ever sends one, is read and mapped, an unknown spelling
// kept as unknown with a warning. The MSP's cost comes only from the
// Distributor API's payable charges (netPrice), joined by the customer's
// display name (Sherweb tags each charge with it) and the SKU; where no
// charge matches, or the credential may not read the Distributor API, the
// cost is the unknown Money. The customer price is pricing-information's
// fees.recurringFee.
//
// sherwebfake beside it serves the same APIs over plain data, for the tests
// and the sandbox.
package sherweb
