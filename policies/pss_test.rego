package floe.pss_test

import data.floe.testlib as t

# POL-SEC-01

test_pol_sec_01_pass_pod_level if {
	not "POL-SEC-01" in t.fired(t.good, t.params)
}

test_pol_sec_01_pass_container_level if {
	cj := t.patched(t.removed(t.cronjob, concat("/", [t.cj_pod, "securityContext/runAsNonRoot"])), concat("/", [t.cj_container, "securityContext/runAsNonRoot"]), true)
	not "POL-SEC-01" in t.fired([cj], t.params)
}

test_pol_sec_01_fail_not_non_root if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_pod, "securityContext/runAsNonRoot"]), false)
	t.messages("POL-SEC-01", [cj], t.params) == {`container "dbt": runAsNonRoot is not true`}
}

test_pol_sec_01_fail_container_overrides_pod if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_container, "securityContext/runAsUser"]), 0)
	t.messages("POL-SEC-01", [cj], t.params) == {`container "dbt": runAsUser is 0 (root)`}
}

test_pol_sec_01_fail_no_uid if {
	cj := t.removed(t.cronjob, concat("/", [t.cj_pod, "securityContext/runAsUser"]))
	t.messages("POL-SEC-01", [cj], t.params) == {`container "dbt": runAsUser is not set (expected a non-zero UID such as 1000)`}
}

# POL-SEC-02

test_pol_sec_02_pass_localhost_on_container if {
	cj := t.patched(t.removed(t.cronjob, concat("/", [t.cj_pod, "securityContext/seccompProfile"])), concat("/", [t.cj_container, "securityContext/seccompProfile"]), {"type": "Localhost", "localhostProfile": "p.json"})
	not "POL-SEC-02" in t.fired([cj], t.params)
}

test_pol_sec_02_fail_missing if {
	cj := t.removed(t.cronjob, concat("/", [t.cj_pod, "securityContext/seccompProfile"]))
	t.messages("POL-SEC-02", [cj], t.params) == {`container "dbt": seccompProfile.type is not set (want RuntimeDefault or Localhost)`}
}

test_pol_sec_02_fail_unconfined_container if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_container, "securityContext/seccompProfile"]), {"type": "Unconfined"})
	t.messages("POL-SEC-02", [cj], t.params) == {`container "dbt": seccompProfile.type is "Unconfined" (want RuntimeDefault or Localhost)`}
}

# POL-SEC-03

test_pol_sec_03_pass_net_bind_service if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_container, "securityContext/capabilities/add"]), ["NET_BIND_SERVICE"])
	not "POL-SEC-03" in t.fired([cj], t.params)
}

test_pol_sec_03_fail_escalation if {
	cj := t.removed(t.cronjob, concat("/", [t.cj_container, "securityContext/allowPrivilegeEscalation"]))
	t.messages("POL-SEC-03", [cj], t.params) == {`container "dbt": allowPrivilegeEscalation is not false`}
}

test_pol_sec_03_fail_privileged_and_caps if {
	cj := json.patch(t.cronjob, [
		{"op": "add", "path": concat("/", [t.cj_container, "securityContext/privileged"]), "value": true},
		{"op": "add", "path": concat("/", [t.cj_container, "securityContext/capabilities"]), "value": {"drop": ["NET_RAW"], "add": ["SYS_ADMIN", "NET_BIND_SERVICE", "NET_ADMIN"]}},
	])
	t.messages("POL-SEC-03", [cj], t.params) == {
		`container "dbt": runs privileged`,
		`container "dbt": capabilities.drop does not include ALL`,
		`container "dbt": adds capabilities NET_ADMIN, SYS_ADMIN`,
	}
}

test_pol_sec_03_fail_init_container if {
	init := object.remove(t.container, ["securityContext"])
	cj := t.patched(t.cronjob, concat("/", [t.cj_pod, "initContainers"]), [object.union(init, {"name": "wait"})])
	`initContainer "wait": allowPrivilegeEscalation is not false` in t.messages("POL-SEC-03", [cj], t.params)
}

# POL-SEC-05

test_pol_sec_05_pass_etc_subdirectory if {
	# the compliant fixture mounts the dbt profiles at /etc/dbt
	not "POL-SEC-05" in t.fired(t.good, t.params)
}

test_pol_sec_05_fail_host_namespaces if {
	d := json.patch(t.deployment, [
		{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": true},
		{"op": "add", "path": "/spec/template/spec/hostPID", "value": true},
		{"op": "add", "path": "/spec/template/spec/hostIPC", "value": false},
	])
	t.messages("POL-SEC-05", [d], t.params) == {"pod template sets hostNetwork: true", "pod template sets hostPID: true"}
}

test_pol_sec_05_fail_host_path_port_mount if {
	d := json.patch(t.deployment, [
		{"op": "add", "path": "/spec/template/spec/volumes/-", "value": {"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}},
		{"op": "add", "path": "/spec/template/spec/containers/0/ports", "value": [{"containerPort": 8080, "hostPort": 8080}]},
		{"op": "add", "path": "/spec/template/spec/containers/0/volumeMounts/-", "value": {"name": "tmp", "mountPath": "/proc/"}},
	])
	t.messages("POL-SEC-05", [d], t.params) == {
		`volume "docker" is a hostPath`,
		`container "dbt": uses hostPort 8080`,
		`container "dbt": mounts volume "tmp" at /proc/`,
	}
}

# The container checks are worked out once per distinct securityContext, ports and
# mounts; containers and objects that share them still get findings of their own.
test_shared_context_reported_per_container_and_object if {
	c := object.remove(t.container, ["securityContext"])
	d := t.patched(t.removed(t.deployment, "/spec/template/spec/securityContext"), "/spec/template/spec/containers", [
		object.union(c, {"name": "a"}),
		object.union(c, {"name": "b"}),
	])
	e := json.patch(d, [{"op": "replace", "path": "/metadata/name", "value": "other"}])
	vs := t.violations([d, e], t.params)
	found := {[v.i, v.msg] | some v in vs; v.rule == "POL-SEC-03"}
	found == {[i, sprintf("container %q: %s", [name, m])] |
		some i in [0, 1]
		some name in ["a", "b"]
		some m in ["allowPrivilegeEscalation is not false", "capabilities.drop does not include ALL"]
	}
	count({v | some v in vs; v.rule == "POL-SEC-01"}) == 8
}
