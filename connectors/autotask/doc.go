// Package autotask is seats' connector for Autotask (Datto/Kaseya) PSA,
// REST API v1.0: it reads companies, the service catalogue, recurring
// service contracts and their contract services (the lines the MSP bills),
// and changes a contract service's units when the engineer approves it.
//
// The API lives in a zone: its base is looked up once from the API user's
// name at zoneInformation (psa.autotask.zone_lookup_url, Autotask's
// webservices2 host by default) unless psa.autotask.url names it. Every call
// carries the UserName, Secret and ApiIntegrationCode headers, and only to
// the zone's host: a nextPageUrl naming another host is refused, so the
// secret cannot be led elsewhere.
//
// Autotask's request budget (10,000 an hour) is shared by every integration
// of the MSP, so calls are few: lists are read with POST {Entity}/query, 500
// records a page, following nextPageUrl; contract services and their units
// are asked for in batches with "in" filters (500 ids a call), never one
// call per row; picklists are read once per Client. Calls counts them.
//
// A contract service has no unit count of its own: its quantity is the
// units of the ContractServiceUnits row holding today (rows run per billing
// period and split at every adjustment), and that row (id, units, dates) is
// its Version. A change is a ContractServiceAdjustments POST of the delta
// from an effective date: it applies from that date (ApplyFromDate) and
// cannot be undone or deleted, only reversed by another adjustment. It is
// refused without a request while writes are off (Config.WriteEnabled),
// re-reads the units first and refuses when they moved, and is never posted
// twice: after a failure it re-reads the units to learn what happened (see
// Client.SetQuantity).
//
// Every call goes through connectors/httpx: retries with Retry-After on 429
// and 5xx for reads (the queries are reads, though POSTed), never for the
// adjustment; error kinds; a redacted debug log. The secret appears in no
// log and no error.
package autotask
