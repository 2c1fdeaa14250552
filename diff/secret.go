package diff

import (
	"strings"

	"github.com/floe-dev/floe/internal/secretshape"
)

// looksSecret reports whether a leaf value must not be printed whatever its field.
func looksSecret(v any) bool {
	s, ok := v.(string)
	return ok && secretshape.Value(s)
}

// secretEnv reports whether v is an env entry ({name, value}) whose name says secret.
func secretEnv(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	name, _ := m["name"].(string)
	return secretshape.Name(name)
}

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// at is where the walk is inside an object, and what that implies for secrecy.
type at struct {
	path   string
	depth  int    // 0 at the object's top level
	key    string // the mapping key that led here ("" for list elements)
	secret bool   // this value and everything below it is never printed
	cmData bool   // this mapping is a ConfigMap's data: its keys decide secrecy
	envVar bool   // this mapping is an env entry with a secret-looking name
	named  bool   // the key says secret (password: …): a string value that could be one is hidden
	meta   bool   // metadata
	annot  bool   // metadata.annotations
}

// child is the position of key inside the mapping at c.
func (o *objectWalk) child(c at, key string) at {
	n := at{path: joinKey(c.path, key), depth: c.depth + 1, key: key, secret: c.secret,
		named: secretshape.SecretKey(key)}
	switch {
	case c.depth == 0 && o.secretKind && (key == "data" || key == "stringData"):
		n.secret = true
	case c.depth == 0 && o.configMapKind && (key == "data" || key == "binaryData"):
		n.cmData = true
	case c.depth == 0 && key == "metadata":
		n.meta = true
	case c.meta && key == "annotations":
		n.annot = true
	case c.annot && key == lastApplied:
		n.secret = true // a copy of the whole object, secrets included
	case c.cmData && secretshape.Name(key):
		n.secret = true
	case c.envVar && key == "value":
		n.secret = true
	}
	return n
}

// elem is the position of a list element (seg is "[name=x]" or "[3]").
func (o *objectWalk) elem(c at, seg string, a, b any) at {
	n := at{path: c.path + seg, depth: c.depth + 1, secret: c.secret}
	if c.key == "env" && (secretEnv(a) || secretEnv(b)) {
		n.envVar = true
	}
	return n
}

// Path segments. Keys that are plain identifiers are joined with dots; others are
// quoted in brackets; a key or name that looks like key material is not printed.
func joinKey(path, key string) string {
	if looksSecret(key) {
		return path + `[<redacted>]`
	}
	if isIdent(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return path + "[" + quote(key) + "]"
}

func nameSeg(field, name string) string {
	if looksSecret(name) {
		return "[" + field + "=<redacted>]"
	}
	if isSelectorValue(name) {
		return "[" + field + "=" + name + "]"
	}
	return "[" + field + "=" + quote(name) + "]"
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', r == '$':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return true
}

func isSelectorValue(s string) bool {
	if s == "" {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.' || r == ':' || r == '/')
	}) < 0
}
