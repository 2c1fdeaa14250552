package overlay

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/golden"
	"github.com/google/go-cmp/cmp"
	sigyaml "gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// goldenCase is golden/overlays/<case>/case.yaml. The case's root tree is root/;
// the rendered objects are input.yaml there, else kustomize/testdata/overlays/rendered.yaml.
// The result is expected.yaml, or error.txt when error is true.
type goldenCase struct {
	Overlays []string `yaml:"overlays"`
	Error    bool     `yaml:"error"`
	// Outside: the error must match config.ErrOutsideRoot.
	Outside bool `yaml:"outside"`
	// Symlinks are created in the copied root before the run: root-relative link → target,
	// where a target starting with "OUTSIDE/" points into a directory outside the root.
	Symlinks map[string]string `yaml:"symlinks"`
}

func TestGolden(t *testing.T) {
	dir := filepath.Join(golden.Dir(t), "overlays")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		caseDir := filepath.Join(dir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			var c goldenCase
			readYAML(t, filepath.Join(caseDir, "case.yaml"), &c)
			if len(c.Overlays) == 0 {
				t.Fatal("case.yaml lists no overlays")
			}
			root := caseRoot(t, caseDir, c.Symlinks)
			input := filepath.Join(caseDir, "input.yaml")
			if _, err := os.Stat(input); err != nil {
				input = filepath.Join("testdata", "overlays", "rendered.yaml")
			}
			objs := readObjects(t, input)
			got, err := Apply(context.Background(), root, c.Overlays, objs)
			if c.Error {
				if err == nil {
					t.Fatalf("want an error, got %d objects", len(got))
				}
				if got != nil {
					t.Errorf("objects returned with an error")
				}
				if c.Outside && !errors.Is(err, config.ErrOutsideRoot) {
					t.Errorf("error does not match config.ErrOutsideRoot: %v", err)
				}
				golden.Assert(t, filepath.Join(caseDir, "error.txt"), []byte(err.Error()+"\n"))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join(caseDir, "expected.yaml"), encodeObjects(t, got))
		})
	}
	if n < 10 {
		t.Fatalf("only %d golden overlay cases found in %s", n, dir)
	}
}

// TestIdentity: an empty kustomization returns the input objects: same order,
// same values, nothing added. The only differences kustomize makes are dropping an empty
// or null metadata.annotations and writing annotation keys sorted.
func TestIdentity(t *testing.T) {
	for _, kust := range []string{"", "{}\n", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"} {
		root := mapRoot{"ov/kustomization.yaml": kust}
		in := readObjects(t, filepath.Join("testdata", "overlays", "rendered.yaml"))
		before := encodeObjects(t, in)
		got, err := Apply(context.Background(), root, []string{"ov"}, in)
		if err != nil {
			t.Fatalf("%q: %v", kust, err)
		}
		if after := encodeObjects(t, in); string(after) != string(before) {
			t.Fatalf("input objects were modified:\n%s", golden.Diff(string(before), string(after)))
		}
		if len(got) != len(in) {
			t.Fatalf("%q: %d objects, want %d", kust, len(got), len(in))
		}
		for i := range in {
			want, have := plainValue(t, in[i]), plainValue(t, got[i])
			dropEmptyAnnotations(want)
			if d := cmp.Diff(want, have); d != "" {
				t.Errorf("%q: object %d differs (-input +output):\n%s", kust, i, d)
			}
			if in[i].MustString() != got[i].MustString() && in[i].GetName() != "customer-360-user-code" && in[i].GetName() != "customer-360-dbt" {
				// Only the two objects with annotations may differ in layout.
				t.Errorf("%q: object %d changed layout:\n%s", kust, i, golden.Diff(in[i].MustString(), got[i].MustString()))
			}
			for k := range got[i].GetAnnotations() {
				if strings.HasPrefix(k, "internal.config.kubernetes.io/") || k == "config.kubernetes.io/origin" {
					t.Errorf("object %d keeps kustomize annotation %s", i, k)
				}
			}
		}
		// Head comments (Helm's "# Source:") survive.
		if !strings.HasPrefix(got[1].MustString(), "# Source: floe-jobs/templates/job.yaml\n") {
			t.Errorf("head comment lost:\n%s", got[1].MustString())
		}
	}
}

// TestStripsKustomizeAnnotations: bookkeeping annotations from kio/kustomize never
// reach the output, user annotations in the same namespace do.
func TestStripsKustomizeAnnotations(t *testing.T) {
	in := parseObjects(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations:
    internal.config.kubernetes.io/path: a.yaml
    config.kubernetes.io/index: "0"
    config.kubernetes.io/depends-on: /namespaces/x/Secret/y
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations:
    internal.config.kubernetes.io/index: "1"
`)
	root := mapRoot{"ov/kustomization.yaml": "commonAnnotations:\n  team: data\n"}
	got, err := Apply(context.Background(), root, []string{"ov"}, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{"config.kubernetes.io/depends-on": "/namespaces/x/Secret/y", "team": "data"},
		{"team": "data"},
	}
	for i, n := range got {
		if d := cmp.Diff(want[i], n.GetAnnotations()); d != "" {
			t.Errorf("object %d annotations (-want +got):\n%s", i, d)
		}
	}

	// The strip step itself, on annotations kustomize adds with buildMetadata.
	n := parseObjects(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    config.kubernetes.io/origin: "path: x"
    alpha.config.kubernetes.io/transformations: "[]"
    kustomize.config.k8s.io/id: "1"
`)[0]
	if err := stripAnnotations(n); err != nil {
		t.Fatal(err)
	}
	if s := n.MustString(); strings.Contains(s, "annotations") {
		t.Errorf("annotations left:\n%s", s)
	}
}

// TestDataNodes applies floe's data-nodes component and checks every workload's
// pod spec, independently of the golden file.
func TestDataNodes(t *testing.T) {
	root := mapRoot{"platform/overlays/data-nodes/kustomization.yaml": "components:\n- floe:data-nodes\n"}
	in := readObjects(t, filepath.Join("testdata", "overlays", "rendered.yaml"))
	got, err := Apply(context.Background(), root, []string{"platform/overlays/data-nodes"}, in)
	if err != nil {
		t.Fatal(err)
	}
	podSpec := map[string][]string{
		"Deployment": {"spec", "template", "spec"},
		"Job":        {"spec", "template", "spec"},
		"CronJob":    {"spec", "jobTemplate", "spec", "template", "spec"},
	}
	workloads := 0
	for _, n := range got {
		p, ok := podSpec[n.GetKind()]
		if !ok {
			if s := n.MustString(); strings.Contains(s, "floe.dev/pool") {
				t.Errorf("%s/%s was patched:\n%s", n.GetKind(), n.GetName(), s)
			}
			continue
		}
		workloads++
		spec, err := n.Pipe(yaml.Lookup(p...))
		if err != nil || spec == nil {
			t.Fatalf("%s/%s: no pod spec", n.GetKind(), n.GetName())
		}
		sel := map[string]any{}
		if m, _ := spec.Pipe(yaml.Lookup("nodeSelector")); m != nil {
			sel, _ = m.Map()
		}
		if sel["floe.dev/pool"] != "data" {
			t.Errorf("%s/%s: nodeSelector %v", n.GetKind(), n.GetName(), sel)
		}
		if n.GetKind() == "Deployment" && sel["kubernetes.io/os"] != "linux" {
			t.Errorf("Deployment lost its own nodeSelector: %v", sel)
		}
		tol, _ := spec.Pipe(yaml.Lookup("tolerations"))
		if tol == nil {
			t.Fatalf("%s/%s: no tolerations", n.GetKind(), n.GetName())
		}
		want := "- key: floe.dev/pool\n  operator: Equal\n  value: data\n  effect: NoSchedule\n"
		if s := tol.MustString(); s != want {
			t.Errorf("%s/%s tolerations:\n%s", n.GetKind(), n.GetName(), golden.Diff(want, s))
		}
	}
	if workloads != 3 {
		t.Fatalf("%d workloads checked, want 3", workloads)
	}
}

// TestDeterministic: the same inputs give the same bytes across runs and
// GOMAXPROCS settings.
func TestDeterministic(t *testing.T) {
	root := mapRoot{
		"ov2/kustomization.yaml": "components: [floe:data-nodes]\nnamePrefix: p-\n",
		"ov/kustomization.yaml": `components: [floe:data-nodes, floe:image-pull-secret]
labels:
- pairs: {team: sales, tier: data}
  includeTemplates: true
commonAnnotations: {b: "2", a: "1", c: "3"}
images:
- name: ghcr.io/floe-dev/customer-360
  newTag: 1.3.0
configMapGenerator:
- name: extra
  literals: [z=1, a=2, m=3]
`,
	}
	in := readObjects(t, filepath.Join("testdata", "overlays", "rendered.yaml"))
	var first []byte
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i, procs := range []int{1, 4, 1, 8, 2} {
		runtime.GOMAXPROCS(procs)
		got, err := Apply(context.Background(), root, []string{"ov", "ov2"}, in)
		if err != nil {
			t.Fatal(err)
		}
		b := encodeObjects(t, got)
		if i == 0 {
			first = b
			continue
		}
		if string(b) != string(first) {
			t.Fatalf("run %d (GOMAXPROCS=%d) differs:\n%s", i, procs, golden.Diff(string(first), string(b)))
		}
	}
}

// TestPanic: a panic inside kustomize becomes an error naming the overlay.
func TestPanic(t *testing.T) {
	root := mapRoot{"platform/overlays/data-nodes/kustomization.yaml": "{}\n"}
	boom := func(filesys.FileSystem, string) (resmap.ResMap, error) { panic("index out of range") }
	got, err := apply(context.Background(), root, []string{"platform/overlays/data-nodes"}, nil, boom)
	want := "overlay platform/overlays/data-nodes: kustomize panicked: index out of range"
	if err == nil || err.Error() != want || got != nil {
		t.Fatalf("got %v, %v; want %q", got, err, want)
	}
	// The lock is released after a panic: a real build still runs.
	if _, err := Apply(context.Background(), root, []string{"platform/overlays/data-nodes"}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestErrorsKeepChain: a kustomize error message names root-relative paths and
// the original error stays reachable.
func TestErrorsKeepChain(t *testing.T) {
	sentinel := errors.New("sentinel")
	root := mapRoot{"a/b/kustomization.yaml": "resources: [x.yaml]\n", "a/b/x.yaml": "kind: ConfigMap\n"}
	build := func(_ filesys.FileSystem, dir string) (resmap.ResMap, error) {
		// dir is the overlay's in-memory directory; x.yaml got a generated name in it,
		// which the kustomization names relative to it.
		return nil, fmt.Errorf("reading %s, %s/kustomization.yaml, %s/floef2, floef2 and /_floe/components/data-nodes: %w",
			dir, dir, dir, sentinel)
	}
	_, err := apply(context.Background(), root, []string{"a/b"}, nil, build)
	if !errors.Is(err, sentinel) {
		t.Fatalf("chain lost: %v", err)
	}
	if want := "overlay a/b: reading a/b, a/b/kustomization.yaml, a/b/x.yaml, x.yaml and floe:data-nodes: sentinel"; err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
}

func TestNoDirs(t *testing.T) {
	in := parseObjects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
	got, err := Apply(context.Background(), mapRoot{}, nil, in)
	if err != nil || len(got) != 1 || got[0] != in[0] {
		t.Fatalf("got %v, %v", got, err)
	}
	// No objects, one overlay that adds one: the base is empty, the resource stays.
	root := mapRoot{
		"ov/kustomization.yaml": "resources: [cm.yaml]\n",
		"ov/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added\n",
	}
	got, err = Apply(context.Background(), root, []string{"ov"}, nil)
	if err != nil || len(got) != 1 || got[0].GetName() != "added" {
		t.Fatalf("got %v, %v", got, err)
	}
}

// TestReadsOnlyReferenced: floe reads the overlay directory and what its
// kustomization references, nothing else in root.
func TestReadsOnlyReferenced(t *testing.T) {
	root := &recordingRoot{mapRoot: mapRoot{
		"platform/overlays/x/kustomization.yaml":       "resources: [netpol.yaml]\ncomponents: [../../components/team]\npatches:\n- path: patch.yaml\n",
		"platform/overlays/x/netpol.yaml":              "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n",
		"platform/overlays/x/patch.yaml":               "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: customer-360-dbt\n  namespace: floe-sales\nspec:\n  backoffLimit: 1\n",
		"platform/components/team/kustomization.yaml":  "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels:\n  team: sales\n",
		"platform/components/other/kustomization.yaml": "kind: Component\n",
		"platform/pec-dev.yaml":                        "secret: do-not-read\n",
		"products/a/floe.yaml":                         "x: 1\n",
	}}
	in := readObjects(t, filepath.Join("testdata", "overlays", "rendered.yaml"))
	if _, err := Apply(context.Background(), root, []string{"platform/overlays/x"}, in); err != nil {
		t.Fatal(err)
	}
	for _, p := range root.reads {
		if !strings.HasPrefix(p, "platform/overlays/x") && !strings.HasPrefix(p, "platform/components/team") {
			t.Errorf("read %s", p)
		}
	}
	if len(root.reads) == 0 {
		t.Fatal("nothing recorded")
	}
}

// mapRoot is an in-memory config.Root: file path → content; directories are
// implied. It refuses paths that are absolute or leave it, like OSRoot.
type mapRoot map[string]string

func (m mapRoot) clean(rel string) (string, error) { return config.CleanRel(rel) }

func (m mapRoot) ReadFile(rel string) ([]byte, error) {
	c, err := m.clean(rel)
	if err != nil {
		return nil, err
	}
	s, ok := m[c]
	if !ok {
		return nil, fmt.Errorf("%s: %w", c, fs.ErrNotExist)
	}
	return []byte(s), nil
}

func (m mapRoot) Stat(rel string) (bool, error) {
	c, err := m.clean(rel)
	if err != nil {
		return false, err
	}
	if _, ok := m[c]; ok {
		return false, nil
	}
	for p := range m {
		if c == "." || strings.HasPrefix(p, c+"/") {
			return true, nil
		}
	}
	return false, fmt.Errorf("%s: %w", c, fs.ErrNotExist)
}

func (m mapRoot) ReadDir(rel string) ([]string, error) {
	c, err := m.clean(rel)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for p := range m {
		rest, ok := strings.CutPrefix(p, c+"/")
		if c == "." {
			rest, ok = p, true
		}
		if ok {
			name, _, _ := strings.Cut(rest, "/")
			set[name] = true
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("%s: %w", c, fs.ErrNotExist)
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (m mapRoot) Dir() string { return "" }

// recordingRoot records every path asked for.
type recordingRoot struct {
	mapRoot
	reads []string
}

func (r *recordingRoot) ReadFile(rel string) ([]byte, error) {
	r.reads = append(r.reads, rel)
	return r.mapRoot.ReadFile(rel)
}

func (r *recordingRoot) Stat(rel string) (bool, error) {
	r.reads = append(r.reads, rel)
	return r.mapRoot.Stat(rel)
}

func (r *recordingRoot) ReadDir(rel string) ([]string, error) {
	r.reads = append(r.reads, rel)
	return r.mapRoot.ReadDir(rel)
}

// caseRoot copies caseDir/root to a temp dir, adds the symlinks and opens it.
func caseRoot(t *testing.T, caseDir string, links map[string]string) config.Root {
	t.Helper()
	tmp := t.TempDir()
	dst := filepath.Join(tmp, "root")
	outside := filepath.Join(tmp, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(caseDir, "root"))); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(links))
	for k := range links {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, link := range keys {
		target := links[link]
		if rest, ok := strings.CutPrefix(target, "OUTSIDE/"); ok {
			target = filepath.Join(outside, rest)
		}
		p := filepath.Join(dst, filepath.FromSlash(link))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	root, err := config.OSRoot(dst)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := sigyaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func readObjects(t *testing.T, file string) []*yaml.RNode {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return parseObjects(t, string(data))
}

func parseObjects(t *testing.T, s string) []*yaml.RNode {
	t.Helper()
	nodes, err := kio.FromBytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// encodeObjects writes objects as a YAML stream, one document each, in order.
func encodeObjects(t *testing.T, nodes []*yaml.RNode) []byte {
	t.Helper()
	var b strings.Builder
	for i, n := range nodes {
		if i > 0 {
			b.WriteString("---\n")
		}
		s, err := n.String()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(s)
	}
	return []byte(b.String())
}

// plainValue decodes n into plain Go values.
func plainValue(t *testing.T, n *yaml.RNode) map[string]any {
	t.Helper()
	m, err := n.Map()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// dropEmptyAnnotations removes an empty or null metadata.annotations.
func dropEmptyAnnotations(obj map[string]any) {
	md, ok := obj["metadata"].(map[string]any)
	if !ok {
		return
	}
	if a, ok := md["annotations"]; ok {
		if m, isMap := a.(map[string]any); a == nil || (isMap && len(m) == 0) {
			delete(md, "annotations")
		}
	}
}

// TestAliasBound: YAML aliases are bounded in copied files and in inline documents
// of a kustomization; modest anchors still work.
func TestAliasBound(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	indent := func(s, pad string) string {
		return pad + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+pad) + "\n"
	}
	for _, tc := range []struct {
		name, kust, want string
	}{
		{"kustomization", bomb, "ov/kustomization.yaml: YAML aliases expand to more than 100000 nodes; refusing (alias bomb?)"},
		{"inline patch", "patches:\n- patch: |\n" + indent(bomb, "    "),
			"ov/kustomization.yaml:2:10: patches[0].patch: YAML aliases expand to more than 100000 nodes; refusing (alias bomb?)"},
		{"inline strategic merge", "patchesStrategicMerge:\n- |\n" + indent(bomb, "  "),
			"ov/kustomization.yaml:2:3: patchesStrategicMerge[0]: YAML aliases expand to more than 100000 nodes; refusing (alias bomb?)"},
		{"inline transformer", "transformers:\n- |\n" + indent(bomb, "  "),
			"ov/kustomization.yaml:2:3: transformers[0]: YAML aliases expand to more than 100000 nodes; refusing (alias bomb?)"},
		{"modest anchors", "commonLabels: &l {team: sales}\ncommonAnnotations: *l\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := parseObjects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
			_, err := Apply(context.Background(), mapRoot{"ov/kustomization.yaml": tc.kust}, []string{"ov"}, in)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != "overlay ov: "+tc.want {
				t.Fatalf("got %v\nwant overlay ov: %s", err, tc.want)
			}
		})
	}
}

// TestFilterInPipeline: Filter runs as a kio.Filter between kyaml's own
// reader and writer (whose index annotations kustomize drops) and keeps document order.
func TestFilterInPipeline(t *testing.T) {
	root := mapRoot{"ov/kustomization.yaml": "namePrefix: team-\n"}
	var out strings.Builder
	err := kio.Pipeline{
		Inputs: []kio.Reader{&kio.ByteReader{Reader: strings.NewReader(
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")}},
		Filters: []kio.Filter{Filter{Root: root, Dirs: []string{"ov"}}},
		Outputs: []kio.Writer{kio.ByteWriter{Writer: &out}},
	}.Execute()
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-a\n"
	if out.String() != want {
		t.Fatalf("pipeline output:\n%s", golden.Diff(want, out.String()))
	}
}

// BenchmarkDataNodes measures one overlay (floe:data-nodes plus labels) over the
// shared rendered objects.
func BenchmarkDataNodes(b *testing.B) {
	root := mapRoot{"ov/kustomization.yaml": "components: [floe:data-nodes]\nlabels:\n- pairs: {team: sales}\n"}
	data, err := os.ReadFile(filepath.Join("testdata", "overlays", "rendered.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	in, err := kio.FromBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Apply(context.Background(), root, []string{"ov"}, in); err != nil {
			b.Fatal(err)
		}
	}
}
