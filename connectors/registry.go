package connectors

import (
	"fmt"
	"sort"
	"sync"
)

// ConnectorKind says which of the three systems a connector talks to.
type ConnectorKind string

// The kinds of connectors.
const (
	KindDistributor ConnectorKind = "distributor"
	KindPSA         ConnectorKind = "psa"
)

// Info describes one registered connector. Each connector package registers
// itself in init(), and connectors/all imports them all, the way rclone's
// backends do; the wizard lists what is registered.
type Info struct {
	Name        string        // stable id used in config keys, e.g. "pax8"
	DisplayName string        // as people know it, e.g. "Pax8"
	Kind        ConnectorKind // distributor or psa
	Description string        // one line for the picker
	// Fallback marks a way in for those without the service's API (a CSV
	// file): listed after the services themselves.
	Fallback bool
}

// Registry holds the connectors available in this build.
type Registry struct {
	mu    sync.RWMutex
	infos map[string]Info
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{infos: map[string]Info{}} }

// Register adds a connector; registering one name twice is a programming
// error and panics at start-up rather than picking one at random.
func (r *Registry) Register(info Info) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.infos[info.Name]; dup {
		panic(fmt.Sprintf("connectors: %q registered twice", info.Name))
	}
	r.infos[info.Name] = info
}

// List returns the connectors of one kind: the services by display name,
// then the fallbacks.
func (r *Registry) List(kind ConnectorKind) []Info {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Info
	for _, info := range r.infos {
		if info.Kind == kind {
			out = append(out, info)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Fallback != out[j].Fallback {
			return !out[i].Fallback
		}
		return out[i].DisplayName < out[j].DisplayName
	})
	return out
}

// Lookup finds a connector by name.
func (r *Registry) Lookup(name string) (Info, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	info, ok := r.infos[name]
	return info, ok
}

// DisplayName is how people know a registered connector ("Pax8"): its
// DisplayName, else name itself, else fallback when name is blank (no
// source chosen).
func (r *Registry) DisplayName(name, fallback string) string {
	if name == "" {
		return fallback
	}
	if info, ok := r.Lookup(name); ok && info.DisplayName != "" {
		return info.DisplayName
	}
	return name
}

// Default is the registry connector packages register into from init().
var Default = NewRegistry()
