package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkspaceCommand drives `floe workspace` on the golden batch tree: both forms on
// stdout match the goldens, -o FILE writes the same bytes, --quiet silences the warnings;
// a broken product, a bad flag or a missing one is exit 2 with nothing on stdout and no
// file.
func TestWorkspaceCommand(t *testing.T) {
	goldenDir := filepath.Join("..", "..", "golden")
	good := copyTree(t, filepath.Join(goldenDir, "batch", "root"), filepath.Join(t.TempDir(), "good"))
	base := []string{"workspace", "--root", good, "--contract", "platform/contract.yaml", "--image-tag", renderTag, "--all", filepath.Join(good, "products")}

	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"configmap.yaml", []string{"--namespace", "dagster-platform"}},
		{"configmap-defaults.yaml", nil},
		{"helm-values.yaml", []string{"--format", "helm-values"}},
	} {
		want, err := os.ReadFile(filepath.Join(goldenDir, "workspace", tc.golden))
		if err != nil {
			t.Fatal(err)
		}
		code, out, stderr := runFloe(append(base, tc.args...)...)
		if code != 0 || out != string(want) {
			t.Errorf("%s: exit %d, golden %v\n%s\n%s", tc.golden, code, out == string(want), out, stderr)
		}
		if !strings.Contains(stderr, "warning:") {
			t.Errorf("%s: the products' warnings are not printed:\n%s", tc.golden, stderr)
		}
		file := filepath.Join(t.TempDir(), "ws.yaml")
		code, out, stderr = runFloe(append(append([]string{"-q"}, base...), append(tc.args, "-o", file)...)...)
		got, _ := os.ReadFile(file)
		if code != 0 || out != "" || stderr != "" || string(got) != string(want) {
			t.Errorf("%s -q -o: exit %d, stdout %q, stderr %q, file equal %v", tc.golden, code, out, stderr, string(got) == string(want))
		}
	}

	bad := copyTree(t, filepath.Join(goldenDir, "batch", "broken"), copyTree(t, filepath.Join(goldenDir, "batch", "root"), filepath.Join(t.TempDir(), "bad")))
	file := filepath.Join(t.TempDir(), "ws.yaml")
	code, out, stderr := runFloe("workspace", "--root", bad, "--contract", "platform/contract.yaml", "--image-tag", renderTag, "--all", filepath.Join(bad, "products"), "-o", file)
	if code != 2 || out != "" || !strings.Contains(stderr, "products/aa-bad/floe.yaml:12:17: ") || !strings.Contains(stderr, "workspace --all: 2 of 5 product(s) failed") {
		t.Errorf("broken products: exit %d, stdout %q\n%s", code, out, stderr)
	}
	if _, err := os.Lstat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("-o FILE exists after a failure: %v", err)
	}

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"workspace", "--contract", "c.yaml"}, "--all DIR is required"},
		{[]string{"workspace", "--all", good}, "--contract is required"},
		{append(base, "--format", "json"), `--format "json": want configmap or helm-values`},
		{append(base, "--format", "helm-values", "--namespace", "dagster"), "--name and --namespace name the ConfigMap"},
		{append(base, "--name", "Not_A_Name"), `ConfigMap name "Not_A_Name"`},
		{append(base, "extra"), "want 0 argument(s)"},
	} {
		code, out, stderr := runFloe(tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, stderr, tc.msg)
		}
	}
}

// TestWorkspaceHelpAndCompletion: the command has help and completes its --format values.
func TestWorkspaceHelpAndCompletion(t *testing.T) {
	code, out, stderr := runFloe("workspace", "--help")
	if code != 0 || stderr != "" || !strings.Contains(out, "externalConfigmap") || !strings.Contains(out, "--format string") {
		t.Errorf("workspace --help: exit %d, stderr %q\n%s", code, stderr, out)
	}
	code, out, _ = runFloe("__complete", "workspace", "--format", "")
	if code != 0 || !strings.Contains(out, "configmap\nhelm-values\n") {
		t.Errorf("completion of --format: exit %d\n%s", code, out)
	}
	code, out, _ = runFloe("help")
	if code != 0 || !strings.Contains(out, "workspace") {
		t.Errorf("floe help does not list workspace:\n%s", out)
	}
}
