# Package floe.pss holds the Pod Security "restricted" rules of SPEC §5.5 (P-36):
# product pods satisfy restricted whatever the namespace label says.
package floe.pss

import data.floe.lib

rules["POL-SEC-01"] := {
	"title": "Pods run as a non-root user",
	"severity": "deny",
	"remediation": "Set securityContext.runAsNonRoot: true and runAsUser to a non-zero UID (floe images use 1000) on the pod or on every container.",
}

rules["POL-SEC-02"] := {
	"title": "Pods use the RuntimeDefault or a Localhost seccomp profile",
	"severity": "deny",
	"remediation": "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a profile on every container).",
}

rules["POL-SEC-03"] := {
	"title": "Containers cannot gain privileges",
	"severity": "deny",
	"remediation": "On every container set securityContext.allowPrivilegeEscalation: false, privileged: false, capabilities.drop: [ALL], and add no capability other than NET_BIND_SERVICE.",
}

rules["POL-SEC-05"] := {
	"title": "Pods do not use host namespaces, host paths or host ports",
	"severity": "deny",
	"remediation": "Remove hostNetwork, hostPID, hostIPC, hostPath volumes and hostPort; use emptyDir volumes for scratch space and never mount over /, /proc, /sys, /dev, /etc, /var/run or /run.",
}

seccomp_ok := {"RuntimeDefault", "Localhost"}

blocked_mounts := {"/", "/proc", "/sys", "/dev", "/etc", "/var/run", "/run"}

host_fields := ["hostNetwork", "hostPID", "hostIPC"]

# restricted holds when a container passes every container-level check of this
# package; only the containers that do not (the suspects) are examined in detail.
restricted(psc, csc, ports, mounts) if {
	sc := lib.effective(psc, csc)
	sc.runAsNonRoot == true
	is_number(sc.runAsUser)
	sc.runAsUser != 0
	sc.seccompProfile.type in seccomp_ok
	own := lib.object_or(csc)
	own.allowPrivilegeEscalation == false
	object.get(own, "privileged", false) != true
	"ALL" in object.get(own, ["capabilities", "drop"], [])
	count(added(own)) == 0
	every p in lib.array_or(ports) {
		object.get(p, "hostPort", 0) == 0
	}
	every m in lib.array_or(mounts) {
		not blocked(m.mountPath)
	}
}

suspects := [x |
	some x in lib.containers
	not restricted(x.psc, x.csc, object.get(x.c, "ports", []), object.get(x.c, "volumeMounts", []))
]

added(own) := {c | some c in object.get(own, ["capabilities", "add"], [])} - {"NET_BIND_SERVICE"}

blocked(path) if path in blocked_mounts

blocked(path) if concat("", [trim_right(path, "/"), "/"]) in {concat("", [b, "/"]) | some b in blocked_mounts}

# POL-SEC-01

violation contains {"rule": "POL-SEC-01", "i": x.i, "msg": msg} if {
	some x in suspects
	object.get(lib.effective(x.psc, x.csc), "runAsNonRoot", null) != true
	msg := sprintf("%s: runAsNonRoot is not true", [lib.label(x.field, x.name)])
}

violation contains {"rule": "POL-SEC-01", "i": x.i, "msg": msg} if {
	some x in suspects
	sc := lib.effective(x.psc, x.csc)
	not is_number(object.get(sc, "runAsUser", null))
	msg := sprintf("%s: runAsUser is not set (expected a non-zero UID such as 1000)", [lib.label(x.field, x.name)])
}

violation contains {"rule": "POL-SEC-01", "i": x.i, "msg": msg} if {
	some x in suspects
	sc := lib.effective(x.psc, x.csc)
	sc.runAsUser == 0
	msg := sprintf("%s: runAsUser is 0 (root)", [lib.label(x.field, x.name)])
}

# POL-SEC-02

violation contains {"rule": "POL-SEC-02", "i": x.i, "msg": msg} if {
	some x in suspects
	t := object.get(lib.effective(x.psc, x.csc), ["seccompProfile", "type"], "")
	not t in seccomp_ok
	msg := sprintf("%s: seccompProfile.type is %s (want RuntimeDefault or Localhost)", [lib.label(x.field, x.name), shown(t)])
}

shown(t) := "not set" if t == ""

shown(t) := sprintf("%q", [t]) if t != ""

# POL-SEC-03

violation contains {"rule": "POL-SEC-03", "i": x.i, "msg": msg} if {
	some x in suspects
	object.get(lib.object_or(x.csc), "allowPrivilegeEscalation", null) != false
	msg := sprintf("%s: allowPrivilegeEscalation is not false", [lib.label(x.field, x.name)])
}

violation contains {"rule": "POL-SEC-03", "i": x.i, "msg": msg} if {
	some x in suspects
	object.get(lib.object_or(x.csc), "privileged", false) == true
	msg := sprintf("%s: runs privileged", [lib.label(x.field, x.name)])
}

violation contains {"rule": "POL-SEC-03", "i": x.i, "msg": msg} if {
	some x in suspects
	not "ALL" in object.get(lib.object_or(x.csc), ["capabilities", "drop"], [])
	msg := sprintf("%s: capabilities.drop does not include ALL", [lib.label(x.field, x.name)])
}

violation contains {"rule": "POL-SEC-03", "i": x.i, "msg": msg} if {
	some x in suspects
	extra := added(lib.object_or(x.csc))
	count(extra) > 0
	msg := sprintf("%s: adds capabilities %s", [lib.label(x.field, x.name), concat(", ", sort(extra))])
}

# POL-SEC-05

violation contains {"rule": "POL-SEC-05", "i": p.i, "msg": msg} if {
	some p in lib.pods
	some msg in host_problems(object.filter(p.spec, host_fields), object.get(p.spec, "volumes", []))
}

# host_problems lists a pod's host namespaces and hostPath volumes (cached per value).
host_problems(host, volumes) := array.concat(
	[sprintf("pod template sets %s: true", [field]) | some field in host_fields; host[field] == true],
	[sprintf("volume %q is a hostPath", [object.get(v, "name", "")]) | some v in lib.array_or(volumes); v.hostPath],
)

violation contains {"rule": "POL-SEC-05", "i": x.i, "msg": msg} if {
	some x in suspects
	some port in lib.array_or(object.get(x.c, "ports", []))
	object.get(port, "hostPort", 0) != 0
	msg := sprintf("%s: uses hostPort %v", [lib.label(x.field, x.name), port.hostPort])
}

violation contains {"rule": "POL-SEC-05", "i": x.i, "msg": msg} if {
	some x in suspects
	some m in lib.array_or(object.get(x.c, "volumeMounts", []))
	blocked(m.mountPath)
	msg := sprintf("%s: mounts volume %q at %s", [lib.label(x.field, x.name), object.get(m, "name", ""), m.mountPath])
}
