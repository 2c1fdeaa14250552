package floe.resources_test

import data.floe.testlib as t

test_pol_sec_06_pass_complete if {
	not "POL-SEC-06" in t.fired(t.good, t.params)
}

test_pol_sec_06_fail_no_limits if {
	cj := t.removed(t.cronjob, concat("/", [t.cj_container, "resources/limits"]))
	t.messages("POL-SEC-06", [cj], t.params) == {`container "dbt": resources missing limits.cpu, limits.memory`}
}

test_pol_sec_06_fail_no_resources_on_init_container if {
	init := object.union(object.remove(t.container, ["resources"]), {"name": "init"})
	cj := t.patched(t.cronjob, concat("/", [t.cj_pod, "initContainers"]), [init])
	t.messages("POL-SEC-06", [cj], t.params) == {`initContainer "init": resources missing requests.cpu, requests.memory, limits.cpu, limits.memory`}
}

test_pol_sec_06_fail_empty_value if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_container, "resources/requests/cpu"]), "")
	t.messages("POL-SEC-06", [cj], t.params) == {`container "dbt": resources missing requests.cpu`}
}
