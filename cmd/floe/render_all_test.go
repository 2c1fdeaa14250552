package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderAllCommand drives `floe render --all` on the golden batch tree: stdout and
// -o OUTDIR succeed with the golden outputs; one broken product makes the run exit 2 with
// nothing on stdout and no OUTDIR; flags that only make sense for one product are refused.
func TestRenderAllCommand(t *testing.T) {
	golden := filepath.Join("..", "..", "golden", "batch")
	good := copyTree(t, filepath.Join(golden, "root"), filepath.Join(t.TempDir(), "good"))
	base := []string{"render", "--root", good, "--contract", "platform/contract.yaml", "--image-tag", renderTag}

	code, out, stderr := runFloe(append(base, "--all", filepath.Join(good, "products"))...)
	want, err := os.ReadFile(filepath.Join(golden, "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != string(want) {
		t.Fatalf("render --all to stdout: exit %d, golden %v\n%s", code, out == string(want), stderr)
	}
	if strings.Count(stderr, "X-03") != 1 {
		t.Errorf("the shared Manifest warning is not printed once:\n%s", stderr)
	}

	dir := filepath.Join(t.TempDir(), "out")
	code, out, stderr = runFloe(append(base, "--all", filepath.Join(good, "products"), "-o", dir)...)
	if code != 0 || out != "" {
		t.Fatalf("render --all -o: exit %d, stdout %q\n%s", code, out, stderr)
	}
	for _, p := range []string{"customer-360/04-deployment-customer-360.yaml", "sales/orders-daily/04-deployment-orders-daily.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}

	bad := copyTree(t, filepath.Join(golden, "broken"), copyTree(t, filepath.Join(golden, "root"), filepath.Join(t.TempDir(), "bad")))
	badOut := filepath.Join(t.TempDir(), "out")
	code, out, stderr = runFloe("render", "--root", bad, "--contract", "platform/contract.yaml", "--image-tag", renderTag, "--all", filepath.Join(bad, "products"), "-o", badOut)
	if code != 2 || out != "" || !strings.Contains(stderr, "products/aa-bad/floe.yaml:12:17: ") || !strings.Contains(stderr, "2 of 5 product(s) failed") {
		t.Errorf("broken batch: exit %d, stdout %q\n%s", code, out, stderr)
	}
	if _, err := os.Lstat(badOut); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OUTDIR exists after a failed batch: %v", err)
	}

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--all", good, good}, "want 0 argument(s)"},
		{[]string{"--all", good, "--evidence", "e.json"}, "--evidence works on one PRODUCT"},
		{[]string{"--all", good, "--format", "json", "-o", dir}, "--format json is for stdout"},
		{[]string{"--all", filepath.Join(good, "platform", "contract.yaml")}, "not a directory"},
	} {
		code, out, stderr := runFloe(append(base, tc.args...)...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want %q)", tc.args, code, out, stderr, tc.msg)
		}
	}
}

// copyTree copies the directory src into dst (created or merged) and returns dst.
func copyTree(t *testing.T, src, dst string) string {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil && !errors.Is(err, fs.ErrExist) {
		t.Fatal(err)
	}
	return dst
}
