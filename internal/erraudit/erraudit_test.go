// Package erraudit holds one test: every error message seats can show a
// person is produced by some test, which asserts its text.
//
// "Every error a user can meet has been produced once by a test" cannot be
// read off the running program, so the audit reads it off the source: each
// message written into seats' code (errors.New, fmt.Errorf and the Message
// of a connectors.Error, in every package that ships) must appear in some
// test file or golden, where a test checks that it is what a person sees.
// A new message without a test fails the suite, naming the line.
package erraudit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// message is one error text written in seats' source.
type message struct {
	pos  string // file:line, from the module's root
	text string // the literal, format verbs and all
}

// notMet are the messages no person can meet: each says why. A programmer
// using a package wrongly, a state the code before it rules out. Keyed by
// the literal's text.
var notMet = map[string]string{
	// cmd/seats and the wizard's screens.
	"seats cannot test a %T": "every kind in sourceKinds builds a DistributorChecker, PSAChecker or Distributor; only a new kind added without one reaches it",
	"save the sign-in: %w":   "Close's error is dropped by run (defer f.Close()); the person sees the warning line printed beside it instead",
	"dry run":                "a sentinel that map import's own --dry-run branch catches; it is never printed",
	"no secret stored":       "a sentinel every caller turns into a message naming the secret and where to give it",
	"%s kind %q is not built into this seats (it knows %s)": "config refuses a distributor.kind or psa.kind outside DistributorKinds/PSAKinds, which are exactly sourceKinds' names, before this is asked",
	"the setup sign-in was not started":                     "the Connect screen calls FinishCreate only with the code StartCreate returned, and StartCreate sets the admin first",
	"this step has not started yet":                         "the root checks a gate only on the step in front, which enter() has built (Init) first",
	"no code in the answer":                                 "StartDeviceCode returns a code or an error, never neither",
	"seats was built without a place to save the choice":    "the wizard always gives the Pick step its Save function; only a caller of pick.New without one meets it",
	// The sandbox, the workflows and reconcile.
	"cannot add %s to %s":                                        "Money.Add's only caller (reconcile's sum for a not_billed finding) drops the error and leaves the amount unknown; no person sees it",
	"sandbox: encode the CA key: %w":                             "x509.MarshalECPrivateKey of the P-256 key newCA has just generated cannot fail",
	"sandbox: the CA key is not an ECDSA key":                    "loadCA's errors are never shown: loadOrCreateCA replaces a broken CA, joinServed and servedPort fall back",
	"sandbox: ca.pem is not a CA certificate":                    "loadCA's errors are never shown: loadOrCreateCA replaces a broken CA, joinServed and servedPort fall back",
	"sandbox: generate the CA key: %w":                           "ecdsa.GenerateKey over crypto/rand never fails (crypto/rand cannot return an error)",
	"sandbox: create the CA certificate: %w":                     "x509.CreateCertificate of seats' own fixed template and fresh key; nothing a person supplies can make it fail",
	"sandbox: generate the server key: %w":                       "ecdsa.GenerateKey over crypto/rand never fails (crypto/rand cannot return an error)",
	"sandbox: create the server certificate: %w":                 "x509.CreateCertificate of seats' own fixed template, signed by a CA loadCA has checked; nothing a person supplies can make it fail",
	"sandbox: certificate serial: %w":                            "rand.Int over crypto/rand never fails (crypto/rand cannot return an error)",
	"sandbox: encode the world: %w":                              "json.Marshal of the generated world (plain data: no channels, funcs or floats) cannot fail",
	"sandbox: signing key: %w":                                   "crypto/rand.Read never fails (it cannot return an error)",
	"sandbox: listen on 127.0.0.1: %w":                           "listening on a free loopback port fails only on a machine with no loopback or no free file descriptor, which no test can arrange without breaking the machine",
	"health check answered %s":                                   "probe's errors are never shown: joinServed, servedPort and listen treat any failed probe as 'not this sandbox'",
	"health check did not answer as a seats sandbox":             "probe's errors are never shown: joinServed, servedPort and listen treat any failed probe as 'not this sandbox'",
	"sandbox: encode %s: %w":                                     "json.Marshal of a fake's generated world (plain data) cannot fail",
	"sandbox: no directory given":                                "seats always passes the home (cmd/seats factory and sandbox reset use f.Home()); only a programmer calling Start without Dir meets it",
	"not a share":                                                "parseRate's error is replaced by faultsFromLookup's own message naming SEATS_SANDBOX_FAULT_RATE; never shown",
	"the plan has no change %d":                                  "the CLI applies every change (only is nil) and the wizard passes indexes chosen from the plan it shows",
	"%w: its schema version %d is not one this seats knows (%d)": "ParsePlan refuses any other schemaVersion before `seats reconcile apply` calls CheckPlan, and the wizard checks only plans it built itself",
	// Microsoft, Partner Center, TD SYNNEX and the HTTP client.
	"encode request body: %w": "every request body is one of seats' own structs, which always encode; only a programmer passing a func or channel meets it",
	"microsoft: WaitDeviceCode needs the *DeviceCode that StartDeviceCode returned":                                          "a programmer passing nil; every caller passes the code StartDeviceCode returned",
	"not signed in for the application setup: sign in with the code shown first":                                             "seats app create/show and the wizard call EnsureApp/ShowApp only after WaitDeviceCode succeeded, and the bootstrap cache is in memory",
	"the saved Microsoft sign-in could not be read":                                                                          "MSAL's Accounts fails only through Cache.Replace, and seats' TokenCache returns classified errors; only a foreign Config.Cache reaches this",
	"the saved sign-in is unreadable":                                                                                        "MSAL's in-memory cache always unmarshals the empty cache {}; only a broken cache.Unmarshaler could refuse it",
	"the sign-in could not be serialised":                                                                                    "MSAL's in-memory cache always marshals to JSON; only a broken cache.Marshaler could fail",
	"the saved sign-in was not read first, so it is not overwritten":                                                         "MSAL calls Replace before every Export and stops when Replace fails, so Export never comes before a load",
	"the Microsoft (direct bill) distributor needs the Microsoft sign-in: set microsoft.client_id and run `seats login`":     "cmd/seats always passes partnerCenterTokens as Tokens; only a programmer leaves it nil",
	"the Microsoft sign-in gave an empty token":                                                                              "the only TokenSource seats passes is the Microsoft connector, whose MSAL refuses a token answer without access_token",
	"tdsynnex: Config.SaveRefreshToken is required, since TD SYNNEX refresh tokens work once and each new one must be saved": "a programmer building a Client without SaveRefreshToken; cmd/seats always passes one",
	"cannot build the token request":                                                                                         "New checked the token URL with httpx.SettingURL (https, host), and the method is fixed, so the request always builds",
	// The store, its config and its secrets.
	"store: keep the licence tables: %w":                    "json.Marshal of reconcile.Tables (strings, integers, times; no map with other keys, no float) cannot fail",
	"store: check %s: %w":                                   "store.Check runs only in tests (the kill end-to-end tests); no command calls it",
	"store: open %s: %w":                                    "seats passes the absolute path of its home (config.ResolveHome), and filepath.Abs fails only for a relative one",
	"store: create the seats home: %w":                      "cmd's factory.Home creates the home before seats.db is opened in it",
	"seats.db is in use by another seats":                   "a kind for errors.Is: people read fileError's message, which names the home and says what to do",
	"seats.db is damaged":                                   "a kind for errors.Is: people read fileError's message, which names the file and says what to do",
	"seats.db is from a newer seats":                        "a kind for errors.Is: people read fileError's message, which names the file and says to upgrade",
	"nothing to migrate":                                    "a signal that rolls back the migration transaction; Open swallows it",
	"store: save consent: %w":                               "consent records carry tenant ids read from the customer list, whose keys are never empty",
	"store: save consents: %w":                              "consent records carry tenant ids read from the customer list, whose keys are never empty",
	"store: read customer status: %w":                       "callers pass tenant ids resolved from the stored customer list (FindCustomer, the TUI's rows)",
	"store: save snapshots: snapshot %d: %w":                "snapshots are read per tenant of the customer list, and the Graph client refuses an empty tenant id",
	"store: mark stale: %w":                                 "stale reasons are keyed by tenant ids of the customer list, never empty",
	"store: add sync run: unknown sync kind %q":             "sync kinds are constants in code (SyncMicrosoft, SyncDistributor, SyncPSA)",
	"store: read last sync run: unknown sync kind %q":       "sync kinds are constants in code (SyncMicrosoft, SyncDistributor, SyncPSA)",
	"store: unknown source %q":                              "sides are the constants connectors.KindDistributor and KindPSA",
	"store: record write outcome: %q is not an outcome":     "the apply workflow records only final outcomes; a programmer passing WritePending",
	"store: record write outcome: no intent %d":             "ids come from RecordWriteIntent or the pending list read from the same file",
	"store: record finished write: outcome %q is not final": "the apply workflow records only skipped/final writes; a programmer passing a pending one",
	"config: unknown cloud %q (want one of %s)":             "only Config.Endpoints calls it, with microsoft.cloud already checked against the same table on load",
	"config: no home folder given":                          "cmd passes config.ResolveHome's result, which is never empty",
	"config: flag bound to unknown key %q":                  "a programmer binding a flag to a key that does not exist",
	"config: nil flag bound to %s":                          "a programmer binding a nil flag",
	"config: bind %s: %w":                                   "viper's BindEnv fails only when given no key, and every key is given",
	"config: bind flag --%s: %w":                            "viper's BindPFlag fails only for a nil flag, which Load refuses first",
	"config: encode %s: %w":                                 "the YAML tree was just parsed from the file and the changes are checked strings, numbers, booleans and lists, which yaml encodes",
	"config: create %s: %w":                                 "the folder is the home, which cmd's factory.Home creates at start",
	"must be true or false, not %T":                         "reached only when code passes Save or Override a Go value of the wrong type; files, env and flags arrive as YAML or text",
	"must be a list of strings, not %T":                     "reached only when code passes Save or Override a Go value of the wrong type; files, env and flags arrive as YAML or text",
	"secret: create %s: %w":                                 "the folder is the home, which cmd's factory.Home creates at start",
	"secret: encode %s: %w":                                 "json.Marshal of a map[string]string cannot fail",
	"secret: make a key: %w":                                "crypto/rand.Read never returns an error",
	"secret: make a nonce: %w":                              "crypto/rand.Read never returns an error",
	"secret: key: %w":                                       "aes.NewCipher fails only for a key of the wrong length, and keys are checked (or made) to be 32 bytes",
	"secret: no home folder given":                          "cmd passes config.ResolveHome's result, which is never empty",
	"secret: home %s: %w":                                   "cmd passes the absolute home from config.ResolveHome, and filepath.Abs fails only for a relative one",
	"secret: invalid name %q (letters, digits, '.', '_', '-'; not ending in .<number>)": "secret names are constants in code (connector specs, the token cache)",
	// PSA writes (halopsa, connectwise, autotask).
	"a quantity of %d: a line is set to 0 at the least, never below":     "BuildPlan never plans below 0 and reconcile.ParsePlan refuses a plan file with a negative quantity, so SetQuantity never gets one",
	"%d units: a contract service is set to 0 at the least, never below": "BuildPlan never plans below 0 and reconcile.ParsePlan refuses a plan file with a negative quantity, so SetQuantity never gets one",
	"the line is not on the invoice":                                     "postBody walks the same raw lines in which readLine just found the line, by the same id check",
	// The distributor CSV file: causes replaced by the message shown.
	"not a time":                         "readDate replaces this cause with its own message (\"is not a date in the form YYYY-MM-DD\")",
	"the file changed while it was read": "a sentinel that explain turns into its own message (\"changed while seats read it, %d times\")",
	"is too large":                       "a sentinel that explain turns into its own message (\"is larger than %d MiB\")",
}

// verb matches a format verb: the parts of a format between verbs are
// what a person reads whatever the values.
var verb = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z%]`)

// shipped reports whether the Go file at rel (slash-separated, from the
// module's root) is part of seats as it ships: not a test, not a fake
// imitating an outside service (its errors are the service's, in the
// service's shape), not a generator run at build time, not a benchmark
// harness.
func shipped(rel string) bool {
	if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
		return false
	}
	for _, skip := range []string{"fake/", "internal/benchflow/", "internal/erraudit/", "connectors/skus/internal/"} {
		if strings.Contains(rel, skip) {
			return false
		}
	}
	return true
}

// TestEveryErrorMessageIsProducedByATest fails for each message in shipped
// code whose words (its longest run between format verbs) no test file or
// golden holds.
func TestEveryErrorMessageIsProducedByATest(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	msgs, corpus := read(t, root)
	if len(msgs) < 100 {
		t.Fatalf("found %d messages in %s: the audit reads the wrong tree", len(msgs), root)
	}
	var missing []string
	for _, m := range msgs {
		if _, ok := notMet[m.text]; ok {
			continue
		}
		words := longestWords(m.text)
		if words == "" {
			continue // a wrapper ("%s: %w") or a single word: the text is its cause's
		}
		quoted := strconv.Quote(words)
		if !strings.Contains(corpus, words) && !strings.Contains(corpus, quoted[1:len(quoted)-1]) {
			missing = append(missing, m.pos+"\t"+strconv.Quote(m.text))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d error messages are produced by no test (no test file or golden holds their words); write a test that meets each as a person would and checks what it says:\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
	for text := range notMet {
		if !slices.ContainsFunc(msgs, func(m message) bool { return m.text == text }) {
			t.Errorf("notMet lists %q, which no shipped code says any more: remove it", text)
		}
	}
}

// longestWords is the longest run of text between format verbs that holds
// two words or more, trimmed of punctuation; "" when there is none.
func longestWords(text string) string {
	best := ""
	for _, frag := range verb.Split(text, -1) {
		frag = strings.Trim(frag, " :;,.()\"'`")
		if len(strings.Fields(frag)) >= 2 && len(frag) > len(best) {
			best = frag
		}
	}
	return best
}

// read returns every message in the module's shipped code and all its
// tests and goldens as one text.
func read(t *testing.T, root string) ([]message, string) {
	t.Helper()
	var msgs []message
	var corpus strings.Builder
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != root || rel == "bin" || rel == "internal/erraudit" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, "_test.go") || strings.Contains(rel, "/testdata/") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			corpus.Write(b)
			corpus.WriteByte('\n')
			return nil
		}
		if !shipped(rel) {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit := messageLiteral(n); lit != nil {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
					return true
				}
				pos := fset.Position(lit.Pos())
				msgs = append(msgs, message{pos: rel + ":" + strconv.Itoa(pos.Line), text: s})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return msgs, corpus.String()
}

// messageLiteral is the string literal n gives an error's text, if any:
// the first argument of errors.New or fmt.Errorf, or the Message of a
// composite literal (a literal, or the format of a call such as
// fmt.Sprintf).
func messageLiteral(n ast.Node) *ast.BasicLit {
	var arg ast.Expr
	switch n := n.(type) {
	case *ast.CallExpr:
		sel, ok := n.Fun.(*ast.SelectorExpr)
		if !ok || len(n.Args) == 0 {
			return nil
		}
		pkg, ok := sel.X.(*ast.Ident)
		if ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf") {
			arg = n.Args[0]
		}
	case *ast.KeyValueExpr:
		if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Message" {
			arg = n.Value
			if call, ok := arg.(*ast.CallExpr); ok && len(call.Args) > 0 {
				arg = call.Args[0]
			}
		}
	}
	lit, ok := arg.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return nil
	}
	return lit
}
