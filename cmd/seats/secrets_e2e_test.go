package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/store/secret"
)

// knownSecret is one secret value of a sandbox run, with a name that says
// what it is: the name, never the value, goes into a failure message.
type knownSecret struct {
	name  string
	value []byte
}

// knownSecrets are every secret value a run has seen so far.
type knownSecrets []knownSecret

// add keeps value under name, unless it is known already or too short to
// search for without false alarms.
func (k *knownSecrets) add(name string, value []byte) {
	if len(value) < 8 || slices.ContainsFunc(*k, func(s knownSecret) bool { return bytes.Equal(s.value, value) }) {
		return
	}
	*k = append(*k, knownSecret{name, slices.Clone(value)})
}

// secretForm is one way a secret could be written down.
type secretForm struct {
	how   string
	bytes []byte
}

// secretForms are the byte strings under which value would be recognised
// in a file or output: as is, URL-encoded (query and path), JSON-escaped,
// hex, and base64 in both alphabets, also where the secret sits at any
// offset of a longer encoded value (ConnectWise's Basic header is base64 of
// "company+public:private"). Forms alike are listed once.
func secretForms(value []byte) []secretForm {
	forms := []secretForm{
		{"as is", value},
		{"URL-encoded", []byte(url.QueryEscape(string(value)))},
		{"path-escaped", []byte(url.PathEscape(string(value)))},
		{"JSON-escaped", jsonEscaped(value, true)},
		{"JSON-escaped", jsonEscaped(value, false)},
		{"quoted", unquoted(strconv.Quote(string(value)))}, // as slog's text handler writes it
		{"hex", []byte(hex.EncodeToString(value))},
		{"upper-case hex", []byte(strings.ToUpper(hex.EncodeToString(value)))},
	}
	for _, alphabet := range []struct {
		name string
		enc  *base64.Encoding
	}{{"base64", base64.StdEncoding}, {"base64url", base64.URLEncoding}} {
		for shift := range 3 {
			// The characters that depend only on the secret's bytes: drop
			// the group shared with what comes before and the one shared
			// with what comes after.
			padded := append(make([]byte, shift), value...)
			s := strings.TrimRight(alphabet.enc.EncodeToString(padded), "=")
			if shift > 0 {
				s = s[4:]
			}
			if rem := len(padded) % 3; rem != 0 {
				s = s[:len(s)-(rem+1)]
			}
			if len(s) >= 8 {
				forms = append(forms, secretForm{fmt.Sprintf("%s at offset %d", alphabet.name, shift), []byte(s)})
			}
		}
	}
	var out []secretForm
	for _, f := range forms {
		if !slices.ContainsFunc(out, func(o secretForm) bool { return bytes.Equal(o.bytes, f.bytes) }) {
			out = append(out, f)
		}
	}
	return out
}

// unquoted is a quoted string's content.
func unquoted(q string) []byte { return []byte(q[1 : len(q)-1]) }

// jsonEscaped is v as a JSON string's content, with or without the escapes
// of <, > and & that json.Marshal adds.
func jsonEscaped(v []byte, html bool) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(string(v))
	quoted := bytes.TrimSpace(b.Bytes())
	return quoted[1 : len(quoted)-1]
}

// tokenShapes are what the sandbox's tokens look like whether or not this
// test saw them issued: a JWT (Microsoft's), the distributors' signed
// tokens, Halo's access tokens and TD SYNNEX's refresh tokens.
var tokenShapes = map[string]*regexp.Regexp{
	"a JWT":                        regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}`),
	"a Pax8, Sherweb or Ion token": regexp.MustCompile(`\b(?:p8|sw|ion)\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}`),
	"a Halo access token":          regexp.MustCompile(`\bhf\.[0-9a-f]{32}`),
	"an Ion refresh token":         regexp.MustCompile(`ion-rt-[0-9a-f]{64}`),
}

// leaks returns where data shows a known secret, or a token by its shape:
// "what (how)" lines, never the value.
func (k knownSecrets) leaks(data []byte) []string {
	var out []string
	for _, s := range k {
		for _, form := range secretForms(s.value) {
			if bytes.Contains(data, form.bytes) {
				out = append(out, s.name+" ("+form.how+")")
			}
		}
	}
	for what, re := range tokenShapes {
		if re.Match(data) {
			out = append(out, what)
		}
	}
	sort.Strings(out)
	return out
}

func TestSecretFormsFindEncodedSecrets(t *testing.T) {
	t.Parallel()
	var k knownSecrets
	k.add("private key", []byte("3b2004c948c6d942"))
	k.add("client secret", []byte("a/b+c d&e=f?g%h-secret"))
	k.add("wrong secret", []byte(`wrong "secret" a&b`))
	for _, text := range []string{
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("seatsdemo+3a04642feb00a596:3b2004c948c6d942")),
		"x" + base64.StdEncoding.EncodeToString([]byte("3b2004c948c6d942")),
		base64.URLEncoding.EncodeToString([]byte("ab:3b2004c948c6d942:cd")),
		"client_secret=" + url.QueryEscape("a/b+c d&e=f?g%h-secret") + "&grant_type=client_credentials",
		`{"secret":"3b2004c948c6d942"}`,
		`error="wrong \"secret\" a&b"`,
		"ion-rt-" + strings.Repeat("0a", 32),
		"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
	} {
		if len(k.leaks([]byte(text))) == 0 {
			t.Errorf("no secret found in %q", text)
		}
	}
	// A paging cursor is base64 JSON too, but no token.
	if got := k.leaks([]byte("paging=eyJxIjp7ImZpbHRlciI6W3sib3AiOiJpbiJ9XX19&x=1")); len(got) > 0 {
		t.Errorf("false alarm: %v", got)
	}
}

// secretsRun is one sandbox home driven with --debug and known secrets:
// every command's output is kept for the scan at the end.
type secretsRun struct {
	t       *testing.T
	home    string // SEATS_HOME; seats keeps the sandbox's files in home/sandbox
	out     string // where plan files and exports go
	env     []string
	known   *knownSecrets
	outputs map[string][]byte // "seats ARGS (stdout)" -> what it printed
	n       int
}

func (r *secretsRun) dir() string { return filepath.Join(r.home, "sandbox") }

// run runs seats --sandbox --debug ARGS with stdin and extra environment,
// keeps what it printed and harvests the secrets it may have made.
func (r *secretsRun) run(stdin string, extraEnv []string, args ...string) result {
	r.t.Helper()
	res := seatsWith(r.t, r.home, stdin, append(slices.Clone(r.env), extraEnv...), append([]string{"--sandbox", "--debug"}, args...)...)
	r.n++
	label := fmt.Sprintf("%s (command %d)", strings.Join(args, " "), r.n)
	r.outputs[label+", stdout"] = []byte(res.stdout)
	r.outputs[label+", stderr"] = []byte(res.stderr)
	r.harvest()
	return res
}

func (r *secretsRun) must(want int, stdin string, extraEnv []string, args ...string) result {
	r.t.Helper()
	res := r.run(stdin, extraEnv, args...)
	if res.code != want {
		r.t.Fatalf("seats %v: exit %d, want %d\n%s", args, res.code, want, r.known.mask(res.stderr))
	}
	return res
}

// mask replaces every known secret in s by its name, for failure messages.
func (k knownSecrets) mask(s string) string {
	for _, sec := range k {
		for _, form := range secretForms(sec.value) {
			s = strings.ReplaceAll(s, string(form.bytes), "<"+sec.name+">")
		}
	}
	return s
}

// harvest adds the secrets that came into being since the last command:
// TD SYNNEX's refresh token (rotated at every use), every token of the
// Microsoft token cache, and whatever the secret store holds.
func (r *secretsRun) harvest() {
	r.t.Helper()
	if data, err := os.ReadFile(filepath.Join(r.dir(), "tdsynnex.json")); err == nil {
		var w struct {
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal(data, &w) == nil {
			r.known.add("a TD SYNNEX refresh token", []byte(w.RefreshToken))
		}
	}
	store, err := secret.Open(secret.Options{Home: r.dir(), Backend: secret.BackendFile})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, name := range storedSecretNames() {
		if v, err := store.Get(name); err == nil {
			r.known.add("stored "+name, v)
		}
	}
	sealed := store.Sealed(microsoft.TokenCacheSecret, microsoft.TokenCacheFile, microsoft.TokenCacheKey)
	cache, err := sealed.Get(microsoft.TokenCacheSecret)
	if errors.Is(err, secret.ErrNotFound) {
		return
	}
	if err != nil {
		r.t.Fatal(err)
	}
	tokens := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for key, x := range v {
				if s, ok := x.(string); ok && strings.EqualFold(key, "secret") {
					r.known.add("a Microsoft token", []byte(s))
					tokens++
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var parsed any
	if err := json.Unmarshal(cache, &parsed); err != nil {
		r.t.Fatalf("the token cache does not read as JSON: %v", err)
	}
	walk(parsed)
	if tokens == 0 {
		r.t.Fatal("the token cache holds no tokens this test can find")
	}
}

// storedSecretNames are the secret store's names seats uses.
func storedSecretNames() []string {
	names := []string{microsoft.TokenCacheKey, microsoft.TokenCacheSecret}
	for _, k := range sourceKinds {
		for _, sec := range k.secrets {
			names = append(names, sec.key)
		}
	}
	return names
}

// randomSecret is a wrong secret of the test's own, known too, with the
// characters that URL, form and JSON encodings change.
func randomSecret(t *testing.T, what string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "wrong+" + what + "/" + hex.EncodeToString(b) + `&=%"'`
}

// TestSandboxSecretsStayInTheSecretStore runs a whole flow with --debug and
// known secrets (every distributor and PSA secret in its environment
// variable and on stdin, wrong ones too, the Microsoft tokens of the
// encrypted token cache, TD SYNNEX's rotating refresh tokens) and searches
// everything seats wrote: every command's stdout and stderr, the debug log,
// config.yaml, seats.db, plan files, CSV exports and any other file of the
// home but the sandbox's own world and the secret store. None may show a
// secret, plain or encoded. Files seats makes are 0600, folders 0700; logout
// removes the token cache and logout --all the stored secrets.
func TestSandboxSecretsStayInTheSecretStore(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	r := &secretsRun{t: t, home: filepath.Join(root, "home"), out: filepath.Join(root, "out"), known: &knownSecrets{}, outputs: map[string][]byte{}}
	if err := os.Mkdir(r.out, 0o700); err != nil {
		t.Fatal(err)
	}
	startServe(t, r.home)

	// The known secrets: the ones the sandbox's services accept, read from
	// their world files, given through their environment variables on
	// every command (as a server would) and on stdin to connect (so that
	// they are stored too).
	type sourceSecretValue struct {
		kind, file, field, env string
	}
	var values = []sourceSecretValue{
		{"pax8", "pax8.json", "client_secret", "SEATS_DISTRIBUTOR_PAX8_CLIENT_SECRET"},
		{"sherweb", "sherweb.json", "client_secret", "SEATS_DISTRIBUTOR_SHERWEB_CLIENT_SECRET"},
		{"sherweb", "sherweb.json", "subscription_key", "SEATS_DISTRIBUTOR_SHERWEB_SUBSCRIPTION_KEY"},
		{"tdsynnex", "tdsynnex.json", "refresh_token", "SEATS_DISTRIBUTOR_TDSYNNEX_REFRESH_TOKEN"},
		{"connectwise", "connectwise.json", "private_key", "SEATS_PSA_CONNECTWISE_PRIVATE_KEY"},
		{"autotask", "autotask.json", "secret", "SEATS_PSA_AUTOTASK_SECRET"},
		{"halopsa", "halopsa.json", "client_secret", "SEATS_PSA_HALOPSA_CLIENT_SECRET"},
	}
	stdin := map[string]string{} // kind -> its secrets, a line each
	for _, v := range values {
		value := sandboxSecret(t, r.home, v.file, v.field)
		r.known.add(v.kind+" "+v.field, []byte(value))
		stdin[v.kind] += value + "\n"
		r.env = append(r.env, v.env+"="+value)
	}
	// Every secret kind of sourceKinds is covered above.
	for _, k := range sourceKinds {
		for _, sec := range k.secrets {
			if !slices.ContainsFunc(values, func(v sourceSecretValue) bool { return v.env == sec.env() }) {
				t.Fatalf("%s: its secret %s is not given by this test", k.name, sec.env())
			}
		}
	}
	// The signing keys of the fakes would let anyone mint tokens; seats
	// never sees them, so they must not turn up either.
	for _, file := range []string{"world.json", "pax8.json", "sherweb.json", "tdsynnex.json"} {
		r.known.add(file+" signing key", []byte(sandboxSecret(t, r.home, file, "signing_key")))
	}

	r.must(0, "", nil, "login")
	if res := r.run("", nil, "consent", "--all", "--method", "partner"); res.code != 0 && res.code != exitPartial {
		t.Fatalf("consent: exit %d\n%s", res.code, r.known.mask(res.stderr))
	}

	// Every distributor: a wrong secret refused, the right one kept, a sync.
	for _, kind := range []string{"pax8", "sherweb", "tdsynnex", "partnercenter", "csv"} {
		args := []string{"connect", "distributor", "--kind", kind}
		if lines := stdin[kind]; lines != "" {
			args = append(args, "--secret-stdin")
			wrong := ""
			for range strings.Count(lines, "\n") {
				w := randomSecret(t, kind)
				r.known.add("a wrong "+kind+" secret", []byte(w))
				wrong += w + "\n"
			}
			if res := r.must(exitError, wrong, nil, args...); !strings.Contains(res.stderr, "refused") {
				t.Errorf("connect %s with a wrong secret:\n%s", kind, r.known.mask(res.stderr))
			}
		}
		r.must(0, stdin[kind], nil, args...)
		r.must(0, "", nil, "sync")
	}

	// Every PSA: a wrong secret refused, the right one kept, a sync, a
	// plan written to a file and applied.
	writes := []string{"SEATS_PSA_WRITE_ENABLED=true"}
	for _, kind := range []string{"connectwise", "autotask", "halopsa"} {
		w := randomSecret(t, kind)
		r.known.add("a wrong "+kind+" secret", []byte(w))
		args := []string{"connect", "psa", "--kind", kind, "--secret-stdin"}
		if res := r.must(exitError, w+"\n", nil, args...); !strings.Contains(res.stderr, "refused") {
			t.Errorf("connect %s with a wrong secret:\n%s", kind, r.known.mask(res.stderr))
		}
		r.must(0, stdin[kind], nil, args...)
		r.must(0, "", nil, "sync")
		r.must(0, "", nil, "reconcile", "--format", "json")
		plan := filepath.Join(r.out, "plan-"+kind+".json")
		r.must(0, "", nil, "reconcile", "plan", "-o", plan)
		if res := r.must(0, "", writes, "reconcile", "apply", plan, "--yes"); !strings.Contains(res.stderr, "Every change applied") {
			t.Errorf("apply with %s:\n%s", kind, r.known.mask(res.stderr))
		}
	}
	for _, kind := range mapKinds {
		r.must(0, "", nil, "map", kind.name, "export", "-o", filepath.Join(r.out, kind.name+".csv"))
	}
	r.must(0, "", nil, "map", "accounts", "export")
	r.must(0, "", nil, "distributor", "template", "-o", filepath.Join(r.out, "template.csv"))
	r.must(0, "", nil, "audit")
	r.must(0, "", nil, "audit", "--json")
	r.must(0, "", nil, "status", "--json")
	r.must(0, "", nil, "status")
	r.run("", nil, "doctor") // some checks fail in the sandbox; only its output matters here
	r.must(0, "", nil, "licenses", "--format", "csv")

	// A secret the PSA no longer takes (a wrong one in the environment
	// wins over the stored one): the sync says so, naming the PSA.
	w := randomSecret(t, "halopsa-env")
	r.known.add("a wrong HaloPSA secret in the environment", []byte(w))
	if res := r.must(exitPartial, "", []string{"SEATS_PSA_HALOPSA_CLIENT_SECRET=" + w}, "sync"); !strings.Contains(res.stderr, "HaloPSA FAILED") {
		t.Errorf("sync with a refused HaloPSA secret:\n%s", r.known.mask(res.stderr))
	}

	// logout removes the token cache; logout --all the stored secrets too.
	cacheFile := filepath.Join(r.dir(), microsoft.TokenCacheFile)
	sealed, err := os.ReadFile(cacheFile)
	if err != nil {
		t.Fatalf("no token cache to remove: %v", err)
	}
	if found := r.known.leaks(sealed); len(found) > 0 {
		t.Errorf("the token cache file is not sealed: it shows %s", strings.Join(found, ", "))
	}
	r.must(0, "", nil, "logout")
	if _, err := os.Stat(cacheFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("logout left the token cache: %v", err)
	}
	store, err := secret.Open(secret.Options{Home: r.dir(), Backend: secret.BackendFile})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range sourceKinds {
		for _, sec := range k.secrets {
			if _, err := store.Get(sec.key); err != nil {
				t.Errorf("before logout --all, the %s %s is not stored: %v", k.name, sec.label, err)
			}
		}
	}
	r.must(0, "", nil, "logout", "--all")
	for _, k := range sourceKinds {
		for _, sec := range k.secrets {
			if _, err := store.Get(sec.key); !errors.Is(err, secret.ErrNotFound) {
				t.Errorf("logout --all left the %s %s in the secret store (%v)", k.name, sec.label, err)
			}
		}
	}
	raw, _ := os.ReadFile(filepath.Join(r.dir(), secret.FileName))
	for _, s := range *r.known {
		if !strings.HasPrefix(s.name, "stored microsoft.") && bytes.Contains(raw, s.value) {
			t.Errorf("after logout --all the secrets file still holds %s", s.name)
		}
	}

	// The scan: every output, and every file but the sandbox's own world
	// (the fake services' data) and the secret store.
	if len(*r.known) < 15 {
		t.Fatalf("only %d known secrets: the harvest is broken", len(*r.known))
	}
	t.Logf("searching for %d known secrets", len(*r.known))
	for label, data := range r.outputs {
		if found := r.known.leaks(data); len(found) > 0 {
			t.Errorf("seats %s shows %s", label, strings.Join(found, ", "))
		}
	}
	// The fake services' own data holds their secrets, as the services
	// themselves do; the secret store holds them by design (the token
	// cache, sealed, was searched above and is gone now).
	notSeats := map[string]bool{
		"world.json": true, "pax8.json": true, "sherweb.json": true, "tdsynnex.json": true,
		"connectwise.json": true, "autotask.json": true, "halopsa.json": true, "distributor.csv": true,
		secret.FileName: true, microsoft.TokenCacheFile: true,
	}
	scanned := map[string]bool{}
	for _, dir := range []string{r.home, r.out} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if filepath.Dir(path) == r.dir() && notSeats[d.Name()] {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			scanned[filepath.ToSlash(rel)] = true
			if found := r.known.leaks(data); len(found) > 0 {
				t.Errorf("%s shows %s", rel, strings.Join(found, ", "))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"home/sandbox/debug.log", "home/sandbox/config.yaml", "home/sandbox/seats.db",
		"out/plan-halopsa.json", "out/accounts.csv"} {
		if !scanned[want] {
			t.Errorf("%s was not scanned (scanned: %v)", want, scanned)
		}
	}
	// The scan saw the requests of every service, their secrets redacted.
	debugLog, _ := os.ReadFile(filepath.Join(r.dir(), "debug.log"))
	for _, service := range []string{"sign-in", "pax8", "sherweb", "tdsynnex", "partnercenter", "connectwise", "autotask", "halopsa", "REDACTED"} {
		if !bytes.Contains(debugLog, []byte(service)) {
			t.Errorf("the debug log never mentions %s", service)
		}
	}

	// Every file seats made is 0600, every folder 0700 (Windows has no such
	// modes).
	if runtime.GOOS == "windows" {
		return
	}
	// Two files are 0644 by the sandbox's own choice (connectors/sandbox):
	// its CA certificate, public by nature, and sandbox.json, which holds
	// its port, world id and client id, nothing secret.
	public := map[string]bool{"ca.pem": true, "sandbox.json": true}
	check := func(path string, d fs.DirEntry) {
		info, err := d.Info()
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		switch mode := info.Mode().Perm(); {
		case d.IsDir() && mode != 0o700:
			t.Errorf("folder %s has mode %v, want 0700", rel, mode)
		case !d.IsDir() && mode != 0o600 && !(filepath.Dir(path) == r.dir() && public[d.Name()]):
			t.Errorf("file %s has mode %v, want 0600", rel, mode)
		}
	}
	err = filepath.WalkDir(r.home, func(path string, d fs.DirEntry, err error) error {
		if err == nil {
			check(path, d)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(r.out)
	for _, e := range entries {
		check(filepath.Join(r.out, e.Name()), e)
	}
}

// The wizard's connect form, given TD SYNNEX's refresh token: the test spends
// it (Ion's refresh tokens work once) and the client keeps the one it got in
// exchange; saving must not put the spent one back, or the next use fails.
func TestConnectFormKeepsTheRotatedRefreshToken(t *testing.T) {
	t.Setenv(secret.EnvBackend, secret.BackendFile)
	for _, k := range sourceKinds { // the sandbox sets them in this process
		for _, sec := range k.secrets {
			t.Setenv(sec.env(), "")
		}
	}
	ctx := t.Context()
	f := &factory{sandbox: true, homeFlag: t.TempDir(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	t.Cleanup(func() { f.Close() })
	cfg, err := f.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Store()
	if err != nil {
		t.Fatal(err)
	}
	k, _ := lookupSource(connectors.KindDistributor, "tdsynnex")
	values, secrets := k.sandbox(f.sb.SourceEndpoints(), f.sb.Credentials())
	t.Setenv(k.secrets[0].env(), "") // typed in the form, not found in the environment
	form := f.sourceForm(ctx, cfg, st, k)
	if _, err := form.Test(ctx, values, secrets); err != nil {
		t.Fatalf("test with the sandbox's refresh token: %v", err)
	}
	if err := form.Save(values, secrets); err != nil {
		t.Fatal(err)
	}
	stored, err := f.secrets.Get(secretTDSynnexRefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if string(stored) == secrets[secretTDSynnexRefreshToken] {
		t.Fatal("the form stored the refresh token its test spent")
	}
	// Testing again with what is stored (the form left empty) works.
	if _, err := f.sourceForm(ctx, cfg, st, k).Test(ctx, values, map[string]string{}); err != nil {
		t.Fatalf("test with the stored refresh token: %v", err)
	}
}
