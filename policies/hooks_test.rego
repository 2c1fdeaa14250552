package floe.hooks_test

import data.floe.testlib as t

hook_pod := {
	"apiVersion": "v1", "kind": "Pod",
	"metadata": object.union(t.meta("orders-test-job"), {"annotations": {"helm.sh/hook": "test-success,test"}}),
	"spec": t.pod_spec,
}

test_pol_hook_01_pass_install_hook if {
	j := t.patched(t.job, "/metadata/annotations", {"helm.sh/hook": "pre-install"})
	not "POL-HOOK-01" in t.fired([j], t.params)
}

test_pol_hook_01_fail_test_hook_is_a_warning if {
	t.messages("POL-HOOK-01", [hook_pod], t.params) == {"is a Helm test hook (helm.sh/hook: test-success,test)"}
	data.floe.hooks.rules["POL-HOOK-01"].severity == "warn"
}
