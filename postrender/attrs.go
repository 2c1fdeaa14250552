package postrender

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/wiring"
)

// resourceAttrs merges floe's keys into a container's own literal
// OTEL_RESOURCE_ATTRIBUTES: floe's keys get floe's values, the chart's other keys stay
// in their order. Containers without the variable are left to kustomize.Telemetry,
// which adds floe's full value; a valueFrom is left alone.
type resourceAttrs struct {
	Attrs    [][2]string
	Selector string
}

var _ kio.Filter = resourceAttrs{}

// Filter implements kio.Filter.
func (f resourceAttrs) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	for _, n := range nodes {
		w, ok := kustomize.FindWorkload(n)
		if !ok {
			continue
		}
		if ok, err := kustomize.MatchSelector(f.Selector, n); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		for _, c := range w.Containers() {
			env := mapValue(c.YNode(), "env")
			if env == nil || env.Kind != yaml.SequenceNode {
				continue
			}
			for _, item := range env.Content {
				if scalar(mapValue(item, "name")) != "OTEL_RESOURCE_ATTRIBUTES" {
					continue
				}
				v := mapValue(item, "value")
				if v == nil || v.Kind != yaml.ScalarNode || mapValue(item, "valueFrom") != nil {
					continue
				}
				if merged := mergeAttrs(v.Value, f.Attrs); merged != v.Value {
					v.Value, v.Tag, v.Style = merged, "!!str", 0
				}
			}
		}
	}
	return nodes, nil
}

// scalar is the value of a scalar node, "" for nil or non-scalars.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// mapValue returns the value of key in mapping m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mergeAttrs sets floe's attributes in a "k=v,k2=v2" list, keeping other keys.
func mergeAttrs(cur string, attrs [][2]string) string {
	type kv struct{ k, v string }
	var list []kv
	for _, part := range strings.Split(cur, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		list = append(list, kv{strings.TrimSpace(k), v})
	}
	for _, a := range attrs {
		val := wiring.Escape(a[1])
		found := false
		for i := range list {
			if list[i].k == a[0] {
				list[i].v, found = val, true
			}
		}
		if !found {
			list = append(list, kv{a[0], val})
		}
	}
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.k + "=" + e.v
	}
	return strings.Join(parts, ",")
}
