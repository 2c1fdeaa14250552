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

// TestNetworkPolicyGate: with network policies enabled, an overlay that deletes the
// product NetworkPolicy leaves the workload uncovered, and the gate says so (POL-NET-02,
// a warning at the case's level warn); without the overlay it says nothing.
func TestNetworkPolicyGate(t *testing.T) {
	src := filepath.Join(golden.Dir(t), "render", "network-policies-floe-jobs")
	for _, tc := range []struct {
		name    string
		overlay bool
		want    bool
	}{{"rendered", false, false}, {"deleted by an overlay", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			if tc.overlay {
				kust := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n  - patch: |\n      $patch: delete\n      apiVersion: networking.k8s.io/v1\n      kind: NetworkPolicy\n      metadata: {name: hello-orders, namespace: floe-dev}\n"
				if err := os.MkdirAll(filepath.Join(dir, "overlays", "open"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "overlays", "open", "kustomization.yaml"), []byte(kust), 0o644); err != nil {
					t.Fatal(err)
				}
				c, err := os.ReadFile(filepath.Join(dir, "contract.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "contract.yaml"), append(c, "overlays: [overlays/open]\n"...), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			root, err := config.OSRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: RuntimeFloeJobs, ImageTag: testTag})
			if err != nil {
				t.Fatal(err)
			}
			var w strings.Builder
			for _, d := range res.Warnings {
				w.WriteString(d.String() + "\n")
			}
			got := strings.Contains(w.String(), "CronJob/hello-orders-dbt: POL-NET-02: no NetworkPolicy selects its pods")
			if got != tc.want || strings.Contains(string(res.YAML), "kind: NetworkPolicy") == tc.overlay {
				t.Errorf("POL-NET-02 warned: %v, want %v\n%s", got, tc.want, w.String())
			}
		})
	}
}
