package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

func TestDuckDBDir(t *testing.T) {
	tests := map[string]struct{ path, dir, err string }{
		"memory":        {":memory:", "", ""},
		"empty":         {"", "", ""},
		"motherduck":    {"md:my_db", "", ""},
		"remote":        {"s3://bucket/x.duckdb", "", ""},
		"tmp file":      {"/tmp/floe/x.duckdb", "/tmp/floe", ""},
		"data dir":      {"/var/lib/ledger/x.duckdb", "/var/lib/ledger", ""},
		"cleaned":       {"/data//a/../b/x.duckdb", "/data/b", ""},
		"relative":      {"data/x.duckdb", "", "must be absolute"},
		"root":          {"/x.duckdb", "", "inside a directory"},
		"etc":           {"/etc/dbt/x.duckdb", "", "under /etc"},
		"proc":          {"/proc/x.duckdb", "", "under /proc"},
		"var run":       {"/var/run/x.duckdb", "", "under /var/run"},
		"run lookalike": {"/runner/x.duckdb", "/runner", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir, err := duckdbDir(tc.path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || dir != tc.dir {
				t.Fatalf("duckdbDir(%q) = %q, %v; want %q", tc.path, dir, err, tc.dir)
			}
		})
	}
}

func TestExpandPlaceholders(t *testing.T) {
	in := map[string]any{
		"path":     "/tmp/{product_slug}/{product_name}.duckdb",
		"attach":   []any{map[string]any{"path": "/data/{product_slug}.db"}, 3},
		"threads":  4,
		"settings": map[string]any{"x": "{other}"},
	}
	got := expand(in, "a-b", "a_b")
	want := map[string]any{
		"path":     "/tmp/a_b/a-b.duckdb",
		"attach":   []any{map[string]any{"path": "/data/a_b.db"}, 3},
		"threads":  4,
		"settings": map[string]any{"x": "{other}"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("expand = %#v", got)
	}
	if in["path"] != "/tmp/{product_slug}/{product_name}.duckdb" {
		t.Errorf("input modified")
	}
}

// caseRoot copies a golden case into a temporary root and applies edits (file → old →
// new) to its inputs.
func caseRoot(t *testing.T, name string, edits ...[3]string) config.Root {
	t.Helper()
	src := filepath.Join(goldenRenderDir(t), name)
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, e := range edits {
			if e[0] == filepath.ToSlash(rel) {
				if !strings.Contains(string(b), e[1]) {
					t.Fatalf("%s has no %q", rel, e[1])
				}
				b = []byte(strings.Replace(string(b), e[1], e[2], 1))
			}
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dst)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func goldenRenderDir(t *testing.T) string {
	t.Helper()
	return filepath.Dir(caseDirs(t)[0])
}

// TestRenderErrors: inputs the loader accepts but render refuses, each reported as a
// located diagnostic (exit 2) and no result.
func TestRenderErrors(t *testing.T) {
	tests := map[string]struct {
		kase    string
		runtime string
		edits   [][3]string
		want    []string // substrings of the error
		never   string   // must not appear in the error (a secret value)
	}{
		"secret in compute config": {"customer-360-floe-jobs", "floe-jobs",
			[][3]string{{"manifest.yaml", "      threads: 4\n", "      threads: 4\n      s3_secret_access_key: hunter2-value\n"}},
			[]string{"manifest.yaml:", "plugins.compute.config.s3_secret_access_key", "connection_secret_ref"}, "hunter2-value"},
		"nested secret in compute config": {"customer-360-dagster", "dagster",
			[][3]string{{"manifest.yaml", "      threads: 4\n", "      threads: 4\n      settings:\n        motherduck_token: abc-secret-value\n"}},
			[]string{"plugins.compute.config.settings.motherduck_token"}, "abc-secret-value"},
		"relative duckdb path": {"hello-orders-floe-jobs", "floe-jobs",
			[][3]string{{"manifest.yaml", "path: /tmp/floe/{product_slug}.duckdb", "path: data/{product_slug}.duckdb"}},
			[]string{"manifest.yaml:", "plugins.compute.config.path", "must be absolute"}, ""},
		"unknown preset": {"customer-360-dagster", "dagster",
			[][3]string{{"contract.yaml", "  imageTagPolicy: git-sha\n", "  imageTagPolicy: git-sha\n  resourcePreset: huge\n"}},
			[]string{"contract.yaml", "runtime.resourcePreset", `"huge"`}, ""},
		"dagster name budget": {"hello-orders-dagster", "dagster",
			[][3]string{{"product/floe.yaml", "name: hello-orders", "name: hello-orders-with-a-really-really-long-product-name"}},
			[]string{"product/floe.yaml:4:3: metadata.name", "hello-orders-with-a-really-really-long-product-name-dagster-workspace", "limit is 63"}, ""},
		"label value ends badly": {"customer-360-dagster", "dagster",
			[][3]string{{"product/floe.yaml", "tier: gold", "tier: gold-"}},
			[]string{"product/floe.yaml:10:", "metadata.labels.tier", "not a valid Kubernetes label value"}, ""},
		"label value too long": {"customer-360-dagster", "dagster",
			[][3]string{{"product/floe.yaml", "tier: gold", "tier: " + strings.Repeat("g", 64)}},
			[]string{"metadata.labels.tier", "not a valid Kubernetes label value"}, ""},
		"unsupported tag policy": {"customer-360-dagster", "dagster",
			[][3]string{{"contract.yaml", "imageTagPolicy: git-sha", "imageTagPolicy: digest"}},
			[]string{"runtime.imageTagPolicy", "not supported"}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := caseRoot(t, tc.kase, tc.edits...)
			res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: tc.runtime, ImageTag: testTag})
			if err == nil {
				t.Fatalf("rendered:\n%s", res.YAML)
			}
			var dl diag.List
			if !errors.As(err, &dl) {
				t.Errorf("error %T is not a diag.List", err)
			}
			if res != nil {
				t.Errorf("result on error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.never != "" && strings.Contains(err.Error(), tc.never) {
				t.Errorf("error prints the secret value: %q", err)
			}
		})
	}
}

// TestResolveVariants pins derived values that the goldens do not show.
func TestResolveVariants(t *testing.T) {
	tests := map[string]struct {
		kase    string
		runtime string
		edits   [][3]string
		check   func(t *testing.T, r *resolved)
	}{
		"semver tag policy": {"customer-360-floe-jobs", "floe-jobs",
			[][3]string{{"contract.yaml", "imageTagPolicy: git-sha", "imageTagPolicy: semver"}},
			func(t *testing.T, r *resolved) {
				if r.image != "registry.example.com/data-products/customer-360:1.0.0" || r.jobSuffix != "-1-0-0" {
					t.Errorf("image %s suffix %s", r.image, r.jobSuffix)
				}
			}},
		"contract preset override": {"customer-360-dagster", "dagster",
			[][3]string{{"contract.yaml", "  imageTagPolicy: git-sha\n", "  imageTagPolicy: git-sha\n  resourcePreset: medium\n"}},
			func(t *testing.T, r *resolved) {
				want := resources{Requests: cpuMem{"250m", "512Mi"}, Limits: cpuMem{"1000m", "1Gi"}}
				if r.preset != "medium" || r.resources != want {
					t.Errorf("preset %s %+v", r.preset, r.resources)
				}
			}},
		"tracing and lineage disabled": {"customer-360-floe-jobs", "floe-jobs",
			[][3]string{{"manifest.yaml", "    enabled: true\n    transport: http", "    enabled: false\n    transport: http"},
				{"manifest.yaml", "    enabled: true\n    exporter: otlp", "    enabled: true\n    exporter: none"}},
			func(t *testing.T, r *resolved) {
				env := envMap(r.env)
				if env["OTEL_SDK_DISABLED"] != "true" || env["OPENLINEAGE_DISABLED"] != "true" || env["OPENLINEAGE_URL"] != "" || r.lineageEnabled() {
					t.Errorf("env %v", env)
				}
				if env["OPENLINEAGE_NAMESPACE"] != "customer-360" || env["OTEL_SERVICE_NAME"] != "customer-360" {
					t.Errorf("env %v", env)
				}
			}},
		"no observability block": {"hello-orders-floe-jobs", "floe-jobs",
			[][3]string{{"manifest.yaml", "observability:\n", "unused_observability:\n"}},
			func(t *testing.T, r *resolved) {
				env := envMap(r.env)
				if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://floe-platform-otel.floe-dev.svc.cluster.local:4317" ||
					env["OPENLINEAGE_URL"] != "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000" {
					t.Errorf("env %v", env)
				}
			}},
		"staging class": {"hello-orders-floe-jobs", "floe-jobs",
			[][3]string{{"contract.yaml", "  name: dev\n", "  name: qa\n"}},
			func(t *testing.T, r *resolved) {
				env := envMap(r.env)
				if !strings.Contains(env["OTEL_RESOURCE_ATTRIBUTES"], "deployment.environment=staging,") || env["FLOE_ENV"] != "qa" || r.labels["floe.dev/environment"] != "qa" {
					t.Errorf("env %v labels %v", env, r.labels)
				}
			}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := caseRoot(t, tc.kase, tc.edits...)
			in, ds := config.Load(root, "contract.yaml", "product")
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			r, err := resolve(in, tc.runtime, testTag, nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
			// and the whole pipeline still yields a valid render
			if _, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: tc.runtime, ImageTag: testTag}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func envMap(env []envVar) map[string]string {
	m := map[string]string{}
	for _, e := range env {
		m[e.Name] = e.Value
	}
	return m
}

func TestClassify(t *testing.T) {
	items := []string{"floe platform compile succeeds", "dbt tests pass", "runtime artifact image is published",
		"Dagster run succeeds", "OpenLineage event appears in Marquez", "OpenTelemetry trace appears in Jaeger",
		"policy checks pass", "legal sign-off"}
	tests := map[string]struct {
		runtime string
		policy  *PolicyReport
		want    []string
	}{
		"dagster without gate":        {RuntimeDagster, nil, []string{SatisfiedAtRender, DeferredToRuntime, DeferredToRuntime, DeferredToRuntime, DeferredToRuntime, DeferredToRuntime, Pending, Pending}},
		"floe-jobs with passing gate": {RuntimeFloeJobs, &PolicyReport{}, []string{SatisfiedAtRender, DeferredToRuntime, DeferredToRuntime, NotApplicable, NotApplicableWithoutWrapper, NotApplicableWithoutWrapper, SatisfiedAtRender, Pending}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := classify(items, tc.runtime, tc.policy)
			for i, r := range got {
				if r.Item != items[i] || r.Status != tc.want[i] || r.Reason == "" {
					t.Errorf("%q: %s (%s), want %s", r.Item, r.Status, r.Reason, tc.want[i])
				}
			}
		})
	}
}

// TestDagsterSecretRefs: manifest connection_secret_refs reach the code server (envFrom)
// and its runs (container context env_secrets), once each, in category order.
func TestDagsterSecretRefs(t *testing.T) {
	root := caseRoot(t, "customer-360-dagster",
		[3]string{"manifest.yaml", "  catalog:\n    type: polaris\n", "  catalog:\n    type: polaris\n    connection_secret_ref: polaris-oauth\n"},
		[3]string{"manifest.yaml", "  storage:\n    type: s3\n", "  storage:\n    type: s3\n    connection_secret_ref: minio-keys\n"},
		[3]string{"manifest.yaml", "  compute:\n    type: duckdb\n", "  compute:\n    type: duckdb\n    connection_secret_ref: minio-keys\n"})
	res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product", Runtime: RuntimeDagster, ImageTag: testTag})
	if err != nil {
		t.Fatal(err)
	}
	e := expectFor(t, root, RuntimeDagster)
	if strings.Join(e.secretRefs, ",") != "minio-keys,polaris-oauth" {
		t.Fatalf("expected refs %v", e.secretRefs)
	}
	checkStream(t, res.YAML, e)
}
