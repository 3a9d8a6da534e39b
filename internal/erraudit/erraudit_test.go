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
var notMet = map[string]string{}

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
