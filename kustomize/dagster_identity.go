package kustomize

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// enforceContextKey sets k8s.<key> (and its camelCase spelling, when present) to value
// in every literal Dagster container context of the workload's containers, where the
// context carries the key: the service account and namespace of the run pods Dagster
// launches follow the code server's, whatever an overlay wrote. A context without the
// key, or already right, is left verbatim.
func enforceContextKey(w workload, value string, keys ...string) error {
	return w.eachContainer(func(c *yaml.Node, _ bool) error {
		return eachDagsterContext(c, func(name, raw string) (string, error) {
			next, err := setContextKey(raw, value, keys)
			if err != nil {
				return "", fmt.Errorf("%s: container %s: %s: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), name, err)
			}
			return next, nil
		})
	})
}

func setContextKey(raw, value string, keys []string) (string, error) {
	root, err := decodeContainerContext(raw)
	if err != nil {
		return "", err
	}
	k8s, _ := root["k8s"].(map[string]any)
	changed := false
	for _, k := range keys {
		if cur, ok := k8s[k]; ok && cur != value {
			k8s[k] = value
			changed = true
		}
	}
	if !changed {
		return raw, nil
	}
	return encodeContainerContext(root)
}
