// Package cwfake is a local server that speaks the ConnectWise PSA
// (Manage) REST API 3.0 that seats uses, over a World of plain data. The
// connectwise connector's tests run against it, and the sandbox serves the
// very same handler, so the sandbox is as honest as the tests.
//
//	GET   /login/companyinfo/{company}                 no auth: the codebase ("v2025_1/")
//	GET   /{codebase}apis/3.0/system/info               the version
//	GET   .../company/companies[/count]                 companies
//	GET   .../company/companies/statuses                statuses with inactiveFlag
//	GET   .../company/companies/types                   types (Client, Prospect, Vendor...)
//	GET   .../procurement/catalog                       catalogue items
//	GET   .../finance/agreements[/count|/{id}]          agreements
//	GET   .../finance/agreements/{id}/additions[/count|/{id}]
//	PATCH .../finance/agreements/{id}/additions/{id}    a JSON patch of quantity
//
// The API answers under the world's codebase and under "v4_6_release/", as
// ConnectWise cloud does; any other path gets IIS's HTML 404. It is as
// awkward as ConnectWise: Basic auth "{companyId}+{publicKey}:{privateKey}"
// (401 otherwise) and a clientId header (400 without one); page (from 1) and
// pageSize (default 25, at most 1000) with a Link header naming the first,
// prev, next and last pages; conditions= (a working subset of the
// language, see parseConditions) and orderBy=, with 400 for an unknown
// field; dates written "2024-01-01T00:00:00Z"; null fields left out;
// amounts and quantities as JSON numbers (2.5 seats, if the world says
// so); the {"code","message","errors"} error body; 429 with Retry-After.
// A write changes the world, so a later read sees it, and moves
// _info.lastUpdated.
//
// Levers for tests: FailNext, ThrottleNext, TruncateNext, RefuseWrite,
// DropAnswerAfterWrite (the write happens, the answer is lost),
// ChangeLineBehindYourBack (another member edits an addition), RevokeKeys,
// SetLatency; Writes and Applied count write requests and applied writes.
// Generate builds a world from the customers and products a distributor
// bills; SmallWorld is a tiny world with every awkward case.
//
// Nothing the fake answers contains the private key.
package cwfake
