// Package atfake is a local server that speaks the part of the Autotask
// (Datto/Kaseya) REST API v1.0 that seats uses, over a World of plain data.
// The autotask connector's tests run against it, and the sandbox can serve
// the very same handler.
//
//	GET  /atservicesrest/versioninformation            no auth: {"apiVersions":["1.0"]}
//	GET  /atservicesrest/v1.0/zoneInformation?user=    no auth: the zone's API URL
//	GET  /ATServicesRest/v1.0/ThresholdInformation      the request budget
//	POST .../{Entity}/query, GET .../{Entity}/query?search=
//	GET  .../{Entity}/query/next?...                    the opaque nextPageUrl
//	POST .../{Entity}/query/count                        {"queryCount":N}
//	GET  .../{Entity}/{id}                               {"item":{...}} ({"item":null} when absent)
//	GET  .../{Entity}/entityInformation/fields           picklists
//	POST .../ContractServiceAdjustments                  a unit change from an effective date
//
// Entities: Companies, Services, Contracts, ContractServices,
// ContractServiceUnits. It is as awkward as Autotask: the zone is looked
// up from the API user's name; every call needs the UserName, Secret and
// ApiIntegrationCode headers (401 otherwise); a query needs a filter; pages
// hold at most 500 records (MaxRecords 1..500) and are followed with an
// absolute nextPageUrl; an "in" takes at most 500 values; failures answer
// {"errors":["..."]}, validation failures with HTTP 500; a 200 with
// {"item":null} for an id that does not exist; 429 with Retry-After once
// the hourly request budget (10,000 by default, shared by every
// integration) is spent. An adjustment changes the units table the way
// Autotask does: the units row holding the effective date is split there
// and every row from that date on gains the change; a date outside the
// contract is refused ("effectiveDate must be between ..."). Adjustments
// cannot be deleted.
//
// Levers for tests: FailNext, ThrottleNext, TruncateNext, RefuseWrite,
// DropAnswerAfterWrite, ChangeUnitsBehindYourBack, RevokeSecret,
// SetLatency; Calls, Served, Writes and Applied count requests.
// Generate builds a world from the customers a distributor bills;
// SmallWorldAt is a small world with every awkward case.
//
// Nothing the fake answers contains the secret.
package atfake
