package walls

import (
	"fmt"
	"sort"
	"strings"
)

// Package is one package of the module as `go list` describes it: its
// direct imports and every package it depends on, directly or not.
type Package struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// Check returns one line per broken wall, sorted; none when every wall
// stands.
func Check(pkgs []Package) []string {
	var broken []string
	add := func(format string, args ...any) { broken = append(broken, fmt.Sprintf(format, args...)) }
	for _, p := range pkgs {
		rel, ok := relative(p.ImportPath)
		if !ok {
			continue
		}
		switch {
		case under(rel, "connectors"):
			for _, d := range p.Deps {
				if r, ok := relative(d); ok && (under(r, "store") || under(r, "tui")) {
					add("%s depends on %s: connectors never import the store or the TUI", rel, r)
				}
			}
		case under(rel, "reconcile"):
			for _, d := range p.Deps {
				r, inModule := relative(d)
				switch {
				case d == "net/http" || strings.HasPrefix(d, "net/http/"):
					add("%s depends on %s: reconcile does no HTTP", rel, d)
				case inModule && (under(r, "store") || under(r, "tui") || under(r, "connectors/httpx")):
					add("%s depends on %s: reconcile imports no HTTP code, store or TUI", rel, r)
				}
			}
			for _, d := range p.Imports {
				if r, ok := relative(d); ok && !under(r, "reconcile") && r != "connectors" && !under(r, "connectors/skus") {
					add("%s imports %s: reconcile imports only connectors' domain types (connectors, connectors/skus)", rel, r)
				}
			}
		}
		if screen, ok := screenOf(rel); ok {
			for _, d := range p.Deps {
				if r, ok := relative(d); ok {
					if other, ok := screenOf(r); ok && other != screen {
						add("%s depends on %s: no screen imports another screen", rel, r)
					}
				}
			}
		}
		for _, d := range p.Imports {
			switch {
			case d == "go.etcd.io/bbolt" || strings.HasPrefix(d, "go.etcd.io/bbolt/"):
				if rel != "store" {
					add("%s imports %s: only store imports bbolt", rel, d)
				}
			case d == "github.com/spf13/viper" || strings.HasPrefix(d, "github.com/spf13/viper/"):
				if rel != "cmd/seats" && rel != "store/config" {
					add("%s imports %s: only cmd/seats and store/config import viper", rel, d)
				}
			}
		}
	}
	sort.Strings(broken)
	return broken
}

// relative is an import path of the module without the module's prefix
// ("connectors/microsoft"); ok is false for other modules' packages.
func relative(importPath string) (string, bool) {
	if importPath == Module {
		return "", true
	}
	rest, ok := strings.CutPrefix(importPath, Module+"/")
	return rest, ok
}

// under reports whether rel is dir or inside it.
func under(rel, dir string) bool { return rel == dir || strings.HasPrefix(rel, dir+"/") }

// screenOf is the screen a package belongs to: "consent" for
// tui/screens/consent and its subpackages.
func screenOf(rel string) (string, bool) {
	rest, ok := strings.CutPrefix(rel, "tui/screens/")
	if !ok || rest == "" {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	return name, true
}
