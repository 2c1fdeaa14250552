package postrender

import (
	"maps"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/wiring"
)

// plan is what post-render adds, derived from the contract, its platform Manifest and
// (optionally) the product. Enforce are contract-owned values set whatever the chart
// said; Defaults are added only where the chart left them out.
type plan struct {
	Enforce, Defaults []kustomize.EnvVar
	// Attrs are the OTEL_RESOURCE_ATTRIBUTES keys floe owns, merged into a chart's own
	// value (its other keys kept).
	Attrs         [][2]string
	Labels, Annos map[string]string
	PodLabels     map[string]string
	// JobPodLabels go on the pod templates of Jobs and CronJobs instead of PodLabels:
	// with a product, app.kubernetes.io/part-of is floe-jobs there, the label the
	// platform's NetworkPolicy admits job pods by (POL-NET-01, D-PR-07).
	JobPodLabels   map[string]string
	LineageEnabled bool
	// Product facts for the policy gate ("" without --product).
	Product, Version, Mode, LineageNamespace string
}

// derive computes the plan (D-RND-14, D-RND-16, D-RND-17).
func derive(c *config.Contract, m *config.Manifest, p *config.FloeSpec) plan {
	pl := wiring.ForPlatform(c, m)
	env, class := pl.Environment, pl.Class
	var w plan
	enforce := []kustomize.EnvVar{
		{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: pl.OTLP},
		{Name: "OTEL_EXPORTER_OTLP_PROTOCOL", Value: "grpc"},
	}
	if pl.SDKDisabled {
		enforce = append(enforce, kustomize.EnvVar{Name: "OTEL_SDK_DISABLED", Value: "true"})
	}
	w.LineageEnabled = pl.Lineage
	if w.LineageEnabled {
		enforce = append(enforce,
			kustomize.EnvVar{Name: "OPENLINEAGE_URL", Value: pl.LineageURL},
			kustomize.EnvVar{Name: "OPENLINEAGE_ENDPOINT", Value: wiring.LineageAPIPath})
	} else {
		enforce = append(enforce, kustomize.EnvVar{Name: "OPENLINEAGE_DISABLED", Value: "true"})
	}
	enforce = append(enforce, kustomize.EnvVar{Name: "FLOE_ENV", Value: env})
	if class == "prod" {
		enforce = append(enforce, kustomize.EnvVar{Name: "FLOE_ENVIRONMENT", Value: "production"})
	}
	var defaults []kustomize.EnvVar
	if pl.LogLevel != "" {
		defaults = append(defaults, kustomize.EnvVar{Name: "FLOE_LOG_LEVEL", Value: pl.LogLevel})
	}
	if pl.LogJSON != "" {
		defaults = append(defaults, kustomize.EnvVar{Name: "FLOE_LOG_JSON", Value: pl.LogJSON})
	}

	w.Attrs = [][2]string{{"deployment.environment", class}}
	w.Labels = map[string]string{"floe.dev/environment": env}
	w.Annos = map[string]string{"floe.dev/pec": c.Metadata.Name}
	if m != nil && m.Metadata.Name != "" {
		w.Annos["floe.dev/manifest"] = m.Metadata.Name + "@" + m.Metadata.Version
	}

	if p != nil {
		pr := wiring.ForProduct(p, m)
		w.Product, w.Version, w.Mode, w.LineageNamespace = pr.Name, pr.Version, pr.Mode, pr.LineageNamespace
		domain := pr.Domain
		w.Attrs = wiring.ResourceAttributes(pr, class)
		defaults = append([]kustomize.EnvVar{
			{Name: "OTEL_SERVICE_NAME", Value: w.Product},
		}, defaults...)
		defaults = append(defaults, kustomize.EnvVar{Name: "FLOE_PRODUCT", Value: w.Product})
		// OPENLINEAGE_NAMESPACE is the product's: enforced once a product is named.
		enforce = append(enforce, kustomize.EnvVar{Name: "OPENLINEAGE_NAMESPACE", Value: w.LineageNamespace})

		for k, v := range map[string]string{
			"app.kubernetes.io/name":       w.Product,
			"app.kubernetes.io/instance":   w.Product,
			"app.kubernetes.io/version":    w.Version,
			"app.kubernetes.io/managed-by": "floe",
			"app.kubernetes.io/part-of":    w.Product,
			"app.kubernetes.io/component":  "workload",
			"floe.dev/product":             w.Product,
			"floe.dev/mode":                w.Mode,
		} {
			w.Labels[k] = v
		}
		for _, k := range []string{"domain", "tier"} {
			if v := p.Metadata.Labels[k]; v != "" {
				w.Labels["floe.dev/"+k] = v
			}
		}
		if domain != "" {
			w.Labels["floe.dev/domain"] = domain
		}
		w.Annos["floe.dev/product-identity"] = pr.Identity
		w.Annos["floe.dev/lineage-namespace"] = w.LineageNamespace
		w.PodLabels = map[string]string{"floe.dev/job-type": "data-pipeline"}
		w.JobPodLabels = map[string]string{"floe.dev/job-type": "data-pipeline", "app.kubernetes.io/part-of": "floe-jobs"}
	}
	w.Enforce, w.Defaults = enforce, defaults
	return w
}

// runLabels are the labels of the Dagster run pods a product's code servers launch
// (D-RND-24): the product's pod labels, as job pods (POL-NET-01); nil without a product,
// which leaves run pods the code server's pod labels.
func (w plan) runLabels() map[string]string {
	if w.Product == "" {
		return nil
	}
	out := map[string]string{}
	maps.Copy(out, w.Labels)
	maps.Copy(out, w.PodLabels)
	out["app.kubernetes.io/part-of"] = "floe-jobs"
	out["app.kubernetes.io/component"] = "run-worker"
	return out
}
