package postrender

import (
	"maps"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/kustomize"
)

// platformLineageNamespace is the OpenLineage namespace of the platform's own
// components (D-RND-04's service prefix): they belong to no product.
const platformLineageNamespace = "floe-platform"

// derivePlatform is the plan of one platform component (D-PR-06): the contract-owned
// endpoints as for every workload, and its own identity instead of a product's:
// OTEL_SERVICE_NAME=component (a chart's own value kept), the resource attributes
// deployment.environment and floe.platform.component, the platform's lineage
// namespace, and the label floe.dev/platform-component.
func derivePlatform(c *config.Contract, m *config.Manifest, component string) plan {
	w := derive(c, m, nil)
	w.Defaults = append([]kustomize.EnvVar{{Name: "OTEL_SERVICE_NAME", Value: component}}, w.Defaults...)
	w.Defaults = append(w.Defaults, kustomize.EnvVar{Name: "OPENLINEAGE_NAMESPACE", Value: platformLineageNamespace})
	w.Attrs = append(append([][2]string(nil), w.Attrs...), [2]string{"floe.platform.component", component})
	w.Labels = maps.Clone(w.Labels)
	w.Labels["floe.dev/platform-component"] = component
	return w
}
