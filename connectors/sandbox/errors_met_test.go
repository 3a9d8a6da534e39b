package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStartSaysWhatIsWrongWithTheHome: every way a sandbox home can stop
// `seats --sandbox` from starting gives an error naming the file at fault
// and what to do about it.
func TestStartSaysWhatIsWrongWithTheHome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// spoil prepares the home (dir, not yet created) and returns the
		// directory to start; nil starts dir.
		spoil func(t *testing.T, dir string) string
		says  []string // each with {dir} for the directory started
	}{
		{
			name: "world.json is not JSON",
			spoil: func(t *testing.T, dir string) string {
				write(t, filepath.Join(dir, "world.json"), "{half a world")
				return dir
			},
			says: []string{"sandbox: {dir}/world.json is damaged (", "); run `seats sandbox reset` to start a new world"},
		},
		{
			name: "world.json holds something else",
			spoil: func(t *testing.T, dir string) string {
				write(t, filepath.Join(dir, "world.json"), `{"companies": []}`)
				return dir
			},
			says: []string{"sandbox: {dir}/world.json is not a sandbox world; run `seats sandbox reset` to start a new world"},
		},
		{
			name: "sandbox.json is damaged",
			spoil: func(t *testing.T, dir string) string {
				write(t, filepath.Join(dir, "sandbox.json"), `{"port": "the usual one"}`)
				return dir
			},
			says: []string{"sandbox: {dir}/sandbox.json is damaged; delete it and the sandbox picks a new port"},
		},
		{
			name: "a distributor's world is damaged",
			spoil: func(t *testing.T, dir string) string {
				write(t, filepath.Join(dir, "pax8.json"), `{"companies": [`)
				return dir
			},
			says: []string{"sandbox: {dir}/pax8.json is damaged (", "); run `seats sandbox reset` to start a new world"},
		},
		{
			name: "the home is a file",
			spoil: func(t *testing.T, dir string) string {
				file := filepath.Join(dir, "notes.txt")
				write(t, file, "not a directory")
				return file
			},
			says: []string{"sandbox: create {dir}: mkdir {dir}: not a directory"},
		},
		{
			name: "the lock file cannot be opened",
			spoil: func(t *testing.T, dir string) string {
				mkdir(t, filepath.Join(dir, "sandbox.lock"))
				return dir
			},
			says: []string{"sandbox: lock {dir}/sandbox.lock: "},
		},
		{
			name: "the CA cannot be written",
			spoil: func(t *testing.T, dir string) string {
				// Where the new CA's key goes stands a directory, as
				// unwritable as a read-only disk, even for root.
				mkdir(t, filepath.Join(dir, "ca-key.pem", "kept"))
				return dir
			},
			says: []string{"sandbox: write {dir}/ca-key.pem: "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := tt.spoil(t, t.TempDir())
			s, err := Start(context.Background(), testOptions(dir, nil))
			if err == nil {
				s.Close()
				t.Fatal("Start succeeded")
			}
			for _, want := range tt.says {
				if want = strings.ReplaceAll(want, "{dir}", dir); !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v\nwant it to say %q", err, want)
				}
			}
		})
	}
}

// TestStartWaitsForAnotherStartThenSaysSo: while another seats process
// starts the sandbox of the same home (it holds the lock), Start waits
// until its context ends and then says what it was waiting for.
func TestStartWaitsForAnotherStartThenSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	other, err := lockDir(context.Background(), filepath.Join(dir, "sandbox.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	s, err := Start(ctx, testOptions(dir, nil))
	if err == nil {
		s.Close()
		t.Fatal("Start succeeded while another start held the lock")
	}
	want := "sandbox: waiting for " + filepath.Join(dir, "sandbox.lock") + " (another seats process is starting the sandbox): "
	if !strings.Contains(err.Error(), want) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v\nwant it to say %q and wrap the deadline", err, want)
	}
}

// TestResetSaysWhatItCouldNotDelete: `seats sandbox reset` that cannot
// delete a file of the world names it.
func TestResetSaysWhatItCouldNotDelete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	world := filepath.Join(dir, "world.json")
	mkdir(t, filepath.Join(world, "kept")) // not removable, even for root
	err := Reset(dir)
	want := "sandbox: reset could not delete a file (remove " + world + ": directory not empty); delete it by hand, then run `seats sandbox reset` again"
	if err == nil || err.Error() != want {
		t.Errorf("Reset = %v\nwant %q", err, want)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}
