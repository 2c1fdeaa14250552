// Package streamgen writes synthetic rendered-manifest streams for policy benchmarks:
// a repeating mix of Deployments, CronJobs, ConfigMaps and Services for one product,
// mostly compliant, with a few violations so the policies have findings to report.
package streamgen

import (
	"bytes"
	"fmt"
)

// Product, Namespace, Registry and the other constants are the parameters the
// generated stream is compliant with.
const (
	Product        = "orders"
	Version        = "1.4.2"
	Namespace      = "floe-bench"
	Environment    = "staging"
	ServiceAccount = "floe-data-product-runner"
	Registry       = "registry.example.com/data-products"
	Tag            = "0123456789ab"
)

// Generate returns a YAML stream of n objects (n/4 of each kind, rounded up in order
// Deployment, CronJob, ConfigMap, Service). Every 50th workload breaks a rule.
func Generate(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString("---\n")
		switch i % 4 {
		case 0:
			workload(&b, "Deployment", i)
		case 1:
			workload(&b, "CronJob", i)
		case 2:
			configMap(&b, i)
		case 3:
			service(&b, i)
		}
	}
	return b.Bytes()
}

func labels(b *bytes.Buffer, indent, component string, pod bool) {
	for _, kv := range [][2]string{
		{"app.kubernetes.io/component", component},
		{"app.kubernetes.io/instance", Product},
		{"app.kubernetes.io/managed-by", "floe"},
		{"app.kubernetes.io/name", "floe-jobs"},
		{"app.kubernetes.io/part-of", "floe-jobs"},
		{"app.kubernetes.io/version", Version},
		{"floe.dev/environment", Environment},
		{"floe.dev/mode", "simple"},
		{"floe.dev/product", Product},
	} {
		fmt.Fprintf(b, "%s  %s: %q\n", indent, kv[0], kv[1])
	}
	if pod {
		fmt.Fprintf(b, "%s  floe.dev/job-type: data-pipeline\n", indent)
	}
}

func meta(b *bytes.Buffer, name, component string) {
	fmt.Fprintf(b, "metadata:\n  name: %s\n  namespace: %s\n  labels:\n", name, Namespace)
	labels(b, "  ", component, false)
}

func workload(b *bytes.Buffer, kind string, i int) {
	name := fmt.Sprintf("%s-%d", Product, i)
	bad := i%50 == 0
	ind := "    " // pod template indentation below spec.template / jobTemplate
	switch kind {
	case "Deployment":
		fmt.Fprintf(b, "apiVersion: apps/v1\nkind: Deployment\n")
		meta(b, name, "code-server")
		fmt.Fprintf(b, "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      floe.dev/product: %s\n  template:\n", Product)
		ind = "    "
	case "CronJob":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: CronJob\n")
		meta(b, name, "dbt")
		policy := "Forbid"
		if bad {
			policy = "Allow"
		}
		fmt.Fprintf(b, "spec:\n  schedule: \"*/10 * * * *\"\n  timeZone: UTC\n  concurrencyPolicy: %s\n  suspend: false\n  jobTemplate:\n    spec:\n      template:\n", policy)
		ind = "        "
	}
	fmt.Fprintf(b, "%smetadata:\n%s  labels:\n", ind, ind)
	labels(b, ind+"  ", "dbt", true)
	restart := ""
	if kind == "CronJob" {
		restart = ind + "  restartPolicy: Never\n"
	}
	image := fmt.Sprintf("%s/%s:%s", Registry, Product, Tag)
	if bad {
		image = "ghcr.io/dbt-labs/dbt-core:latest"
	}
	fmt.Fprintf(b, `%[1]sspec:
%[2]s%[1]s  serviceAccountName: %[3]s
%[1]s  automountServiceAccountToken: false
%[1]s  securityContext:
%[1]s    runAsNonRoot: true
%[1]s    runAsUser: 1000
%[1]s    runAsGroup: 1000
%[1]s    fsGroup: 1000
%[1]s    seccompProfile:
%[1]s      type: RuntimeDefault
%[1]s  containers:
%[1]s    - name: dbt
%[1]s      image: %[4]s
%[1]s      args: ["build", "--profiles-dir", "/etc/dbt"]
%[1]s      env:
%[1]s        - name: OTEL_EXPORTER_OTLP_ENDPOINT
%[1]s          value: http://floe-platform-otel.%[5]s.svc.cluster.local:4317
%[1]s        - name: OTEL_SERVICE_NAME
%[1]s          value: %[6]s
%[1]s        - name: OTEL_RESOURCE_ATTRIBUTES
%[1]s          value: service.version=%[7]s,deployment.environment=staging,floe.namespace=%[6]s,floe.product.name=%[6]s,floe.product.version=%[7]s,floe.mode=staging
%[1]s        - name: OPENLINEAGE_URL
%[1]s          value: http://floe-platform-marquez.%[5]s.svc.cluster.local:5000
%[1]s        - name: OPENLINEAGE_NAMESPACE
%[1]s          value: %[6]s
%[1]s        - name: POLARIS_CLIENT_SECRET
%[1]s          valueFrom:
%[1]s            secretKeyRef: {name: polaris, key: client_secret}
%[1]s      resources:
%[1]s        requests: {cpu: 100m, memory: 256Mi}
%[1]s        limits: {cpu: 500m, memory: 512Mi}
%[1]s      securityContext:
%[1]s        allowPrivilegeEscalation: false
%[1]s        readOnlyRootFilesystem: true
%[1]s        capabilities:
%[1]s          drop: [ALL]
%[1]s      volumeMounts:
%[1]s        - {name: tmp, mountPath: /tmp}
%[1]s  volumes:
%[1]s    - name: tmp
%[1]s      emptyDir: {}
`, ind, restart, ServiceAccount, image, Namespace, Product, Version)
}

func configMap(b *bytes.Buffer, i int) {
	fmt.Fprintf(b, "apiVersion: v1\nkind: ConfigMap\n")
	meta(b, fmt.Sprintf("%s-%d-profiles", Product, i), "dbt")
	fmt.Fprintf(b, "data:\n  profiles.yml: |\n    orders:\n      target: dev\n      outputs:\n        dev:\n          type: duckdb\n          path: /tmp/floe/orders.duckdb\n          threads: 4\n")
	if i%100 == 2 {
		fmt.Fprintf(b, "          password: not-a-real-password\n")
	}
}

func service(b *bytes.Buffer, i int) {
	fmt.Fprintf(b, "apiVersion: v1\nkind: Service\n")
	meta(b, fmt.Sprintf("%s-%d", Product, i), "code-server")
	fmt.Fprintf(b, "spec:\n  type: ClusterIP\n  selector:\n    floe.dev/product: %s\n  ports:\n    - name: grpc\n      port: 3030\n      targetPort: 3030\n      protocol: TCP\n", Product)
}
