// Package workflow runs the multi-step jobs of the Microsoft half of seats:
// signing in, refreshing customers and their GDAP status, consenting into
// customer tenants (either way) until they are Ready, and syncing licences.
//
// The wizard and the CLI commands both drive these same functions, so a
// customer consented from `seats consent` and one consented in the wizard
// end up in the same state. Results are recorded through a Keeper (the store
// satisfies it); the package itself never opens a file, which keeps the rule
// that connectors do not import the store.
package workflow
