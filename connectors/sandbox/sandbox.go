package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seats-msp/seats/connectors/autotask/atfake"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

// DefaultApproveAfter is how long the sandbox waits before it approves a
// device code by itself, long enough for a person to read the code.
const DefaultApproveAfter = 3 * time.Second

// HealthPath is where a sandbox answers who it is; everything else goes to
// the fake Microsoft.
const HealthPath = "/sandbox/health"

// healthService marks a health answer as a seats sandbox's.
const healthService = "seats-sandbox"

// startTimeout bounds the parts of Start that wait on another process (the
// directory lock, the health probe) when ctx has no deadline of its own.
const startTimeout = 30 * time.Second

// Options say where the sandbox lives and how its fake behaves.
type Options struct {
	// Dir is the sandbox directory, <home>/sandbox. Required; created 0700
	// if missing.
	Dir string
	// Seed and Customers choose the world when none exists yet in Dir (see
	// Generate; zero Customers means DefaultCustomers). An existing world
	// is kept as it is: run Reset first to get another one.
	Seed      int64
	Customers int
	// Latency delays every fake response, to see spinners and progress.
	Latency time.Duration
	// ApproveAfter is how long after it is issued a device code is approved
	// by the sandbox (the code's message says so); zero means
	// DefaultApproveAfter and a negative value approves at the first poll.
	ApproveAfter time.Duration
	// AdminConsentAutoAccept, when positive, accepts an opened admin-consent
	// link by itself after that delay; zero leaves it to the page's Accept
	// button.
	AdminConsentAutoAccept time.Duration
	// ThrottleOnce makes the fake answer its first user listing with 429 and
	// Retry-After, so that every sandbox run goes through the retry path. The
	// zero Options leave it off; DefaultOptions turns it on.
	ThrottleOnce bool
	// Faults make a share of every fake's answers go wrong (429s, 5xx,
	// drops, cut bodies, truncated JSON, slow answers): Microsoft's, and
	// every distributor's and PSA's, each with a seed of its own. To watch
	// seats stay calm; the zero value injects none.
	Faults msfake.Faults
	// Now is the fake's clock and the generation date of a new world; nil
	// means time.Now. Certificates always use the real clock, since TLS
	// clients check them against it.
	Now func() time.Time
	// Logf receives what the sandbox has to say (a world generated, a seed
	// ignored, a failed write, TLS handshake errors). Nil discards it. It
	// never receives a secret.
	Logf func(format string, args ...any)
}

// DefaultOptions are the options `seats --sandbox` starts from, before
// flags and OptionsFromEnv: dir, DefaultApproveAfter and ThrottleOnce. Seed
// and size stay zero (a new world gets DefaultCustomers), so that only a
// seed or size actually given is compared with an existing world.
func DefaultOptions(dir string) Options {
	return Options{
		Dir:          dir,
		ApproveAfter: DefaultApproveAfter,
		ThrottleOnce: true,
	}
}

// Sandbox is a running sandbox: either served by this process or, when
// External, by another process on the same directory.
type Sandbox struct {
	dir      string
	base     string // https://127.0.0.1:N
	clientID string
	worldID  string
	external bool
	logf     func(string, ...any)

	fake *msfake.Server
	// The distributor's and the PSA's worlds and fakes, on the same
	// address under their prefixes (sources.go).
	sources   sourceWorlds
	pax8      *pax8fake.Server
	sherweb   *sherwebfake.Server
	ion       *tdsynnexfake.Server
	cw        *cwfake.Server
	halo      *halofake.Server
	at        *atfake.Server
	sourceMux *http.ServeMux
	srv       *http.Server
	done      chan struct{} // closed when Serve returns
	// serveErr is why Serve returned, if not because of Close; read after
	// done is closed.
	serveErr error

	writer *worldWriter

	closeOnce sync.Once
	closeErr  error
}

// Start serves the world of o.Dir on 127.0.0.1 over TLS, generating the
// world, the CA and the port on first use. When the recorded port already
// serves this world (another seats process got there first), Start returns
// a Sandbox that uses it: External reports true and Close leaves it running.
// When the port is held by anything else, Start fails with an error naming
// the port and the file to delete.
//
// ctx bounds the start only (waiting for another process's lock, probing
// the port); the server runs until Close.
func Start(ctx context.Context, o Options) (*Sandbox, error) {
	if o.Dir == "" {
		return nil, errors.New("sandbox: no directory given")
	}
	switch {
	case o.ApproveAfter == 0:
		o.ApproveAfter = DefaultApproveAfter
	case o.ApproveAfter < 0:
		o.ApproveAfter = 0 // msfake: approved at the first poll
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: create %s: %w", o.Dir, err)
	}
	lock, err := lockDir(ctx, filepath.Join(o.Dir, lockFileName))
	if err != nil {
		return nil, err
	}
	// Held until the server listens and serves, so that a process starting
	// at the same time finds either nothing or a working server.
	defer lock.unlock()

	statePath := filepath.Join(o.Dir, stateFileName)
	if s, ok := joinServed(ctx, o.Dir, statePath, logf); ok {
		// Another process serves this world: joining it needs neither the
		// world (a large file to parse) nor a listener.
		return s, nil
	}
	w, err := loadOrGenerateWorld(o, now(), logf)
	if err != nil {
		return nil, err
	}
	ca, created, err := loadOrCreateCA(o.Dir, time.Now())
	if err != nil {
		return nil, err
	}
	if created {
		logf("sandbox: created a CA in %s (seats trusts it through tls.ca_file)", filepath.Join(o.Dir, caFileName))
	}
	st, err := loadState(statePath)
	if err != nil {
		return nil, err
	}
	sources, err := loadOrGenerateSources(o.Dir, w, now(), logf)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{dir: o.Dir, clientID: w.ClientID, worldID: worldID(w), logf: logf, sources: sources}

	ln, err := s.listen(ctx, st.Port, ca, statePath)
	if err != nil {
		return nil, err
	}
	if s.external {
		return s, nil
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s.base = "https://127.0.0.1:" + strconv.Itoa(port)
	if st.Port != port || st.WorldID != s.worldID || st.ClientID != s.clientID {
		if err := saveState(statePath, state{Port: port, WorldID: s.worldID, ClientID: s.clientID}); err != nil {
			ln.Close()
			return nil, err
		}
	}
	customers := len(w.Customers) // w belongs to the fake from here on
	if err := s.serve(ln, ca, w, o, now); err != nil {
		ln.Close()
		return nil, err
	}
	logf("sandbox: serving %d customers at %s", customers, s.base)
	if o.Faults.Rate > 0 {
		kinds := o.Faults.Kinds
		if len(kinds) == 0 {
			kinds = msfake.AllFaults()
		}
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		logf("sandbox: spoiling %.0f%% of the answers of Microsoft, every distributor and every PSA with faults: %s", o.Faults.Rate*100, strings.Join(names, ", "))
	}
	return s, nil
}

// joinServed returns an External sandbox when sandbox.json records a port
// where this directory's world is served already (its health check names
// the recorded world), without reading the world.
func joinServed(ctx context.Context, dir, statePath string, logf func(string, ...any)) (*Sandbox, bool) {
	st, err := loadState(statePath)
	if err != nil || st.Port == 0 || st.WorldID == "" || st.ClientID == "" {
		return nil, false
	}
	ca, err := loadCA(dir)
	if err != nil {
		return nil, false
	}
	id, err := probe(ctx, st.Port, ca.pool())
	if err != nil || id != st.WorldID {
		return nil, false
	}
	// The distributor's and PSA's credentials and codebase are in their own
	// small files; the server that made them keeps them.
	sources, err := loadSources(dir)
	if err != nil {
		return nil, false
	}
	s := &Sandbox{dir: dir, clientID: st.ClientID, worldID: st.WorldID, logf: logf, external: true,
		base: "https://127.0.0.1:" + strconv.Itoa(st.Port), sources: sources.credentialsOnly()}
	logf("sandbox: using the sandbox already serving this world at %s", s.base)
	return s, true
}

// loadOrGenerateWorld returns the world of o.Dir, generating and writing it
// when there is none. A new world gets a signing key from crypto/rand rather
// than the seed, so that knowing the seed is not enough to forge its tokens.
func loadOrGenerateWorld(o Options, now time.Time, logf func(string, ...any)) (*msfake.World, error) {
	path := filepath.Join(o.Dir, worldFileName)
	w, err := loadWorld(path)
	switch {
	case err == nil:
		if o.Seed != 0 && o.Seed != w.Seed || o.Customers != 0 && o.Customers != len(w.Customers) {
			logf("sandbox: keeping the existing world in %s (seed %d, %d customers): a seed or size applies to a new world only; run `seats sandbox reset` first",
				path, w.Seed, len(w.Customers))
		}
		return w, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	w = Generate(GenerateOptions{Seed: o.Seed, Customers: o.Customers, Now: now})
	if _, err := rand.Read(w.SigningKey); err != nil {
		return nil, fmt.Errorf("sandbox: signing key: %w", err)
	}
	if err := saveWorld(path, w); err != nil {
		return nil, err
	}
	logf("sandbox: generated a world of %d customers (seed %d) in %s", len(w.Customers), w.Seed, path)
	return w, nil
}

// listen takes the recorded port, or a new one when none is recorded. When
// the recorded port is taken and answers as this world's sandbox, it marks
// s External and returns no listener.
func (s *Sandbox) listen(ctx context.Context, port int, ca *authority, statePath string) (net.Listener, error) {
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("sandbox: listen on 127.0.0.1: %w", err)
		}
		return ln, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err == nil {
		return ln, nil
	}
	id, perr := probe(ctx, port, ca.pool())
	switch {
	case perr == nil && id == s.worldID:
		s.external = true
		s.base = "https://127.0.0.1:" + strconv.Itoa(port)
		s.logf("sandbox: using the sandbox already serving this world at %s", s.base)
		return nil, nil
	case perr == nil:
		return nil, fmt.Errorf("sandbox: port %d, recorded in %s, serves another sandbox world; stop it, or delete %s so that this one picks a new port",
			port, statePath, statePath)
	default:
		return nil, fmt.Errorf("sandbox: port %d, recorded in %s, is in use by another program (%v); free it, or delete %s so that the sandbox picks a new port",
			port, statePath, err, statePath)
	}
}

// serve starts the fake behind TLS on ln.
func (s *Sandbox) serve(ln net.Listener, ca *authority, w *msfake.World, o Options, now func() time.Time) error {
	cert, err := ca.serverCertificate(time.Now())
	if err != nil {
		return err
	}
	s.writer = newWorldWriter(filepath.Join(s.dir, worldFileName), s.logf)
	s.fake = msfake.New(w, msfake.Options{
		ApproveAfter:           o.ApproveAfter,
		Latency:                o.Latency,
		ThrottleOnce:           o.ThrottleOnce,
		AdminConsentAutoAccept: o.AdminConsentAutoAccept,
		Faults:                 o.Faults,
		Now:                    now,
		OnChange:               func(*msfake.World) { s.writer.changed() },
	})
	go s.writer.run(s.fake.World)
	s.serveSources(s.sources, o)
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.route),
		ReadHeaderTimeout: 10 * time.Second,
		// net/http logs TLS handshake errors (a browser that does not trust
		// the CA yet) to stderr, which would tear a full-screen UI.
		ErrorLog: log.New(logWriter(s.logf), "sandbox: ", 0),
	}
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(tl); !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
	}()
	return nil
}

// route answers the health check and hands everything else to the fake. It
// is not a ServeMux on purpose: a mux cleans and redirects paths, and the
// fake must see Microsoft's paths exactly as the client sent them.
func (s *Sandbox) route(w http.ResponseWriter, r *http.Request) {
	if s.routeSource(w, r) {
		return
	}
	if r.URL.Path != HealthPath {
		s.fake.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(health{Service: healthService, WorldID: s.worldID, PID: os.Getpid()})
}

// health is the answer at HealthPath.
type health struct {
	Service string `json:"service"`
	WorldID string `json:"world_id"`
	PID     int    `json:"pid"`
}

// probe asks the server on 127.0.0.1:port, trusting only roots, which world
// it serves.
func probe(ctx context.Context, port int, roots *x509.CertPool) (string, error) {
	tr := &http.Transport{
		Proxy:           nil, // never ask a proxy about loopback
		TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 3 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://127.0.0.1:"+strconv.Itoa(port)+HealthPath, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("health check answered %s", resp.Status)
	}
	var h health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Service != healthService {
		return "", errors.New("health check did not answer as a seats sandbox")
	}
	return h.WorldID, nil
}

// Endpoints are the sandbox's Microsoft hosts, for seats' configuration:
// AuthorityHost https://127.0.0.1:N, Graph and Partner Center beneath it.
func (s *Sandbox) Endpoints() msfake.Endpoints { return msfake.EndpointsFor(s.base) }

// URL is the sandbox's base URL, https://127.0.0.1:N.
func (s *Sandbox) URL() string { return s.base }

// CAFile is the CA certificate that seats must trust (tls.ca_file) to reach
// the sandbox: <dir>/ca.pem.
func (s *Sandbox) CAFile() string { return filepath.Join(s.dir, caFileName) }

// ClientID is the application id the world issues tokens to; seats must be
// configured with it.
func (s *Sandbox) ClientID() string { return s.clientID }

// WorldID identifies the world being served, as the health check reports it.
func (s *Sandbox) WorldID() string { return s.worldID }

// External reports whether another process serves this sandbox; then Fake
// is nil and Close leaves that process's server running.
func (s *Sandbox) External() bool { return s.external }

// Fake is the fake Microsoft this process serves, for tests that drive it
// directly; nil when External.
func (s *Sandbox) Fake() *msfake.Server { return s.fake }

// Wait blocks until the server stops, and returns why if it was not Close.
// It returns nil at once when External, since this process serves nothing.
func (s *Sandbox) Wait() error {
	if s.external {
		return nil
	}
	<-s.done
	return s.serveErr
}

// Close stops the server, waiting briefly for requests in flight, and
// writes the world's last changes to world.json. It is safe to call more
// than once, and does nothing when External.
func (s *Sandbox) Close() error {
	if s.external {
		return nil
	}
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.closeErr = s.srv.Close()
		}
		<-s.done
		s.writer.stop() // after the server: no request can change the world any more
	})
	return s.closeErr
}

// Reset deletes the sandbox of dir (world, address and CA) so that the next
// Start generates a new one. It refuses while a server answers the health
// check for this world, since that server would keep serving, and writing,
// the old one.
func Reset(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	lock, err := lockDir(ctx, filepath.Join(dir, lockFileName))
	if err != nil {
		return err
	}
	defer lock.unlock()
	if port, ok := servedPort(ctx, dir); ok {
		return fmt.Errorf("sandbox: the sandbox in %s is being served on port %d; stop that seats process (`seats sandbox serve` or a running wizard) first", dir, port)
	}
	for _, name := range append([]string{worldFileName, stateFileName, caFileName, caKeyFileName}, sourceFileNames...) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sandbox: reset could not delete a file (%w); delete it by hand, then run `seats sandbox reset` again", err)
		}
	}
	// Leftovers of an interrupted atomic write.
	tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
	return nil
}

// servedPort reports the recorded port when a server there answers as this
// directory's sandbox.
func servedPort(ctx context.Context, dir string) (int, bool) {
	st, err := loadState(filepath.Join(dir, stateFileName))
	if err != nil || st.Port == 0 {
		return 0, false
	}
	ca, err := loadCA(dir)
	if err != nil {
		return 0, false // nothing could prove to be this sandbox without its CA
	}
	id, err := probe(ctx, st.Port, ca.pool())
	if err != nil {
		return 0, false
	}
	if id == st.WorldID {
		return st.Port, true
	}
	if w, err := loadWorld(filepath.Join(dir, worldFileName)); err == nil && id == worldID(w) {
		return st.Port, true
	}
	return 0, false
}

// logWriter turns Logf into an io.Writer for the http.Server's log.
type logWriter func(string, ...any)

func (l logWriter) Write(p []byte) (int, error) {
	l("%s", string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	if n := len(p); n > 0 && p[n-1] == '\n' {
		return p[:n-1]
	}
	return p
}
