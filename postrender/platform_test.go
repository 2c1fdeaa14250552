package postrender

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
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

// platformStream is Helm 3's output of testdata/charts/dagster-platform with the
// hardened values and three code locations (testdata/dagster-platform.values.yaml):
// orders (dagster api grpc), marketing (dagster code-server start, with
// includeConfigInLaunchedRuns.enabled: false) and finance.
const platformStream = "dagster-platform.helm3.yaml"

var platformLocations = map[string]string{"orders": "dagster/orders", "marketing": "dagster/marketing", "finance": "dagster/finance"}

func platformInputs(t testing.TB, locations map[string]string) *Inputs {
	t.Helper()
	root, err := config.OSRoot(filepath.Join("testdata", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadLocations(root, "platform/pec-platform.yaml", locations)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func platformRenderer(t testing.TB, in *Inputs, mapLocations bool) *Renderer {
	t.Helper()
	engine, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(Options{Contract: in.Contract, Manifest: in.Manifest, Locations: in.Locations, MapLocations: mapLocations,
		Gate: engine, Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPlatformChart: over a chart shaped like Dagster's, at strict, each code location
// is its own product's (labels, service account, service name, container context),
// the webserver, daemon and migration are platform components, the chart's instance
// label is kept and passes, and nothing is lost.
func TestPlatformChart(t *testing.T) {
	in := readFile(t, filepath.Join("testdata", platformStream))
	r := platformRenderer(t, platformInputs(t, platformLocations), true)
	if r.Level() != policies.LevelStrict {
		t.Fatalf("level %s, want strict", r.Level())
	}
	out, rep, notes, err := r.RenderNotes(context.Background(), in)
	if err != nil {
		t.Fatalf("%v\n%s", err, policies.Diagnostics(rep.Findings))
	}
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
	golden.Assert(t, filepath.Join(golden.Dir(t), "postrender", "dagster-platform.yaml"), out)
	if again, _, err := r.Render(context.Background(), out); err != nil || !bytes.Equal(again, out) {
		t.Errorf("f(f(x)) != f(x) (%v):\n%s", err, golden.Diff(string(out), string(again)))
	}

	before, after := parse(t, in), parse(t, out)
	if len(before) != len(after) {
		t.Fatalf("%d objects in, %d out", len(before), len(after))
	}
	seen := map[string]bool{}
	for i, n := range after {
		if id(before[i]) != id(n) {
			t.Fatalf("object %d: %s became %s", i, id(before[i]), id(n))
		}
		labels := n.GetLabels()
		if labels["app.kubernetes.io/instance"] != "data" {
			t.Errorf("%s: the chart's instance label became %q", id(n), labels["app.kubernetes.io/instance"])
		}
		w, isWorkload := kustomize.FindWorkload(n)
		loc := labels["deployment"]
		switch {
		case labels["component"] == "user-deployments":
			if labels["floe.dev/product"] != loc {
				t.Errorf("%s: floe.dev/product %q, want %q", id(n), labels["floe.dev/product"], loc)
			}
			if !isWorkload {
				continue
			}
			seen[loc] = true
			checkLocation(t, n, w, loc)
		case isWorkload:
			seen[labels["component"]] = true
			checkComponent(t, n, w, labels["component"])
		default:
			if labels["floe.dev/product"] != "" || labels["floe.dev/environment"] != "dev" {
				t.Errorf("%s: platform object labelled %v", id(n), labels)
			}
		}
	}
	for _, want := range []string{"orders", "marketing", "finance", "dagster-webserver", "dagster-daemon", "migrate"} {
		if !seen[want] {
			t.Errorf("no workload of %s checked", want)
		}
	}
}

// checkLocation asserts one code location's Deployment carries its product's identity.
func checkLocation(t *testing.T, n *yaml.RNode, w kustomize.Workload, product string) {
	t.Helper()
	if got := w.Template.GetLabels()["floe.dev/product"]; got != product {
		t.Errorf("%s: pod label floe.dev/product %q", id(n), got)
	}
	if sa, _ := w.Spec.GetString("serviceAccountName"); sa != "floe-data-product-runner" {
		t.Errorf("%s: service account %q", id(n), sa)
	}
	if tok, _ := w.Spec.Pipe(yaml.Lookup("automountServiceAccountToken")); tok == nil || tok.YNode().Value != "false" {
		t.Errorf("%s: automountServiceAccountToken not false", id(n))
	}
	for _, c := range w.Containers() {
		env := envOf(t, c)
		if env["OTEL_SERVICE_NAME"] != product || env["OPENLINEAGE_NAMESPACE"] != product ||
			attrs(env["OTEL_RESOURCE_ATTRIBUTES"])["floe.product.name"] != product {
			t.Errorf("%s: telemetry identity %q %q %q", id(n), env["OTEL_SERVICE_NAME"], env["OPENLINEAGE_NAMESPACE"], env["OTEL_RESOURCE_ATTRIBUTES"])
		}
		grpc, hasGRPC := env[kustomize.DagsterGRPCContext]
		_, hasCtx := env[kustomize.DagsterContext]
		switch product {
		case "marketing": // includeConfigInLaunchedRuns.enabled: false
			if hasGRPC || hasCtx {
				t.Errorf("%s: a container context was added though the chart left it out", id(n))
			}
		default:
			if !hasGRPC || !strings.Contains(grpc, "floe.product.name="+product) || !strings.Contains(grpc, `"service_account_name":"floe-data-product-runner"`) {
				t.Errorf("%s: container context %s", id(n), grpc)
			}
		}
	}
}

// checkComponent asserts a platform component's identity: its own service name, no
// product.
func checkComponent(t *testing.T, n *yaml.RNode, w kustomize.Workload, component string) {
	t.Helper()
	if l := w.Template.GetLabels(); l["floe.dev/product"] != "" || l["floe.dev/platform-component"] != component {
		t.Errorf("%s: pod labels %v", id(n), l)
	}
	for _, c := range w.Containers() {
		if name, _ := c.GetString("name"); name == "check-db-ready" {
			continue
		}
		env := envOf(t, c)
		a := attrs(env["OTEL_RESOURCE_ATTRIBUTES"])
		if env["OTEL_SERVICE_NAME"] != component || a["floe.platform.component"] != component || a["floe.product.name"] != "" ||
			env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://floe-platform-otel:4317" {
			t.Errorf("%s: telemetry %v", id(n), env)
		}
	}
}

// TestPlatformChartUnmapped: a code location no product is mapped to is a located
// error (exit 2, no output); without any mapping it is left unattributed, with a
// warning naming it.
func TestPlatformChartUnmapped(t *testing.T) {
	in := readFile(t, filepath.Join("testdata", platformStream))
	partial := map[string]string{"orders": "dagster/orders", "marketing": "dagster/marketing"}
	out, _, _, err := platformRenderer(t, platformInputs(t, partial), true).RenderNotes(context.Background(), in)
	var c diag.ExitCode
	if err == nil || out != nil || !errors.As(err, &c) || c.ExitCode() != 2 {
		t.Fatalf("err %v, %d bytes out; want exit 2 and no output", err, len(out))
	}
	for _, want := range []string{"(dagster/templates/deployment-user.yaml): Deployment/data-dagster-user-deployments-finance",
		`Dagster code location "finance" is not attributed to a product`, "Service/finance"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `"orders"`) {
		t.Errorf("error names a mapped location:\n%v", err)
	}

	base := platformInputs(t, nil)
	r, err := New(Options{Contract: base.Contract, Manifest: base.Manifest})
	if err != nil {
		t.Fatal(err)
	}
	out, _, notes, err := r.RenderNotes(context.Background(), in)
	if err != nil || len(out) == 0 {
		t.Fatalf("contract only: %v", err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0].String(), "3 Dagster code location(s) not attributed to a product (finance, marketing, orders)") {
		t.Errorf("notes: %v", notes)
	}
}

// TestPlatformComponentsPassStrictAlone: a platform release without code locations
// passes strict with the contract alone.
func TestPlatformComponentsPassStrictAlone(t *testing.T) {
	var kept []string
	for _, doc := range strings.Split(string(readFile(t, filepath.Join("testdata", platformStream))), "\n---") {
		if !strings.Contains(doc, "component: user-deployments") && !strings.Contains(doc, "-user-env") {
			kept = append(kept, doc)
		}
	}
	in := []byte(strings.Join(kept, "\n---"))
	r := platformRenderer(t, platformInputs(t, nil), false)
	out, rep, err := r.Render(context.Background(), in)
	if err != nil || len(out) == 0 {
		t.Fatalf("%v\n%s", err, policies.Diagnostics(rep.Findings))
	}
	if rep.Deny != 0 || rep.Excepted == 0 {
		t.Errorf("report: %d deny, %d excepted; want none denied and the contract's exceptions used", rep.Deny, rep.Excepted)
	}
}

// TestPlatformChartProductRules: a mapped code location is judged as its product's,
// image rules included; the platform's own images are not held to the product
// registry, and a chart-set service name on a code location is denied.
func TestPlatformChartProductRules(t *testing.T) {
	in := string(readFile(t, filepath.Join("testdata", platformStream)))
	in = strings.ReplaceAll(in, "registry.example.com/data-products/finance:", "docker.io/acme/finance:")
	r := platformRenderer(t, platformInputs(t, platformLocations), true)
	out, rep, err := r.Render(context.Background(), []byte(in))
	if err == nil || out != nil || rep == nil {
		t.Fatalf("err %v, %d bytes: want a denial", err, len(out))
	}
	var denied []string
	for _, f := range rep.Findings {
		if f.Severity == policies.Deny && !f.Excepted {
			denied = append(denied, f.Rule+" "+f.Resource)
		}
	}
	want := []string{"POL-SEC-08 Deployment/data-dagster-user-deployments-finance", "POL-SEC-08 Job/dagster-run-finance"}
	if strings.Join(denied, "\n") != strings.Join(want, "\n") {
		t.Errorf("denied:\n%s\nwant:\n%s", strings.Join(denied, "\n"), strings.Join(want, "\n"))
	}
}

// TestWhatPostRenderSetsPasses: what post-render keeps (a chart's instance label, the
// release) and sets (part-of floe-jobs on a Job's pods) passes its own label rules at
// strict (D-GATE-09, D-PR-07).
func TestWhatPostRenderSetsPasses(t *testing.T) {
	in := []byte(`apiVersion: batch/v1
kind: Job
metadata:
  name: rel-backfill
  labels: {app.kubernetes.io/name: chart, app.kubernetes.io/instance: rel}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: chart, app.kubernetes.io/instance: rel}
    spec:
      containers:
      - name: backfill
        image: registry.example.com/data-products/customer-360:0123456789ab
`)
	engine, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := demoInputs(t, "demo/customer-360")
	r, err := New(Options{Contract: base.Contract, Manifest: base.Manifest, Product: base.Product, Gate: engine,
		Enforcement: policies.LevelStrict, Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	// The Job lacks resources and a security context, so the stream is denied; what
	// matters here is which rules say so.
	_, rep, _ := r.Render(context.Background(), in)
	for _, f := range rep.Findings {
		if f.Rule == "POL-LBL-01" || f.Rule == "POL-NET-01" {
			t.Errorf("%s: %s", f.Rule, f.Message)
		}
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings at all: the gate did not judge the Job")
	}
	tr, err := r.transform(in)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := kustomize.FindWorkload(tr.nodes[0])
	if l := w.Template.GetLabels(); l["app.kubernetes.io/part-of"] != "floe-jobs" || l["app.kubernetes.io/instance"] != "rel" {
		t.Errorf("pod labels %v", l)
	}
}
