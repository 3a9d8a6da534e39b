// Package workflow holds the application's jobs: signing in, refreshing
// customers and their GDAP status, consenting into customer tenants (either
// way) until they are Ready, syncing licences from every source, matching,
// reporting and applying corrections. Each job combines connectors and
// writes what it learns through the store's Keeper interface (and the other
// small store interfaces beside it), so the wizard and the CLI commands
// share one implementation and connectors still never import the store.
//
// A customer consented from `seats consent` and one consented in the wizard
// end up in the same state, because both call the same functions here. The
// package never opens a file itself.
package workflow
