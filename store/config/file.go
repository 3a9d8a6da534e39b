package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// ValidationError is a setting that cannot be used. It names where the value
// came from (the config file's path, "env SEATS_X", "flag --x", "Save",
// "Override"), the line in the file when known, and the key, so the user can
// find and fix it. Values are echoed only for keys that can never hold a
// secret.
type ValidationError struct {
	Source string // file path, "env SEATS_...", "flag --...", "Save", "Override", "default"
	Line   int    // 1-based line in Source, 0 when not a file or unknown
	Key    string // dotted key, "" when the problem is not tied to a key
	Reason string
}

// Error formats the problem as "source[:line]: key: reason".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// fileLayer is what config.yaml itself says: flat dotted keys with checked,
// normalised values, and the line each came from.
type fileLayer struct {
	path   string
	values map[string]any
	lines  map[string]int
}

// nested returns the values as the nested map viper expects.
func (l fileLayer) nested() map[string]any {
	out := map[string]any{}
	for key, v := range l.values {
		parts := strings.Split(key, ".")
		m := out
		for _, p := range parts[:len(parts)-1] {
			sub, ok := m[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[p] = sub
			}
			m = sub
		}
		m[parts[len(parts)-1]] = v
	}
	return out
}

// readFileLayer reads and checks path; a missing file is an empty layer.
func readFileLayer(path string) (fileLayer, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileLayer{path: path, values: map[string]any{}, lines: map[string]int{}}, nil
	}
	if err != nil {
		return fileLayer{}, &ValidationError{Source: path, Reason: "cannot read: " + atomicfile.PathCause(err).Error()}
	}
	return parseFile(path, data)
}

// parseFile checks the YAML text of config.yaml: syntax, unknown keys, types
// and values. Relative paths in it are resolved against the file's folder.
func parseFile(path string, data []byte) (fileLayer, error) {
	layer := fileLayer{path: path, values: map[string]any{}, lines: map[string]int{}}
	root, err := parseDocument(path, data)
	if err != nil || root == nil {
		return layer, err
	}
	return layer, layer.walk(root, "")
}

// parseDocument returns the top-level mapping of the file, or nil for an
// empty file.
func parseDocument(path string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ValidationError{Source: path, Line: root.Line, Reason: "the file must be a mapping of settings (key: value)"}
	}
	return root, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlSyntaxError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &ValidationError{Source: path, Line: line, Reason: "malformed YAML: " + m[2]}
	}
	return &ValidationError{Source: path, Reason: "malformed YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; i < 16 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

func (l fileLayer) walk(m *yaml.Node, prefix string) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], resolveAlias(m.Content[i+1])
		if kn.Kind != yaml.ScalarNode {
			return &ValidationError{Source: l.path, Line: kn.Line, Key: prefix, Reason: "keys must be plain names"}
		}
		key := kn.Value
		if prefix != "" {
			key = prefix + "." + kn.Value
		}
		if seen[kn.Value] {
			return &ValidationError{Source: l.path, Line: kn.Line, Key: key, Reason: "is set twice"}
		}
		seen[kn.Value] = true
		if err := l.walkEntry(key, kn, vn); err != nil {
			return err
		}
	}
	return nil
}

func (l fileLayer) walkEntry(key string, kn, vn *yaml.Node) error {
	if spec, ok := lookupKey(key); ok {
		v, present, err := valueFromNode(spec, vn, filepath.Dir(l.path))
		if err != nil {
			return &ValidationError{Source: l.path, Line: vn.Line, Key: key, Reason: err.Error()}
		}
		if present {
			l.values[key] = v
			l.lines[key] = vn.Line
		}
		return nil
	}
	if !isSection(key) {
		return &ValidationError{Source: l.path, Line: kn.Line, Key: key, Reason: unknownKeyReason(key)}
	}
	if vn.Kind == yaml.ScalarNode && vn.ShortTag() == "!!null" {
		return nil
	}
	if vn.Kind != yaml.MappingNode {
		return &ValidationError{Source: l.path, Line: vn.Line, Key: key, Reason: "must be a mapping of " + key + ".* keys, not " + describeNode(vn)}
	}
	return l.walk(vn, key)
}

// valueFromNode checks the YAML type of a value before its content: a file
// that says concurrency: "8" or client_id: 123 is wrong, and saying so is
// clearer than guessing. A null value (key with nothing after it) counts as
// not set.
func valueFromNode(spec keySpec, n *yaml.Node, base string) (v any, present bool, err error) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, false, nil
	}
	switch spec.kind {
	case kindInt:
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
			return nil, false, fmt.Errorf("%q is not an integer", n.Value)
		}
		var i int
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			return nil, false, fmt.Errorf("must be an integer, not %s", describeNode(n))
		}
		v, err = spec.check(i, base)
	case kindBool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			return nil, false, fmt.Errorf("must be true or false, not %s", describeNode(n))
		}
		v, err = spec.check(b, base)
	case kindList:
		var items []string
		if n.Kind != yaml.SequenceNode || n.Decode(&items) != nil {
			return nil, false, fmt.Errorf("must be a list of strings, not %s", describeNode(n))
		}
		v, err = spec.check(items, base)
	default:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			return nil, false, fmt.Errorf("must be a string, not %s", describeNode(n))
		}
		v, err = spec.check(n.Value, base)
	}
	return v, err == nil, err
}

// describeNode names a YAML value's type for an error message. Scalars are
// not quoted back: the value might be a secret pasted into the wrong key.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number with a fraction"
	case "!!bool":
		return "true/false"
	case "!!str":
		return "a string"
	case "!!timestamp":
		return "a date"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

// applyChanges edits the YAML tree of the file in place: a nil value removes
// the key (and a section left empty), anything else sets it. Editing the node
// tree instead of re-marshalling a map keeps the user's comments, order and
// other keys.
func applyChanges(root *yaml.Node, key string, value any) error {
	parts := strings.Split(key, ".")
	if value == nil {
		removeKey(root, parts)
		return nil
	}
	m := root
	for _, p := range parts[:len(parts)-1] {
		m = ensureMapping(m, p)
	}
	var vn yaml.Node
	if err := vn.Encode(value); err != nil {
		return err
	}
	last := parts[len(parts)-1]
	if i := findKey(m, last); i >= 0 {
		vn.HeadComment, vn.LineComment, vn.FootComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment, m.Content[i+1].FootComment
		m.Content[i+1] = &vn
		return nil
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last}, &vn)
	return nil
}

func findKey(m *yaml.Node, name string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return i
		}
	}
	return -1
}

func ensureMapping(m *yaml.Node, name string) *yaml.Node {
	if i := findKey(m, name); i >= 0 {
		sub := resolveAlias(m.Content[i+1])
		if sub.Kind == yaml.MappingNode {
			return sub
		}
		// A null section ("microsoft:" with nothing under it) becomes a mapping.
		sub = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		m.Content[i+1] = sub
		return sub
	}
	sub := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, sub)
	return sub
}

// removeKey deletes parts from m and reports whether m ended up empty.
func removeKey(m *yaml.Node, parts []string) bool {
	i := findKey(m, parts[0])
	if i < 0 {
		return len(m.Content) == 0
	}
	if len(parts) > 1 {
		sub := resolveAlias(m.Content[i+1])
		if sub.Kind != yaml.MappingNode || !removeKey(sub, parts[1:]) {
			return false
		}
	}
	m.Content = append(m.Content[:i], m.Content[i+2:]...)
	return len(m.Content) == 0
}

// writeFileAtomic replaces path with data, mode 0600, through a temporary
// file in the same folder and a rename, so a crash never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: create %s: %w", dir, err)
	}
	if err := atomicfile.WritePrivate(path, data); err != nil {
		return fmt.Errorf("config: cannot write %s: %w; make sure you may write to its folder", path, err)
	}
	return nil
}
