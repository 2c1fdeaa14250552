package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOutputIOFailures: a write that cannot happen exits 2, names the path the user
// gave (never a temporary one) and leaves nothing behind: no output, no staging.
func TestOutputIOFailures(t *testing.T) {
	golden := filepath.Join("..", "..", "golden", "batch")
	root := copyTree(t, filepath.Join(golden, "root"), filepath.Join(t.TempDir(), "root"))
	base := []string{"render", "--root", root, "--contract", "platform/contract.yaml", "--image-tag", renderTag}
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(parent, "out")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"all into a file's child", append(base, "--all", filepath.Join(root, "products"), "-o", filepath.Join(file, "out")),
			"render --all: --output: " + filepath.Join(file, "out") + ": not a directory"},
		{"one into a file's child", append(base, "-o", filepath.Join(file, "out"), filepath.Join(root, "products", "customer-360")),
			"render: --output: " + filepath.Join(file, "out") + ": not a directory"},
		{"evidence into a missing directory", append(base, "-o", outDir, "--evidence", filepath.Join(parent, "missing", "ev.json"), filepath.Join(root, "products", "customer-360")),
			"render: --evidence: " + filepath.Join(parent, "missing", "ev.json") + ": no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runFloe(tc.args...)
			if code != 2 || out != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing\nstderr: %s", code, out, stderr)
			}
			if !strings.Contains(stderr, tc.want) || strings.Contains(stderr, ".floe-") {
				t.Errorf("stderr %q, want %q and no temporary path", stderr, tc.want)
			}
			ents, err := os.ReadDir(parent)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"file"}) {
				t.Errorf("left behind: %v", names)
			}
		})
	}
}
