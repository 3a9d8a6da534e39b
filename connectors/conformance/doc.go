// Package conformance holds one test suite per kind of connector, run
// against every implementation through a small harness, in the manner of
// go-cloud's drivertest: an implementation's test file builds a harness over
// its fake and calls the suite (RunMicrosoft for connectors.Microsoft), and
// gets the same named subtests as every other implementation.
//
// The suites speak only the connectors interfaces and error kinds; what
// they need to know about the world behind an implementation (the expected
// customers, which tenant is in which situation) and the failures they
// inject come from the harness, so a suite never knows a URL.
package conformance
