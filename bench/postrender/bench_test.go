// Package postrender_bench measures floe post-render against two baselines on the
// same generated stream of 200 Dagster code servers (about 250 KB):
//
//   - floor: a plain gopkg.in/yaml.v3 decode and encode of every document;
//
//   - kustomize: what a wrapper-script post-renderer does — a kustomization with the
//     stream as its resource, one JSON 6902 patch per variable adding the env to every
//     Deployment's container, and the labels transformer (krusty, in memory);
//
//   - floe: postrender.Renderer.Render without the policy gate, and with it.
//
//     go test -run '^$' -bench . -benchmem ./bench/postrender/
//     go test -run '^$' -bench Compare -benchtime 1x ./bench/postrender/   # medians of alternating runs
package postrender_bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/floe-dev/floe/config"
	_ "github.com/floe-dev/floe/golden" // knows -update
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/postrender"
)

// servers is the number of code servers in the generated stream.
const servers = 200

// stream generates Helm-3-style output: "# Source:" comments, one Deployment per
// code server running `dagster api grpc` with a container context and its own env.
func stream(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `---
# Source: dagster/charts/dagster-user-deployments/templates/deployment-user.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dagster-user-deployments-loc-%03d
  namespace: floe-dev
  labels:
    app.kubernetes.io/name: dagster-user-deployments
    app.kubernetes.io/instance: customer-360
    component: user-deployments
    deployment: loc-%03d
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/instance: customer-360
      deployment: loc-%03d
  template:
    metadata:
      labels:
        deployment: loc-%03d
    spec:
      serviceAccountName: floe-data-product-runner
      automountServiceAccountToken: false
      containers:
        - name: loc-%03d
          image: "registry.example.com/data-products/loc-%03d:0123456789ab"
          args: ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "loc_%03d.definitions"]
          env:
            - name: DAGSTER_CURRENT_IMAGE
              value: "registry.example.com/data-products/loc-%03d:0123456789ab"
            - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
              value: "{\"k8s\":{\"env_config_maps\":[\"loc-%03d-env\"],\"namespace\":\"floe-dev\"}}"
            - name: DAGSTER_PG_PASSWORD
              valueFrom: {secretKeyRef: {name: dagster-pg, key: password}}
`, i, i, i, i, i, i, i, i, i)
	}
	return []byte(b.String())
}

// contract is a minimal in-memory contract (no files read).
func contract() (*config.Contract, *config.Manifest, *config.FloeSpec) {
	c := &config.Contract{Metadata: config.ContractMetadata{Name: "floe-dev"}}
	c.Environment.Name = "dev"
	c.Environment.Kubernetes.Namespace = "floe-dev"
	m := &config.Manifest{Metadata: config.ManifestMetadata{Name: "floe-demo-platform", Version: "1.0.0"}}
	p := &config.FloeSpec{Metadata: config.ProductMeta{Name: "customer-360", Version: "1.0.0"}}
	return c, m, p
}

func renderer(tb testing.TB, gate postrender.Gate) *postrender.Renderer {
	c, m, p := contract()
	r, err := postrender.New(postrender.Options{Contract: c, Manifest: m, Product: p, Gate: gate,
		Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// floor decodes every document into a yaml.v3 node tree and encodes it again.
func floor(in []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(in))
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if err := enc.Encode(&n); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// kustomization adds the same variables and labels as floe, the wrapper-script way.
func kustomization() string {
	vars := [][2]string{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://floe-platform-otel.floe-dev.svc.cluster.local:4317"},
		{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
		{"OPENLINEAGE_URL", "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000"},
		{"OPENLINEAGE_ENDPOINT", "api/v1/lineage"},
		{"FLOE_ENV", "dev"},
		{"OPENLINEAGE_NAMESPACE", "customer-360"},
		{"OTEL_SERVICE_NAME", "customer-360"},
		{"FLOE_PRODUCT", "customer-360"},
		{"OTEL_RESOURCE_ATTRIBUTES", "service.version=1.0.0,deployment.environment=dev,floe.namespace=customer-360,floe.product.name=customer-360,floe.product.version=1.0.0,floe.mode=dev"},
	}
	var b strings.Builder
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [stream.yaml]\n")
	b.WriteString("labels:\n- includeSelectors: false\n  includeTemplates: true\n  pairs:\n")
	for _, kv := range [][2]string{{"floe.dev/product", "customer-360"}, {"floe.dev/environment", "dev"}, {"floe.dev/mode", "simple"}} {
		fmt.Fprintf(&b, "    %s: %s\n", kv[0], kv[1])
	}
	b.WriteString("patches:\n- target: {kind: Deployment}\n  patch: |-\n")
	for _, kv := range vars {
		fmt.Fprintf(&b, "    - op: add\n      path: /spec/template/spec/containers/0/env/-\n      value: {name: %s, value: %q}\n", kv[0], kv[1])
	}
	return b.String()
}

func kustomizeBuild(in []byte, kust string) ([]byte, error) {
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/app/kustomization.yaml", []byte(kust)); err != nil {
		return nil, err
	}
	if err := fs.WriteFile("/app/stream.yaml", in); err != nil {
		return nil, err
	}
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionNone
	m, err := krusty.MakeKustomizer(opts).Run(fs, "/app")
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// TestBaselinesAreEquivalent checks that the three variants do comparable work: every
// Deployment comes out with the OTLP endpoint and the product label, and all 200
// survive; without it the timings would compare different jobs.
func TestBaselinesAreEquivalent(t *testing.T) {
	in := stream(servers)
	if len(in) < 200_000 || len(in) > 320_000 {
		t.Fatalf("generated stream is %d bytes, want about 250 KB", len(in))
	}
	if testing.Verbose() {
		t.Logf("stream: %d documents, %d bytes", servers, len(in))
	}
	fl, err := floor(in)
	if err != nil {
		t.Fatal(err)
	}
	ku, err := kustomizeBuild(in, kustomization())
	if err != nil {
		t.Fatal(err)
	}
	fo, _, err := renderer(t, nil).Render(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"floor": fl, "kustomize": ku, "floe": fo} {
		if got := bytes.Count(out, []byte("\nkind: Deployment")) + bytes.Count(out[:min(len(out), 64)], []byte("kind: Deployment")); got < servers {
			t.Errorf("%s: %d Deployments, want %d", name, got, servers)
		}
		if name == "floor" {
			continue
		}
		if got := bytes.Count(out, []byte("name: OTEL_EXPORTER_OTLP_ENDPOINT")); got != servers {
			t.Errorf("%s: %d containers with the OTLP endpoint, want %d", name, got, servers)
		}
		if got := bytes.Count(out, []byte("floe.dev/product: customer-360")); got < 2*servers {
			t.Errorf("%s: %d product labels, want at least %d", name, got, 2*servers)
		}
	}
}

func BenchmarkFloor(b *testing.B) {
	in := stream(servers)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := floor(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKustomize(b *testing.B) {
	in, k := stream(servers), kustomization()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := kustomizeBuild(in, k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloe(b *testing.B) {
	in, r := stream(servers), renderer(b, nil)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, _, err := r.Render(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloeWithGate(b *testing.B) {
	e, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		b.Fatal(err)
	}
	in, r := stream(servers), renderer(b, e)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, _, err := r.Render(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare runs the variants in alternation (floor, kustomize, floe, floe+gate,
// floor, …) for rounds rounds and reports each median and the ratios, so that machine
// load drifts affect all of them alike. Use -benchtime 1x.
func BenchmarkCompare(b *testing.B) {
	const rounds = 15
	in, k := stream(servers), kustomization()
	e, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		b.Fatal(err)
	}
	plain, gated := renderer(b, nil), renderer(b, e)
	variants := []struct {
		name string
		fn   func() error
	}{
		{"floor", func() error { _, err := floor(in); return err }},
		{"kustomize", func() error { _, err := kustomizeBuild(in, k); return err }},
		{"floe", func() error { _, _, err := plain.Render(context.Background(), in); return err }},
		{"floe+gate", func() error { _, _, err := gated.Render(context.Background(), in); return err }},
	}
	for b.Loop() {
		times := make([][]time.Duration, len(variants))
		for r := 0; r < rounds; r++ {
			for i, v := range variants {
				start := time.Now()
				if err := v.fn(); err != nil {
					b.Fatal(err)
				}
				times[i] = append(times[i], time.Since(start))
			}
		}
		med := make([]float64, len(variants))
		for i, ts := range times {
			sort.Slice(ts, func(a, c int) bool { return ts[a] < ts[c] })
			med[i] = float64(ts[len(ts)/2].Microseconds()) / 1000
			b.ReportMetric(med[i], "ms-"+variants[i].name)
		}
		b.ReportMetric(med[2]/med[0], "floe/floor")
		b.ReportMetric(med[2]/med[1], "floe/kustomize")
		b.ReportMetric(med[3]/med[0], "floe+gate/floor")
	}
}
