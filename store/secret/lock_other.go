//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package secret

import "time"

// crossProcessLock tells tests whether lockFile excludes other processes.
const crossProcessLock = false

// lockFile is a no-op where syscall has no flock (Windows, Plan 9, ...):
// Stores of one process are still serialised by the in-process mutex, but two
// seats processes writing at the same instant may lose one write.
func lockFile(string, time.Duration) (func(), error) {
	return func() {}, nil
}
