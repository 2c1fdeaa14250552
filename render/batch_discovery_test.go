package render

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
)

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	mkdir(t, filepath.Dir(name))
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	mkdir(t, filepath.Dir(name))
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// TestFindProducts: the walk is sorted, skips hidden entries, never follows a symlinked
// directory, takes a symlinked floe.yaml only inside the root, and refuses bad DIRs.
func TestFindProducts(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	write(t, filepath.Join(outside, "floe.yaml"), "x\n")
	r := filepath.Join(base, "root")
	for _, p := range []string{"b/floe.yaml", "a/floe.yaml", "a/nested/floe.yaml", "floe.yaml", ".hidden/floe.yaml", "c/.git/floe.yaml", "shared/real.yaml"} {
		write(t, filepath.Join(r, p), "x\n")
	}
	mkdir(t, filepath.Join(r, "empty"))
	mkdir(t, filepath.Join(r, "d", "floe.yaml")) // a directory named floe.yaml
	symlink(t, "a", filepath.Join(r, "link-to-a"))
	symlink(t, outside, filepath.Join(r, "link-out"))
	symlink(t, "../shared/real.yaml", filepath.Join(r, "linked", "floe.yaml"))
	symlink(t, filepath.Join(outside, "floe.yaml"), filepath.Join(r, "escapes", "floe.yaml"))
	write(t, filepath.Join(r, "file"), "x\n")
	root, err := config.OSRoot(r)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		dir      string
		want     []string
		warnings []string
		err      string
	}{
		{dir: ".", want: []string{".", "a", "a/nested", "b", "linked"}, warnings: []string{"escapes/floe.yaml: warning: D-RND-23: a symlink resolves outside the root; skipped"}},
		{dir: "a", want: []string{"a", "a/nested"}},
		{dir: "./a/../b", want: []string{"b"}},
		{dir: "empty", want: nil},
		{dir: "link-to-a", want: []string{"link-to-a", "link-to-a/nested"}}, // DIR itself may be a link inside root
		{dir: "link-out", err: "outside the root"},
		{dir: "../x", err: "climbs out of the root"},
		{dir: "/etc", err: "is absolute"},
		{dir: "file", err: "not a directory"},
		{dir: "missing", err: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			got, ws, err := FindProducts(root, "render --all", tc.dir)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				if code := exitCodeOf(err); code != 2 {
					t.Errorf("exit code %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("products %q, want %q", got, tc.want)
			}
			var wstr []string
			for _, w := range ws {
				wstr = append(wstr, w.String())
			}
			if !slices.Equal(wstr, tc.warnings) {
				t.Errorf("warnings %q, want %q", wstr, tc.warnings)
			}
		})
	}
}

// TestFindProductsBounded: a tree deeper or larger than the limits is refused with a
// usage error naming the limit; one within them is walked whole, over a directory on
// disk and over any other Root alike.
func TestFindProductsBounded(t *testing.T) {
	r := t.TempDir()
	for _, p := range []string{"a/floe.yaml", "a/b/c/floe.yaml", "d/x", "d/y"} {
		write(t, filepath.Join(r, p), "x\n")
	}
	disk, err := config.OSRoot(r)
	if err != nil {
		t.Fatal(err)
	}
	// entries under ".": a, d (2); a: floe.yaml, b (2); a/b: c (1); a/b/c: floe.yaml (1); d: x, y (2) = 8
	for name, root := range map[string]config.Root{"disk": disk, "other root": rootWithoutDir{disk}} {
		for _, tc := range []struct {
			limits discoveryLimits
			want   string // error; "" = found a and a/b/c
		}{
			{discoveryLimits{depth: 3, entries: 8}, ""},
			{discoveryLimits{depth: 2, entries: 8}, "a/b/c is more than 2 directories deep"},
			{discoveryLimits{depth: 3, entries: 7}, "more than 7 files and directories under it"},
			{discoveryLimits{depth: 3, entries: 1}, "more than 1 files and directories under it"},
		} {
			found, _, err := findProducts(root, "render --all", ".", tc.limits)
			if tc.want == "" {
				if err != nil || !slices.Equal(found, []string{"a", "a/b/c"}) {
					t.Errorf("%s %+v: %v, %v; want [a a/b/c]", name, tc.limits, found, err)
				}
				continue
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || exitCodeOf(err) != 2 {
				t.Errorf("%s %+v: %v, %v; want exit 2 %q", name, tc.limits, found, err, tc.want)
			}
		}
	}
}

// rootWithoutDir hides a Root's directory, so the walk lists through the Root.
type rootWithoutDir struct{ config.Root }

func (rootWithoutDir) Dir() string { return "" }

// TestBatchSilencesSkippedProduct: the D-RND-23 warning about a floe.yaml symlink that
// leaves the root is printed by render --all, and is gone when the contract lists
// D-RND-23 under policy.silence (D-CLI-05).
func TestBatchSilencesSkippedProduct(t *testing.T) {
	eng := testBatchEngine(t)
	dir := batchRoot(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "floe.yaml"), []byte("kind: FloeSpec\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(outside, "floe.yaml"), filepath.Join(dir, "products", "escapes", "floe.yaml"))
	skipped := func() bool {
		res, err := eng.Batch(context.Background(), batchOptions(t, dir, ""))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(res.Warnings.Error(), "D-RND-23: a symlink resolves outside the root; skipped")
	}
	if !skipped() {
		t.Fatal("no D-RND-23 warning for the escaping floe.yaml (the premise)")
	}
	contract := filepath.Join(dir, "platform", "contract.yaml")
	b, err := os.ReadFile(contract)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(contract, append(b, "policy:\n  silence: [D-RND-23]\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if skipped() {
		t.Error("D-RND-23 printed although the contract silences it")
	}
}

// TestFindProductsNamesTheCommand: discovery's errors start with the command that walked,
// so `floe workspace --all` and `floe diff --all` do not report themselves as render --all.
func TestFindProductsNamesTheCommand(t *testing.T) {
	r := t.TempDir()
	write(t, filepath.Join(r, "file"), "x\n")
	root, err := config.OSRoot(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, command := range []string{"render --all", "workspace --all", "diff --all"} {
		_, _, err := FindProducts(root, command, "file")
		if err == nil || !strings.HasPrefix(err.Error(), command+" file: not a directory") {
			t.Errorf("%s: %v; want %q first", command, err, command+" file: not a directory")
		}
	}
}
