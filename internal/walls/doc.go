// Package walls holds the test that keeps seats' import walls standing
// (see STYLE.md, "The house at a glance"): connectors never import the store
// or the TUI; reconcile imports only connectors' domain types, no HTTP code,
// store or TUI; only store imports bbolt; only cmd/seats and store/config
// import viper; no wizard screen imports another screen. The rules are
// checked with `go list -deps`, so they hold by test, not by habit.
package walls

// Module is the module whose packages the walls apply to.
const Module = "github.com/seats-msp/seats"
