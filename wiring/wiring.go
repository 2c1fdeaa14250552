// Package wiring derives what floe wires into workloads from the loaded inputs: the
// platform's OpenTelemetry and OpenLineage endpoints (D-RND-14), the environment
// class (D-RND-15), the deployment mode and lineage namespace (D-IN-11, D-RND-16) and the product
// identity (D-RND-17). render and post-render both build their env and labels from it, so
// the two can never disagree about an endpoint or a name.
package wiring

import (
	"strings"

	"github.com/floe-dev/floe/config"
)

const (
	// ServicePrefix is the platform chart's fixed service prefix (D-RND-04).
	ServicePrefix = "floe-platform"
	// LineageAPIPath is OpenLineage's HTTP path, OPENLINEAGE_ENDPOINT.
	LineageAPIPath = "api/v1/lineage"
)

// Platform is what the contract and its Manifest fix for every workload.
type Platform struct {
	Namespace   string // contract environment.kubernetes.namespace
	Environment string // contract environment.name (E)
	Class       string // D-RND-15: prod, dev or staging
	OTLP        string // OTEL_EXPORTER_OTLP_ENDPOINT
	SDKDisabled bool   // tracing disabled or exporter none: OTEL_SDK_DISABLED=true
	Lineage     bool   // OpenLineage over HTTP is on
	LineageURL  string // OPENLINEAGE_URL (base URL, without the API path)
	LogLevel    string // FLOE_LOG_LEVEL, "" = unset
	LogJSON     string // FLOE_LOG_JSON: "true", "false" or "" (unset)
}

// ForPlatform derives the platform wiring; m may be nil (no observability block).
func ForPlatform(c *config.Contract, m *config.Manifest) Platform {
	ns := c.Environment.Kubernetes.Namespace
	p := Platform{Namespace: ns, Environment: c.Environment.Name, Class: EnvClass(c.Environment.Name)}
	var tracing *config.Tracing
	var lineage *config.Lineage
	var logging *config.Logging
	if m != nil && m.Observability != nil {
		tracing, lineage, logging = m.Observability.Tracing, m.Observability.Lineage, m.Observability.Logging
	}
	p.OTLP = "http://" + ServicePrefix + "-otel." + ns + ".svc.cluster.local:4317"
	if tracing != nil && tracing.Endpoint != "" {
		p.OTLP = tracing.Endpoint
	}
	p.SDKDisabled = tracing != nil && ((tracing.Enabled != nil && !*tracing.Enabled) || tracing.Exporter == "none")
	p.Lineage = lineage == nil || ((lineage.Enabled == nil || *lineage.Enabled) && (lineage.Transport == "" || lineage.Transport == "http"))
	p.LineageURL = "http://" + ServicePrefix + "-marquez." + ns + ".svc.cluster.local:5000"
	if lineage != nil && lineage.Endpoint != "" {
		p.LineageURL = strings.TrimSuffix(strings.TrimSuffix(lineage.Endpoint, "/"), "/"+LineageAPIPath)
	}
	if logging != nil {
		p.LogLevel = logging.Level
		switch logging.Format {
		case "json":
			p.LogJSON = "true"
		case "":
		default:
			p.LogJSON = "false"
		}
	}
	return p
}

// Product is one product's identity on its platform.
type Product struct {
	Name, Version    string
	Mode             string // D-IN-11: simple, centralized or mesh
	Domain           string // mesh only: metadata.labels.domain, else the domain Manifest's name
	LineageNamespace string // D-RND-16 lineage namespace: P, or <domain>.P in mesh
	Identity         string // floe.dev/product-identity: default.<D>, or <domain>.<D> in mesh
}

// ForProduct derives the product identity; m may be nil (simple mode).
func ForProduct(p *config.FloeSpec, m *config.Manifest) Product {
	pr := Product{Name: p.Metadata.Name, Version: p.Metadata.Version, Mode: Mode(m)}
	pr.LineageNamespace = pr.Name
	pr.Identity = "default." + config.DBTName(pr.Name)
	if pr.Mode == "mesh" {
		pr.Domain = p.Metadata.Labels["domain"]
		if pr.Domain == "" {
			pr.Domain = m.Metadata.Name
		}
		pr.LineageNamespace = pr.Domain + "." + pr.Name
		pr.Identity = pr.Domain + "." + config.DBTName(pr.Name)
	}
	return pr
}

// EnvClass is D-RND-15: prod, dev or staging.
func EnvClass(e string) string {
	switch e {
	case "prod", "production":
		return "prod"
	case "dev", "development", "local", "demo", "test":
		return "dev"
	}
	return "staging"
}

// Mode is D-IN-11: the deployment mode of a Manifest's scope.
func Mode(m *config.Manifest) string {
	if m != nil {
		switch m.Scope {
		case "enterprise":
			return "centralized"
		case "domain":
			return "mesh"
		}
	}
	return "simple"
}

// ResourceAttributes is the OTEL_RESOURCE_ATTRIBUTES key/value list of a product (D-RND-14).
func ResourceAttributes(pr Product, class string) [][2]string {
	attrs := [][2]string{
		{"service.version", pr.Version},
		{"deployment.environment", class},
		{"floe.namespace", pr.LineageNamespace},
		{"floe.product.name", pr.Name},
		{"floe.product.version", pr.Version},
		{"floe.mode", class},
	}
	if pr.Domain != "" {
		attrs = append(attrs, [2]string{"floe.domain", pr.Domain})
	}
	return attrs
}

// AttrsValue joins attributes as OTEL_RESOURCE_ATTRIBUTES, values escaped.
func AttrsValue(attrs [][2]string) string {
	parts := make([]string, len(attrs))
	for i, kv := range attrs {
		parts[i] = kv[0] + "=" + Escape(kv[1])
	}
	return strings.Join(parts, ",")
}

// Escape percent-encodes an attribute value outside [A-Za-z0-9-._~], so ',' and '='
// can never break the list.
func Escape(s string) string {
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
