package secret

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/seats-msp/seats/connectors"
)

// chunkSize is the longest base64 text stored in one keyring entry: under
// Windows' 2,560-byte limit and macOS' ~3,000 bytes for service, user and
// password together.
const chunkSize = 2000

// headerPrefix starts the entry that announces a value split into parts. It
// cannot be mistaken for base64, whose alphabet has no '-' or ':'.
const headerPrefix = "seats-chunks:"

// OSKeyring returns the operating system's keyring through
// github.com/zalando/go-keyring, with its not-found error mapped to
// ErrNotFound. Its calls can block (a missing Secret Service); the Store adds
// the timeout.
func OSKeyring() Keyring { return osKeyring{} }

type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) {
	v, err := keyring.Get(service, user)
	return v, mapNotFound(err)
}

func (osKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}

func (osKeyring) Delete(service, user string) error {
	return mapNotFound(keyring.Delete(service, user))
}

func mapNotFound(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

func isNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, keyring.ErrNotFound) || errors.Is(err, connectors.ErrNotFound)
}

// keyringError is a keyring failure. It carries the reason as text only,
// already scrubbed of secrets, and matches connectors.ErrUnavailable.
type keyringError struct {
	op, reason string
	hung       bool // no answer within the timeout (as opposed to a quick refusal)
}

func (e *keyringError) Error() string {
	return "secret: OS keyring " + e.op + " failed: " + e.reason
}

// Unwrap makes errors.Is(err, connectors.ErrUnavailable) hold.
func (e *keyringError) Unwrap() error { return connectors.ErrUnavailable }

func unavailable(op, reason string) error { return &keyringError{op: op, reason: reason} }

// call runs one keyring operation bounded by the Store's timeout. A call that
// times out is abandoned: its goroutine ends whenever the keyring answers,
// which for a hung Secret Service may be never; the Store then stops calling
// the keyring (auto mode), so at most a few are left behind.
func (s *Store) call(op string, fn func() (string, error), secrets ...string) (string, error) {
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned call must not block forever on send
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		switch {
		case r.err == nil:
			return r.v, nil
		case isNotFound(r.err):
			return "", ErrNotFound
		default:
			return "", unavailable(op, redact(r.err.Error(), secrets...))
		}
	case <-timer.C:
		return "", &keyringError{op: op, reason: fmt.Sprintf("it did not answer within %v", s.timeout), hung: true}
	}
}

func (s *Store) krGet(user string) (string, error) {
	return s.call("read", func() (string, error) { return s.kr.Get(s.service, user) })
}

func (s *Store) krSet(user, password string, secrets ...string) error {
	_, err := s.call("write", func() (string, error) { return "", s.kr.Set(s.service, user, password) }, secrets...)
	return err
}

func (s *Store) krDelete(user string) error {
	_, err := s.call("delete", func() (string, error) { return "", s.kr.Delete(s.service, user) })
	return err
}

func partName(name string, i int) string { return name + "." + strconv.Itoa(i) }

func checksum(enc string) string {
	sum := sha256.Sum256([]byte(enc))
	return hex.EncodeToString(sum[:8])
}

// parseHeader reads "seats-chunks:<n>:<checksum>".
func parseHeader(v string) (n int, sum string, ok bool) {
	rest, ok := strings.CutPrefix(v, headerPrefix)
	if !ok {
		return 0, "", false
	}
	count, sum, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 || n > 100000 {
		return 0, "", false
	}
	return n, sum, true
}

func damaged(name string) error {
	return fmt.Errorf("secret: %q in the OS keyring is incomplete or damaged; it must be set again: %w", name, ErrNotFound)
}

func (s *Store) keyringGet(name string) ([]byte, error) {
	v, err := s.krGet(name)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(v, headerPrefix) {
		n, sum, ok := parseHeader(v)
		if !ok {
			return nil, damaged(name)
		}
		var b strings.Builder
		for i := 1; i <= n; i++ {
			part, err := s.krGet(partName(name, i))
			if errors.Is(err, ErrNotFound) {
				return nil, damaged(name)
			}
			if err != nil {
				return nil, err
			}
			b.WriteString(part)
		}
		v = b.String()
		if checksum(v) != sum {
			return nil, damaged(name)
		}
	}
	data, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, damaged(name)
	}
	return data, nil
}

// partCount returns how many parts the current entry of name has (0 when it
// is absent, small or unreadable).
func (s *Store) partCount(name string) (int, error) {
	v, err := s.krGet(name)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, _, _ := parseHeader(v)
	return n, nil
}

// keyringSet writes the parts first and the header last, so a reader sees
// either the old header (and, if parts were overwritten, a checksum mismatch
// that reads as not found) or the complete new value. Parts a longer old
// value left behind are removed afterwards, best effort.
func (s *Store) keyringSet(name string, value []byte) error {
	enc := base64.StdEncoding.EncodeToString(value)
	secrets := []string{string(value), enc}
	old, err := s.partCount(name)
	if err != nil {
		return err
	}
	parts := 0
	if len(enc) <= chunkSize {
		if err := s.krSet(name, enc, secrets...); err != nil {
			return err
		}
	} else {
		for off := 0; off < len(enc); off += chunkSize {
			parts++
			piece := enc[off:min(off+chunkSize, len(enc))]
			if err := s.krSet(partName(name, parts), piece, append(secrets, piece)...); err != nil {
				return err
			}
		}
		if err := s.krSet(name, headerPrefix+strconv.Itoa(parts)+":"+checksum(enc), secrets...); err != nil {
			return err
		}
	}
	for i := parts + 1; i <= old; i++ {
		if err := s.krDelete(partName(name, i)); err != nil && !errors.Is(err, ErrNotFound) {
			break
		}
	}
	return nil
}

// keyringDelete removes the entry and its parts; absent is not an error.
func (s *Store) keyringDelete(name string) error {
	n, err := s.partCount(name)
	if err != nil {
		return err
	}
	if err := s.krDelete(name); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	for i := 1; i <= n; i++ {
		if err := s.krDelete(partName(name, i)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
