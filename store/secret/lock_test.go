package secret

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLockFileExcludesASecondHolder: while one holder has the lock, another
// waits and gives up with an error naming the file; once released, the lock
// is free again. gofrs/flock makes this hold on Windows too, where the old
// hand-written lock did nothing.
func TestLockFileExcludesASecondHolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), lockFileName)
	unlock, err := lockFile(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockFile(path, 50*time.Millisecond); err == nil || !strings.Contains(err.Error(), "locked by another seats process") {
		t.Fatalf("second lock: %v, want a timeout naming the other process", err)
	}
	unlock()
	again, err := lockFile(path, time.Second)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}
