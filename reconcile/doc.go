// Package reconcile will compare what the distributor bills, what Microsoft
// shows inside each tenant and what the PSA bills: matching customers and
// products, licence rows, findings (unused seats, over- and under-billing)
// and the PSA corrections an engineer approves.
//
// It is pure: functions over plain values from package connectors, with the
// as-of time passed in, money as integer minor units with a currency, and no
// I/O, so every rule is a table test. It arrives with the matching and
// reconcile issues; the frame reserves its place so that nothing else grows
// this logic in the meantime.
package reconcile
