package overlay

import (
	"path"
	"regexp"
	"strings"
)

// kustomizeError is a kustomize error whose message names root-relative paths.
type kustomizeError struct {
	msg string
	err error
}

func (e *kustomizeError) Error() string { return e.msg }
func (e *kustomizeError) Unwrap() error { return e.err }

// memoryPathPattern matches the in-memory paths kustomize puts in its messages: floe's
// generated tree (absolute, or relative as floe wrote it into kustomizations), the
// rendered base and floe's components.
var memoryPathPattern = regexp.MustCompile(
	`(?:/|(?:\.\./)+)_floe/(?:rendered(?:/rendered\.yaml|/kustomization\.yaml)?|components/[A-Za-z0-9._-]+)` +
		`|(?:/_floe/r|(?:\.\./)*floe[df][0-9]+)(?:/floe[df][0-9]+)*\b(?:/kustomization\.yaml)?`)

// message rewrites the in-memory paths in a kustomize message: generated paths become the
// root-relative paths (or the entries as written) they stand for, the rendered base
// "floe:rendered" and floe's components "floe:<name>".
func (t *memoryTree) message(s string) string {
	return memoryPathPattern.ReplaceAllStringFunc(s, func(m string) string {
		trimmed := strings.TrimLeft(m, "./")
		switch {
		case strings.HasPrefix(trimmed, "_floe/rendered"):
			return ComponentPrefix + "rendered"
		case strings.HasPrefix(trimmed, "_floe/components/"):
			return ComponentPrefix + strings.TrimPrefix(trimmed, "_floe/components/")
		}
		if rel, ok := t.user[m]; ok {
			return rel
		}
		if spelled, ok := t.spelled[m]; ok {
			return spelled
		}
		// A relative reference floe did not write: name what its last step stands for.
		if rel, ok := t.byName(path.Base(m)); ok {
			return rel
		}
		return m
	})
}

// byName finds the root-relative path of a generated name (names are unique).
func (t *memoryTree) byName(name string) (string, bool) {
	if name == "kustomization.yaml" {
		return "", false
	}
	for p, rel := range t.user {
		if path.Base(p) == name {
			return rel, true
		}
	}
	return "", false
}
