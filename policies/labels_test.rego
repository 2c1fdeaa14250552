package floe.labels_test

import data.floe.testlib as t

test_pol_lbl_01_pass_labelled if {
	not "POL-LBL-01" in t.fired(t.good, t.params)
}

test_pol_lbl_01_pass_no_product if {
	cm := t.patched(t.configmap, "/metadata/labels", {})
	not "POL-LBL-01" in t.fired([cm], object.remove(t.params, ["product"]))
}

test_pol_lbl_01_fail_missing_on_object if {
	cm := t.removed(t.configmap, "/metadata/labels/floe.dev~1product")
	t.messages("POL-LBL-01", [cm], t.params) == {"metadata lacks label(s) floe.dev/product"}
}

test_pol_lbl_01_fail_pod_template if {
	cj := t.patched(t.cronjob, "/spec/jobTemplate/spec/template/metadata/labels", {
		"app.kubernetes.io/name": "floe-jobs",
		"app.kubernetes.io/instance": "payments",
		"app.kubernetes.io/component": "dbt",
	})
	t.messages("POL-LBL-01", [cj], t.params) == {
		"pod template lacks label(s) app.kubernetes.io/managed-by, app.kubernetes.io/part-of, app.kubernetes.io/version, floe.dev/environment, floe.dev/job-type, floe.dev/mode, floe.dev/product",
		`pod template label app.kubernetes.io/instance is "payments" (want "orders")`,
	}
}

test_pol_lbl_01_fail_invalid_value if {
	svc := t.patched(t.service, "/metadata/labels/floe.dev~1tier", "gold-")
	t.messages("POL-LBL-01", [svc], t.params) == {"metadata label floe.dev/tier has an invalid value (63 characters at most, alphanumeric at both ends, -_. inside)"}
}

test_pol_net_01_pass_part_of_floe_jobs if {
	not "POL-NET-01" in t.fired(t.good, t.params)
}

test_pol_net_01_fail_job_pod_not_selected if {
	j := t.patched(t.job, "/spec/template/metadata/labels/app.kubernetes.io~1part-of", "floe-platform")
	t.messages("POL-NET-01", [j], t.params) == {`pod template label app.kubernetes.io/part-of is "floe-platform" (want "floe-jobs")`}
}

# A chart's objects (post-render) keep the Helm release as their instance label: any
# non-empty value passes there, the product's own label set is still required.
test_pol_lbl_01_pass_chart_instance if {
	svc := t.patched(t.service, "/metadata/labels/app.kubernetes.io~1instance", "dagster")
	not "POL-LBL-01" in t.fired([svc], t.params_with({"chart": true}))
}

test_pol_lbl_01_fail_chart_instance_missing if {
	svc := t.removed(t.service, "/metadata/labels/app.kubernetes.io~1instance")
	t.messages("POL-LBL-01", [svc], t.params_with({"chart": true})) == {"metadata lacks label(s) app.kubernetes.io/instance"}
}

test_pol_lbl_01_fail_instance_outside_charts if {
	svc := t.patched(t.service, "/metadata/labels/app.kubernetes.io~1instance", "dagster")
	t.messages("POL-LBL-01", [svc], t.params) == {`metadata label app.kubernetes.io/instance is "dagster" (want "orders")`}
}
