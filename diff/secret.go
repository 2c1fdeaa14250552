package diff

import (
	"regexp"
	"strings"
)

// secretName matches env variable names and ConfigMap keys whose values are secrets.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)`)

// secretLooking matches values that are key material whatever field holds them. Each
// pattern has a cheap guard: a substring any match must contain.
var secretLooking = []struct {
	guard string
	re    *regexp.Regexp
}{
	{"-----BEGIN ", regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*-----`)},                              // PEM block
	{"AKIA", regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`)},                                           // AWS access key id
	{"ASIA", regexp.MustCompile(`\bASIA[0-9A-Z]{16}\b`)},                                           // AWS temporary key id
	{"gh", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{30,}`)},                                     // GitHub tokens
	{"github_pat_", regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{20,}`)},                          // GitHub fine-grained tokens
	{"xox", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},                                  // Slack tokens
	{"eyJ", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)}, // JWT
	{"@", regexp.MustCompile(`://[^/\s:@]+:[^/\s@]+@`)},                                            // URL with a password
}

// secretAssignment finds "password=…", "--api-key=…", "token: …" inside a value
// (command lines, embedded configuration); group 2 is the assigned value.
var secretAssignment = regexp.MustCompile(`(?i)(password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?([^\s"',;]*)`)

// looksSecret reports whether a leaf value must not be printed whatever its field.
func looksSecret(v any) bool {
	s, ok := v.(string)
	if !ok || len(s) < 8 {
		return false
	}
	for _, p := range secretLooking {
		if strings.Contains(s, p.guard) && p.re.MatchString(s) {
			return true
		}
	}
	if strings.ContainsAny(s, ":=") {
		for _, m := range secretAssignment.FindAllStringSubmatch(s, -1) {
			if assignedSecret(m[2]) {
				return true
			}
		}
	}
	return false
}

// assignedSecret reports whether the value assigned to a secret-named key could be a
// secret: not empty, not a literal, a reference or a structure.
func assignedSecret(v string) bool {
	v = strings.TrimRight(v, "}])")
	if v == "" || strings.ContainsAny(v[:1], "$[{(<%*") {
		return false // empty, ${VAR}, $(VAR), a list, an object, <placeholder>, %s, ***
	}
	switch strings.ToLower(v) {
	case "true", "false", "null", "none", "nil", "yes", "no", "on", "off", "~":
		return false
	}
	return true
}

// referenceKey reports whether a secret-named key holds a reference or a setting
// rather than a secret: secretName, secretKeyRef, tokenPath, automount…Token is not it.
func referenceKey(key string) bool {
	k := strings.ToLower(key)
	for _, suffix := range []string{"name", "names", "ref", "refs", "path", "file", "seconds", "mode",
		"provider", "class", "type", "namespace", "items", "enabled", "length", "ttl"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// secretEnv reports whether v is an env entry ({name, value}) whose name says secret.
func secretEnv(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	name, _ := m["name"].(string)
	return secretName.MatchString(name)
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
		named: secretName.MatchString(key) && !referenceKey(key)}
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
	case c.cmData && secretName.MatchString(key):
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
