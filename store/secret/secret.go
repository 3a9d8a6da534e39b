// Package secret is seats' one secret store: the MSAL token cache and the
// distributor and PSA keys live here, never in config.yaml.
//
// Secrets go to the OS keyring (macOS Keychain, Windows Credential Manager,
// the Secret Service on Linux) through a Keyring with a short timeout per
// call, because a missing Secret Service can hang. When the keyring is not
// there, or fails, the Store switches for the rest of the process to the file
// <home>/secrets (a JSON map of name to base64 value, mode 0600, replaced
// atomically under a lock file) and says so once per home.
//
// Keyring layout: service "seats:" + a short hash of the absolute home folder,
// so a sandbox home and a real home never share secrets; user = the secret's
// name; password = the value in base64 (binary-safe). Keyrings limit the size
// of one entry (2,560 bytes on Windows, about 3,000 on macOS) while an MSAL
// cache runs to tens of KB, so a value whose base64 is longer than 2,000
// characters is split into entries name.1 ... name.N, and the entry name then
// holds a header with N and a checksum; a torn or partial value reads as not
// found rather than as garbage. This keeps every secret in the keyring when
// there is one, instead of sending large values to the weaker file.
//
// In "auto" mode a secret found in the file wins over the keyring: a value
// written to the file while the keyring was away is newer than whatever the
// keyring still holds. A successful keyring write removes the file's copy.
//
// No secret value ever reaches an error message or the warning output: the
// keyring's own error texts are scrubbed of the value before use.
package secret

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// ErrNotFound is returned by Get when the secret does not exist.
// errors.Is(err, connectors.ErrNotFound) holds for it, which is what the MSAL
// cache adapter in connectors/microsoft checks, since connectors never import
// store.
var ErrNotFound = fmt.Errorf("secret not found: %w", connectors.ErrNotFound)

// The values of Options.Backend (and SEATS_SECRET_BACKEND).
const (
	BackendAuto    = "auto"    // keyring, else the file with a one-time warning
	BackendKeyring = "keyring" // keyring only; failures are errors
	BackendFile    = "file"    // file only, for servers without a keyring; no warning
)

// EnvBackend is the environment variable that chooses the backend when
// Options.Backend is empty.
const EnvBackend = "SEATS_SECRET_BACKEND"

// DefaultTimeout bounds one keyring call when Options.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// FileName is the fallback file inside the home folder; the lock file and the
// "warning shown" marker sit beside it.
const (
	FileName     = "secrets"
	lockFileName = "secrets.lock"
	markerName   = ".secrets-warned"
	// hungName records that the keyring hung (did not answer within the
	// timeout). For hungFor afterwards auto mode goes straight to the file,
	// so a hung Secret Service costs its timeout once a day, not on every
	// command; a keyring that refuses at once is simply asked again.
	hungName = ".keyring-hung"
	hungFor  = 24 * time.Hour
)

// Keyring is the part of an OS keyring the Store uses. Implementations return
// an error matching ErrNotFound (or go-keyring's ErrNotFound) for a missing
// entry; any other error means the keyring is unusable. Calls may block: the
// Store bounds each with its timeout.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// Options configure Open.
type Options struct {
	Home    string        // <home>; the file fallback is <home>/secrets
	Keyring Keyring       // nil = OSKeyring()
	Timeout time.Duration // per keyring call; 0 = DefaultTimeout
	Warn    io.Writer     // where the one-time fallback warning goes (stderr); nil = discard
	Backend string        // "auto", "keyring" or "file"; "" = $SEATS_SECRET_BACKEND, else "auto"
}

// Store keeps named secrets for one home folder. It is safe for concurrent
// use, and several Stores (in one or more processes) may share a home.
type Store struct {
	home    string
	path    string // <home>/secrets
	service string
	kr      Keyring
	timeout time.Duration
	mode    string

	mu       sync.Mutex // guards the fields below and writes to warn
	warn     io.Writer
	fallback bool // auto mode found the keyring unusable
	warned   bool
}

// Open returns the Store of o.Home. It does not touch the keyring (start-up
// must stay fast); the first call that needs it decides whether it works. If
// the secrets file exists with a mode wider than 0600, Open tightens it and
// warns.
func Open(o Options) (*Store, error) {
	if strings.TrimSpace(o.Home) == "" {
		return nil, errors.New("secret: no home folder given")
	}
	home, err := filepath.Abs(o.Home)
	if err != nil {
		return nil, fmt.Errorf("secret: home %s: %w", o.Home, err)
	}
	mode := strings.TrimSpace(o.Backend)
	if mode == "" {
		mode = strings.TrimSpace(os.Getenv(EnvBackend))
	}
	if mode == "" {
		mode = BackendAuto
	}
	if mode != BackendAuto && mode != BackendKeyring && mode != BackendFile {
		return nil, fmt.Errorf("secret: unknown backend %q (want auto, keyring or file; see %s)", mode, EnvBackend)
	}
	s := &Store{
		home:    home,
		path:    filepath.Join(home, FileName),
		service: ServiceName(home),
		kr:      o.Keyring,
		timeout: o.Timeout,
		mode:    mode,
		warn:    o.Warn,
	}
	if s.kr == nil {
		s.kr = OSKeyring()
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.warn == nil {
		s.warn = io.Discard
	}
	if mode != BackendKeyring {
		if err := s.tightenFileMode(); err != nil {
			return nil, err
		}
	}
	if mode == BackendAuto {
		if st, err := os.Stat(filepath.Join(home, hungName)); err == nil && time.Since(st.ModTime()) < hungFor {
			s.fallback, s.warned = true, true // warned when it hung
		}
	}
	return s, nil
}

// ServiceName is the keyring service under which the secrets of home are
// kept: "seats:" and the first 12 hex digits of the SHA-256 of the absolute,
// cleaned home path.
func ServiceName(home string) string {
	if abs, err := filepath.Abs(home); err == nil {
		home = abs
	}
	sum := sha256.Sum256([]byte(filepath.Clean(home)))
	return "seats:" + hex.EncodeToString(sum[:])[:12]
}

// Backend says where secrets go now, for `seats status`: "keyring", or
// "file <path>" when the file is in use (chosen, or after a keyring failure).
// In auto mode it asks the keyring once if nothing has yet, so a missing
// keyring is reported (and warned about) here rather than later.
func (s *Store) Backend() string {
	if s.mode == BackendAuto && !s.usingFile() {
		// Nothing may have asked the keyring yet (a value found in the
		// file answers Get): ask it once, so the answer is true.
		if _, err := s.keyringGet(FileName); err != nil && !errors.Is(err, ErrNotFound) {
			s.fallBack(err)
		}
	}
	if s.usingFile() {
		return "file " + s.path
	}
	return BackendKeyring
}

func (s *Store) usingFile() bool {
	if s.mode == BackendFile {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
var partSuffix = regexp.MustCompile(`\.[0-9]+$`)

// checkName keeps names plain and free of the ".N" suffix that the parts of
// a large keyring value use, so a name can never collide with a part.
func checkName(name string) error {
	if !namePattern.MatchString(name) || partSuffix.MatchString(name) {
		return fmt.Errorf("secret: invalid name %q (letters, digits, '.', '_', '-'; not ending in .<number>)", name)
	}
	return nil
}

// Get returns the secret called name, or ErrNotFound.
func (s *Store) Get(name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if s.mode != BackendKeyring {
		v, ok, err := s.fileGet(name)
		if err != nil || ok {
			return v, err
		}
		if s.usingFile() {
			return nil, ErrNotFound
		}
	}
	v, err := s.keyringGet(name)
	if err == nil || errors.Is(err, ErrNotFound) || s.mode == BackendKeyring {
		return v, err
	}
	s.fallBack(err)
	// The file was read above, but another goroutine may have written it
	// since; reading again keeps Get consistent with a concurrent Set.
	v, ok, ferr := s.fileGet(name)
	if ferr != nil || ok {
		return v, ferr
	}
	return nil, ErrNotFound
}

// Set stores value under name, replacing any previous value.
func (s *Store) Set(name string, value []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if s.usingFile() {
		return s.fileSet(name, value)
	}
	err := s.keyringSet(name, value)
	if err == nil {
		if s.mode == BackendAuto {
			// Drop a copy left from a time without keyring: it would shadow
			// the value just written.
			return s.fileDelete(name)
		}
		return nil
	}
	if s.mode == BackendKeyring {
		return err
	}
	s.fallBack(err)
	return s.fileSet(name, value)
}

// Delete removes the secret called name from the keyring and the file. A
// missing secret is not an error. A keyring that fails during Delete in auto
// mode sends the Store to the file like any other call; the keyring's copy, if
// any, then stays until the next successful Delete or Set.
func (s *Store) Delete(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if !s.usingFile() {
		err := s.keyringDelete(name)
		if err != nil && s.mode == BackendKeyring {
			return err
		}
		if err != nil {
			s.fallBack(err)
		}
	}
	if s.mode == BackendKeyring {
		return nil
	}
	return s.fileDelete(name)
}

// fallBack switches the Store to the file for the rest of the process and
// prints the warning, unless this home has shown it before.
func (s *Store) fallBack(cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = true
	var ke *keyringError
	if errors.As(cause, &ke) && ke.hung && s.mode == BackendAuto {
		if err := os.MkdirAll(s.home, 0o700); err == nil {
			_ = os.WriteFile(filepath.Join(s.home, hungName), []byte(ke.reason+"\n"), 0o600)
		}
	}
	if s.warned {
		return
	}
	s.warned = true
	marker := filepath.Join(s.home, markerName)
	if _, err := os.Stat(marker); err == nil {
		return
	}
	reason := cause.Error()
	if ke != nil {
		reason = ke.reason
	}
	fmt.Fprintf(s.warn, "warning: no OS keyring available (%s); keeping secrets in %s (mode 0600)\n", reason, s.path)
	if err := os.MkdirAll(s.home, 0o700); err == nil {
		note := "seats showed the warning about keeping secrets in " + s.path + " on " + time.Now().UTC().Format(time.RFC3339) + "\n"
		_ = os.WriteFile(marker, []byte(note), 0o600)
	}
}

// warnf writes one line of warning, serialised with the other writers.
func (s *Store) warnf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.warn, format, args...)
}

// redact removes the secret, and its base64 pieces, from a message that came
// from outside code (a keyring's error text).
func redact(msg string, secrets ...string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	return msg
}
