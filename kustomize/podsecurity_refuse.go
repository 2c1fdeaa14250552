package kustomize

import (
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/diag"
)

// Weakenings that cannot be taken back without changing what the pod does: a volume
// of a type the restricted profile forbids (a hostPath above all) or an unsafe sysctl.

// restrictedVolumes are the volume sources the restricted profile allows.
var restrictedVolumes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
	"persistentVolumeClaim", "projected", "secret"}

// safeSysctls are the sysctls the baseline profile allows.
var safeSysctls = []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}

// refusedFile locates findings in a rendered stream without a file of its own.
const refusedFile = "(rendered)"

// refusePod reports every forbidden volume and unsafe sysctl of a workload.
func refusePod(w workload) diag.List {
	var out diag.List
	at := func(field, format string, args ...any) {
		out = append(out, refusedAt(w, field, fmt.Sprintf(format, args...)))
	}
	if vols := ynGet(w.spec, "volumes"); vols != nil && vols.Kind == yaml.SequenceNode {
		for i, v := range vols.Content {
			if !ynIsMap(v) {
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				source := v.Content[j].Value
				if source == "name" || slices.Contains(restrictedVolumes, source) {
					continue
				}
				if source == "hostPath" {
					at(fmt.Sprintf("volumes[%d].hostPath", i), "a hostPath volume mounts the node's filesystem; the restricted pod security floe guarantees forbids it, and removing it would change what the pod does: use an emptyDir, a ConfigMap or a PersistentVolumeClaim")
					continue
				}
				at(fmt.Sprintf("volumes[%d].%s", i, source), "a %s volume is not allowed by the restricted pod security floe guarantees (allowed: %s)", source, strings.Join(restrictedVolumes, ", "))
			}
		}
	}
	if sysctls := ynPath(w.spec, "securityContext", "sysctls"); sysctls != nil && sysctls.Kind == yaml.SequenceNode {
		for i, s := range sysctls.Content {
			if name := ynScalar(ynGet(s, "name")); !slices.Contains(safeSysctls, name) {
				at(fmt.Sprintf("securityContext.sysctls[%d]", i), "sysctl %q is not a safe sysctl; the restricted pod security floe guarantees forbids it, and removing it would change what the pod does", diag.Excerpt(name))
			}
		}
	}
	return out
}

// refusedAt locates a refused field of a workload's pod spec: the Helm post-render file
// when known, else refusedFile, then the object and the field path.
func refusedAt(w workload, field, message string) diag.Diagnostic {
	file := ynScalar(ynPath(w.obj, "metadata", "annotations", HelmPostRenderFilenameAnnotation))
	if file == "" {
		file = refusedFile
	}
	return diag.Diagnostic{File: file, Path: objectID(w.obj) + ": " + specPath(w) + field, Message: message}
}

// specPath is the field path of the pod spec inside its object, with a trailing dot.
func specPath(w workload) string {
	for _, p := range [][]string{{"spec", "template", "spec"}, {"spec", "jobTemplate", "spec", "template", "spec"}, {"template", "spec"}, {"spec"}} {
		if ynPath(w.obj, p...) == w.spec {
			return strings.Join(p, ".") + "."
		}
	}
	for _, p := range podTemplatePaths {
		if ynPath(w.obj, append(append([]string(nil), p...), "spec")...) == w.spec {
			return strings.Join(append(append([]string(nil), p...), "spec"), ".") + "."
		}
	}
	return ""
}
