//go:build windows

package store

import "os"

// processRunning reports whether a process with this id exists: on Windows
// FindProcess opens the process, which fails when there is none.
func processRunning(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
