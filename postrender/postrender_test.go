package postrender

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/policies"
)

// demoInputs loads testdata/demo (a copy of examples/demo).
func demoInputs(t testing.TB, product string) *Inputs {
	t.Helper()
	root, err := config.OSRoot(filepath.Join("testdata", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := Load(root, "platform/pec-dev.yaml", product)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func newRenderer(t testing.TB, in *Inputs, sel string, gate policies.Checker) *Renderer {
	t.Helper()
	r, err := New(Options{Contract: in.Contract, Manifest: in.Manifest, Product: in.Product, Select: sel, Gate: gate,
		Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tree decodes a node into plain Go values for comparisons.
func tree(t testing.TB, n *yaml.RNode) map[string]any {
	t.Helper()
	var v map[string]any
	if err := n.YNode().Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func id(n *yaml.RNode) string {
	m, _ := n.GetMeta()
	return m.APIVersion + "/" + m.Kind + "/" + m.Namespace + "/" + m.Name
}

func parse(t testing.TB, b []byte) []*yaml.RNode {
	t.Helper()
	nodes, err := kustomize.ParseStream(b)
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// subsetExceptMeta reports where want is not contained in got: every key/value of
// want must be in got unchanged; got may only add keys under metadata.labels and
// metadata.annotations (of the object or of a pod template).
func subsetExceptMeta(want, got any, at string) []string {
	switch w := want.(type) {
	case map[string]any:
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
			out = append(out, subsetExceptMeta(wv, gv, at+"."+k)...)
		}
		if !strings.HasSuffix(at, "metadata.labels") && !strings.HasSuffix(at, "metadata.annotations") && !strings.HasSuffix(at, "metadata") {
			for k := range g {
				if _, ok := w[k]; !ok {
					out = append(out, at+"."+k+": added")
				}
			}
		}
		return out
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{at + ": changed"}
		}
		return nil
	}
}

func envOf(t testing.TB, c *yaml.RNode) map[string]string {
	t.Helper()
	out := map[string]string{}
	env := mapValue(c.YNode(), "env")
	if env == nil {
		return out
	}
	for _, e := range env.Content {
		out[scalar(mapValue(e, "name"))] = scalar(mapValue(e, "value"))
	}
	return out
}

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(p, "=")
		out[k] = v
	}
	return out
}

// TestOrchestratorChart post-renders the test chart's Helm 3 output for customer-360
// and checks what survives and what is wired.
func TestOrchestratorChart(t *testing.T) {
	in := readFile(t, filepath.Join("testdata", "orchestrator.helm3.yaml"))
	r := newRenderer(t, demoInputs(t, "demo/customer-360"), "", nil)
	out, _, err := r.Render(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join(golden.Dir(t), "postrender", "orchestrator-customer-360.yaml"), out)

	before, after := parse(t, in), parse(t, out)
	if len(before) != len(after) {
		t.Fatalf("%d objects in, %d out", len(before), len(after))
	}
	workloads := 0
	for i := range before {
		if id(before[i]) != id(after[i]) {
			t.Fatalf("object %d: %s became %s", i, id(before[i]), id(after[i]))
		}
		bt, at := tree(t, before[i]), tree(t, after[i])
		if isCustom(before[i]) {
			if !reflect.DeepEqual(bt, at) {
				t.Errorf("%s: custom resource or CRD changed", id(before[i]))
			}
			continue
		}
		w, ok := kustomize.FindWorkload(after[i])
		if !ok {
			if d := subsetExceptMeta(bt, at, ""); len(d) > 0 {
				t.Errorf("%s: changed beyond labels/annotations: %v", id(before[i]), d)
			}
			labels := after[i].GetLabels()
			if labels["floe.dev/product"] != "customer-360" || labels["app.kubernetes.io/instance"] != "orch" {
				t.Errorf("%s: labels %v: want floe.dev/product added and the chart's instance kept", id(before[i]), labels)
			}
			continue
		}
		workloads++
		for _, c := range w.Containers() {
			env := envOf(t, c)
			name := scalar(mapValue(c.YNode(), "name"))
			if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://floe-platform-otel:4317" {
				t.Errorf("%s %s: OTLP endpoint %q", id(after[i]), name, env["OTEL_EXPORTER_OTLP_ENDPOINT"])
			}
			if env["OPENLINEAGE_URL"] != "http://floe-platform-marquez:5000" || env["OPENLINEAGE_NAMESPACE"] != "customer-360" {
				t.Errorf("%s %s: lineage env %q %q", id(after[i]), name, env["OPENLINEAGE_URL"], env["OPENLINEAGE_NAMESPACE"])
			}
			a := attrs(env["OTEL_RESOURCE_ATTRIBUTES"])
			if a["floe.product.name"] != "customer-360" || a["floe.product.version"] != "1.0.0" || a["floe.namespace"] != "customer-360" {
				t.Errorf("%s %s: resource attributes %q", id(after[i]), name, env["OTEL_RESOURCE_ATTRIBUTES"])
			}
			wantSvc := "customer-360"
			if name == "orders" {
				wantSvc = "orders-code-server" // the chart's own, kept
			}
			if env["OTEL_SERVICE_NAME"] != wantSvc {
				t.Errorf("%s %s: OTEL_SERVICE_NAME %q, want %q", id(after[i]), name, env["OTEL_SERVICE_NAME"], wantSvc)
			}
			if name == "finance" && (a["team"] != "finance" || a["service.version"] != "1.0.0") {
				t.Errorf("finance: chart attribute lost or floe's not set: %q", env["OTEL_RESOURCE_ATTRIBUTES"])
			}
			if name == "orders" && env["ORDERS_BATCH_SIZE"] != "500" {
				t.Errorf("orders: chart env lost: %v", env)
			}
			if ctx, ok := env[kustomize.DagsterGRPCContext]; ok {
				checkContext(t, id(after[i]), ctx, name == "orders")
			} else if strings.Contains(after[i].MustString(), "- api\n") {
				t.Errorf("%s: code server without a container context", id(after[i]))
			}
		}
		if got := w.Template.GetLabels()["floe.dev/job-type"]; got != "data-pipeline" {
			t.Errorf("%s: pod template label floe.dev/job-type %q", id(after[i]), got)
		}
	}
	if workloads != 5 { // webserver, daemon, three code servers (the hook is a Job too: 6)
		if workloads != 6 {
			t.Errorf("%d workloads, want 6 (webserver, daemon, 3 code servers, migrate hook)", workloads)
		}
	}
	// The hook keeps its annotations.
	for _, n := range after {
		if n.GetName() == "orch-migrate" {
			a := n.GetAnnotations()
			if a["helm.sh/hook"] != "pre-install" || a["helm.sh/hook-weight"] != "-5" || a["helm.sh/hook-delete-policy"] != "before-hook-creation" {
				t.Errorf("hook annotations: %v", a)
			}
		}
	}
}

// checkContext asserts a Dagster container context carries the product wiring.
func checkContext(t *testing.T, obj, raw string, wantCM bool) {
	t.Helper()
	var ctx struct {
		K8s struct {
			Env []struct {
				Name, Value string
			} `json:"env"`
			EnvConfigMaps []string `json:"env_config_maps"`
		} `json:"k8s"`
	}
	if err := json.Unmarshal([]byte(raw), &ctx); err != nil {
		t.Fatalf("%s: container context: %v", obj, err)
	}
	env := map[string]string{}
	for _, e := range ctx.K8s.Env {
		env[e.Name] = e.Value
	}
	if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://floe-platform-otel:4317" || env["OPENLINEAGE_URL"] != "http://floe-platform-marquez:5000" ||
		!strings.Contains(env["OTEL_RESOURCE_ATTRIBUTES"], "floe.product.name=customer-360") {
		t.Errorf("%s: container context env %v", obj, env)
	}
	if wantCM && (len(ctx.K8s.EnvConfigMaps) != 1 || ctx.K8s.EnvConfigMaps[0] != "orders-settings") {
		t.Errorf("%s: chart's env_config_maps lost: %v", obj, ctx.K8s.EnvConfigMaps)
	}
}

// TestIdempotent: post-rendering the output again changes nothing, for every
// option set.
func TestIdempotent(t *testing.T) {
	in := readFile(t, filepath.Join("testdata", "orchestrator.helm3.yaml"))
	for name, tc := range map[string]struct{ product, sel string }{
		"contract only":   {},
		"product":         {product: "demo/customer-360"},
		"product+select":  {product: "demo/customer-360", sel: "component=user-deployments"},
		"other product":   {product: "examples/hello-orders"},
		"select excludes": {product: "demo/customer-360", sel: "component=none"},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRenderer(t, demoInputs(t, tc.product), tc.sel, nil)
			once, _, err := r.Render(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			twice, _, err := r.Render(context.Background(), once)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(once, twice) {
				t.Errorf("f(f(x)) != f(x):\n%s", golden.Diff(string(once), string(twice)))
			}
			again, _, _ := r.Render(context.Background(), in)
			if !bytes.Equal(once, again) {
				t.Error("two runs over the same input differ")
			}
		})
	}
}

// TestSelect: only the selected workloads are touched; the rest come out equal.
func TestSelect(t *testing.T) {
	in := readFile(t, filepath.Join("testdata", "orchestrator.helm3.yaml"))
	r := newRenderer(t, demoInputs(t, "demo/customer-360"), "deployment=orders", nil)
	out, _, err := r.Render(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	before, after := parse(t, in), parse(t, out)
	touched := 0
	for i := range before {
		if reflect.DeepEqual(tree(t, before[i]), tree(t, after[i])) {
			continue
		}
		touched++
		if l := before[i].GetLabels(); l["deployment"] != "orders" {
			t.Errorf("%s changed though not selected", id(before[i]))
		}
	}
	if touched != 2 { // Deployment and Service of orders
		t.Errorf("%d objects changed, want 2", touched)
	}
}

// TestHelm4Stream: Helm 4 stamps every document with its file; the stamp survives,
// also on the items of a List.
func TestHelm4Stream(t *testing.T) {
	in := []byte(`apiVersion: v1
kind: List
metadata:
  annotations:
    postrenderer.helm.sh/postrender-filename: c/templates/list.yaml
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
---
apiVersion: batch/v1
kind: Job
metadata:
  name: hook
  annotations:
    helm.sh/hook: pre-install
    postrenderer.helm.sh/postrender-filename: c/templates/hook.yaml
spec:
  template:
    spec:
      containers:
      - name: x
        image: x
`)
	r := newRenderer(t, demoInputs(t, ""), "", nil)
	out, _, err := r.Render(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	nodes := parse(t, out)
	if len(nodes) != 2 {
		t.Fatalf("%d objects, want 2", len(nodes))
	}
	for i, want := range []string{"c/templates/list.yaml", "c/templates/hook.yaml"} {
		if got := nodes[i].GetAnnotations()[kustomize.HelmPostRenderFilenameAnnotation]; got != want {
			t.Errorf("%s: filename annotation %q, want %q", id(nodes[i]), got, want)
		}
	}
	if nodes[1].GetAnnotations()["helm.sh/hook"] != "pre-install" {
		t.Error("hook annotation lost")
	}
	w, _ := kustomize.FindWorkload(nodes[1])
	if env := envOf(t, w.Containers()[0]); env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "" || env["FLOE_ENV"] != "dev" {
		t.Errorf("hook Job not wired: %v", env)
	}
}

// TestBadInput: every malformed stream fails closed, exit 2, no output, located.
func TestBadInput(t *testing.T) {
	r := newRenderer(t, demoInputs(t, ""), "", nil)
	for name, tc := range map[string]struct{ in, want string }{
		"empty":         {"", "no Kubernetes objects"},
		"comments only": {"# Source: x\n---\n# nothing\n", "no Kubernetes objects"},
		"malformed":     {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: [\n", "document 2 (line 8): malformed YAML"},
		"scalar doc":    {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust text\n", "document 2 (line 5): not a Kubernetes object"},
		"no kind":       {"apiVersion: v1\nmetadata: {name: a}\n", "stdin:1: object has no kind"},
		"no name":       {"apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "stdin:1: ConfigMap has no metadata.name"},
		"env not list":  {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env: {A: b}\n", "env is not a list"},
		"bad context":   {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n    - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT\n      value: '{not json'\n", "invalid container context JSON"},
		"alias cycle":   {"a: &x {b: *x}\n", "stdin: document 1 (line 1): YAML alias *x refers to a node that contains it"},
		// ten levels of ten: 10^10 nodes once expanded, refused before anything walks them
		"billion laughs": {laughs(), "YAML aliases expand to more than 100000 nodes"},
		"alias bomb":     {"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", "alias bomb"},
		"only tests":     {"apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations: {helm.sh/hook: test}\nspec: {containers: [{name: c, image: x}]}\n", "only Helm test hooks"},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := r.Render(context.Background(), []byte(tc.in))
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			if out != nil {
				t.Errorf("output on failure: %q", out)
			}
			var c diag.ExitCode
			if !errors.As(err, &c) || c.ExitCode() != 2 {
				t.Errorf("exit code: %v, want 2", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestDropsTestHooksOnly: a Helm test hook is the one object post-render drops.
func TestDropsTestHooksOnly(t *testing.T) {
	in := []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations: {helm.sh/hook: test-success}\nspec: {containers: [{name: c, image: x}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep}\n")
	out, _, err := newRenderer(t, demoInputs(t, ""), "", nil).Render(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	nodes := parse(t, out)
	if len(nodes) != 1 || nodes[0].GetName() != "keep" {
		t.Errorf("got %d objects, want only ConfigMap/keep:\n%s", len(nodes), out)
	}
}

func TestBadSelector(t *testing.T) {
	in := demoInputs(t, "")
	_, err := New(Options{Contract: in.Contract, Select: "a in (b"})
	var c diag.ExitCode
	if err == nil || !errors.As(err, &c) || c.ExitCode() != 2 {
		t.Fatalf("err = %v, want a usage error", err)
	}
}

// TestGate runs the real policy engine over the orchestrator chart: at strict the
// Secret with literal data is denied unless a contract exception covers it; an
// expired exception no longer applies and is reported.
func TestGate(t *testing.T) {
	engine, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := demoInputs(t, "demo/customer-360")
	for name, tc := range map[string]struct {
		file       string // default orchestrator.helm3.yaml (release "orch")
		level      string
		exceptions []config.PolicyException
		denied     bool
		want       []string // substrings of the diagnostics
		absent     []string // what the diagnostics must not say
	}{
		"warn passes": {level: "", denied: false, want: []string{"orchestrator/templates/secret.yaml: warning: floe-dev/Secret/orchestrator-postgresql: POL-SEC-09"}},
		"strict denies": {level: "strict", denied: true, want: []string{
			"orchestrator/templates/secret.yaml: floe-dev/Secret/orchestrator-postgresql: POL-SEC-09: Secret carries literal data"}},
		// The chart's instance label is the release its selectors use: post-render keeps
		// it and the gate accepts it (D-GATE-09); what the chart sets against the
		// contract is still denied.
		"strict, release named after another product": {level: "strict", denied: true, want: []string{
			`orchestrator/templates/migrate-job.yaml: floe-dev/Job/orch-migrate: POL-NET-01: pod template label app.kubernetes.io/part-of is "dagster" (want "floe-jobs")`},
			absent: []string{"app.kubernetes.io/instance"}},
		// Release named after the product; the contract accepts what the chart does
		// differently: its generated Secret, a code server's own service name, and
		// the migration hook's labels.
		"strict with exceptions": {file: "orchestrator-release-customer-360.helm3.yaml", level: "strict", exceptions: []config.PolicyException{
			{Rule: "POL-SEC-09", Resources: []string{"Secret/*-postgresql"}, Reason: "chart-generated test secret", Expires: "2027-03-31"},
			{Rule: "POL-OTEL-01", Resources: []string{"Deployment/customer-360-orders", "Job/dagster-run-orders"}, Reason: "orders keeps its own service name, in its runs too"},
			{Rule: "POL-NET-01", Resources: []string{"Job/customer-360-migrate"}, Reason: "migration reaches Postgres only"},
			// D-GATE-08: the runs its code servers launch get no writable DAGSTER_HOME (the
			// chart mounts only /tmp in its code servers).
			{Rule: "POL-DAG-01", Resources: []string{"Job/dagster-run-*"}, Reason: "test chart: runs keep Dagster storage in Postgres"},
		}},
		"expired exception": {level: "strict", denied: true, exceptions: []config.PolicyException{
			{Rule: "POL-SEC-09", Resources: []string{"Secret/*-postgresql"}, Reason: "old", Expires: "2026-01-01"},
		}, want: []string{"POL-EXC-01", "expired on 2026-01-01"}},
	} {
		t.Run(name, func(t *testing.T) {
			c := *base.Contract
			c.Policy = &config.ContractPolicy{Exceptions: tc.exceptions}
			r, err := New(Options{Contract: &c, Manifest: base.Manifest, Product: base.Product, Gate: engine, Enforcement: tc.level,
				Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
			if err != nil {
				t.Fatal(err)
			}
			file := tc.file
			if file == "" {
				file = "orchestrator.helm3.yaml"
			}
			out, rep, err := r.Render(context.Background(), readFile(t, filepath.Join("testdata", file)))
			if rep == nil {
				t.Fatalf("no report (err %v)", err)
			}
			ds := policies.Diagnostics(rep.Findings).Error()
			if got := err != nil; got != tc.denied {
				t.Fatalf("denied = %v (err %v), want %v\n%s", got, err, tc.denied, ds)
			}
			if tc.denied {
				var c diag.ExitCode
				if out != nil || !errors.As(err, &c) || c.ExitCode() != 1 {
					t.Errorf("denial: output %d bytes, err %v; want none and exit 1", len(out), err)
				}
			}
			all := ds
			if err != nil {
				all += "\n" + err.Error()
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("diagnostics lack %q:\n%s", w, all)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(all, a) {
					t.Errorf("diagnostics mention %q:\n%s", a, all)
				}
			}
		})
	}
}

// gateSeesOutput checks that the objects the gate judges, decoded from the filtered
// nodes while they are written, equal the written stream read back.
func gateSeesOutput(t *testing.T, r *Renderer, in []byte) {
	t.Helper()
	tr, err := r.transform(in)
	if err != nil {
		return
	}
	nodes, srcs := tr.nodes, tr.srcs
	kustomize.StripInternal(nodes)
	out, err := kustomize.EmitStream(nodes)
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(nodes))
	for i := range all {
		all[i] = i
	}
	objs, err := gateObjects(nodes, srcs, all)
	back, berr := policies.ParseObjects("stdin", out)
	if (err == nil) != (berr == nil) {
		t.Fatalf("decoding the nodes: %v; reading the output back: %v\n%s", err, berr, out)
	}
	if err != nil {
		return
	}
	if len(objs) != len(back) {
		t.Fatalf("%d objects from the nodes, %d read back", len(objs), len(back))
	}
	for i := range objs {
		if !reflect.DeepEqual(objs[i].Value, back[i].Value) {
			t.Fatalf("object %d: the gate would judge\n%v\nbut the output says\n%v", i, objs[i].Value, back[i].Value)
		}
	}
}

// TestGateSeesTheOutput: on the test streams, what the gate judges is what is written.
func TestGateSeesTheOutput(t *testing.T) {
	r := newRenderer(t, demoInputs(t, "demo/customer-360"), "", nil)
	for _, f := range []string{"orchestrator.helm3.yaml", "orchestrator-release-customer-360.helm3.yaml"} {
		t.Run(f, func(t *testing.T) { gateSeesOutput(t, r, readFile(t, filepath.Join("testdata", f))) })
	}
	t.Run("scalars", func(t *testing.T) {
		gateSeesOutput(t, r, []byte(`apiVersion: v1
kind: ConfigMap
metadata: {name: s, annotations: {a: "yes", b: on, c: 0x1F, d: 1e3, e: 2026-11-27, f: ~, g: !!str 12, h: 0o17, i: "0.10"}}
data: {x: "1", y: |
    two
    lines
  }
`))
	})
	t.Run("infinity", func(t *testing.T) {
		gateSeesOutput(t, r, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, annotations: {h: .inf}}\n"))
	})
}

// FuzzRender: any input either fails (with no output) or yields output that
// post-renders to itself, and the gate judges exactly the output.
func FuzzRender(f *testing.F) {
	f.Add(readFile(f, filepath.Join("testdata", "orchestrator.helm3.yaml")))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c}]}}\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Add([]byte("---\n---\n# c\n"))
	f.Add(readFile(f, filepath.Join("testdata", platformStream)))
	// One product's chart, and a platform chart (components and unattributed code
	// locations, D-PR-06).
	renderers := []*Renderer{newRenderer(f, demoInputs(f, "demo/customer-360"), "", nil), newRenderer(f, demoInputs(f, ""), "", nil)}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, r := range renderers {
			out, _, err := r.Render(context.Background(), in)
			if err != nil {
				if out != nil {
					t.Fatal("output on failure")
				}
				continue
			}
			if len(bytes.TrimSpace(out)) == 0 {
				t.Fatal("success with empty output")
			}
			gateSeesOutput(t, r, in)
			again, _, err := r.Render(context.Background(), out)
			if err != nil {
				t.Fatalf("output does not post-render again: %v\n%s", err, out)
			}
			if !bytes.Equal(out, again) {
				t.Fatalf("not idempotent:\n%s", golden.Diff(string(out), string(again)))
			}
		}
	})
}

// TestGateStillCompiling: the gate may be handed over while it compiles; an exception
// naming a rule the policies do not have fails the render (exit 2, no output) when the
// gate runs, and a failed compile is reported.
func TestGateStillCompiling(t *testing.T) {
	ctx := context.Background()
	base := demoInputs(t, "demo/customer-360")
	in := readFile(t, filepath.Join("testdata", "orchestrator-release-customer-360.helm3.yaml"))
	for _, tc := range []struct {
		name    string
		gate    *policies.Compiling
		exc     []config.PolicyException
		wantErr string // "" = renders
	}{
		{"compiling", policies.Start(ctx, policies.Options{}), nil, ""},
		{"unknown rule", policies.Start(ctx, policies.Options{}), []config.PolicyException{{Rule: "POL-SEC-99", Resources: []string{"Secret/x"}, Reason: "r"}}, `unknown rule "POL-SEC-99"`},
		{"compile fails", policies.Start(ctx, policies.Options{ExtraBundles: []policies.Module{{Path: "p/bad.rego", Source: []byte("package floe.bad\nviolation contains x if {")}}}), nil, "p/bad.rego"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := *base.Contract
			c.Policy = &config.ContractPolicy{Exceptions: tc.exc}
			r, err := New(Options{Contract: &c, Manifest: base.Manifest, Product: base.Product, Gate: tc.gate,
				Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := r.Render(ctx, in)
			if tc.wantErr == "" {
				if err != nil || len(out) == 0 {
					t.Fatalf("err %v, %d bytes", err, len(out))
				}
				return
			}
			var code diag.ExitCode
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || out != nil || !errors.As(err, &code) || code.ExitCode() != 2 {
				t.Fatalf("err %v (want %q, exit 2), %d bytes of output", err, tc.wantErr, len(out))
			}
		})
	}
}

// laughs is the "billion laughs" document: ten anchors, each ten aliases of the one before.
func laughs() string {
	var b strings.Builder
	b.WriteString("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(prev+", ", 10), ", "))
	}
	return b.String()
}

// TestTwoProductsOfOneName: code locations mapped to two different products that share a
// name are refused (plans are per product name), naming both files; one product mapped
// from two locations is fine.
func TestTwoProductsOfOneName(t *testing.T) {
	in := platformInputs(t, platformLocations)
	orders := in.Locations["orders"]
	twin := *orders
	twin.Source = &config.Source{Path: "elsewhere/floe.yaml"}
	_, err := New(Options{Contract: in.Contract, Manifest: in.Manifest, MapLocations: true,
		Locations: map[string]*config.FloeSpec{"orders": orders, "orders-2": &twin}})
	var c diag.ExitCode
	if err == nil || !errors.As(err, &c) || c.ExitCode() != 2 || !strings.Contains(err.Error(), "elsewhere/floe.yaml") {
		t.Fatalf("err = %v, want a usage error naming both files", err)
	}
	if _, err := New(Options{Contract: in.Contract, Manifest: in.Manifest, MapLocations: true,
		Locations: map[string]*config.FloeSpec{"orders": orders, "orders-2": orders}}); err != nil {
		t.Fatalf("one product from two locations: %v", err)
	}
}
