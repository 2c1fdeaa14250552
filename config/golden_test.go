package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
)

// runCase runs the loader named by a case's `load` file:
//
//	product FILE | manifest FILE | contract FILE
//	load CONTRACT|- PRODUCT
//	runtime RUNTIME CONTRACT|- PRODUCT
func runCase(t *testing.T, dir string) diag.List {
	t.Helper()
	spec, err := os.ReadFile(filepath.Join(dir, "load"))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(spec))
	r := mustRoot(t, dir)
	contract := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	switch {
	case f[0] == "product" && len(f) == 2:
		_, ds := LoadProduct(r, f[1])
		return ds
	case f[0] == "manifest" && len(f) == 2:
		_, ds := LoadManifest(r, f[1])
		return ds
	case f[0] == "contract" && len(f) == 2:
		_, ds := LoadContract(r, f[1])
		return ds
	case f[0] == "load" && len(f) == 3:
		_, ds := Load(r, contract(f[1]), f[2])
		return ds
	case f[0] == "runtime" && len(f) == 4:
		in, ds := Load(r, contract(f[2]), f[3])
		if ds.HasErrors() {
			return ds
		}
		return append(ds, ValidateRuntime(in, f[1])...)
	}
	t.Fatalf("bad load spec %q", spec)
	return nil
}

func format(ds diag.List) string {
	if len(ds) == 0 {
		return "ok\n"
	}
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestGoldenValidate runs every case under golden/validate/ (inputs plus `load`) and
// compares all diagnostics with expected.txt. `go test ./config/ -update` rewrites them.
func TestGoldenValidate(t *testing.T) {
	base := filepath.Join(golden.Dir(t), "validate")
	ents, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) < 40 {
		t.Fatalf("only %d golden cases", len(ents))
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join(base, e.Name())
			ds := runCase(t, dir)
			got := format(ds)
			golden.Assert(t, filepath.Join(dir, "expected.txt"), []byte(got))
			// a case named for a rule must show a problem, except the explicit ok cases
			if !strings.Contains(e.Name(), "ok") && !strings.Contains(e.Name(), "warning") && !strings.Contains(e.Name(), "stricter") && !strings.Contains(e.Name(), "alias-minio") && !ds.HasErrors() {
				t.Errorf("case %s has no error:\n%s", e.Name(), got)
			}
			for _, d := range ds {
				if d.File == "" {
					t.Errorf("diagnostic without file: %v", d)
				}
			}
		})
	}
}
