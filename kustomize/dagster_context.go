package kustomize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// eachDagsterContext calls fn with every non-empty literal Dagster container context in
// the env of container c: the env item, its name and its JSON. fn returns the context
// to write back (the same string leaves the item untouched).
func eachDagsterContext(c *yaml.Node, fn func(name, raw string) (string, error)) error {
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
		next, err := fn(name, raw)
		if err != nil {
			return err
		}
		if next != raw {
			ynSet(item, "value", ynStr(next))
		}
	}
	return nil
}

// decodeContainerContext reads one container context: a single JSON object, numbers kept
// as written.
func decodeContainerContext(raw string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("invalid container context JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid container context JSON: data after the object")
	}
	return root, nil
}

// encodeContainerContext writes a container context as compact JSON, without HTML
// escaping (Dagster reads it as written).
func encodeContainerContext(root map[string]any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}
