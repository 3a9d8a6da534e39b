// Command seats connects an MSP's Microsoft partner tenant (and, as later
// versions add them, its distributor and PSA), keeps what it learns in a
// local file and shows where licences are paid for but unused.
//
// main only calls run; everything is built from run's arguments so tests can
// drive the whole program without a terminal.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
