package argocde2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	argopath "github.com/argoproj/argo-cd/v3/util/app/path"
	"github.com/argoproj/argo-cd/v3/util/git"
	log "github.com/sirupsen/logrus"
	"sigs.k8s.io/yaml"
)

const readme = "../../README.md"

// readmeApplicationSet returns the README's one fenced YAML block holding an
// ApplicationSet, strictly decoded into Argo CD's own type (an unknown or misspelt field
// fails), and the line of its fence.
func readmeApplicationSet(t *testing.T) (*v1alpha1.ApplicationSet, int) {
	t.Helper()
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type block struct {
		line       int
		lang, body string
	}
	var blocks []block
	var cur *block
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.HasPrefix(l, "```") {
			if cur == nil {
				cur = &block{line: n, lang: strings.TrimPrefix(l, "```")}
			} else {
				blocks = append(blocks, *cur)
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.body += l + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var found []block
	for _, b := range blocks {
		if b.lang == "yaml" && strings.Contains(b.body, "\nkind: ApplicationSet\n") {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d yaml blocks with kind: ApplicationSet, want 1", readme, len(found))
	}
	var as v1alpha1.ApplicationSet
	if err := yaml.UnmarshalStrict([]byte(found[0].body), &as); err != nil {
		t.Fatalf("%s:%d: ApplicationSet: %v", readme, found[0].line, err)
	}
	return &as, found[0].line
}

// diskRepos answers the git generator's questions (the method set of Argo CD's
// applicationset/services.Repos, not imported: that package pulls in every client-go
// informer) over a checkout on disk, as the repo-server's GetGitFiles does: Argo CD's
// own git client lists the files matching the pattern (LsFiles: `git ls-files` pathspecs
// by default, doublestar globbing when the controller enables new git file globbing)
// and each is read from the checkout.
type diskRepos struct {
	root        string
	newGlobbing bool
}

func (r diskRepos) GetFiles(_ context.Context, repoURL, _, _, pattern string, _, _ bool) (map[string][]byte, error) {
	c, err := git.NewClientExt(repoURL, r.root, git.NopCreds{}, false, false, "", "")
	if err != nil {
		return nil, err
	}
	files, err := c.LsFiles(pattern, r.newGlobbing)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", pattern, err)
	}
	res := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(r.root, f))
		if err != nil {
			return nil, err
		}
		res[f] = b
	}
	return res, nil
}

func (r diskRepos) GetDirectories(context.Context, string, string, string, bool, bool) ([]string, error) {
	return nil, fmt.Errorf("the README's ApplicationSet uses the files generator")
}

// gitFilesParams is the git files generator's parameters with goTemplate
// (applicationset/generators GitGenerator.generateParamsForGitFiles and
// generateParamsFromGitFile; not imported, see generateApplications): every file the
// patterns match, in path order, decoded with sigs.k8s.io/yaml as one object, plus `path`
// (path, basename, filename, segments; the Normalized forms are left out, so a template
// using them fails here). What the README's generator does not use (exclude, values,
// pathParamPrefix, arrays of objects, flat templates) is refused rather than copied.
func gitFilesParams(t *testing.T, as *v1alpha1.ApplicationSet, repos diskRepos) []map[string]any {
	t.Helper()
	if len(as.Spec.Generators) != 1 || as.Spec.Generators[0].Git == nil {
		t.Fatal("the README's ApplicationSet has not exactly one git generator")
	}
	g := as.Spec.Generators[0].Git
	if !as.Spec.GoTemplate || len(g.Files) == 0 || len(g.Directories) != 0 || len(g.Values) != 0 || g.PathParamPrefix != "" {
		t.Fatalf("the README's git generator uses what this test does not reproduce: %+v", g)
	}
	files := map[string][]byte{}
	for _, req := range g.Files {
		if req.Exclude {
			t.Fatalf("the README's git generator excludes %s: not reproduced", req.Path)
		}
		got, err := repos.GetFiles(context.Background(), g.RepoURL, g.Revision, as.Spec.Template.Spec.Project, req.Path, false, false)
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(files, got)
	}
	var out []map[string]any
	for _, p := range slices.Sorted(maps.Keys(files)) {
		params := map[string]any{}
		if err := yaml.Unmarshal(files[p], &params); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		dir := path.Dir(p)
		params["path"] = map[string]any{
			"path":     dir,
			"basename": path.Base(dir),
			"filename": path.Base(p),
			"segments": strings.Split(dir, "/"),
		}
		out = append(out, params)
	}
	return out
}

// generateApplications renders the template once per parameter set as the controller
// does (controllers/template GenerateApplications: the template as an Application, each
// string in it executed as a Go template with the parameters, the ApplicationSet's
// namespace). Argo CD's renderer (applicationset/utils Render) cannot be imported:
// at v3.3.19 that package reaches util/kube, which does not build against the
// gitops-engine module Argo CD's go.mod requires (KubectlCmd.ManageServerSideDiffDryRuns
// is missing: Argo CD builds with a replace to its in-repo copy, and a dependency's
// replace is ignored; the standalone module is archived). So this is the test's own: text/template without sprig and with
// missingkey=error (stricter than the controller's default), so a README template using a
// function or a missing field fails here instead of rendering differently.
func generateApplications(t *testing.T, as *v1alpha1.ApplicationSet, params []map[string]any) []v1alpha1.Application {
	t.Helper()
	if !as.Spec.GoTemplate || len(as.Spec.GoTemplateOptions) != 0 || as.Spec.TemplatePatch != nil {
		t.Fatal("the README's ApplicationSet uses template options or a patch this test does not reproduce")
	}
	tmpl := v1alpha1.Application{Spec: as.Spec.Template.Spec}
	tmpl.Annotations = as.Spec.Template.Annotations
	tmpl.Labels = as.Spec.Template.Labels
	tmpl.Namespace = as.Spec.Template.Namespace
	tmpl.Name = as.Spec.Template.Name
	tmpl.Finalizers = as.Spec.Template.Finalizers
	raw, err := json.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var out []v1alpha1.Application
	for _, p := range params {
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc, err := renderStrings(doc, p)
		if err != nil {
			t.Fatalf("rendering the template for %v: %v", p["path"], err)
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var a v1alpha1.Application
		if err := yaml.UnmarshalStrict(b, &a); err != nil {
			t.Fatalf("the rendered Application for %v: %v", p["path"], err)
		}
		a.Namespace = as.Namespace
		out = append(out, a)
	}
	return out
}

// renderStrings executes every string of a decoded JSON document (keys and values, as
// the controller's deeplyReplace does for map keys and string fields) as a Go template.
func renderStrings(v any, params map[string]any) (any, error) {
	switch v := v.(type) {
	case string:
		tp, err := template.New("").Option("missingkey=error").Parse(v)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := tp.Execute(&b, params); err != nil {
			return nil, err
		}
		return b.String(), nil
	case []any:
		for i := range v {
			r, err := renderStrings(v[i], params)
			if err != nil {
				return nil, err
			}
			v[i] = r
		}
		return v, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			rk, err := renderStrings(k, params)
			if err != nil {
				return nil, err
			}
			re, err := renderStrings(e, params)
			if err != nil {
				return nil, err
			}
			out[rk.(string)] = re
		}
		return out, nil
	}
	return v, nil
}

// appsetRepo is examples/demo (the README's repository) plus products nested deeper, one
// naming a Manifest of its own (X-01 warns; the file is still among its reads), a
// kustomize overlay and component outside /platform (used once the contract names
// them), a file that is no product, and a git index holding it all.
func appsetRepo(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	for src, dst := range map[string]string{
		filepath.Join(mainModule, "examples", "demo"):                                     ".",
		filepath.Join(mainModule, "golden", "overlays", "components", "root", "platform"): "shared",
	} {
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return writeFile(filepath.Join(dir, dst, rel), string(b))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	hello, err := os.ReadFile(filepath.Join(dir, "examples", "hello-orders", "floe.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	product := func(name, manifest string) string {
		s := strings.Replace(string(hello), "name: hello-orders", "name: "+name, 1)
		return strings.Replace(s, `manifest: "../../demo/manifest.yaml"`, `manifest: "`+manifest+`"`, 1)
	}
	for name, body := range map[string]string{
		"teams/sales/eu/orders/floe.yaml": product("sales-eu-orders", "../../../../demo/manifest.yaml"),
		"teams/sales/returns/floe.yaml":   product("sales-returns", "../manifest.yaml"),
		"docs/floe.yaml.md":               "not a product\n",
	} {
		if err := writeFile(filepath.Join(dir, name), body); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	// product directory -> the floe.yaml's metadata.name
	return dir, map[string]string{
		"demo/customer-360":     "customer-360",
		"examples/hello-orders": "hello-orders",
		"teams/sales/eu/orders": "sales-eu-orders",
		"teams/sales/returns":   "sales-returns",
	}
}

// floePaths runs `floe argocd paths` (the binary TestMain built) for a product.
func floePaths(t *testing.T, dir, contract, product string) []string {
	t.Helper()
	cmd := exec.Command(floeBin, "argocd", "paths", "--root", dir, "--contract", filepath.Join(dir, contract), filepath.Join(dir, product))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("floe argocd paths %s: %v\n%s", product, err, stderr.String())
	}
	return strings.Split(strings.TrimSpace(string(out)), ";")
}

// uncovered returns the paths floe prints for the Application's product that Argo CD
// would not count as the Application's (util/app/path: the annotation resolved against
// the source path, then AppFilesHaveChanged): each printed file, and every file under a
// printed directory.
func uncovered(t *testing.T, dir string, a *v1alpha1.Application, printed []string) []string {
	t.Helper()
	refresh := argopath.GetSourceRefreshPaths(a, *a.Spec.Source)
	var out []string
	for _, p := range printed {
		rel := strings.TrimPrefix(p, "/")
		files := []string{rel}
		if fi, err := os.Stat(filepath.Join(dir, rel)); err == nil && fi.IsDir() {
			files = nil
			filepath.WalkDir(filepath.Join(dir, rel), func(f string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					r, _ := filepath.Rel(dir, f)
					files = append(files, filepath.ToSlash(r))
				}
				return err
			})
		}
		for _, f := range files {
			if !argopath.AppFilesHaveChanged(refresh, []string{f}) {
				out = append(out, f)
			}
		}
	}
	return out
}

// TestREADMEApplicationSet (D-ARGO-11): the README's ApplicationSet, decoded strictly into
// Argo CD's type and generated with Argo CD's git client and template renderer over a
// repository of products at several depths, gives one Application per floe.yaml, named
// by its metadata.name, on its directory, with the floe plugin and the README's contract;
// Argo CD counts every path `floe argocd paths` prints for the product as the
// Application's, and a sibling product's file as not. When the contract adds an overlay
// outside the listed platform paths, the README's literal misses it for every product,
// and the list re-derived as the README says covers them again.
func TestREADMEApplicationSet(t *testing.T) {
	log.SetLevel(log.WarnLevel) // Argo CD's git client logs every git command at info
	as, line := readmeApplicationSet(t)
	dir, products := appsetRepo(t)
	contract := "platform/pec-dev.yaml"

	// The annotation: the product's directory, its platform.manifest, then the platform's
	// part (what `floe argocd paths` prints for any product beyond those two).
	ann := as.Spec.Template.Annotations[v1alpha1.AnnotationKeyManifestGeneratePaths]
	parts := strings.SplitN(ann, ";", 3)
	if len(parts) != 3 || parts[0] != "/{{ .path.path }}" || parts[1] != "{{ .platform.manifest }}" {
		t.Fatalf("%s:%d: manifest-generate-paths %q: want /{{ .path.path }};{{ .platform.manifest }};<platform paths>", readme, line, ann)
	}
	platformPart := func(product string) string {
		var rest []string
		for _, p := range floePaths(t, dir, contract, product) {
			if p != "/"+product {
				rest = append(rest, p)
			}
		}
		return strings.Join(rest, ";")
	}
	if got := platformPart("demo/customer-360"); got != parts[2] {
		t.Errorf("%s:%d: the README lists the platform paths %q; floe argocd paths for demo/customer-360 gives %q", readme, line, parts[2], got)
	}

	check := func(t *testing.T, as *v1alpha1.ApplicationSet, newGlobbing, wantCovered bool) {
		apps := generateApplications(t, as, gitFilesParams(t, as, diskRepos{root: dir, newGlobbing: newGlobbing}))
		got := map[string]string{}
		for _, a := range apps {
			got[a.Spec.Source.Path] = a.Name
		}
		if len(apps) != len(products) || !maps.Equal(got, products) {
			t.Fatalf("generated Applications (path -> name) %v, want %v", got, products)
		}
		for i := range apps {
			a := &apps[i]
			src := a.Spec.Source
			if a.Namespace != "argocd" || a.Spec.Project != "default" || src.RepoURL != repoURL || src.TargetRevision != "main" ||
				src.Plugin == nil || src.Plugin.Name != pluginName ||
				len(src.Plugin.Env) != 1 || *src.Plugin.Env[0] != (v1alpha1.EnvEntry{Name: "FLOE_CONTRACT", Value: contract}) ||
				a.Spec.Destination.Server != "https://kubernetes.default.svc" || a.Spec.Destination.Namespace != "floe-dev" {
				t.Errorf("%s: Application %s/%s: project %s, source %+v, plugin %+v, destination %+v", src.Path, a.Namespace, a.Name, a.Spec.Project, src, src.Plugin, a.Spec.Destination)
			}
			miss := uncovered(t, dir, a, floePaths(t, dir, contract, src.Path))
			if wantCovered && len(miss) > 0 {
				t.Errorf("%s: manifest-generate-paths %q leaves out %v", src.Path, a.Annotations[v1alpha1.AnnotationKeyManifestGeneratePaths], miss)
			}
			if !wantCovered && len(miss) == 0 {
				t.Errorf("%s: manifest-generate-paths %q covers the overlay it does not list", src.Path, a.Annotations[v1alpha1.AnnotationKeyManifestGeneratePaths])
			}
			// Not everything: another product's floe.yaml is not this Application's.
			for other := range products {
				if other != src.Path && !uncoveredAny(a, other+"/floe.yaml") {
					t.Errorf("%s: manifest-generate-paths %q takes in %s/floe.yaml", src.Path, a.Annotations[v1alpha1.AnnotationKeyManifestGeneratePaths], other)
				}
			}
		}
	}
	// Both of the repo-server's file listings: git ls-files pathspecs (the default) and
	// doublestar (applicationsetcontroller.enable.new.git.file.globbing).
	for _, newGlobbing := range []bool{false, true} {
		t.Run(fmt.Sprintf("README newGlobbing=%v", newGlobbing), func(t *testing.T) { check(t, as, newGlobbing, true) })
	}

	// The contract adds an overlay (and its component) outside the listed platform paths.
	pec := filepath.Join(dir, filepath.FromSlash(contract))
	b, err := os.ReadFile(pec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pec, append(b, "overlays: [shared/overlays/sales]\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("overlay, README's list", func(t *testing.T) { check(t, as, false, false) })
	derived := as.DeepCopy()
	rest := platformPart("demo/customer-360")
	if !strings.Contains(rest, "/shared/") {
		t.Fatalf("floe argocd paths with the overlay: %q names nothing under /shared", rest)
	}
	derived.Spec.Template.Annotations[v1alpha1.AnnotationKeyManifestGeneratePaths] = parts[0] + ";" + parts[1] + ";" + rest
	t.Run("overlay, list re-derived", func(t *testing.T) { check(t, derived, false, true) })
}

// uncoveredAny reports whether Argo CD would not count the file as the Application's.
func uncoveredAny(a *v1alpha1.Application, file string) bool {
	return !argopath.AppFilesHaveChanged(argopath.GetSourceRefreshPaths(a, *a.Spec.Source), []string{file})
}
