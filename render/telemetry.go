package render

import (
	"net/url"
	"strings"

	"github.com/floe-dev/floe/config"
)

// telemetryEnv is SPEC §4.1 (P-28): the OpenTelemetry, OpenLineage and floe environment
// of every product container, in a fixed order. The Dagster path also hands it to runs
// through the container context.
func (r *resolved) telemetryEnv(m *config.Manifest) []envVar {
	var tracing *config.Tracing
	var lineage *config.Lineage
	var logging *config.Logging
	if o := m.Observability; o != nil {
		tracing, lineage, logging = o.Tracing, o.Lineage, o.Logging
	}

	otlp := "http://" + servicePrefix + "-otel." + r.NS + ".svc.cluster.local:4317"
	if tracing != nil && tracing.Endpoint != "" {
		otlp = tracing.Endpoint
	}
	attrs := []string{
		"service.version=" + otelEscape(r.V),
		"deployment.environment=" + otelEscape(r.envClass),
		"floe.namespace=" + otelEscape(r.LNS),
		"floe.product.name=" + otelEscape(r.P),
		"floe.product.version=" + otelEscape(r.V),
		"floe.mode=" + otelEscape(r.envClass),
	}
	if r.mode == "mesh" {
		attrs = append(attrs, "floe.domain="+otelEscape(r.domain))
	}
	env := []envVar{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", otlp},
		{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
		{"OTEL_SERVICE_NAME", r.P},
		{"OTEL_RESOURCE_ATTRIBUTES", strings.Join(attrs, ",")},
	}
	if tracing != nil && ((tracing.Enabled != nil && !*tracing.Enabled) || tracing.Exporter == "none") {
		env = append(env, envVar{"OTEL_SDK_DISABLED", "true"})
	}

	lineageOn := lineage == nil || ((lineage.Enabled == nil || *lineage.Enabled) && (lineage.Transport == "" || lineage.Transport == "http"))
	olURL := "http://" + servicePrefix + "-marquez." + r.NS + ".svc.cluster.local:5000"
	if lineage != nil && lineage.Endpoint != "" {
		olURL = strings.TrimSuffix(strings.TrimSuffix(lineage.Endpoint, "/"), "/"+lineageAPIPath)
	}
	if lineageOn {
		env = append(env, envVar{"OPENLINEAGE_URL", olURL}, envVar{"OPENLINEAGE_ENDPOINT", lineageAPIPath})
	} else {
		env = append(env, envVar{"OPENLINEAGE_DISABLED", "true"})
	}
	env = append(env, envVar{"OPENLINEAGE_NAMESPACE", r.LNS})

	env = append(env, envVar{"FLOE_ENV", r.E})
	if r.envClass == "prod" {
		env = append(env, envVar{"FLOE_ENVIRONMENT", "production"})
	}
	if logging != nil {
		if logging.Level != "" {
			env = append(env, envVar{"FLOE_LOG_LEVEL", logging.Level})
		}
		if logging.Format != "" {
			env = append(env, envVar{"FLOE_LOG_JSON", boolString(logging.Format == "json")})
		}
	}
	env = append(env,
		envVar{"FLOE_PRODUCT", r.P},
		envVar{"FLOE_DBT_PROJECT_DIR", appDir + "/" + r.S},
		envVar{"FLOE_ARTIFACTS_PATH", appDir + "/" + r.S + "/compiled_artifacts.json"},
	)
	if cat := m.Plugins.Catalog; r.runtime == RuntimeFloeJobs && cat != nil && cat.Type == "polaris" {
		// floe-jobs' chart variable: the catalog's scheme://host:port (no /api/catalog),
		// from the manifest's catalog uri, else the platform service (P-17).
		ep := "http://" + servicePrefix + "-polaris." + r.NS + ".svc.cluster.local:8181"
		if uri, _ := cat.Config["uri"].(string); uri != "" {
			if u, err := url.Parse(uri); err == nil && u.Scheme != "" && u.Host != "" {
				ep = u.Scheme + "://" + u.Host
			}
		}
		env = append(env, envVar{"POLARIS_ENDPOINT", ep})
	}
	return env
}

// lineageEnabled reports whether OpenLineage env is rendered (POL-OL-01 applies).
func (r *resolved) lineageEnabled() bool {
	for _, e := range r.env {
		if e.Name == "OPENLINEAGE_URL" {
			return true
		}
	}
	return false
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// otelEscape percent-encodes an OTEL_RESOURCE_ATTRIBUTES value: everything outside the
// unreserved set [A-Za-z0-9-._~] (so ',' and '=' can never break the list).
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
