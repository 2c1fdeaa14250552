# Package floe.identity: where product objects live and who product pods run as
# (POL-NS-01, POL-SEC-07; D-RND-13).
package floe.identity

import data.floe.lib

rules["POL-NS-01"] := {
	"title": "Objects are in the contract's namespace",
	"severity": "deny",
	"remediation": "Set metadata.namespace to the contract's environment.kubernetes.namespace on every namespaced object (floe render does; pass --namespace to helm template).",
}

violation contains {"rule": "POL-NS-01", "i": i, "msg": msg} if {
	want := lib.param("namespace")
	some i, o in input.objects
	got := object.get(o.object, ["metadata", "namespace"], "")
	got != want
	not o.object.kind in lib.cluster_scoped_kinds
	msg := ns_msg(got, want)
}

ns_msg("", want) := sprintf("has no namespace (want %q)", [want])

ns_msg(got, want) := sprintf("is in namespace %q (want %q)", [got, want]) if got != ""

rules["POL-SEC-07"] := {
	"title": "Pods run as the contract's service account without an API token",
	"severity": "deny",
	"remediation": "Set serviceAccountName to the contract's access.serviceAccount (never default) and automountServiceAccountToken: false on the pod spec; product pods need no Kubernetes API access.",
}

violation contains {"rule": "POL-SEC-07", "i": p.i, "msg": msg} if {
	some p in lib.pods
	some msg in pod_problems(
		object.get(p.spec, "automountServiceAccountToken", null),
		object.get(p.spec, "serviceAccountName", ""),
		object.get(p.spec, "serviceAccount", ""),
	)
}

# pod_problems lists what is wrong with a pod's identity (cached: pods share it).
pod_problems(automount, name, legacy) := array.concat(
	[m | automount != false; m := "pod template does not set automountServiceAccountToken: false"],
	[m | m := sa_problem(name, legacy)],
)

# sa_problem describes a wrong service account (cached: pods share theirs).
sa_problem(name, legacy) := sprintf("pod template runs as service account %q (want %q)", [shown(sa), want]) if {
	want := lib.param("serviceAccount")
	sa := effective_sa(name, legacy)
	sa != want
}

sa_problem(name, legacy) := sprintf("pod template runs as service account %q", [shown(sa)]) if {
	not lib.param("serviceAccount")
	sa := effective_sa(name, legacy)
	sa in {"", "default"}
}

effective_sa(name, legacy) := name if {
	is_string(name)
	name != ""
} else := legacy if {
	is_string(legacy)
} else := ""

shown("") := "default"

shown(sa) := sa if sa != ""
