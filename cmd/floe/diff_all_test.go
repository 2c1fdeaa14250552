package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/internal/output"
)

// monorepoEpoch is 2026-12-20 (SOURCE_DATE_EPOCH of the monorepo tests): the
// exception expiring 2027-01-10 is 21 days away.
const monorepoEpoch = "1797724800"

// monorepo writes a repository of n products (products/p01 … products/pNN, Dagster
// runtime) sharing one contract, its Manifest, an overlay that annotates p07's
// Deployment only, and two policy exceptions, and commits it with go-git. It returns
// the directory.
func monorepo(t testing.TB, n int) string {
	t.Helper()
	root := t.TempDir()
	batch := filepath.Join("..", "..", "golden", "batch", "root")
	copyFile := func(src, dst string, edit func(string) string) {
		t.Helper()
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, dst), edit(string(b)))
	}
	same := func(s string) string { return s }
	copyFile(filepath.Join(batch, "platform", "manifest.yaml"), "platform/manifest.yaml", same)
	copyFile(filepath.Join(batch, "platform", "contract.yaml"), "platform/contract.yaml", func(s string) string {
		return s + `policy:
  exceptions:
    - rule: POL-SEC-05
      resources: ["Deployment/p0*"]
      reason: migration of the first products
      approvedBy: security@example.com
      expires: "2027-01-10"
    - rule: POL-SEC-06
      resources: ["Deployment/p1*"]
      reason: long-term
      approvedBy: platform@example.com
      expires: "2027-12-31"
overlays:
  - platform/overlays/team
`
	})
	writeFile(t, filepath.Join(root, "platform", "overlays", "team", "kustomization.yaml"), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
patches:
  - target: {kind: Deployment, name: p07}
    patch: |-
      - op: add
        path: /metadata/annotations/team.example.com~1owner
        value: alpha
`)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("p%02d", i)
		copyFile(filepath.Join(batch, "products", "hello-orders", "floe.yaml"), filepath.Join("products", name, "floe.yaml"), func(s string) string {
			return strings.Replace(s, "name: hello-orders", "name: "+name, 1)
		})
	}
	commitAll(t, scratchRepo(t, root), "monorepo")
	return root
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiffAllMonorepo is must-show 2: in a monorepo of 50 products, a change to one
// product's floe.yaml reports only that product (the 49 others are not rendered again);
// a contract change reports every product using the contract; an overlay change that
// alters one product's render reports only it (all 50 are rendered, 49 render the
// same), with the policy finding it adds and its secret-named value shown by size
// only. Text, markdown and json are golden files.
func TestDiffAllMonorepo(t *testing.T) {
	noTerminal(t, false)
	t.Setenv("SOURCE_DATE_EPOCH", monorepoEpoch)
	base := monorepo(t, 50)
	for _, tc := range []struct {
		name, file, old, new string
		summary              string // the text report's second line
		reported             []string
	}{
		{"floe-yaml", "products/p23/floe.yaml", "    domain: sales\n", "    domain: finance\n",
			"1 of 50 products differ: 0 added, 0 removed, 1 changed; 0 render the same; 49 unaffected", []string{"products/p23"}},
		{"contract", "platform/contract.yaml", "artifactRegistry: registry.example.com/data-products\n", "artifactRegistry: registry.example.com/data-products-eu\n",
			"50 of 50 products differ: 0 added, 0 removed, 50 changed; 0 render the same; 0 unaffected", nil},
		{"overlay", "platform/overlays/team/kustomization.yaml", "value: alpha\n", "value: beta\n" + `  - target: {kind: ConfigMap, name: p07-telemetry}
    patch: |-
      - op: add
        path: /data/password
        value: hunter2-literal
`,
			"1 of 50 products differ: 0 added, 0 removed, 1 changed; 49 render the same; 0 unaffected", []string{"products/p07"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := copyTree(t, base, t.TempDir())
			editFile(t, filepath.Join(root, tc.file), tc.old, tc.new)
			args := []string{"diff", "--all", filepath.Join(root, "products"), "--root", root, "--contract", "platform/contract.yaml",
				"--base", "HEAD", "--image-tag", diffTag}
			// One review in process, written in every format as the command writes it;
			// then the command itself once (json, --exit-code).
			rep := reviewInProcess(t, args)
			for _, f := range []struct {
				format string
				ext    string
			}{{"text", "txt"}, {"markdown", "md"}, {"json", "json"}} {
				s := &streams{Out: new(bytes.Buffer), Err: io.Discard}
				formats := output.DiffAll(false, diff.DefaultMaxCommentChars)
				if err := writeReview(s, rep, formats, f.format, &diffAllOptions{maxChars: diff.DefaultMaxCommentChars}); err != nil {
					t.Fatal(err)
				}
				out := s.Out.String()
				golden.Assert(t, filepath.Join(golden.Dir(t), "diff", "all-"+tc.name+"."+f.ext), []byte(out))
				if f.format != "text" {
					continue
				}
				lines := strings.Split(out, "\n")
				if len(lines) < 2 || lines[1] != tc.summary {
					t.Errorf("summary %q, want %q", lines[1], tc.summary)
				}
				var reported []string
				for _, l := range lines {
					if p, ok := strings.CutPrefix(l, "== "); ok {
						reported = append(reported, strings.SplitN(p, " ", 2)[0])
					}
				}
				want := tc.reported
				if want == nil {
					for i := 1; i <= 50; i++ {
						want = append(want, fmt.Sprintf("products/p%02d", i))
					}
				}
				if strings.Join(reported, ",") != strings.Join(want, ",") {
					t.Errorf("reported %v, want %v", reported, want)
				}
				if strings.Contains(out, "hunter2") {
					t.Errorf("a secret value was printed:\n%s", out)
				}
				if tc.name == "overlay" && !strings.Contains(out, "  + warn POL-SEC-10 floe-dev/ConfigMap/p07-telemetry: ") {
					t.Errorf("the overlay's secret-named key should add a POL-SEC-10 warning:\n%s", out)
				}
				if !strings.Contains(out, "POL-SEC-05 Deployment/p0*: expires 2027-01-10 (in 21 days), owner security@example.com") || strings.Contains(out, "POL-SEC-06") {
					t.Errorf("the exception expiring in 21 days (and only it) should be listed:\n%s", out)
				}
			}
			code, out, stderr := runFloe(append(args, "--format", "json", "--exit-code")...)
			if want, _ := os.ReadFile(filepath.Join(golden.Dir(t), "diff", "all-"+tc.name+".json")); code != 1 || out != string(want) {
				t.Errorf("floe diff --all --format json --exit-code: exit %d (want 1), stdout equals the golden: %v\n%s", code, out == string(want), stderr)
			}
		})
	}
}

// reviewInProcess runs the review `floe diff` args ask for, as runDiffAll does.
func reviewInProcess(t testing.TB, args []string) *diff.Report {
	t.Helper()
	o := &diffOptions{}
	if err := newDiffCommand(&streams{Out: new(bytes.Buffer), Err: io.Discard}, o).ParseFlags(args[1:]); err != nil {
		t.Fatal(err)
	}
	window, err := parseWindow(o.allOpts.expiry)
	if err != nil {
		t.Fatal(err)
	}
	in, err := resolveRenderInputs("diff", o.root, "--all", o.allOpts.all, o.contract, o.imageTag)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := reviewAll(context.Background(), &streams{Out: new(bytes.Buffer), Err: io.Discard}, o, in, window)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestDiffAllSplitAndHead: --head REV compares two commits (the work tree's edits are
// not seen); --split DIR writes part files, each within the budget and starting with
// its marker, and nothing on stdout; flags that do not go together are usage errors.
func TestDiffAllSplitAndHead(t *testing.T) {
	noTerminal(t, false)
	t.Setenv("SOURCE_DATE_EPOCH", monorepoEpoch)
	root := monorepo(t, 12)
	repo := openRepo(t, root)
	editFile(t, filepath.Join(root, "platform", "contract.yaml"), "artifactRegistry: registry.example.com/data-products\n", "artifactRegistry: registry.example.com/data-products-eu\n")
	commitAll(t, repo, "registry")
	editFile(t, filepath.Join(root, "products", "p03", "floe.yaml"), "    domain: sales\n", "    domain: finance\n") // not committed
	args := []string{"diff", "--all", "products", "--root", root, "--contract", "platform/contract.yaml", "--image-tag", diffTag}

	code, out, stderr := runFloe(append(args, "--base", "HEAD~1", "--head", "HEAD")...)
	if code != 0 || !strings.Contains(out, "12 of 12 products differ") || strings.Contains(out, "finance") {
		t.Fatalf("--head HEAD: exit %d\n%s\n%s", code, out, stderr)
	}

	split := filepath.Join(t.TempDir(), "comments")
	code, out, stderr = runFloe(append(args, "--base", "HEAD~1", "--format", "markdown", "--max-comment-chars", "4096", "--split", split)...)
	if code != 0 || out != "" {
		t.Fatalf("--split: exit %d, stdout %q\n%s", code, out, stderr)
	}
	ents, err := os.ReadDir(split)
	if err != nil || len(ents) < 3 {
		t.Fatalf("--split wrote %d files: %v", len(ents), err)
	}
	for i, e := range ents {
		b, err := os.ReadFile(filepath.Join(split, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 4096 || !strings.Contains(string(b), fmt.Sprintf("<!-- floe-diff part %d -->\n", i+1)) ||
			!strings.HasSuffix(e.Name(), fmt.Sprintf("-of-%d.md", len(ents))) {
			t.Errorf("%s: %d bytes, header %q", e.Name(), len(b), string(b[:60]))
		}
	}
	// A second run replaces the parts it wrote; a directory holding anything else is kept.
	writeFile(t, filepath.Join(split, "notes.txt"), "mine\n")
	if code, _, stderr := runFloe(append(args, "--base", "HEAD~1", "--format", "markdown", "--split", split)...); code != 2 || !strings.Contains(stderr, "notes.txt, which floe did not write") {
		t.Errorf("--split over a foreign file: exit %d\n%s", code, stderr)
	}

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--base", "HEAD", "--split", split}, "--split writes markdown comments"},
		{[]string{"--base", "HEAD", "--format", "markdown", "--max-comment-chars", "100"}, "--max-comment-chars 100: at least 4096"},
		{[]string{"--base", "HEAD", "--expiry-warning", "soon"}, `--expiry-warning "soon"`},
		{[]string{"--base", "HEAD", "products/p01"}, "no PRODUCT argument"},
		{[]string{"--head", "HEAD"}, "--base REV is required"},
		{[]string{"--base", "no-such-rev"}, "--base"},
	} {
		code, out, stderr := runFloe(append(args, tc.args...)...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, stderr, tc.msg)
		}
	}
	if code, _, stderr := runFloe("diff", "--root", root, "--contract", "platform/contract.yaml", "--base", "HEAD", "--head", "HEAD", "products/p01"); code != 2 || !strings.Contains(stderr, "--head and --split go with --all") {
		t.Errorf("--head without --all: exit %d, %s", code, stderr)
	}
}

// BenchmarkDiffAll is `floe diff --all` in process over a go-git monorepo of
// FLOE_BENCH_PRODUCTS products (default 500; monorepo: one contract, an overlay, the
// Dagster runtime): after a contract change (every product rendered on both sides and
// reported) and after a change no product reads (every read set probed, nothing
// rendered). bench/review.sh times the same as whole processes.
func BenchmarkDiffAll(b *testing.B) {
	n := 500
	if v, err := strconv.Atoi(os.Getenv("FLOE_BENCH_PRODUCTS")); err == nil && v > 0 {
		n = v
	}
	base := monorepo(b, n)
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"contract", "platform/contract.yaml", "artifactRegistry: registry.example.com/data-products\n", "artifactRegistry: registry.example.com/data-products-eu\n",
			fmt.Sprintf("%d of %d products differ", n, n)},
		{"none", "products/README.md", "", "notes\n", fmt.Sprintf("no product differs: %d of %d products unaffected", n, n)},
	} {
		b.Run(fmt.Sprintf("%s/%d", tc.name, n), func(b *testing.B) {
			root := filepath.Join(b.TempDir(), "repo")
			if err := os.CopyFS(root, os.DirFS(base)); err != nil {
				b.Fatal(err)
			}
			if tc.old == "" {
				writeFile(b, filepath.Join(root, tc.file), tc.new)
			} else {
				editFile(b, filepath.Join(root, tc.file), tc.old, tc.new)
			}
			args := []string{"diff", "-q", "--all", "products", "--root", root, "--contract", "platform/contract.yaml", "--base", "HEAD",
				"--image-tag", diffTag, "--format", "markdown"}
			b.ResetTimer()
			for range b.N {
				code, out, stderr := runFloe(args...)
				if code != 0 || !strings.Contains(out, tc.want) {
					b.Fatalf("exit %d\n%.500s\n%.2000s", code, out, stderr)
				}
			}
		})
	}
}

// TestWriteParts: parts are written all or nothing; a symlink at DIR is never written
// through, and a directory holding other files is not replaced.
func TestWriteParts(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "comments")
	if err := writeParts(out, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := writeParts(out, []string{"c"}); err != nil { // replaces the earlier parts
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 || ents[0].Name() != "part-1-of-1.md" {
		t.Errorf("after the second run: %v", ents)
	}
	target := filepath.Join(dir, "elsewhere")
	writeFile(t, filepath.Join(target, "keep.txt"), "x")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := writeParts(link, []string{"a"}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("through a symlink: %v", err)
	}
	if ents, _ := os.ReadDir(target); len(ents) != 1 {
		t.Errorf("the symlink's target changed: %v", ents)
	}
}
