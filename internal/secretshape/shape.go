package secretshape

import (
	"encoding/base64"
	"regexp"
	"strings"
)

// Shape is one recognisable form of key material.
type Shape struct {
	// Name says what the shape is, for messages ("JWT", "GitHub token").
	Name string
	// Pattern is the RE2 expression of the shape.
	Pattern string
}

// shape is a Shape compiled, with a cheap guard: substrings one of which every match
// contains, and an optional check a match must also pass.
type shape struct {
	Shape
	guards []string
	re     *regexp.Regexp
	check  func(match string) bool
}

func newShape(name, pattern string, check func(string) bool, guards ...string) shape {
	return shape{Shape: Shape{name, pattern}, guards: guards, re: regexp.MustCompile(pattern), check: check}
}

var shapes = []shape{
	newShape("PEM block", `-----BEGIN [A-Z0-9 ]*-----(?s:.*?)(?:-----END [A-Z0-9 ]*-----|\z)`, nil, "-----BEGIN "),
	newShape("AWS access key id", `\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`, nil, "AKIA", "ASIA"),
	newShape("GitHub token", `\bgh[pousr]_[A-Za-z0-9]{30,}`, nil, "gh"),
	newShape("GitHub fine-grained token", `\bgithub_pat_[A-Za-z0-9_]{20,}`, nil, "github_pat_"),
	newShape("GitLab token", `\bglpat-[A-Za-z0-9_-]{20,}`, nil, "glpat-"),
	newShape("Slack token", `\bxox[abprs]-[A-Za-z0-9-]{10,}`, nil, "xox"),
	newShape("JWT", `\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`, nil, "eyJ"),
	newShape("bearer credential", `(?i)\bbearer[ \t]+[A-Za-z0-9._~+/-]{16,}=*`, bearer, "Bearer", "bearer", "BEARER"),
	newShape("basic credential", `(?i)\bbasic[ \t]+[A-Za-z0-9+/]{4,}={0,2}`, basic, "Basic", "basic", "BASIC"),
	newShape("URL credentials", `\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s?#@]+@`, urlPassword, "@"),
}

// bearer holds for a bearer credential whose token has a digit: "Bearer tokens expire"
// is prose, "Bearer 4f2a…" is a credential.
func bearer(m string) bool { return strings.ContainsAny(m, "0123456789") }

// basic holds for "Basic <base64>" whose payload decodes to user:password.
func basic(m string) bool {
	payload := strings.TrimSpace(m[len("basic"):])
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(payload); err == nil && strings.IndexByte(string(b), ':') > 0 {
			return true
		}
	}
	return false
}

// urlPassword holds for URL userinfo with a password (user:password@); a bare user
// name such as ssh://git@host is not a secret.
func urlPassword(m string) bool {
	_, rest, _ := strings.Cut(m, "://")
	return strings.IndexByte(rest, ':') > 0
}

// Shapes lists the shapes of key material floe recognises, in a fixed order.
func Shapes() []Shape {
	out := make([]Shape, len(shapes))
	for i, s := range shapes {
		out[i] = s.Shape
	}
	return out
}

// minLen is shorter than any match of any shape.
const minLen = 8

// find returns the byte ranges of the shaped parts of s, in order, not overlapping.
func find(s string, all bool) [][2]int {
	if len(s) < minLen {
		return nil
	}
	var out [][2]int
	for _, sh := range shapes {
		if !sh.guarded(s) {
			continue
		}
		for _, loc := range sh.re.FindAllStringIndex(s, -1) {
			if sh.check != nil && !sh.check(s[loc[0]:loc[1]]) {
				continue
			}
			out = append(out, [2]int{loc[0], loc[1]})
			if !all {
				return out
			}
		}
	}
	return out
}

func (sh shape) guarded(s string) bool {
	for _, g := range sh.guards {
		if strings.Contains(s, g) {
			return true
		}
	}
	return false
}

// ShapeOf names the first of the Shapes s contains ("JWT", "GitHub token"), or "".
func ShapeOf(s string) string {
	if len(s) < minLen {
		return ""
	}
	for _, sh := range shapes {
		if !sh.guarded(s) {
			continue
		}
		for _, loc := range sh.re.FindAllStringIndex(s, -1) {
			if sh.check == nil || sh.check(s[loc[0]:loc[1]]) {
				return sh.Name
			}
		}
	}
	return ""
}

// Shaped reports whether s contains key material of one of the Shapes.
func Shaped(s string) bool { return len(find(s, false)) > 0 }

// Value reports whether a value must never be printed whatever key holds it: it
// contains key material of one of the Shapes, or assigns a literal to a secret-named
// key ("--password=hunter2", `{"api_key":"abc"}`).
func Value(s string) bool { return Shaped(s) || len(s) >= minLen && assigns(s) }
