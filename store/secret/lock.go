package secret

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// lockRetry is how often a busy lock is tried again.
const lockRetry = 5 * time.Millisecond

// lockFile takes an exclusive lock on path (created 0600 if missing) that
// other seats processes respect on Linux, macOS and Windows alike (flock,
// or LockFileEx on Windows, through gofrs/flock). A holder that does not let
// go within timeout turns into an error instead of a hang. The returned func
// releases it.
func lockFile(path string, timeout time.Duration) (func(), error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok, err := l.TryLockContext(ctx, lockRetry)
	switch {
	case ok:
		return func() { _ = l.Unlock() }, nil
	case err == nil || errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("secret: %s is locked by another seats process for more than %v: wait for it to finish, then try again", path, timeout)
	}
	return nil, fmt.Errorf("secret: cannot lock %s: %w; move it aside and try again", path, atomicfile.PathCause(err))
}
