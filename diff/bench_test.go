package diff

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// stream builds a render of n objects (Deployments, Services, ConfigMaps, Secrets);
// variant changes images, env values and replica counts and renames a few objects.
func stream(n int, v int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		variant := v
		name := fmt.Sprintf("product-%02d", i)
		if variant > 0 && i%10 == 3 {
			name += "-renamed" // same content otherwise: found as a rename
			variant = 0
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  namespace: floe-dev
  labels: {app.kubernetes.io/name: %[1]s, app.kubernetes.io/part-of: floe}
spec:
  replicas: %[2]d
  selector: {matchLabels: {app.kubernetes.io/name: %[1]s}}
  template:
    metadata: {labels: {app.kubernetes.io/name: %[1]s}}
    spec:
      containers:
        - name: dbt
          image: registry.example.com/%[1]s:%[3]s
          args: [run, --profiles-dir, /profiles, --target, dev, --threads, "%[2]d"]
          env:
            - {name: OTEL_SERVICE_NAME, value: %[1]s}
            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://floe-otel-collector:4317"}
            - {name: OTEL_RESOURCE_ATTRIBUTES, value: "floe.product=%[1]s,floe.variant=%[2]d"}
            - {name: OPENLINEAGE_URL, value: "http://marquez:5000"}
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: %[1]s, key: password}}}
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 1Gi}}
          volumeMounts: [{name: profiles, mountPath: /profiles}]
      volumes: [{name: profiles, configMap: {name: %[1]s}}]
`, name, 1+variant, []string{"0123456789ab", "fedcba987654"}[variant%2])
		case 1:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: floe-dev}\nspec:\n  selector: {app.kubernetes.io/name: %s}\n  ports: [{name: grpc, port: 3030, targetPort: %d}]\n", name, name, 3030+variant)
		case 2:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: floe-dev}\ndata:\n  profiles.yml: |\n    p:\n      target: dev\n      threads: %d\n  mode: batch\n", name, 4+variant)
		case 3:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Secret\nmetadata: {name: %s, namespace: floe-dev}\ntype: Opaque\ndata: {password: cGFzc3dvcmQ%d}\n", name, variant)
		}
		b.WriteString("---\n")
	}
	return []byte(b.String())
}

func TestStreamGenerator(t *testing.T) {
	r, err := Compare("a", stream(50, 0), "b", stream(50, 1))
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Renamed == 0 || r.Summary.Changed == 0 {
		t.Fatalf("benchmark streams exercise too little: %+v", r.Summary)
	}
}

func BenchmarkDiff(b *testing.B) {
	from, to := stream(50, 0), stream(50, 1)
	b.SetBytes(int64(len(from) + len(to)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Compare("a", from, "b", to)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteText(io.Discard, r, false); err != nil {
			b.Fatal(err)
		}
	}
}
