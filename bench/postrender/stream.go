// Package postrender_bench measures floe post-render against two baselines on the
// same generated stream of 200 Dagster code servers (about 250 KB): the floor, a plain
// gopkg.in/yaml.v3 decode and encode of every document; kustomize, what a
// wrapper-script post-renderer does (a kustomization with the stream as its resource,
// one JSON 6902 patch per variable adding the env to every Deployment's container,
// and the labels transformer; krusty, in memory); and floe, postrender.Renderer.Render
// without the policy gate and with it.
//
//	go test -run '^$' -bench . -benchmem ./bench/postrender/
//	go test -run '^$' -bench Compare -benchtime 1x ./bench/postrender/  # medians, alternating
//	bench/postrender/whole-process.sh                                    # floe vs kustomize CLIs
package postrender_bench

import (
	"fmt"
	"strings"
)

// Servers is the number of code servers in the generated stream.
const Servers = 200

// Stream generates Helm-3-style output: "# Source:" comments, one Deployment per
// code server running `dagster api grpc` with a container context and its own env.
func Stream(n int) []byte {
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

// Kustomization adds the same variables and labels as floe, the wrapper-script way.
func Kustomization() string {
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
