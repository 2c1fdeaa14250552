package kustomize

import (
	"fmt"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Image sets the image (and optionally imagePullPolicy) of the named
// containers and initContainers of selected workloads. A literal
// DAGSTER_CURRENT_IMAGE env entry of a container it updates follows the new
// image (Dagster launches run pods from it); it is never added.
type Image struct {
	// Image is the full reference, e.g. registry.example/customer-360:0123abcd4567.
	Image string `yaml:"image"`
	// PullPolicy is Always, IfNotPresent or Never; empty leaves it unchanged.
	PullPolicy string `yaml:"pullPolicy,omitempty"`
	// Containers names the containers to update; empty means every container
	// and initContainer.
	Containers []string `yaml:"containers,omitempty"`
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = Image{}

// Filter implements kio.Filter.
func (f Image) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	if f.Image == "" {
		return nil, fmt.Errorf("image: no image given")
	}
	switch f.PullPolicy {
	case "", "Always", "IfNotPresent", "Never":
	default:
		return nil, fmt.Errorf("image: pull policy %q: must be Always, IfNotPresent or Never", f.PullPolicy)
	}
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		return w.eachContainer(func(c *yaml.Node, _ bool) error {
			if len(f.Containers) > 0 && !slices.Contains(f.Containers, ynScalar(ynGet(c, "name"))) {
				return nil
			}
			ynSetStr(c, "image", f.Image)
			if env := ynGet(c, "env"); env != nil && env.Kind == yaml.SequenceNode {
				for _, item := range env.Content {
					if ynScalar(ynGet(item, "name")) == "DAGSTER_CURRENT_IMAGE" && ynIsNull(ynGet(item, "valueFrom")) {
						ynSetStr(item, "value", f.Image)
					}
				}
			}
			if f.PullPolicy != "" {
				ynSetStr(c, "imagePullPolicy", f.PullPolicy)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	return nodes, nil
}
