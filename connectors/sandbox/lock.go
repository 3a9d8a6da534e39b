package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// dirLock is an exclusive lock on <dir>/sandbox.lock that other processes
// respect on Linux, macOS and Windows alike (gofrs/flock). Locks belong to
// the open file, so two Starts in one process exclude each other too.
type dirLock struct{ l *flock.Flock }

// lockDir waits for the directory lock until ctx ends, trying again every
// 20 ms: a blocking lock could not be cancelled.
func lockDir(ctx context.Context, path string) (*dirLock, error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if ok {
		return &dirLock{l: l}, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("sandbox: waiting for %s (another seats process is starting the sandbox): %w", path, ctx.Err())
	}
	return nil, fmt.Errorf("sandbox: lock %s: %w", path, err)
}

// unlock releases the lock.
func (l *dirLock) unlock() error { return l.l.Unlock() }
