package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/natefinch/atomic"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// File names inside the sandbox directory (the CA's are in ca.go).
const (
	worldFileName = "world.json"
	stateFileName = "sandbox.json"
	lockFileName  = "sandbox.lock"
)

// state is sandbox.json: where this directory's world is served.
type state struct {
	Port    int    `json:"port"`
	WorldID string `json:"world_id"`
	// ClientID is the world's application id, so that a process joining
	// the server on Port needs nothing from world.json (tens of MB at
	// 10,000 customers).
	ClientID string `json:"client_id,omitempty"`
}

// worldID names a world without revealing anything about it: a hash of its
// signing key, which is random for every generated sandbox world. A process
// compares it with what a server on the recorded port answers, to know
// whether that server serves this very world.
func worldID(w *msfake.World) string {
	h := sha256.New()
	h.Write([]byte("seats sandbox world id\x00"))
	h.Write(w.SigningKey)
	h.Write([]byte(w.Partner.TenantID))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// loadWorld reads world.json; a missing file is reported with fs.ErrNotExist.
func loadWorld(path string) (*msfake.World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w msfake.World
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("sandbox: %s is damaged (%v); run `seats sandbox reset` to start a new world", path, err)
	}
	if len(w.SigningKey) == 0 || w.ClientID == "" {
		return nil, fmt.Errorf("sandbox: %s is not a sandbox world; run `seats sandbox reset` to start a new world", path)
	}
	return &w, nil
}

// saveWorld writes the world atomically with mode 0600: it holds the key the
// fake signs tokens with. The JSON is compact: a large world is megabytes.
func saveWorld(path string, w *msfake.World) error {
	data, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("sandbox: encode the world: %w", err)
	}
	return writeFileAtomic(path, append(data, '\n'), 0o600)
}

// worldWriter writes the world to world.json after every change the fake
// reports, off the request path: the fake calls OnChange with its lock
// held, and a large world (1,000 tenants is several MB of JSON) would stall
// every request while it is encoded. Changes that arrive during a write are
// coalesced into the next one, so none is lost and a burst of consents costs
// a few writes, not one each.
type worldWriter struct {
	path string
	logf func(string, ...any)
	kick chan struct{} // buffered 1: "the world changed since the last snapshot"
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func newWorldWriter(path string, logf func(string, ...any)) *worldWriter {
	return &worldWriter{path: path, logf: logf, kick: make(chan struct{}, 1),
		quit: make(chan struct{}), done: make(chan struct{})}
}

// changed notes a change; it never blocks, as the fake's lock is held.
func (ww *worldWriter) changed() {
	select {
	case ww.kick <- struct{}{}:
	default: // a write is already due and will include this change
	}
}

// run writes a fresh snapshot after each change until stop, then once more
// if a change is still pending.
func (ww *worldWriter) run(snapshot func() msfake.World) {
	defer close(ww.done)
	write := func() {
		w := snapshot()
		if err := saveWorld(ww.path, &w); err != nil {
			ww.logf("sandbox: %v", err)
		}
	}
	for {
		select {
		case <-ww.kick:
			write()
		case <-ww.quit:
			select {
			case <-ww.kick:
				write()
			default:
			}
			return
		}
	}
}

// stop flushes the pending change, if any, and ends run.
func (ww *worldWriter) stop() {
	ww.once.Do(func() { close(ww.quit) })
	<-ww.done
}

// loadState reads sandbox.json; a missing file gives the zero state.
func loadState(path string) (state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, nil
	}
	if err != nil {
		return state{}, err
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil || s.Port < 0 || s.Port > 65535 {
		return state{}, fmt.Errorf("sandbox: %s is damaged; delete it and the sandbox picks a new port", path)
	}
	return s, nil
}

func saveState(path string, s state) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'), 0o644)
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// over path, so that a reader in another process sees the old file or the
// new one, never half of one.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	// The replacement takes the existing file's mode (or 0600 when new):
	// set the mode wanted before and after.
	if err := os.Chmod(path, perm); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sandbox: write %s: %w", path, err)
	}
	if err := atomic.WriteFile(path, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("sandbox: write %s: %w", path, err)
	}
	if err := os.Chmod(path, perm); err != nil {
		return fmt.Errorf("sandbox: write %s: %w", path, err)
	}
	return nil
}
