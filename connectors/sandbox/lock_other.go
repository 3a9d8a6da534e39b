//go:build !unix

package sandbox

import "context"

// dirLock does nothing where flock is not available: two processes starting
// the same sandbox at the same instant may then both generate it, and the
// later write wins.
type dirLock struct{}

func lockDir(ctx context.Context, path string) (*dirLock, error) { return &dirLock{}, ctx.Err() }

func (l *dirLock) unlock() error { return nil }
