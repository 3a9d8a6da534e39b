// Package halofake is a local server that speaks the part of the HaloPSA
// API seats uses, over a World of plain data. The halopsa connector's tests
// run against it, and the sandbox can serve the very same handler.
//
//	GET  /api/authinfo[?tenant=]             no auth: where the token endpoint is
//	POST /auth/token[?tenant=]               client credentials (form body), scope all
//	GET  /api/Client                         clients (schema "Area"), azure_tenants[]
//	GET  /api/Item                           items
//	GET  /api/RecurringInvoice               recurring invoice headers, lines[] with includelines=true
//	GET  /api/RecurringInvoice/{id}          one header with its lines
//	POST /api/RecurringInvoice               [{"id":…, "lines":[…]}]: an upsert that REPLACES the lines
//
// It is as awkward as Halo: the token URL is found through /api/authinfo;
// a hosted instance (World.Tenant) refuses a token request without
// ?tenant=; the token request is a form body and a wrong client id or
// secret answers 400 {"error":"invalid_client"}; bearer tokens expire
// (TokenLifetime, by Options.Now) and answer 401 with an empty body and a
// WWW-Authenticate header; lists page with Halo's own spelling
// pageinate=true&page_size=&page_no= and answer {"record_count":N,"<key>":[…]},
// and a list read without pageinate is cut at `count` (default 50) rows,
// so a client that forgets to page loses rows; recurring invoice ids can be
// negative; absent dates are written "1900-01-01T00:00:00" and dates have no
// zone; errors are JSON string literals ("Invalid …"), 429 carries
// Retry-After. A POST of an invoice sets its lines to exactly those sent:
// a line left out is deleted, as Halo does, so a client that sends one line
// loses the others. A line whose quantity Halo computes itself
// (recurring_invoice_quantity_type ≠ 0) keeps its computed quantity whatever
// is sent.
//
// Levers for tests: FailNext, ThrottleNext, TruncateNext, RefuseWrite,
// DropAnswerAfterWrite, ChangeLineBehindYourBack, ExpireTokens,
// RevokeSecret, SetLatency; Calls, Served, Writes, Applied, LastWrite.
// Generate builds a world from fakekit.PSAInput; SmallWorldAt is a tiny
// world with every case the conformance suite asks for.
//
// Nothing the fake answers contains the client secret.
package halofake
