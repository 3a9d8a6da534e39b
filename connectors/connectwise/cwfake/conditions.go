package cwfake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The conditions= language, the subset the fake understands:
//
//	expr       := and { "or" and }
//	and        := unary { "and" unary }
//	unary      := "not" unary | "(" expr ")" | comparison
//	comparison := path op value | path ["not"] "in" "(" value {"," value} ")"
//	            | path ["not"] "like" string | path "contains" string
//	op         := "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	path       := name { "/" name }                   company/id, _info/lastUpdated
//	value      := "str" | 'str' | number | true | false | null | [2025-01-01T00:00:00Z]
//
// Keywords are case-insensitive, as in ConnectWise. Strings compare without
// regard to case (ConnectWise sits on SQL Server's default collation). A
// comparison with a missing (null) field is false, except "= null" and
// "!= null", as in SQL. Anything else (an unknown field, a value of the
// wrong type, a syntax error, an array field) is refused with 400, as
// ConnectWise refuses what it cannot translate: a fake that let unknown
// conditions through would hide a client's typo.

// condition is a parsed conditions expression.
type condition interface {
	eval(row map[string]any) (bool, error)
}

type orCond struct{ l, r condition }
type andCond struct{ l, r condition }
type notCond struct{ c condition }

func (c orCond) eval(row map[string]any) (bool, error) {
	l, err := c.l.eval(row)
	if err != nil || l {
		return l, err
	}
	return c.r.eval(row)
}

func (c andCond) eval(row map[string]any) (bool, error) {
	l, err := c.l.eval(row)
	if err != nil || !l {
		return false, err
	}
	return c.r.eval(row)
}

func (c notCond) eval(row map[string]any) (bool, error) {
	v, err := c.c.eval(row)
	return !v, err
}

// literalKind is the type of a literal in a condition.
type literalKind int

const (
	litString literalKind = iota
	litNumber
	litBool
	litNull
	litDate
)

type literal struct {
	kind literalKind
	s    string
	n    float64
	b    bool
	t    time.Time
}

type comparison struct {
	path   []string
	op     string // = != < <= > >= in like contains
	negate bool   // not in, not like
	values []literal
}

// parseConditions parses s; known lists the top-level field names of the
// entity, so that a condition on a field the entity does not have is
// refused at once.
func parseConditions(s string, known map[string]bool) (condition, error) {
	toks, err := lexConditions(s)
	if err != nil {
		return nil, err
	}
	p := &condParser{toks: toks, known: known}
	c, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	return c, nil
}

type tokKind int

const (
	tokName tokKind = iota
	tokString
	tokNumber
	tokDate
	tokOp
	tokLParen
	tokRParen
	tokComma
	tokSlash
)

type token struct {
	kind tokKind
	text string
}

// maxConditionLen bounds what the fake parses; ConnectWise's own limit is
// the URL length.
const maxConditionLen = 4000

func lexConditions(s string) ([]token, error) {
	if len(s) > maxConditionLen {
		return nil, fmt.Errorf("conditions longer than %d characters", maxConditionLen)
	}
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{tokLParen, "("})
			i++
		case r == ')':
			toks = append(toks, token{tokRParen, ")"})
			i++
		case r == ',':
			toks = append(toks, token{tokComma, ","})
			i++
		case r == '/':
			toks = append(toks, token{tokSlash, "/"})
			i++
		case r == '"' || r == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != r; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, token{tokString, b.String()})
			i = j + 1
		case r == '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated date")
			}
			toks = append(toks, token{tokDate, strings.TrimSpace(string(rs[i+1 : j]))})
			i = j + 1
		case r == '=' || r == '<' || r == '>' || r == '!':
			j := i + 1
			if j < len(rs) && (rs[j] == '=' || r == '<' && rs[j] == '>') {
				j++
			}
			op := string(rs[i:j])
			if op == "!" {
				return nil, fmt.Errorf("unexpected \"!\"")
			}
			toks = append(toks, token{tokOp, op})
			i = j
		case r == '-' || r == '.' || unicode.IsDigit(r):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
				j++
			}
			toks = append(toks, token{tokNumber, string(rs[i:j])})
			i = j
		case r == '_' || unicode.IsLetter(r):
			j := i + 1
			for j < len(rs) && (rs[j] == '_' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			toks = append(toks, token{tokName, string(rs[i:j])})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", r)
		}
	}
	return toks, nil
}

type condParser struct {
	toks  []token
	pos   int
	known map[string]bool
}

// maxDepth bounds nesting so that a crafted condition cannot exhaust the stack.
const maxDepth = 50

func (p *condParser) peek() (token, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return token{}, false
}

func (p *condParser) keyword(word string) bool {
	t, ok := p.peek()
	if ok && t.kind == tokName && strings.EqualFold(t.text, word) {
		p.pos++
		return true
	}
	return false
}

func (p *condParser) expr(depth int) (condition, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("conditions nested too deep")
	}
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = orCond{l, r}
	}
	return l, nil
}

func (p *condParser) and(depth int) (condition, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = andCond{l, r}
	}
	return l, nil
}

func (p *condParser) unary(depth int) (condition, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("conditions nested too deep")
	}
	if p.keyword("not") {
		c, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notCond{c}, nil
	}
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("the conditions end too early")
	}
	if t.kind == tokLParen {
		p.pos++
		c, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); !ok || t.kind != tokRParen {
			return nil, fmt.Errorf("missing \")\"")
		}
		p.pos++
		return c, nil
	}
	return p.comparison()
}

func (p *condParser) comparison() (condition, error) {
	path, err := p.path()
	if err != nil {
		return nil, err
	}
	c := comparison{path: path}
	if p.keyword("not") {
		c.negate = true
	}
	switch {
	case p.keyword("in"):
		c.op = "in"
		if t, ok := p.peek(); !ok || t.kind != tokLParen {
			return nil, fmt.Errorf("\"in\" needs a list in parentheses")
		}
		p.pos++
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.values = append(c.values, v)
			t, ok := p.peek()
			if ok && t.kind == tokComma {
				p.pos++
				continue
			}
			if ok && t.kind == tokRParen {
				p.pos++
				break
			}
			return nil, fmt.Errorf("missing \")\" after the \"in\" list")
		}
		return c, nil
	case p.keyword("like"):
		c.op = "like"
	case !c.negate && p.keyword("contains"):
		c.op = "contains"
	default:
		if c.negate {
			return nil, fmt.Errorf("\"not\" after a field must be followed by \"in\" or \"like\"")
		}
		t, ok := p.peek()
		if !ok || t.kind != tokOp {
			return nil, fmt.Errorf("field %s needs an operator", strings.Join(path, "/"))
		}
		p.pos++
		c.op = t.text
		if c.op == "<>" {
			c.op = "!="
		}
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if (c.op == "like" || c.op == "contains") && v.kind != litString {
		return nil, fmt.Errorf("%q needs a string", c.op)
	}
	if v.kind == litNull && c.op != "=" && c.op != "!=" {
		return nil, fmt.Errorf("null can only be compared with = or !=")
	}
	if v.kind == litBool && c.op != "=" && c.op != "!=" {
		return nil, fmt.Errorf("true and false can only be compared with = or !=")
	}
	c.values = []literal{v}
	return c, nil
}

func (p *condParser) path() ([]string, error) {
	var path []string
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokName {
			return nil, fmt.Errorf("expected a field name")
		}
		p.pos++
		path = append(path, t.text)
		if t, ok := p.peek(); ok && t.kind == tokSlash {
			p.pos++
			continue
		}
		break
	}
	if p.known != nil && !p.known[path[0]] {
		return nil, fmt.Errorf("unknown field %q", strings.Join(path, "/"))
	}
	return path, nil
}

func (p *condParser) value() (literal, error) {
	t, ok := p.peek()
	if !ok {
		return literal{}, fmt.Errorf("a value is missing")
	}
	p.pos++
	switch t.kind {
	case tokString:
		return literal{kind: litString, s: t.text}, nil
	case tokNumber:
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return literal{}, fmt.Errorf("%q is not a number", t.text)
		}
		return literal{kind: litNumber, n: n}, nil
	case tokDate:
		tm, err := parseTime(t.text)
		if err != nil {
			return literal{}, fmt.Errorf("[%s] is not a date", t.text)
		}
		return literal{kind: litDate, t: tm}, nil
	case tokName:
		switch strings.ToLower(t.text) {
		case "true":
			return literal{kind: litBool, b: true}, nil
		case "false":
			return literal{kind: litBool, b: false}, nil
		case "null":
			return literal{kind: litNull}, nil
		}
	}
	return literal{}, fmt.Errorf("unexpected %q where a value belongs", t.text)
}

// parseTime reads a date in a condition or a field: CW's own
// "2024-01-01T00:00:00Z", with an offset, or a bare date.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date")
}

// lookup follows path through nested objects; a missing step is null.
func lookup(row map[string]any, path []string) (any, error) {
	var cur any = row
	for i, name := range path {
		switch v := cur.(type) {
		case nil:
			return nil, nil
		case map[string]any:
			cur = v[name]
		case []any, []map[string]any:
			return nil, fmt.Errorf("%s is a list: use childConditions", strings.Join(path[:i], "/"))
		default:
			return nil, fmt.Errorf("%s is not an object", strings.Join(path[:i], "/"))
		}
	}
	switch cur.(type) {
	case map[string]any, []any, []map[string]any:
		return nil, fmt.Errorf("%s is an object or a list, not a value", strings.Join(path, "/"))
	}
	return cur, nil
}

func (c comparison) eval(row map[string]any) (bool, error) {
	field, err := lookup(row, c.path)
	if err != nil {
		return false, err
	}
	name := strings.Join(c.path, "/")
	if c.op == "in" {
		for _, v := range c.values {
			eq, err := compare(name, field, "=", v)
			if err != nil {
				return false, err
			}
			if eq {
				return !c.negate, nil
			}
		}
		return c.negate && field != nil, nil
	}
	ok, err := compare(name, field, c.op, c.values[0])
	if err != nil {
		return false, err
	}
	if c.negate {
		return !ok && field != nil, nil
	}
	return ok, nil
}

// compare applies op to a field's value and a literal.
func compare(name string, field any, op string, v literal) (bool, error) {
	if v.kind == litNull {
		if op == "=" {
			return field == nil, nil
		}
		return field != nil, nil
	}
	if field == nil {
		return false, nil // SQL: a comparison with NULL is not true
	}
	switch v.kind {
	case litBool:
		b, ok := field.(bool)
		if !ok {
			return false, fmt.Errorf("%s is not true or false", name)
		}
		return (b == v.b) == (op == "="), nil
	case litNumber:
		n, ok := number(field)
		if !ok {
			return false, fmt.Errorf("%s is not a number", name)
		}
		return order(op, cmpFloat(n, v.n))
	case litDate:
		s, ok := field.(string)
		if !ok {
			return false, fmt.Errorf("%s is not a date", name)
		}
		t, err := parseTime(s)
		if err != nil {
			return false, fmt.Errorf("%s is not a date", name)
		}
		return order(op, t.Compare(v.t))
	}
	s, ok := field.(string)
	if !ok {
		if n, isNum := number(field); isNum {
			// ConnectWise accepts id="12" as well as id=12.
			ln, err := strconv.ParseFloat(v.s, 64)
			if err != nil {
				return false, fmt.Errorf("%s is a number, not %q", name, v.s)
			}
			return order(op, cmpFloat(n, ln))
		}
		return false, fmt.Errorf("%s is not text", name)
	}
	a, b := strings.ToLower(s), strings.ToLower(v.s)
	switch op {
	case "like":
		return like(a, b), nil
	case "contains":
		return strings.Contains(a, b), nil
	}
	return order(op, strings.Compare(a, b))
}

func order(op string, c int) (bool, error) {
	switch op {
	case "=":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("operator %q does not apply here", op)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// like matches s against a pattern where % (and *, which ConnectWise also
// takes) stand for any run of characters.
func like(s, pattern string) bool {
	pattern = strings.ReplaceAll(pattern, "*", "%")
	parts := strings.Split(pattern, "%")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}
