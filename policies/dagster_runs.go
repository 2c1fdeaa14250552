package policies

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/floe-dev/floe/diag"
)

// The gate judges the run pods Dagster will launch, not only the code servers that hand
// them their settings (D-GATE-08). DagsterRuns builds, from every literal Dagster
// container context in a stream, the Job that dagster-k8s' K8sRunLauncher creates for a
// run of that code location, and the gate checks those Jobs next to the stream's own
// objects. The launcher's shape:
//
//   - the context's top-level fields become a base run config: volume_mounts, resources,
//     image_pull_policy, env_config_maps and env_secrets (envFrom), env_vars and env
//     (env), security_context go to the container; volumes, image_pull_secrets,
//     service_account_name, scheduler_name to the pod spec; labels to the pod template's
//     and the Job's metadata;
//   - run_k8s_config (container_config, pod_spec_config, pod_template_spec_metadata,
//     job_config, job_metadata, job_spec_config) is merged over it, field by field
//     (SHALLOW, the default: a field it sets replaces the base's, volume_mounts and env
//     included) or recursively with lists appended (merge_behavior DEEP);
//   - the Job: container "dagster" (unless container_config names it) running the code
//     location's image (DAGSTER_CURRENT_IMAGE, else the code server's image), env
//     DAGSTER_HOME (the launcher's, Dagster's default here) then the context's;
//     restartPolicy Never; automountServiceAccountToken as pod_spec_config says, true
//     when it says nothing; Dagster's own labels (part-of dagster, component run_worker,
//     the code location) under the context's; backoffLimit 0; the context's namespace.
//
// The platform's own run launcher settings are not known here; they only apply where
// the code location's context sets nothing. Keys are read in dagster-k8s' snake_case
// and in Kubernetes' camelCase, and judged in camelCase.

// DagsterRunAnnotation marks the Jobs DagsterRuns builds; its value names the workload
// that hands them its container context.
const DagsterRunAnnotation = "floe.dev/dagster-run-of"

// dagsterContextVars are the variables a code server reads its container context from.
var dagsterContextVars = []string{"DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT", "DAGSTER_CONTAINER_CONTEXT"}

// dagsterHomeDefault is DAGSTER_HOME in run pods when the context sets none: Dagster's
// default, and the official chart's.
const dagsterHomeDefault = "/opt/dagster/dagster_home"

// maxContextDepth bounds the nesting of a container context.
const maxContextDepth = 64

// DagsterRuns returns the run Jobs of every Dagster code server in objs, each located
// at its code server (File, Line) and carrying an Origin that names the code location.
// A context that is not valid JSON, or is not an object, is an error naming the object.
func DagsterRuns(objs []Object) ([]Object, error) {
	var out []Object
	for _, o := range objs {
		tmpl := podTemplate(o.Value)
		spec, _ := tmpl["spec"].(map[string]any)
		containers, _ := spec["containers"].([]any)
		for _, item := range containers {
			c, _ := item.(map[string]any)
			env, _ := c["env"].([]any)
			for _, e := range env {
				em, _ := e.(map[string]any)
				name, _ := em["name"].(string)
				raw, _ := em["value"].(string)
				if !slices.Contains(dagsterContextVars, name) || strings.TrimSpace(raw) == "" {
					continue
				}
				job, codeLocation, err := dagsterRunJob(o, tmpl, c, raw)
				if err != nil {
					return nil, diag.Usage(fmt.Errorf("%s: %s: container %q: %s: %w", location(o), o.Resource(), c["name"], name, err))
				}
				if job == nil {
					continue
				}
				out = append(out, Object{File: o.File, Line: o.Line, Doc: o.Doc, Value: job,
					Origin: fmt.Sprintf("run pod Dagster launches for code location %q (from %s, container %q, %s)", codeLocation, o.Resource(), c["name"], name)})
			}
		}
	}
	return out, nil
}

// podTemplate is the pod template of a workload object (the object itself for a Pod).
func podTemplate(obj map[string]any) map[string]any {
	kind, _ := obj["kind"].(string)
	spec, _ := obj["spec"].(map[string]any)
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job":
		t, _ := spec["template"].(map[string]any)
		return t
	case "CronJob":
		jt, _ := spec["jobTemplate"].(map[string]any)
		js, _ := jt["spec"].(map[string]any)
		t, _ := js["template"].(map[string]any)
		return t
	case "Pod":
		return obj
	}
	return nil
}

// runConfig is dagster-k8s' UserDefinedDagsterK8sConfig, keys in camelCase.
type runConfig map[string]map[string]any

var runSections = [][2]string{
	{"container_config", "containerConfig"}, {"pod_spec_config", "podSpecConfig"},
	{"pod_template_spec_metadata", "podTemplateSpecMetadata"}, {"job_config", "jobConfig"},
	{"job_metadata", "jobMetadata"}, {"job_spec_config", "jobSpecConfig"},
}

// dagsterRunJob builds the run Job of one context; nil when the context is JSON null.
func dagsterRunJob(o Object, tmpl, c map[string]any, raw string) (map[string]any, string, error) {
	meta, _ := tmpl["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	location, _ := labels["deployment"].(string)
	if location == "" {
		location = o.Name()
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, location, fmt.Errorf("invalid container context JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, location, errors.New("invalid container context JSON: data after the object")
	}
	if v == nil {
		return nil, location, nil
	}
	ctx, ok := v.(map[string]any)
	if !ok {
		return nil, location, errors.New("container context is not a JSON object")
	}
	k8s := map[string]any{}
	if raw, ok := ctx["k8s"]; ok && raw != nil {
		if k8s, ok = raw.(map[string]any); !ok {
			return nil, location, errors.New("container context k8s is not an object")
		}
	}
	base, err := baseRunConfig(ctx, k8s)
	if err != nil {
		return nil, location, err
	}
	run, deep, err := userRunConfig(k8s)
	if err != nil {
		return nil, location, err
	}
	merged := runConfig{}
	for _, s := range runSections {
		if deep {
			merged[s[0]] = deepMerge(clone(base[s[0]]), run[s[0]])
		} else {
			merged[s[0]] = clone(base[s[0]])
			maps.Copy(merged[s[0]], run[s[0]])
		}
	}
	image := c["image"]
	if env, _ := c["env"].([]any); env != nil {
		for _, e := range env {
			if em, _ := e.(map[string]any); em["name"] == "DAGSTER_CURRENT_IMAGE" {
				if s, ok := em["value"].(string); ok && s != "" {
					image = s
				}
			}
		}
	}
	job := runJob(merged, image, location, o.Resource())
	if ns, ok := k8s["namespace"].(string); ok && ns != "" {
		job["metadata"].(map[string]any)["namespace"] = ns
	}
	return job, location, nil
}

// baseRunConfig is the run config of the context's top-level fields.
func baseRunConfig(ctx, k8s map[string]any) (runConfig, error) {
	rc := runConfig{}
	for _, s := range runSections {
		rc[s[0]] = map[string]any{}
	}
	cc, ps := rc["container_config"], rc["pod_spec_config"]
	var err error
	set := func(m map[string]any, key, field string) {
		v, ok := k8s[field]
		if !ok || v == nil || err != nil || empty(v) {
			return
		}
		m[key], err = camelKeys(v, 0)
	}
	set(cc, "volumeMounts", "volume_mounts")
	set(cc, "resources", "resources")
	set(ps, "imagePullSecrets", "image_pull_secrets")
	set(ps, "volumes", "volumes")
	set(cc, "imagePullPolicy", "image_pull_policy")
	set(ps, "serviceAccountName", "service_account_name")
	set(ps, "schedulerName", "scheduler_name")
	set(cc, "securityContext", "security_context")
	if err != nil {
		return nil, err
	}
	if labels, ok := k8s["labels"].(map[string]any); ok && len(labels) > 0 {
		rc["pod_template_spec_metadata"]["labels"] = labels
		rc["job_metadata"]["labels"] = labels
	}
	var envFrom []any
	for _, src := range [][2]string{{"env_config_maps", "configMapRef"}, {"env_secrets", "secretRef"}} {
		list, _ := k8s[src[0]].([]any)
		for _, name := range list {
			envFrom = append(envFrom, map[string]any{src[1]: map[string]any{"name": name}})
		}
	}
	if len(envFrom) > 0 {
		cc["envFrom"] = envFrom
	}
	var env []any
	for _, from := range []map[string]any{ctx, k8s} {
		list, _ := from["env_vars"].([]any)
		for _, item := range list {
			s, _ := item.(string)
			name, value, literal := strings.Cut(s, "=")
			e := map[string]any{"name": name}
			if literal {
				e["value"] = value
			}
			env = append(env, e)
		}
	}
	list, _ := k8s["env"].([]any)
	for _, item := range list {
		e, err := camelKeys(item, 0)
		if err != nil {
			return nil, err
		}
		env = append(env, e)
	}
	if len(env) > 0 {
		cc["env"] = env
	}
	return rc, nil
}

// userRunConfig is k8s.run_k8s_config in camelCase, and whether it merges DEEP.
func userRunConfig(k8s map[string]any) (runConfig, bool, error) {
	rc := runConfig{}
	raw, err := eitherKey(k8s, "run_k8s_config", "runK8sConfig")
	if err != nil {
		return nil, false, err
	}
	run, _ := raw.(map[string]any)
	for _, s := range runSections {
		v, err := eitherKey(run, s[0], s[1])
		if err != nil {
			return nil, false, err
		}
		conv, err := camelKeys(v, 0)
		if err != nil {
			return nil, false, err
		}
		m, _ := conv.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		rc[s[0]] = m
	}
	behavior, _ := eitherKey(run, "merge_behavior", "mergeBehavior")
	return rc, behavior == "DEEP", nil
}

// eitherKey is m's value under the snake_case or the camelCase spelling of a field;
// both at once is ambiguous and refused.
func eitherKey(m map[string]any, snake, camel string) (any, error) {
	a, hasA := m[snake]
	b, hasB := m[camel]
	if hasA && hasB {
		return nil, fmt.Errorf("container context sets both %s and %s", snake, camel)
	}
	if hasB {
		return b, nil
	}
	return a, nil
}

// runJob is construct_dagster_k8s_job's Job for one merged run config.
func runJob(rc runConfig, image any, location, from string) map[string]any {
	cc := clone(rc["container_config"])
	name := pop(cc, "name", "dagster")
	if img := pop(cc, "image", nil); img != nil {
		image = img
	}
	userEnv, _ := pop(cc, "env", nil).([]any)
	container := cc
	container["name"] = name
	container["image"] = image
	container["args"] = []any{"dagster", "api", "execute_run"}
	container["env"] = append([]any{map[string]any{"name": "DAGSTER_HOME", "value": dagsterHomeDefault}}, userEnv...)
	for _, k := range []string{"envFrom", "volumeMounts", "resources", "securityContext", "imagePullPolicy"} {
		if empty(container[k]) {
			delete(container, k)
		}
	}

	ps := clone(rc["pod_spec_config"])
	spec := map[string]any{"restartPolicy": "Never"}
	userContainers, _ := pop(ps, "containers", nil).([]any)
	automount := pop(ps, "automountServiceAccountToken", true)
	maps.Copy(spec, ps)
	spec["automountServiceAccountToken"] = automount
	spec["containers"] = append([]any{container}, userContainers...)
	for _, k := range []string{"imagePullSecrets", "volumes", "serviceAccountName", "schedulerName"} {
		if empty(spec[k]) {
			delete(spec, k)
		}
	}

	jobName := runJobName(location)
	common := map[string]any{
		"app.kubernetes.io/name": "dagster", "app.kubernetes.io/instance": "dagster",
		"app.kubernetes.io/part-of": "dagster", "app.kubernetes.io/component": "run_worker",
		"dagster/code-location": labelValue(location),
	}
	podMeta := clone(rc["pod_template_spec_metadata"])
	podLabels, _ := pop(podMeta, "labels", nil).(map[string]any)
	podMeta["name"] = jobName
	podMeta["labels"] = union(common, podLabels)

	jobSpec := map[string]any{"ttlSecondsAfterFinished": int64(86400), "backoffLimit": int64(0)}
	maps.Copy(jobSpec, rc["job_spec_config"])
	jobSpec["template"] = map[string]any{"metadata": podMeta, "spec": spec}

	jobMeta := clone(rc["job_metadata"])
	jobLabels, _ := pop(jobMeta, "labels", nil).(map[string]any)
	delete(jobMeta, "namespace") // the Job is created in the context's namespace
	jobMeta["name"] = jobName
	jobMeta["labels"] = union(common, jobLabels)
	annotations, _ := jobMeta["annotations"].(map[string]any)
	jobMeta["annotations"] = union(annotations, map[string]any{DagsterRunAnnotation: from})

	job := clone(rc["job_config"])
	job["apiVersion"] = "batch/v1"
	job["kind"] = "Job"
	job["metadata"] = jobMeta
	job["spec"] = jobSpec
	return job
}

// runJobName names a run Job after its code location (Dagster names it after the run).
func runJobName(location string) string {
	name := "dagster-run-" + labelValue(strings.ToLower(location))
	if len(name) > 63 {
		name = name[:63]
	}
	return strings.TrimRight(name, "-_.")
}

// labelValue keeps the characters a label value may hold, at most 63 of them, as
// dagster-k8s sanitises its label values.
func labelValue(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, s)
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.Trim(s, "-_.")
}

// freeForm are the fields whose keys are user data (label names, resource names).
var freeForm = map[string]bool{"labels": true, "annotations": true, "limits": true, "requests": true,
	"nodeSelector": true, "volumeAttributes": true, "matchLabels": true, "data": true, "parameters": true}

// acronyms are the Kubernetes field names camel-casing does not spell.
var acronyms = map[string]string{"host_pid": "hostPID", "host_ipc": "hostIPC", "downward_api": "downwardAPI", "scale_io": "scaleIO"}

// camelCase is the Kubernetes spelling of a dagster-k8s snake_case key.
func camelCase(s string) string {
	if a, ok := acronyms[s]; ok {
		return a
	}
	if !strings.Contains(s, "_") {
		return s
	}
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// camelKeys copies a decoded value with its keys in camelCase (free-form maps keep
// theirs). Two spellings of one key in one object are refused.
func camelKeys(v any, depth int) (any, error) {
	if depth > maxContextDepth {
		return nil, errors.New("container context nests too deeply")
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for _, k := range slices.Sorted(maps.Keys(t)) {
			ck := camelCase(k)
			if _, dup := out[ck]; dup {
				return nil, fmt.Errorf("container context sets %s twice (as %s and in another spelling)", ck, k)
			}
			if freeForm[ck] {
				out[ck] = t[k]
				continue
			}
			val, err := camelKeys(t[k], depth+1)
			if err != nil {
				return nil, err
			}
			out[ck] = val
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, item := range t {
			val, err := camelKeys(item, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	}
	return v, nil
}

// deepMerge is dagster-k8s' DEEP merge: objects merge recursively, lists are appended
// without repeating an item (command and args are replaced), other values replaced.
func deepMerge(onto, from map[string]any) map[string]any {
	for k, fv := range from {
		ov, ok := onto[k]
		if !ok {
			onto[k] = fv
			continue
		}
		switch f := fv.(type) {
		case []any:
			o, isList := ov.([]any)
			if !isList || k == "command" || k == "args" {
				onto[k] = f
				continue
			}
			merged := slices.Clone(o)
			seen := make(map[string]bool, len(o)+len(f))
			for _, item := range o {
				seen[jsonKey(item)] = true
			}
			for _, item := range f {
				if key := jsonKey(item); !seen[key] {
					seen[key] = true
					merged = append(merged, item)
				}
			}
			onto[k] = merged
		case map[string]any:
			if o, isMap := ov.(map[string]any); isMap {
				onto[k] = deepMerge(clone(o), f)
			} else {
				onto[k] = f
			}
		default:
			onto[k] = fv
		}
	}
	return onto
}

// jsonKey is v's JSON (sorted keys): equal values, equal keys. Deduplicating with it
// keeps a DEEP merge linear in the size of the lists.
func jsonKey(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%p", &v) // never equal to another item
	}
	return string(b)
}

// pop removes m[key] and returns it, or def when absent or null.
func pop(m map[string]any, key string, def any) any {
	v, ok := m[key]
	delete(m, key)
	if !ok || v == nil {
		return def
	}
	return v
}

// clone is a shallow copy of m (never nil).
func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	maps.Copy(out, m)
	return out
}

// union is a copy of a with b's entries over it.
func union(a, b map[string]any) map[string]any {
	out := clone(a)
	maps.Copy(out, b)
	return out
}

// empty reports an absent, null or empty value, which dagster-k8s leaves unset.
func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}
