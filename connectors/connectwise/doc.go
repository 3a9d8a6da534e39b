// Package connectwise is seats' connector for ConnectWise PSA (Manage),
// REST API 3.0: it reads companies, the product catalogue, agreements and
// their additions (the recurring lines the MSP bills), and sets an
// addition's quantity when the engineer approves a change.
//
// Calls carry Basic auth "{companyId}+{publicKey}:{privateKey}", the
// integration's clientId header, and an Accept header pinning the schema
// version seats was written against (SchemaVersion). The API base comes
// from psa.connectwise.url (with its codebase), or is looked up once from
// psa.connectwise.site at /login/companyinfo/{companyId}. Lists are read
// with page/pageSize (1000) and the Link header to the end, with
// conditions= so that only what matters is fetched: companies not in the
// recycle bin, agreements and additions live or ended within a year.
// ConnectWise has no list of every addition, so each agreement's are read
// with calls of their own, in parallel within Concurrency.
//
// A quantity change is a JSON patch "replace" of quantity on the addition;
// it applies at once. It is refused without a request while writes are off
// (Config.WriteEnabled), re-reads the addition first and refuses when it
// moved, and is never sent twice: after a failure it re-reads to learn
// what happened (see Client.SetQuantity).
//
// Every call goes through connectors/httpx: retries with Retry-After on
// 429 and 5xx for reads (never for the PATCH), error kinds, and a redacted
// debug log. The private key appears in no log and no error.
package connectwise
