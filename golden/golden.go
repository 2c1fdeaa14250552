// Package golden compares whole outputs with files under a golden directory. Run
// `go test ./... -update` to rewrite them; read every golden diff before committing.
// Every package with tests imports this package so that the -update flag is known.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

// Update rewrites golden files instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite golden files")

// Assert compares got with the golden file at path (rewriting it under -update).
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update to create it)", path, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff is a unified diff of want and got, for test failure messages.
func Diff(want, got string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want), B: difflib.SplitLines(got),
		FromFile: "want", ToFile: "got", Context: 3,
	})
	if len(d) > 20000 {
		d = d[:20000] + "\n…(cut)"
	}
	return strings.TrimRight(d, "\n")
}

// Dir is the repository's golden/ directory, found from the test's working directory.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "golden")); err == nil {
				return filepath.Join(dir, "golden")
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("golden: no golden/ directory above the test")
		}
		dir = parent
	}
}
