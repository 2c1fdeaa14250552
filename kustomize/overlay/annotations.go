package overlay

import (
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// strippedAnnotations are bookkeeping annotations of kio/kustomize that must not reach the
// output. User-facing config.kubernetes.io annotations (depends-on, local-config,
// apply-time-mutation) are kept.
var strippedAnnotations = map[string]bool{
	"config.kubernetes.io/index":                 true,
	"config.kubernetes.io/path":                  true,
	"config.kubernetes.io/id":                    true,
	"config.kubernetes.io/origin":                true,
	"config.k8s.io/id":                           true,
	"alpha.config.kubernetes.io/transformations": true,
}

var strippedPrefixes = []string{"internal.config.kubernetes.io/", "kustomize.config.k8s.io/"}

// stripAnnotations removes kustomize's bookkeeping annotations from n, and the annotations
// field when that leaves it empty.
func stripAnnotations(n *yaml.RNode) error {
	anns := n.GetAnnotations()
	if len(anns) == 0 {
		return nil
	}
	keys := make([]string, 0, len(anns))
	for k := range anns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	removed := 0
	for _, k := range keys {
		strip := strippedAnnotations[k]
		for _, p := range strippedPrefixes {
			strip = strip || strings.HasPrefix(k, p)
		}
		if !strip {
			continue
		}
		if _, err := n.Pipe(yaml.ClearAnnotation(k)); err != nil {
			return err
		}
		removed++
	}
	if removed > 0 && removed == len(anns) {
		return yaml.ClearEmptyAnnotations(n)
	}
	return nil
}
