//go:build windows || plan9 || solaris || aix || android

package store

import "os"

// unlockFile does nothing where bbolt does not lock with flock: there the
// lock goes with the file handle, which the caller closes.
func unlockFile(*os.File) {}
