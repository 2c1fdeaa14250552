# Package floe.pss holds the Pod Security "restricted" rules (D-RND-22, D-GATE-01):
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

# Every container check is worked out once per distinct (pod securityContext,
# securityContext, ports, volumeMounts): a product's containers mostly share them, so
# each container costs one cached call. Containers that pass every check (restricted)
# skip the details.
violation contains {"rule": p[0], "i": x.i, "msg": sprintf("%s: %s", [lib.label(x.field, x.name), p[1]])} if {
	some x in lib.containers
	some p in container_problems(x.psc, x.csc, object.get(x.c, "ports", []), object.get(x.c, "volumeMounts", []))
}

# container_problems lists [rule, message] pairs for one container.
container_problems(psc, csc, ports, mounts) := [] if {
	restricted(psc, csc, ports, mounts)
} else := array.concat(
	array.concat(sec01(lib.effective(psc, csc)), sec02(lib.effective(psc, csc))),
	array.concat(sec03(lib.object_or(csc)), sec05(ports, mounts)),
)

added(own) := {c | some c in object.get(own, ["capabilities", "add"], [])} - {"NET_BIND_SERVICE"}

blocked(path) if path in blocked_mounts

blocked(path) if concat("", [trim_right(path, "/"), "/"]) in {concat("", [b, "/"]) | some b in blocked_mounts}

# POL-SEC-01

sec01(sc) := array.concat(
	[["POL-SEC-01", "runAsNonRoot is not true"] | object.get(sc, "runAsNonRoot", null) != true],
	array.concat(
		[["POL-SEC-01", "runAsUser is not set (expected a non-zero UID such as 1000)"] | not is_number(object.get(sc, "runAsUser", null))],
		[["POL-SEC-01", "runAsUser is 0 (root)"] | sc.runAsUser == 0],
	),
)

# POL-SEC-02

sec02(sc) := [["POL-SEC-02", sprintf("seccompProfile.type is %s (want RuntimeDefault or Localhost)", [shown(t)])] |
	t := object.get(sc, ["seccompProfile", "type"], "")
	not t in seccomp_ok
]

shown(t) := "not set" if t == ""

shown(t) := sprintf("%q", [t]) if t != ""

# POL-SEC-03

sec03(own) := array.concat(
	array.concat(
		[["POL-SEC-03", "allowPrivilegeEscalation is not false"] | object.get(own, "allowPrivilegeEscalation", null) != false],
		[["POL-SEC-03", "runs privileged"] | object.get(own, "privileged", false) == true],
	),
	array.concat(
		[["POL-SEC-03", "capabilities.drop does not include ALL"] | not "ALL" in object.get(own, ["capabilities", "drop"], [])],
		[["POL-SEC-03", sprintf("adds capabilities %s", [concat(", ", sort(extra))])] |
			extra := added(own)
			count(extra) > 0
		],
	),
)

# POL-SEC-05: a pod's host namespaces and hostPath volumes, and a container's host
# ports and mounts over system paths.

violation contains {"rule": "POL-SEC-05", "i": p.i, "msg": msg} if {
	some p in lib.pods
	some msg in host_problems(object.filter(p.spec, host_fields), object.get(p.spec, "volumes", []))
}

# host_problems lists a pod's host namespaces and hostPath volumes (cached per value).
host_problems(host, volumes) := array.concat(
	[sprintf("pod template sets %s: true", [field]) | some field in host_fields; host[field] == true],
	[sprintf("volume %q is a hostPath", [object.get(v, "name", "")]) | some v in lib.array_or(volumes); v.hostPath],
)

sec05(ports, mounts) := array.concat(
	[["POL-SEC-05", sprintf("uses hostPort %v", [port.hostPort])] |
		some port in lib.array_or(ports)
		object.get(port, "hostPort", 0) != 0
	],
	[["POL-SEC-05", sprintf("mounts volume %q at %s", [object.get(m, "name", ""), m.mountPath])] |
		some m in lib.array_or(mounts)
		blocked(m.mountPath)
	],
)
