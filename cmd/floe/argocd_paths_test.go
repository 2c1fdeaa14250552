package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/render"
)

// pathsRepo is the demo with a contract that adds an overlay (with a component beside
// it) and a policy bundle, plus files no render reads.
func pathsRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for src, dst := range map[string]string{
		filepath.Join("..", "..", "examples", "demo"):                                     ".",
		filepath.Join("..", "..", "golden", "overlays", "components", "root", "platform"): "platform",
	} {
		copyTree(t, src, filepath.Join(dir, dst))
	}
	pec, err := os.ReadFile(filepath.Join(dir, "platform", "pec-dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"platform/pec-full.yaml":      string(pec) + "overlays: [platform/overlays/sales]\npolicy:\n  enforcement: warn\n  bundles: [platform/policies]\n",
		"platform/policies/team.rego": "package floe.paths_team\n\nimport rego.v1\n\nrules[\"PATHS-01\"] := {\"title\": \"t\", \"severity\": \"warn\", \"remediation\": \"r\"}\n\nviolation contains {\"rule\": \"PATHS-01\", \"i\": 0, \"msg\": \"m\"} if false\n",
		"platform/unused.yaml":        "not: read\n",
		"docs/README.md":              "docs\n",
		"demo/other/floe.yaml":        "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: other\n",
	} {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), body)
	}
	return dir
}

// covered is Argo CD's test (util/app/path AppFilesHaveChanged): a changed file counts
// when it is a listed path or under one.
func covered(paths []string, file string) bool {
	for _, p := range paths {
		p = strings.TrimPrefix(p, "/")
		if p == "" || file == p || strings.HasPrefix(file, p+"/") {
			return true
		}
	}
	return false
}

func renderBytes(t *testing.T, dir, contract, product string) ([]byte, error) {
	t.Helper()
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.Render(context.Background(), render.Options{Root: root, ContractPath: contract, ProductPath: product,
		ImageTag: "0123456789abcdef0123456789abcdef01234567", FloeVersion: "test"})
	if err != nil {
		return nil, err
	}
	return res.YAML, nil
}

// TestArgoCDPathsCoverTheRender (D-ARGO-05): for each product, changing, deleting or
// adding any file outside `floe argocd paths` leaves the render byte-identical, while
// changing a file inside them can change it (so the check can fail).
func TestArgoCDPathsCoverTheRender(t *testing.T) {
	dir := pathsRepo(t)
	for _, tc := range []struct{ contract, product string }{
		{"platform/pec-dev.yaml", "demo/customer-360"},
		{"platform/pec-full.yaml", "demo/customer-360"},
		{"platform/pec-full.yaml", "examples/hello-orders"},
	} {
		t.Run(tc.contract+" "+tc.product, func(t *testing.T) {
			code, stdout, stderr := runFloe("argocd", "paths", "--root", dir, "--contract", filepath.Join(dir, tc.contract), filepath.Join(dir, tc.product))
			if code != 0 {
				t.Fatalf("argocd paths: exit %d\n%s", code, stderr)
			}
			paths := strings.Split(strings.TrimSpace(stdout), ";")
			for _, want := range []string{"/" + tc.product, "/" + tc.contract} {
				if !covered(paths, strings.TrimPrefix(want, "/")) {
					t.Errorf("paths %v leave out %s", paths, want)
				}
			}
			if tc.contract == "platform/pec-full.yaml" {
				for _, want := range []string{"platform/overlays/sales/kustomization.yaml", "platform/components/team-sales/priority.yaml", "platform/policies/team.rego"} {
					if !covered(paths, want) {
						t.Errorf("paths %v leave out %s", paths, want)
					}
				}
			}
			base, err := renderBytes(t, dir, tc.contract, tc.product)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					files = append(files, filepath.ToSlash(rel))
				}
				return err
			})
			outside := 0
			for _, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(f))
				orig, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if covered(paths, f) {
					continue
				}
				outside++
				for _, change := range []struct {
					name string
					do   func()
				}{
					{"garbage", func() { writeFile(t, p, "::: not yaml [\n") }},
					{"deleted", func() { os.Remove(p) }},
					{"neighbour added", func() { writeFile(t, path.Join(filepath.Dir(p), "added.yaml"), "kind: Added\n") }},
				} {
					change.do()
					got, err := renderBytes(t, dir, tc.contract, tc.product)
					if err != nil || !bytes.Equal(got, base) {
						t.Errorf("%s %s (outside the paths) changed the render: %v", f, change.name, err)
					}
					writeFile(t, p, string(orig))
					os.Remove(path.Join(filepath.Dir(p), "added.yaml"))
				}
			}
			if outside == 0 {
				t.Fatal("no file outside the paths: the check proves nothing")
			}
			// A file inside the paths does change it.
			product := filepath.Join(dir, filepath.FromSlash(tc.product), "floe.yaml")
			orig, _ := os.ReadFile(product)
			writeFile(t, product, strings.Replace(string(orig), "name: ", "name: x", 1))
			got, err := renderBytes(t, dir, tc.contract, tc.product)
			if err == nil && bytes.Equal(got, base) {
				t.Errorf("changing %s/floe.yaml did not change the render", tc.product)
			}
			writeFile(t, product, string(orig))
		})
	}
}
