package kustomize

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Dagster container-context environment variables. "dagster api grpc" reads
// DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT (Click's auto prefix; Dagster's
// user-deployments chart sets it) and, in recent releases, also
// DAGSTER_CONTAINER_CONTEXT, which takes precedence; "dagster code-server
// start" reads DAGSTER_CONTAINER_CONTEXT.
const (
	// DagsterGRPCContext is created for "dagster api grpc" containers.
	DagsterGRPCContext = "DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT"
	// DagsterContext is created for "dagster code-server start" containers.
	DagsterContext = "DAGSTER_CONTAINER_CONTEXT"
)

// dagster extends the container context of a Dagster code server; other
// containers are left alone. env is the container's env list, already updated.
func (f Telemetry) dagster(c, env *yaml.Node) error {
	if len(f.Enforce)+len(f.Defaults) == 0 && f.ConfigMapName == "" {
		return nil
	}
	var ctxEntries []*yaml.Node
	for _, item := range env.Content {
		if n := ynScalar(ynGet(item, "name")); n == DagsterGRPCContext || n == DagsterContext {
			ctxEntries = append(ctxEntries, item)
		}
	}
	if len(ctxEntries) == 0 {
		if f.KeepContextAbsent {
			return nil
		}
		name := dagsterServerContextVar(c)
		if name == "" {
			return nil
		}
		e := envEntry(name, "")
		ynAppend(env, e)
		ctxEntries = append(ctxEntries, e)
	}
	vars := f.contextVars(env)
	for _, e := range ctxEntries {
		name := ynScalar(ynGet(e, "name"))
		if !ynIsNull(ynGet(e, "valueFrom")) {
			return fmt.Errorf("%s comes from valueFrom; floe cannot extend it", name)
		}
		cur := ynScalar(ynGet(e, "value"))
		next, err := extendContainerContext(cur, vars, f.ConfigMapName)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if next != cur {
			ynSet(e, "value", ynStr(next))
		}
	}
	return nil
}

// ctxVar is one variable to carry into the container context.
type ctxVar struct {
	name      string
	value     string
	valueFrom any // set instead of value when the container takes it from valueFrom
	enforce   bool
}

// contextVars lists the telemetry variables with the values the container
// ends up with: Enforce values, and for Defaults whatever the container
// itself sets (literal or valueFrom), falling back to the default.
func (f Telemetry) contextVars(env *yaml.Node) []ctxVar {
	out := make([]ctxVar, 0, len(f.Enforce)+len(f.Defaults))
	for _, e := range f.Enforce {
		out = append(out, ctxVar{name: e.Name, value: e.Value, enforce: true})
	}
	for _, d := range f.Defaults {
		v := ctxVar{name: d.Name, value: d.Value}
		if i := envIndex(env, d.Name); i >= 0 {
			item := env.Content[i]
			v.value = ynScalar(ynGet(item, "value"))
			if vf := ynGet(item, "valueFrom"); vf != nil && !ynIsNull(vf) {
				var decoded any
				if err := vf.Decode(&decoded); err == nil {
					v.valueFrom = decoded
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// dagsterServerContextVar names the context variable to create for a
// container whose command and args run a Dagster code server, or "".
func dagsterServerContextVar(c *yaml.Node) string {
	var toks []string
	for _, key := range [2]string{"command", "args"} {
		seq := ynGet(c, key)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, s := range seq.Content {
			if s.Kind != yaml.ScalarNode {
				continue
			}
			if strings.IndexByte(s.Value, ' ') < 0 && strings.IndexByte(s.Value, '\t') < 0 && strings.IndexByte(s.Value, '\n') < 0 {
				toks = append(toks, s.Value)
			} else {
				toks = append(toks, strings.Fields(s.Value)...) // e.g. ["sh", "-c", "dagster api grpc …"]
			}
		}
	}
	for i := 0; i+2 < len(toks); i++ {
		if t := toks[i]; t != "dagster" && !strings.HasSuffix(t, "/dagster") {
			continue
		}
		switch {
		case toks[i+1] == "api" && toks[i+2] == "grpc":
			return DagsterGRPCContext
		case toks[i+1] == "code-server" && toks[i+2] == "start":
			return DagsterContext
		}
	}
	return ""
}

// extendContainerContext adds vars to the k8s.env list of a Dagster container
// context (dagster-k8s K8sContainerContext) and, when configMap is set, to
// k8s.env_config_maps. A variable counts as present when k8s.env or
// k8s.env_vars ("NAME=value" strings) carries it: Enforce variables are
// rewritten in place, Defaults left alone. Other keys are kept. The result is
// compact JSON with sorted keys; an unchanged context is returned verbatim.
func extendContainerContext(raw string, vars []ctxVar, configMap string) (string, error) {
	root := map[string]any{}
	if strings.TrimSpace(raw) != "" {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return "", fmt.Errorf("invalid container context JSON: %w", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return "", errors.New("invalid container context JSON: data after the object")
		}
		switch t := v.(type) {
		case map[string]any:
			root = t
		case nil:
		default:
			return "", fmt.Errorf("container context is a JSON %s, want an object", jsonType(v))
		}
	}
	k8s, err := jsonObject(root, "k8s")
	if err != nil {
		return "", err
	}
	envList, err := jsonList(k8s, "env")
	if err != nil {
		return "", err
	}
	envVars, err := jsonList(k8s, "env_vars")
	if err != nil {
		return "", err
	}
	changed := false
	for _, v := range vars {
		found := false
		for _, item := range envList {
			m, ok := item.(map[string]any)
			if !ok || m["name"] != v.name {
				continue
			}
			found = true
			if v.enforce && !isLiteral(m, v.value) {
				delete(m, "valueFrom")
				delete(m, "value_from")
				m["value"] = v.value
				changed = true
			}
		}
		for i, item := range envVars {
			s, ok := item.(string)
			if !ok {
				continue
			}
			name, _, _ := strings.Cut(s, "=")
			if name != v.name {
				continue
			}
			found = true
			if want := v.name + "=" + v.value; v.enforce && s != want {
				envVars[i] = want
				changed = true
			}
		}
		if found {
			continue
		}
		entry := map[string]any{"name": v.name}
		if v.valueFrom != nil {
			entry["valueFrom"] = v.valueFrom
		} else {
			entry["value"] = v.value
		}
		envList = append(envList, entry)
		changed = true
	}
	if configMap != "" {
		cms, err := jsonList(k8s, "env_config_maps")
		if err != nil {
			return "", err
		}
		has := false
		for _, c := range cms {
			if c == configMap {
				has = true
			}
		}
		if !has {
			k8s["env_config_maps"] = append(cms, configMap)
			changed = true
		}
	}
	if !changed && raw != "" {
		return raw, nil
	}
	if len(envList) > 0 {
		k8s["env"] = envList
	}
	if envVars != nil {
		k8s["env_vars"] = envVars
	}
	root["k8s"] = k8s
	return encodeContainerContext(root)
}

// isLiteral reports whether an env dict already holds exactly value.
func isLiteral(m map[string]any, value string) bool {
	if _, ok := m["valueFrom"]; ok {
		return false
	}
	if _, ok := m["value_from"]; ok {
		return false
	}
	s, ok := m["value"].(string)
	return ok && s == value
}

// jsonList returns m[key] as a list (nil when absent or null).
func jsonList(m map[string]any, key string) ([]any, error) {
	switch t := m[key].(type) {
	case []any:
		return t, nil
	case nil:
		return nil, nil
	default:
		return nil, fmt.Errorf("container context k8s.%s is a JSON %s, want a list", key, jsonType(t))
	}
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
