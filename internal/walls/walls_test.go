package walls

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const m = Module + "/"

// TestCheckFindsBrokenWalls: every rule reports a package that breaks it,
// and leaves alone one that keeps it.
func TestCheckFindsBrokenWalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pkg  Package
		want string // substring of the one line reported; "" = none
	}{
		{"connector importing the store", Package{ImportPath: m + "connectors/pax8", Deps: []string{m + "store"}}, "connectors never import"},
		{"connector reaching the TUI indirectly", Package{ImportPath: m + "connectors/workflow", Deps: []string{m + "tui/common"}}, "connectors never import"},
		{"connector with its own deps", Package{ImportPath: m + "connectors/workflow", Deps: []string{m + "connectors/microsoft", "net/http"}}, ""},
		{"reconcile over HTTP", Package{ImportPath: m + "reconcile", Deps: []string{"net/http"}}, "reconcile does no HTTP"},
		{"reconcile over httpx", Package{ImportPath: m + "reconcile", Deps: []string{m + "connectors/httpx"}}, "no HTTP code"},
		{"reconcile importing the microsoft connector", Package{ImportPath: m + "reconcile", Imports: []string{m + "connectors/microsoft"}}, "only connectors' domain types"},
		{"reconcile on domain types", Package{ImportPath: m + "reconcile", Imports: []string{m + "connectors", m + "connectors/skus"}, Deps: []string{m + "connectors"}}, ""},
		{"bbolt outside the store", Package{ImportPath: m + "store/config", Imports: []string{"go.etcd.io/bbolt"}}, "only store imports bbolt"},
		{"bbolt in the store", Package{ImportPath: m + "store", Imports: []string{"go.etcd.io/bbolt"}}, ""},
		{"viper in a screen", Package{ImportPath: m + "tui/screens/consent", Imports: []string{"github.com/spf13/viper"}}, "only cmd/seats and store/config import viper"},
		{"viper in config", Package{ImportPath: m + "store/config", Imports: []string{"github.com/spf13/viper"}}, ""},
		{"screen importing a screen", Package{ImportPath: m + "tui/screens/consent", Deps: []string{m + "tui/screens/connect"}}, "no screen imports another screen"},
		{"screen with its own subpackage", Package{ImportPath: m + "tui/screens/consent", Deps: []string{m + "tui/screens/consent/internal/x", m + "tui/common"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Check([]Package{tt.pkg})
			switch {
			case tt.want == "" && len(got) > 0:
				t.Fatalf("reported %q for a package within the walls", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Fatalf("got %q, want one line containing %q", got, tt.want)
			}
		})
	}
}

// TestWallsStand checks the module's own packages with `go list -deps`.
func TestWallsStand(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", Module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	// The walls mean something only if the packages they guard are there.
	for _, want := range []string{"connectors/microsoft", "reconcile", "store", "store/config", "cmd/seats", "tui/screens/consent", "tui/screens/connect"} {
		if !slices.ContainsFunc(pkgs, func(p Package) bool { return p.ImportPath == m+want }) {
			t.Fatalf("go list did not list %s", want)
		}
	}
	for _, line := range Check(pkgs) {
		t.Error(line)
	}
}
