package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
)

// The tests in this file meet each error a person can run into the way
// that person would: the command typed with the bad flag, file or
// situation, in this process, and check that what seats prints says it.

// inProcess is one seats home used by commands run in this process.
type inProcess struct {
	t    *testing.T
	home string // SEATS_HOME: hints then carry no --home, as a person types them
}

// newInProcess gives a test an empty home, the secret file instead of the
// OS keyring, and no distributor or PSA secret from the environment.
// Commands run in this process change the environment (the sandbox supplies
// its made-up secrets through it), so these tests do not run in parallel.
func newInProcess(t *testing.T) *inProcess {
	t.Helper()
	home := t.TempDir()
	t.Setenv("SEATS_HOME", home)
	t.Setenv("SEATS_SECRET_BACKEND", "file")
	t.Setenv("SEATS_SANDBOX_APPROVE_AFTER", "1s")
	t.Setenv("SEATS_PSA_WRITE_ENABLED", "")
	t.Setenv("TERM", "xterm-256color")
	for _, k := range sourceKinds {
		for _, sec := range k.secrets {
			t.Setenv(sec.env(), "")
		}
	}
	return &inProcess{t: t, home: home}
}

// config writes config.yaml in the home (or, with --sandbox, in its
// sandbox folder).
func (p *inProcess) config(sandbox bool, yaml string) string {
	p.t.Helper()
	dir := p.home
	if sandbox {
		dir = filepath.Join(p.home, "sandbox")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		p.t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		p.t.Fatal(err)
	}
	return path
}

// run runs seats with args and stdin; stderr, when given, also gets what
// seats prints for people.
func (p *inProcess) run(ctx context.Context, stdin io.Reader, stderr io.Writer, args ...string) result {
	p.t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	var w io.Writer = &errb
	if stderr != nil {
		w = io.MultiWriter(&errb, stderr)
	}
	code := run(ctx, args, stdin, &out, w)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// fails runs seats and checks that it exits with code and says want.
func (p *inProcess) fails(code int, want string, args ...string) result {
	p.t.Helper()
	r := p.run(context.Background(), nil, nil, args...)
	if r.code != code || !says(r.stderr, want) {
		p.t.Errorf("seats %s: exit %d, want %d saying %q:\n%s", strings.Join(args, " "), r.code, code, want, r.stderr)
	}
	return r
}

// readPSA records in the home's store a read of an empty PSA of kind, as a
// sync of it would.
func (p *inProcess) readPSA(kind string) {
	p.t.Helper()
	st, err := store.Open(filepath.Join(p.home, "seats.db"), store.Options{})
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := st.SavePSASnapshot(connectors.PSASnapshot{Kind: kind, TakenAt: time.Now()}); err != nil {
		p.t.Fatal(err)
	}
}

// says reports whether text holds want, also as the start of a sentence
// (explain capitalises the first word of a message).
func says(text, want string) bool {
	return strings.Contains(text, want) || strings.Contains(text, strings.ToUpper(want[:1])+want[1:])
}

// onText runs do once, the first time seats prints text: the moment to
// change the world under a command that is half done.
type onText struct {
	text string
	do   func()
	mu   sync.Mutex
	seen bytes.Buffer
	done bool
}

func (o *onText) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen.Write(b)
	if !o.done && strings.Contains(o.seen.String(), o.text) {
		o.done = true
		o.do()
	}
	return len(b), nil
}

// replaceWithDir puts an empty folder where a file was, so that reading or
// replacing the file fails (the tests may run as root, to whom a file's
// mode is no bar).
func replaceWithDir(t *testing.T, path string) {
	t.Helper()
	if err := os.RemoveAll(path); err != nil {
		t.Error(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Error(err)
	}
}

// TestUsageMistakesSayWhatToGive: a command given without what it needs,
// or with a wrong value, says what to give; bad usage exits 2.
func TestUsageMistakesSayWhatToGive(t *testing.T) {
	p := newInProcess(t)
	existing := filepath.Join(p.home, "billing.csv")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"app"}, "say what to do: seats app create, or seats app show"},
		{[]string{"connect"}, "say what to connect: seats connect distributor, or seats connect psa"},
		{[]string{"distributor"}, "say what to do: seats distributor template"},
		{[]string{"sandbox"}, "say what to do: seats sandbox serve, or seats sandbox reset"},
		{[]string{"map", "accounts"}, "say export or import: seats map accounts export [-o FILE], seats map accounts import FILE [--dry-run]"},
		{[]string{"consent", "--method", "partner"}, "give either --tenant (a tenant id, domain or customer name) or --all"},
		{[]string{"consent", "--all"}, "give --method partner (your partner account) or --method admin (the customer's admin)"},
		{[]string{"consent", "--all", "--method", "pigeon"}, `--method must be partner or admin, not "pigeon"`},
		{[]string{"licenses", "--format", "xml"}, "--format xml: use table, json or csv"},
		{[]string{"licenses", "--customer", "Contoso"}, "--customer Contoso: no customer with that name or tenant id has licence data"},
		{[]string{"connect", "psa"}, "say which PSA with --kind (connectwise, autotask, halopsa)"},
		{[]string{"connect", "psa", "--kind", "kaseya"}, "--kind kaseya: seats knows the PSAs connectwise, autotask, halopsa"},
		{[]string{"connect", "distributor", "--kind", "csv", "--client-id", "x"}, "--client-id is not a setting of "},
		{[]string{"connect", "distributor", "--kind", "csv"}, "distributor.csv.path is not set: give --path or set distributor.csv.path in config.yaml"},
		{[]string{"distributor", "template", "-o", existing}, existing + " exists: give --force to replace it, or another --output"},
	}
	for _, tt := range tests {
		p.fails(exitUsage, tt.want, tt.args...)
	}
}

// TestConnectSecretMistakes: a secret that is neither piped nor set, or an
// empty stdin with --secret-stdin, is asked for by name; a stdin seats
// cannot read is named.
func TestConnectSecretMistakes(t *testing.T) {
	p := newInProcess(t)
	sherweb := []string{"connect", "distributor", "--kind", "sherweb", "--client-id", "my-app"}
	p.fails(exitUsage, "the client secret is needed: pipe it with --secret-stdin or set SEATS_DISTRIBUTOR_SHERWEB_CLIENT_SECRET", sherweb...)
	p.fails(exitUsage, "--secret-stdin: stdin held no client secret (give each secret on a line of its own)", append(sherweb, "--secret-stdin")...)

	// seats ... --secret-stdin < folder
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	r := p.run(context.Background(), dir, nil, append(sherweb, "--secret-stdin")...)
	if r.code != exitError || !says(r.stderr, "could not read the client secret from stdin: ") || !strings.Contains(r.stderr, "is a directory") {
		t.Errorf("stdin a folder: exit %d\n%s", r.code, r.stderr)
	}
}

// TestPlanAndApplyRefusals: apply refuses a plan it cannot read, one made
// while writes are off, with no PSA, or for another PSA; plan says where
// it could not write and that a PSA is needed.
func TestPlanAndApplyRefusals(t *testing.T) {
	p := newInProcess(t)
	p.fails(exitError, "could not read the plan: ", "reconcile", "apply", filepath.Join(p.home, "plan.json"), "--yes")
	p.fails(exitError, "no PSA is connected: run `seats connect psa` first", "reconcile", "plan")

	p.config(false, "psa:\n  kind: connectwise\n")
	p.readPSA("connectwise")
	p.fails(exitError, "could not write the plan: ", "reconcile", "plan", "-o", filepath.Join(p.home, "no-such-folder", "plan.json"))
	plan := filepath.Join(p.home, "plan.json")
	if r := p.run(context.Background(), nil, nil, "reconcile", "plan", "-o", plan); r.code != exitOK {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	p.fails(exitError, "psa.write_enabled is off, so seats writes nothing to the PSA: turn it on in the wizard's Settings step, or set psa.write_enabled: true in", "reconcile", "apply", plan, "--yes")

	t.Setenv("SEATS_PSA_WRITE_ENABLED", "true")
	p.config(false, "")
	p.fails(exitError, "no PSA is connected: run `seats connect psa` first", "reconcile", "apply", plan, "--yes")

	p.config(false, "psa:\n  kind: halopsa\n  halopsa:\n    url: https://yourco.halopsa.com\n    client_id: seats\n")
	t.Setenv("SEATS_PSA_HALOPSA_CLIENT_SECRET", "made-up")
	p.fails(exitError, "it was made for connectwise, and this home's PSA is halopsa", "reconcile", "apply", plan, "--yes")
}

// TestStartupRefusals: a home seats cannot create, a wizard with no
// terminal to draw on, and a sign-in with no application id say what to do.
func TestStartupRefusals(t *testing.T) {
	p := newInProcess(t)
	file := filepath.Join(p.home, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SEATS_HOME", filepath.Join(file, "seats"))
	p.fails(exitError, "could not create the home folder "+filepath.Join(file, "seats")+" (choose another with --home or SEATS_HOME)", "status")
	t.Setenv("SEATS_HOME", p.home)

	p.fails(exitError, "to create seats' application in your partner tenant (or register one by hand, see the README, and put its id in", "login")
	p.fails(exitError, "the wizard needs a terminal; in scripts use seats login, consent, status and sync (seats --help lists them)")
	t.Setenv("TERM", "dumb")
	p.fails(exitError, "this terminal (TERM=dumb) cannot show the wizard's full screen; run seats in a terminal such as xterm, or use seats login, consent, status and sync (seats --help lists them)")
}

// TestWizardRefusals: what the wizard's steps are told when a typed
// application id is not one, or a plan is applied with no PSA connected.
func TestWizardRefusals(t *testing.T) {
	p := newInProcess(t)
	f := &factory{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	defer f.Close()
	setup := &wizardAppSetup{lazy: &lazyDeps{f: f}}
	if err := setup.UseClientID("seats-app"); err == nil || err.Error() != `"seats-app" is not an application id: it looks like 00000000-0000-0000-0000-000000000000` {
		t.Errorf("typed id seats-app: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p.home, "config.yaml")); err == nil {
		t.Error("a wrong id was saved")
	}
	if _, err := (lazyApplier{f}).Resolve(context.Background()); err == nil || err.Error() != "no PSA seats can write to is connected: connect one (seats connect psa), then apply again" {
		t.Errorf("apply with no PSA: %v", err)
	}
}

// TestSavingFailsAfterAConnectionWorks: the connection is proven, then
// config.yaml cannot be written: seats says the connection works and why
// its settings were not kept.
func TestSavingFailsAfterAConnectionWorks(t *testing.T) {
	p := newInProcess(t)
	csv := filepath.Join(p.home, "billing.csv")
	if err := os.WriteFile(csv, []byte("account_id,account_name,product_name,quantity\nC1,Contoso,Microsoft 365 Business Premium,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgFile := p.config(false, "")
	broken := &onText{text: "Testing the connection to", do: func() { replaceWithDir(t, cfgFile) }}
	r := p.run(context.Background(), nil, broken, "connect", "distributor", "--kind", "csv", "--path", csv)
	if r.code != exitError || !says(r.stderr, "the connection works, but its settings could not be saved: ") || !strings.Contains(r.stderr, "is a directory") {
		t.Errorf("config.yaml unwritable: exit %d\n%s", r.code, r.stderr)
	}
}

// TestLogoutAllSaysWhichSecretStayed: logout --all with a secret store it
// cannot change names the secret it could not remove.
func TestLogoutAllSaysWhichSecretStayed(t *testing.T) {
	p := newInProcess(t)
	p.config(false, "microsoft:\n  client_id: 11111111-2222-3333-4444-555555555555\n")
	secrets := filepath.Join(p.home, "secrets")
	if err := os.WriteFile(secrets, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := &onText{text: "Signed out", do: func() { replaceWithDir(t, secrets) }}
	r := p.run(context.Background(), nil, broken, "logout", "--all")
	if r.code != exitError || !says(r.stderr, "could not remove the Pax8 client secret: ") {
		t.Errorf("logout --all: exit %d\n%s", r.code, r.stderr)
	}
}

// TestSandboxRefusals: a damaged sandbox world, and a second sandbox serve
// of the same world, say so.
func TestSandboxRefusals(t *testing.T) {
	p := newInProcess(t)
	world := filepath.Join(p.home, "sandbox", "world.json")
	if err := os.MkdirAll(filepath.Dir(world), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(world, []byte(`{"customers": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	p.fails(exitError, "could not start the sandbox", "--sandbox", "status", "--refresh")
	if r := p.run(context.Background(), nil, nil, "sandbox", "reset"); r.code != exitOK {
		t.Fatalf("reset: exit %d\n%s", r.code, r.stderr)
	}

	ctx, stop := context.WithCancel(context.Background())
	serving := make(chan struct{})
	first := &onText{text: "Sandbox serving", do: func() { close(serving) }}
	done := make(chan result)
	go func() { done <- p.run(ctx, nil, first, "sandbox", "serve") }()
	select {
	case <-serving:
	case r := <-done:
		stop()
		t.Fatalf("sandbox serve ended: exit %d\n%s", r.code, r.stderr)
	}
	r := p.fails(exitError, "another seats process is already serving this sandbox at https://127.0.0.1:", "sandbox", "serve")
	if !strings.Contains(r.stderr, ": commands run with --sandbox use it as it is; stop it (Ctrl+C where it runs) to serve it from here") {
		t.Errorf("a second serve does not say what to do:\n%s", r.stderr)
	}
	stop()
	if r := <-done; r.code != exitOK {
		t.Errorf("the first sandbox serve: exit %d\n%s", r.code, r.stderr)
	}
}

// TestSandboxWorkDoneButNotKept: in the sandbox, work that succeeded (an
// application made, a connection tested) but could not be kept says what
// was done and what was not.
func TestSandboxWorkDoneButNotKept(t *testing.T) {
	p := newInProcess(t)
	home := filepath.Join(p.home, "sandbox")

	// The config file breaks while seats waits for the administrator.
	broken := &onText{text: "Waiting for you to sign in", do: func() { replaceWithDir(t, filepath.Join(home, "config.yaml")) }}
	r := p.run(context.Background(), nil, broken, "--sandbox", "app", "create")
	if r.code != exitError || !strings.Contains(r.stderr, " is ready, but its id could not be saved (set microsoft.client_id to it in config.yaml by hand): ") {
		t.Errorf("app create with config.yaml unwritable: exit %d\n%s", r.code, r.stderr)
	}
	if err := os.Remove(filepath.Join(home, "config.yaml")); err != nil {
		t.Fatal(err)
	}

	// Pax8 connects with the secret the sandbox supplies; the same secret
	// typed on stdin is tested, then the secret store breaks.
	if r := p.run(context.Background(), nil, nil, "--sandbox", "connect", "distributor", "--kind", "pax8"); r.code != exitOK {
		t.Fatalf("connect pax8: exit %d\n%s", r.code, r.stderr)
	}
	secret := sandboxSecret(t, p.home, "pax8.json", "client_secret")
	broken = &onText{text: "Testing the connection to", do: func() { replaceWithDir(t, filepath.Join(home, "secrets")) }}
	r = p.run(context.Background(), strings.NewReader(secret+"\n"), broken, "--sandbox", "connect", "distributor", "--kind", "pax8", "--secret-stdin")
	if r.code != exitError || !says(r.stderr, "the connection works, but the secret could not be stored: ") {
		t.Errorf("connect with the secret store unwritable: exit %d\n%s", r.code, r.stderr)
	}
}

// TestSyncInterrupted: a sync stopped (Ctrl+C) while it reads says so.
func TestSyncInterrupted(t *testing.T) {
	p := newInProcess(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ctrlC := &onText{text: "Reading customers from Partner Center", do: stop}
	r := p.run(ctx, nil, ctrlC, "--sandbox", "sync")
	if r.code != exitError || !says(r.stderr, "sync interrupted") || !strings.Contains(r.stderr, "seats: Sync interrupted.") {
		t.Errorf("sync stopped: exit %d\n%s", r.code, r.stderr)
	}
}

// TestWizardMatchingNamesTheSourceItCouldNotRead: the wizard's matching
// step reads the sources first; a distributor that refuses its secret is
// named with why.
func TestWizardMatchingNamesTheSourceItCouldNotRead(t *testing.T) {
	p := newInProcess(t)
	p.config(true, "distributor:\n  kind: pax8\n")
	if r := p.run(context.Background(), nil, nil, "--sandbox", "login"); r.code != exitOK {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	t.Setenv("SEATS_DISTRIBUTOR_PAX8_CLIENT_SECRET", "not-the-secret")
	f := &factory{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, sandbox: true}
	defer f.Close()
	_, err := f.wizardMatcher(context.Background()).Refresh()
	if err == nil || !strings.HasPrefix(err.Error(), "Pax8 could not be read, so its side cannot be matched: ") {
		t.Errorf("matching with Pax8 refusing: %v", err)
	}
}
