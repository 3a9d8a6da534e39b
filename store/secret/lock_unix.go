//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package secret

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// crossProcessLock tells tests whether lockFile excludes other processes.
const crossProcessLock = true

// lockFile takes an exclusive flock on path (created 0600 if missing),
// polling so that a stuck holder turns into an error after timeout instead of
// a hang. The returned func releases it.
func lockFile(path string, timeout time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("secret: lock %s: %w", path, atomicfile.PathCause(err))
	}
	deadline := time.Now().Add(timeout)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("secret: lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			_ = f.Close()
			return nil, fmt.Errorf("secret: %s is locked by another seats process for more than %v", path, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
