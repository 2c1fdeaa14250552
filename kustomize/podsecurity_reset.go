package kustomize

import (
	"slices"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Resets of the weakenings a chart or an overlay can write into a pod, each to the
// restricted value. A value already restricted is left byte for byte as it was.

// resetPod takes back the pod-level weakenings: host namespaces, a root or
// non-enforced user, Unconfined seccomp and AppArmor profiles, SELinux user, role
// and unusual types, Windows host processes.
func resetPod(spec *yaml.Node, windows bool) {
	for _, host := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if weakTrue(ynGet(spec, host)) {
			ynDel(spec, host)
		}
	}
	sc := ynChildMap(spec, "securityContext", false)
	if sc == nil {
		return
	}
	resetCommon(sc, windows)
	if !windows && rootUser(ynGet(sc, "runAsUser")) {
		ynSet(sc, "runAsUser", ynInt("1000"))
	}
}

// resetContainer takes back the container-level weakenings: privileged, added
// capabilities (NET_BIND_SERVICE, which restricted allows, is kept), a drop list
// without ALL, privilege escalation, host ports, procMount, and what resetCommon
// covers. A container's root runAsUser is removed so the pod's applies.
func resetContainer(c *yaml.Node, windows bool) {
	if ports := ynGet(c, "ports"); ports != nil && ports.Kind == yaml.SequenceNode {
		for _, p := range ports.Content {
			ynDel(p, "hostPort")
			ynDel(p, "hostIP")
		}
	}
	sc := ynChildMap(c, "securityContext", false)
	if sc == nil {
		return
	}
	if weakTrue(ynGet(sc, "privileged")) {
		ynSet(sc, "privileged", ynBool(false))
	}
	if weakTrue(ynGet(sc, "allowPrivilegeEscalation")) {
		ynSet(sc, "allowPrivilegeEscalation", ynBool(false))
	}
	if pm := ynGet(sc, "procMount"); !ynIsNull(pm) && ynScalar(pm) != "Default" {
		ynDel(sc, "procMount")
	}
	resetCommon(sc, windows)
	if windows {
		return
	}
	if rootUser(ynGet(sc, "runAsUser")) {
		ynDel(sc, "runAsUser")
	}
	if caps := ynChildMap(sc, "capabilities", false); caps != nil {
		resetCapabilities(caps)
	}
}

// resetCapabilities keeps only NET_BIND_SERVICE among added capabilities and makes
// the drop list hold ALL.
func resetCapabilities(caps *yaml.Node) {
	if add := ynGet(caps, "add"); !ynIsNull(add) {
		kept := ynNewSeq()
		if add.Kind == yaml.SequenceNode {
			kept.Style = add.Style
			for _, c := range add.Content {
				if ynScalar(c) == "NET_BIND_SERVICE" {
					kept.Content = append(kept.Content, c)
				}
			}
		}
		switch {
		case len(kept.Content) == 0:
			ynDel(caps, "add")
		case add.Kind != yaml.SequenceNode || len(kept.Content) != len(add.Content):
			ynSet(caps, "add", kept)
		}
	}
	drop := ynGet(caps, "drop")
	switch {
	case ynIsNull(drop):
	case drop.Kind != yaml.SequenceNode:
		ynSet(caps, "drop", dropAll())
	case !slices.ContainsFunc(drop.Content, func(n *yaml.Node) bool { return ynScalar(n) == "ALL" }):
		ynAppend(drop, ynStr("ALL"))
	}
}

// resetCommon takes back what pod and container security contexts share.
func resetCommon(sc *yaml.Node, windows bool) {
	if wo := ynChildMap(sc, "windowsOptions", false); wo != nil && weakTrue(ynGet(wo, "hostProcess")) {
		ynDel(wo, "hostProcess")
		delIfEmpty(sc, "windowsOptions")
	}
	if se := ynChildMap(sc, "seLinuxOptions", false); se != nil && len(se.Content) > 0 {
		ynDel(se, "user")
		ynDel(se, "role")
		if t := ynGet(se, "type"); !ynIsNull(t) && !slices.Contains(seLinuxTypes, ynScalar(t)) {
			ynDel(se, "type")
		}
		delIfEmpty(sc, "seLinuxOptions")
	}
	if windows {
		return
	}
	if v := ynGet(sc, "runAsNonRoot"); !ynIsNull(v) && ynScalar(v) != "true" {
		ynSet(sc, "runAsNonRoot", ynBool(true))
	}
	for _, key := range []string{"seccompProfile", "appArmorProfile"} {
		p := ynChildMap(sc, key, false)
		if p == nil {
			continue
		}
		switch ynScalar(ynGet(p, "type")) {
		case "RuntimeDefault", "Localhost", "":
		default:
			ynSet(p, "type", ynStr("RuntimeDefault"))
			ynDel(p, "localhostProfile")
		}
	}
}

// delIfEmpty removes key from m when a reset left its mapping empty.
func delIfEmpty(m *yaml.Node, key string) {
	if v := ynGet(m, key); ynIsMap(v) && len(v.Content) == 0 {
		ynDel(m, key)
	}
}

// seLinuxTypes are the SELinux types the baseline profile allows.
var seLinuxTypes = []string{"container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

// weakTrue reports whether a boolean that must be false (or absent) is set to
// anything else: true, or a value the API server would read as true or reject.
func weakTrue(n *yaml.Node) bool {
	return !ynIsNull(n) && ynScalar(n) != "false"
}

// rootUser reports whether a runAsUser value is 0 (or is no user id at all).
func rootUser(n *yaml.Node) bool {
	if ynIsNull(n) {
		return false
	}
	uid, err := strconv.ParseInt(ynScalar(n), 10, 64)
	return err != nil || uid <= 0
}
