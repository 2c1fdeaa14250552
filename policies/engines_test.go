package policies

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/floe-dev/floe/config"
)

// TestEnginesCompileEachBundleSetOnce: contracts without bundles share the built-in
// engine; contracts naming the same bundle files share one compiled engine; other
// files get their own.
func TestEnginesCompileEachBundleSetOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"a/a.rego": "package floe.a\n\nrules[\"A-01\"] := {\"title\": \"t\", \"severity\": \"warn\", \"remediation\": \"r\"}\n",
		"b/b.rego": "package floe.b\n\nrules[\"B-01\"] := {\"title\": \"t\", \"severity\": \"warn\", \"remediation\": \"r\"}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	contract := func(bundles ...string) *config.Contract {
		return &config.Contract{Policy: &config.ContractPolicy{Bundles: bundles}}
	}
	es, err := NewEngines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	engine := func(c *config.Contract) *Engine {
		t.Helper()
		e, err := es.For(ctx, root, c)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	base, a1, a2, b := engine(&config.Contract{}), engine(contract("a")), engine(contract("a")), engine(contract("b"))
	if base != es.base || a1 != a2 || a1 == base || b == a1 {
		t.Errorf("engines: base %p (built-in %p), a %p and %p, b %p", base, es.base, a1, a2, b)
	}
	if _, ok := a1.Rule("A-01"); !ok {
		t.Error("the a engine lacks A-01")
	}
	if _, err := es.For(ctx, root, contract("missing")); err == nil {
		t.Error("a missing bundle directory compiled")
	}
}
