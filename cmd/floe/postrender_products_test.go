package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPostRenderProducts: --product NAME=FILE and --products DIR map code locations
// to products; the mistakes are usage errors (exit 2, nothing on stdout).
func TestPostRenderProducts(t *testing.T) {
	t.Setenv("FLOE_POST_RENDER_LOG", filepath.Join(t.TempDir(), "post-render.log"))
	root := filepath.Join(t.TempDir(), "root")
	copyDir(t, filepath.Join("..", "..", "postrender", "testdata", "demo"), root)
	orders, err := os.ReadFile(filepath.Join(root, "dagster", "orders", "floe.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"a", "b"} {
		writeTestFile(t, filepath.Join(root, "twins", d, "floe.yaml"), string(orders))
	}
	for _, d := range []string{"orders", "marketing"} {
		b, _ := os.ReadFile(filepath.Join(root, "dagster", d, "floe.yaml"))
		writeTestFile(t, filepath.Join(root, "two", d, "floe.yaml"), string(b))
	}
	streamBytes, err := os.ReadFile(filepath.Join("..", "..", "postrender", "testdata", "dagster-platform.helm3.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stream := string(streamBytes)
	base := []string{"post-render", "--root", root, "--contract", filepath.Join(root, "platform", "pec-platform.yaml")}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"every location under --products", []string{"--products", filepath.Join(root, "dagster")}, 0, "floe.dev/product: finance"},
		{"one mapped by flag, the rest found", []string{"--products", filepath.Join(root, "two"), "--product", "finance=" + filepath.Join(root, "dagster", "finance")}, 0, "floe.dev/product: finance"},
		{"an unmapped location", []string{"--products", filepath.Join(root, "two")}, 2, `Dagster code location "finance" is not attributed to a product`},
		{"two products of one name", []string{"--products", filepath.Join(root, "twins")}, 2, `two products are named "orders"`},
		{"two whole-chart products", []string{"--product", "a", "--product", "b"}, 2, "--product given twice"},
		{"whole chart and a mapping", []string{"--product", filepath.Join(root, "dagster", "orders"), "--product", "finance=x"}, 2, "not both"},
		{"a bad location name", []string{"--product", "Finance=x"}, 2, `code location "Finance"`},
		{"a location mapped twice", []string{"--product", "finance=x", "--product", "finance=y"}, 2, "mapped twice"},
		{"a mapping without a file", []string{"--product", "finance="}, 2, "no floe.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runFloeIn(stream, append(append([]string(nil), base...), tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if tc.code != 0 {
				if stdout != "" || !strings.Contains(stderr, tc.want) {
					t.Errorf("stdout %d bytes; stderr lacks %q:\n%s", len(stdout), tc.want, stderr)
				}
				return
			}
			if !strings.Contains(stdout, tc.want) {
				t.Errorf("stdout lacks %q", tc.want)
			}
		})
	}
}

// FuzzSplitProducts: any --product values are sorted without a panic, each value
// into exactly one place.
func FuzzSplitProducts(f *testing.F) {
	f.Add("orders=products/orders", "products/x")
	f.Add("a/b=c", "=")
	f.Fuzz(func(t *testing.T, a, b string) {
		single, mapped, err := splitProducts([]string{a, b})
		if err != nil {
			return
		}
		n := len(mapped)
		if single != "" {
			n++
		}
		if n != 2 {
			t.Fatalf("%q, %q: single %q, mapped %v", a, b, single, mapped)
		}
	})
}

func writeTestFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}
