package postrender

import (
	"strings"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/kustomize"
)

// Fixed platform service prefix and OpenLineage API path (SPEC §3.1, §4.1 P-17/P-28).
// TODO(unify): render derives the same values in render/telemetry.go (unexported);
// both should call one exported function once render exposes it.
const (
	servicePrefix  = "floe-platform"
	lineageAPIPath = "api/v1/lineage"
)

// wiring is what post-render adds, derived from the contract, its platform Manifest and
// (optionally) the product. Enforce are contract-owned values set whatever the chart
// said; Defaults are added only where the chart left them out.
type wiring struct {
	Enforce, Defaults []kustomize.EnvVar
	// Attrs are the OTEL_RESOURCE_ATTRIBUTES keys floe owns, merged into a chart's own
	// value (its other keys kept).
	Attrs          [][2]string
	Labels, Annos  map[string]string
	PodLabels      map[string]string
	LineageEnabled bool
	// Product facts for the policy gate ("" without --product).
	Product, Version, Mode, LNS string
}

// envClass is SPEC P-29: prod, dev or staging.
func envClass(e string) string {
	switch e {
	case "prod", "production":
		return "prod"
	case "dev", "development", "local", "demo", "test":
		return "dev"
	}
	return "staging"
}

// derive computes the wiring (SPEC §4.1 P-28, §4.3 P-30, §4.4 P-31).
func derive(c *config.Contract, m *config.Manifest, p *config.FloeSpec) wiring {
	ns, env := c.Environment.Kubernetes.Namespace, c.Environment.Name
	class := envClass(env)
	var tracing *config.Tracing
	var lineage *config.Lineage
	var logging *config.Logging
	if m != nil && m.Observability != nil {
		tracing, lineage, logging = m.Observability.Tracing, m.Observability.Lineage, m.Observability.Logging
	}
	var w wiring

	otlp := "http://" + servicePrefix + "-otel." + ns + ".svc.cluster.local:4317"
	if tracing != nil && tracing.Endpoint != "" {
		otlp = tracing.Endpoint
	}
	enforce := []kustomize.EnvVar{
		{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: otlp},
		{Name: "OTEL_EXPORTER_OTLP_PROTOCOL", Value: "grpc"},
	}
	if tracing != nil && ((tracing.Enabled != nil && !*tracing.Enabled) || tracing.Exporter == "none") {
		enforce = append(enforce, kustomize.EnvVar{Name: "OTEL_SDK_DISABLED", Value: "true"})
	}
	w.LineageEnabled = lineage == nil || ((lineage.Enabled == nil || *lineage.Enabled) && (lineage.Transport == "" || lineage.Transport == "http"))
	if w.LineageEnabled {
		ol := "http://" + servicePrefix + "-marquez." + ns + ".svc.cluster.local:5000"
		if lineage != nil && lineage.Endpoint != "" {
			ol = strings.TrimSuffix(strings.TrimSuffix(lineage.Endpoint, "/"), "/"+lineageAPIPath)
		}
		enforce = append(enforce,
			kustomize.EnvVar{Name: "OPENLINEAGE_URL", Value: ol},
			kustomize.EnvVar{Name: "OPENLINEAGE_ENDPOINT", Value: lineageAPIPath})
	} else {
		enforce = append(enforce, kustomize.EnvVar{Name: "OPENLINEAGE_DISABLED", Value: "true"})
	}
	enforce = append(enforce, kustomize.EnvVar{Name: "FLOE_ENV", Value: env})
	if class == "prod" {
		enforce = append(enforce, kustomize.EnvVar{Name: "FLOE_ENVIRONMENT", Value: "production"})
	}
	var defaults []kustomize.EnvVar
	if logging != nil {
		if logging.Level != "" {
			defaults = append(defaults, kustomize.EnvVar{Name: "FLOE_LOG_LEVEL", Value: logging.Level})
		}
		if logging.Format != "" {
			v := "false"
			if logging.Format == "json" {
				v = "true"
			}
			defaults = append(defaults, kustomize.EnvVar{Name: "FLOE_LOG_JSON", Value: v})
		}
	}

	w.Attrs = [][2]string{{"deployment.environment", class}}
	w.Labels = map[string]string{"floe.dev/environment": env}
	w.Annos = map[string]string{"floe.dev/pec": c.Metadata.Name}
	if m != nil && m.Metadata.Name != "" {
		w.Annos["floe.dev/manifest"] = m.Metadata.Name + "@" + m.Metadata.Version
	}

	if p != nil {
		w.Product, w.Version = p.Metadata.Name, p.Metadata.Version
		w.Mode = "simple"
		if m != nil {
			switch m.Scope {
			case "enterprise":
				w.Mode = "centralized"
			case "domain":
				w.Mode = "mesh"
			}
		}
		w.LNS = w.Product
		domain := ""
		if w.Mode == "mesh" {
			domain = p.Metadata.Labels["domain"]
			if domain == "" && m != nil {
				domain = m.Metadata.Name
			}
			w.LNS = domain + "." + w.Product
		}
		w.Attrs = [][2]string{
			{"service.version", w.Version},
			{"deployment.environment", class},
			{"floe.namespace", w.LNS},
			{"floe.product.name", w.Product},
			{"floe.product.version", w.Version},
			{"floe.mode", class},
		}
		if domain != "" {
			w.Attrs = append(w.Attrs, [2]string{"floe.domain", domain})
		}
		defaults = append([]kustomize.EnvVar{
			{Name: "OTEL_SERVICE_NAME", Value: w.Product},
		}, defaults...)
		defaults = append(defaults, kustomize.EnvVar{Name: "FLOE_PRODUCT", Value: w.Product})
		// OPENLINEAGE_NAMESPACE is the product's: enforced once a product is named.
		enforce = append(enforce, kustomize.EnvVar{Name: "OPENLINEAGE_NAMESPACE", Value: w.LNS})

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
		identity := "default." + config.DBTName(w.Product)
		if w.Mode == "mesh" {
			identity = domain + "." + config.DBTName(w.Product)
		}
		w.Annos["floe.dev/product-identity"] = identity
		w.Annos["floe.dev/lineage-namespace"] = w.LNS
		w.PodLabels = map[string]string{"floe.dev/job-type": "data-pipeline"}
	}
	w.Enforce, w.Defaults = enforce, defaults
	return w
}

// attrsValue is the OTEL_RESOURCE_ATTRIBUTES value floe would set from scratch.
func attrsValue(attrs [][2]string) string {
	parts := make([]string, len(attrs))
	for i, kv := range attrs {
		parts[i] = kv[0] + "=" + otelEscape(kv[1])
	}
	return strings.Join(parts, ",")
}

// otelEscape percent-encodes an attribute value outside [A-Za-z0-9-._~], so ',' and '='
// never break the list (same rule as render).
func otelEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		const hexDigits = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
