package render

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/golden"
)

// testTag is the commit every golden render is tagged with.
const testTag = "0123456789abcdef0123456789abcdef01234567"

// testNow is the injected render time.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// goldenCase is one golden/render/<case>/ directory: contract.yaml, the manifest(s) it
// names, product/floe.yaml, case.yaml (runtime), and the expected outputs.
type goldenCase struct {
	Runtime string `yaml:"runtime"`
}

func caseDirs(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(golden.Dir(t), "render", "*", "case.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden render cases: %v", err)
	}
	for i := range dirs {
		dirs[i] = filepath.Dir(dirs[i])
	}
	return dirs
}

func loadCase(t testing.TB, dir string) (goldenCase, config.Root) {
	t.Helper()
	var c goldenCase
	b, err := os.ReadFile(filepath.Join(dir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c, root
}

func caseOptions(c goldenCase, root config.Root) Options {
	return Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: c.Runtime,
		ImageTag: testTag, Now: testNow, FloeVersion: "test"}
}

// expectFor derives the expectations of a render from its inputs.
func expectFor(t *testing.T, root config.Root, runtime string) expect {
	t.Helper()
	in, ds := config.Load(root, "contract.yaml", "product")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	p := in.Product
	e := expect{
		product: p.Metadata.Name, version: p.Metadata.Version,
		namespace: in.Contract.Environment.Kubernetes.Namespace, serviceAccount: in.Contract.Access.ServiceAccount,
		registry: in.Contract.Runtime.ArtifactRegistry, tag12: testTag[:12], runtime: runtime,
		lineageNamespace: p.Metadata.Name,
		forbidden:        []string{"demo-secret", "client_secret"},
	}
	if in.Manifest.Scope == "domain" {
		e.lineageNamespace = p.Metadata.Labels["domain"] + "." + p.Metadata.Name
	}
	e.networkPolicy = in.Manifest.Governance.NetworkPolicy().Enabled
	if s := p.Schedule; s != nil && s.Cron != "" {
		e.cron, e.timezone, e.enabled = s.Cron, s.TZ(), s.ScheduleEnabled()
	}
	pl := in.Manifest.Plugins
	for _, s := range []*config.PluginSelection{pl.Compute, pl.Orchestrator, pl.Catalog, pl.Storage, pl.LineageBackend} {
		if s != nil && s.ConnectionSecretRef != "" && !slices.Contains(e.secretRefs, s.ConnectionSecretRef) {
			e.secretRefs = append(e.secretRefs, s.ConnectionSecretRef)
		}
	}
	return e
}

func TestGolden(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range caseDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, root := loadCase(t, dir)
			res, err := eng.Render(context.Background(), caseOptions(c, root))
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join(dir, "expected.yaml"), res.YAML)
			ev, err := res.Evidence.JSON()
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join(dir, "evidence.json"), ev)
			var w strings.Builder
			for _, d := range res.Warnings {
				w.WriteString(d.String() + "\n")
			}
			golden.Assert(t, filepath.Join(dir, "warnings.txt"), []byte(w.String()))
			checkStream(t, res.YAML, expectFor(t, root, c.Runtime))
		})
	}
}

// TestValuesMatchSchema holds the values of every golden case (and both runtimes of a
// generated product) to the chart's values.schema.json, which Render skips per product.
func TestValuesMatchSchema(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range caseDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, root := loadCase(t, dir)
			in, ds := config.Load(root, "contract.yaml", "product")
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			r, err := resolve(in, c.Runtime, testTag, nil)
			if err != nil {
				t.Fatal(err)
			}
			ch := eng.charts[chartName(c.Runtime)]
			if len(ch.Schema) == 0 {
				t.Fatal("chart has no values.schema.json")
			}
			if err := chartutil.ValidateAgainstSchema(ch, r.values()); err != nil {
				t.Errorf("values do not match %s/values.schema.json: %v", ch.Name(), err)
			}
			bad := r.values()
			bad["imagePullSecrets"] = []any{"x"}
			if err := chartutil.ValidateAgainstSchema(ch, bad); err == nil {
				t.Errorf("schema accepted an unknown key")
			}
		})
	}
}

// TestOverlaysCannotRemoveGuarantees applies a contract overlay that adds a nodeSelector
// (kept) and removes the telemetry env, swaps the image and the service account (all
// restored: the filters run after the overlays).
func TestOverlaysCannotRemoveGuarantees(t *testing.T) {
	root, err := config.OSRoot(filepath.Join("testdata", "overlay"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: RuntimeFloeJobs, ImageTag: testTag})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.YAML), "node-role.example.com/data: \"true\"") {
		t.Errorf("overlay was not applied:\n%s", res.YAML)
	}
	if strings.Contains(string(res.YAML), "busybox") {
		t.Errorf("overlay image survived")
	}
	checkStream(t, res.YAML, expectFor(t, root, RuntimeFloeJobs))
}

// renderCase renders a copy of a golden render case, with kust as a contract overlay
// when it is not empty, and returns the output and the warnings.
func renderCase(t *testing.T, name, runtime, kust string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(golden.Dir(t), "render", name))); err != nil {
		t.Fatal(err)
	}
	if kust != "" {
		if err := os.MkdirAll(filepath.Join(dir, "overlays", "test"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "overlays", "test", "kustomization.yaml"), []byte(kust), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := os.ReadFile(filepath.Join(dir, "contract.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "contract.yaml"), append(c, "overlays: [overlays/test]\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: runtime, ImageTag: testTag})
	if err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	for _, d := range res.Warnings {
		w.WriteString(d.String() + "\n")
	}
	return string(res.YAML), w.String()
}

// TestGateSeesOverlays: the gate judges what the overlays leave (at the cases' level
// warn, as warnings): an overlay deleting the product NetworkPolicy (POL-NET-02), or
// moving the code server's Service off port 3030 (POL-DAG-01); without an overlay,
// neither warns.
func TestGateSeesOverlays(t *testing.T) {
	const kust = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n"
	for _, tc := range []struct {
		name, golden, runtime, kust, want string
	}{
		{"network policy kept", "network-policies-floe-jobs", RuntimeFloeJobs, "", ""},
		{"network policy deleted", "network-policies-floe-jobs", RuntimeFloeJobs,
			kust + "  - patch: |\n      $patch: delete\n      apiVersion: networking.k8s.io/v1\n      kind: NetworkPolicy\n      metadata: {name: hello-orders, namespace: floe-dev}\n",
			"CronJob/hello-orders-dbt: POL-NET-02: no NetworkPolicy selects its pods"},
		{"service in step", "hello-orders-dagster", RuntimeDagster, "", ""},
		{"service moved", "hello-orders-dagster", RuntimeDagster,
			kust + "  - target: {kind: Service, name: hello-orders}\n    patch: '[{\"op\": \"replace\", \"path\": \"/spec/ports/0/port\", \"value\": 4000}]'\n",
			`ConfigMap/hello-orders-dagster-workspace: POL-DAG-01: workspace entry "hello-orders": no Service "hello-orders" with port 3030 in the stream`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, warnings := renderCase(t, tc.golden, tc.runtime, tc.kust)
			if tc.want == "" {
				if strings.Contains(warnings, "POL-NET-02") || strings.Contains(warnings, "POL-DAG-01") {
					t.Errorf("unexpected warning:\n%s", warnings)
				}
				return
			}
			if !strings.Contains(warnings, tc.want) {
				t.Errorf("warnings lack %q:\n%s", tc.want, warnings)
			}
		})
	}
}
