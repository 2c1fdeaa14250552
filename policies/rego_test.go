package policies

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	_ "github.com/floe-dev/floe/golden" // knows the -update flag
)

func parseModules(t *testing.T, mods []Module) map[string]*ast.Module {
	t.Helper()
	out := map[string]*ast.Module{}
	for _, m := range mods {
		mod, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), parseOptions())
		if err != nil {
			t.Fatal(err)
		}
		out[m.Path] = mod
	}
	return out
}

// TestRegoUnitTests runs every *_test.rego through OPA's tester, compiled with the
// engine's Capabilities, and requires, for each rule declared in the policies'
// metadata, a passing test_<id>_pass* and a passing test_<id>_fail* (id lower-cased,
// '-' → '_').
func TestRegoUnitTests(t *testing.T) {
	ctx := context.Background()
	modules := parseModules(t, append(Builtin(), builtinTests()...))
	compiler := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(true)
	ch, err := tester.NewRunner().SetCompiler(compiler).SetModules(modules).RaiseBuiltinErrors(true).SetTimeout(2*time.Minute).Run(ctx, modules)
	if err != nil {
		t.Fatal(err)
	}
	passed := map[string]bool{}
	n := 0
	for r := range ch {
		n++
		switch {
		case r.Error != nil:
			t.Errorf("%s.%s: error: %v", r.Package, r.Name, r.Error)
		case r.Fail:
			t.Errorf("%s.%s (%s): FAIL", r.Package, r.Name, r.Location)
		case r.Skip:
			t.Errorf("%s.%s: skipped (todo_ tests are not allowed)", r.Package, r.Name)
		default:
			passed[r.Name] = true
		}
	}
	if n == 0 {
		t.Fatal("no rego tests ran")
	}
	t.Logf("%d rego tests ran", n)

	e, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Rules() {
		slug := "test_" + strings.ReplaceAll(strings.ToLower(r.ID), "-", "_") + "_"
		for _, kind := range []string{"pass", "fail"} {
			found := false
			for name := range passed {
				if strings.HasPrefix(name, slug+kind) {
					found = true
				}
			}
			if !found {
				t.Errorf("rule %s (%s) has no passing %s%s* rego test", r.ID, r.Package, slug, kind)
			}
		}
	}
}

// TestPoliciesCompileStrict keeps the built-in policies free of unused variables,
// imports and other mistakes OPA's strict mode reports.
func TestPoliciesCompileStrict(t *testing.T) {
	c := ast.NewCompiler().WithCapabilities(Capabilities()).WithStrict(true)
	c.Compile(parseModules(t, Builtin()))
	if c.Failed() {
		t.Fatal(c.Errors)
	}
}
