package policies

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// FuzzParseBundle feeds arbitrary source to the bundle loader's parse and check
// (parseBundle). It must never panic, and what it accepts the compiler must never
// refuse for calling a builtin outside Capabilities: the located check and the
// capabilities set agree. Seeds: testdata/fuzz/FuzzParseBundle.
func FuzzParseBundle(f *testing.F) {
	f.Add([]byte("package floe.x\n\nrules[\"X-01\"] := {\"title\": \"t\", \"severity\": \"deny\", \"remediation\": \"r\"}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		mod, _, err := parseBundle(Module{Path: "fuzz.rego", Source: src})
		if err != nil {
			return
		}
		if mod == nil {
			t.Fatal("no module and no error")
		}
		c := ast.NewCompiler().WithCapabilities(Capabilities())
		c.Compile(map[string]*ast.Module{"fuzz.rego": mod})
		for _, e := range c.Errors {
			if name, ok := strings.CutPrefix(e.Message, "undefined function "); ok && refusedBuiltins()[name] != "" {
				t.Errorf("parseBundle accepted a call of %s: %v", name, e)
			}
		}
	})
}
