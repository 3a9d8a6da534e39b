package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWritePrivateReplacesAndNarrows(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WritePrivate(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(got) != "new" || st.Mode().Perm() != 0o600 {
		t.Fatalf("content %q mode %v, want new 0600", got, st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("left %d files behind, want only the file", len(entries))
	}
	if err := WritePrivate(filepath.Join(t.TempDir(), "missing", "x"), nil); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
}
