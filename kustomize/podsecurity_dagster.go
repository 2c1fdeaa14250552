package kustomize

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/diag"
)

// A Dagster code server hands its container context (DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT,
// DAGSTER_CONTAINER_CONTEXT) to the run pods Dagster launches: the context's
// security_context and run_k8s_config.pod_spec_config become their security settings, its
// volumes their volumes. PodSecurity holds them to the same profile as the pods it
// renders: weakenings are reset, a hostPath volume or an unsafe sysctl is refused. Keys
// are read in dagster-k8s' snake_case and in Kubernetes' camelCase.

// refusal is a field that must be refused and why.
type refusal struct{ path, message string }

// dagsterContexts resets the weakenings of every literal container context of c and
// lists what must be refused, with field paths from the container.
func dagsterContexts(c *yaml.Node) ([]refusal, error) {
	var refused []refusal
	err := eachDagsterContext(c, func(name, raw string) (string, error) {
		next, bad, err := secureContainerContext(raw)
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		for _, b := range bad {
			refused = append(refused, refusal{"env[name=" + name + "].value(json)." + b.path, b.message})
		}
		return next, nil
	})
	if err != nil {
		return nil, err
	}
	return refused, nil
}

// secureContainerContext resets the weakenings of one container context JSON; an
// unchanged context is returned verbatim.
func secureContainerContext(raw string) (string, []refusal, error) {
	root, err := decodeContainerContext(raw)
	if err != nil {
		return "", nil, err
	}
	k8s, _ := root["k8s"].(map[string]any)
	if k8s == nil {
		return raw, nil, nil
	}
	j := &jsonReset{}
	j.containerContext(jsonMap(k8s, "security_context", "securityContext"))
	j.volumes("k8s.volumes", k8s["volumes"])
	if run := jsonMap(k8s, "run_k8s_config", "runK8sConfig"); run != nil {
		if pod := jsonMap(run, "pod_spec_config", "podSpecConfig"); pod != nil {
			j.podSpec(pod)
		}
		if ctr := jsonMap(run, "container_config", "containerConfig"); ctr != nil {
			j.containerContext(jsonMap(ctr, "security_context", "securityContext"))
		}
	}
	if !j.changed {
		return raw, j.refused, nil
	}
	next, err := encodeContainerContext(root)
	if err != nil {
		return "", nil, err
	}
	return next, j.refused, nil
}

// jsonReset resets weakenings in decoded JSON, recording whether it changed anything
// and what it must refuse.
type jsonReset struct {
	changed bool
	refused []refusal
}

func (j *jsonReset) podSpec(pod map[string]any) {
	for _, keys := range [][2]string{{"host_network", "hostNetwork"}, {"host_pid", "hostPID"}, {"host_ipc", "hostIPC"}} {
		for _, k := range keys {
			if v, ok := pod[k]; ok && v != false {
				delete(pod, k)
				j.changed = true
			}
		}
	}
	j.volumes("k8s.run_k8s_config.pod_spec_config.volumes", pod["volumes"])
	sc := jsonMap(pod, "security_context", "securityContext")
	if sc == nil {
		return
	}
	j.common(sc)
	for _, k := range []string{"run_as_user", "runAsUser"} {
		if v, ok := sc[k]; ok && jsonRoot(v) {
			sc[k] = json.Number("1000")
			j.changed = true
		}
	}
	for _, k := range []string{"sysctls"} {
		list, _ := sc[k].([]any)
		for i, s := range list {
			m, _ := s.(map[string]any)
			if name, _ := m["name"].(string); !slices.Contains(safeSysctls, name) {
				j.refused = append(j.refused, refusal{fmt.Sprintf("k8s.run_k8s_config.pod_spec_config.security_context.sysctls[%d]", i),
					fmt.Sprintf("sysctl %q is not a safe sysctl; the restricted pod security floe guarantees forbids it in the pods Dagster launches", diag.Excerpt(name))})
			}
		}
	}
}

func (j *jsonReset) containerContext(sc map[string]any) {
	if sc == nil {
		return
	}
	j.common(sc)
	j.falseKey(sc, "privileged", "privileged")
	j.falseKey(sc, "allow_privilege_escalation", "allowPrivilegeEscalation")
	for _, k := range []string{"proc_mount", "procMount"} {
		if v, ok := sc[k]; ok && v != "Default" {
			delete(sc, k)
			j.changed = true
		}
	}
	for _, k := range []string{"run_as_user", "runAsUser"} {
		if v, ok := sc[k]; ok && jsonRoot(v) {
			delete(sc, k)
			j.changed = true
		}
	}
	caps := sc["capabilities"]
	cm, _ := caps.(map[string]any)
	if cm == nil {
		return
	}
	if add, ok := cm["add"]; ok {
		list, _ := add.([]any)
		kept := []any{}
		for _, c := range list {
			if c == "NET_BIND_SERVICE" {
				kept = append(kept, c)
			}
		}
		if len(kept) == 0 {
			delete(cm, "add")
			j.changed = true
		} else if len(kept) != len(list) {
			cm["add"] = kept
			j.changed = true
		}
	}
	if drop, ok := cm["drop"]; ok {
		list, _ := drop.([]any)
		if !slices.Contains(list, any("ALL")) {
			cm["drop"] = append(list, "ALL")
			j.changed = true
		}
	}
}

// common resets what pod and container security contexts share.
func (j *jsonReset) common(sc map[string]any) {
	for _, k := range []string{"run_as_non_root", "runAsNonRoot"} {
		if v, ok := sc[k]; ok && v != true {
			sc[k] = true
			j.changed = true
		}
	}
	for _, keys := range [][2]string{{"seccomp_profile", "seccompProfile"}, {"app_armor_profile", "appArmorProfile"}} {
		p := jsonMap(sc, keys[0], keys[1])
		if p == nil {
			continue
		}
		switch p["type"] {
		case "RuntimeDefault", "Localhost", nil:
		default:
			p["type"] = "RuntimeDefault"
			delete(p, "localhost_profile")
			delete(p, "localhostProfile")
			j.changed = true
		}
	}
}

func (j *jsonReset) falseKey(m map[string]any, keys ...string) {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != false {
			m[k] = false
			j.changed = true
		}
	}
}

// volumes refuses every volume of a type the restricted profile forbids.
func (j *jsonReset) volumes(path string, v any) {
	list, _ := v.([]any)
	for i, item := range list {
		m, _ := item.(map[string]any)
		sources := slices.Sorted(maps.Keys(m))
		for _, source := range sources {
			if source == "name" || slices.Contains(restrictedVolumes, source) || slices.Contains(restrictedVolumeSnake, source) {
				continue
			}
			j.refused = append(j.refused, refusal{fmt.Sprintf("%s[%d].%s", path, i, diag.Excerpt(source)),
				fmt.Sprintf("a %s volume is not allowed by the restricted pod security floe guarantees in the pods Dagster launches", diag.Excerpt(source))})
		}
	}
}

// restrictedVolumeSnake are restrictedVolumes in dagster-k8s' snake_case.
var restrictedVolumeSnake = []string{"config_map", "downward_api", "empty_dir", "persistent_volume_claim"}

// jsonMap returns the object under the first of keys present.
func jsonMap(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		if v, ok := m[k].(map[string]any); ok {
			return v
		}
	}
	return nil
}

// jsonRoot reports whether a run-as-user value is 0 (or no user id at all).
func jsonRoot(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return v != nil
	}
	uid, err := strconv.ParseInt(n.String(), 10, 64)
	return err != nil || uid <= 0
}
