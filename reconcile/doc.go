// Package reconcile compares what the distributor bills, what Microsoft
// shows inside each tenant and what the PSA bills, and says what to do
// about the difference.
//
// It is pure: functions over plain values from package connectors and the
// SKU catalogue (connectors/skus), with the as-of time passed in as now,
// money as integer minor units with a currency, and no I/O, so every rule
// is a table test. The store keeps what it returns; the TUI and the CLI
// show it.
//
// The pieces, in the order the wizard uses them:
//
//   - MatchAccounts gives every Microsoft customer a distributor account
//     and a PSA company, from evidence strongest first (the same Microsoft
//     subscription id, a tenant id the other side holds, a verified domain
//     equal to the website, the same name, the same name after
//     NormalizeName); similar names are only suggested, with a score, found
//     through a trigram index rather than a pass over every pair. Matches
//     made by hand are never changed by a later pass, and a match whose
//     account a snapshot lacks is kept, marked Missing.
//   - TieSkus ties each distributor product to a Microsoft SKU, and
//     MatchProducts matches each (SKU, term) to a PSA catalogue item.
//   - ExportAccounts, ImportAccounts and their products and SKU siblings
//     write and read the mapping files: all or nothing, every problem with
//     its line, a diff for --dry-run.
//   - Reconcile builds the licence tables (enabled, assigned, unused per
//     SKU; purchased, billed, to bill, renewal, monthly cost and price per
//     term) and the findings, each number with its Sources.
//   - BuildPlan turns under- and over-billing into PSA quantity changes
//     for a person to review; applying them is the workflow's job.
package reconcile
