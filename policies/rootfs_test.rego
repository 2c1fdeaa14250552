package floe.rootfs_test

import data.floe.testlib as t

test_pol_sec_04_pass_read_only if {
	not "POL-SEC-04" in t.fired(t.good, t.params)
}

test_pol_sec_04_fail_writable_root if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_container, "securityContext/readOnlyRootFilesystem"]), false)
	t.violations([cj], t.params) == {{
		"rule": "POL-SEC-04", "i": 0,
		"msg": `container "dbt": readOnlyRootFilesystem is not true`,
	}}
}

test_pol_sec_04_fail_waived_is_a_warning if {
	d := json.patch(t.deployment, [
		{"op": "remove", "path": "/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem"},
		{"op": "add", "path": "/metadata/annotations", "value": {"floe.dev/waiver-readonly-rootfs": "dbt writes target/ (ticket SEC-12)"}},
	])
	t.violations([d], t.params) == {{
		"rule": "POL-SEC-04", "i": 0, "severity": "warn",
		"msg": `container "dbt": readOnlyRootFilesystem is not true (waived: dbt writes target/ (ticket SEC-12))`,
	}}
}

test_pol_sec_04_fail_waiver_on_pod_template if {
	cj := json.patch(t.cronjob, [
		{"op": "remove", "path": concat("/", [t.cj_container, "securityContext/readOnlyRootFilesystem"])},
		{"op": "add", "path": "/spec/jobTemplate/spec/template/metadata/annotations", "value": {"floe.dev/waiver-readonly-rootfs": "reviewed"}},
	])
	[v] := [v | some v in t.violations([cj], t.params)]
	v.severity == "warn"
}
