package policies

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.rego
var regoFS embed.FS

// Module is one rego source file.
type Module struct {
	Path   string // shown in errors: "policies/pss.rego", "platform/policies/x.rego"
	Source []byte
}

// Builtin returns floe's own policy modules, without their tests, sorted by path.
func Builtin() []Module { return embedded(false) }

// builtinTests returns the rego unit tests (`*_test.rego`) shipped with the policies.
func builtinTests() []Module { return embedded(true) }

func embedded(tests bool) []Module {
	names, err := fs.Glob(regoFS, "*.rego")
	if err != nil {
		panic(err) // the pattern is constant
	}
	sort.Strings(names)
	var out []Module
	for _, n := range names {
		if isTest(n) != tests {
			continue
		}
		src, err := regoFS.ReadFile(n)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		out = append(out, Module{Path: "policies/" + n, Source: src})
	}
	return out
}

// isTest reports whether a rego file name is a unit-test file, never loaded at runtime.
func isTest(name string) bool { return strings.HasSuffix(name, "_test.rego") }
