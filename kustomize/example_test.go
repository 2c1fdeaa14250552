package kustomize_test

import (
	"fmt"

	"github.com/floe-dev/floe/kustomize"
)

// Post-render a chart's output: product labels and telemetry on the
// product's workloads only, Pod Security defaults filled in, the chart's own
// values kept, everything else passed through.
func Example() {
	chart := []byte(`---
# Source: floe-jobs/templates/cronjob.yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: customer-360-dbt
spec:
  schedule: "*/10 * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app.kubernetes.io/instance: customer-360
        spec:
          securityContext:
            runAsUser: 1000
          containers:
          - name: dbt
            env:
            - name: OTEL_SERVICE_NAME
              value: from-the-chart
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
`)
	const product = "app.kubernetes.io/instance=customer-360"
	out, err := kustomize.Transform(chart,
		kustomize.Labels{
			PodLabels: map[string]string{"app.kubernetes.io/part-of": "floe-jobs"},
			Selector:  product,
		},
		kustomize.PodSecurity{Selector: product},
		kustomize.Telemetry{
			Enforce:  []kustomize.EnvVar{{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: "http://otel:4317"}},
			Defaults: []kustomize.EnvVar{{Name: "OTEL_SERVICE_NAME", Value: "customer-360"}},
			Selector: product,
		},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// # Source: floe-jobs/templates/cronjob.yaml
	// apiVersion: batch/v1
	// kind: CronJob
	// metadata:
	//   name: customer-360-dbt
	// spec:
	//   schedule: "*/10 * * * *"
	//   jobTemplate:
	//     spec:
	//       template:
	//         metadata:
	//           labels:
	//             app.kubernetes.io/instance: customer-360
	//             app.kubernetes.io/part-of: floe-jobs
	//         spec:
	//           securityContext:
	//             runAsUser: 1000
	//             runAsNonRoot: true
	//             runAsGroup: 1000
	//             fsGroup: 1000
	//             seccompProfile:
	//               type: RuntimeDefault
	//           containers:
	//           - name: dbt
	//             env:
	//             - name: OTEL_SERVICE_NAME
	//               value: from-the-chart
	//             - name: OTEL_EXPORTER_OTLP_ENDPOINT
	//               value: http://otel:4317
	//             securityContext:
	//               allowPrivilegeEscalation: false
	//               capabilities:
	//                 drop:
	//                 - ALL
	//               readOnlyRootFilesystem: true
	//               runAsNonRoot: true
	// ---
	// apiVersion: v1
	// kind: ConfigMap
	// metadata:
	//   name: unrelated
}
