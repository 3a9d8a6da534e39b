//go:build !windows

package store

import (
	"errors"
	"os"
	"syscall"
)

// processRunning reports whether a process with this id exists: signal 0
// checks without sending anything. EPERM means it exists but is another
// user's, which still counts.
func processRunning(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
