// Package helm_test drives the real Helm 3 and Helm 4 CLIs (built from tools/helm3 and
// tools/helm4) with floe as their post-renderer, over floe's own charts and a test
// chart shaped like a third-party orchestrator chart.
package helm_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	_ "github.com/floe-dev/floe/golden" // knows -update
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/postrender"
)

// env is an isolated Helm environment: its own HOME and Helm directories, the floe
// plugin under $HELM_PLUGINS (Helm 4), and floe's diagnostics log in the temp dir.
type env struct {
	t       *testing.T
	helm    string // helm3 | helm4
	bin     string
	floe    string
	vars    []string
	logPath string
	root    string // the contract/product root (cwd of every run)
}

func newEnv(t *testing.T, helm string) *env {
	t.Helper()
	e := &env{t: t, helm: helm, bin: tool(t, helm), floe: floeBinary(t)}
	tmp := t.TempDir()
	e.logPath = filepath.Join(tmp, "floe-post-render.log")
	e.vars = append(os.Environ(),
		"HOME="+tmp,
		"HELM_CACHE_HOME="+filepath.Join(tmp, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(tmp, "config"),
		"HELM_DATA_HOME="+filepath.Join(tmp, "data"),
		"HELM_PLUGINS="+filepath.Join(tmp, "plugins"),
		"FLOE_POST_RENDER_LOG="+e.logPath,
	)
	root, err := filepath.Abs(filepath.Join("testdata", "root"))
	if err != nil {
		t.Fatal(err)
	}
	e.root = root
	if helm == "helm4" {
		// deps.md: place the plugin directory under $HELM_PLUGINS ourselves.
		cmd := exec.Command(e.floe, "helm-plugin", filepath.Join(tmp, "plugins", "floe"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("floe helm-plugin: %v\n%s", err, out)
		}
	}
	return e
}

// result of one helm run.
type result struct {
	stdout, stderr []byte
	err            error
}

func (e *env) run(args ...string) result {
	e.t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.root
	cmd.Env = e.vars
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return result{out.Bytes(), errb.Bytes(), err}
}

// postRenderFlags are the helm flags that run floe post-render with floeArgs.
func (e *env) postRenderFlags(floeArgs ...string) []string {
	var out []string
	if e.helm == "helm3" {
		out = append(out, "--post-renderer", e.floe, "--post-renderer-args", "post-render")
	} else {
		out = append(out, "--post-renderer", postrender.PluginName)
	}
	for _, a := range floeArgs {
		out = append(out, "--post-renderer-args", a)
	}
	return out
}

// chartCase is one chart rendered for one product.
type chartCase struct {
	name, release, chart string
	product              string // root-relative floe.yaml dir
	contract             string
	extra                []string // more helm flags
}

func repoPath(t *testing.T, rel string) string {
	return filepath.Join(repoRoot(t), rel)
}

func chartCases(t *testing.T) []chartCase {
	cases := []chartCase{{
		name: "orchestrator", release: "customer-360", chart: repoPath(t, "testdata/charts/orchestrator"),
		product: "demo/customer-360", contract: "platform/pec-dev.yaml",
	}, {
		name: "orchestrator-strict", release: "customer-360", chart: repoPath(t, "testdata/charts/orchestrator"),
		product: "demo/customer-360", contract: "platform/pec-strict.yaml",
	}}
	for _, c := range []string{"floe-dagster", "floe-jobs"} {
		if _, err := os.Stat(repoPath(t, filepath.Join("charts", c, "Chart.yaml"))); err != nil {
			t.Logf("charts/%s not present; skipping it", c)
			continue
		}
		cases = append(cases, chartCase{
			name: c, release: "example-product", chart: repoPath(t, filepath.Join("charts", c)),
			product: "products/example-product", contract: "platform/pec-dev.yaml",
			extra: []string{"--kube-version", "1.30.0"},
		})
	}
	return cases
}

// object is one parsed document of helm's output with its "# Source:" file.
type object struct {
	id, source string
	node       *yaml.RNode
}

// parseOutput splits helm template output into objects, remembering each object's
// "# Source:" line (Helm prints it before every document).
func parseOutput(t *testing.T, out []byte) []object {
	t.Helper()
	var objs []object
	for _, doc := range strings.Split(string(out), "\n---") {
		source := ""
		for _, l := range strings.Split(doc, "\n") {
			if s, ok := strings.CutPrefix(l, "# Source: "); ok {
				source = s
			}
		}
		nodes, err := kustomize.ParseStream([]byte(doc))
		if err != nil {
			t.Fatalf("helm output does not parse: %v\n%s", err, doc)
		}
		for _, n := range nodes {
			m, _ := n.GetMeta()
			objs = append(objs, object{id: m.APIVersion + "/" + m.Kind + "/" + m.Namespace + "/" + m.Name, source: source, node: n})
		}
	}
	return objs
}

func tree(t *testing.T, n *yaml.RNode) map[string]any {
	t.Helper()
	var v map[string]any
	if err := n.YNode().Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func isHook(n *yaml.RNode) bool { return n.GetAnnotations()["helm.sh/hook"] != "" }

func isCustom(n *yaml.RNode) bool {
	m, _ := n.GetMeta()
	if m.Kind == "CustomResourceDefinition" {
		return true
	}
	g, _, ok := strings.Cut(m.APIVersion, "/")
	return ok && strings.Contains(g, ".") && !strings.HasSuffix(g, ".k8s.io")
}

// onlyMetaAdded reports differences between want and got other than keys added under
// metadata.labels / metadata.annotations.
func onlyMetaAdded(want, got any, at string) []string {
	w, ok := want.(map[string]any)
	if !ok {
		if !reflect.DeepEqual(want, got) {
			return []string{at + ": changed"}
		}
		return nil
	}
	g, ok := got.(map[string]any)
	if !ok {
		return []string{at + ": type changed"}
	}
	var out []string
	for k, wv := range w {
		gv, ok := g[k]
		if !ok {
			out = append(out, at+"."+k+": removed")
			continue
		}
		out = append(out, onlyMetaAdded(wv, gv, at+"."+k)...)
	}
	if !strings.HasSuffix(at, "metadata.labels") && !strings.HasSuffix(at, "metadata.annotations") && !strings.HasSuffix(at, "metadata") {
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, at+"."+k+": added")
			}
		}
	}
	return out
}

func envOf(c *yaml.RNode) map[string]string {
	out := map[string]string{}
	env, _ := c.Pipe(yaml.Lookup("env"))
	if env == nil {
		return out
	}
	for _, e := range env.YNode().Content {
		var kv struct{ Name, Value string }
		_ = e.Decode(&kv)
		out[kv.Name] = kv.Value
	}
	return out
}

// wired checks one container's env (or a Dagster container context's env).
func wired(env map[string]string, product string) []string {
	var bad []string
	if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://floe-platform-otel:4317" {
		bad = append(bad, "OTEL_EXPORTER_OTLP_ENDPOINT="+env["OTEL_EXPORTER_OTLP_ENDPOINT"])
	}
	if env["OPENLINEAGE_URL"] != "http://floe-platform-marquez:5000" || env["OPENLINEAGE_ENDPOINT"] != "api/v1/lineage" {
		bad = append(bad, "OPENLINEAGE_URL="+env["OPENLINEAGE_URL"])
	}
	if env["OPENLINEAGE_NAMESPACE"] != product {
		bad = append(bad, "OPENLINEAGE_NAMESPACE="+env["OPENLINEAGE_NAMESPACE"])
	}
	if a := env["OTEL_RESOURCE_ATTRIBUTES"]; !strings.Contains(a, "floe.product.name="+product) || !strings.Contains(a, "floe.namespace="+product) {
		bad = append(bad, "OTEL_RESOURCE_ATTRIBUTES="+a)
	}
	if env["OTEL_SERVICE_NAME"] == "" {
		bad = append(bad, "OTEL_SERVICE_NAME unset")
	}
	return bad
}

func contextEnv(t *testing.T, raw string) map[string]string {
	t.Helper()
	var ctx struct {
		K8s struct {
			Env []struct{ Name, Value string } `json:"env"`
		} `json:"k8s"`
	}
	if err := json.Unmarshal([]byte(raw), &ctx); err != nil {
		t.Fatalf("container context %q: %v", raw, err)
	}
	out := map[string]string{}
	for _, e := range ctx.K8s.Env {
		out[e.Name] = e.Value
	}
	return out
}

// TestPostRender renders every chart with and without floe as post-renderer, under
// Helm 3 and Helm 4, and checks what survives and what is wired.
func TestPostRender(t *testing.T) {
	for _, helm := range []string{"helm3", "helm4"} {
		t.Run(helm, func(t *testing.T) {
			e := newEnv(t, helm)
			for _, c := range chartCases(t) {
				t.Run(c.name, func(t *testing.T) {
					base := append([]string{"template", c.release, c.chart, "-n", "floe-dev"}, c.extra...)
					plain := e.run(base...)
					if plain.err != nil {
						t.Fatalf("helm template: %v\n%s", plain.err, plain.stderr)
					}
					product := filepath.Base(c.product)
					args := append(append([]string(nil), base...), e.postRenderFlags(
						"--root=.", "--contract="+c.contract, "--product="+c.product)...)
					got := e.run(args...)
					if got.err != nil {
						t.Fatalf("helm template with floe: %v\n%s", got.err, got.stderr)
					}
					again := e.run(args...)
					if !bytes.Equal(got.stdout, again.stdout) {
						t.Error("two runs differ: post-rendered output is not deterministic")
					}
					checkOutput(t, helm, product, parseOutput(t, plain.stdout), parseOutput(t, got.stdout))
				})
			}
		})
	}
}

func checkOutput(t *testing.T, helm, product string, before, after []object) {
	t.Helper()
	index := func(objs []object) map[string]object {
		m := map[string]object{}
		for _, o := range objs {
			if _, dup := m[o.id]; dup {
				t.Fatalf("object %s twice", o.id)
			}
			m[o.id] = o
		}
		return m
	}
	b, a := index(before), index(after)
	if len(before) != len(after) {
		t.Errorf("%d objects without floe, %d with", len(before), len(after))
	}
	workloads, hooks, servers := 0, 0, 0
	for id, bo := range b {
		ao, ok := a[id]
		if !ok {
			t.Errorf("%s lost", id)
			continue
		}
		if bo.source != ao.source {
			t.Errorf("%s: # Source %q became %q", id, bo.source, ao.source)
		}
		bt, at := tree(t, bo.node), tree(t, ao.node)
		hook := isHook(bo.node)
		if hook {
			hooks++
			for k, v := range bo.node.GetAnnotations() {
				if ao.node.GetAnnotations()[k] != v {
					t.Errorf("%s: hook annotation %s=%q became %q", id, k, v, ao.node.GetAnnotations()[k])
				}
			}
		}
		switch {
		case isCustom(bo.node):
			if !reflect.DeepEqual(bt, at) {
				t.Errorf("%s: CRD or custom resource changed", id)
			}
			continue
		case hook && helm == "helm3":
			// Helm 3 does not hand hooks to post-renderers: they come out untouched.
			if !reflect.DeepEqual(bt, at) {
				t.Errorf("%s: Helm 3 hook changed; Helm 3 was expected not to post-render hooks", id)
			}
			continue
		}
		w, isWorkload := kustomize.FindWorkload(ao.node)
		if !isWorkload {
			if d := onlyMetaAdded(bt, at, ""); len(d) > 0 {
				t.Errorf("%s: changed beyond labels/annotations: %v", id, d)
			}
			continue
		}
		workloads++
		if hook && helm == "helm4" && ao.node.GetLabels()["floe.dev/product"] != product {
			t.Errorf("%s: Helm 4 hook not post-rendered (labels %v)", id, ao.node.GetLabels())
		}
		for _, c := range w.Containers() {
			name, _ := c.GetString("name")
			env := envOf(c)
			if bad := wired(env, product); len(bad) > 0 {
				t.Errorf("%s container %s: %v", id, name, bad)
			}
			for _, v := range []string{kustomize.DagsterGRPCContext, kustomize.DagsterContext} {
				if raw, ok := env[v]; ok {
					servers++
					if bad := wired(contextEnv(t, raw), product); len(bad) > 0 {
						t.Errorf("%s container %s: container context %s: %v", id, name, v, bad)
					}
				}
			}
		}
	}
	if workloads == 0 {
		t.Error("no workload was checked")
	}
	t.Logf("%s: %d objects, %d workloads wired, %d code-server contexts, %d hooks", helm, len(after), workloads, servers, hooks)
}

// TestPostRenderFails: a failing post-render fails the helm command, and no manifest
// reaches stdout. Helm 3 shows floe's stderr; Helm 4 drops it, so floe's log file
// carries the diagnostics.
func TestPostRenderFails(t *testing.T) {
	chart := repoPath(t, "testdata/charts/orchestrator")
	for _, helm := range []string{"helm3", "helm4"} {
		t.Run(helm, func(t *testing.T) {
			e := newEnv(t, helm)
			for name, tc := range map[string]struct {
				set, contract string
				want          []string
			}{
				// floe resets the pod's privileged flag (pod security holds whatever a chart
				// sets); what it cannot set for the chart is still denied in strict.
				"privileged pod in strict": {set: "debugPod.enabled=true", contract: "platform/pec-strict.yaml",
					want: []string{"POL-SEC-07", "Pod/customer-360-debug", "policy gate (strict) denied"}},
				"object without a name": {set: "brokenObject.enabled=true", contract: "platform/pec-dev.yaml",
					want: []string{"ConfigMap has no metadata.name", "orchestrator/templates/broken.yaml"}},
			} {
				t.Run(name, func(t *testing.T) {
					os.Remove(e.logPath)
					args := append([]string{"template", "customer-360", chart, "-n", "floe-dev", "--set", tc.set},
						e.postRenderFlags("--root=.", "--contract="+tc.contract, "--product=demo/customer-360")...)
					r := e.run(args...)
					if r.err == nil {
						t.Fatalf("helm succeeded; stdout:\n%s", r.stdout)
					}
					if bytes.Contains(r.stdout, []byte("kind:")) {
						t.Errorf("manifests on stdout after a failed post-render:\n%s", r.stdout)
					}
					log, err := os.ReadFile(e.logPath)
					if err != nil {
						t.Fatalf("floe left no diagnostics log: %v", err)
					}
					where := string(log)
					if helm == "helm3" {
						where = string(r.stderr) // Helm 3 shows the post-renderer's stderr
						if !strings.Contains(where, e.logPath) {
							t.Errorf("stderr does not name the log %s:\n%s", e.logPath, r.stderr)
						}
					} else if !strings.Contains(string(r.stderr), `plugin "floe" exited with error`) {
						t.Errorf("Helm 4 stderr: %s", r.stderr)
					}
					for _, w := range tc.want {
						if !strings.Contains(where, w) {
							t.Errorf("diagnostics lack %q:\n%s", w, where)
						}
					}
				})
			}
		})
	}
}

// TestHelm4PluginInstall: Helm 4 accepts the directory floe helm-plugin writes.
func TestHelm4PluginInstall(t *testing.T) {
	e := newEnv(t, "helm4")
	dir := filepath.Join(t.TempDir(), "floe-plugin")
	if out, err := exec.Command(e.floe, "helm-plugin", dir).CombinedOutput(); err != nil {
		t.Fatalf("floe helm-plugin: %v\n%s", err, out)
	}
	// Helm 4.3.1 installs into $HELM_DATA_HOME/plugins whatever $HELM_PLUGINS says
	// (deps.md), so this test leaves $HELM_PLUGINS to its default, that directory.
	var vars []string
	for _, v := range e.vars {
		if !strings.HasPrefix(v, "HELM_PLUGINS=") {
			vars = append(vars, v)
		}
	}
	e.vars = vars
	r := e.run("plugin", "install", dir)
	if r.err != nil {
		t.Fatalf("helm plugin install: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
	l := e.run("plugin", "list")
	if l.err != nil || !bytes.Contains(l.stdout, []byte("postrenderer/v1")) || !bytes.Contains(l.stdout, []byte("floe")) {
		t.Fatalf("helm plugin list: %v\n%s%s", l.err, l.stdout, l.stderr)
	}
}

// TestCLI runs floe post-render directly: exit codes, nothing on stdout on failure,
// the diagnostics log written on every run.
func TestCLI(t *testing.T) {
	floe := floeBinary(t)
	root, _ := filepath.Abs(filepath.Join("testdata", "root"))
	logPath := filepath.Join(t.TempDir(), "pr.log")
	ok := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: floe-dev}\n"
	privileged := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: floe-dev}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: true}\n"
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"malformed", "kind: [\n", nil, 2, "malformed YAML"},
		{"empty", "", nil, 2, "no Kubernetes objects"},
		{"no contract", ok, []string{"--contract="}, 2, "--contract is required"},
		{"bad selector", ok, []string{"--select=a in (b"}, 2, "--select"},
		{"denied", privileged, []string{"--enforcement=strict"}, 1, "POL-SEC-07"},
		{"fine", ok, nil, 0, ""},
		// At warn the privileged pod ships, its privileged flag reset.
		{"privileged reset", privileged, nil, 0, "privileged: false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"post-render", "--root=.", "--contract=platform/pec-dev.yaml"}, tc.args...)
			cmd := exec.Command(floe, args...)
			cmd.Dir, cmd.Stdin = root, strings.NewReader(tc.stdin)
			cmd.Env = append(os.Environ(), "FLOE_POST_RENDER_LOG="+logPath)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, errb.String())
			}
			log, logErr := os.ReadFile(logPath)
			if tc.code == 0 {
				want := "name: a"
				if tc.want != "" {
					want = tc.want
				}
				if !strings.Contains(out.String(), want) || strings.Contains(out.String(), "privileged: true") {
					t.Errorf("stdout lacks %q (or is privileged): %q", want, out.String())
				}
				// The log is kept after a success too: it holds the run's warnings, or
				// says there were none (Helm drops a successful post-renderer's stderr).
				wantLog := "succeeded without warnings"
				if strings.Contains(errb.String(), "warning") {
					wantLog = "POL-SEC-06"
					if !strings.Contains(errb.String(), "warning(s); all of them kept in "+logPath) {
						t.Errorf("stderr lacks the summary naming the log:\n%s", errb.String())
					}
				}
				if logErr != nil || !strings.Contains(string(log), wantLog) {
					t.Errorf("log after success: %q (%v), want it to contain %q", log, logErr, wantLog)
				}
				return
			}
			if out.Len() != 0 {
				t.Errorf("stdout on failure: %q", out.String())
			}
			if !strings.Contains(errb.String(), tc.want) || !strings.Contains(errb.String(), logPath) {
				t.Errorf("stderr lacks %q or the log path:\n%s", tc.want, errb.String())
			}
			if !strings.Contains(string(log), tc.want) {
				t.Errorf("log lacks %q: %q (%v)", tc.want, log, logErr)
			}
		})
	}
}

// TestPostRenderAttest (D-EVD-09): Helm 3 passes post-render's --attest and
// --signing-key through --post-renderer-args; the attestation floe writes verifies with
// floe verify against Helm's output (hooks left out: Helm 3 never gives them to a
// post-renderer) and, with --root, against the files it read.
func TestPostRenderAttest(t *testing.T) {
	e := newEnv(t, "helm3")
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	key, pub := filepath.Join(dir, "floe.key"), filepath.Join(dir, "floe.pub")
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	attestation := filepath.Join(dir, "release.intoto.jsonl")
	// --no-hooks: Helm 3 appends hooks after the post-renderer ran, unattested.
	args := append([]string{"template", "customer-360", repoPath(t, "testdata/charts/orchestrator"), "-n", "floe-dev", "--no-hooks"},
		e.postRenderFlags("--root=.", "--contract=platform/pec-dev.yaml", "--product=demo/customer-360",
			"--attest="+attestation, "--signing-key="+key)...)
	r := e.run(args...)
	if r.err != nil {
		t.Fatalf("helm template with floe post-render --attest: %v\n%s", r.err, r.stderr)
	}
	cmd := exec.Command(e.floe, "verify", "--attestation", attestation, "--key", pub, "--root", e.root, "-")
	cmd.Stdin = bytes.NewReader(r.stdout)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "ok: signature") {
		t.Fatalf("floe verify: %v\n%s", err, out)
	}
}
