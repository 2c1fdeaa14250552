package secretshape

import (
	"regexp"
	"strings"
)

// NamePattern is the regular expression (RE2, case-insensitive) of key and variable
// names whose values are secrets: DB_PASSWORD, client_secret, apiKey, GITHUB_TOKEN.
const NamePattern = `(?i)(password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)`

var nameRE = regexp.MustCompile(NamePattern)

// Name reports whether a key or variable name says its value is a secret.
func Name(key string) bool { return nameRE.MatchString(key) }

// referenceSuffixes end the secret-looking names that hold a reference or a setting.
var referenceSuffixes = []string{"name", "names", "ref", "refs", "path", "file", "seconds", "mode",
	"provider", "class", "type", "namespace", "items", "enabled", "length", "ttl"}

// Reference reports whether a secret-looking name holds a reference or a setting rather
// than a secret: secretName, secretKeyRef, tokenPath, automountServiceAccountToken is not
// one, but passwordFile and tokenTTL are.
func Reference(key string) bool {
	k := strings.ToLower(key)
	for _, suffix := range referenceSuffixes {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// SecretKey reports whether the value of key must be treated as a secret: the name says
// so and is not a reference.
func SecretKey(key string) bool { return Name(key) && !Reference(key) }

// Literal reports whether the value assigned to a secret-named key could be a secret:
// not empty, not a boolean or null literal, not a reference such as ${VAR} or $(VAR),
// a placeholder such as <set-me>, a format verb, a mask, a list or an object.
func Literal(v string) bool {
	v = strings.TrimRight(v, "}])")
	if v == "" || strings.ContainsAny(v[:1], "$[{(<%*") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "null", "none", "nil", "yes", "no", "on", "off", "~":
		return false
	}
	return true
}

// assignment finds "password=…", "--api-key=…", "token: …" inside a value (command lines,
// embedded configuration); group 2 is the assigned value.
var assignment = regexp.MustCompile(NamePattern + `[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?([^\s"',;]*)`)

// assigns reports whether s assigns a literal to a secret-named key.
func assigns(s string) bool {
	if !strings.ContainsAny(s, ":=") {
		return false
	}
	for _, m := range assignment.FindAllStringSubmatch(s, -1) {
		if Literal(m[2]) {
			return true
		}
	}
	return false
}
