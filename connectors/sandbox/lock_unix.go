//go:build unix

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// dirLock is an exclusive flock on <dir>/sandbox.lock. Locks belong to the
// open file, so two Starts in one process exclude each other too.
type dirLock struct{ f *os.File }

// lockDir waits for the directory lock until ctx ends. It polls with a
// non-blocking flock because a blocking one cannot be cancelled.
func lockDir(ctx context.Context, path string) (*dirLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox: open the lock file: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &dirLock{f: f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("sandbox: lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("sandbox: waiting for %s (another seats process is starting the sandbox): %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// unlock releases the lock; closing the file drops the flock.
func (l *dirLock) unlock() error { return l.f.Close() }
