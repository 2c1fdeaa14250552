package floe.identity_test

import data.floe.testlib as t

test_pol_ns_01_pass_cluster_scoped_kinds if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "floe-dev", "labels": t.labels}}
	not "POL-NS-01" in t.fired(array.concat(t.good, [ns]), t.params)
}

test_pol_ns_01_pass_without_param if {
	cm := t.removed(t.configmap, "/metadata/namespace")
	not "POL-NS-01" in t.fired([cm], object.remove(t.params, ["namespace"]))
}

test_pol_ns_01_fail_other_namespace if {
	cm := t.patched(t.configmap, "/metadata/namespace", "default")
	t.messages("POL-NS-01", [cm], t.params) == {`is in namespace "default" (want "floe-dev")`}
}

test_pol_ns_01_fail_missing if {
	cm := t.removed(t.configmap, "/metadata/namespace")
	t.messages("POL-NS-01", [cm], t.params) == {`has no namespace (want "floe-dev")`}
}

test_pol_sec_07_pass_contract_account if {
	not "POL-SEC-07" in t.fired(t.good, t.params)
}

test_pol_sec_07_pass_any_named_account_without_param if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_pod, "serviceAccountName"]), "runner")
	not "POL-SEC-07" in t.fired([cj], object.remove(t.params, ["serviceAccount"]))
}

test_pol_sec_07_fail_token_mounted if {
	cj := t.removed(t.cronjob, concat("/", [t.cj_pod, "automountServiceAccountToken"]))
	t.messages("POL-SEC-07", [cj], t.params) == {"pod template does not set automountServiceAccountToken: false"}
}

test_pol_sec_07_fail_wrong_account if {
	cj := t.patched(t.cronjob, concat("/", [t.cj_pod, "serviceAccountName"]), "floe-platform-dagster")
	t.messages("POL-SEC-07", [cj], t.params) == {`pod template runs as service account "floe-platform-dagster" (want "floe-data-product-runner")`}
}

test_pol_sec_07_fail_default_account_without_param if {
	d := t.removed(t.deployment, "/spec/template/spec/serviceAccountName")
	t.messages("POL-SEC-07", [d], object.remove(t.params, ["serviceAccount"])) == {`pod template runs as service account "default"`}
}
