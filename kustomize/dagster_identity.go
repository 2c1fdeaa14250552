package kustomize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// enforceContextKey sets k8s.<key> (and its camelCase spelling, when present) to value
// in every literal Dagster container context of the workload's containers, where the
// context carries the key: the service account and namespace of the run pods Dagster
// launches follow the code server's, whatever an overlay wrote. A context without the
// key, or already right, is left verbatim.
func enforceContextKey(w workload, value string, keys ...string) error {
	return w.eachContainer(func(c *yaml.Node, _ bool) error {
		env := ynGet(c, "env")
		if env == nil || env.Kind != yaml.SequenceNode {
			return nil
		}
		for _, item := range env.Content {
			name := ynScalar(ynGet(item, "name"))
			if name != DagsterGRPCContext && name != DagsterContext {
				continue
			}
			raw := ynScalar(ynGet(item, "value"))
			if strings.TrimSpace(raw) == "" {
				continue
			}
			next, err := setContextKey(raw, value, keys)
			if err != nil {
				return fmt.Errorf("%s: container %s: %s: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), name, err)
			}
			if next != raw {
				ynSet(item, "value", ynStr(next))
			}
		}
		return nil
	})
}

func setContextKey(raw, value string, keys []string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return "", fmt.Errorf("invalid container context JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", fmt.Errorf("invalid container context JSON: data after the object")
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}
