// Package halopsa is seats' connector for HaloPSA: it reads clients (with
// the Azure tenants linked to them), items, and recurring invoices with
// their lines (the recurring lines the MSP bills), and sets a line's
// quantity when the engineer approves a change.
//
// Sign-in is OAuth client credentials with scope "all": the token endpoint
// is found once at {instance}/api/authinfo (auth_url + "/token", falling
// back to {instance}/auth/token), with ?tenant= on hosted instances; the
// form-encoded request carries the client secret and nothing else does.
// Tokens are renewed before they expire and once on a 401.
//
// Lists are read with Halo's own spelling, pageinate=true&page_size=&page_no=,
// and record_count says how many pages there are; pages after the first
// are read in parallel within Concurrency.
//
// A quantity change POSTs the recurring invoice with ALL its lines, the
// target's qty_order changed and every other line sent back exactly as
// read: Halo replaces an invoice's lines with those posted, so a line left
// out would be deleted. It applies at once (ApplyAtOnce). It is refused
// without a request while writes are off (Config.WriteEnabled), re-reads the
// invoice first and refuses when the line moved, refuses lines whose
// quantity Halo counts itself (recurring_invoice_quantity_type ≠ 0), and
// is never sent twice blindly: after an unclear failure it re-reads to learn
// what happened.
package halopsa
