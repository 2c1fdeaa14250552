package kustomize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	yamlv3 "gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// benchCodeServers renders a Helm-like stream of n Dagster code servers
// (a Deployment each, shaped like the dagster-user-deployments
// chart's output, container context included).
func benchCodeServers(n int) []byte {
	var b strings.Builder
	for i := range n {
		name := fmt.Sprintf("product-%03d", i)
		fmt.Fprintf(&b, `---
# Source: dagster/charts/dagster-user-deployments/templates/deployment-user.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dagster-user-deployments-%[1]s
  labels:
    app.kubernetes.io/instance: dagster
    component: user-deployments
    deployment: %[1]s
  annotations:
spec:
  replicas: 1
  selector:
    matchLabels:
      component: user-deployments
      deployment: %[1]s
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: dagster
        component: user-deployments
        deployment: %[1]s
    spec:
      serviceAccountName: dagster-user-deployments
      automountServiceAccountToken: true
      containers:
        - name: dagster-user-deployments
          image: "reg.example/%[1]s:0123abcd4567"
          args: ["dagster","api","grpc","-h","0.0.0.0","-p","3030","-m","%[1]s.defs"]
          env:
            - name: DAGSTER_CURRENT_IMAGE
              value: "reg.example/%[1]s:0123abcd4567"
            # sets --container-context of 'dagster api grpc'
            - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
              value: "{\"k8s\":{\"env_config_maps\":[\"%[1]s-user-env\"],\"image_pull_policy\":\"Always\",\"namespace\":\"floe-dev\"}}"
          resources: {}
`, name)
	}
	return []byte(b.String())
}

var benchTelemetry = Telemetry{
	Enforce: []EnvVar{
		{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: "http://floe-platform-otel.floe-dev.svc.cluster.local:4317"},
		{Name: "OPENLINEAGE_URL", Value: "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000"},
		{Name: "OPENLINEAGE_ENDPOINT", Value: "api/v1/lineage"},
	},
	Defaults: []EnvVar{
		{Name: "OTEL_SERVICE_NAME", Value: "customer-360"},
		{Name: "OTEL_RESOURCE_ATTRIBUTES", Value: "service.version=1.0.0,deployment.environment=dev,floe.namespace=customer-360"},
		{Name: "OPENLINEAGE_NAMESPACE", Value: "customer-360"},
		{Name: "FLOE_ENV", Value: "dev"},
	},
	ConfigMapName: "floe-telemetry",
}

// benchPostRender is the whole post-render chain floe runs on a chart.
var benchPostRender = []kio.Filter{
	DropTestHooks{},
	Labels{
		Labels:    map[string]string{"floe.dev/product": "customer-360", "floe.dev/environment": "dev", "floe.dev/mode": "simple"},
		PodLabels: map[string]string{"floe.dev/job-type": "data-pipeline"},
		Selector:  "app.kubernetes.io/instance=dagster",
	},
	ServiceAccount{Name: "floe-data-product-runner", Selector: "component=user-deployments"},
	PodSecurity{Selector: "component=user-deployments"},
	Resources{
		Requests: map[string]string{"cpu": "100m", "memory": "256Mi"},
		Limits:   map[string]string{"cpu": "1", "memory": "1Gi"},
		Selector: "component=user-deployments",
	},
	benchTelemetry,
}

// BenchmarkYAMLFloor is a plain yaml.v3 decode of every document into a
// yaml.Node and an encode of it: the floor post-render is measured against.
func BenchmarkYAMLFloor(b *testing.B) {
	in := benchCodeServers(200)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	benchLoop(b, func() {
		dec := yamlv3.NewDecoder(bytes.NewReader(in))
		var out bytes.Buffer
		enc := yamlv3.NewEncoder(&out)
		enc.SetIndent(2)
		for {
			var n yamlv3.Node
			if err := dec.Decode(&n); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			if err := enc.Encode(&n); err != nil {
				b.Fatal(err)
			}
		}
		if err := enc.Close(); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkYAMLFloorPerDocument is the floor with a fresh yaml.v3 encoder
// per document, as EmitStream does: a single encoder keeps every event of
// the stream until Close, which costs the plain floor dearly on big streams.
func BenchmarkYAMLFloorPerDocument(b *testing.B) {
	in := benchCodeServers(200)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	benchLoop(b, func() {
		dec := yamlv3.NewDecoder(bytes.NewReader(in))
		var out bytes.Buffer
		for i := 0; ; i++ {
			var n yamlv3.Node
			if err := dec.Decode(&n); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			if i > 0 {
				out.WriteString("---\n")
			}
			enc := yamlv3.NewEncoder(&out)
			enc.SetIndent(2)
			if err := enc.Encode(&n); err != nil {
				b.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTelemetry is ParseStream, Telemetry (with the Dagster container
// context of all 200 code servers) and EmitStream.
func BenchmarkTelemetry(b *testing.B) {
	in := benchCodeServers(200)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	benchLoop(b, func() {
		if _, err := Transform(in, benchTelemetry); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkPostRender is the whole post-render chain (test hooks, labels,
// service account, pod security, resources, telemetry) on the same stream.
func BenchmarkPostRender(b *testing.B) {
	in := benchCodeServers(200)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	benchLoop(b, func() {
		if _, err := Transform(in, benchPostRender...); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkCanonical is ParseStream, Canonical and EmitStream (render's
// finishing step) on the same stream.
func BenchmarkCanonical(b *testing.B) {
	in := benchCodeServers(200)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	benchLoop(b, func() {
		if _, err := Transform(in, Canonical{}); err != nil {
			b.Fatal(err)
		}
	})
}

// TestBenchStream keeps the benchmark honest: the generated stream has the
// advertised size and every code server ends up wired.
func TestBenchStream(t *testing.T) {
	in := benchCodeServers(200)
	if len(in) < 225_000 || len(in) > 275_000 {
		t.Errorf("benchmark stream is %d bytes, want about 250 KB", len(in))
	}
	out, err := Transform(in, benchPostRender...)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := ParseStream(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 200 {
		t.Fatalf("%d objects out, want 200", len(nodes))
	}
	wired := 0
	for _, n := range nodes {
		w, ok := FindWorkload(n)
		if !ok {
			continue
		}
		for _, c := range w.Containers() {
			if benchWired(t, c.YNode()) {
				wired++
			}
		}
	}
	if wired != 200 {
		t.Errorf("%d code servers wired, want 200", wired)
	}
	fltCheckStreamShape(t, out)
}

// benchWired reports whether container c has the enforced endpoint in its env
// and in its Dagster container context, with the telemetry ConfigMap.
func benchWired(t *testing.T, c *yaml.Node) bool {
	env := ynGet(c, "env")
	i := envIndex(env, "OTEL_EXPORTER_OTLP_ENDPOINT")
	j := envIndex(env, DagsterGRPCContext)
	if i < 0 || j < 0 || ynScalar(ynGet(env.Content[i], "value")) != benchTelemetry.Enforce[0].Value {
		return false
	}
	var ctx struct {
		K8s struct {
			Env           []struct{ Name, Value string }
			EnvConfigMaps []string `json:"env_config_maps"`
		}
	}
	if err := json.Unmarshal([]byte(ynScalar(ynGet(env.Content[j], "value"))), &ctx); err != nil {
		t.Fatal(err)
	}
	return len(ctx.K8s.Env) == 7 && ctx.K8s.Env[0].Value == benchTelemetry.Enforce[0].Value &&
		slices.Contains(ctx.K8s.EnvConfigMaps, "floe-telemetry")
}
