// Package connectors holds what every connector shares: the domain types
// (customers, GDAP relationships, licence snapshots...), the error kinds that
// every outside failure is classified into, one interface per kind of outside
// system, and the registry that the wizard lists them from.
//
// Connectors fetch from the outside world and return these plain values; they
// never import the store or the TUI.
package connectors
