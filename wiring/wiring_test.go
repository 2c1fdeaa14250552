package wiring

import (
	"testing"

	"github.com/floe-dev/floe/config"
	_ "github.com/floe-dev/floe/golden" // knows -update
)

func TestEnvClass(t *testing.T) {
	for e, want := range map[string]string{
		"prod": "prod", "production": "prod", "dev": "dev", "development": "dev", "local": "dev",
		"demo": "dev", "test": "dev", "staging": "staging", "qa": "staging", "eu-west": "staging",
	} {
		if got := EnvClass(e); got != want {
			t.Errorf("EnvClass(%q) = %q, want %q", e, got, want)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"customer-360": "customer-360", "1.0.0": "1.0.0", "a,b=c": "a%2Cb%3Dc", "sales.orders_x~": "sales.orders_x~", "ü x": "%C3%BC%20x",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestForPlatform(t *testing.T) {
	yes, no := true, false
	c := &config.Contract{Environment: config.Environment{Name: "prod", Kubernetes: config.KubernetesTarget{Namespace: "data"}}}
	tests := map[string]struct {
		obs  *config.Observability
		want Platform
	}{
		"no observability block": {nil, Platform{Namespace: "data", Environment: "prod", Class: "prod",
			OTLP: "http://floe-platform-otel.data.svc.cluster.local:4317", Lineage: true,
			LineageURL: "http://floe-platform-marquez.data.svc.cluster.local:5000"}},
		"endpoints, full lineage URL trimmed, json logs": {&config.Observability{
			Tracing: &config.Tracing{Endpoint: "http://otel:4317"},
			Lineage: &config.Lineage{Endpoint: "http://marquez:5000/api/v1/lineage/"},
			Logging: &config.Logging{Level: "DEBUG", Format: "json"},
		}, Platform{Namespace: "data", Environment: "prod", Class: "prod", OTLP: "http://otel:4317", Lineage: true,
			LineageURL: "http://marquez:5000", LogLevel: "DEBUG", LogJSON: "true"}},
		"tracing off, lineage off, text logs": {&config.Observability{
			Tracing: &config.Tracing{Enabled: &no},
			Lineage: &config.Lineage{Enabled: &yes, Transport: "console"},
			Logging: &config.Logging{Format: "text"},
		}, Platform{Namespace: "data", Environment: "prod", Class: "prod", SDKDisabled: true,
			OTLP: "http://floe-platform-otel.data.svc.cluster.local:4317", Lineage: false,
			LineageURL: "http://floe-platform-marquez.data.svc.cluster.local:5000", LogJSON: "false"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ForPlatform(c, &config.Manifest{Observability: tc.obs}); got != tc.want {
				t.Errorf("ForPlatform =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestForProduct(t *testing.T) {
	p := &config.FloeSpec{Metadata: config.ProductMeta{Name: "customer-360", Version: "1.0.0", Labels: map[string]string{"domain": "retail"}}}
	tests := map[string]struct {
		m    *config.Manifest
		want Product
	}{
		"simple":      {nil, Product{Name: "customer-360", Version: "1.0.0", Mode: "simple", LineageNamespace: "customer-360", Identity: "default.customer_360"}},
		"centralized": {&config.Manifest{Scope: "enterprise"}, Product{Name: "customer-360", Version: "1.0.0", Mode: "centralized", LineageNamespace: "customer-360", Identity: "default.customer_360"}},
		"mesh":        {&config.Manifest{Scope: "domain"}, Product{Name: "customer-360", Version: "1.0.0", Mode: "mesh", Domain: "retail", LineageNamespace: "retail.customer-360", Identity: "retail.customer_360"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ForProduct(p, tc.m); got != tc.want {
				t.Errorf("ForProduct = %+v, want %+v", got, tc.want)
			}
		})
	}
	noDomain := &config.FloeSpec{Metadata: config.ProductMeta{Name: "orders", Version: "0.1.0"}}
	m := &config.Manifest{Scope: "domain", Metadata: config.ManifestMetadata{Name: "sales"}}
	if got := ForProduct(noDomain, m); got.LineageNamespace != "sales.orders" || got.Domain != "sales" {
		t.Errorf("mesh without a domain label: %+v, want the domain Manifest's name", got)
	}
	if got := AttrsValue(ResourceAttributes(ForProduct(p, &config.Manifest{Scope: "domain"}), "dev")); got !=
		"service.version=1.0.0,deployment.environment=dev,floe.namespace=retail.customer-360,floe.product.name=customer-360,floe.product.version=1.0.0,floe.mode=dev,floe.domain=retail" {
		t.Errorf("attributes = %s", got)
	}
}
