package kustomize

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/floe-dev/floe/golden"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// goldenChain is the post-render chain for product P (D-PR-03, D-RND-14,
// D-RND-17) on objects selected by selector; partOf, when set, goes on pod
// templates as app.kubernetes.io/part-of (floe-jobs pods lack it).
func goldenChain(product, selector, partOf string) []kio.Filter {
	podLabels := map[string]string{"floe.dev/job-type": "data-pipeline"}
	if partOf != "" {
		podLabels["app.kubernetes.io/part-of"] = partOf
	}
	return []kio.Filter{
		DropTestHooks{},
		Labels{
			Labels: map[string]string{
				"floe.dev/product": product, "floe.dev/environment": "dev", "floe.dev/mode": "simple",
			},
			PodLabels: podLabels,
			Annotations: map[string]string{
				"floe.dev/pec": "floe-dev", "floe.dev/manifest": "floe-demo@0.1.0", "floe.dev/lineage-namespace": product,
			},
			Selector: selector,
		},
		ServiceAccount{Name: "floe-data-product-runner", Selector: selector},
		PodSecurity{Selector: selector},
		Resources{
			Requests: map[string]string{"cpu": "100m", "memory": "256Mi"},
			Limits:   map[string]string{"cpu": "1000m", "memory": "1Gi"},
			Selector: selector,
		},
		CronJobTimeZone{TimeZone: "Europe/Berlin", Selector: selector},
		Telemetry{
			Enforce: []EnvVar{
				{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: "http://floe-platform-otel.floe-dev.svc.cluster.local:4317"},
				{Name: "OPENLINEAGE_URL", Value: "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000"},
				{Name: "OPENLINEAGE_ENDPOINT", Value: "api/v1/lineage"},
			},
			Defaults: []EnvVar{
				{Name: "OTEL_SERVICE_NAME", Value: product},
				{Name: "OTEL_RESOURCE_ATTRIBUTES", Value: "service.version=0.1.0,deployment.environment=dev,floe.namespace=" + product},
				{Name: "OPENLINEAGE_NAMESPACE", Value: product},
				{Name: "FLOE_ENV", Value: "dev"},
			},
			Selector:      selector,
			ConfigMapName: "floe-telemetry",
		},
	}
}

// TestGolden runs whole chains over real (floe-jobs, `helm template`) and
// chart-shaped (Dagster user deployments) streams and compares the output
// with golden/kustomize/*.yaml.
func TestGolden(t *testing.T) {
	const instance = "app.kubernetes.io/instance=customer-360"
	cases := map[string]struct {
		input   string
		filters []kio.Filter
	}{
		"floe-jobs-customer-360.post-render":     {"floe-jobs-customer-360.helm-template.yaml", goldenChain("customer-360", instance, "floe-jobs")},
		"floe-jobs-customer-360-job.post-render": {"floe-jobs-customer-360.job-variant.helm-template.yaml", goldenChain("customer-360", instance, "floe-jobs")},
		"floe-jobs-customer-360.render": {"floe-jobs-customer-360.helm-template.yaml",
			append(goldenChain("customer-360", "", "floe-jobs"), Namespace{Namespace: "floe-dev"}, Canonical{})},
		"dagster-customer-360.post-render": {"dagster-user-deployments.helm4.yaml",
			goldenChain("customer-360", "floe.dev/product=customer-360", "")},
		"dagster-all-code-servers.post-render": {"dagster-user-deployments.helm4.yaml",
			goldenChain("data-platform", "component=user-deployments", "")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tc.input))
			if err != nil {
				t.Fatal(err)
			}
			out, err := Transform(in, tc.filters...)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join(golden.Dir(t), "kustomize", name+".yaml"), out)
			fltCheckStreamShape(t, out)
			again, err := Transform(out, tc.filters...)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Fatalf("not idempotent:\n%s", golden.Diff(string(out), string(again)))
			}
		})
	}
}
