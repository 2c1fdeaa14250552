package overlay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/floe-dev/floe/config"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// trap is a local HTTP server and a fake git first on PATH: hostile overlays point at
// them, and neither may ever be reached.
type trap struct {
	url      string // http://127.0.0.1:PORT
	requests *atomic.Int64
	marker   string // written by the fake git if it ever runs
}

func newTrap(t *testing.T) *trap {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = w.Write([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched\n"))
	}))
	t.Cleanup(srv.Close)
	bin := t.TempDir()
	marker := filepath.Join(t.TempDir(), "git-ran")
	if runtime.GOOS != "windows" {
		script := "#!/bin/sh\necho \"$@\" >> '" + marker + "'\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	return &trap{url: srv.URL, requests: &n, marker: marker}
}

// check fails the test if the server was asked anything or git ran.
func (tr *trap) check(t *testing.T) {
	t.Helper()
	if n := tr.requests.Load(); n != 0 {
		t.Errorf("the HTTP server received %d requests", n)
	}
	if data, err := os.ReadFile(tr.marker); err == nil {
		t.Errorf("git ran: %s", data)
	}
}

// writeTree writes files (path → content) under a new directory, creates the symlinks
// (path → target) and opens it as a root.
func writeTree(t *testing.T, files, links map[string]string) config.Root {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, target := range links {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, f); err != nil {
			t.Fatal(err)
		}
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

const configMapYAML = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n"

// TestTrapCatchesKustomize: the trap works: kustomize run directly on the hostile
// kustomizations (what floe used to hand it) does fetch the URL and run git.
func TestTrapCatchesKustomize(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("fake git is a shell script")
	}
	tr := newTrap(t)
	for _, kust := range []string{
		"resources: [cm.yaml]\npatches:\n- path: " + tr.url + "/p.yaml\n",
		"resources: [cm.yaml, 'git::" + tr.url + "/org/repo.git']\n",
	} {
		fs := filesys.MakeFsInMemory()
		if err := fs.WriteFile("/k/kustomization.yaml", []byte(kust)); err != nil {
			t.Fatal(err)
		}
		if err := fs.WriteFile("/k/cm.yaml", []byte(configMapYAML)); err != nil {
			t.Fatal(err)
		}
		_, _ = build(fs, "/k")
	}
	if tr.requests.Load() == 0 {
		t.Error("kustomize fetched nothing: the HTTP trap would not notice")
	}
	if _, err := os.Stat(tr.marker); err != nil {
		t.Error("kustomize ran no git: the git trap would not notice")
	}
}

// TestHostileKustomizations: every way a kustomization could make kustomize fetch a URL
// or clone a git repository is refused (or, for a local directory named like a URL,
// built locally) without a request to the server or a git run.
func TestHostileKustomizations(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("fake git is a shell script")
	}
	tr := newTrap(t)
	u := tr.url
	host := strings.TrimPrefix(u, "http://")
	for _, tc := range []struct {
		name  string
		kust  string
		files map[string]string
		want  string // substring of the error; "" means it builds
		names []string
	}{
		{name: "helmCharts, any case", kust: "HelmCharts:\n- name: x\n  repo: " + u + "\n", want: "helmCharts: Helm chart inflation is refused"},
		{name: "helmChartInflationGenerator", kust: "helmchartinflationgenerator:\n- chartName: x\n  chartRepoUrl: " + u + "\n", want: "Helm chart inflation is refused"},
		{name: "openapi", kust: "OpenAPI:\n  path: " + u + "/schema.json\n", want: "openapi: custom OpenAPI schemas are refused"},
		{name: "upper-case resources URL", kust: "RESOURCES: [" + u + "/x.yaml]\n", want: "remote reference"},
		{name: "second resources key", kust: "resources: [cm.yaml]\nresources: [" + u + "/x.yaml]\n", want: "remote reference"},
		// encoding/json after sigs.k8s.io/yaml: keys sorted, the last match wins, so
		// "resources" over "Resources", as krusty decodes it.
		{name: "case-variant resources keys", kust: "resources: [cm.yaml]\nResources: [" + u + "/x.yaml]\n", names: []string{"a", "local"}},
		{name: "case-variant resources keys, URL last", kust: "resources: [" + u + "/x.yaml]\nResources: [cm.yaml]\n", want: "remote reference"},
		{name: "bases URL", kust: "bases: [" + u + "/org/repo.git]\n", want: "remote reference"},
		{name: "git repository URL", kust: "resources: [" + u + "/org/repo.git]\n", want: "remote reference"},
		{name: "scp-style git", kust: "resources: [git@" + host + ":org/repo.git]\n", want: "remote reference"},
		{name: "git:: forced", kust: "resources: ['git::" + u + "/org/repo']\n", want: "remote reference"},
		{name: "github.com not in root", kust: "components: [github.com/org/repo]\n", want: "remote reference"},
		{name: "patches path URL", kust: "patches:\n- path: " + u + "/p.yaml\n", want: "remote reference"},
		{name: "patches PATH key", kust: "patches:\n- PATH: " + u + "/p.yaml\n", want: "remote reference"},
		{name: "patchesJson6902 path URL", kust: "patchesJson6902:\n- target: {kind: ConfigMap, name: a}\n  path: " + u + "/p.yaml\n", want: "remote reference"},
		{name: "patchesStrategicMerge URL", kust: "patchesStrategicMerge: [" + u + "/p.yaml]\n", want: "remote reference"},
		{name: "replacements path URL", kust: "replacements:\n- path: " + u + "/r.yaml\n", want: "remote reference"},
		{name: "crds URL", kust: "crds: [" + u + "/crd.yaml]\n", want: "remote reference"},
		{name: "configurations URL", kust: "configurations: [" + u + "/c.yaml]\n", want: "remote reference"},
		{name: "configMapGenerator files URL", kust: "configMapGenerator:\n- name: x\n  files: [" + u + "/f]\n", want: "remote reference"},
		{name: "configMapGenerator keyed file URL", kust: "configMapGenerator:\n- name: x\n  files: [k=" + u + "/f]\n", want: "remote reference"},
		{name: "secretGenerator env URL", kust: "secretGenerator:\n- name: x\n  env: " + u + "/e.env\n", want: "remote reference"},
		{name: "inline PatchTransformer path URL", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  path: " + u + "/p.yaml\n", want: "remote reference"},
		{name: "inline PatchTransformer PATH key", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  PATH: " + u + "/p.yaml\n", want: "remote reference"},
		{name: "PatchStrategicMergeTransformer paths URL", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: PatchStrategicMergeTransformer\n  metadata: {name: p}\n  paths: [" + u + "/p.yaml]\n", want: "remote reference"},
		{name: "PatchJson6902Transformer path URL", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: PatchJson6902Transformer\n  metadata: {name: p}\n  target: {name: a}\n  path: " + u + "/p.yaml\n", want: "remote reference"},
		{name: "ReplacementTransformer path URL", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: ReplacementTransformer\n  metadata: {name: p}\n  replacements:\n  - path: " + u + "/r.yaml\n", want: "remote reference"},
		{name: "ValueAddTransformer targetFilePath URL", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: ValueAddTransformer\n  metadata: {name: p}\n  targetFilePath: " + u + "/t.yaml\n", want: "remote reference"},
		{name: "ConfigMapGenerator plugin envs URL", kust: "generators: [gen.yaml]\n",
			files: map[string]string{"ov/gen.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\nenvs: [" + u + "/e.env]\n"}, want: "remote reference"},
		{name: "HelmChartInflationGenerator plugin", kust: "generators:\n- |\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata: {name: h}\n  repo: " + u + "\n", want: "Helm chart inflation is refused"},
		{name: "unknown builtin", kust: "transformers:\n- |\n  apiVersion: builtin\n  kind: SortOrderTransformer\n  metadata: {name: s}\n", want: "no builtin of that kind"},
		{name: "exec plugin", kust: "transformers:\n- |\n  apiVersion: example.com/v1\n  kind: Runner\n  metadata: {name: r}\n", want: "only kustomize builtin plugins"},
		{name: "plugin directory with patches", kust: "transformers: [plugins]\n",
			files: map[string]string{
				"ov/plugins/kustomization.yaml": "resources: [t.yaml]\npatches:\n- target: {kind: PatchTransformer}\n  patch: |\n    - op: add\n      path: /path\n      value: " + u + "/p.yaml\n",
				"ov/plugins/t.yaml":             "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npatch: '[]'\n",
			}, want: "may only list resources"},
		{name: "local directory named like a github URL", kust: "resources: [github.com/org/repo]\n",
			files: map[string]string{"ov/github.com/org/repo/kustomization.yaml": "resources: [cm.yaml]\n", "ov/github.com/org/repo/cm.yaml": configMapYAML},
			names: []string{"a", "local"}},
		{name: "local directory named like a git repository", kust: "components: [x.git/y]\n",
			files: map[string]string{"ov/x.git/y/kustomization.yaml": "kind: Component\nresources: [cm.yaml]\n", "ov/x.git/y/cm.yaml": configMapYAML},
			names: []string{"a", "local"}},
		{name: "local file named like a user@host", kust: "resources: [git@host.yaml]\n",
			files: map[string]string{"ov/git@host.yaml": configMapYAML}, names: []string{"a", "local"}},
		{name: "case-insensitive keys build", kust: "Resources: [cm.yaml]\nNAMEPREFIX: p-\n",
			files: map[string]string{"ov/cm.yaml": configMapYAML}, names: []string{"p-a", "p-local"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"ov/kustomization.yaml": tc.kust, "ov/cm.yaml": configMapYAML}
			for p, c := range tc.files {
				files[p] = c
			}
			root := writeTree(t, files, nil)
			in := parseObjects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
			got, err := Apply(context.Background(), root, []string{"ov"}, in)
			tr.check(t)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, n := range got {
					names = append(names, n.GetName())
				}
				if strings.Join(names, ",") != strings.Join(tc.names, ",") {
					t.Fatalf("objects %v, want %v", names, tc.names)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if got != nil {
				t.Errorf("objects returned with an error")
			}
		})
	}
}

// TestGitDirectoryNeverRead: entries, generator files and symlinks that reach a .git
// directory are refused.
func TestGitDirectoryNeverRead(t *testing.T) {
	files := map[string]string{".git/config": "[remote]\n", ".GIT/HEAD": "ref\n", "ov/cm.yaml": configMapYAML}
	for _, tc := range []struct {
		name, kust string
		links      map[string]string
	}{
		{"resource", "resources: [../.git/config]\n", nil},
		{"upper-case", "resources: [../.GIT/HEAD]\n", nil},
		{"generator file", "configMapGenerator:\n- name: x\n  files: [../.git/config]\n", nil},
		{"patch", "patches:\n- path: ./../.git/config\n", nil},
		{"symlink to a file", "resources: [cfg.yaml]\n", map[string]string{"ov/cfg.yaml": "../.git/config"}},
		{"symlink to the directory", "configMapGenerator:\n- name: x\n  files: [g/config]\n", map[string]string{"ov/g": "../.git"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := map[string]string{"ov/kustomization.yaml": tc.kust}
			for p, c := range files {
				f[p] = c
			}
			root := writeTree(t, f, tc.links)
			_, err := Apply(context.Background(), root, []string{"ov"}, nil)
			if err == nil || !strings.Contains(err.Error(), ".git") || strings.Contains(err.Error(), "[remote]") {
				t.Fatalf("got %v, want a .git refusal", err)
			}
		})
	}
	// The overlay directory itself.
	root := writeTree(t, map[string]string{".git/ov/kustomization.yaml": "{}\n"}, nil)
	if _, err := Apply(context.Background(), root, []string{".git/ov"}, nil); err == nil || !strings.Contains(err.Error(), ".git") {
		t.Fatalf("got %v, want a .git refusal", err)
	}
}

// TestSymlinkFanOutBounded: directory symlinks pointing up make an endless tree of
// distinct paths; the walk stops at its bounds, quickly.
func TestSymlinkFanOutBounded(t *testing.T) {
	for _, tc := range []struct {
		name, kust string
		links      map[string]string
		want       string
	}{
		{"chain", "resources: [loop]\n", map[string]string{"ov/loop": "."}, "more than 64 deep"},
		{"fan-out", "resources: [a, b]\n", map[string]string{"ov/a": ".", "ov/b": "."}, "more than 64 deep"},
		{"wide fan-out", "resources: [a, b, c, d, e, f, g, h]\n", map[string]string{"ov/a": ".", "ov/b": ".", "ov/c": ".", "ov/d": ".", "ov/e": ".", "ov/f": ".", "ov/g": ".", "ov/h": "."}, "more than 64 deep"},
		{"up", "resources: [a/up/ov]\n", map[string]string{"ov/a/up": "../.."}, "deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{"ov/kustomization.yaml": tc.kust}, tc.links)
			start := time.Now()
			_, err := Apply(context.Background(), root, []string{"ov"}, nil)
			// The root's own bound on symlink hops may stop the walk first.
			if err == nil || !strings.Contains(err.Error(), tc.want) && !strings.Contains(err.Error(), "too many levels of symlinks") {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestFanOutFilesBounded: symlinks that fan out eight ways per level over six levels
// (262,144 distinct paths, none deeper than the depth bound) stop at MaxKustomizations.
func TestFanOutFilesBounded(t *testing.T) {
	files := map[string]string{}
	links := map[string]string{}
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for level := 0; level < 6; level++ {
		dir := fmt.Sprintf("l%d", level)
		files[dir+"/kustomization.yaml"] = "resources: [" + strings.Join(names, ", ") + "]\n"
		for _, n := range names {
			links[dir+"/"+n] = fmt.Sprintf("../l%d", level+1)
		}
	}
	files["l6/kustomization.yaml"] = "resources: [cm.yaml]\n"
	files["l6/cm.yaml"] = configMapYAML
	root := writeTree(t, files, links)
	start := time.Now()
	_, err := Apply(context.Background(), root, []string{"l0"}, nil)
	if err == nil || !strings.Contains(err.Error(), "more than 1000 kustomizations") {
		t.Fatalf("got %v, want the kustomization bound", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestFilesBounded: an overlay reads at most MaxFiles files and MaxBytes bytes.
func TestFilesBounded(t *testing.T) {
	root := mapRoot{}
	var entries []string
	for i := 0; i <= MaxFiles; i++ {
		name := fmt.Sprintf("c%d.yaml", i)
		root["ov/"+name] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\n", i)
		entries = append(entries, name)
	}
	root["ov/kustomization.yaml"] = "resources: [" + strings.Join(entries, ", ") + "]\n"
	_, err := Apply(context.Background(), root, []string{"ov"}, nil)
	if err == nil || !strings.Contains(err.Error(), "more than 10000 files") {
		t.Fatalf("got %v, want the file bound", err)
	}
	// Each file under the per-file limit (4 MiB), together past MaxBytes.
	big := strings.Repeat("#", 3<<20)
	root = mapRoot{}
	entries = nil
	for i := 0; i < 22; i++ {
		name := fmt.Sprintf("b%02d.yaml", i)
		root["ov/"+name] = big
		entries = append(entries, name)
	}
	root["ov/kustomization.yaml"] = "resources: [" + strings.Join(entries, ", ") + "]\n"
	_, err = Apply(context.Background(), root, []string{"ov"}, nil)
	if err == nil || err.Error() != "overlay ov: ov/b21.yaml: the overlay reads more than 64 MiB" {
		t.Fatalf("got %v, want the byte bound", err)
	}
}

// TestCancelled: a cancelled context stops the overlay before kustomize runs.
func TestCancelled(t *testing.T) {
	root := writeTree(t, map[string]string{"ov/kustomization.yaml": "resources: [cm.yaml]\n", "ov/cm.yaml": configMapYAML}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	got, err := Apply(ctx, root, []string{"ov"}, nil)
	if !errors.Is(err, context.Canceled) || got != nil {
		t.Fatalf("got %v, %v; want context.Canceled", got, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	// Through the kio.Filter form too.
	if _, err := (Filter{Context: ctx, Root: root, Dirs: []string{"ov"}}).Filter(nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Filter: %v", err)
	}
}

// cancellingRoot cancels a context once it has been asked for after paths.
type cancellingRoot struct {
	mapRoot
	after  int
	cancel context.CancelFunc
}

func (r *cancellingRoot) count() {
	if r.after--; r.after == 0 {
		r.cancel()
	}
}

func (r *cancellingRoot) ReadFile(rel string) ([]byte, error) {
	r.count()
	return r.mapRoot.ReadFile(rel)
}
func (r *cancellingRoot) Stat(rel string) (bool, error) { r.count(); return r.mapRoot.Stat(rel) }
func (r *cancellingRoot) ReadDir(rel string) ([]string, error) {
	r.count()
	return r.mapRoot.ReadDir(rel)
}

// TestCancelledDuringWalk: cancelling while floe walks the references stops the walk at
// the next read, whichever kind of reference it is following.
func TestCancelledDuringWalk(t *testing.T) {
	files := mapRoot{
		"ov/kustomization.yaml":   "resources: [a, cm.yaml]\ncomponents: [c]\nconfigMapGenerator:\n- name: g\n  files: [cm.yaml]\ntransformers: [p]\n",
		"ov/cm.yaml":              configMapYAML,
		"ov/a/kustomization.yaml": "resources: [x.yaml]\n",
		"ov/a/x.yaml":             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
		"ov/c/kustomization.yaml": "kind: Component\nnamePrefix: c-\n",
		"ov/p/kustomization.yaml": "resources: [t.yaml]\n",
		"ov/p/t.yaml":             "apiVersion: builtin\nkind: PrefixTransformer\nmetadata: {name: t}\nprefix: a-\nfieldSpecs: [{path: metadata/name}]\n",
	}
	counter := &recordingRoot{mapRoot: files}
	if _, err := Apply(context.Background(), counter, []string{"ov"}, nil); err != nil {
		t.Fatal(err)
	}
	reads := len(counter.reads)
	if reads < 10 {
		t.Fatalf("only %d reads to cancel between", reads)
	}
	for after := 1; after <= reads; after++ {
		ctx, cancel := context.WithCancel(context.Background())
		root := &cancellingRoot{mapRoot: files, after: after, cancel: cancel}
		_, err := Apply(ctx, root, []string{"ov"}, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled after %d of %d reads: %v", after, reads, err)
		}
		if root.after != 0 {
			t.Errorf("cancelled after %d reads: %d more reads followed", after, -root.after)
		}
		cancel()
	}
}

// TestGeneratedReferencesAreLocal: every reference floe writes for kustomize is one
// kustomize takes as a local path: not an http(s) URL (its file loader's test is
// url.Parse's scheme), not a git URL (its repospec needs a scheme, "user@", a "git::"
// prefix or a github.com host; looksRemote mirrors that), and not inline YAML objects.
func TestGeneratedReferencesAreLocal(t *testing.T) {
	tree := newMemoryTree()
	var refs []string
	dirs := []string{".", "a", "a/b", "a/b/c", "github.com/org/repo", "x.git/y", "git@host:org/repo", "http:/127.0.0.1:80/x"}
	for _, d := range dirs {
		tree.path(d, true)
		tree.path(d+"/f.yaml", false)
	}
	for _, from := range dirs {
		for _, to := range dirs {
			refs = append(refs,
				relativePath(tree.path(from, true), tree.path(to, true)),
				relativePath(tree.path(from, true), tree.path(to+"/f.yaml", false)))
		}
		refs = append(refs, memoryReference(tree.path(from, true), memoryRendered),
			memoryReference(tree.path(from, true), memoryComponents+"/data-nodes"))
	}
	for _, r := range refs {
		if looksRemote(r) {
			t.Errorf("%q looks remote", r)
		}
		if u, err := url.Parse(r); err == nil && u.Scheme != "" {
			t.Errorf("%q has URL scheme %q", r, u.Scheme)
		}
		for _, c := range strings.Split(r, "/") {
			if c != ".." && c != "." && c != "_floe" && strings.Trim(c, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
				t.Errorf("%q: component %q is not [a-z0-9]", r, c)
			}
		}
		if strings.HasPrefix(r, "/") {
			t.Errorf("%q is absolute", r)
		}
		if _, err := resourceFactory.SliceFromBytes([]byte(r)); err == nil {
			t.Errorf("%q reads as inline YAML objects", r)
		}
	}
	if len(refs) < 100 {
		t.Fatalf("only %d references checked", len(refs))
	}
}

// TestWrittenBack: what kustomize reads is the checked, re-marshalled kustomization with
// generated paths only.
func TestWrittenBack(t *testing.T) {
	root := mapRoot{
		"ov/kustomization.yaml":       "RESOURCES: [cm.yaml, sub]\nconfigMapGenerator:\n- name: g\n  files: [data/app.properties]\npatches:\n- path: p.yaml\n",
		"ov/cm.yaml":                  configMapYAML,
		"ov/p.yaml":                   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: y\n",
		"ov/data/app.properties":      "a=b\n",
		"ov/sub/kustomization.yaml":   "bases: [../other]\n",
		"ov/other/kustomization.yaml": "kind: Kustomization\n",
	}
	b := newBuilder(context.Background(), root, resourceFactory)
	if err := b.kustomization("ov", 0, true); err != nil {
		t.Fatal(err)
	}
	data, err := b.fs.ReadFile(b.tree.path("ov", true) + "/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: kustomize.config.k8s.io/v1beta1
configMapGenerator:
- files:
  - app.properties=floed5/floef6
  name: g
kind: Kustomization
patches:
- path: floef4
resources:
- ../../../_floe/rendered
- floef1
- floed2
`
	if string(data) != want {
		t.Fatalf("written kustomization:\n%s\nwant:\n%s", data, want)
	}
	for _, p := range []string{"ov/sub", "ov/other"} {
		data, err := b.fs.ReadFile(b.tree.path(p, true) + "/kustomization.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "other") || strings.Contains(string(data), "bases") {
			t.Errorf("%s written as:\n%s", p, data)
		}
	}
}
