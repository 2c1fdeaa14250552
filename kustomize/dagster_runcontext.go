package kustomize

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DagsterRunContext is the one builder of what a Dagster code server hands to the run pods
// Dagster's K8sRunLauncher creates from it (D-RND-24). For every container of a selected
// workload that carries a literal container context (DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT,
// DAGSTER_CONTAINER_CONTEXT), the context gets what the code server's own pod has, as
// dagster-k8s reads it (snake_case):
//
//   - env: the container's env (literal and valueFrom), in its order, the context
//     variables themselves left out; env_config_maps and env_secrets: its envFrom sources;
//   - volumes and volume_mounts: the container's mounts of emptyDir, configMap, secret,
//     projected and downwardAPI volumes (its writable /tmp and Dagster storage among them);
//   - service_account_name, image_pull_secrets, namespace, image_pull_policy, resources and
//     the container's security_context;
//   - run_k8s_config.pod_spec_config: the pod's automount_service_account_token and
//     security_context, and its nodeSelector, tolerations, affinity and priorityClassName;
//   - labels: the pod template's labels without the workload's selector labels (a run pod
//     must never match the code server's Service), then Labels.
//
// What it sets replaces the context's own value; every other key of the context is kept,
// run_k8s_config.container_config included, so a weakening there stays visible to the
// policy gate, which judges the run pod built from the whole context (D-GATE-08).
// A context that is absent, empty or comes from valueFrom is not created or read:
// absent or empty means the chart does not hand a context to runs.
type DagsterRunContext struct {
	// Labels are set on run pods over the code server's pod labels.
	Labels map[string]string `yaml:"labels,omitempty"`
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = DagsterRunContext{}

// Filter implements kio.Filter.
func (f DagsterRunContext) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		seq := ynGet(w.spec, "containers")
		if seq == nil || seq.Kind != yaml.SequenceNode {
			return nil
		}
		for _, c := range seq.Content {
			err := eachDagsterContext(c, func(name, raw string) (string, error) {
				return buildRunContext(raw, w, c, f.Labels)
			})
			if err != nil {
				return fmt.Errorf("dagster run context: %s: container %q: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nodes, nil
}

// runContextVolumes are the volume sources copied from the code server to its runs:
// per-pod scratch and configuration, never a claim or a host path.
var runContextVolumes = []string{"emptyDir", "configMap", "secret", "projected", "downwardAPI"}

// runContextPodFields are the pod spec fields (scheduling) copied to run_k8s_config.
var runContextPodFields = []string{"nodeSelector", "tolerations", "affinity", "priorityClassName"}

func buildRunContext(raw string, w workload, c *yaml.Node, labels map[string]string) (string, error) {
	root, err := decodeContainerContext(raw)
	if err != nil {
		return "", err
	}
	if root == nil {
		root = map[string]any{}
	}
	k8s, err := jsonObject(root, "k8s")
	if err != nil {
		return "", err
	}
	b := runContext{k8s: k8s}
	if err := b.env(c); err != nil {
		return "", err
	}
	if err := b.volumes(w.spec, c); err != nil {
		return "", err
	}
	b.set("service_account_name", ynGet(w.spec, "serviceAccountName"))
	b.set("image_pull_secrets", ynGet(w.spec, "imagePullSecrets"))
	b.set("namespace", ynPath(w.obj, "metadata", "namespace"))
	b.set("image_pull_policy", ynGet(c, "imagePullPolicy"))
	b.set("resources", ynGet(c, "resources"))
	b.set("security_context", ynGet(c, "securityContext"))
	run, err := jsonObject(k8s, "run_k8s_config")
	if err != nil {
		return "", err
	}
	pod, err := jsonObject(run, "pod_spec_config")
	if err != nil {
		return "", err
	}
	pb := runContext{k8s: pod}
	pb.set("automount_service_account_token", ynGet(w.spec, "automountServiceAccountToken"))
	pb.set("security_context", ynGet(w.spec, "securityContext"))
	for _, field := range runContextPodFields {
		pb.set(snakeCase(field), ynGet(w.spec, field))
	}
	if b.err == nil {
		b.err = pb.err
	}
	if len(pod) > 0 {
		run["pod_spec_config"] = pod
	}
	if len(run) > 0 {
		k8s["run_k8s_config"] = run
	}
	if err := b.labels(w, labels); err != nil {
		return "", err
	}
	if b.err != nil {
		return "", b.err
	}
	root["k8s"] = k8s
	return encodeContainerContext(root)
}

// runContext writes fields of one object of a container context.
type runContext struct {
	k8s map[string]any
	err error
}

// set writes the snake_case form of the node's value at key (absent nodes leave the key
// alone) and drops the key's camelCase twin, which dagster-k8s would read as the same field.
func (b *runContext) set(key string, n *yaml.Node) {
	if ynIsNull(n) || b.err != nil {
		return
	}
	var v any
	if err := n.Decode(&v); err != nil {
		b.err = fmt.Errorf("%s: %w", key, err)
		return
	}
	if twin := camelCase(key); twin != key {
		delete(b.k8s, twin)
	}
	b.k8s[key] = snakeKeys(v)
}

// env sets k8s.env from the container's env and adds its envFrom sources.
func (b *runContext) env(c *yaml.Node) error {
	current, err := jsonList(b.k8s, "env")
	if err != nil {
		return err
	}
	var env []any
	seen := map[string]bool{}
	if seq := ynGet(c, "env"); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, item := range seq.Content {
			name := ynScalar(ynGet(item, "name"))
			if name == "" || name == DagsterGRPCContext || name == DagsterContext {
				continue
			}
			var v any
			if err := item.Decode(&v); err != nil {
				return fmt.Errorf("env %s: %w", name, err)
			}
			env = append(env, snakeKeys(v))
			seen[name] = true
		}
	}
	for _, item := range current {
		if m, ok := item.(map[string]any); ok && seen[fmt.Sprint(m["name"])] {
			continue
		}
		env = append(env, item)
	}
	if len(env) > 0 {
		b.k8s["env"] = env
	}
	seq := ynGet(c, "envFrom")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	for _, src := range [][2]string{{"configMapRef", "env_config_maps"}, {"secretRef", "env_secrets"}} {
		list, err := jsonList(b.k8s, src[1])
		if err != nil {
			return err
		}
		have := map[any]bool{}
		for _, name := range list {
			have[name] = true
		}
		for _, item := range seq.Content {
			if name := ynScalar(ynPath(item, src[0], "name")); name != "" && !have[name] {
				have[name] = true
				list = append(list, name)
			}
		}
		if len(list) > 0 {
			b.k8s[src[1]] = list
		}
	}
	return nil
}

// volumes sets the container's mounts of per-pod volumes, and those volumes, in
// k8s.volume_mounts and k8s.volumes (replacing entries of the same name).
func (b *runContext) volumes(spec, c *yaml.Node) error {
	pod := map[string]*yaml.Node{}
	if seq := ynGet(spec, "volumes"); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, v := range seq.Content {
			pod[ynScalar(ynGet(v, "name"))] = v
		}
	}
	mounts := ynGet(c, "volumeMounts")
	if mounts == nil || mounts.Kind != yaml.SequenceNode {
		return nil
	}
	var copied [2][]any // volume_mounts, volumes
	names := map[any]bool{}
	for _, m := range mounts.Content {
		name := ynScalar(ynGet(m, "name"))
		vol := pod[name]
		if vol == nil || names[name] || !slices.ContainsFunc(runContextVolumes, func(s string) bool { return ynGet(vol, s) != nil }) {
			continue
		}
		names[name] = true
		for i, node := range [2]*yaml.Node{m, vol} {
			var v any
			if err := node.Decode(&v); err != nil {
				return fmt.Errorf("volume %s: %w", name, err)
			}
			copied[i] = append(copied[i], snakeKeys(v))
		}
	}
	if len(names) == 0 {
		return nil
	}
	for i, key := range [2]string{"volume_mounts", "volumes"} {
		list, err := jsonList(b.k8s, key)
		if err != nil {
			return err
		}
		list = slices.DeleteFunc(list, func(item any) bool { // replaced by the code server's
			o, ok := item.(map[string]any)
			return ok && names[o["name"]]
		})
		b.k8s[key] = append(list, copied[i]...)
	}
	return nil
}

// labels sets k8s.labels: the context's, then the pod template's without the workload's
// selector labels, then extra.
func (b *runContext) labels(w workload, extra map[string]string) error {
	out := map[string]any{}
	switch cur := b.k8s["labels"].(type) {
	case map[string]any:
		maps.Copy(out, cur)
	case nil:
	default:
		return errors.New("container context k8s.labels is not an object")
	}
	selector := ynStringMap(ynPath(w.obj, "spec", "selector", "matchLabels"))
	if ynScalar(ynGet(w.obj, "kind")) == "Job" || ynScalar(ynGet(w.obj, "kind")) == "CronJob" {
		selector = nil
	}
	for k, v := range ynStringMap(ynPath(w.tmpl, "metadata", "labels")) {
		if _, sel := selector[k]; !sel {
			out[k] = v
		}
	}
	for k, v := range extra {
		out[k] = v
	}
	if len(out) > 0 {
		b.k8s["labels"] = out
	}
	return nil
}

// jsonObject returns m[key] as an object, creating it when absent.
func jsonObject(m map[string]any, key string) (map[string]any, error) {
	switch t := m[key].(type) {
	case map[string]any:
		return t, nil
	case nil:
		return map[string]any{}, nil
	default:
		return nil, fmt.Errorf("container context %s is a JSON %s, want an object", key, jsonType(t))
	}
}

// freeFormMaps hold user keys (label names, resource names) that are never renamed.
var freeFormMaps = map[string]bool{"labels": true, "annotations": true, "limits": true, "requests": true,
	"nodeSelector": true, "node_selector": true, "volumeAttributes": true, "volume_attributes": true,
	"matchLabels": true, "match_labels": true}

// snakeKeys renames the Kubernetes camelCase keys of a decoded value to dagster-k8s'
// snake_case, leaving the keys of free-form maps alone.
func snakeKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if freeFormMaps[k] {
				out[snakeCase(k)] = val
				continue
			}
			out[snakeCase(k)] = snakeKeys(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = snakeKeys(val)
		}
		return out
	}
	return v
}

// snakeCase spells a Kubernetes field name as the Kubernetes Python client does:
// runAsNonRoot → run_as_non_root, hostPID → host_pid, downwardAPI → downward_api.
func snakeCase(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camelCase is the Kubernetes spelling of a snake_case key (without the acronyms, which
// the keys set here do not have).
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
