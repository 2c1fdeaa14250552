package render

import (
	"net/url"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/wiring"
)

// telemetryEnv is D-RND-14: the OpenTelemetry, OpenLineage and floe environment
// of every product container, in a fixed order. The Dagster path also hands it to runs
// through the container context.
func (r *resolved) telemetryEnv(m *config.Manifest) []envVar {
	pl := r.platform
	env := []envVar{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", pl.OTLP},
		{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
		{"OTEL_SERVICE_NAME", r.productName},
		{"OTEL_RESOURCE_ATTRIBUTES", wiring.AttrsValue(wiring.ResourceAttributes(r.product, pl.Class))},
	}
	if pl.SDKDisabled {
		env = append(env, envVar{"OTEL_SDK_DISABLED", "true"})
	}
	if pl.Lineage {
		env = append(env, envVar{"OPENLINEAGE_URL", pl.LineageURL}, envVar{"OPENLINEAGE_ENDPOINT", wiring.LineageAPIPath})
	} else {
		env = append(env, envVar{"OPENLINEAGE_DISABLED", "true"})
	}
	env = append(env, envVar{"OPENLINEAGE_NAMESPACE", r.lineageNamespace})

	env = append(env, envVar{"FLOE_ENV", r.environment})
	if pl.Class == "prod" {
		env = append(env, envVar{"FLOE_ENVIRONMENT", "production"})
	}
	if pl.LogLevel != "" {
		env = append(env, envVar{"FLOE_LOG_LEVEL", pl.LogLevel})
	}
	if pl.LogJSON != "" {
		env = append(env, envVar{"FLOE_LOG_JSON", pl.LogJSON})
	}
	env = append(env,
		envVar{"FLOE_PRODUCT", r.productName},
		envVar{"FLOE_DBT_PROJECT_DIR", appDir + "/" + r.slug},
		envVar{"FLOE_ARTIFACTS_PATH", appDir + "/" + r.slug + "/compiled_artifacts.json"},
	)
	if cat := m.Plugins.Catalog; r.runtime == RuntimeFloeJobs && cat != nil && cat.Type == "polaris" {
		// floe-jobs' chart variable: the catalog's scheme://host:port (no /api/catalog),
		// from the manifest's catalog uri, else the platform service (D-RND-04).
		ep := "http://" + wiring.ServicePrefix + "-polaris." + r.namespace + ".svc.cluster.local:8181"
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
